"""The photo stores, one module each; the interface and the choice are in server/photos/storage.py."""

"""The PWA's shell: service worker, manifest, offline page and content-versioned static files."""

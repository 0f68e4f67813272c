"""One's own devices ("Thiết bị của tôi"): the device tokens signed in as oneself, and revoking them."""

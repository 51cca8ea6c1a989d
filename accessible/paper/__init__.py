"""Paper that comes back: printed answer pages (markers, page identity, box geometry) and reading them."""

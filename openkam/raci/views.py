"""Pages of the raci app."""

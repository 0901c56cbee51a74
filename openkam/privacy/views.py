"""HTML views of the privacy app."""

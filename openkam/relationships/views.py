"""HTML views of the relationships app."""

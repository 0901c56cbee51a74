"""HTML views of the personality app."""

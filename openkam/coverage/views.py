"""HTML views of the coverage app."""

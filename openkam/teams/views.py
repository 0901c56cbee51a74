"""Pages of the teams app."""

"""The load benchmark: 20 signed-in users browse the account pages and the API (see run.py)."""

"""OpenKAM benchmarks: ``make bench`` (``python -m bench.run_all``) runs them all.

Every benchmark starts its own throw-away installation, talks only to 127.0.0.1, stops by
itself, and reports into its own section of docs/benchmarks.md.
"""

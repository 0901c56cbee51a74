"""Pure computations over the sales ledger: tables and parameters in, tables out.

Nothing here imports Django models. The ledger is an Ibis table (DuckDB over Parquet by default,
PostgreSQL when the ledger lives in the database); results are small ``pyarrow.Table`` objects.
"""

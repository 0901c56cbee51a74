"""Connections to the engines that hold the ledger, and loading a Parquet ledger into them.

DuckDB in-process over Parquet files is the default engine; PostgreSQL is supported for ledgers
kept in the database. Every function returns Ibis objects, so the metrics run unchanged on both.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

LEDGER_TABLE = "ledger"


def duckdb_connect(database: str | Path = ":memory:", *, threads: int | None = None) -> BaseBackend:
    """Open an in-process DuckDB connection (in memory unless a database file is given).

    ``threads`` limits DuckDB's worker threads (default: DuckDB's own choice, all cores).
    """
    config: dict[str, Any] = {}
    if threads is not None:
        if threads < 1:
            raise ValueError("threads must be at least 1.")
        config["threads"] = threads
    return ibis.duckdb.connect(str(database), **config)


def read_ledger_parquet(
    path: str | Path, *, con: BaseBackend | None = None, table_name: str = LEDGER_TABLE
) -> ibis.Table:
    """Expose a Parquet ledger (file, directory glob or list of files) as a DuckDB table.

    Nothing is copied: DuckDB reads the file lazily on every query. ``con`` must be a DuckDB
    connection (default: a new in-memory one). Raises ``FileNotFoundError`` for a missing file
    and ``ValueError`` for a non-DuckDB connection.
    """
    con = con if con is not None else duckdb_connect()
    if con.name != "duckdb":
        raise ValueError(f"read_ledger_parquet needs a DuckDB connection, not {con.name!r}.")
    if isinstance(path, str | Path) and "*" not in str(path) and not Path(path).exists():
        raise FileNotFoundError(f"No ledger at {path}.")
    return con.read_parquet(path, table_name=table_name)


def postgres_connect(url: str | None = None, **params: Any) -> BaseBackend:
    """Connect to PostgreSQL from a URL (``postgresql://user:pw@host:port/db``) or psycopg keywords.

    Exactly one of ``url`` and keyword parameters (``host``, ``port``, ``user``, ``password``,
    ``database``, ...) must be given; raises ``ValueError`` otherwise. Connection errors from
    psycopg propagate unchanged.
    """
    if (url is None) == (not params):
        raise ValueError("Give either a PostgreSQL URL or connection parameters, not both or neither.")
    if url is not None:
        if not url.startswith(("postgres://", "postgresql://")):
            raise ValueError("A PostgreSQL URL starts with postgresql:// or postgres://.")
        return ibis.connect(url.replace("postgresql://", "postgres://", 1))
    return ibis.postgres.connect(**params)


def arrow_ledger(path: str | Path) -> pa.Table:
    """Read a Parquet ledger into memory with plain (non-dictionary) string columns."""
    table = pq.read_table(path)
    columns = [
        col.cast(field.type.value_type) if pa.types.is_dictionary(field.type) else col
        for field, col in zip(table.schema, table.columns, strict=True)
    ]
    names = table.schema.names
    return pa.table(dict(zip(names, columns, strict=True)))


def load_parquet(
    con: BaseBackend, path: str | Path, *, table_name: str = LEDGER_TABLE, overwrite: bool = True
) -> ibis.Table:
    """Copy a Parquet ledger into a table of ``con`` (DuckDB or PostgreSQL) and return it.

    Meant for tests and small ledgers: the file is read into memory first. Dictionary-encoded
    text becomes plain text, ``decimal(18,2)`` stays exact (``numeric(18,2)`` in PostgreSQL).
    Raises ``FileNotFoundError`` for a missing file; with ``overwrite=False`` an existing table
    makes the backend raise.
    """
    if not Path(path).exists():
        raise FileNotFoundError(f"No ledger at {path}.")
    return con.create_table(table_name, obj=arrow_ledger(path), overwrite=overwrite)


def spark_connect(session: Any = None, *, master: str = "local[1]", app_name: str = "openkam") -> BaseBackend:
    """Connect Ibis to Apache Spark: an existing ``SparkSession`` or a new one on ``master``.

    Without ``session`` a session is created (or reused: Spark keeps one per process) with
    ``master`` (default: local mode on one core; for a cluster, e.g. ``spark://host:7077``),
    the web UI off, few shuffle partitions (per-customer results are small) and UTC as the
    session time zone, so dates never shift. Needs the optional ``pyspark`` package and a Java
    runtime; raises ``ImportError`` without pyspark, and Spark's own error without Java.
    """
    if session is None:
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master(master)
            .appName(app_name)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            # Spark would create ./spark-warehouse in the working directory otherwise.
            .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "openkam-spark-warehouse"))
            .getOrCreate()
        )
    return ibis.pyspark.connect(session)

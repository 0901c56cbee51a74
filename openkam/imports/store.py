"""The ledger store: Parquet files of committed ledger imports, and reading them as one ledger.

Each succeeded ledger import owns one Parquet file with the canonical schema (``CANONICAL``);
the demo company's generated ledger is registered where it lies. What belongs to the ledger is
decided by the database, not by the folder: a file counts only while a succeeded ``ImportRun``
references it (``selectors.ledger_files``). A commit therefore is

1. write ``<id>.parquet.partial`` in the store folder and fsync it,
2. ``os.replace`` it to ``<id>.parquet`` (atomic on one file system) and fsync the folder,
3. mark the run succeeded and refresh the yearly revenue in one database transaction.

A crash before 3 leaves a file that nothing references: readers ignore it and the next import
removes it (``remove_orphans``). Ledger imports hold ``ledger_lock`` from their checks against
earlier imports to the commit, so two imports cannot both pass and then overlap.

No Django models here: paths in, SQL and rows out.
"""

# Every SQL text here is built from quote_ident/quote_literal or from our own constants; values
# read from files never become SQL text, they only flow through DuckDB's columns.
# ruff: noqa: S608

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from .readers import quote_ident, quote_literal

CANONICAL: tuple[tuple[str, str], ...] = (
    ("invoice_id", "VARCHAR"),
    ("line_id", "VARCHAR"),
    ("invoice_date", "DATE"),
    ("customer_number", "VARCHAR"),
    ("product", "VARCHAR"),
    ("product_group", "VARCHAR"),
    ("business_unit", "VARCHAR"),
    ("site", "VARCHAR"),
    ("quantity", "DECIMAL(18,3)"),
    ("net_revenue", "DECIMAL(18,2)"),
    ("cost", "DECIMAL(18,2)"),
    ("currency", "VARCHAR"),
)
REQUIRED = (
    "invoice_id",
    "invoice_date",
    "customer_number",
    "product_group",
    "business_unit",
    "net_revenue",
    "cost",
)
# Columns of older or foreign ledger files that mean a canonical column (the demo's line number).
ALIASES = {"line_id": ("line_no",)}
PARTIAL_SUFFIX = ".parquet.partial"


def partial_path(folder: Path, run_id) -> Path:
    return folder / f"{run_id}{PARTIAL_SUFFIX}"


def final_path(folder: Path, run_id) -> Path:
    return folder / f"{run_id}.parquet"


@contextmanager
def ledger_lock(folder: Path) -> Iterator[None]:
    """Hold the store's exclusive lock (an OS file lock, released even when the process dies)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(partial: Path, final: Path) -> None:
    """Move a fully written file into place durably (fsync file, rename, fsync folder)."""
    _fsync(partial)
    os.replace(partial, final)
    _fsync(final.parent)


def remove_orphans(folder: Path, referenced: Iterable[Path]) -> list[Path]:
    """Delete store files no succeeded import references (leftovers of crashed imports).

    Call it only while holding ``ledger_lock``: an import in its commit owns files that are not
    referenced yet.
    """
    keep = {Path(p).resolve() for p in referenced}
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        if path.name.endswith((".parquet", PARTIAL_SUFFIX)) and path.resolve() not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def canonical_select(path: Path, columns: Iterable[str] | None = None) -> str:
    """SQL reading one ledger file with the canonical names and types.

    Casts per file so that files written by different tools line up: the demo ledger's integer
    invoice ids and dictionary-encoded text become VARCHAR, ``line_no`` becomes ``line_id``,
    missing optional columns are NULL. Raises ValueError for a file without a required column.
    """
    present = set(pq.read_schema(path).names)
    missing = [c for c in REQUIRED if c not in present]
    if missing:
        raise ValueError(f"The ledger file {path} lacks the column(s): {', '.join(missing)}.")
    wanted = set(columns) if columns is not None else None
    items = []
    for name, sql_type in CANONICAL:
        if wanted is not None and name not in wanted:
            continue
        source = next((c for c in (name, *ALIASES.get(name, ())) if c in present), None)
        expr = f"CAST({quote_ident(source)} AS {sql_type})" if source else f"CAST(NULL AS {sql_type})"
        items.append(f"{expr} AS {name}")
    return f"SELECT {', '.join(items)} FROM read_parquet({quote_literal(str(path))})"


def union_sql(paths: Iterable[Path], columns: Iterable[str] | None = None, *, tag: bool = False) -> str:
    """One relation over several ledger files (``UNION ALL``); ``tag`` adds the file's index as
    ``source``. Raises ValueError when ``paths`` is empty."""
    columns = list(columns) if columns is not None else None
    parts = []
    for index, path in enumerate(paths):
        select = canonical_select(Path(path), columns)
        if tag:
            select = select.replace(" FROM read_parquet(", f", {index} AS source FROM read_parquet(", 1)
        parts.append(select)
    if not parts:
        raise ValueError("No ledger files.")
    return " UNION ALL ".join(parts)


def yearly_revenue(paths: list[Path], con: duckdb.DuckDBPyConnection | None = None) -> list[tuple]:
    """``(customer_number, fiscal year, revenue, margin, lines)`` over the whole ledger, in no
    particular order; revenue and margin as ``Decimal``.

    Fiscal year = calendar year, margin = net revenue − cost, credit notes included.
    """
    if not paths:
        return []
    # The sums travel as text: DuckDB hands out 150,000 decimals as Python objects at half the
    # speed, and Decimal(text) is exact.
    sql = (
        "SELECT customer_number, CAST(year(invoice_date) AS INTEGER), CAST(sum(net_revenue) AS VARCHAR), "
        f"CAST(sum(net_revenue - cost) AS VARCHAR), count(*) FROM ({union_sql(paths, REQUIRED)}) GROUP BY ALL"
    )
    if con is not None:
        rows = con.execute(sql).fetchall()
    else:
        with duckdb.connect() as own:
            rows = own.execute(sql).fetchall()
    return [(n, year, Decimal(revenue), Decimal(margin), lines) for n, year, revenue, margin, lines in rows]


def summary(paths: list[Path]) -> dict:
    """Files, lines, first and last invoice date and distinct customers of the ledger."""
    if not paths:
        return {"files": 0, "lines": 0, "first_date": None, "last_date": None, "customers": 0}
    sql = (
        "SELECT count(*), min(invoice_date), max(invoice_date), count(DISTINCT customer_number) "
        f"FROM ({union_sql(paths, ('invoice_date', 'customer_number'))})"
    )
    with duckdb.connect() as con:
        lines, first, last, customers = con.execute(sql).fetchall()[0]
    return {
        "files": len(paths),
        "lines": lines,
        "first_date": first,
        "last_date": last,
        "customers": customers,
    }

"""The German files of the import benchmark, written from a demo ledger with DuckDB.

``ledger.csv``: every line of the demo ledger as a German ERP exports it — semicolons,
decimal commas (``1234,56``, no thousands separators), ``DD.MM.YYYY`` dates, German headers,
UTF-8; the demo's credit notes are negative lines. ``customers.csv``: the customer master
(number, name, country) of every customer in it. Both are cached under ``var/bench/imports/``
next to a JSON record of what they were written from, and written again when that changes.
"""

# The SQL here is built from our own constants and quoted paths only.
# ruff: noqa: S608

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb

from bench.selection.ledgers import REPO, LedgerSpec, ensure_ledger

CACHE = REPO / "var" / "bench" / "imports"
# Raise when the format below changes, so cached files are written again.
FORMAT_VERSION = 1
LEDGER_HEADERS = {
    "invoice_id": "Rechnungsnummer",
    "line_no": "Position",
    "invoice_date": "Rechnungsdatum",
    "customer_number": "Kundennummer",
    "product_group": "Produktgruppe",
    "business_unit": "Geschäftsbereich",
    "site": "Standort",
    "quantity": "Menge",
    "net_revenue": "Nettoumsatz",
    "cost": "Kosten",
    "currency": "Währung",
}
MONEY_COLUMNS = ("net_revenue", "cost")


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _select(ledger: Path) -> str:
    items = []
    for column, header in LEDGER_HEADERS.items():
        if column == "invoice_date":
            expr = f"strftime({column}, '%d.%m.%Y')"
        elif column in MONEY_COLUMNS:
            expr = f"replace(CAST({column} AS VARCHAR), '.', ',')"
        else:
            expr = column
        items.append(f'{expr} AS "{header}"')
    return f"SELECT {', '.join(items)} FROM read_parquet({_quoted(ledger)})"


def ensure_files(lines: int, *, log=print) -> tuple[Path, Path, int, float | None]:
    """(ledger CSV, customer CSV, lines, seconds spent writing or None when cached)."""
    ledger, _ = ensure_ledger(LedgerSpec.for_lines(lines), log=log)
    CACHE.mkdir(parents=True, exist_ok=True)
    csv_path = CACHE / f"ledger-{lines}-de.csv"
    customers_path = CACHE / f"customers-{lines}-de.csv"
    meta_path = CACHE / f"ledger-{lines}-de.json"
    stat = ledger.stat()
    wanted = {
        "format": FORMAT_VERSION,
        "ledger": ledger.name,
        "ledger_size": stat.st_size,
        "ledger_mtime": stat.st_mtime,
    }
    if csv_path.exists() and customers_path.exists() and meta_path.exists():
        try:
            if json.loads(meta_path.read_text()) == wanted:
                return csv_path, customers_path, lines, None
        except ValueError:
            pass
    log(f"writing the German CSV files of {lines:,} lines to {CACHE}")
    meta_path.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(
            f"COPY ({_select(ledger)}) TO {_quoted(csv_path)} (FORMAT csv, DELIMITER ';', HEADER, QUOTE '\"')"
        )
        con.execute(
            f"""
            COPY (
                SELECT DISTINCT customer_number AS "Kundennummer",
                    'Kunde ' || customer_number AS "Name",
                    'DE' AS "Land"
                FROM read_parquet({_quoted(ledger)})
                ORDER BY 1
            ) TO {_quoted(customers_path)} (FORMAT csv, DELIMITER ';', HEADER)
            """
        )
    meta_path.write_text(json.dumps(wanted, indent=2) + "\n")
    return csv_path, customers_path, lines, time.perf_counter() - started

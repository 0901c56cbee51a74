"""The hand-written DuckDB reference: ``python -m bench.selection.sql LEDGER OUTDIR``.

Runs ``selection.sql`` (one script, DuckDB's default threads) and writes the same two files
as :mod:`bench.selection.ours`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from string import Template

import duckdb

from bench.selection.finish import finish

SCRIPT = Path(__file__).with_name("selection.sql")


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def main(ledger: str, outdir: str) -> None:
    out = Path(outdir)
    script = Template(SCRIPT.read_text()).substitute(
        ledger=_quoted(Path(ledger)),
        customers_out=_quoted(out / "customers.parquet"),
        whitespace_out=_quoted(out / "whitespace.parquet"),
    )
    with duckdb.connect() as con:
        con.execute(script)


if __name__ == "__main__":
    main(*sys.argv[1:])
    finish()

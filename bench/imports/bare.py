"""The baseline: a bare DuckDB ``read_csv`` of the German file into a table.

``python -m bench.imports.bare FILE`` reads the file with the options it needs (semicolons,
decimal commas, ``DD.MM.YYYY`` dates, the header; money as ``DECIMAL(18,2)``, as the
toolchain notes advise, everything else as DuckDB detects it) into an in-memory table, and
prints one JSON line with the figures the benchmark compares with the import's.
"""

from __future__ import annotations

import json
import sys

import duckdb

QUERY = """
CREATE TABLE ledger AS
SELECT * FROM read_csv(
    $path,
    header = true,
    delim = ';',
    decimal_separator = ',',
    dateformat = '%d.%m.%Y',
    types = {'Nettoumsatz': 'DECIMAL(18,2)', 'Kosten': 'DECIMAL(18,2)'}
)
"""


def main(path: str) -> None:
    con = duckdb.connect()
    con.execute(QUERY, {"path": path})
    lines, revenue, cost, first, last = con.execute(
        'SELECT count(*), sum("Nettoumsatz"), sum("Kosten"), min("Rechnungsdatum"), max("Rechnungsdatum") '
        "FROM ledger"
    ).fetchone()
    print(
        json.dumps(
            {
                "lines": lines,
                "revenue": str(revenue),
                "cost": str(cost),
                "first": str(first),
                "last": str(last),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])

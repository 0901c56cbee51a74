"""What an installation's ledger store holds after the import: ``python -m bench.imports.check``.

Runs in the benchmark installation (its settings from the environment) and prints one JSON
line with the same figures as :mod:`bench.imports.bare`, read from the ledger files of the
succeeded imports, so the benchmark can tell that both read the same data.
"""

from __future__ import annotations

import json

import django


def main() -> None:
    django.setup()
    import duckdb

    from openkam.imports.selectors import ledger_files
    from openkam.imports.store import union_sql

    files = ledger_files()
    sql = union_sql(files, ("invoice_date", "net_revenue", "cost"))
    with duckdb.connect() as con:
        lines, revenue, cost, first, last = con.execute(
            f"SELECT count(*), sum(net_revenue), sum(cost), min(invoice_date), max(invoice_date) FROM ({sql})"  # noqa: S608
        ).fetchone()
    print(
        json.dumps(
            {
                "files": len(files),
                "lines": lines,
                "revenue": str(revenue),
                "cost": str(cost),
                "first": str(first),
                "last": str(last),
            }
        )
    )


if __name__ == "__main__":
    main()

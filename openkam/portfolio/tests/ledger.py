"""A small deterministic ledger for the selection tests, and the customer master that goes with it.

Eight customers of the master (K001–K008) buy on a fixed rhythm through 2024 and 2025; X999
buys too but is missing from the customer master. Every amount is a whole number of euros, so
the expectations in the tests can be computed by hand (and are, in plain Python over ``ROWS``).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from openkam.analytics.backends import read_ledger_parquet
from openkam.demo.ledger import SCHEMA

AS_OF = date(2025, 12, 31)
PERIOD_START = date(2025, 1, 1)

# number: (first invoice, days between invoices, invoices, net per invoice, cost per invoice,
#          product groups bought in turn)
PLAN = {
    "K001": (date(2024, 1, 8), 14, 52, 5000, 3000, ("Antriebe", "Sensorik", "Steuerungen")),
    "K002": (date(2024, 2, 5), 28, 24, 4000, 3000, ("Antriebe",)),
    "K003": (date(2024, 6, 3), 21, 27, 1500, 900, ("Sensorik", "Service")),
    "K004": (date(2025, 1, 13), 7, 50, 600, 300, ("Steuerungen", "Service", "Antriebe", "Sensorik")),
    "K005": (date(2024, 1, 15), 56, 13, 2000, 1500, ("Antriebe",)),
    "K006": (date(2024, 3, 4), 35, 18, 800, 500, ("Service",)),
    "K007": (date(2025, 3, 3), 42, 7, 300, 150, ("Sensorik",)),
    "K008": (date(2024, 1, 22), 30, 10, 2500, 2000, ("Antriebe", "Steuerungen")),  # stops in 2024
    "X999": (date(2024, 1, 10), 30, 24, 9000, 5000, ("Antriebe",)),  # not in the customer master
}
UNKNOWN = "X999"
# A credit note of K002 in 2025: it lowers revenue, it is no purchase.
CREDIT_NOTE = ("K002", date(2025, 6, 16), "Antriebe", -1000, -750)


def build_rows() -> list[tuple]:
    """(invoice_id, line_no, date, customer, product group, business unit, net, cost) of every line."""
    rows = []
    invoice = 1000
    for number, (first, step, count, net, cost, groups) in PLAN.items():
        for i in range(count):
            invoice += 1
            day = first + timedelta(days=step * i)
            group = groups[i % len(groups)]
            rows.append((invoice, 1, day, number, group, "Motion", net, cost))
    customer, day, group, net, cost = CREDIT_NOTE
    rows.append((invoice + 1, 1, day, customer, group, "Motion", net, cost))
    # Lines after the as-of date must not count for anything.
    rows.append((invoice + 2, 1, date(2026, 1, 5), "K007", "Sensorik", "Motion", 99999, 1))
    return rows


ROWS = build_rows()


def write_ledger(path: Path, rows: list[tuple] = ROWS) -> Path:
    columns = list(zip(*rows, strict=True))
    n = len(rows)
    arrays = {
        "invoice_id": columns[0],
        "line_no": columns[1],
        "invoice_date": columns[2],
        "customer_number": columns[3],
        "product_group": columns[4],
        "business_unit": columns[5],
        "site": ["Stuttgart"] * n,
        "quantity": [1] * n,
        "net_revenue": [Decimal(v) for v in columns[6]],
        "cost": [Decimal(v) for v in columns[7]],
        "currency": ["EUR"] * n,
    }
    table = pa.table(
        {
            f.name: pa.array(
                arrays[f.name], type=f.type.value_type if pa.types.is_dictionary(f.type) else f.type
            )
            for f in SCHEMA
        }
    ).cast(SCHEMA)
    pq.write_table(table, path)
    return path


def open_test_ledger(path: Path):
    """The ledger as the job would get it from the imports app: an Ibis table on DuckDB."""
    return read_ledger_parquet(path)


def period_figures(number: str, start: date = PERIOD_START, end: date = AS_OF) -> tuple[Decimal, Decimal]:
    """Net revenue and margin of one customer in a period, summed by hand over ``ROWS``."""
    revenue = margin = Decimal(0)
    for _invoice, _line, day, customer, _group, _unit, net, cost in ROWS:
        if customer == number and start <= day <= end:
            revenue += Decimal(net)
            margin += Decimal(net - cost)
    return revenue, margin

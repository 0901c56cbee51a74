"""Whitespace matrix: hand-computed cells on DuckDB, the same table on PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from openkam.analytics.backends import duckdb_connect, load_parquet, read_ledger_parquet
from openkam.analytics.tests.test_metrics import (  # noqa: F401 (fixtures)
    AS_OF,
    _write_hand_ledger,
    pg_table_name,
    postgres,
)
from openkam.analytics.whitespace import whitespace_long, whitespace_matrix

D = Decimal


@pytest.fixture(scope="module")
def hand_ledger(tmp_path_factory):
    return _write_hand_ledger(tmp_path_factory.mktemp("whitespace") / "ledger.parquet")


def test_cells_sum_all_lines_up_to_as_of_and_rows_follow_the_request(hand_ledger):
    result = whitespace_matrix(
        read_ledger_parquet(hand_ledger), ["K002", "K001", "K004", "K999"], as_of=AS_OF
    )
    assert result.column_names == ["customer_number", "Antriebe", "Sensorik", "Steuerungen"]
    assert result.to_pylist() == [
        # K002's Sensorik: 80 + 20 - 70 (a credit line on a mixed invoice).
        {"customer_number": "K002", "Antriebe": D("50.00"), "Sensorik": D("30.00"), "Steuerungen": D("0.00")},
        # K001's Antriebe: 100 + 200 - 40 (credit note); the 999.99 after as_of does not count.
        {
            "customer_number": "K001",
            "Antriebe": D("260.00"),
            "Sensorik": D("50.50"),
            "Steuerungen": D("300.10"),
        },
        # K004 only bought after as_of, K999 never: rows of zeros.
        {"customer_number": "K004", "Antriebe": D("0.00"), "Sensorik": D("0.00"), "Steuerungen": D("0.00")},
        {"customer_number": "K999", "Antriebe": D("0.00"), "Sensorik": D("0.00"), "Steuerungen": D("0.00")},
    ]
    assert all(pa.types.is_decimal(t) for t in result.schema.types[1:])


def test_period_start_and_fixed_product_groups(hand_ledger):
    ledger = read_ledger_parquet(hand_ledger)
    period = whitespace_matrix(ledger, ["K001"], as_of=AS_OF, period_start=date(2025, 1, 1))
    # Only 2025 lines: the credit note on Antriebe and Steuerungen; Sensorik (2024) is gone.
    assert period.to_pylist() == [
        {"customer_number": "K001", "Antriebe": D("-40.00"), "Steuerungen": D("300.10")}
    ]
    fixed = whitespace_matrix(ledger, ["K001", "K005"], as_of=AS_OF, product_groups=["Zubehör", "Antriebe"])
    assert fixed.column_names == ["customer_number", "Antriebe", "Zubehör"]
    assert fixed.to_pylist() == [
        {"customer_number": "K001", "Antriebe": D("260.00"), "Zubehör": D("0.00")},
        {"customer_number": "K005", "Antriebe": D("750.00"), "Zubehör": D("0.00")},
    ]


def test_long_form_tells_zero_sales_from_no_sales(hand_ledger):
    long = whitespace_long(read_ledger_parquet(hand_ledger), ["K003", "K002"], as_of=AS_OF)
    assert long.to_pylist() == [
        {"customer_number": "K002", "product_group": "Antriebe", "revenue": D("50.00")},
        {"customer_number": "K002", "product_group": "Sensorik", "revenue": D("30.00")},
        {"customer_number": "K003", "product_group": "Antriebe", "revenue": D("-10.00")},
    ]


def test_no_customers_gives_an_empty_table(hand_ledger):
    result = whitespace_matrix(read_ledger_parquet(hand_ledger), [], as_of=AS_OF)
    assert result.column_names == ["customer_number"] and result.num_rows == 0


def test_invalid_arguments_are_refused(hand_ledger):
    ledger = read_ledger_parquet(hand_ledger)
    with pytest.raises(ValueError, match="once"):
        whitespace_matrix(ledger, ["K001", "K001"], as_of=AS_OF)
    with pytest.raises(ValueError, match="strings"):
        whitespace_matrix(ledger, [1], as_of=AS_OF)
    with pytest.raises(ValueError, match="starts"):
        whitespace_matrix(ledger, ["K001"], as_of=AS_OF, period_start=date(2025, 7, 1))
    bad = duckdb_connect().create_table("bad", obj=pa.table({"customer_number": ["K1"]}))
    with pytest.raises(ValueError, match="lacks the column"):
        whitespace_matrix(bad, ["K1"], as_of=AS_OF)


def test_postgres_gives_the_same_table(postgres, pg_table_name, hand_ledger):  # noqa: F811
    customers = ["K005", "K001", "K002", "K003"]
    on_pg = whitespace_matrix(
        load_parquet(postgres, hand_ledger, table_name=pg_table_name), customers, as_of=AS_OF
    )
    on_duck = whitespace_matrix(read_ledger_parquet(hand_ledger), customers, as_of=AS_OF)
    assert on_pg.column_names == on_duck.column_names
    assert on_pg.to_pylist() == on_duck.to_pylist()

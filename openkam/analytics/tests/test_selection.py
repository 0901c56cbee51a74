"""The whole selection in one call: parts agree with the single functions, keys are checked early."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from django.utils import translation

from openkam.analytics import selection as selection_module
from openkam.analytics.abc import abc_classes
from openkam.analytics.backends import load_parquet, read_ledger_parquet
from openkam.analytics.metrics import customer_metrics
from openkam.analytics.portfolio import portfolio_positions
from openkam.analytics.scoring import CriterionSpec, score_customers
from openkam.analytics.selection import METRIC_CRITERIA, metric_criteria, run_selection
from openkam.analytics.tests.test_metrics import (  # noqa: F401 (fixtures)
    AS_OF,
    _write_hand_ledger,
    pg_table_name,
    postgres,
)
from openkam.analytics.whitespace import whitespace_matrix
from openkam.demo.generator import DemoSpec, generate_ledger

C = CriterionSpec

RANKING = [
    C("revenue", 3),
    C("margin", 2, normalisation="rank"),
    C("recency_days", 1, direction="lower", missing="worst"),
    C("fit", 2, normalisation="scale", scale_min=1, scale_max=5),
]
ATTRACTIVENESS = [C("revenue_2025", 1), C("strategic", 1, normalisation="scale", scale_min=0, scale_max=10)]
POSITION = [C("product_groups", 1), C("orders", 1, normalisation="rank")]


@pytest.fixture(scope="module")
def hand_ledger(tmp_path_factory):
    return _write_hand_ledger(tmp_path_factory.mktemp("selection") / "ledger.parquet")


@pytest.fixture
def ratings() -> pa.Table:
    # K099 has ratings but no ledger line: not a candidate. K003 has no ratings.
    return pa.table(
        {
            "customer_number": ["K001", "K002", "K005", "K099"],
            "fit": [2, 5, None, 5],
            "strategic": [8.0, 3.0, 10.0, 10.0],
        }
    )


def _run(ledger, ratings, **kwargs):
    options = {
        "as_of": AS_OF,
        "fiscal_years": [2024, 2025],
        "ratings": ratings,
        "ranking": RANKING,
        "attractiveness": ATTRACTIVENESS,
        "position": POSITION,
    }
    return run_selection(ledger, **(options | kwargs))


def test_every_part_equals_the_single_functions(hand_ledger, ratings):
    ledger = read_ledger_parquet(hand_ledger)
    result = _run(ledger, ratings, whitespace_top=2)
    metrics = customer_metrics(ledger, as_of=AS_OF, fiscal_years=[2024, 2025])

    assert result.as_of == AS_OF and result.fiscal_years == (2024, 2025)
    assert result.metrics.column_names == [*metrics.column_names, "fit", "strategic"]
    assert result.metrics.select(metrics.column_names).equals(metrics)
    assert result.metrics.column("customer_number").to_pylist() == ["K001", "K002", "K003", "K005"]
    assert result.metrics.column("fit").to_pylist() == [2, 5, None, None]

    assert result.abc.equals(abc_classes(metrics, value_column="revenue"))
    assert result.scores.equals(score_customers(result.metrics, RANKING))
    attractiveness = score_customers(result.metrics, ATTRACTIVENESS)
    position = score_customers(result.metrics, POSITION)
    assert result.attractiveness_scores.equals(attractiveness)
    assert result.position_scores.equals(position)
    assert result.portfolio.equals(
        portfolio_positions(attractiveness, position, size=metrics.select(["customer_number", "revenue"]))
    )
    top = result.scores.column("customer_number").to_pylist()[:2]
    assert result.whitespace.column("customer_number").to_pylist() == top
    assert result.whitespace.equals(whitespace_matrix(ledger, top, as_of=AS_OF))


def test_options_reach_the_parts(hand_ledger):
    ledger = read_ledger_parquet(hand_ledger)
    ranking = [C("revenue", 1)]
    result = run_selection(
        ledger,
        as_of=AS_OF,
        ranking=ranking,
        attractiveness=ranking,
        position=[C("orders", 1)],
        abc_value="margin_2024",
        abc_cutoffs=(0.5, 0.9),
        threshold=40,
        whitespace_top=0,
        period_start=date(2025, 1, 1),
    )
    assert result.fiscal_years == (2023, 2024, 2025)  # every year with data by default
    metrics = customer_metrics(ledger, as_of=AS_OF, period_start=date(2025, 1, 1))
    assert result.abc.equals(abc_classes(metrics, value_column="margin_2024", cutoffs=(0.5, 0.9)))
    assert result.portfolio.equals(
        portfolio_positions(
            score_customers(metrics, ranking),
            score_customers(metrics, [C("orders", 1)]),
            size=metrics.select(["customer_number", "revenue"]),
            threshold=40,
        )
    )
    assert result.whitespace.num_rows == 0


def test_unknown_keys_and_bad_parameters_fail_before_the_ledger_is_read(hand_ledger, ratings, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the ledger was queried")

    monkeypatch.setattr(selection_module, "customer_metrics", must_not_run)
    ledger = read_ledger_parquet(hand_ledger)
    with pytest.raises(
        ValueError,
        match=r"Unknown criterion 'turnover' in the position model; available: .*revenue.*fit, strategic",
    ):
        _run(ledger, ratings, position=[C("turnover", 1)])
    with pytest.raises(ValueError, match="Unknown criterion 'fit'"):
        _run(ledger, None, ranking=[C("fit", 1)])
    with pytest.raises(ValueError, match="Unknown criterion 'customer_number'"):
        _run(ledger, ratings, ranking=[C("customer_number", 1)])
    with pytest.raises(ValueError, match="at least one criterion"):
        _run(ledger, ratings, attractiveness=[])
    with pytest.raises(ValueError, match="abc_value 'sales'"):
        _run(ledger, ratings, abc_value="sales")
    with pytest.raises(ValueError, match="strictly increasing"):
        _run(ledger, ratings, abc_cutoffs=(0.9, 0.8))
    with pytest.raises(ValueError, match="threshold"):
        _run(ledger, ratings, threshold=100)
    with pytest.raises(ValueError, match="whitespace_top"):
        _run(ledger, ratings, whitespace_top=-1)
    with pytest.raises(ValueError, match="must not repeat metric names: revenue"):
        _run(ledger, pa.table({"customer_number": ["K001"], "revenue": [1]}))
    with pytest.raises(ValueError, match="one row per"):
        _run(ledger, pa.table({"customer_number": ["K001", "K001"], "fit": [1, 2]}))
    with pytest.raises(ValueError, match="need a 'customer_number'"):
        _run(ledger, pa.table({"id": ["K001"], "fit": [1]}))


def test_metric_criteria_name_real_metrics_with_labels(hand_ledger):
    columns = customer_metrics(
        read_ledger_parquet(hand_ledger), as_of=AS_OF, fiscal_years=[2024, 2025]
    ).column_names
    offered = metric_criteria([2024, 2025])
    assert {c.key for c in offered} <= set(columns)
    assert [c.key for c in offered][-4:] == ["revenue_2025", "margin_2025", "revenue_2024", "margin_2024"]
    assert METRIC_CRITERIA["recency_days"].direction == "lower"
    assert METRIC_CRITERIA["revenue"].direction == "higher"
    with translation.override("en"):
        assert str(offered[-4].label) == "Revenue 2025"
        assert all(str(c.label) for c in offered)


def test_postgres_gives_the_same_selection(postgres, pg_table_name, hand_ledger, ratings):  # noqa: F811
    on_pg = _run(load_parquet(postgres, hand_ledger, table_name=pg_table_name), ratings)
    on_duck = _run(read_ledger_parquet(hand_ledger), ratings)
    for part in ("metrics", "abc", "scores", "portfolio", "whitespace"):
        assert getattr(on_pg, part).to_pylist() == getattr(on_duck, part).to_pylist(), part


def test_demo_ledger_selection_is_consistent(tmp_path):
    path = tmp_path / "ledger.parquet"
    generate_ledger(DemoSpec(customers=400, lines=8_000, accounts=0, chunk_rows=4_000), path=path)
    ledger = read_ledger_parquet(path)
    result = run_selection(
        ledger,
        as_of=date(2025, 12, 31),
        ranking=[C("revenue", 2), C("growth", 1, normalisation="zscore"), C("product_groups", 1)],
        attractiveness=[C("revenue", 1), C("growth", 1, normalisation="rank")],
        position=[C("product_groups", 1), C("business_units", 1)],
        whitespace_top=50,
    )
    candidates = result.metrics.num_rows
    assert candidates > 350
    for part in (result.abc, result.scores, result.portfolio):
        assert part.num_rows == candidates
    assert result.whitespace.num_rows == 50
    # A whitespace row adds up to the customer's revenue in the period.
    totals = dict(
        zip(*result.metrics.select(["customer_number", "revenue"]).to_pydict().values(), strict=True)
    )
    for row in result.whitespace.to_pylist():
        customer = row.pop("customer_number")
        assert sum(row.values()) == totals[customer]

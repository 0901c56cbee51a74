"""ABC classes and the Pareto curve on small, known inputs."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

from openkam.analytics.abc import abc_classes, pareto_curve


def _metrics(values: dict[str, object], column: str = "revenue_2025") -> pa.Table:
    return pa.table({"customer_number": list(values), column: list(values.values())})


def _classes(result: pa.Table) -> dict[str, str]:
    return dict(
        zip(result.column("customer_number").to_pylist(), result.column("abc_class").to_pylist(), strict=True)
    )


def test_classic_split_and_columns():
    values = {
        "a": Decimal("50"),
        "b": Decimal("25"),
        "c": Decimal("10"),
        "d": Decimal("10"),
        "e": Decimal("5"),
    }
    result = abc_classes(_metrics(values))
    assert result.column_names == [
        "customer_number",
        "value",
        "rank",
        "share",
        "cumulative_share",
        "abc_class",
    ]
    # before: a 0 → A, b 0.5 → A, c/d tie starting at 0.75 → A, e starts at 0.95 → C
    assert _classes(result) == {"a": "A", "b": "A", "c": "A", "d": "A", "e": "C"}
    assert result.column("rank").to_pylist() == [1, 2, 3, 3, 5]
    assert result.column("share").to_pylist() == [0.5, 0.25, 0.1, 0.1, 0.05]
    assert result.column("cumulative_share").to_pylist() == pytest.approx([0.5, 0.75, 0.85, 0.95, 1.0])
    assert result.column("value").to_pylist() == list(values.values())


def test_exactly_eighty_percent_before_is_b():
    # With exact decimals the boundaries are hit exactly (binary floats would not be).
    values = {"x": Decimal("0.4"), "y": Decimal("0.4"), "z": Decimal("0.15"), "w": Decimal("0.05")}
    result = abc_classes(_metrics(values), cutoffs=(0.8, 0.95))
    # x and y tie (both A, rank 1); z starts at exactly 0.8 → B; w starts at exactly 0.95 → C.
    assert _classes(result) == {"x": "A", "y": "A", "z": "B", "w": "C"}
    assert result.column("rank").to_pylist() == [1, 1, 3, 4]


def test_crossing_customer_stays_a_and_ties_share_a_class():
    # p starts at 0, s at 0.6; q and r tie starting at 0.75 → both A although r starts at 0.85;
    # t starts at 0.95 → C.
    result = abc_classes(_metrics({"p": 60, "q": 10, "r": 10, "s": 15, "t": 5}))
    assert _classes(result) == {"p": "A", "s": "A", "q": "A", "r": "A", "t": "C"}
    assert result.column("rank").to_pylist() == [1, 2, 3, 3, 5]


def test_ties_are_ordered_by_id():
    result = abc_classes(_metrics({"k2": 5, "k1": 5, "k3": 5}))
    assert result.column("customer_number").to_pylist() == ["k1", "k2", "k3"]
    assert set(result.column("rank").to_pylist()) == {1}


def test_zero_negative_and_missing_values_are_c_and_last():
    result = abc_classes(
        _metrics({"neg": Decimal("-30"), "zero": Decimal("0"), "none": None, "big": Decimal("100")})
    )
    assert result.column("customer_number").to_pylist() == ["big", "none", "zero", "neg"]
    assert _classes(result) == {"big": "A", "none": "C", "zero": "C", "neg": "C"}
    assert result.column("share").to_pylist() == [1.0, 0.0, 0.0, 0.0]
    assert result.column("cumulative_share").to_pylist() == [1.0, 1.0, 1.0, 1.0]
    assert result.column("rank").to_pylist() == [1, 2, 2, 4]  # missing counts as 0, tying with zero


def test_no_positive_value_is_all_c():
    result = abc_classes(_metrics({"a": 0, "b": -1}))
    assert _classes(result) == {"a": "C", "b": "C"}
    assert result.column("share").to_pylist() == [0.0, 0.0]


def test_single_customer_and_empty_input():
    assert _classes(abc_classes(_metrics({"only": 12.5}))) == {"only": "A"}
    empty = abc_classes(
        pa.table({"customer_number": pa.array([], pa.string()), "revenue_2025": pa.array([], pa.float64())})
    )
    assert empty.num_rows == 0


def test_value_column_default_and_custom_labels_and_pandas():
    frame = pd.DataFrame(
        {"customer_number": ["a", "b"], "revenue_2024": [1.0, 99.0], "revenue_2025": [90.0, 10.0]}
    )
    assert _classes(abc_classes(frame)) == {"a": "A", "b": "B"}
    assert _classes(abc_classes(frame, value_column="revenue_2024")) == {"b": "A", "a": "C"}
    two = abc_classes(frame, cutoffs=(0.5,), labels=("top", "rest"))
    assert _classes(two) == {"a": "top", "b": "rest"}
    assert _classes(abc_classes(frame, cutoffs=(0.8, 1.0))) == {"a": "A", "b": "B"}


@pytest.mark.parametrize(
    ("cutoffs", "message"),
    [
        ((), "at least one"),
        ((0.95, 0.8), "strictly increasing"),
        ((0.8, 0.8), "strictly increasing"),
        ((0.0, 0.9), r"\(0, 1\]"),
        ((0.8, 1.2), r"\(0, 1\]"),
        ((0.8, float("nan")), r"\(0, 1\]"),
        (("0.8", 0.9), "numbers"),
        ((0.5, 0.7, 0.9), "labels"),
    ],
)
def test_invalid_cutoffs_raise(cutoffs, message):
    with pytest.raises(ValueError, match=message):
        abc_classes(_metrics({"a": 1}), cutoffs=cutoffs)


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="No revenue_<year>"):
        abc_classes(pa.table({"customer_number": ["a"], "sales": [1]}))
    with pytest.raises(ValueError, match="missing"):
        abc_classes(_metrics({"a": 1}), value_column="margin_2025")
    with pytest.raises(ValueError, match="unique"):
        abc_classes(pa.table({"customer_number": ["a", "a"], "revenue_2025": [1, 2]}))
    with pytest.raises(ValueError, match="numeric"):
        abc_classes(pa.table({"customer_number": ["a"], "revenue_2025": ["1"]}))
    with pytest.raises(ValueError, match="non-finite"):
        abc_classes(_metrics({"a": float("inf")}))
    with pytest.raises(TypeError):
        abc_classes([1, 2, 3])


def test_pareto_curve_endpoints_and_shape():
    curve = pareto_curve(_metrics({"a": 50, "b": 30, "c": 20, "d": 0}))
    points = list(
        zip(curve.column("customer_share").to_pylist(), curve.column("value_share").to_pylist(), strict=True)
    )
    assert points == [(0.0, 0.0), (0.25, 0.5), (0.5, 0.8), (0.75, 1.0), (1.0, 1.0)]


def test_pareto_curve_single_customer_thinning_and_errors():
    single = pareto_curve(_metrics({"a": 3}))
    assert single.to_pylist() == [
        {"customer_share": 0.0, "value_share": 0.0},
        {"customer_share": 1.0, "value_share": 1.0},
    ]
    many = pareto_curve(_metrics({f"k{i:03}": i + 1 for i in range(100)}), max_points=5)
    xs = many.column("customer_share").to_pylist()
    ys = many.column("value_share").to_pylist()
    assert len(xs) == 5 and (xs[0], ys[0]) == (0.0, 0.0) and (xs[-1], ys[-1]) == (1.0, 1.0)
    assert ys == sorted(ys)
    flat = pareto_curve(_metrics({"a": 0, "b": -2}))
    assert flat.column("value_share").to_pylist()[-1] == 0.0
    with pytest.raises(ValueError, match="at least one customer"):
        pareto_curve(
            pa.table({"customer_number": pa.array([], pa.string()), "revenue_2025": pa.array([], pa.int64())})
        )
    with pytest.raises(ValueError, match="max_points"):
        pareto_curve(_metrics({"a": 1}), max_points=1)


def test_abc_on_metrics_output_end_to_end(tmp_path):
    from datetime import date

    from openkam.analytics.backends import read_ledger_parquet
    from openkam.analytics.metrics import customer_metrics
    from openkam.analytics.tests.test_metrics import _write_hand_ledger

    metrics = customer_metrics(
        read_ledger_parquet(_write_hand_ledger(tmp_path / "l.parquet")),
        as_of=date(2025, 6, 30),
        fiscal_years=[2024, 2025],
    )
    result = abc_classes(metrics)  # revenue_2025: K001 260.10, K002 80.00 (starts at 76 %), 0, 0
    assert _classes(result) == {"K001": "A", "K002": "A", "K003": "C", "K005": "C"}
    assert _classes(abc_classes(metrics, cutoffs=(0.7, 0.95))) == {
        "K001": "A",
        "K002": "B",
        "K003": "C",
        "K005": "C",
    }
    assert result.column("value").to_pylist()[:2] == [Decimal("260.10"), Decimal("80.00")]

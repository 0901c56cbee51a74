"""ABC classes and the Pareto curve on small, known inputs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from openkam.analytics import abc as abc_module
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


# --- the fast (int64 cents) path against a plain reference ---------------------------------


def _reference_abc(ids: list, values: list, cutoffs: tuple[float, ...], labels: tuple[str, ...]) -> dict:
    """The documented rules, written as plainly as possible with exact fractions."""
    exact = [Fraction(0) if v is None else Fraction(v) for v in values]
    order = sorted(range(len(ids)), key=lambda i: (-exact[i], ids[i]))
    total = sum((v for v in exact if v > 0), Fraction(0))
    cuts = [Fraction(str(c)) for c in cutoffs]
    out = {"ids": [], "rank": [], "share": [], "cumulative_share": [], "abc_class": []}
    cumulative = Fraction(0)
    for position, i in enumerate(order, start=1):
        value = exact[i]
        if position == 1 or value != exact[order[position - 2]]:
            rank = position
            label = labels[-1]
            if value > 0:
                label = next(
                    (lab for lab, cut in zip(labels, cuts, strict=False) if cumulative < cut * total), label
                )
        cumulative += max(value, Fraction(0))
        out["ids"].append(ids[i])
        out["rank"].append(rank)
        out["share"].append(float(max(value, Fraction(0)) / total) if total else 0.0)
        out["cumulative_share"].append(float(cumulative / total) if total else 0.0)
        out["abc_class"].append(label)
    return out


CUTOFF_SETS = [
    ((0.8, 0.95), ("A", "B", "C")),
    ((0.5,), ("top", "rest")),
    ((0.2, 0.5, 0.9, 1.0), tuple("ABCDE")),
]


def _random_case(seed: int, kind: str) -> tuple[pa.Table, list, list]:
    """Random customers with many ties, zeros, negatives and missing values; boundaries get hit
    exactly because the values are few multiples of round amounts."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    units = rng.choice([0, 5, 10, 20, 25, 40, 100, -5, -20], size=n) * int(rng.choice([1, 3, 7]))
    units = units + np.where(rng.random(n) < 0.3, rng.integers(-300, 100_000, size=n), 0)
    missing = rng.random(n) < 0.05
    if kind == "int-ids":
        ids = [int(i) for i in rng.permutation(n) * 7 - 100]
    else:
        ids = [f"K{i:05}" for i in rng.permutation(n)]
    if kind in ("decimal", "int-ids"):  # cents as decimal(18, 2): the fast path
        values = [None if m else Decimal(int(u)).scaleb(-2) for u, m in zip(units, missing, strict=True)]
        array = pa.array(values, pa.decimal128(18, 2))
    elif kind == "integer":  # whole euros as int64: the fast path
        values = [None if m else int(u) for u, m in zip(units, missing, strict=True)]
        array = pa.array(values, pa.int64())
    elif kind == "quarters":  # floats that are exact cents: the fast path
        values = [None if m else float(u) / 4 for u, m in zip(units, missing, strict=True)]
        array = pa.array(values, pa.float64())
    elif kind == "float":  # floats such as 0.1 are no exact cents: the decimal path
        values = [None if m else float(u) / 10 for u, m in zip(units, missing, strict=True)]
        array = pa.array(values, pa.float64())
    else:  # sub-cent decimals: the decimal path
        values = [None if m else Decimal(int(u)).scaleb(-3) for u, m in zip(units, missing, strict=True)]
        array = pa.array(values, pa.decimal128(20, 4))
    return pa.table({"customer_number": ids, "revenue_2025": array}), ids, values


@pytest.mark.parametrize("kind", ["decimal", "int-ids", "integer", "quarters", "float", "sub-cent"])
@pytest.mark.parametrize("seed", range(12))
def test_it_follows_the_reference_rules_on_random_customers(seed, kind):
    table, ids, values = _random_case(seed, kind)
    cutoffs, labels = CUTOFF_SETS[seed % len(CUTOFF_SETS)]
    result = abc_classes(table, cutoffs=cutoffs, labels=labels)
    expected = _reference_abc(ids, values, cutoffs, labels)
    assert result.column("customer_number").to_pylist() == expected["ids"]
    assert result.column("rank").to_pylist() == expected["rank"]
    assert result.column("abc_class").to_pylist() == expected["abc_class"]
    assert result.column("share").to_pylist() == expected["share"]
    assert result.column("cumulative_share").to_pylist() == expected["cumulative_share"]
    by_id = dict(zip(ids, values, strict=True))
    assert result.column("value").to_pylist() == [by_id[i] for i in expected["ids"]]
    assert result.schema.field("value").type == table.schema.field("revenue_2025").type
    if table.num_rows:
        curve = pareto_curve(table)
        n = table.num_rows
        assert curve.column("customer_share").to_pylist() == [0.0, *(i / n for i in range(1, n + 1))]
        assert curve.column("value_share").to_pylist() == [0.0, *expected["cumulative_share"]]


@pytest.mark.parametrize("kind", ["decimal", "int-ids", "integer", "quarters"])
def test_whole_cents_take_the_fast_path(kind, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the decimal path ran")

    monkeypatch.setattr(abc_module, "_abc_decimal", refuse)
    monkeypatch.setattr(abc_module, "_ranked", refuse)
    table, _, _ = _random_case(99, kind)
    assert abc_classes(table).num_rows == table.num_rows
    assert pareto_curve(table).num_rows == table.num_rows + 1


def test_amounts_beyond_64_bit_cents_stay_exact():
    # 2**62 euros overflow int64 cents: the decimal path takes over with the same rules.
    # c starts just below 80 % (4 * 2**61 of 5 * 2**61 + 1), so it is still A.
    values = [2**62, 2**62, 2**61, 1, 0]
    table = pa.table({"customer_number": ["a", "b", "c", "d", "e"], "revenue_2025": values})
    expected = _reference_abc(["a", "b", "c", "d", "e"], values, (0.8, 0.95), ("A", "B", "C"))
    result = abc_classes(table)
    assert result.column("abc_class").to_pylist() == expected["abc_class"] == ["A", "A", "A", "C", "C"]
    assert result.column("cumulative_share").to_pylist() == expected["cumulative_share"]
    big = pa.table(
        {
            "customer_number": ["x", "y"],
            "revenue_2025": pa.array([Decimal("1e30"), Decimal("1")], pa.decimal128(38, 2)),
        }
    )
    assert _classes(abc_classes(big)) == {"x": "A", "y": "C"}


def test_cutoffs_are_hit_exactly_with_large_totals():
    # 10**15 cents in all: b starts at exactly 80 %, c at exactly 90 %.
    values = [Decimal("8e12"), Decimal("1e12"), Decimal("0.6e12"), Decimal("0.4e12")]
    table = pa.table(
        {"customer_number": ["a", "b", "c", "d"], "revenue_2025": pa.array(values, pa.decimal128(38, 2))}
    )
    assert _classes(abc_classes(table, cutoffs=(0.8, 0.9))) == {"a": "A", "b": "B", "c": "C", "d": "C"}

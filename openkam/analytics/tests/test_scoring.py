"""Weighted scoring: every normalisation, direction, missing and tie rule on small known inputs."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

from openkam.analytics.scoring import (
    NORMALISATIONS,
    CriterionSpec,
    competition_rank,
    normalise,
    score_customers,
    strictly_ascending,
    unique_ids,
)

C = CriterionSpec


def _table(**columns) -> pa.Table:
    ids = [f"K{i}" for i in range(len(next(iter(columns.values()))))]
    return pa.table({"customer_number": ids, **columns})


def _by_id(result: pa.Table, column: str) -> dict[str, object]:
    return dict(
        zip(result.column("customer_number").to_pylist(), result.column(column).to_pylist(), strict=True)
    )


def test_minmax_score_contributions_and_columns():
    table = _table(revenue=[Decimal("100.00"), Decimal("300.00"), Decimal("200.00")], fit=[5, 1, 3])
    result = score_customers(
        table, [C("revenue", 3), C("fit", 1, normalisation="scale", scale_min=1, scale_max=5)]
    )
    assert result.column_names == [
        "customer_number",
        "score",
        "rank",
        "norm_revenue",
        "norm_fit",
        "contrib_revenue",
        "contrib_fit",
        "missing",
    ]
    # Weights 3:1 → 75 % and 25 %. K0: 0 + 25; K1: 75 + 0; K2: 37.5 + 12.5.
    assert _by_id(result, "score") == pytest.approx({"K0": 25.0, "K1": 75.0, "K2": 50.0})
    assert result.column("customer_number").to_pylist() == ["K1", "K2", "K0"]
    assert result.column("rank").to_pylist() == [1, 2, 3]
    assert _by_id(result, "norm_revenue") == {"K0": 0.0, "K1": 1.0, "K2": 0.5}
    assert _by_id(result, "contrib_fit") == pytest.approx({"K0": 25.0, "K1": 0.0, "K2": 12.5})
    for row in result.to_pylist():
        assert row["contrib_revenue"] + row["contrib_fit"] == row["score"]  # exactly, not approximately
    assert result.schema.field("rank").type == pa.int64()
    assert result.column("missing").to_pylist() == [0, 0, 0]


def test_weights_are_relative():
    table = _table(a=[1.0, 2.0, 3.0], b=[3.0, 1.0, 2.0])
    small = score_customers(table, [C("a", 1), C("b", 2)])
    large = score_customers(table, [C("a", 10), C("b", 20)])
    assert small.column("score").to_pylist() == pytest.approx(large.column("score").to_pylist())


def test_rank_normalisation_averages_ties():
    result = score_customers(_table(v=[10, 20, 20, 30]), [C("v", 1, normalisation="rank")])
    assert _by_id(result, "norm_v") == {"K0": 0.0, "K1": 0.5, "K2": 0.5, "K3": 1.0}


def test_rank_normalisation_ignores_outliers_unlike_minmax():
    values = [1.0, 2.0, 3.0, 1000.0]
    ranked = _by_id(score_customers(_table(v=values), [C("v", 1, normalisation="rank")]), "norm_v")
    minmax = _by_id(score_customers(_table(v=values), [C("v", 1)]), "norm_v")
    assert ranked["K1"] == pytest.approx(1 / 3)
    assert minmax["K1"] == pytest.approx(1 / 999)


def test_zscore_maps_through_the_normal_cdf():
    values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]  # mean 5, population sd 2
    result = _by_id(score_customers(_table(v=values), [C("v", 1, normalisation="zscore")]), "norm_v")
    assert result["K0"] == pytest.approx(stats.norm.cdf(-1.5))
    assert result["K4"] == pytest.approx(0.5)
    assert result["K7"] == pytest.approx(stats.norm.cdf(2.0))


def test_scale_is_absolute_and_clipped():
    spec = C("fit", 1, normalisation="scale", scale_min=1, scale_max=5)
    result = _by_id(score_customers(_table(fit=[0, 1, 3, 5, 7]), [spec]), "norm_fit")
    assert result == {"K0": 0.0, "K1": 0.0, "K2": 0.5, "K3": 1.0, "K4": 1.0}
    # All equal on a fixed scale keeps its meaning: everyone rated 5 of 5 gets the full points.
    assert set(_by_id(score_customers(_table(fit=[5, 5]), [spec]), "norm_fit").values()) == {1.0}


@pytest.mark.parametrize("normalisation", ["minmax", "rank", "zscore"])
def test_an_all_equal_criterion_gives_everyone_half(normalisation):
    result = score_customers(
        _table(v=[7, 7, 7], w=[1, 2, 3]), [C("v", 1, normalisation=normalisation), C("w", 1)]
    )
    assert set(_by_id(result, "norm_v").values()) == {0.5}
    # It adds the same points to everyone, so the other criterion alone decides the ranking.
    assert result.column("customer_number").to_pylist() == ["K2", "K1", "K0"]


@pytest.mark.parametrize("normalisation", ["minmax", "rank", "zscore"])
def test_single_customer_gets_half_on_relative_criteria(normalisation):
    result = score_customers(_table(v=[42.0]), [C("v", 1, normalisation=normalisation)])
    assert result.to_pylist() == [
        {"customer_number": "K0", "score": 50.0, "rank": 1, "norm_v": 0.5, "contrib_v": 50.0, "missing": 0}
    ]


def test_lower_direction_flips():
    result = score_customers(_table(recency_days=[10, 100, 55]), [C("recency_days", 1, direction="lower")])
    assert _by_id(result, "norm_recency_days") == {"K0": 1.0, "K1": 0.0, "K2": 0.5}
    ranked = score_customers(_table(v=[10, 20, 20, 30]), [C("v", 1, direction="lower", normalisation="rank")])
    assert _by_id(ranked, "norm_v") == {"K0": 1.0, "K1": 0.5, "K2": 0.5, "K3": 0.0}


def test_negative_values_normalise_like_any_other():
    result = score_customers(_table(margin=[Decimal("-50"), Decimal("0"), Decimal("150")]), [C("margin", 1)])
    assert _by_id(result, "norm_margin") == {"K0": 0.0, "K1": 0.25, "K2": 1.0}
    scale = C("delta", 1, normalisation="scale", scale_min=-2, scale_max=2)
    assert _by_id(score_customers(_table(delta=[-2, -1, 2]), [scale]), "norm_delta") == {
        "K0": 0.0,
        "K1": 0.25,
        "K2": 1.0,
    }


@pytest.mark.parametrize(("policy", "expected"), [("worst", 0.0), ("neutral", 0.5)])
@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_missing_values_get_the_policy_value_after_the_flip(policy, expected, direction):
    table = _table(v=pa.array([None, 10.0, 20.0, 30.0]))
    result = score_customers(table, [C("v", 1, direction=direction, missing=policy)])
    norm = _by_id(result, "norm_v")
    assert norm["K0"] == expected
    # The missing value takes no part in min/max: the others still span 0..1.
    assert {norm["K1"], norm["K3"]} == {0.0, 1.0}
    assert _by_id(result, "missing") == {"K0": 1, "K1": 0, "K2": 0, "K3": 0}


def test_nan_counts_as_missing_and_all_missing_gets_the_policy():
    table = _table(v=[float("nan"), 1.0, 3.0], w=pa.array([None, None, None], pa.float64()))
    result = score_customers(table, [C("v", 1), C("w", 1, missing="neutral")])
    assert _by_id(result, "norm_v") == {"K0": 0.0, "K1": 0.0, "K2": 1.0}
    assert set(_by_id(result, "norm_w").values()) == {0.5}
    assert _by_id(result, "missing") == {"K0": 2, "K1": 1, "K2": 1}


def test_missing_rating_with_otherwise_equal_values():
    # The present values are all equal (0.5 each); the missing one is worst (0).
    result = score_customers(_table(v=pa.array([4, None, 4])), [C("v", 1)])
    assert _by_id(result, "norm_v") == {"K0": 0.5, "K1": 0.0, "K2": 0.5}


def test_ties_share_the_competition_rank_and_are_ordered_by_id():
    table = pa.table(
        {"customer_number": ["b", "c", "a", "d"], "x": [1.0, 0.0, 1.0, 0.5], "y": [0.0, 1.0, 0.0, 0.5]}
    )
    result = score_customers(table, [C("x", 1), C("y", 1)])
    # Everyone scores 50 in exact arithmetic: one tie group, ordered by id.
    assert result.column("customer_number").to_pylist() == ["a", "b", "c", "d"]
    assert result.column("rank").to_pylist() == [1, 1, 1, 1]
    uneven = pa.table({"customer_number": ["z", "y", "x", "w"], "v": [3, 2, 2, 1]})
    ranked = score_customers(uneven, [C("v", 1)])
    assert ranked.column("customer_number").to_pylist() == ["z", "x", "y", "w"]
    assert ranked.column("rank").to_pylist() == [1, 2, 2, 4]


def test_rounding_to_nine_decimals_keeps_floating_noise_from_splitting_a_tie():
    assert competition_rank(np.array([0.1 + 0.2, 0.3, 0.2])).tolist() == [1, 1, 3]
    assert competition_rank(np.array([1.0, 1.0 + 2e-9])).tolist() == [2, 1]
    matrix = competition_rank(np.array([[3.0, 1.0, 3.0], [1.0, 2.0, 3.0]]))
    assert matrix.tolist() == [[1, 3, 1], [3, 2, 1]]


def test_booleans_count_as_zero_and_one_and_ints_decimals_floats_mix():
    table = _table(
        reference=[True, False, None], revenue=[Decimal("1.50"), Decimal("2.50"), None], orders=[1, 2, 3]
    )
    result = score_customers(table, [C("reference", 1), C("revenue", 1), C("orders", 1)])
    assert _by_id(result, "norm_reference") == {"K0": 1.0, "K1": 0.0, "K2": 0.0}
    assert _by_id(result, "missing") == {"K0": 0, "K1": 0, "K2": 2}


def test_the_result_is_deterministic_whatever_the_input_order():
    rng = np.random.default_rng(7)
    ids = [f"C{i:04}" for i in range(500)]
    table = pa.table({"customer_number": ids, "a": rng.integers(0, 5, 500), "b": rng.integers(0, 3, 500)})
    shuffled = table.take(rng.permutation(500))
    criteria = [C("a", 2, normalisation="rank"), C("b", 1, normalisation="zscore")]
    assert score_customers(table, criteria).equals(score_customers(shuffled, criteria))


@pytest.mark.parametrize(
    ("ids", "ascending", "unique"),
    [
        ([], True, True),
        (["a"], True, True),
        (["a", "b", "c"], True, True),
        (["a", "b", "b"], False, False),
        (["b", "a", "c"], False, True),
        (["b", "a", "b"], False, False),
    ],
)
def test_ids_in_strictly_ascending_order_are_unique_without_counting(ids, ascending, unique):
    column = pa.chunked_array([ids[:1], ids[1:]], type=pa.string())
    assert strictly_ascending(column) is ascending
    assert unique_ids(column) is unique


def test_accepts_pandas_and_empty_tables():
    frame = pd.DataFrame({"customer_number": ["a", "b"], "v": [1.0, None]})
    result = score_customers(frame, [C("v", 1)])
    assert _by_id(result, "missing") == {"a": 0, "b": 1}
    empty = score_customers(
        pa.table({"customer_number": pa.array([], pa.string()), "v": pa.array([], pa.float64())}), [C("v", 1)]
    )
    assert empty.num_rows == 0 and "contrib_v" in empty.column_names


def test_normalise_exposes_the_matrix_and_relative_weights():
    data = normalise(_table(a=[0, 10], b=[5, 5]), [C("a", 3), C("b", 1, direction="lower")])
    assert data.keys == ("a", "b")
    assert data.values.tolist() == [[0.0, 0.5], [1.0, 0.5]]
    assert data.weights.tolist() == [0.75, 0.25]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weight": 0}, "above 0"),
        ({"weight": -1}, "above 0"),
        ({"weight": math.inf}, "finite"),
        ({"weight": math.nan}, "finite"),
        ({"weight": True}, "finite"),
        ({"weight": "2"}, "finite"),
        ({"direction": "up"}, "direction"),
        ({"normalisation": "log"}, "normalisation"),
        ({"missing": "zero"}, "missing"),
        ({"normalisation": "scale"}, "needs finite scale_min"),
        ({"normalisation": "scale", "scale_min": 1}, "needs finite scale_min"),
        ({"normalisation": "scale", "scale_min": 5, "scale_max": 5}, "below scale_max"),
        ({"normalisation": "scale", "scale_min": 5, "scale_max": 1}, "below scale_max"),
        ({"normalisation": "scale", "scale_min": 0, "scale_max": math.inf}, "needs finite"),
        ({"scale_min": 1, "scale_max": 5}, "only to the scale"),
    ],
)
def test_invalid_criteria_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        C(**{"key": "fit", "weight": 1, **kwargs})


@pytest.mark.parametrize("key", ["", "1st", "a b", "norm.x", "x" * 64, None])
def test_criterion_keys_must_be_identifiers(key):
    with pytest.raises(ValueError, match="identifier"):
        C(key, 1)


def test_invalid_inputs_are_refused():
    table = _table(v=[1, 2])
    with pytest.raises(ValueError, match="at least one criterion"):
        score_customers(table, [])
    with pytest.raises(ValueError, match="repeated: v"):
        score_customers(table, [C("v", 1), C("v", 2)])
    with pytest.raises(ValueError, match="not found; available: customer_number, v"):
        score_customers(table, [C("w", 1)])
    with pytest.raises(ValueError, match="unique"):
        score_customers(pa.table({"customer_number": ["a", "a"], "v": [1, 2]}), [C("v", 1)])
    with pytest.raises(ValueError, match="must not be empty"):
        score_customers(pa.table({"customer_number": ["a", None], "v": [1, 2]}), [C("v", 1)])
    with pytest.raises(ValueError, match="numeric"):
        score_customers(pa.table({"customer_number": ["a"], "v": ["1"]}), [C("v", 1)])
    with pytest.raises(ValueError, match="infinite"):
        score_customers(_table(v=[1.0, math.inf]), [C("v", 1)])
    with pytest.raises(TypeError):
        score_customers(_table(v=[1]), ["v"])
    with pytest.raises(TypeError):
        score_customers([1, 2], [C("v", 1)])


def test_every_normalisation_is_covered():
    assert set(NORMALISATIONS) == {"minmax", "rank", "zscore", "scale"}


def test_two_hundred_thousand_customers_match_an_independent_pandas_computation():
    # Correctness at the scale the selection runs at (its speed is a benchmark, not a test).
    n = 200_000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "customer_number": [f"K{i:07}" for i in range(n)],
            "margin": rng.normal(1000, 500, n).round(2),
            "growth": np.where(rng.random(n) < 0.1, np.nan, rng.normal(0, 1, n)),
            "fit": rng.integers(1, 6, n),
        }
    )
    criteria = [
        C("margin", 2, normalisation="rank"),
        C("growth", 1, normalisation="zscore", missing="neutral"),
        C("fit", 2, normalisation="scale", scale_min=1, scale_max=5),
    ]
    result = (
        score_customers(frame, criteria).to_pandas().set_index("customer_number").loc[frame.customer_number]
    )
    margin = (frame.margin.rank(method="average") - 1) / (n - 1)
    growth = frame.growth
    growth = pd.Series(stats.norm.cdf((growth - growth.mean()) / growth.std(ddof=0))).fillna(0.5)
    fit = (frame.fit - 1) / 4
    expected = 100 * (0.4 * margin + 0.2 * growth + 0.4 * fit)
    np.testing.assert_allclose(result.score.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9)
    expected_rank = expected.round(9).rank(method="min", ascending=False).astype(int)
    assert (result["rank"].to_numpy() == expected_rank.to_numpy()).all()


def test_decimal_and_int_settings_from_model_fields_become_floats():
    spec = C("fit", Decimal("2.5"), normalisation="scale", scale_min=Decimal("1"), scale_max=5)
    assert (spec.weight, spec.scale_min, spec.scale_max) == (2.5, 1.0, 5.0)
    assert all(isinstance(v, float) for v in (spec.weight, spec.scale_min, spec.scale_max))
    assert C("v", 2) == C("v", Decimal("2.0")) == C("v", 2.0)
    with pytest.raises(ValueError, match="finite"):
        C("v", Decimal("NaN"))


def test_rank_normalisation_equals_scipy_average_ranks_to_the_bit():
    rng = np.random.default_rng(7)
    values = np.round(rng.normal(0, 3, 5_000), 1)  # many ties
    values[rng.random(values.size) < 0.05] = np.nan
    got = normalise(_table(v=values), [C("v", 1, normalisation="rank")]).values[:, 0]
    present = ~np.isnan(values)
    expected = (stats.rankdata(values[present], method="average") - 1.0) / (present.sum() - 1)
    assert np.array_equal(got[present], expected)
    assert (got[~present] == 0.0).all()

"""Sensitivity of the ranking to the weights: Monte Carlo draws and one-at-a-time changes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from openkam.analytics import sensitivity as sensitivity_module
from openkam.analytics.scoring import CriterionSpec, score_customers
from openkam.analytics.sensitivity import one_at_a_time, sensitivity

C = CriterionSpec


def _rows(result: pa.Table) -> dict[str, dict]:
    return {row.pop("customer_number"): row for row in result.to_pylist()}


def _brute_force_ranks(table: pa.Table, criteria, variation: float, draws: int, seed: int) -> np.ndarray:
    """Ranks per draw by re-running score_customers with the varied weights (draws × customers)."""
    factors = np.random.default_rng(seed).uniform(1 - variation, 1 + variation, size=(draws, len(criteria)))
    ids = table.column("customer_number").to_pylist()
    ranks = np.empty((draws, len(ids)), dtype=np.int64)
    for d in range(draws):
        varied = [
            C(c.key, c.weight * f, c.direction, c.normalisation, c.scale_min, c.scale_max, c.missing)
            for c, f in zip(criteria, factors[d], strict=True)
        ]
        by_id = dict(
            zip(
                *score_customers(table, varied).select(["customer_number", "rank"]).to_pydict().values(),
                strict=True,
            )
        )
        ranks[d] = [by_id[i] for i in ids]
    return ranks


@pytest.fixture
def candidates() -> pa.Table:
    # a: strong on revenue, weak on fit; b: the reverse; c: middling on both; d: weak; e: a twin of c.
    return pa.table(
        {
            "customer_number": ["a", "b", "c", "d", "e"],
            "revenue": [100.0, 40.0, 70.0, 10.0, 70.0],
            "fit": [1, 5, 3, 1, 3],
            "growth": [0.1, 0.2, 0.15, -0.5, 0.15],
        }
    )


CRITERIA = [
    C("revenue", 2),
    C("fit", 2, normalisation="scale", scale_min=1, scale_max=5),
    C("growth", 1, normalisation="rank"),
]


def test_statistics_match_a_brute_force_rerun_of_the_scoring(candidates):
    result = sensitivity(candidates, CRITERIA, variation=0.3, draws=300, seed=11, top_n=2)
    ranks = _brute_force_ranks(candidates, CRITERIA, 0.3, 300, 11)
    rows = _rows(result)
    for j, customer in enumerate(candidates.column("customer_number").to_pylist()):
        r = ranks[:, j]
        row = rows[customer]
        assert row["best_rank"] == r.min()
        assert row["worst_rank"] == r.max()
        assert row["median_rank"] == np.quantile(r, 0.5, method="inverted_cdf")
        assert row["p05_rank"] == np.quantile(r, 0.05, method="inverted_cdf")
        assert row["p95_rank"] == np.quantile(r, 0.95, method="inverted_cdf")
        assert row["top_share"] == pytest.approx((r <= 2).mean())


def test_base_rank_equals_the_scoring_rank_and_rows_follow_it(candidates):
    result = sensitivity(candidates, CRITERIA, draws=50)
    scores = score_customers(candidates, CRITERIA)
    assert result.column("customer_number").to_pylist() == scores.column("customer_number").to_pylist()
    assert result.column("base_rank").to_pylist() == scores.column("rank").to_pylist()
    assert result.column_names == [
        "customer_number",
        "base_rank",
        "best_rank",
        "worst_rank",
        "median_rank",
        "p05_rank",
        "p95_rank",
        "top_share",
        "robust",
        "sensitive_to",
        "sensitive_share",
    ]


def test_same_seed_same_result_other_seed_other_draws(candidates):
    first = sensitivity(candidates, CRITERIA, variation=0.5, draws=200, seed=3, top_n=2)
    assert first.equals(sensitivity(candidates, CRITERIA, variation=0.5, draws=200, seed=3, top_n=2))
    other = sensitivity(candidates, CRITERIA, variation=0.5, draws=200, seed=4, top_n=2)
    assert first.column("top_share").to_pylist() != other.column("top_share").to_pylist()


def test_a_single_criterion_never_changes_any_rank():
    table = pa.table({"customer_number": ["x", "y", "z"], "v": [3.0, 1.0, 2.0]})
    rows = _rows(sensitivity(table, [C("v", 1)], draws=100, top_n=1))
    assert {k: (r["best_rank"], r["worst_rank"]) for k, r in rows.items()} == {
        "x": (1, 1),
        "z": (2, 2),
        "y": (3, 3),
    }
    assert all(r["sensitive_to"] is None and r["sensitive_share"] is None for r in rows.values())
    assert all(r["robust"] for r in rows.values())
    assert [rows[k]["top_share"] for k in "xyz"] == [1.0, 0.0, 0.0]


def test_a_candidate_that_depends_on_one_weight_is_found():
    # p leads on revenue, q on fit; r is far behind on both. With equal weights p and q tie for
    # first, so any change of the revenue or fit weight decides between them.
    table = pa.table(
        {
            "customer_number": ["p", "q", "r"],
            "revenue": [1.0, 0.0, 0.0],
            "fit": [0.0, 1.0, 0.0],
            "region": [0.5, 0.5, 0.0],
        }
    )
    criteria = [C("revenue", 1), C("fit", 1), C("region", 0.01)]
    rows = _rows(sensitivity(table, criteria, variation=0.2, draws=2000, seed=1, top_n=1))
    assert rows["p"]["sensitive_to"] in {"revenue", "fit"}
    # p is first exactly when its revenue factor beats q's fit factor: for two independent
    # uniform factors the correlation of one with that event is 1/sqrt(3), its square 1/3.
    assert rows["p"]["sensitive_share"] == pytest.approx(1 / 3, abs=0.05)
    assert 0.4 < rows["p"]["top_share"] < 0.6
    assert rows["p"]["robust"] is False and rows["q"]["robust"] is False
    assert rows["r"]["sensitive_to"] is None and rows["r"]["robust"] is True
    # A tie in the base ranking: both share rank 1.
    assert rows["p"]["base_rank"] == rows["q"]["base_rank"] == 1


def test_sensitive_to_is_the_largest_correlation_of_factor_and_rank(candidates):
    result = _rows(sensitivity(candidates, CRITERIA, variation=0.5, draws=400, seed=21))
    factors = np.random.default_rng(21).uniform(0.5, 1.5, size=(400, len(CRITERIA)))
    ranks = _brute_force_ranks(candidates, CRITERIA, 0.5, 400, 21)
    assert sum(result[c]["sensitive_to"] is not None for c in result) >= 2
    for j, customer in enumerate(candidates.column("customer_number").to_pylist()):
        r = ranks[:, j]
        if r.min() == r.max():
            assert result[customer]["sensitive_to"] is None
            continue
        correlations = [np.corrcoef(factors[:, i], r)[0, 1] for i in range(len(CRITERIA))]
        strongest = int(np.argmax(np.abs(correlations)))
        assert result[customer]["sensitive_to"] == CRITERIA[strongest].key
        assert result[customer]["sensitive_share"] == pytest.approx(correlations[strongest] ** 2)


def test_the_criterion_that_moves_the_rank_wins():
    # m's rank against the field depends only on the growth weight: it equals everyone on
    # revenue and fit, and leads or trails on growth.
    rng = np.random.default_rng(5)
    n = 40
    revenue = rng.random(n)
    fit = rng.random(n)
    table = pa.table(
        {
            "customer_number": [f"k{i:02}" for i in range(n)] + ["m"],
            "revenue": [*revenue, 0.5],
            "fit": [*fit, 0.5],
            "growth": [0.0] * n + [1.0],
        }
    )
    criteria = [C("revenue", 1), C("fit", 1), C("growth", 0.5)]
    rows = _rows(sensitivity(table, criteria, variation=0.4, draws=1000, seed=2))
    assert rows["m"]["sensitive_to"] == "growth"


def test_robust_means_at_least_ninety_five_percent_in_or_out(candidates):
    result = sensitivity(candidates, CRITERIA, variation=0.9, draws=400, seed=8, top_n=2)
    for row in result.to_pylist():
        assert row["robust"] == (row["top_share"] >= 0.95 or row["top_share"] <= 0.05)


def test_exactly_ninety_five_percent_is_robust(monkeypatch):
    # Draw factors are replaced so that in exactly 19 of 20 draws "a" outranks "b".
    table = pa.table({"customer_number": ["a", "b"], "x": [1.0, 0.0], "y": [0.0, 1.0]})

    class Fixed:
        def uniform(self, low, high, size):
            factors = np.ones(size)
            factors[0] = [0.5, 1.5]  # one draw where y outweighs x
            factors[1:] = [1.5, 0.5]
            return factors

    monkeypatch.setattr(np.random, "default_rng", lambda seed: Fixed())
    rows = _rows(sensitivity(table, [C("x", 1), C("y", 1)], variation=0.5, draws=20, top_n=1))
    assert rows["a"]["top_share"] == 0.95 and rows["a"]["robust"] is True
    assert rows["b"]["top_share"] == 0.05 and rows["b"]["robust"] is True


def test_quantiles_use_a_bounded_sample_of_draws(monkeypatch, candidates):
    monkeypatch.setattr(sensitivity_module, "QUANTILE_CELLS", 5 * 10)  # 10 draws of 5 customers
    monkeypatch.setattr(sensitivity_module, "CHUNK_CELLS", 5 * 7)  # chunks across the boundary
    result = _rows(sensitivity(candidates, CRITERIA, variation=0.5, draws=100, seed=9, top_n=2))
    ranks = _brute_force_ranks(candidates, CRITERIA, 0.5, 100, 9)
    for j, customer in enumerate(candidates.column("customer_number").to_pylist()):
        row = result[customer]
        assert row["median_rank"] == np.quantile(ranks[:10, j], 0.5, method="inverted_cdf")
        assert (row["best_rank"], row["worst_rank"]) == (ranks[:, j].min(), ranks[:, j].max())
        assert row["top_share"] == pytest.approx((ranks[:, j] <= 2).mean())


def test_one_at_a_time_matches_rescoring(candidates):
    result = one_at_a_time(candidates, CRITERIA, 0.5)
    assert result.column_names == [
        "customer_number",
        "base_rank",
        "rank_minus_revenue",
        "rank_plus_revenue",
        "rank_minus_fit",
        "rank_plus_fit",
        "rank_minus_growth",
        "rank_plus_growth",
    ]
    rows = _rows(result)
    for j, criterion in enumerate(CRITERIA):
        for name, factor in (("minus", 0.5), ("plus", 1.5)):
            varied = [
                C(
                    c.key,
                    c.weight * (factor if i == j else 1),
                    c.direction,
                    c.normalisation,
                    c.scale_min,
                    c.scale_max,
                )
                for i, c in enumerate(CRITERIA)
            ]
            scores = score_customers(candidates, varied)
            expected = dict(
                zip(
                    scores.column("customer_number").to_pylist(),
                    scores.column("rank").to_pylist(),
                    strict=True,
                )
            )
            assert {k: r[f"rank_{name}_{criterion.key}"] for k, r in rows.items()} == expected


def test_empty_candidates_give_an_empty_result():
    table = pa.table({"customer_number": pa.array([], pa.string()), "v": pa.array([], pa.float64())})
    assert sensitivity(table, [C("v", 1)], draws=10).num_rows == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"variation": 0}, "between 0 and 1"),
        ({"variation": 1}, "between 0 and 1"),
        ({"variation": -0.2}, "between 0 and 1"),
        ({"variation": "0.2"}, "between 0 and 1"),
        ({"draws": 0}, "at least 1"),
        ({"draws": 100_001}, "at most 100,000"),
        ({"draws": 10.0}, "whole number"),
        ({"top_n": 0}, "at least 1"),
        ({"seed": -1}, "at least 0"),
    ],
)
def test_invalid_arguments_are_refused(candidates, kwargs, message):
    with pytest.raises(ValueError, match=message):
        sensitivity(candidates, CRITERIA, **kwargs)


def test_a_decimal_variation_equals_the_float(candidates):
    from decimal import Decimal

    assert sensitivity(candidates, CRITERIA, variation=Decimal("0.25"), draws=30).equals(
        sensitivity(candidates, CRITERIA, variation=0.25, draws=30)
    )


def test_one_at_a_time_validates_variation(candidates):
    with pytest.raises(ValueError, match="between 0 and 1"):
        one_at_a_time(candidates, CRITERIA, 1.5)

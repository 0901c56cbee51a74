"""How stable is a scoring model's ranking when its weights vary?

Weights are judgements; a candidate list should not hinge on whether revenue counts 30 % or
33 %. :func:`sensitivity` answers this by Monte Carlo: in each draw every weight is multiplied
independently by a factor drawn uniformly from ``[1 - variation, 1 + variation]`` (a seeded
NumPy generator, so the result is reproducible), the varied weights are renormalised to sum 1
(so scores stay on the 0..100 scale and ties follow :func:`~openkam.analytics.scoring.score_customers`
exactly), and all candidates are ranked again. The criterion values are normalised once, before
the draws: varying weights must not change what a criterion value is worth.

Per candidate the result shows:

- ``base_rank``: the rank with the weights as given (equal to ``score_customers``' rank);
- ``best_rank``/``worst_rank``: the best (lowest) and worst rank over all draws;
- ``median_rank``, ``p05_rank``, ``p95_rank``: quantiles of the rank over the draws, each an
  actual rank: the smallest rank ``r`` with at least 50 % (5 %, 95 %) of the draws at ``r`` or
  better (NumPy's ``inverted_cdf``). To bound memory they are computed from the first
  ``QUANTILE_CELLS // candidates`` draws when ``draws × candidates`` exceeds
  :data:`QUANTILE_CELLS`; draws are independent, so these are an unbiased sample of all draws
  (every other column always uses all draws);
- ``top_share``: the fraction of draws with rank ``<= top_n`` (with ties, everyone sharing rank
  ``top_n`` is in the top);
- ``robust``: in the top in at least 95 % of the draws, or out of it in at least 95 %;
- ``sensitive_to``: the criterion whose weight moves the candidate's rank the most, measured as
  the largest absolute Pearson correlation between that weight's factor and the candidate's rank
  across the draws (the factors are independent and identically distributed, so this orders the
  criteria like the slope of the rank on each factor does); the first criterion in model order
  wins an exact tie. Null when the rank never changes;
- ``sensitive_share``: the squared correlation of that criterion: the share of the rank's
  variance its weight explains on its own. Close to 1 means "depends on one weight".

Cost: every draw ranks all candidates (a sort), about 50 ns per (draw, candidate) on one core:
1,000 draws take well under a second for 5,000 candidates and ~10 s for 200,000, so run large
analyses as a background job. Memory stays bounded (chunks of draws, capped quantile sample).

:func:`one_at_a_time` is the simpler, deterministic view for explaining a single candidate: the
rank when one weight at a time is lowered or raised by ``variation``.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .scoring import CriterionSpec, competition_rank, is_finite_number, normalise, points

__all__ = ["MAX_DRAWS", "QUANTILE_CELLS", "ROBUST_PERCENT", "one_at_a_time", "sensitivity"]

MAX_DRAWS = 100_000
#: A candidate is robust when in (or out of) the top in at least this percentage of draws.
ROBUST_PERCENT = 95
#: At most this many (draw, candidate) ranks are kept for the rank quantiles (~100 MB as uint32).
QUANTILE_CELLS = 25_000_000
# Draws are scored and ranked in chunks of about this many (draw, candidate) cells (~8 MB each
# per float64 or int64 intermediate), which bounds memory independent of the draw count.
CHUNK_CELLS = 1_000_000


def _check_variation(variation: Any) -> float:
    if not is_finite_number(variation) or not 0 < variation < 1:
        raise ValueError(f"variation must be a number between 0 and 1 (exclusive), got {variation!r}.")
    return float(variation)


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    if not isinstance(value, Integral) or isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be at most {high:,}, got {value:,}.")
    return int(value)


def _varied_weights(weights: np.ndarray, factors: np.ndarray) -> np.ndarray:
    varied = weights[np.newaxis, :] * factors
    return varied / varied.sum(axis=1, keepdims=True)


def _ordered(
    ids: pa.ChunkedArray, base_rank: np.ndarray, columns: dict[str, Any], id_column: str
) -> pa.Table:
    table = pa.table({id_column: ids, "base_rank": base_rank, **columns})
    order = pc.sort_indices(table, sort_keys=[("base_rank", "ascending"), (id_column, "ascending")])
    return table.take(order)


def sensitivity(
    table: Any,
    criteria: Sequence[CriterionSpec],
    *,
    variation: float = 0.2,
    draws: int = 1000,
    seed: int | None = 0,
    top_n: int = 25,
    id_column: str = "customer_number",
) -> pa.Table:
    """Rank stability of every candidate under random weight variations (see the module docstring).

    Returns a pyarrow Table sorted by ``base_rank``, ties by id, with ``id_column``,
    ``base_rank``, ``best_rank``, ``worst_rank``, ``median_rank``, ``p05_rank``, ``p95_rank``
    (int64), ``top_share`` (float), ``robust`` (bool), ``sensitive_to`` (string or null) and
    ``sensitive_share`` (float or null). The same ``seed`` gives the same result; ``None``
    draws a fresh one. Raises ``ValueError`` for ``variation`` outside (0, 1), ``draws``
    outside 1..100,000, ``top_n`` below 1, and the input errors of
    :func:`~openkam.analytics.scoring.normalise`.
    """
    variation = _check_variation(variation)
    draws = _check_int("draws", draws, 1, MAX_DRAWS)
    top_n = _check_int("top_n", top_n, 1)
    if seed is not None:
        seed = _check_int("seed", seed, 0)
    data = normalise(table, criteria, id_column=id_column)
    n, k = data.values.shape
    base_rank = competition_rank(points(data.values, data.weights))

    factors = np.random.default_rng(seed).uniform(1.0 - variation, 1.0 + variation, size=(draws, k))
    weights = _varied_weights(data.weights, factors)
    centred = factors - factors.mean(axis=0)

    best = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    worst = np.zeros(n, dtype=np.int64)
    in_top = np.zeros(n, dtype=np.int64)
    # Moments of the rank's deviation from base_rank: exact small integers, no cancellation.
    sum_dev = np.zeros(n, dtype=np.int64)
    sum_dev2 = np.zeros(n, dtype=np.int64)
    cross = np.zeros((k, n), dtype=np.float64)
    kept = min(draws, max(1, QUANTILE_CELLS // max(n, 1)))
    stored = np.empty((kept, n), dtype=np.uint16 if n < np.iinfo(np.uint16).max else np.uint32)

    chunk = max(1, CHUNK_CELLS // max(n, 1))
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        ranks = competition_rank(points(data.values, weights[start:stop]), dtype=np.int32)
        np.minimum(best, ranks.min(axis=0), out=best)
        np.maximum(worst, ranks.max(axis=0), out=worst)
        in_top += (ranks <= top_n).sum(axis=0)
        deviation = ranks - base_rank  # int64: squares and sums stay exact
        sum_dev += deviation.sum(axis=0)
        sum_dev2 += (deviation * deviation).sum(axis=0)
        cross += centred[start:stop].T @ deviation
        if start < kept:
            stored[start : min(stop, kept)] = ranks[: min(stop, kept) - start]

    if n:
        quantiles = np.quantile(stored, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf").astype(np.int64)
    else:
        quantiles = np.zeros((3, 0), dtype=np.int64)
    top_share = in_top / draws

    # Pearson correlation of each factor with the rank; the factors' centring makes the
    # covariance the plain mean of the cross products.
    mean_dev = sum_dev / draws
    rank_var = np.maximum(sum_dev2 / draws - mean_dev**2, 0.0)
    factor_sd = centred.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = (cross / draws) / (factor_sd[:, np.newaxis] * np.sqrt(rank_var)[np.newaxis, :])
    correlation = np.nan_to_num(correlation, nan=0.0)
    strongest = np.argmax(np.abs(correlation), axis=0)
    moves = worst > best
    keys = np.array(data.keys, dtype=object)
    sensitive_to = pa.array(np.where(moves, keys[strongest], None), type=pa.string())
    share = correlation[strongest, np.arange(n)] ** 2
    sensitive_share = pa.array(np.where(moves, share, np.nan), type=pa.float64(), from_pandas=True)

    return _ordered(
        data.ids,
        base_rank,
        {
            "best_rank": best,
            "worst_rank": worst,
            "median_rank": quantiles[1],
            "p05_rank": quantiles[0],
            "p95_rank": quantiles[2],
            "top_share": top_share,
            # Integer comparisons: 950 of 1000 draws is exactly 95 %, whatever floats would say.
            "robust": (100 * in_top >= ROBUST_PERCENT * draws)
            | (100 * (draws - in_top) >= ROBUST_PERCENT * draws),
            "sensitive_to": sensitive_to,
            "sensitive_share": sensitive_share,
        },
        id_column,
    )


def one_at_a_time(
    table: Any,
    criteria: Sequence[CriterionSpec],
    variation: float = 0.2,
    *,
    id_column: str = "customer_number",
) -> pa.Table:
    """Each candidate's rank when one weight at a time is lowered and raised by ``variation``.

    The weight of one criterion is multiplied by ``1 - variation`` (``1 + variation``), the
    others stay, and the weights are renormalised, as in :func:`sensitivity`. Returns a pyarrow
    Table sorted by ``base_rank``, ties by id, with ``id_column``, ``base_rank`` and, per
    criterion in model order, ``rank_minus_<key>`` and ``rank_plus_<key>`` (int64). Raises
    ``ValueError`` for ``variation`` outside (0, 1) and the errors of
    :func:`~openkam.analytics.scoring.normalise`.
    """
    variation = _check_variation(variation)
    data = normalise(table, criteria, id_column=id_column)
    k = len(data.keys)
    factors = np.ones((2 * k, k))
    for j in range(k):
        factors[2 * j, j] = 1.0 - variation
        factors[2 * j + 1, j] = 1.0 + variation
    base_rank = competition_rank(points(data.values, data.weights))
    ranks = competition_rank(points(data.values, _varied_weights(data.weights, factors)))
    columns: dict[str, Any] = {}
    for j, key in enumerate(data.keys):
        columns[f"rank_minus_{key}"] = ranks[2 * j]
        columns[f"rank_plus_{key}"] = ranks[2 * j + 1]
    return _ordered(data.ids, base_rank, columns, id_column)

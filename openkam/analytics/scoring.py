"""Weighted scoring models: criteria with weights, directions and normalisations, and the ranking.

Works on the small per-customer table (one row per candidate, a column per criterion key, for
example the metrics of :func:`openkam.analytics.metrics.customer_metrics` joined with manual
ratings), never on the ledger.

Rules:

- Weights are relative: each is divided by their sum, so ``(2, 1, 1)`` means 50 %, 25 %, 25 %.
  A weight must be a finite number above zero (a criterion that should not count is left out).
- Every criterion is normalised to 0..1 over the candidates that have a value for it:

  - ``minmax``: ``(v - min) / (max - min)``; the lowest value gets 0, the highest 1.
  - ``rank``: percentile rank, ``(r - 1) / (n - 1)`` with ``r`` the ascending rank of ``v`` among
    the ``n`` values and ties given the average of their ranks (values 10, 20, 20, 30 give
    0, 0.5, 0.5, 1). Robust against outliers: only the order counts.
  - ``zscore``: standard score ``(v - mean) / sd`` (population standard deviation) mapped
    through the standard normal distribution function, so the mean gets 0.5 and an outlier
    cannot push everyone else to the bottom as it does with ``minmax``.
  - ``scale``: ``(v - scale_min) / (scale_max - scale_min)`` clipped to 0..1, for manual ratings
    on a fixed scale (1..5 gives 1 → 0, 3 → 0.5, 5 → 1). This mapping is absolute: it does not
    depend on the other candidates.

- A relative criterion (``minmax``, ``rank``, ``zscore``) whose values are all equal cannot
  discriminate and gives 0.5 to every candidate with a value (also when only one candidate has
  one). ``scale`` keeps its absolute mapping even then: everyone rated 5 of 5 gets 1.
- ``direction="lower"`` flips the normalised value (``1 - x``): for recency, effort, risk.
- A missing value (null, or NaN in a float column) gets 0 (``missing="worst"``) or 0.5
  (``"neutral"``) after the flip, and is not part of the min/max/mean/ranks of the others.
  Infinite values are refused. Boolean columns count as 0/1.
- ``score = 100 * Σ weight_i * norm_i`` (0..100); ``contrib_<key> = 100 * weight_i * norm_i``
  are the points of each criterion, adding up to the score.
- ``rank``: competition ranking (1, 2, 2, 4) on the score rounded to 9 decimals, so floating-
  point noise never splits a tie; rows are sorted by rank, ties by id, making the result
  deterministic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DIRECTIONS",
    "MISSING_POLICIES",
    "NORMALISATIONS",
    "CriterionSpec",
    "Normalised",
    "as_arrow",
    "competition_rank",
    "is_finite_number",
    "normalise",
    "points",
    "score_customers",
]

Direction = Literal["higher", "lower"]
Normalisation = Literal["minmax", "rank", "zscore", "scale"]
MissingPolicy = Literal["worst", "neutral"]

#: The normalisations a criterion may use (see the module docstring for each rule).
NORMALISATIONS: tuple[Normalisation, ...] = ("minmax", "rank", "zscore", "scale")
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")
MISSING_POLICIES: tuple[MissingPolicy, ...] = ("worst", "neutral")
#: Scores are rounded to this many decimals before ranking: equal scores must tie exactly.
RANK_DECIMALS = 9

_MISSING_VALUE = {"worst": 0.0, "neutral": 0.5}
# Keys end up in column names (norm_<key>) and chart field names: plain identifiers only.
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


_ERFC = np.vectorize(math.erfc, otypes=[float])


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """Φ(z) of the standard normal distribution, as ``scipy.special.ndtr`` gives it.

    Written with the standard library's ``erfc`` (accurate in both tails) so that scoring does
    not import SciPy: that import alone costs every process about 0.3 s.
    """
    return 0.5 * _ERFC(-z / math.sqrt(2.0))


def is_finite_number(value: Any) -> bool:
    """Whether ``value`` is a finite int, float or Decimal (not a bool, not text)."""
    return isinstance(value, Real | Decimal) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of a scoring model: which column, how much it counts, how it is normalised.

    ``key`` names a column of the candidate table (a metric such as ``revenue`` or a manual
    rating); it must be an identifier of at most 63 characters (letters, digits, underscores).
    ``scale_min``/``scale_max`` are required for, and only allowed with, ``normalisation="scale"``.
    Raises ``ValueError`` naming the problem when a field is invalid.
    """

    key: str
    weight: float
    direction: Direction = "higher"
    normalisation: Normalisation = "minmax"
    scale_min: float | None = None
    scale_max: float | None = None
    missing: MissingPolicy = "worst"

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _KEY.match(self.key):
            raise ValueError(
                f"Criterion key {self.key!r} must be an identifier (letters, digits, underscores, "
                "not starting with a digit, at most 63 characters)."
            )
        if not is_finite_number(self.weight) or self.weight <= 0:
            raise ValueError(
                f"Criterion {self.key!r}: the weight must be a finite number above 0, got {self.weight!r}."
            )
        if self.direction not in DIRECTIONS:
            raise ValueError(
                f"Criterion {self.key!r}: direction must be one of {DIRECTIONS}, got {self.direction!r}."
            )
        if self.normalisation not in NORMALISATIONS:
            raise ValueError(
                f"Criterion {self.key!r}: normalisation must be one of {NORMALISATIONS}, "
                f"got {self.normalisation!r}."
            )
        if self.missing not in MISSING_POLICIES:
            raise ValueError(
                f"Criterion {self.key!r}: missing must be one of {MISSING_POLICIES}, got {self.missing!r}."
            )
        bounds = (self.scale_min, self.scale_max)
        if self.normalisation == "scale":
            if not all(is_finite_number(b) for b in bounds):
                raise ValueError(
                    f"Criterion {self.key!r}: the scale normalisation needs finite scale_min and scale_max."
                )
            if self.scale_min >= self.scale_max:  # type: ignore[operator]
                raise ValueError(
                    f"Criterion {self.key!r}: scale_min ({self.scale_min}) must be below scale_max "
                    f"({self.scale_max})."
                )
        elif any(b is not None for b in bounds):
            raise ValueError(
                f"Criterion {self.key!r}: scale_min/scale_max apply only to the scale normalisation, "
                f"not to {self.normalisation!r}."
            )
        # Decimals from model fields and ints become floats, so equal criteria compare equal.
        object.__setattr__(self, "weight", float(self.weight))
        if self.normalisation == "scale":
            object.__setattr__(self, "scale_min", float(self.scale_min))  # type: ignore[arg-type]
            object.__setattr__(self, "scale_max", float(self.scale_max))  # type: ignore[arg-type]


def as_arrow(table: Any) -> pa.Table:
    """A ``pyarrow.Table`` from a pyarrow Table, an Ibis table (executed) or a pandas DataFrame.

    Raises ``TypeError`` for anything else.
    """
    if isinstance(table, pa.Table):
        return table
    if hasattr(table, "to_pyarrow"):
        return table.to_pyarrow()
    try:
        return pa.Table.from_pandas(table, preserve_index=False)
    except (TypeError, AttributeError) as exc:
        raise TypeError("Expected a pyarrow Table, a pandas DataFrame or an Ibis table.") from exc


def check_criteria(criteria: Sequence[CriterionSpec]) -> tuple[CriterionSpec, ...]:
    """The criteria as a tuple; raises ``ValueError`` if there are none or a key repeats."""
    criteria = tuple(criteria)
    if not criteria:
        raise ValueError("A scoring model needs at least one criterion.")
    for criterion in criteria:
        if not isinstance(criterion, CriterionSpec):
            raise TypeError(f"Criteria must be CriterionSpec objects, got {type(criterion).__name__}.")
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"Each criterion may appear once; repeated: {', '.join(duplicates)}.")
    return criteria


def _values(table: pa.Table, key: str) -> np.ndarray:
    """The column as float64 with NaN for missing values; refuses non-numeric and infinite data."""
    column = table.column(key)
    kind = column.type
    if pa.types.is_boolean(kind) or pa.types.is_null(kind):
        column = column.cast(pa.int8())
    elif not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)):
        raise ValueError(f"Criterion column {key!r} must be numeric, not {kind}.")
    values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    values = np.asarray(values, dtype=np.float64)
    if np.isinf(values).any():
        raise ValueError(f"Criterion column {key!r} holds an infinite value.")
    return values


def strictly_ascending(ids: pa.ChunkedArray | pa.Array) -> bool:
    """Whether ``ids`` (without nulls) are in strictly ascending order, which proves them unique.

    Candidate tables usually come sorted by id (the metrics are); comparing neighbours costs a
    fraction of counting distinct values by hashing, and tells :func:`score_customers` that a
    stable sort by rank alone already breaks ties by id.
    """
    if len(ids) < 2:
        return True
    column = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    return bool(pc.all(pc.less(column.slice(0, len(column) - 1), column.slice(1))).as_py())


def unique_ids(ids: pa.ChunkedArray | pa.Array) -> bool:
    """Whether the ids (without nulls) are all different."""
    return strictly_ascending(ids) or pc.count_distinct(ids).as_py() == len(ids)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ascending ranks, ties given the mean of their ranks (``scipy.stats.rankdata``'s
    "average" method, to the bit: every result is a whole or half number, computed exactly).

    Done in NumPy because importing ``scipy.stats`` costs a selection process about 0.3 s.
    """
    # Which of equal values comes first does not matter (a tie group shares its mean rank), so
    # the fast unstable sort does.
    order = np.argsort(values)
    ordered = values[order]
    first = np.ones(values.size, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    group = np.empty(values.size, dtype=np.intp)
    group[order] = np.cumsum(first)
    # bounds[g - 1] is the 0-based position where tie group g starts; bounds[g] where it ends.
    bounds = np.append(np.flatnonzero(first), values.size)
    return 0.5 * (bounds[group] + bounds[group - 1] + 1)


def _normalise_column(values: np.ndarray, criterion: CriterionSpec) -> np.ndarray:
    """Normalise one criterion to 0..1 following the module rules (missing stay NaN)."""
    present = ~np.isnan(values)
    out = np.full(values.shape, np.nan)
    if not present.any():
        return out
    v = values[present]
    method = criterion.normalisation
    if method == "scale":
        low, high = float(criterion.scale_min), float(criterion.scale_max)  # type: ignore[arg-type]
        out[present] = np.clip((v - low) / (high - low), 0.0, 1.0)
        return out
    low, high = v.min(), v.max()
    if low == high:
        out[present] = 0.5
    elif method == "minmax":
        # Dividing by the span, not multiplying by its inverse, keeps the extremes exactly 0 and 1.
        out[present] = (v - low) / (high - low)
    elif method == "rank":
        out[present] = (_average_ranks(v) - 1.0) / (v.size - 1)
    else:  # zscore
        sd = v.std()
        out[present] = _normal_cdf((v - v.mean()) / sd) if sd > 0 else 0.5
    return out


@dataclass(frozen=True)
class Normalised:
    """The normalised criterion values of a candidate table, shared by scoring and sensitivity.

    ``values`` is a float64 matrix (candidates × criteria, in criteria order) in 0..1 after
    direction and missing rules; ``weights`` the relative weights (summing to 1); ``missing``
    the number of missing criterion values per candidate; ``ids`` the id column as given.
    """

    ids: pa.ChunkedArray
    keys: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray
    missing: np.ndarray


def normalise(
    table: Any, criteria: Sequence[CriterionSpec], *, id_column: str = "customer_number"
) -> Normalised:
    """Normalise every criterion column of ``table`` (rules in the module docstring).

    Raises ``ValueError`` for no or repeated criteria, a missing column (naming the available
    ones), missing or repeated ids, non-numeric or infinite values; ``TypeError`` for an
    unsupported table type.
    """
    criteria = check_criteria(criteria)
    table = as_arrow(table)
    wanted = [id_column, *(c.key for c in criteria)]
    absent = [name for name in wanted if name not in table.column_names]
    if absent:
        raise ValueError(
            f"Column(s) {', '.join(absent)} not found; available: {', '.join(table.column_names)}."
        )
    ids = table.column(id_column)
    if ids.null_count:
        raise ValueError(f"{id_column!r} must not be empty.")
    if not unique_ids(ids):
        raise ValueError(f"{id_column!r} must be unique per row.")
    n, k = table.num_rows, len(criteria)
    values = np.empty((n, k), dtype=np.float64)
    missing = np.zeros(n, dtype=np.int64)
    for j, criterion in enumerate(criteria):
        raw = _values(table, criterion.key)
        absent_values = np.isnan(raw)
        missing += absent_values
        norm = _normalise_column(raw, criterion)
        if criterion.direction == "lower":
            norm = 1.0 - norm
        norm[absent_values] = _MISSING_VALUE[criterion.missing]
        values[:, j] = norm
    weights = np.array([float(c.weight) for c in criteria], dtype=np.float64)
    return Normalised(
        ids=ids,
        keys=tuple(c.key for c in criteria),
        values=values,
        weights=weights / weights.sum(),
        missing=missing,
    )


def competition_rank(scores: np.ndarray, *, dtype: type = np.int64) -> np.ndarray:
    """Competition ranks (1 = highest; equal scores share the best rank: 1, 2, 2, 4).

    ``scores`` are compared after rounding to :data:`RANK_DECIMALS` decimals. A vector gives
    one ranking; a matrix one ranking per row (how the sensitivity draws are ranked).
    """
    rounded = np.round(np.asarray(scores, dtype=np.float64), RANK_DECIMALS)
    n = rounded.shape[-1]
    # The order within a tie does not matter (ties share a rank), so the fast unstable sort does.
    order = np.argsort(-rounded, axis=-1)
    ordered = np.take_along_axis(rounded, order, axis=-1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    positions = np.arange(1, n + 1, dtype=dtype)
    ranks_sorted = np.where(starts, positions, dtype(0))
    np.maximum.accumulate(ranks_sorted, axis=-1, out=ranks_sorted)
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=-1)
    return ranks


def points(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Scores (0..100) of candidates × criteria ``values`` for one weight vector or a matrix of them.

    ``weights`` is a vector (criteria; result: one score per candidate) or a matrix (draws ×
    criteria; result: draws × candidates). Summed criterion by criterion in criteria order,
    the same arithmetic as the points of :func:`score_customers`, so equal weights give equal
    bits and therefore equal ranks.
    """
    scaled = 100.0 * values
    if weights.ndim == 1:
        total = np.zeros(values.shape[0], dtype=np.float64)
        for j in range(values.shape[1]):
            total = total + scaled[:, j] * weights[j]
        return total
    total = np.zeros((weights.shape[0], values.shape[0]), dtype=np.float64)
    for j in range(values.shape[1]):
        total += scaled[:, j][np.newaxis, :] * weights[:, j][:, np.newaxis]
    return total


def score_customers(
    table: Any, criteria: Sequence[CriterionSpec], *, id_column: str = "customer_number"
) -> pa.Table:
    """Score and rank the candidates in ``table`` (one row each) by the weighted criteria.

    Returns a pyarrow Table sorted by rank, ties by id, with ``id_column`` (as given),
    ``score`` (float, 0..100), ``rank`` (int64), then ``norm_<key>`` (0..1) and
    ``contrib_<key>`` (points) per criterion in criteria order, and ``missing`` (how many
    criterion values the candidate lacks). Rules and errors: see the module docstring and
    :func:`normalise`.
    """
    data = normalise(table, criteria, id_column=id_column)
    reserved = {"score", "rank", "missing"}
    if id_column in reserved:
        raise ValueError(f"The id column must not be called {id_column!r}.")
    contributions = 100.0 * data.values * data.weights
    score = points(data.values, data.weights)
    ranks = competition_rank(score)
    columns: dict[str, Any] = {id_column: data.ids, "score": score, "rank": ranks}
    for j, key in enumerate(data.keys):
        columns[f"norm_{key}"] = data.values[:, j]
    for j, key in enumerate(data.keys):
        columns[f"contrib_{key}"] = contributions[:, j]
    columns["missing"] = data.missing
    result = pa.table(columns)
    if strictly_ascending(data.ids):
        # Rows already in id order: a stable sort by rank keeps ties in that order.
        order = pa.array(np.argsort(ranks, kind="stable"))
    else:
        order = pc.sort_indices(result, sort_keys=[("rank", "ascending"), (id_column, "ascending")])
    return result.take(order)

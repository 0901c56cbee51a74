"""ABC classification of customers by value, and the Pareto (Lorenz-style) curve for charts.

Both functions work on the small per-customer result (``pyarrow.Table`` or pandas DataFrame, for
example from :func:`openkam.analytics.metrics.customer_metrics`), not on the ledger.

Rules:

- Customers are ranked by value, highest first; equal values are ordered by ``id_column`` so the
  result is deterministic, and share the same rank (competition ranking: 1, 2, 2, 4).
- ``share`` is a customer's value divided by the total *positive* value; ``cumulative_share``
  includes the customer. Zero, negative and missing values count as 0 for shares: they carry no
  value to concentrate, so they get share 0, come last (still by value, then id) and are
  always in the last class.
- A positive customer gets the first class whose cut-off exceeds the cumulative share *before*
  it: with ``cutoffs=(0.8, 0.95)`` it is A while the customers above it hold less than 80 %,
  B while they hold less than 95 %, else C. So the customer that crosses 80 % is still A, and
  a customer starting exactly at 80 % is B. Customers with equal value get the class of the
  first of them (equal value, equal class). Comparisons are exact (decimal arithmetic).

Implementation: values that are whole cents (decimals whose values have at most two decimal
places, integers, floats that are exact multiples of 0.25) are ranked and classified as int64
cents with Arrow and NumPy, and a cut-off is compared as the integer ``ceil(cutoff * total)``,
so the result is exact and takes milliseconds for a few hundred thousand customers. Anything
else (sub-cent decimals, floats such as 0.1 that are no exact number of cents, ids that are
neither integers nor text or are missing, totals beyond 64 bits) takes the slower decimal path
with the same rules.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DEFAULT_CUTOFFS = (0.8, 0.95)
DEFAULT_LABELS = ("A", "B", "C")
_REVENUE_YEAR = re.compile(r"^revenue_(\d{4})$")


def _as_arrow(metrics: Any) -> pa.Table:
    if isinstance(metrics, pa.Table):
        return metrics
    if hasattr(metrics, "to_pyarrow"):  # an Ibis table: execute it
        return metrics.to_pyarrow()
    try:
        return pa.Table.from_pandas(metrics, preserve_index=False)
    except (TypeError, AttributeError) as exc:
        raise TypeError("metrics must be a pyarrow Table, a pandas DataFrame or an Ibis table.") from exc


def default_value_column(columns: Sequence[str]) -> str:
    """The ``revenue_<year>`` column of the latest year; raises ``ValueError`` if there is none."""
    years = [int(m.group(1)) for c in columns if (m := _REVENUE_YEAR.match(c))]
    if not years:
        raise ValueError("No revenue_<year> column found; pass value_column.")
    return f"revenue_{max(years)}"


def validate_cutoffs(cutoffs: Sequence[float], labels: Sequence[str]) -> tuple[Decimal, ...]:
    """Check cut-offs (strictly increasing, each in (0, 1]) and labels (one more than cut-offs).

    Returns the cut-offs as exact decimals (from their shortest text form, so 0.8 is 0.8);
    raises ``ValueError`` with the reason otherwise.
    """
    if len(cutoffs) == 0:
        raise ValueError("Give at least one cut-off.")
    exact = []
    for cutoff in cutoffs:
        if isinstance(cutoff, bool) or not isinstance(cutoff, int | float | Decimal):
            raise ValueError(f"Cut-offs must be numbers, got {cutoff!r}.")
        value = Decimal(str(cutoff))
        if not (value.is_finite() and 0 < value <= 1):
            raise ValueError(f"Cut-offs must lie in (0, 1], got {cutoff!r}.")
        exact.append(value)
    if any(b <= a for a, b in pairwise(exact)):
        raise ValueError(f"Cut-offs must be strictly increasing, got {tuple(cutoffs)!r}.")
    if len(labels) != len(exact) + 1 or len(set(labels)) != len(labels):
        raise ValueError(f"Give {len(exact) + 1} distinct class labels for {len(exact)} cut-offs.")
    return tuple(exact)


def _check_columns(table: pa.Table, value_column: str, id_column: str) -> None:
    for column in (value_column, id_column):
        if column not in table.column_names:
            raise ValueError(f"Column {column!r} is missing; there are {table.column_names}.")


def _ranked(table: pa.Table, value_column: str, id_column: str) -> list[tuple[Any, Decimal]]:
    """The decimal path: (id, value) pairs in ABC order, every value a ``Decimal``."""
    _check_columns(table, value_column, id_column)
    ids = table.column(id_column).to_pylist()
    if len(set(ids)) != len(ids):
        raise ValueError(f"{id_column!r} must be unique per row.")
    values = []
    for value in table.column(value_column).to_pylist():
        if value is None:
            values.append(Decimal(0))
        elif isinstance(value, Decimal | int) and not isinstance(value, bool):
            values.append(Decimal(value))
        elif isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(f"{value_column!r} holds a non-finite value.")
            values.append(Decimal(value))
        else:
            raise ValueError(f"{value_column!r} must be numeric, got {type(value).__name__}.")
    rows = list(zip(ids, values, strict=True))
    # Positive values first (highest first); the rest by value, then id, after them.
    rows.sort(key=lambda r: (r[1] <= 0, -r[1], r[0]))
    return rows


# Totals and running sums of cents must stay within int64 (and |cents| * rows bounds them).
_INT64_MAX = 2**63 - 1
# Up to here an int64 converts to float64 exactly, so a float division is correctly rounded.
_FLOAT_EXACT = 2**53
# Floats at most this large (in units) give exact quarters (v * 4) and exact int64 cents.
_FLOAT_MAX = 2.0**50


def _fast_ids(ids: pa.ChunkedArray) -> bool:
    """Whether Arrow sorts these ids exactly like Python does (no nulls; integers or text)."""
    kind = ids.type
    supported = pa.types.is_integer(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)
    return supported and ids.null_count == 0


def _cents(values: pa.ChunkedArray) -> np.ndarray | None:
    """The values as exact int64 cents (missing as 0), or ``None`` when that is not exact.

    Decimals must not use more than two places (Arrow's safe cast refuses to drop digits) and
    must fit int64 as cents; integers must fit int64 after multiplying by 100; floats must be
    finite multiples of 0.25 (``v * 4`` is exact in binary, so that test is exact). Booleans,
    text and other types give ``None`` too: the decimal path reports them.
    """
    kind = values.type
    if pa.types.is_null(kind):
        return np.zeros(len(values), dtype=np.int64)
    if pa.types.is_integer(kind):
        if len(values) == 0:
            return np.zeros(0, dtype=np.int64)
        bounds = pc.min_max(values)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if low is not None and max(abs(low), abs(high)) > _INT64_MAX // 100:
            return None
        units = pc.fill_null(values, 0).cast(pa.int64()).to_numpy()
        return units * 100
    if pa.types.is_floating(kind):
        units = pc.fill_null(values.cast(pa.float64()), 0.0).to_numpy()
        if not (np.abs(units) <= _FLOAT_MAX).all():  # also false for NaN and infinity
            return None
        quarters = units * 4.0
        if (np.floor(quarters) != quarters).any():
            return None
        return quarters.astype(np.int64) * 25
    if pa.types.is_decimal(kind) and sys.byteorder == "little":
        try:
            exact = pc.cast(values, pa.decimal128(38, 2))
        except pa.ArrowException:
            return None
        array = pc.fill_null(exact, pa.scalar(Decimal(0), pa.decimal128(38, 2))).combine_chunks()
        if len(array) == 0:
            return np.zeros(0, dtype=np.int64)
        # decimal128 is a 16-byte little-endian two's complement integer of cents: it fits int64
        # when the high word is the sign extension of the low word.
        words = np.frombuffer(array.buffers()[1], dtype="<i8")
        words = words[2 * array.offset : 2 * (array.offset + len(array))].reshape(-1, 2)
        low, high = words[:, 0], words[:, 1]
        if not np.array_equal(high, low >> 63):
            return None
        return low.astype(np.int64)
    return None


def _fast_cents(table: pa.Table, value_column: str, id_column: str) -> np.ndarray | None:
    """Exact cents for the fast path after the input checks, or ``None`` for the decimal path.

    Raises ``ValueError`` for missing columns and repeated ids (like the decimal path).
    """
    _check_columns(table, value_column, id_column)
    ids = table.column(id_column)
    if not _fast_ids(ids):
        return None
    if len(pc.unique(ids)) != len(ids):
        raise ValueError(f"{id_column!r} must be unique per row.")
    cents = _cents(table.column(value_column))
    if cents is None or len(cents) == 0:
        return cents
    largest = max(int(cents.max()), -int(cents.min()))
    if largest * len(cents) > _INT64_MAX:
        return None
    return cents


def _shares(cents: np.ndarray, total: int) -> np.ndarray:
    """``cents / total`` as floats, correctly rounded (as ``float(Fraction(c, total))``)."""
    if total == 0:
        return np.zeros(len(cents), dtype=np.float64)
    if total <= _FLOAT_EXACT:
        return cents.astype(np.float64) / float(total)
    # Beyond 2**53 the int64 → float conversion rounds; Python's int division does not.
    return np.array([c / total for c in cents.tolist()], dtype=np.float64)


def _thresholds(cutoffs: Sequence[Decimal], total: int) -> np.ndarray:
    """``ceil(cutoff * total)`` per cut-off, exactly: for whole cents ``before``,
    ``before < cutoff * total`` holds exactly when ``before < ceil(cutoff * total)``."""
    result = []
    for cutoff in cutoffs:
        numerator, denominator = cutoff.as_integer_ratio()
        result.append(-((-numerator * total) // denominator))
    return np.array(result, dtype=np.int64)


def _abc_fast(
    table: pa.Table,
    cents: np.ndarray,
    *,
    value_column: str,
    id_column: str,
    cutoffs: Sequence[Decimal],
    labels: Sequence[str],
) -> pa.Table:
    ids = table.column(id_column)
    n = len(cents)
    # Value descending, then id ascending: positives first, then zero (and missing), then the
    # negatives from the smallest loss, exactly the order of the decimal path.
    order = pc.sort_indices(
        pa.table({"cents": cents, "id": ids}),
        sort_keys=[("cents", "descending"), ("id", "ascending")],
    ).to_numpy()
    ordered = cents[order]
    positive = np.maximum(ordered, 0)
    cumulative = np.cumsum(positive)
    total = int(cumulative[-1]) if n else 0
    # A tie group takes rank and class from its first row.
    first = np.ones(n, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    before = (cumulative - positive)[start]
    label_index = np.searchsorted(_thresholds(cutoffs, total), before, side="right")
    label_index[ordered <= 0] = len(labels) - 1
    return pa.table(
        {
            id_column: ids.take(order),
            "value": table.column(value_column).take(order),
            "rank": pa.array(start + 1, type=pa.int64()),
            "share": pa.array(_shares(positive, total), type=pa.float64()),
            "cumulative_share": pa.array(_shares(cumulative, total), type=pa.float64()),
            "abc_class": pa.array(list(labels), type=pa.string()).take(pa.array(label_index)),
        }
    )


def _abc_decimal(
    table: pa.Table,
    *,
    value_column: str,
    id_column: str,
    cutoffs: Sequence[Decimal],
    labels: Sequence[str],
) -> pa.Table:
    rows = _ranked(table, value_column, id_column)
    total = sum((v for _, v in rows if v > 0), Decimal(0))
    value_by_id = dict(
        zip(table.column(id_column).to_pylist(), table.column(value_column).to_pylist(), strict=True)
    )

    out: dict[str, list] = {
        id_column: [],
        "value": [],
        "rank": [],
        "share": [],
        "cumulative_share": [],
        "abc_class": [],
    }
    cumulative = Decimal(0)
    previous_value: Decimal | None = None
    rank = label = None
    for position, (key, value) in enumerate(rows, start=1):
        if value != previous_value:  # a new tie group: it takes rank and class from its start
            rank = position
            if value > 0:
                label = next(
                    (lab for lab, cut in zip(labels, cutoffs, strict=False) if cumulative < cut * total),
                    labels[-1],
                )
            else:
                label = labels[-1]
            previous_value = value
        positive = max(value, Decimal(0))
        cumulative += positive
        out[id_column].append(key)
        out["value"].append(value_by_id[key])
        out["rank"].append(rank)
        out["share"].append(float(positive / total) if total else 0.0)
        out["cumulative_share"].append(float(cumulative / total) if total else 0.0)
        out["abc_class"].append(label)
    value_type = table.schema.field(value_column).type
    return pa.table(
        {
            id_column: pa.array(out[id_column], type=table.schema.field(id_column).type),
            "value": pa.array(out["value"], type=value_type),
            "rank": pa.array(out["rank"], type=pa.int64()),
            "share": pa.array(out["share"], type=pa.float64()),
            "cumulative_share": pa.array(out["cumulative_share"], type=pa.float64()),
            "abc_class": pa.array(out["abc_class"], type=pa.string()),
        }
    )


def abc_classes(
    metrics: Any,
    *,
    value_column: str | None = None,
    cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
    labels: Sequence[str] = DEFAULT_LABELS,
    id_column: str = "customer_number",
) -> pa.Table:
    """Classify customers A/B/C by their share of the total value (rules in the module docstring).

    ``metrics`` is a pyarrow Table, pandas DataFrame or Ibis table with one row per ``id_column``
    value; ``value_column`` defaults to the latest ``revenue_<year>``. Returns a pyarrow Table
    sorted by rank with ``id_column``, ``value`` (as given), ``rank``, ``share``,
    ``cumulative_share`` (floats in [0, 1]) and ``abc_class``. Raises ``ValueError`` for bad
    cut-offs or labels, missing columns, duplicate ids and non-numeric or non-finite values.
    """
    exact_cutoffs = validate_cutoffs(cutoffs, labels)
    table = _as_arrow(metrics)
    value_column = value_column or default_value_column(table.column_names)
    options = {
        "value_column": value_column,
        "id_column": id_column,
        "cutoffs": exact_cutoffs,
        "labels": labels,
    }
    cents = _fast_cents(table, value_column, id_column)
    if cents is None:
        return _abc_decimal(table, **options)
    return _abc_fast(table, cents, **options)


def _thin(xs: np.ndarray, ys: np.ndarray, max_points: int | None) -> tuple[np.ndarray, np.ndarray]:
    if max_points is not None and len(xs) > max_points:
        last = len(xs) - 1
        keep = sorted({round(k * last / (max_points - 1)) for k in range(max_points)})
        xs, ys = xs[keep], ys[keep]
    return xs, ys


def pareto_curve(
    metrics: Any,
    *,
    value_column: str | None = None,
    id_column: str = "customer_number",
    max_points: int | None = None,
) -> pa.Table:
    """Points (share of customers, share of value) of the Pareto curve, from (0, 0) to (1, 1).

    Customers are taken in ABC order (highest value first); zero/negative values add no value,
    so the curve runs flat at its end. Without positive value at all the value share stays 0
    and the curve ends at (1, 0). ``max_points`` (at least 2) thins the curve for charts,
    always keeping both endpoints. Returns a pyarrow Table with ``customer_share`` and
    ``value_share`` (floats). Raises ``ValueError`` for no customers, a bad ``max_points`` or
    the input errors of :func:`abc_classes`.
    """
    if max_points is not None and max_points < 2:
        raise ValueError("max_points must be at least 2.")
    table = _as_arrow(metrics)
    if table.num_rows == 0:
        raise ValueError("A Pareto curve needs at least one customer.")
    value_column = value_column or default_value_column(table.column_names)
    cents = _fast_cents(table, value_column, id_column)
    if cents is not None:
        # Only the positive values move the curve, and the order within ties does not.
        positive = np.sort(cents[cents > 0])[::-1]
        n = len(cents)
        cumulative = np.zeros(n, dtype=np.int64)
        cumulative[: len(positive)] = np.cumsum(positive)
        cumulative[len(positive) :] = cumulative[len(positive) - 1] if len(positive) else 0
        total = int(cumulative[-1])
        xs = np.concatenate([[0.0], np.arange(1, n + 1, dtype=np.float64) / n])
        ys = np.concatenate([[0.0], _shares(cumulative, total)])
    else:
        rows = _ranked(table, value_column, id_column)
        total = sum((v for _, v in rows if v > 0), Decimal(0))
        n = len(rows)
        xs, ys = [0.0], [0.0]
        cumulative = Decimal(0)
        for i, (_, value) in enumerate(rows, start=1):
            cumulative += max(value, Decimal(0))
            xs.append(i / n)
            ys.append(float(cumulative / total) if total else 0.0)
        xs, ys = np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)
    xs, ys = _thin(xs, ys, max_points)
    return pa.table({"customer_share": pa.array(xs, pa.float64()), "value_share": pa.array(ys, pa.float64())})

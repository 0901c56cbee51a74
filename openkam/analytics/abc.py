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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pyarrow as pa

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


def _ranked(table: pa.Table, value_column: str, id_column: str) -> list[tuple[Any, Decimal]]:
    for column in (value_column, id_column):
        if column not in table.column_names:
            raise ValueError(f"Column {column!r} is missing; there are {table.column_names}.")
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
                    (
                        lab
                        for lab, cut in zip(labels, exact_cutoffs, strict=False)
                        if cumulative < cut * total
                    ),
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
    rows = _ranked(table, value_column, id_column)
    total = sum((v for _, v in rows if v > 0), Decimal(0))
    n = len(rows)
    xs, ys = [0.0], [0.0]
    cumulative = Decimal(0)
    for i, (_, value) in enumerate(rows, start=1):
        cumulative += max(value, Decimal(0))
        xs.append(i / n)
        ys.append(float(cumulative / total) if total else 0.0)
    if max_points is not None and len(xs) > max_points:
        last = len(xs) - 1
        keep = sorted({round(k * last / (max_points - 1)) for k in range(max_points)})
        xs, ys = [xs[k] for k in keep], [ys[k] for k in keep]
    return pa.table({"customer_share": pa.array(xs, pa.float64()), "value_share": pa.array(ys, pa.float64())})

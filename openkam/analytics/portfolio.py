"""The portfolio matrix: customer attractiveness × our position, four quadrants, bubble = size.

Both axes are scores (0..100) of two scoring models from
:func:`openkam.analytics.scoring.score_customers`: one whose criteria say how attractive the
customer is to us (potential, growth, fit), one whose criteria say how strong our position with
the customer is (share of wallet, relationship, breadth of what they buy).

Boundary rule: a score *at* the threshold counts as high (attractiveness) or strong (position);
scores are compared after rounding to 9 decimals, like the ranking, so a score that is 50 in
exact arithmetic is 50 here. With the default threshold 50: attractiveness 50, position 49.9
is "develop"; 49.9 and 50 is "maintain".

This module imports ``gettext_lazy`` from Django for the quadrant labels and strategies (lazy:
nothing is translated until shown); it touches no models or settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .scoring import RANK_DECIMALS, as_arrow, is_finite_number, unique_ids

__all__ = ["QUADRANTS", "Quadrant", "check_threshold", "portfolio_positions", "quadrant_for"]


@dataclass(frozen=True)
class Quadrant:
    """One field of the portfolio matrix with its standard strategy."""

    key: str
    label: str | Promise
    strategy: str | Promise
    high_attractiveness: bool
    strong_position: bool


#: The four quadrants by stable key, in display order (these keys are stored and exported).
QUADRANTS: dict[str, Quadrant] = {
    quadrant.key: quadrant
    for quadrant in (
        Quadrant(
            "invest",
            _("Invest"),
            _(
                "Attractive customer, strong position: invest to grow and defend it — a key account "
                "with a full account plan and team."
            ),
            high_attractiveness=True,
            strong_position=True,
        ),
        Quadrant(
            "develop",
            _("Develop"),
            _(
                "Attractive customer, weak position: build our position selectively where we can "
                "win — a candidate for an emerging key account."
            ),
            high_attractiveness=True,
            strong_position=False,
        ),
        Quadrant(
            "maintain",
            _("Maintain"),
            _(
                "Less attractive customer, strong position: secure the business efficiently and "
                "keep the relationship without extra investment."
            ),
            high_attractiveness=False,
            strong_position=True,
        ),
        Quadrant(
            "efficient",
            _("Serve efficiently"),
            _(
                "Less attractive customer, weak position: standard service through efficient "
                "channels, no key-account investment."
            ),
            high_attractiveness=False,
            strong_position=False,
        ),
    )
}


def quadrant_for(
    attractiveness: float,
    position: float,
    *,
    threshold: float = 50.0,
    position_threshold: float | None = None,
) -> str:
    """The quadrant key for one pair of scores (same boundary rule as :func:`portfolio_positions`)."""
    high = np.round(attractiveness, RANK_DECIMALS) >= threshold
    strong = np.round(position, RANK_DECIMALS) >= (
        threshold if position_threshold is None else position_threshold
    )
    return _KEY_BY_SIDE[(bool(high), bool(strong))]


_KEY_BY_SIDE = {(q.high_attractiveness, q.strong_position): q.key for q in QUADRANTS.values()}


def check_threshold(name: str, value: Any) -> float:
    """``value`` as a float; raises ``ValueError`` unless it is a number strictly between 0 and 100."""
    if not is_finite_number(value) or not 0 < value < 100:
        raise ValueError(f"{name} must be a number between 0 and 100 (exclusive), got {value!r}.")
    return float(value)


def _scores(table: Any, name: str, id_column: str) -> pa.Table:
    table = as_arrow(table)
    for column in (id_column, "score"):
        if column not in table.column_names:
            raise ValueError(f"The {name} table lacks the column {column!r} (a score_customers result).")
    ids = table.column(id_column)
    if ids.null_count or not unique_ids(ids):
        raise ValueError(f"The {name} table must have one row per {id_column}.")
    return table.select([id_column, "score"]).rename_columns([id_column, name])


def _size(size: Any, id_column: str, size_column: str | None) -> pa.Table:
    table = as_arrow(size)
    if id_column not in table.column_names:
        raise ValueError(f"The size table lacks the column {id_column!r}.")
    if size_column is None:
        others = [c for c in table.column_names if c != id_column]
        if "size" in others:
            size_column = "size"
        elif len(others) == 1:
            size_column = others[0]
        else:
            raise ValueError("Name the size column (size_column=...): the size table has several.")
    if size_column not in table.column_names:
        raise ValueError(f"The size table lacks the column {size_column!r}.")
    kind = table.schema.field(size_column).type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)):
        raise ValueError(f"The size column {size_column!r} must be numeric, not {kind}.")
    ids = table.column(id_column)
    if ids.null_count or not unique_ids(ids):
        raise ValueError(f"The size table must have one row per {id_column}.")
    values = pc.cast(table.column(size_column), pa.float64())
    return pa.table({id_column: ids, "size": values})


def _same_ids(left: pa.ChunkedArray, right: pa.ChunkedArray) -> bool:
    """Whether two columns of unique ids hold the same set of ids."""
    if len(left) != len(right):
        return False
    found = pc.is_in(left, value_set=right.combine_chunks())
    return pc.sum(found.cast(pa.int64())).as_py() in (len(left), None)


def portfolio_positions(
    attractiveness: Any,
    position: Any,
    *,
    size: Any = None,
    size_column: str | None = None,
    threshold: float = 50.0,
    position_threshold: float | None = None,
    id_column: str = "customer_number",
) -> pa.Table:
    """Place every customer in the portfolio matrix.

    ``attractiveness`` and ``position`` are :func:`~openkam.analytics.scoring.score_customers`
    results (only ``id_column`` and ``score`` are used) for the same customers. ``size`` is an
    optional table with ``id_column`` and a numeric value (``size_column``; default: a column
    named ``size``, else the only other column), for example revenue; it is converted to float
    for the bubble, and customers it lacks get a null size. ``threshold`` splits attractiveness
    and, unless ``position_threshold`` is given, position too (boundary rule: see the module
    docstring).

    Returns a pyarrow Table with ``id_column``, ``attractiveness``, ``position`` (floats),
    ``size`` (float or null) and ``quadrant`` (a key of :data:`QUADRANTS`), sorted by
    attractiveness (highest first), then position (highest first), then id. Raises
    ``ValueError`` for thresholds outside (0, 100), missing columns, repeated ids, a
    non-numeric size, or score tables that do not hold the same customers.
    """
    threshold = check_threshold("threshold", threshold)
    position_threshold = (
        threshold if position_threshold is None else check_threshold("position_threshold", position_threshold)
    )
    left = _scores(attractiveness, "attractiveness", id_column)
    right = _scores(position, "position", id_column)
    if not _same_ids(left.column(id_column), right.column(id_column)):
        raise ValueError("The attractiveness and position scores must cover the same customers.")
    table = left.join(right, id_column, join_type="inner")
    if size is not None:
        table = table.join(_size(size, id_column, size_column), id_column, join_type="left outer")
    else:
        table = table.append_column("size", pa.nulls(table.num_rows, pa.float64()))

    attr = np.round(table.column("attractiveness").to_numpy(), RANK_DECIMALS)
    pos = np.round(table.column("position").to_numpy(), RANK_DECIMALS)
    high = attr >= threshold
    strong = pos >= position_threshold
    keys = np.array(
        [
            [_KEY_BY_SIDE[(False, False)], _KEY_BY_SIDE[(False, True)]],
            [_KEY_BY_SIDE[(True, False)], _KEY_BY_SIDE[(True, True)]],
        ],
        dtype=object,
    )
    quadrant = pa.array(keys[high.astype(int), strong.astype(int)], type=pa.string())
    result = pa.table(
        {
            id_column: table.column(id_column),
            "attractiveness": table.column("attractiveness"),
            "position": table.column("position"),
            "size": table.column("size"),
            "quadrant": quadrant,
        }
    )
    order = pc.sort_indices(
        result,
        sort_keys=[("attractiveness", "descending"), ("position", "descending"), (id_column, "ascending")],
    )
    return result.take(order)

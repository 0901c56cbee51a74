"""The whole key-account selection in one call: metrics, ABC, scoring, portfolio and whitespace.

Used by the web app's selection jobs and by the selection benchmark. The ledger is read by the
backend exactly twice: one query for the per-customer metrics
(:func:`openkam.analytics.metrics.customer_metrics`) and one for the whitespace of the top
candidates (:func:`openkam.analytics.whitespace.whitespace_matrix`), plus one small query for
the years with data when ``fiscal_years`` is not given. Everything in between works on the
small per-customer Arrow table in memory.

Candidates are the customers with at least one ledger line up to ``as_of`` (the rows of the
metrics). Manual ratings are joined to them; a customer with ratings but no ledger line is not
a candidate. A criterion key names a metrics column (see :data:`METRIC_CRITERIA` and the
per-year ``revenue_<year>``/``margin_<year>`` columns) or a ratings column.

This module imports ``gettext_lazy``/``format_lazy`` from Django for the criterion labels
(lazy: nothing is translated until shown); it touches no models or settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from numbers import Integral
from typing import Any, Literal

import ibis
import pyarrow as pa
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .abc import DEFAULT_CUTOFFS, DEFAULT_LABELS, abc_classes, validate_cutoffs
from .metrics import customer_metrics, customer_metrics_expr, ledger_years, margin_column, revenue_column
from .portfolio import check_threshold, portfolio_positions
from .scoring import CriterionSpec, as_arrow, check_criteria, score_customers, unique_ids
from .whitespace import whitespace_matrix

__all__ = [
    "ID_COLUMN",
    "METRIC_CRITERIA",
    "MetricCriterion",
    "Selection",
    "metric_criteria",
    "run_selection",
]

ID_COLUMN = "customer_number"


@dataclass(frozen=True)
class MetricCriterion:
    """A ledger metric an administrator may use as a scoring criterion."""

    key: str
    label: str | Promise
    direction: Literal["higher", "lower"] = "higher"


#: The metric criteria offered to administrators, by key, with the usual direction (a higher
#: value is better unless "lower"). Per-year columns come from :func:`metric_criteria`.
METRIC_CRITERIA: dict[str, MetricCriterion] = {
    c.key: c
    for c in (
        MetricCriterion("revenue", _("Revenue in the period")),
        MetricCriterion("margin", _("Contribution margin in the period")),
        MetricCriterion("growth", _("Revenue growth over the previous fiscal year")),
        MetricCriterion("orders", _("Number of orders")),
        MetricCriterion("order_value", _("Value of the orders")),
        MetricCriterion("avg_order_value", _("Average order value")),
        MetricCriterion("product_groups", _("Product groups bought (cross-selling breadth)")),
        MetricCriterion("business_units", _("Business units bought from")),
        MetricCriterion("recency_days", _("Days since the last order"), direction="lower"),
    )
}


def metric_criteria(fiscal_years: Sequence[int] = ()) -> list[MetricCriterion]:
    """:data:`METRIC_CRITERIA` plus revenue and margin of each fiscal year (latest first)."""
    per_year = []
    for year in sorted(set(fiscal_years), reverse=True):
        per_year.append(MetricCriterion(revenue_column(year), format_lazy(_("Revenue {year}"), year=year)))
        per_year.append(
            MetricCriterion(margin_column(year), format_lazy(_("Contribution margin {year}"), year=year))
        )
    return [*METRIC_CRITERIA.values(), *per_year]


@dataclass(frozen=True)
class Selection:
    """The results of one selection run; every table is a ``pyarrow.Table``.

    - ``metrics``: one row per candidate, the metrics followed by the ratings columns (null
      where a candidate has no rating), sorted by ``customer_number``;
    - ``abc``: :func:`~openkam.analytics.abc.abc_classes` on ``abc_value``;
    - ``scores``: the ranking model's :func:`~openkam.analytics.scoring.score_customers`;
    - ``attractiveness_scores``/``position_scores``: the two portfolio models' scores;
    - ``portfolio``: :func:`~openkam.analytics.portfolio.portfolio_positions`, size = revenue;
    - ``whitespace``: :func:`~openkam.analytics.whitespace.whitespace_matrix` of the
      ``whitespace_top`` best-ranked candidates, in rank order.
    """

    as_of: date
    fiscal_years: tuple[int, ...]
    metrics: pa.Table
    abc: pa.Table
    scores: pa.Table
    portfolio: pa.Table
    whitespace: pa.Table
    attractiveness_scores: pa.Table
    position_scores: pa.Table


def _ratings(ratings: Any, metric_columns: Sequence[str]) -> pa.Table | None:
    if ratings is None:
        return None
    table = as_arrow(ratings)
    if ID_COLUMN not in table.column_names:
        raise ValueError(f"The ratings need a {ID_COLUMN!r} column.")
    clashes = [c for c in table.column_names if c != ID_COLUMN and c in metric_columns]
    if clashes:
        raise ValueError(f"Ratings columns must not repeat metric names: {', '.join(clashes)}.")
    ids = table.column(ID_COLUMN)
    if ids.null_count or not unique_ids(ids):
        raise ValueError(f"The ratings must have one row per {ID_COLUMN}.")
    return table


def _check_keys(models: dict[str, Sequence[CriterionSpec]], available: Sequence[str]) -> None:
    offered = [c for c in available if c != ID_COLUMN]
    for name, criteria in models.items():
        for criterion in check_criteria(criteria):
            if criterion.key not in offered:
                raise ValueError(
                    f"Unknown criterion {criterion.key!r} in the {name} model; available: {', '.join(offered)}."
                )


def _with_ratings(metrics: pa.Table, ratings: pa.Table | None) -> pa.Table:
    if ratings is None or ratings.num_columns == 1:
        return metrics
    id_type = metrics.schema.field(ID_COLUMN).type
    ratings = ratings.set_column(
        ratings.column_names.index(ID_COLUMN), ID_COLUMN, ratings.column(ID_COLUMN).cast(id_type)
    )
    joined = metrics.join(ratings, ID_COLUMN, join_type="left outer")
    # Arrow's hash join does not keep the row order; restore the metrics' order and columns.
    joined = joined.sort_by([(ID_COLUMN, "ascending")])
    return joined.select([*metrics.column_names, *(c for c in ratings.column_names if c != ID_COLUMN)])


def run_selection(
    ledger: ibis.Table,
    *,
    as_of: date,
    fiscal_years: Sequence[int] | None = None,
    period_start: date | None = None,
    ratings: Any = None,
    ranking: Sequence[CriterionSpec],
    attractiveness: Sequence[CriterionSpec],
    position: Sequence[CriterionSpec],
    abc_value: str = "revenue",
    abc_cutoffs: Sequence[float] = DEFAULT_CUTOFFS,
    threshold: float = 50.0,
    whitespace_top: int = 200,
) -> Selection:
    """Run metrics, ABC, the three scoring models, the portfolio and the whitespace pivot.

    ``ledger`` is an Ibis table of ledger lines (DuckDB, PostgreSQL or Spark). ``fiscal_years``
    defaults to every year with data up to ``as_of``; ``period_start`` bounds the period metrics
    and the whitespace (see :mod:`openkam.analytics.metrics`). ``ratings`` is an optional table
    (pyarrow, pandas) with ``customer_number`` and one column per manual criterion.
    ``ranking`` ranks the candidates; ``attractiveness`` and ``position`` are the two axes of
    the portfolio, split at ``threshold``. ``whitespace_top`` (0 for none) best-ranked
    candidates get a whitespace row.

    All criteria and parameters are validated before the ledger is read. Raises ``ValueError``
    for an unknown criterion key (naming the available keys), ratings without one row per
    customer or with a metric's name, a bad ``abc_value``/``abc_cutoffs``/``threshold``/
    ``whitespace_top``, and the errors of the functions it calls.
    """
    if not isinstance(whitespace_top, Integral) or isinstance(whitespace_top, bool) or whitespace_top < 0:
        raise ValueError(f"whitespace_top must be a whole number of at least 0, got {whitespace_top!r}.")
    if fiscal_years is None:
        fiscal_years = ledger_years(ledger, as_of=as_of) or [as_of.year]
    years = sorted(set(fiscal_years))
    # The metrics' column names are known before anything runs: check the models against them.
    metric_columns = customer_metrics_expr(ledger, as_of=as_of, fiscal_years=years or [as_of.year]).columns
    ratings_table = _ratings(ratings, metric_columns)
    available = [*metric_columns, *(ratings_table.column_names if ratings_table is not None else [])]
    _check_keys({"ranking": ranking, "attractiveness": attractiveness, "position": position}, available)
    if abc_value not in metric_columns or abc_value == ID_COLUMN:
        raise ValueError(
            f"abc_value {abc_value!r} is not a metric; available: {', '.join(metric_columns[1:])}."
        )
    check_threshold("threshold", threshold)
    validate_cutoffs(abc_cutoffs, DEFAULT_LABELS)

    metrics = customer_metrics(ledger, as_of=as_of, fiscal_years=years, period_start=period_start)
    candidates = _with_ratings(metrics, ratings_table)
    abc = abc_classes(metrics, value_column=abc_value, cutoffs=abc_cutoffs)
    scores = score_customers(candidates, ranking)
    attractiveness_scores = score_customers(candidates, attractiveness)
    position_scores = score_customers(candidates, position)
    portfolio = portfolio_positions(
        attractiveness_scores,
        position_scores,
        size=metrics.select([ID_COLUMN, "revenue"]),
        threshold=threshold,
    )
    top = scores.column(ID_COLUMN).slice(0, whitespace_top).to_pylist()
    whitespace = whitespace_matrix(ledger, top, as_of=as_of, period_start=period_start)
    return Selection(
        as_of=as_of,
        fiscal_years=tuple(years),
        metrics=candidates,
        abc=abc,
        scores=scores,
        portfolio=portfolio,
        whitespace=whitespace,
        attractiveness_scores=attractiveness_scores,
        position_scores=position_scores,
    )

"""The charts of a selection run, built for one viewer: data scoped like the pages.

People who see only their own customers get the portfolio matrix and the contribution bars of
those customers and no Pareto curve (a curve of the whole base would show everyone else).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from openkam.analytics import charts
from openkam.analytics.scoring import CriterionSpec

from .choices import AbcValue
from .models import SelectionRun
from .permissions import sees_whole_base
from .selectors import AbcView, abc_view, model_columns, results_for_list

NAMES = ("pareto", "matrix", "contributions")
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
# An interactive chart with tens of thousands of bubbles helps nobody and slows the page down.
MATRIX_POINTS = 300
CONTRIBUTION_BARS = 20


def pareto(user, run: SelectionRun, *, language: str, view: AbcView | None = None):
    """The Pareto curve with the ABC cut-offs; Http404 for people who see only their customers."""
    if not sees_whole_base(user):
        raise Http404
    view = view or abc_view(user, run)
    label = _("Share of contribution margin") if view.value == AbcValue.MARGIN else _("Share of revenue")
    return charts.pareto_chart(view.curve, language=language, cutoffs=view.cutoffs, value_label=label)


def matrix_rows(user, run: SelectionRun, limit: int = MATRIX_POINTS) -> list:
    """The visible results placed in the matrix, largest revenue first."""
    return list(
        results_for_list(user, run).exclude(quadrant="").order_by("-revenue", "customer_number")[:limit]
    )


def matrix(user, run: SelectionRun, *, language: str, rows: list | None = None):
    rows = matrix_rows(user, run) if rows is None else rows
    points = [
        {
            "customer_number": r.customer_number,
            "name": r.customer.name,
            "attractiveness": r.attractiveness,
            "position": r.position,
            "size": r.revenue,
            "quadrant": r.quadrant,
        }
        for r in rows
    ]
    urls = {r.customer_number: reverse("sales:detail", args=[r.customer_id]) for r in rows}
    return charts.portfolio_chart(
        points, language=language, threshold=float(run.snapshot.get("threshold", 50)), href=urls.get
    )


def contributions(user, run: SelectionRun, *, language: str, rows: list | None = None):
    """Stacked points per criterion of the best-ranked visible candidates."""
    columns = model_columns(run)
    rows = list(results_for_list(user, run)[:CONTRIBUTION_BARS]) if rows is None else rows[:CONTRIBUTION_BARS]
    specs = [CriterionSpec(key=c.key, weight=c.weight) for c in columns]
    data = []
    for r in rows:
        item = {"customer_number": r.customer_number, "name": r.customer.name, "rank": r.rank}
        for c in columns:
            points = float((r.contributions or {}).get(c.key) or 0.0)
            item[f"contrib_{c.key}"] = points
            # The stored points are 100 × weight share × normalised value.
            item[f"norm_{c.key}"] = points / (100 * c.share) if c.share else None
        data.append(item)
    return charts.contributions_chart(
        data, specs, top=CONTRIBUTION_BARS, language=language, labels={c.key: c.label for c in columns}
    )


def build(name: str, user, run: SelectionRun, *, language: str):
    """One chart of the run by name; Http404 for an unknown name or a chart the viewer may not see."""
    if name == "pareto":
        return pareto(user, run, language=language)
    if name == "matrix":
        return matrix(user, run, language=language)
    if name == "contributions":
        return contributions(user, run, language=language)
    raise Http404


def spec(chart, language: str) -> dict:
    return charts.chart_spec(chart, language=language)


def image(chart, fmt: str, language: str) -> bytes:
    return charts.render(chart, fmt, language=language)

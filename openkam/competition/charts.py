"""The importance–performance grid of an account's customer requirements: classification and chart.

Each requirement is a point: our performance on the x axis, its importance to the customer on
the y axis, both on the 1–5 scale. The middle of the scale (3) splits the grid into the four
quadrants of the classic importance–performance analysis:

- high importance, low performance: **concentrate here**;
- high importance, high performance: **keep up the good work**;
- low importance, low performance: **low priority**;
- low importance, high performance: **possible overkill**.

A rating on a middle line counts to the side that asks for attention: importance 3 is
important, performance 3 is not yet strong. So a requirement rated 3/3 lands in "concentrate
here" rather than being waved through as good enough.

The competitor's rating of the same requirement is drawn as a hollow diamond on the same row,
joined to our point by a line: its length is the gap (ours − theirs; positive = we are ahead).

This module takes plain values and returns a chart (Altair / Vega-Lite) for
``openkam.analytics.charts.chart_spec`` (the page) and ``render`` (SVG/PNG). It uses no Django
part except translation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import altair as alt
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .choices import MIDPOINT, SCALE_MAX, SCALE_MIN

__all__ = ["QUADRANTS", "GridPoint", "Quadrant", "classify", "grid_points", "importance_performance_chart"]


@dataclass(frozen=True)
class Quadrant:
    key: str
    label: Promise
    advice: Promise
    colour: str


#: The four quadrants, in reading order of the grid (top left, top right, bottom left, bottom
#: right). Colours from the Okabe-Ito palette, distinguishable with colour-vision deficiencies.
QUADRANTS: dict[str, Quadrant] = {
    q.key: q
    for q in (
        Quadrant(
            "concentrate",
            _("Concentrate here"),
            _("Important to the customer, and we do not perform well enough yet: improve here first."),
            "#D55E00",
        ),
        Quadrant(
            "keep_up",
            _("Keep up the good work"),
            _("Important to the customer, and we perform well: hold the level and make it visible."),
            "#009E73",
        ),
        Quadrant(
            "low_priority",
            _("Low priority"),
            _("Matters little to the customer, and we perform modestly: no need to invest now."),
            "#999999",
        ),
        Quadrant(
            "overkill",
            _("Possible overkill"),
            _("Matters little to the customer, yet we perform very well: effort that may pay off elsewhere."),
            "#0072B2",
        ),
    )
}

_COMPETITOR_COLOUR = "#52606d"
_WIDTH = 520
_HEIGHT = 420
# Requirements of equal importance are spread over at most this part of their row, so their
# points and gap lines do not hide each other.
_ROW_SPREAD = 0.7
_ROW_STEP = 0.15


def _rating(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX:
        raise ValueError(f"{what} must be a whole number from {SCALE_MIN} to {SCALE_MAX}, got {value!r}.")
    return value


def classify(importance: int, performance: int, *, midpoint: int = MIDPOINT) -> str:
    """The quadrant key of a requirement: ``concentrate``, ``keep_up``, ``low_priority`` or
    ``overkill``.

    Importance at or above ``midpoint`` is high; performance above it is high (see the module
    docstring for why the middle counts this way). Raises ``ValueError`` for ratings off the
    1–5 scale.
    """
    important = _rating(importance, "importance") >= midpoint
    strong = _rating(performance, "performance") > midpoint
    if important:
        return "keep_up" if strong else "concentrate"
    return "overkill" if strong else "low_priority"


@dataclass(frozen=True)
class GridPoint:
    """One requirement in the grid; ``number`` links the point to its row in the table."""

    number: int
    requirement: str
    importance: int
    ours: int
    competitor: str | None = None
    theirs: int | None = None

    def __post_init__(self):
        _rating(self.importance, "importance")
        _rating(self.ours, "our performance")
        if self.theirs is not None:
            _rating(self.theirs, "the competitor's performance")

    @property
    def quadrant(self) -> str:
        return classify(self.importance, self.ours)

    @property
    def gap(self) -> int | None:
        """Our performance minus the competitor's: positive where we are ahead, None if unrated."""
        return None if self.theirs is None else self.ours - self.theirs


def grid_points(rows: Iterable[dict]) -> list[GridPoint]:
    """Number rows (dicts with ``requirement``, ``importance``, ``ours`` and optionally
    ``competitor`` and ``theirs``) from 1 in the order given."""
    return [
        GridPoint(
            number=number,
            requirement=row["requirement"],
            importance=row["importance"],
            ours=row["ours"],
            competitor=row.get("competitor"),
            theirs=row.get("theirs"),
        )
        for number, row in enumerate(rows, start=1)
    ]


def _row_offsets(points: Sequence[GridPoint]) -> dict[int, float]:
    """A vertical offset per point number, centred on its importance row."""
    rows: dict[int, list[int]] = defaultdict(list)
    for point in points:
        rows[point.importance].append(point.number)
    offsets = {}
    for numbers in rows.values():
        count = len(numbers)
        step = min(_ROW_STEP, _ROW_SPREAD / (count - 1)) if count > 1 else 0.0
        for index, number in enumerate(numbers):
            offsets[number] = (index - (count - 1) / 2) * step
    return offsets


def importance_performance_chart(
    points: Sequence[GridPoint], *, language: str, midpoint: int = MIDPOINT, title: str | None = None
) -> alt.LayerChart:
    """The grid chart of ``points``: quadrant lines and names, our points coloured by quadrant
    and numbered, the competitor's rating as a hollow diamond joined to ours by the gap line.

    Titles and labels are translated into ``language`` ("de" or "en"); pass the result to
    ``openkam.analytics.charts.chart_spec`` or ``render``.
    """
    with override(language):
        labels = {key: str(q.label) for key, q in QUADRANTS.items()}
        x_title = str(_("Our performance"))
        y_title = str(_("Importance to the customer"))
        requirement_title = str(_("Requirement"))
        competitor_title = str(_("Competitor"))
        theirs_title = str(_("Competitor's performance"))
        gap_title = str(_("Gap to the competitor"))
        quadrant_title = str(_("Quadrant"))
        number_title = str(_("No."))
        competitor_series = str(_("Competitor's performance"))
        main_competitor = str(_("Main competitor"))
    offsets = _row_offsets(points)
    data = []
    for point in points:
        data.append(
            {
                "number": point.number,
                "label": str(point.number),
                "requirement": point.requirement,
                "importance": point.importance,
                "y": point.importance + offsets[point.number],
                "ours": point.ours,
                "theirs": point.theirs,
                "competitor": point.competitor or main_competitor,
                "gap": point.gap,
                "quadrant": labels[point.quadrant],
                "who": competitor_series,
            }
        )
    compared = [row for row in data if row["theirs"] is not None]
    scale = alt.Scale(domain=[SCALE_MIN - 0.5, SCALE_MAX + 0.5], nice=False, zero=False)
    x_axis = alt.Axis(values=list(range(SCALE_MIN, SCALE_MAX + 1)), format="d", grid=False)
    y_axis = alt.Axis(values=list(range(SCALE_MIN, SCALE_MAX + 1)), format="d", grid=False)
    tooltip = [
        alt.Tooltip("number:Q", title=number_title),
        alt.Tooltip("requirement:N", title=requirement_title),
        alt.Tooltip("importance:Q", title=y_title),
        alt.Tooltip("ours:Q", title=x_title),
        alt.Tooltip("competitor:N", title=competitor_title),
        alt.Tooltip("theirs:Q", title=theirs_title),
        alt.Tooltip("gap:Q", title=gap_title, format="+d"),
        alt.Tooltip("quadrant:N", title=quadrant_title),
    ]

    def layer(values):
        return alt.Chart(alt.InlineData(values=values))

    middle = [{"m": float(midpoint)}]
    # The middle lines always exist, so they carry the axes: the grid reads the same without points.
    vertical = (
        layer(middle)
        .mark_rule(strokeDash=[4, 4], color="#7b8794")
        .encode(x=alt.X("m:Q", title=x_title, scale=scale, axis=x_axis))
    )
    horizontal = (
        layer(middle)
        .mark_rule(strokeDash=[4, 4], color="#7b8794")
        .encode(y=alt.Y("m:Q", title=y_title, scale=scale, axis=y_axis))
    )
    low, high = SCALE_MIN - 0.45, SCALE_MAX + 0.45
    corners = [
        ("concentrate", low, high, "left", "top"),
        ("keep_up", high, high, "right", "top"),
        ("low_priority", low, low, "left", "bottom"),
        ("overkill", high, low, "right", "bottom"),
    ]
    names = [
        layer([{"text": labels[key], "x": x, "y": y}])
        .mark_text(align=align, baseline=baseline, fontSize=11, fontWeight="bold", color="#52606d")
        .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="text:N")
        for key, x, y, align, baseline in corners
    ]
    gaps = (
        layer(compared)
        .mark_rule(color=_COMPETITOR_COLOUR, strokeWidth=1.5, opacity=0.7)
        .encode(x=alt.X("theirs:Q", scale=scale), x2="ours:Q", y=alt.Y("y:Q", scale=scale), tooltip=tooltip)
    )
    theirs = (
        layer(compared)
        .mark_point(filled=False, size=90, strokeWidth=1.5, color=_COMPETITOR_COLOUR)
        .encode(
            x=alt.X("theirs:Q", scale=scale),
            y=alt.Y("y:Q", scale=scale),
            shape=alt.Shape(
                "who:N",
                title=None,
                scale=alt.Scale(domain=[competitor_series], range=["diamond"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=tooltip,
        )
    )
    ours = (
        layer(data)
        .mark_circle(size=150, opacity=0.9, stroke="#ffffff", strokeWidth=0.5)
        .encode(
            x=alt.X("ours:Q", scale=scale),
            y=alt.Y("y:Q", scale=scale),
            color=alt.Color(
                "quadrant:N",
                title=quadrant_title,
                scale=alt.Scale(domain=list(labels.values()), range=[q.colour for q in QUADRANTS.values()]),
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            tooltip=tooltip,
        )
    )
    numbers = (
        layer(data)
        .mark_text(align="left", dx=9, dy=-7, fontSize=11, color="#1f2933")
        .encode(x=alt.X("ours:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="label:N")
    )
    layers = [vertical, horizontal, *names]
    # Layers without data are left out: an empty interactive mark container has no accessible
    # name, which screen readers (and axe) report.
    if compared:
        layers += [gaps, theirs]
    if data:
        layers += [ours, numbers]
    chart = alt.layer(*layers).properties(
        width=_WIDTH, height=_HEIGHT, usermeta={"openkam": {"language": language}}
    )
    if title:
        chart = chart.properties(title=title)
    return (
        chart.resolve_scale(color="independent", shape="independent")
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=12)
    )

"""Charts of the selection as Vega-Lite specs (Altair), for the page and as SVG/PNG for exports.

One spec serves both uses: :func:`chart_spec` gives the JSON the page renders with the
vega-embed bundle (``openkam/core/static/openkam/charts.js``), :func:`render` the static image
through vl-convert, offline (external data URLs are refused).

Language: every builder takes ``language`` (``"de"`` or ``"en"``) and translates its titles and
labels (``gettext_lazy`` strings) under ``django.utils.translation.override(language)`` while it
builds, so the spec holds plain strings. Numbers are formatted by the d3 locale of the language
(German: ``1.234,5``; English: ``1,234.5``): :func:`render` passes it to vl-convert, and
:func:`chart_spec` puts it into ``usermeta.embedOptions``, which vega-embed applies in the page.
Data values are plain floats and strings (money as float: a chart needs no exact cents).

This module imports ``django.utils.translation`` (and no other Django part).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

import altair as alt
import vl_convert as vlc
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .portfolio import QUADRANTS
from .scoring import CriterionSpec, as_arrow
from .selection import METRIC_CRITERIA

__all__ = [
    "QUADRANT_COLOURS",
    "chart_spec",
    "contributions_chart",
    "format_locale",
    "pareto_chart",
    "portfolio_chart",
    "render",
]

#: The Vega-Lite version the specs are written for and rendered with: Altair's, if vl-convert
#: ships it, else vl-convert's latest (None).
VL_VERSION: str | None = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
if VL_VERSION not in vlc.get_vegalite_versions():
    VL_VERSION = None
#: Colour per quadrant key: the Okabe-Ito palette, distinguishable with colour-vision deficiencies.
QUADRANT_COLOURS = {"invest": "#009E73", "develop": "#0072B2", "maintain": "#E69F00", "efficient": "#999999"}
# Criterion colours, in model order (Okabe-Ito first, then Tableau).
_CRITERION_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
]
_USERMETA = "openkam"
_WIDTH = 560
_HEIGHT = 380


def format_locale(language: str) -> str:
    """The d3 number/time locale name for a language code: ``de-DE`` for German, else ``en-US``."""
    return "de-DE" if str(language).lower().split("-")[0].split("_")[0] == "de" else "en-US"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value) if isinstance(value, Decimal | int | float) else None
    return number if number is not None and math.isfinite(number) else None


def _rows(table: Any) -> list[dict[str, Any]]:
    if isinstance(table, list):
        return [dict(row) for row in table]
    return as_arrow(table).to_pylist()


def _chart(data: list[dict[str, Any]], language: str) -> alt.Chart:
    return alt.Chart(alt.InlineData(values=data))


def _finish(chart: alt.TopLevelMixin, language: str, title: str | None = None) -> alt.TopLevelMixin:
    chart = chart.properties(usermeta={_USERMETA: {"language": language}})
    if title:
        chart = chart.properties(title=title)
    return chart.configure_view(stroke=None).configure_axis(labelFontSize=11, titleFontSize=12)


def pareto_chart(
    curve: Any,
    *,
    language: str,
    cutoffs: Sequence[float] = (0.8, 0.95),
    value_label: str | None = None,
    title: str | None = None,
) -> alt.TopLevelMixin:
    """The Pareto curve of :func:`openkam.analytics.abc.pareto_curve` (share of customers ×
    share of value, both in percent), with a dashed line at each ABC cut-off.

    ``value_label`` names the value on the y axis (translated by the caller; default "Share of
    value"). Raises ``ValueError`` when the curve lacks its two columns.
    """
    rows = _rows(curve)
    if rows and not {"customer_share", "value_share"} <= rows[0].keys():
        raise ValueError("The curve needs customer_share and value_share (see pareto_curve).")
    with override(language):
        x_title = str(_("Share of customers"))
        y_title = str(value_label or _("Share of value"))
        cutoff_title = str(_("Cut-off"))
    data = [
        {"customer_share": _number(r["customer_share"]), "value_share": _number(r["value_share"])}
        for r in rows
    ]
    line = (
        _chart(data, language)
        .mark_line(color="#0072B2")
        .encode(
            x=alt.X(
                "customer_share:Q", title=x_title, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])
            ),
            y=alt.Y(
                "value_share:Q", title=y_title, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])
            ),
            tooltip=[
                alt.Tooltip("customer_share:Q", title=x_title, format=".1%"),
                alt.Tooltip("value_share:Q", title=y_title, format=".1%"),
            ],
        )
    )
    layers: list[alt.Chart] = [line]
    if cutoffs:
        rules = (
            _chart([{"cutoff": float(c)} for c in cutoffs], language)
            .mark_rule(strokeDash=[4, 4], color="#7b8794")
            .encode(y="cutoff:Q", tooltip=[alt.Tooltip("cutoff:Q", title=cutoff_title, format=".0%")])
        )
        layers.append(rules)
    chart = alt.layer(*layers).properties(width=_WIDTH, height=_HEIGHT)
    return _finish(chart, language, title)


def _href(href: str | Callable[[Any], str | None] | None, key: Any) -> str | None:
    if href is None:
        return None
    if callable(href):
        return href(key)
    return href.format(id=quote(str(key), safe=""))


def portfolio_chart(
    portfolio_rows: Any,
    *,
    language: str,
    threshold: float = 50,
    href: str | Callable[[Any], str | None] | None = None,
    id_column: str = "customer_number",
    name_column: str = "name",
    title: str | None = None,
) -> alt.TopLevelMixin:
    """The portfolio matrix: our position (x) × customer attractiveness (y), 0..100 each.

    ``portfolio_rows`` is a :func:`~openkam.analytics.portfolio.portfolio_positions` result
    (pyarrow Table, pandas DataFrame or list of dicts), optionally with a ``name_column`` shown
    in the tooltip. Bubble area follows ``size`` (negative or missing sizes draw the smallest
    bubble), colour the quadrant; dashed lines mark ``threshold``, the quadrant names sit in the
    corners. ``href`` adds a ``url`` to every point, either a format string with ``{id}`` (the
    URL-quoted id, e.g. ``"/customers/{id}/"``) or a callable id → URL; charts.js navigates there
    on click (site-relative paths only).
    """
    rows = _rows(portfolio_rows)
    with override(language):
        labels = {key: str(q.label) for key, q in QUADRANTS.items()}
        x_title = str(_("Our position"))
        y_title = str(_("Customer attractiveness"))
        quadrant_title = str(_("Quadrant"))
        size_title = str(_("Revenue"))
        customer_title = str(_("Customer"))
        name_title = str(_("Name"))
    data = []
    for row in rows:
        key = row[id_column]
        item = {
            "id": str(key),
            "attractiveness": _number(row["attractiveness"]),
            "position": _number(row["position"]),
            "size": _number(row.get("size")),
            "bubble": max(_number(row.get("size")) or 0.0, 0.0),
            "quadrant": labels[row["quadrant"]],
        }
        if name_column in row:
            item["name"] = row[name_column]
        url = _href(href, key)
        if url is not None:
            item["url"] = url
        data.append(item)
    tooltip = [alt.Tooltip("id:N", title=customer_title)]
    if any("name" in item for item in data):
        tooltip.append(alt.Tooltip("name:N", title=name_title))
    tooltip += [
        alt.Tooltip("attractiveness:Q", title=y_title, format=".1f"),
        alt.Tooltip("position:Q", title=x_title, format=".1f"),
        alt.Tooltip("size:Q", title=size_title, format=",.0f"),
        alt.Tooltip("quadrant:N", title=quadrant_title),
    ]
    scale = alt.Scale(domain=[0, 100], nice=False)
    points = (
        _chart(data, language)
        .mark_circle(opacity=0.75, stroke="#ffffff", strokeWidth=0.5, cursor="pointer" if href else "default")
        .encode(
            x=alt.X("position:Q", title=x_title, scale=scale),
            y=alt.Y("attractiveness:Q", title=y_title, scale=scale),
            size=alt.Size("bubble:Q", title=size_title, scale=alt.Scale(range=[30, 1600]), legend=None),
            color=alt.Color(
                "quadrant:N",
                title=quadrant_title,
                scale=alt.Scale(
                    domain=list(labels.values()), range=[QUADRANT_COLOURS[key] for key in labels]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=tooltip,
            order=alt.Order("bubble:Q", sort="descending"),  # big bubbles below small ones
        )
    )
    lines = (
        _chart([{"threshold": float(threshold)}], language)
        .mark_rule(strokeDash=[4, 4], color="#7b8794")
        .encode(x="threshold:Q")
    )
    across = (
        _chart([{"threshold": float(threshold)}], language)
        .mark_rule(strokeDash=[4, 4], color="#7b8794")
        .encode(y="threshold:Q")
    )
    corners = [
        {"key": "invest", "x": 98, "y": 98, "align": "right"},
        {"key": "develop", "x": 2, "y": 98, "align": "left"},
        {"key": "maintain", "x": 98, "y": 2, "align": "right"},
        {"key": "efficient", "x": 2, "y": 2, "align": "left"},
    ]
    texts = []
    for corner in corners:
        texts.append(
            _chart([{"label": labels[corner["key"]], "x": corner["x"], "y": corner["y"]}], language)
            .mark_text(
                align=corner["align"],
                baseline="top" if corner["y"] > 50 else "bottom",
                color="#52606d",
                fontSize=11,
                fontWeight="bold",
            )
            .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="label:N")
        )
    chart = alt.layer(lines, across, *texts, points).properties(width=_WIDTH, height=_HEIGHT)
    return _finish(chart, language, title)


def contributions_chart(
    scores: Any,
    criteria: Sequence[CriterionSpec],
    *,
    top: int = 20,
    language: str,
    labels: Mapping[str, str] | None = None,
    id_column: str = "customer_number",
    name_column: str = "name",
    title: str | None = None,
) -> alt.TopLevelMixin:
    """Stacked horizontal bars of the ``top`` best-ranked candidates: each criterion's points.

    ``scores`` is a :func:`~openkam.analytics.scoring.score_customers` result (sorted by rank),
    optionally with a ``name_column`` used as the bar label. ``labels`` maps criterion keys to
    display names (already translated); by default metric keys get their
    :data:`~openkam.analytics.selection.METRIC_CRITERIA` label and other keys show as they are.
    Raises ``ValueError`` for ``top`` below 1 or a criterion without ``contrib_<key>`` column.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a whole number of at least 1, got {top!r}.")
    rows = _rows(scores)[:top]
    keys = [c.key for c in criteria]
    if rows:
        absent = [k for k in keys if f"contrib_{k}" not in rows[0]]
        if absent:
            raise ValueError(f"The scores lack contributions of: {', '.join(absent)}.")
    with override(language):
        names = {
            key: str(
                (labels or {}).get(key) or (METRIC_CRITERIA[key].label if key in METRIC_CRITERIA else key)
            )
            for key in keys
        }
        x_title = str(_("Points"))
        criterion_title = str(_("Criterion"))
        customer_title = str(_("Customer"))
        rank_title = str(_("Rank"))
        normalised_title = str(_("Normalised value"))
    data = []
    order = []
    for row in rows:
        label = str(row.get(name_column) or row[id_column])
        label = f"{row['rank']}. {label}"
        order.append(label)
        for position, key in enumerate(keys):
            data.append(
                {
                    "customer": label,
                    "rank": row["rank"],
                    "criterion": names[key],
                    "criterion_order": position,
                    "points": _number(row[f"contrib_{key}"]),
                    "normalised": _number(row.get(f"norm_{key}")),
                }
            )
    palette = [_CRITERION_COLOURS[i % len(_CRITERION_COLOURS)] for i in range(len(keys))]
    bars = (
        _chart(data, language)
        .mark_bar()
        .encode(
            x=alt.X("points:Q", title=x_title, stack="zero", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("customer:N", title=None, sort=order),
            color=alt.Color(
                "criterion:N",
                title=criterion_title,
                scale=alt.Scale(domain=[names[k] for k in keys], range=palette),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=320),
            ),
            order=alt.Order("criterion_order:Q"),
            tooltip=[
                alt.Tooltip("customer:N", title=customer_title),
                alt.Tooltip("rank:Q", title=rank_title),
                alt.Tooltip("criterion:N", title=criterion_title),
                alt.Tooltip("points:Q", title=x_title, format=".1f"),
                alt.Tooltip("normalised:Q", title=normalised_title, format=".0%"),
            ],
        )
        .properties(width=_WIDTH, height=alt.Step(20))
    )
    return _finish(bars, language, title)


def _spec(chart: alt.TopLevelMixin | Mapping[str, Any]) -> dict[str, Any]:
    return dict(chart) if isinstance(chart, Mapping) else chart.to_dict()


def _language_of(spec: Mapping[str, Any]) -> str | None:
    return ((spec.get("usermeta") or {}).get(_USERMETA) or {}).get("language")


def chart_spec(chart: alt.TopLevelMixin, *, language: str | None = None) -> dict[str, Any]:
    """The Vega-Lite JSON of a chart for the page (``json_script``), with its number locale.

    The locale follows ``language``, else the language the chart was built in, and is stored in
    ``usermeta.embedOptions`` (``formatLocale``, ``timeFormatLocale``) for vega-embed.
    """
    spec = _spec(chart)
    locale = format_locale(language or _language_of(spec) or "en")
    usermeta = dict(spec.get("usermeta") or {})
    usermeta["embedOptions"] = {
        "formatLocale": vlc.get_format_locale(locale),
        "timeFormatLocale": vlc.get_time_format_locale(locale),
    }
    spec["usermeta"] = usermeta
    return spec


def render(
    chart: alt.TopLevelMixin | Mapping[str, Any],
    fmt: Literal["svg", "png"],
    *,
    language: str,
    scale: float = 2.0,
) -> bytes:
    """Render a chart (or its spec) to SVG or PNG bytes with vl-convert, offline.

    Numbers follow ``language`` (``de`` → ``de-DE``: 1.234,5; otherwise ``en-US``). ``scale``
    multiplies the PNG's pixel size (2 = sharp on high-density screens and in documents).
    Raises ``ValueError`` for another format; vl-convert raises for a spec it cannot render or
    one that loads external data.
    """
    spec = _spec(chart)
    locale = format_locale(language)
    options: dict[str, Any] = {
        "vl_version": VL_VERSION,
        "format_locale": locale,
        "time_format_locale": locale,
        "allowed_base_urls": [],
    }
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, **options).encode("utf-8")
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale, **options)
    raise ValueError(f"Charts render to 'svg' or 'png', not {fmt!r}.")

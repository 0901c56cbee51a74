"""The chart of the business page: revenue and margin of the customer group per fiscal year.

Built with Altair like the selection's charts (``openkam.analytics.charts``) and rendered in the
page by ``openkam/core/static/openkam/charts.js``; the table next to it holds the same figures.
"""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _
from django.utils.translation import override

from openkam.analytics.charts import chart_spec

from .selectors import AccountBusiness

_COLOURS = ["#0072B2", "#E69F00"]  # Okabe-Ito: distinguishable with colour-vision deficiencies


def years_chart(business: AccountBusiness, *, language: str) -> dict[str, Any] | None:
    """Grouped bars of revenue and margin per fiscal year, as a Vega-Lite spec for the page.

    ``None`` when the group has no lines (nothing to draw).
    """
    if not business.has_lines:
        return None
    with override(language):
        revenue, margin, year_title, amount, measure = (
            _("Revenue"),
            _("Contribution margin"),
            _("Fiscal year"),
            _("Amount"),
            _("Figure"),
        )
    data = []
    for figures in business.years:
        data.append({"year": str(figures.year), "measure": revenue, "amount": float(figures.revenue)})
        data.append({"year": str(figures.year), "measure": margin, "amount": float(figures.margin)})
    chart = (
        alt.Chart(alt.InlineData(values=data))
        .mark_bar()
        .encode(
            x=alt.X("year:N", title=year_title, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("measure:N", sort=[revenue, margin]),
            y=alt.Y("amount:Q", title=amount, axis=alt.Axis(format="~s")),
            color=alt.Color(
                "measure:N",
                title=measure,
                scale=alt.Scale(domain=[revenue, margin], range=_COLOURS),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("year:N", title=year_title),
                alt.Tooltip("measure:N", title=measure),
                alt.Tooltip("amount:Q", title=amount, format=",.0f"),
            ],
        )
        .properties(width="container", height=240)
        .configure_view(stroke=None)
    )
    return chart_spec(chart, language=language)

"""Chart specs and their static rendering: data, links, language and number locale."""

from __future__ import annotations

import struct

import altair as alt
import pyarrow as pa
import pytest

from openkam.analytics.abc import pareto_curve
from openkam.analytics.charts import (
    chart_spec,
    contributions_chart,
    format_locale,
    pareto_chart,
    portfolio_chart,
    render,
)
from openkam.analytics.portfolio import portfolio_positions
from openkam.analytics.scoring import CriterionSpec, score_customers

C = CriterionSpec


def _data(spec: dict) -> list[list[dict]]:
    """The inline data sets of a spec (Altair moves them to the top-level ``datasets``)."""
    return list(spec.get("datasets", {}).values())


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.fixture
def portfolio() -> pa.Table:
    attractiveness = pa.table({"customer_number": ["K 1/2", "K2", "K3"], "score": [80.0, 30.0, 60.0]})
    position = pa.table({"customer_number": ["K 1/2", "K2", "K3"], "score": [70.0, 20.0, 10.0]})
    size = pa.table({"customer_number": ["K 1/2", "K2", "K3"], "revenue": [12345.6, -50.0, None]})
    return portfolio_positions(attractiveness, position, size=size)


def test_format_locale_follows_the_language():
    assert [format_locale(code) for code in ("de", "de-de", "de_AT", "en", "en-gb", "fr")] == [
        "de-DE",
        "de-DE",
        "de-DE",
        "en-US",
        "en-US",
        "en-US",
    ]


@pytest.mark.parametrize(
    ("language", "expected", "absent"), [("de", "1.234,5", "1,234.5"), ("en", "1,234.5", "1.234,5")]
)
def test_render_formats_axis_numbers_per_language(language, expected, absent):
    chart = (
        alt.Chart(alt.InlineData(values=[{"x": 0}, {"x": 1234.5}]))
        .mark_point()
        .encode(x=alt.X("x:Q", axis=alt.Axis(format=",.1f", values=[1234.5])))
    )
    svg = render(chart, "svg", language=language).decode()
    assert svg.startswith("<svg")
    assert expected in svg and absent not in svg


def test_render_png_scales_and_refuses_other_formats_and_external_data():
    chart = pareto_chart(
        pareto_curve(pa.table({"customer_number": ["a", "b"], "revenue_2025": [3, 1]})), language="en"
    )
    small, large = (_png_size(render(chart, "png", language="en", scale=s)) for s in (1, 2))
    assert large == (small[0] * 2, small[1] * 2)
    with pytest.raises(ValueError, match="'svg' or 'png'"):
        render(chart, "pdf", language="en")
    with pytest.raises(Exception, match="not allowed"):
        render({"data": {"url": "https://example.com/data.json"}, "mark": "point"}, "svg", language="en")


def test_pareto_chart_has_the_curve_and_the_cut_offs():
    curve = pareto_curve(pa.table({"customer_number": list("abcd"), "revenue_2025": [50, 30, 20, 0]}))
    chart = pareto_chart(curve, language="en", value_label="Share of revenue")
    spec = chart_spec(chart)
    line, cutoffs = _data(spec)
    assert [(p["customer_share"], p["value_share"]) for p in line] == [
        (0.0, 0.0),
        (0.25, 0.5),
        (0.5, 0.8),
        (0.75, 1.0),
        (1.0, 1.0),
    ]
    assert cutoffs == [{"cutoff": 0.8}, {"cutoff": 0.95}]
    svg = render(chart, "svg", language="en").decode()
    assert "Share of customers" in svg and "Share of revenue" in svg and "80%" in svg
    with pytest.raises(ValueError, match="customer_share"):
        pareto_chart(pa.table({"x": [1]}), language="en")


def test_portfolio_chart_points_links_and_quadrants(portfolio):
    chart = portfolio_chart(portfolio, language="en", href="/customers/{id}/", threshold=50)
    spec = chart_spec(chart)
    points = next(d for d in _data(spec) if d and "attractiveness" in d[0])
    by_id = {p["id"]: p for p in points}
    assert by_id["K 1/2"]["url"] == "/customers/K%201%2F2/"  # the id is URL-quoted
    assert by_id["K 1/2"]["quadrant"] == "Invest"
    assert by_id["K2"]["quadrant"] == "Serve efficiently"
    assert by_id["K3"]["quadrant"] == "Develop"
    assert (by_id["K 1/2"]["bubble"], by_id["K2"]["bubble"], by_id["K3"]["bubble"]) == (12345.6, 0.0, 0.0)
    assert by_id["K2"]["size"] == -50.0 and by_id["K3"]["size"] is None
    thresholds = [d for d in _data(spec) if d == [{"threshold": 50.0}]]
    assert thresholds  # the quadrant lines
    corner_labels = {d[0]["label"] for d in _data(spec) if d and "label" in d[0]}
    assert corner_labels == {"Invest", "Develop", "Maintain", "Serve efficiently"}
    svg = render(chart, "svg", language="en").decode()
    assert "Customer attractiveness" in svg and "Our position" in svg


def test_portfolio_chart_without_links_and_with_a_callable_and_names(portfolio):
    plain = chart_spec(portfolio_chart(portfolio, language="en"))
    assert all("url" not in p for d in _data(plain) for p in d)
    named = portfolio.append_column("name", pa.array(["Alpha", "Beta", "Gamma"]))
    spec = chart_spec(portfolio_chart(named, language="en", href=lambda key: f"/c/{len(key)}/"))
    points = next(d for d in _data(spec) if d and "attractiveness" in d[0])
    assert {p["name"]: p["url"] for p in points} == {"Alpha": "/c/5/", "Beta": "/c/2/", "Gamma": "/c/2/"}


def test_contributions_chart_stacks_each_criterion_in_rank_order():
    table = pa.table({"customer_number": ["a", "b", "c"], "revenue": [1.0, 3.0, 2.0], "fit": [5, 1, 3]})
    criteria = [C("revenue", 1), C("fit", 1, normalisation="scale", scale_min=1, scale_max=5)]
    scores = score_customers(table, criteria)
    spec = chart_spec(contributions_chart(scores, criteria, top=2, language="en", labels={"fit": "Fit"}))
    (bars,) = _data(spec)
    assert len(bars) == 4  # top 2 customers × 2 criteria
    assert {(b["customer"], b["criterion"]) for b in bars} == {
        ("1. b", "Revenue in the period"),
        ("1. b", "Fit"),
        ("1. a", "Revenue in the period"),
        ("1. a", "Fit"),
    }  # a and b tie at 50 points
    for customer in ("1. a", "1. b"):
        assert sum(b["points"] for b in bars if b["customer"] == customer) == pytest.approx(50.0)
    y_sort = spec["encoding"]["y"]["sort"]
    assert y_sort == ["1. a", "1. b"]
    assert render(contributions_chart(scores, criteria, language="de"), "svg", language="de").startswith(
        b"<svg"
    )
    with pytest.raises(ValueError, match="top"):
        contributions_chart(scores, criteria, top=0, language="en")
    with pytest.raises(ValueError, match="contributions of: growth"):
        contributions_chart(scores, [C("growth", 1)], language="en")


def test_chart_spec_carries_the_number_locale_for_the_page(portfolio):
    german = chart_spec(portfolio_chart(portfolio, language="de"))
    assert german["usermeta"]["embedOptions"]["formatLocale"]["decimal"] == ","
    assert german["usermeta"]["embedOptions"]["formatLocale"]["thousands"] == "."
    assert german["usermeta"]["embedOptions"]["timeFormatLocale"]["date"] == "%d.%m.%Y"
    english = chart_spec(portfolio_chart(portfolio, language="de"), language="en")
    assert english["usermeta"]["embedOptions"]["formatLocale"]["decimal"] == "."
    assert german["$schema"].startswith("https://vega.github.io/schema/vega-lite/")

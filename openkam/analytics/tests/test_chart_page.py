"""Interactive charts in a real Chromium under the product's Content Security Policy.

The page (``chart_urls``) loads the vega-embed bundle from ``charts/vega.js`` and
``openkam/charts.js`` the way product pages do. Every CSP violation is recorded through the
``securitypolicyviolation`` event; the ``page`` fixture also fails on any console error.
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from playwright.sync_api import expect

from openkam.analytics.abc import pareto_curve
from openkam.analytics.charts import chart_spec, contributions_chart, pareto_chart, portfolio_chart
from openkam.analytics.portfolio import portfolio_positions
from openkam.analytics.scoring import CriterionSpec, score_customers
from openkam.analytics.tests import chart_urls

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("openkam.analytics.tests.chart_urls"),
]

C = CriterionSpec
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def charts(monkeypatch):
    """Three charts on the page: portfolio (with links), contributions and Pareto curve."""
    ids = ["K001", "K002", "K003", "K004"]
    attractiveness = pa.table({"customer_number": ids, "score": [85.0, 70.0, 25.0, 15.0]})
    position = pa.table({"customer_number": ids, "score": [80.0, 20.0, 75.0, 30.0]})
    size = pa.table({"customer_number": ids, "revenue": [123456.0, 45678.0, 9876.0, 1234.0]})
    portfolio = portfolio_positions(attractiveness, position, size=size)

    def link(key: str) -> str:
        # K004 carries a hostile link that charts.js must refuse to follow.
        return "javascript:alert(1)" if key == "K004" else f"/chart-test/customers/{key}/"

    table = pa.table({"customer_number": ids, "revenue": [4.0, 3.0, 2.0, 1.0], "fit": [1, 5, 3, 2]})
    criteria = [C("revenue", 2), C("fit", 1, normalisation="scale", scale_min=1, scale_max=5)]
    curve_input = pa.table({"customer_number": ids, "revenue_2025": [50, 30, 15, 5]})

    specs = {
        "portfolio": chart_spec(portfolio_chart(portfolio, language="de", href=link)),
        "contributions": chart_spec(
            contributions_chart(score_customers(table, criteria), criteria, language="de")
        ),
        "pareto": chart_spec(pareto_chart(pareto_curve(curve_input), language="de")),
    }
    monkeypatch.setattr(chart_urls, "CHARTS", specs)
    return specs


def _open(page):
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto("/chart-test/")
    for name in ("portfolio", "contributions", "pareto"):
        expect(page.locator(f"#{name}")).to_have_attribute("data-chart-state", "ready")
    return response


def test_charts_render_under_the_strict_csp_without_violations(page, charts):
    response = _open(page)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "style-src 'self'" in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy

    # Every data point is a mark in the SVG: 4 bubbles, 4 × 2 bar segments, one curve.
    expect(page.locator("#portfolio svg g.mark-symbol.role-mark path")).to_have_count(4)
    expect(page.locator("#contributions svg g.mark-rect.role-mark path")).to_have_count(8)
    expect(page.locator("#pareto svg g.mark-line.role-mark path")).to_have_count(1)
    expect(page.locator("#portfolio svg")).to_contain_text("Kundenattraktivität")
    expect(page.locator("#portfolio svg")).to_contain_text("Invest")
    assert page.evaluate("window.cspViolations") == []
    assert not page.openkam_errors


def _bubble(page, customer: str):
    # Vega labels each mark for assistive technology with its tooltip fields.
    return page.locator(f'#portfolio svg g.mark-symbol.role-mark path[aria-label*="{customer}"]')


def test_tooltip_shows_the_fields_in_the_german_number_format(page, charts):
    _open(page)
    _bubble(page, "K001").hover()
    tooltip = page.locator(".chart-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("K001")
    expect(tooltip).to_contain_text("123.456")  # revenue, German thousands separator
    expect(tooltip).to_contain_text("85,0")  # attractiveness, German decimal comma
    page.mouse.move(1, 1)
    expect(tooltip).to_be_hidden()
    assert page.evaluate("window.cspViolations") == []


def test_clicking_a_bubble_opens_its_url(page, charts):
    _open(page)
    _bubble(page, "K002").click()
    page.wait_for_url("**/chart-test/customers/K002/")
    expect(page.locator("h1")).to_have_text("Customer K002")


def test_a_link_that_is_not_a_site_path_is_not_followed(page, charts):
    _open(page)
    _bubble(page, "K004").click()
    page.wait_for_timeout(300)
    assert page.url.endswith("/chart-test/")
    assert page.evaluate("window.cspViolations") == []

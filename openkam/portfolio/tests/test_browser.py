"""The selection in a real Chromium: a head of KAM tunes a model, runs it and compares the procedures."""

import re

import pytest
from playwright.sync_api import expect

from openkam.portfolio.models import ScoringModel, SelectionRun
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_of_kam_tunes_the_weights_runs_the_selection_and_compares_the_procedures(
    page, world, master, models, ratings, use_ledger
):
    login(page, "head", PASSWORD)

    # The scoring model: revenue counts 3 of 5 parts; the head of KAM lowers it to 1 of 3.
    page.goto("/selection/models/")
    expect(page.locator("h1")).to_have_text("Scoring models")
    assert_accessible(page)
    page.click("text=Edit Kandidaten")
    expect(page.locator("#id_criteria-0-weight")).to_have_value("3.00")
    assert_accessible(page)
    page.fill("#id_criteria-0-weight", "1")
    page.click("button:has-text('Save')")
    expect(page.locator(".messages")).to_contain_text("Scoring model saved.")
    expect(page.locator("section", has_text="Kandidaten").locator("td[data-share]").first).to_have_text(
        "33.3%"
    )
    weights = [c.weight for c in ScoringModel.objects.get(name="Kandidaten").criteria.all()]
    assert weights == [1, 1, 1]

    # Start a run as of the end of 2025 with the three models.
    page.goto("/selection/")
    assert_accessible(page)
    page.fill("#id_as_of", "2025-12-31")
    page.select_option("#id_ranking_model", label="Kandidaten")
    page.select_option("#id_attractiveness_model", label="Attraktivität")
    page.select_option("#id_position_model", label="Position")
    page.fill("#id_draws", "200")
    page.click("button:has-text('Start the run')")

    # The run computes (immediately in tests) and shows the ranked list with contributions.
    expect(page.locator("h1")).to_have_text("Scoring ranking")
    run = SelectionRun.objects.get()
    assert run.status == "done", run.error
    rows = page.locator("#ranking-table tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.first).to_contain_text("Alpha Maschinenbau")
    expect(rows.first.locator("svg.contribution rect")).to_have_count(3)
    expect(rows.first).to_contain_text("robust")
    expect(rows.first).to_contain_text(re.compile(r"median rank 1"))
    expect(page.locator("[data-chart-spec-id='contributions-spec']")).to_have_attribute(
        "data-chart-state", "ready"
    )
    assert_accessible(page)

    # The portfolio matrix: the interactive chart renders under the CSP; a bubble opens the customer.
    page.click("nav >> text=Portfolio matrix")
    expect(page.locator("h1")).to_have_text("Portfolio matrix")
    chart = page.locator("#matrix-chart")
    expect(chart).to_have_attribute("data-chart-state", "ready")
    expect(chart.locator("svg")).to_have_count(1)
    expect(page.locator(".quadrants li")).to_have_count(4)
    assert_accessible(page)
    assert not page.openkam_errors, page.openkam_errors  # no CSP violation, no script error
    bubbles = chart.locator("g.mark-symbol.role-mark path")
    expect(bubbles).to_have_count(8)
    bubbles.first.click(force=True)
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    page.go_back()

    # The comparison: every procedure side by side, with a way to propose a candidate.
    page.click("nav >> text=Comparison")
    expect(page.locator("h1")).to_have_text("Comparison of the procedures")
    table = page.locator("#compare-table tbody tr")
    expect(table).to_have_count(8)
    expect(table.first).to_contain_text("candidate")
    assert_accessible(page)
    page.select_option("#id_by", "clv")
    expect(page.locator("#compare-table")).to_contain_text("Top 25 by Customer lifetime value")


def test_a_kam_sees_the_selection_of_their_own_customers_only(
    page, world, master, models, ratings, use_ledger
):
    from .conftest import start_and_run

    start_and_run(world, models)
    login(page, "kam", PASSWORD)
    page.goto("/selection/")
    page.click("text=Open the ranking")
    expect(page.locator("#ranking-table tbody tr")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("Only the customers of your key accounts are shown.")
    page.click("nav >> text=Portfolio matrix")
    expect(page.locator("#matrix-chart")).to_have_attribute("data-chart-state", "ready")
    page.click("nav >> text=ABC / Pareto")
    expect(page.locator("#pareto-spec")).to_have_count(0)
    assert_accessible(page)

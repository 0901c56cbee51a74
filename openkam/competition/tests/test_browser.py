"""A KAM fills in the requirements-and-competitors section in a real Chromium."""

import pytest
from playwright.sync_api import expect

from openkam.competition.models import Competitor, Requirement
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_adds_a_requirement_and_a_competitor_and_sees_the_grid_and_the_relative_market_share(
    page, world
):
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/competition/")
    expect(page.locator("h1")).to_have_text("Requirements & competitors")
    expect(page.locator("#relative-share-missing")).to_contain_text("No wallet estimate yet")
    expect(page.locator("#ipa-chart")).to_have_attribute("data-chart-state", "ready")
    assert_accessible(page)

    # The customer spends 4 million € a year in our categories; we sold 1.25 million € in 2025.
    page.click("text=Add wallet estimate")
    page.fill("#id_fiscal_year", "2025")
    page.fill("#id_amount", "4000000")
    page.fill("#id_notes", "Einkaufsvolumen laut Jahresgespräch")
    assert_accessible(page)
    page.click("button:has-text('Save')")
    expect(page.locator("#our-share")).to_have_text("31.3 %")
    expect(page.locator("#relative-share-missing")).to_contain_text("No competitor has an estimated share")

    page.click("text=Add competitor or partner")
    page.fill("#id_name", "Hallberg Antriebstechnik GmbH")
    page.fill("#id_supplies", "Getriebemotoren aus dem Katalog")
    page.fill("#id_share_of_wallet", "40")
    page.select_option("#id_trend", label="Growing")
    page.fill("#id_forecast", "Gewinnt mit dem neuen Werk Anteile")
    assert_accessible(page)
    page.click("button:has-text('Save')")
    expect(page.locator("#relative-share")).to_have_text("0.78")
    expect(page.locator("#relative-share-reading")).to_contain_text(
        "We sell 0.78 times as much as Hallberg Antriebstechnik GmbH"
    )
    expect(page.locator("#competitor-table")).to_contain_text("Growing")

    page.click("text=Add requirement")
    page.fill("#id_text", "Liefertreue bei Abrufaufträgen")
    page.select_option("#id_importance", "5")
    page.select_option("#id_our_performance", "2")
    page.select_option("#id_competitor_performance", "4")
    page.fill("#id_source", "Lieferantenbewertung des Kunden")
    assert_accessible(page)
    page.click("button:has-text('Save')")

    row = page.locator("#requirement-table tbody tr").first
    expect(row).to_contain_text("Liefertreue bei Abrufaufträgen")
    expect(row).to_contain_text("Hallberg Antriebstechnik GmbH (main competitor)")
    expect(row).to_contain_text("-2")
    expect(row).to_contain_text("Concentrate here")
    expect(page.locator("#quadrant-list [data-quadrant='concentrate'] strong")).to_have_text("1")
    chart = page.locator("#ipa-chart")
    expect(chart).to_have_attribute("data-chart-state", "ready")
    expect(chart.locator("svg")).to_have_count(1)
    expect(chart.locator("svg text", has_text="Concentrate here").first).to_be_visible()
    assert Requirement.objects.get().competitor_performance == 4
    assert Competitor.objects.get().share_of_wallet == 40
    page.reload()  # without the one-time message (base.html's role="status" list trips axe)
    assert_accessible(page)

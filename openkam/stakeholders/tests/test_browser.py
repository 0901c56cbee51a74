"""A KAM builds a small buying center and its relationship map in a real Chromium."""

import pytest
from playwright.sync_api import expect

from openkam.stakeholders.models import Stakeholder
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_adds_two_stakeholders_and_sees_them_on_the_relationship_map(page, world):
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/stakeholders/")
    expect(page.locator("h1")).to_have_text("Buying center")
    assert_accessible(page)

    page.click("text=Add stakeholder")
    page.fill("#id_first_name", "Clara")
    page.fill("#id_last_name", "Chef")
    page.fill("#id_function", "Geschäftsführerin")
    page.select_option("#id_hierarchy_level", "executive")
    page.check("input[name=buying_roles][value=decision_maker]")
    page.select_option("#id_attitude", label="Champion")
    page.select_option("#id_influence", label="Very high")
    page.select_option("#id_relationship_owner", label="Katrin Amann")
    assert_accessible(page)
    page.click("button:has-text('Save')")
    expect(page.locator("#stakeholder-table")).to_contain_text("Clara Chef")

    page.click("text=Add stakeholder")
    page.fill("#id_first_name", "Bernd")
    page.fill("#id_last_name", "Block")
    page.fill("#id_function", "Einkaufsleiter")
    page.select_option("#id_hierarchy_level", "project")
    page.select_option("#id_reports_to", label="Clara Chef (Geschäftsführerin)")
    page.check("input[name=buying_roles][value=blocker]")
    page.select_option("#id_attitude", label="Opponent")
    page.click("button:has-text('Save')")
    expect(page.locator("#stakeholder-table")).to_contain_text("reports to Clara Chef")
    clara = Stakeholder.objects.get(last_name="Chef")
    assert Stakeholder.objects.get(last_name="Block").reports_to == clara

    page.click("text=Relationship map")
    chart = page.locator("#orgchart svg")
    expect(chart.locator("text", has_text="Clara Chef")).to_have_count(1)
    expect(chart.locator("text", has_text="Bernd Block")).to_have_count(1)
    # The legend names each attitude with its symbol, and the nodes carry both.
    expect(chart).to_contain_text("Attitude towards us:")
    expect(chart).to_contain_text("−− Opponent")
    expect(chart).to_contain_text("++ Champion")
    assert_accessible(page)

    # A filter dims who does not match (htmx swaps the map only).
    page.select_option("#id_role", "blocker")
    expect(page.locator("#orgchart g[data-person][opacity]")).to_have_count(2)
    expect(page.locator("#orgchart g[data-person]:not([opacity])")).to_contain_text("Bernd Block")

    # Choosing a person opens their page.
    page.locator(f"#orgchart a[href$='/stakeholders/{clara.pk}/']").click()
    expect(page.locator("h1")).to_contain_text("Clara Chef")
    expect(page.locator("#direct-reports")).to_contain_text("Bernd Block")
    assert_accessible(page)

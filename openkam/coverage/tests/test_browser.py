"""Acting on a coverage alert in a real Chromium: the no-coach alert leads to the form that fixes it."""

import pytest
from playwright.sync_api import expect

from openkam.stakeholders.models import Stakeholder
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_follows_the_no_coach_alert_marks_a_coach_and_the_alert_is_gone(page, world):
    seidel = PersonFactory(
        account=world.account,
        first_name="Sabine",
        last_name="Seidel",
        function="Leiterin Instandhaltung",
        hierarchy_level="project",
        attitude=2,
        relationship_owner=world.owner,
    )
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/coverage/")
    expect(page.locator("h1")).to_have_text("Coverage and level selling")
    alert = page.locator("#coverage-alerts [data-code='no_coach']")
    expect(alert).to_contain_text("Nobody in the buying center is marked as our coach.")
    expect(alert).to_contain_text("Sabine Seidel has the best attitude towards us (Champion)")
    expect(page.locator("#level-selling-matrix")).to_be_visible()
    assert_accessible(page)

    alert.get_by_role("link", name="Mark Sabine Seidel as coach").click()
    coach = page.get_by_label("Coach", exact=True)
    expect(coach).not_to_be_checked()
    coach.check()
    page.click("button:has-text('Save')")
    expect(page.get_by_text("Stakeholder saved.")).to_be_visible()

    page.goto(f"/accounts/{world.account.pk}/coverage/")
    expect(page.locator("h2#alerts-h")).to_be_visible()
    expect(page.locator("[data-code='no_coach']")).to_have_count(0)
    seidel.refresh_from_db()
    assert seidel.is_coach
    assert Stakeholder.objects.filter(account=world.account, is_coach=True).count() == 1
    assert_accessible(page)

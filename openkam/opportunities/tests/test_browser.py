"""A team member moves an opportunity through the stages in a real Chromium."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from openkam.opportunities.choices import QUALIFICATION, Stage
from openkam.opportunities.models import Opportunity, QualificationCheck
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import OpportunityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_extended_team_member_ticks_the_checklist_moves_forwards_and_closes_as_lost(page, world):
    opp = OpportunityFactory(account=world.account, title="Antriebspaket Linie 4", value=Decimal("180000"))

    login(page, "ext", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/opportunities/{opp.pk}/")
    expect(page.locator("#opportunity-stage")).to_have_text("Identified")
    assert_accessible(page)

    # Refused: the checklist of "Identified" is not ticked yet; the page names what is missing.
    page.click("button:has-text('Move to Qualified')")
    expect(page.locator("#move-errors")).to_contain_text("cannot move to “Qualified” yet")
    expect(page.locator("#move-errors")).to_contain_text("Value and expected close date are estimated.")

    # Ticking in place (htmx): the checklist is swapped without leaving the page.
    for key, _label in QUALIFICATION[Stage.IDENTIFIED]:
        with page.expect_response(lambda r: r.url.endswith("/checks/")):
            page.check(f"#check-{key}")
        expect(page.locator(f"#check-{key}")).to_be_checked()
    assert QualificationCheck.objects.filter(opportunity=opp).count() == len(QUALIFICATION[Stage.IDENTIFIED])

    page.click("button:has-text('Move to Qualified')")
    expect(page.locator("#opportunity-stage")).to_have_text("Qualified")
    expect(page.locator(".stage-bar [aria-current=step]")).to_contain_text("Qualified")
    expect(page.locator("#stage-history")).to_contain_text("Identified → Qualified")

    # Lost needs no checklist, only a reason.
    page.check("#close-form input[value=lost]")
    page.select_option("#close-form select[name=close_reason]", "budget")
    page.fill("#close-form textarea[name=close_note]", "Investitionsbudget gekürzt")
    page.click("#close-form button[type=submit]")
    expect(page.locator("#opportunity-stage")).to_have_text("Lost")
    expect(page.locator("#opportunity-reason")).to_have_text("Budget")
    assert_accessible(page)
    opp = Opportunity.objects.get()
    assert (opp.stage, opp.probability, opp.close_reason) == (Stage.LOST, 0, "budget")

"""A team member moves an opportunity through the stages in a real Chromium."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from openkam.accounts.models import TeamMembership
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

    # Ticking in place (htmx): the item is saved without leaving the page.
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


def test_boxes_ticked_in_quick_succession_all_stay_ticked_and_a_refused_one_goes_back(page, world):
    opp = OpportunityFactory(account=world.account, title="Antriebspaket Linie 4")
    keys = [key for items in QUALIFICATION.values() for key, _label in items]

    login(page, "ext", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/opportunities/{opp.pk}/")
    # One after the other without waiting for the server: no answer may undo a later box.
    for key in keys:
        page.check(f"#check-{key}")
    page.wait_for_function("() => !document.querySelector('#checklist .htmx-request')")
    for key in keys:
        expect(page.locator(f"#check-{key}")).to_be_checked()
        expect(page.locator(f"#check-{key} ~ .check-text [role=status]")).to_have_text("Saved")
    assert set(QualificationCheck.objects.filter(opportunity=opp).values_list("item", flat=True)) == set(keys)

    # Access withdrawn meanwhile: the server refuses, the box shows what is saved and says so.
    TeamMembership.objects.filter(account=world.account, user=world.extended).delete()
    first = keys[0]
    with page.expect_response(lambda r: r.url.endswith("/checks/")):
        page.uncheck(f"#check-{first}")
    expect(page.locator(f"#check-{first}")).to_be_checked()
    expect(page.locator(f"#check-{first} ~ [role=alert]")).to_have_text(
        "Not saved. Reload the page and try again."
    )
    assert QualificationCheck.objects.filter(opportunity=opp, item=first).exists()
    assert len(page.openkam_errors) == 2 and "404" in page.openkam_errors[1], page.openkam_errors
    page.openkam_errors.clear()  # the browser and htmx log the 404 as console errors

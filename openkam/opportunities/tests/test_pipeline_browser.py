"""A KAM moves an opportunity through the stages on the pipeline board, in a real Chromium."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openkam.opportunities.choices import QUALIFICATION, CloseReason, Stage
from openkam.opportunities.models import Opportunity
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import OpportunityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_moves_an_opportunity_column_by_column_to_won(page, world):
    today = timezone.localdate()
    opportunity = OpportunityFactory(
        account=world.account,
        title="Retrofit Montagelinie 4",
        value=Decimal("120000.00"),
        expected_close=today + datetime.timedelta(days=45),
    )
    # Another open opportunity keeps the totals honest: only the moved card's value may wander.
    OpportunityFactory(
        account=world.account,
        title="Servicevertrag Halle 2",
        stage=Stage.PROPOSAL,
        value=Decimal("30000.00"),
        expected_close=today + datetime.timedelta(days=20),
    )

    login(page, "kam", PASSWORD)
    page.goto("/pipeline/")
    expect(page.locator("h1")).to_have_text("Pipeline board")
    card = page.locator(f"#card-{opportunity.pk}")
    expect(card).to_have_attribute("data-stage", "identified")
    expect(page.locator("#col-identified-sums [data-sum=value]")).to_have_text("€120,000")
    expect(page.locator("#col-proposal-sums [data-sum=value]")).to_have_text("€30,000")
    assert_accessible(page)

    # Nothing of the checklist is ticked: the move is refused, and the card says why.
    card.locator("button:has-text('Move')").click()
    expect(card.locator(".pl-card-error")).to_contain_text("cannot move to “Qualified” yet")
    expect(card.locator(".pl-card-error")).to_contain_text("The customer has confirmed a need")
    expect(card).to_have_attribute("data-stage", "identified")
    assert Opportunity.objects.get(pk=opportunity.pk).stage == Stage.IDENTIFIED

    # The team ticks the checklist on the opportunity's page …
    card.locator(".pl-card-title a").click()
    expect(page.locator("#checklist-h")).to_be_visible()
    for items in QUALIFICATION.values():
        for key, _label in items:
            with page.expect_response(re.compile(r"/checks/$")):
                page.check(f"#check-{key}")
            expect(page.locator(f"#check-{key}")).to_be_checked()

    # … and moves the card on, column by column; the column sums follow.
    page.goto("/pipeline/")
    steps = [
        (Stage.QUALIFIED, "Qualified"),
        (Stage.SOLUTION, "Solution development"),
        (Stage.PROPOSAL, "Offer submitted"),
        (Stage.NEGOTIATION, "Negotiation"),
    ]
    previous = "identified"
    for stage, label in steps:
        card.locator("[data-move-stage]").select_option(stage)
        card.locator("button:has-text('Move')").click()
        expect(card).to_have_attribute("data-stage", stage)
        expect(page.locator("#pipeline-status")).to_contain_text(f"moved to “{label}”")
        expect(page.locator(f"#col-{previous}-sums [data-sum=count]")).to_have_text(
            "1 opportunity" if previous == "proposal" else "0 opportunities"
        )
        expected_value = "€150,000" if stage == Stage.PROPOSAL else "€120,000"
        expect(page.locator(f"#col-{stage}-sums [data-sum=value]")).to_have_text(expected_value)
        previous = stage
    expect(page.locator("#col-negotiation-sums [data-sum=weighted]")).to_have_text("weighted €96,000")
    expect(page.locator("[data-total=weighted]")).to_have_text("€114,000")  # 96,000 + 60 % of 30,000

    # Won needs a reason: the card asks for it, then closes.
    card.locator("[data-move-stage]").select_option(Stage.WON)
    card.locator("button:has-text('Move')").click()
    expect(card.locator(".pl-card-error")).to_contain_text(
        "Give the reason why the opportunity was won or lost."
    )
    expect(card.locator("[data-move-reason]")).to_be_focused()
    card.locator("[data-move-stage]").select_option(Stage.WON)
    card.locator("[data-move-reason]").select_option(CloseReason.RELATIONSHIP)
    card.locator("button:has-text('Move')").click()
    expect(page.locator("#pipeline-status")).to_contain_text("moved to “Won”")
    expect(page.locator("#col-won-sums [data-sum=value]")).to_have_text("€120,000")
    expect(page.locator("#col-negotiation-sums [data-sum=count]")).to_have_text("0 opportunities")
    expect(page.locator("[data-total=won]")).to_contain_text("€120,000")
    expect(page.locator("[data-total=open-value]")).to_have_text("€30,000")
    page.locator("section[data-stage=won] details.pl-closed > summary").click()
    expect(card).to_be_visible()
    expect(card).to_contain_text("Relationship")

    won = Opportunity.objects.get(pk=opportunity.pk)
    assert (won.stage, won.close_reason, won.closed_on) == (Stage.WON, CloseReason.RELATIONSHIP, today)
    assert list(won.stage_changes.values_list("to_stage", flat=True)) == [
        Stage.QUALIFIED,
        Stage.SOLUTION,
        Stage.PROPOSAL,
        Stage.NEGOTIATION,
        Stage.WON,
    ]
    page.reload()
    assert_accessible(page)


def test_dragging_a_card_onto_a_column_moves_it(page, world):
    opportunity = OpportunityFactory(
        account=world.account, title="Antriebspaket Linie 7", stage=Stage.PROPOSAL
    )
    login(page, "kam", PASSWORD)
    page.goto("/pipeline/")
    card = page.locator(f"#card-{opportunity.pk}")

    # Back to solution development needs no checklist.
    card.drag_to(page.locator("section[data-stage=solution]"))

    expect(card).to_have_attribute("data-stage", "solution")
    expect(page.locator("#col-solution-sums [data-sum=count]")).to_have_text("1 opportunity")
    assert Opportunity.objects.get(pk=opportunity.pk).stage == Stage.SOLUTION


def test_management_sees_every_account_filters_in_place_and_cannot_move(page, world):
    OpportunityFactory(account=world.account, title="Retrofit Montagelinie 4", value=Decimal("10000.00"))
    OpportunityFactory(account=world.other_account, title="Getriebe Werk Süd", value=Decimal("25000.00"))
    login(page, "head", PASSWORD)
    page.goto("/pipeline/")
    expect(page.locator(".pl-card")).to_have_count(2)
    expect(page.locator("[data-total=open-value]")).to_have_text("€35,000")
    expect(page.locator(".pl-move")).to_have_count(0)
    expect(page.locator(".pl-card[draggable=true]")).to_have_count(0)

    page.select_option("#id_account", label="Beta Antriebe")

    expect(page.locator(".pl-card")).to_have_count(1)
    expect(page.locator(".pl-card")).to_contain_text("Getriebe Werk Süd")
    expect(page.locator("[data-total=open-value]")).to_have_text("€25,000")
    assert f"account={world.other_account.pk}" in page.url

"""A KAM works through growth-plan questions in a real Chromium."""

import pytest
from playwright.sync_api import expect

from openkam.growth.models import Answer, Question
from openkam.growth.question_bank import install_default_questions
from openkam.plans.choices import ActionSource
from openkam.plans.models import Action
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import plan_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_answers_rejects_and_delegates_questions_and_sees_the_completeness_grow(page, world):
    # Transactional tests empty the tables afterwards, the shipped bank included: install it again.
    install_default_questions(Question)
    plan = plan_of(world)
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/plans/{plan.pk}/questions/")
    expect(page.locator("h1")).to_have_text("Growth-plan questions")
    people = page.locator("#completeness tr[data-category='people']")
    expect(people.locator(".percent")).to_have_text("0\xa0%")
    expect(page.locator("#fit-concerns")).to_contain_text("No answer speaks against the KAM fit")
    assert_accessible(page)

    # Answer one question, flagging that it speaks against the fit.
    page.locator("#q-people-coach").get_by_role("link", name="Answer").click()
    expect(page.locator("h1")).to_have_text(
        "Who at the customer acts as our coach and guides us through their buying process?"
    )
    assert_accessible(page)
    page.get_by_label("Answer it").check()
    page.fill("#id_text", "Niemand – der Einkauf lässt keinen Kontakt zur Technik zu.")
    page.get_by_label("This answer speaks against treating the customer as a key account").check()
    page.click("button:has-text('Save')")
    expect(page.locator("#q-people-coach")).to_contain_text("der Einkauf lässt keinen Kontakt")
    expect(people.locator(".percent")).to_have_text("12\xa0%")  # 1 of 8
    expect(page.locator("#fit-concerns")).to_contain_text("1 answer speaks against the KAM fit")

    # Mark one as not applicable: fewer questions apply, so the share rises.
    page.locator("#q-people-changes").get_by_role("link", name="Answer").click()
    page.get_by_label("Does not apply to this account").check()
    page.click("button:has-text('Save')")
    expect(page.locator("#id_not_applicable_reason ~ [role=alert]")).to_contain_text("Say briefly why")
    page.fill("#id_not_applicable_reason", "Das Management ist seit Jahren stabil.")
    page.click("button:has-text('Save')")
    expect(page.locator("#q-people-changes")).to_contain_text(
        "Does not apply: Das Management ist seit Jahren stabil."
    )
    expect(people.locator(".percent")).to_have_text("14\xa0%")  # 1 of 7 applicable

    # Turn one into a research action for a teammate.
    page.locator("#q-people-motives").get_by_role("link", name="Answer").click()
    page.get_by_label("Find out: create a research action").check()
    page.fill("#id_text", "Beim Jahresgespräch nach den Zielen der Geschäftsführung fragen.")
    page.select_option("#id_research_owner", label="Tom Teich")
    page.fill("#id_research_due_date", "2026-06-30")
    page.click("button:has-text('Save')")
    expect(page.locator("#q-people-motives")).to_contain_text("Research action: Tom Teich, due 06/30/2026")
    expect(people.locator("td.num").nth(2)).to_have_text("1")  # research column
    expect(people.locator(".percent")).to_have_text("14\xa0%")  # research is not an answer yet
    page.reload()  # without the one-time message (see designations' browser test)
    assert_accessible(page)

    action = Action.objects.get()
    assert (action.owner, action.source, action.due_date.isoformat()) == (
        world.teammate,
        ActionSource.RESEARCH,
        "2026-06-30",
    )
    assert Answer.objects.get(question__key="people-motives").action == action
    assert Answer.objects.filter(plan=plan).count() == 3


def test_an_administrator_moves_and_deactivates_a_question(page, world):
    install_default_questions(Question)
    login(page, "admin", PASSWORD)
    page.goto("/question-bank/")
    expect(page.locator("h1")).to_have_text("Question bank")
    assert_accessible(page)

    capacity = Question.objects.get(key="team-capacity")
    row = page.locator(f"#question-{capacity.pk}")
    row.get_by_role("button", name="Move up").click()
    expect(page.locator("#bank-team tbody tr").nth(2)).to_have_attribute("data-key", "team-capacity")
    page.locator(f"#question-{capacity.pk}").get_by_role("button", name="Deactivate").click()
    expect(page.locator(f"#question-{capacity.pk}")).to_contain_text("deactivated")
    expect(page.locator(".page-head")).to_contain_text("56 of 57 growth-plan questions are active")

    capacity.refresh_from_db()
    assert (capacity.position, capacity.is_active) == (3, False)

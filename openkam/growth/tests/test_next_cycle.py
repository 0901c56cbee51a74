"""The growth-plan answers in the next planning cycle: what ``plans.services.plan_start_next_cycle``
takes over through the growth app's copier (``services.answers_carry_over``)."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.core.selectors import timeline_for_account
from openkam.growth import services
from openkam.growth.choices import AnswerStatus
from openkam.growth.models import Answer, Question
from openkam.growth.selectors import completeness_total, fit_concerns, plan_completeness
from openkam.plans import services as plan_services
from openkam.plans.choices import ActionSource, ActionStatus
from openkam.plans.models import Action, Plan
from openkam.plans.selectors import open_actions_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    return plan_services.plan_create(actor=world.owner, account=world.account, fiscal_year=2026)


def q(key: str) -> Question:
    return Question.objects.get(key=key)


def answer(plan, actor, key, **values):
    return services.answer_save(actor=actor, plan=plan, question=q(key), version=0, **values)


@pytest.fixture
def answered(world, plan):
    """A plan of 2026 with one answer in every status, given by the account's owner."""
    answer(
        plan,
        world.owner,
        "people-coach",
        status=AnswerStatus.ANSWERED,
        text="Die Leiterin der Instandhaltung.",
    )
    answer(
        plan,
        world.owner,
        "insights-profitability",
        status=AnswerStatus.ANSWERED,
        text="Nach Sonderkonditionen bleibt kaum Deckungsbeitrag.",
        against_fit=True,
    )
    answer(
        plan,
        world.owner,
        "trends-consolidation",
        status=AnswerStatus.NOT_APPLICABLE,
        not_applicable_reason="Familienunternehmen, keine Übernahmen geplant.",
    )
    answer(
        plan,
        world.owner,
        "people-blockers",
        status=AnswerStatus.RESEARCH,
        text="Wie steht der neue Controlling-Leiter zu uns?",
        research_owner=world.teammate,
        research_due_date=date(2026, 9, 30),
    )
    answer(plan, world.owner, "people-motives", status=AnswerStatus.OPEN, text="Entwurf: Unabhängigkeit?")
    return plan


def _answers(plan) -> dict[str, tuple]:
    return {
        a.question.key: (a.status, a.text, a.not_applicable_reason, a.against_fit, a.action_id)
        for a in Answer.objects.filter(plan=plan).select_related("question")
    }


def test_the_next_cycle_takes_over_what_the_team_knows_and_reopens_what_it_was_researching(world, answered):
    new = plan_services.plan_start_next_cycle(actor=world.teammate, plan=answered)

    assert _answers(new) == {
        "people-coach": (AnswerStatus.ANSWERED, "Die Leiterin der Instandhaltung.", "", False, None),
        "insights-profitability": (
            AnswerStatus.ANSWERED,
            "Nach Sonderkonditionen bleibt kaum Deckungsbeitrag.",
            "",
            True,
            None,
        ),
        "trends-consolidation": (
            AnswerStatus.NOT_APPLICABLE,
            "",
            "Familienunternehmen, keine Übernahmen geplant.",
            False,
            None,
        ),
        # What was to be found out is open again, with the notes as its draft.
        "people-blockers": (
            AnswerStatus.OPEN,
            "Wie steht der neue Controlling-Leiter zu uns?",
            "",
            False,
            None,
        ),
        "people-motives": (AnswerStatus.OPEN, "Entwurf: Unabhängigkeit?", "", False, None),
    }
    copies = list(Answer.objects.filter(plan=new))
    assert {(a.version, a.updated_by_id) for a in copies} == {(1, world.teammate.pk)}
    assert fit_concerns(new) == 1
    rows = completeness_total(plan_completeness(new))
    assert (rows.answered, rows.not_applicable, rows.research) == (2, 1, 0)
    # The old plan is untouched.
    assert _answers(answered)["people-blockers"][0] == AnswerStatus.RESEARCH


def test_the_research_action_stays_with_the_old_plan_and_on_the_task_list(world, answered):
    research = Action.objects.get(plan=answered, source=ActionSource.RESEARCH)

    new = plan_services.plan_start_next_cycle(actor=world.owner, plan=answered)

    assert not new.actions.exists()
    research.refresh_from_db()
    assert (research.plan, research.status) == (answered, ActionStatus.OPEN)
    assert Answer.objects.get(plan=answered, question__key="people-blockers").action == research
    assert Answer.objects.get(plan=new, question__key="people-blockers").action is None
    assert research in open_actions_for_user(world.teammate)
    # The reopened question can be turned into a research action of the new plan.
    again = services.answer_save(
        actor=world.owner,
        plan=new,
        question=q("people-blockers"),
        status=AnswerStatus.RESEARCH,
        text="Noch einmal nachfragen.",
        research_owner=world.teammate,
        research_due_date=date(2027, 3, 31),
        version=1,
    )
    assert again.action.plan == new and again.action != research


def test_answers_to_deactivated_questions_and_empty_drafts_are_not_taken_over(world, answered):
    services.question_deactivate(actor=world.admin, question=q("trends-consolidation"))
    answer(answered, world.owner, "people-levels", status=AnswerStatus.OPEN)

    new = plan_services.plan_start_next_cycle(actor=world.owner, plan=answered)

    keys = set(_answers(new))
    assert "trends-consolidation" not in keys and "people-levels" not in keys
    assert keys == {"people-coach", "insights-profitability", "people-blockers", "people-motives"}
    # The old plan keeps its answer to the deactivated question.
    assert "trends-consolidation" in _answers(answered)


def test_one_entry_on_the_account_timeline_records_how_many_answers_were_taken_over(world, answered):
    new = plan_services.plan_start_next_cycle(actor=world.teammate, plan=answered)

    (entry,) = AuditEntry.objects.filter(action="growth.answer.carry_over")
    assert (entry.account_id, entry.actor, entry.target_type, entry.target_id) == (
        world.account.pk,
        world.teammate,
        "plans.plan",
        str(new.pk),
    )
    assert entry.changes == {"previous": str(answered), "answers": 5}
    assert entry in timeline_for_account(world.account.pk)
    # The copies themselves are not audited one by one.
    assert not AuditEntry.objects.filter(
        target_type="growth.answer",
        target_id__in=[str(pk) for pk in Answer.objects.filter(plan=new).values_list("pk", flat=True)],
    ).exists()


def test_a_plan_without_answers_starts_the_next_cycle_without_a_growth_entry(world, plan):
    new = plan_services.plan_start_next_cycle(actor=world.owner, plan=plan)

    assert not Answer.objects.filter(plan=new).exists()
    assert not AuditEntry.objects.filter(action="growth.answer.carry_over").exists()
    assert AuditEntry.objects.filter(action="plans.plan.next_cycle").count() == 1


@pytest.mark.parametrize("persona", ["extended", "manager", "other_kam", "admin"])
def test_only_the_owner_and_the_core_team_start_the_next_cycle_with_the_answers(world, answered, persona):
    with pytest.raises(PermissionDenied):
        plan_services.plan_start_next_cycle(actor=getattr(world, persona), plan=answered)
    with pytest.raises(PermissionDenied):
        services.answers_carry_over(actor=getattr(world, persona), previous=answered, plan=answered)
    assert list(Plan.objects.values_list("fiscal_year", flat=True)) == [2026]
    assert Answer.objects.count() == 5


def test_answers_are_carried_only_between_plans_of_one_account(world, answered):
    other = plan_services.plan_create(actor=world.other_kam, account=world.other_account, fiscal_year=2027)
    with pytest.raises(ValueError):
        services.answers_carry_over(actor=None, previous=answered, plan=other)
    assert not Answer.objects.filter(plan=other).exists()


def test_questions_the_new_plan_answered_already_are_left_alone(world, answered):
    new = plan_services.plan_create(actor=world.owner, account=world.account, fiscal_year=2027)
    answer(new, world.owner, "people-coach", status=AnswerStatus.ANSWERED, text="Neu: der Werksleiter.")

    carried = services.answers_carry_over(actor=world.owner, previous=answered, plan=new)

    assert carried == 4
    assert _answers(new)["people-coach"][1] == "Neu: der Werksleiter."


def test_the_page_and_the_api_start_the_next_cycle_with_the_answers(world, answered):
    client = Client()
    client.force_login(world.teammate)
    response = client.post(
        reverse("plans:next-cycle", args=[world.account.pk, answered.pk]),
        {"fiscal_year": "2027", "plan_type": answered.plan_type},
    )
    assert response.status_code == 302
    page_plan = Plan.objects.get(fiscal_year=2027)
    assert len(_answers(page_plan)) == 5

    client.force_login(world.owner)
    response = client.post(
        f"/api/v1/plans/{page_plan.pk}/next-cycle", data=json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 201
    api_plan = Plan.objects.get(pk=response.json()["id"])
    # Taken over again: answered and not applicable as they were, the open drafts open.
    assert {key: values[0] for key, values in _answers(api_plan).items()} == {
        "people-coach": AnswerStatus.ANSWERED,
        "insights-profitability": AnswerStatus.ANSWERED,
        "trends-consolidation": AnswerStatus.NOT_APPLICABLE,
        "people-blockers": AnswerStatus.OPEN,
        "people-motives": AnswerStatus.OPEN,
    }
    assert {a.updated_by for a in Answer.objects.filter(plan=api_plan)} == {world.owner}


def test_a_next_cycle_that_fails_keeps_neither_the_plan_nor_the_answers(world, answered, monkeypatch):
    def refuse(*, actor, previous, plan):
        raise RuntimeError("a later part of the plan could not be taken over")

    # A copier registered after the growth app's one fails: the whole start is undone.
    monkeypatch.setitem(plan_services._NEXT_CYCLE_COPIERS, "test-refuses", refuse)
    order = list(plan_services._NEXT_CYCLE_COPIERS)
    assert order.index("growth") < order.index("test-refuses")

    with pytest.raises(RuntimeError):
        plan_services.plan_start_next_cycle(actor=world.owner, plan=answered)

    assert list(Plan.objects.values_list("fiscal_year", flat=True)) == [2026]
    assert Answer.objects.count() == 5
    assert not AuditEntry.objects.filter(
        action__in=["growth.answer.carry_over", "plans.plan.next_cycle"]
    ).exists()

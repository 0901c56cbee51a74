"""Answers, research actions, completeness, fit concerns and the question-bank services."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.core.selectors import timeline_for_account
from openkam.growth import services
from openkam.growth.choices import AnswerStatus, Category
from openkam.growth.models import Answer, Question
from openkam.growth.selectors import (
    bank_by_category,
    completeness_total,
    fit_concerns,
    plan_completeness,
    plan_snapshot,
)
from openkam.plans.choices import ActionSource, ActionStatus
from openkam.plans.models import Action
from openkam.testing.factories import UserFactory
from openkam.users.choices import Role

from .factories import PlanFactory, plan_of

pytestmark = pytest.mark.django_db


def q(key: str) -> Question:
    return Question.objects.get(key=key)


def save(world, key, actor=None, **values):
    plan = plan_of(world)
    values.setdefault("version", 0)
    return services.answer_save(actor=actor or world.owner, plan=plan, question=q(key), **values)


# Answering --------------------------------------------------------------------------------------


def test_the_owner_answers_a_question_and_the_timeline_shows_it(world):
    answer = save(
        world, "people-coach", status=AnswerStatus.ANSWERED, text="  Die Leiterin der Instandhaltung.  "
    )

    assert answer.status == AnswerStatus.ANSWERED
    assert answer.text == "Die Leiterin der Instandhaltung."
    assert answer.version == 1
    assert answer.updated_by == world.owner
    (entry,) = [e for e in timeline_for_account(world.account.pk) if e.action == "growth.answer.answer"]
    assert entry.actor == world.owner
    assert entry.changes["question"] == "people-coach"
    assert entry.changes["status"] == ["open", "answered"]
    assert entry.target_type == "growth.answer"


def test_a_core_team_member_answers_but_extended_team_management_and_outsiders_may_not(world):
    save(world, "team-capacity", actor=world.teammate, status=AnswerStatus.ANSWERED, text="Genug Zeit.")

    for persona in (world.extended, world.manager, world.other_kam, world.admin):
        with pytest.raises(PermissionDenied):
            save(world, "team-core-team", actor=persona, status=AnswerStatus.ANSWERED, text="x")
    assert Answer.objects.count() == 1


def test_an_answer_needs_text_and_a_not_applicable_question_a_reason(world):
    with pytest.raises(ValidationError) as empty:
        save(world, "needs-kpis", status=AnswerStatus.ANSWERED, text="   ")
    with pytest.raises(ValidationError) as no_reason:
        save(world, "needs-kpis", status=AnswerStatus.NOT_APPLICABLE)
    with pytest.raises(ValidationError) as flagged:
        save(
            world,
            "needs-kpis",
            status=AnswerStatus.NOT_APPLICABLE,
            not_applicable_reason="x",
            against_fit=True,
        )

    assert set(empty.value.message_dict) == {"text"}
    assert set(no_reason.value.message_dict) == {"not_applicable_reason"}
    assert set(flagged.value.message_dict) == {"against_fit"}
    assert not Answer.objects.exists()


def test_marking_not_applicable_records_the_reason(world):
    answer = save(
        world,
        "trends-consolidation",
        status=AnswerStatus.NOT_APPLICABLE,
        not_applicable_reason="Familienunternehmen, keine Übernahmen geplant.",
    )

    assert answer.status == AnswerStatus.NOT_APPLICABLE
    assert answer.not_applicable_reason.startswith("Familienunternehmen")
    assert AuditEntry.objects.filter(
        action="growth.answer.not_applicable", account_id=world.account.pk
    ).exists()


def test_research_creates_an_action_of_the_plan_with_owner_and_due_date(world):
    answer = save(
        world,
        "people-blockers",
        status=AnswerStatus.RESEARCH,
        text="Haltung des neuen Controllers klären.",
        research_owner=world.teammate,
        research_due_date=date(2026, 4, 30),
    )

    action = Action.objects.get()
    assert answer.action == action
    assert action.plan == plan_of(world)
    assert action.owner == world.teammate
    assert action.due_date == date(2026, 4, 30)
    assert action.source == ActionSource.RESEARCH
    assert action.status == ActionStatus.OPEN
    assert action.notes == "Haltung des neuen Controllers klären."
    assert q("people-blockers").text in action.title  # in the language of the person who asked
    actions = {entry.action for entry in timeline_for_account(world.account.pk)}
    assert {"growth.answer.research", "plans.action.create"} <= actions


def test_research_needs_an_owner_on_the_team_and_a_deadline(world):
    with pytest.raises(ValidationError) as missing:
        save(world, "people-blockers", status=AnswerStatus.RESEARCH)
    outsider = UserFactory(role=Role.KAM)
    with pytest.raises(ValidationError) as not_on_team:
        save(
            world,
            "people-blockers",
            status=AnswerStatus.RESEARCH,
            research_owner=outsider,
            research_due_date=date(2026, 5, 1),
        )

    assert set(missing.value.message_dict) == {"research_owner", "research_due_date"}
    assert set(not_on_team.value.message_dict) == {"research_owner"}
    assert not Action.objects.exists() and not Answer.objects.exists()


def test_an_open_research_action_is_reused_and_a_finished_one_replaced(world):
    first = save(
        world,
        "people-motives",
        status=AnswerStatus.RESEARCH,
        research_owner=world.owner,
        research_due_date=date(2026, 4, 1),
    )
    again = save(world, "people-motives", status=AnswerStatus.RESEARCH, text="Notiz", version=first.version)
    assert Action.objects.count() == 1 and again.action == first.action

    Action.objects.filter(pk=first.action_id).update(status=ActionStatus.DONE)
    answered = save(
        world, "people-motives", status=AnswerStatus.ANSWERED, text="Macht und Status.", version=again.version
    )
    assert answered.action_id == first.action_id  # the research stays linked as history
    with pytest.raises(ValidationError):
        save(world, "people-motives", status=AnswerStatus.RESEARCH, version=answered.version)
    reopened = save(
        world,
        "people-motives",
        status=AnswerStatus.RESEARCH,
        research_owner=world.teammate,
        research_due_date=date(2026, 9, 1),
        version=answered.version,
    )
    assert Action.objects.count() == 2
    assert reopened.action.owner == world.teammate


def test_a_deactivated_question_can_no_longer_be_answered(world):
    services.question_deactivate(actor=world.admin, question=q("trends-economy"))

    with pytest.raises(ValidationError):
        save(world, "trends-economy", status=AnswerStatus.ANSWERED, text="x")


# Optimistic locking -----------------------------------------------------------------------------


def test_two_first_answers_from_the_same_state_conflict_and_the_second_can_save_on_top(world):
    save(world, "needs-strategy", status=AnswerStatus.ANSWERED, text="Servicegeschäft ausbauen.")

    with pytest.raises(EditConflict) as conflict:
        save(world, "needs-strategy", actor=world.teammate, status=AnswerStatus.ANSWERED, text="Plattformen.")

    assert conflict.value.current.version == 1
    assert conflict.value.theirs == {"text": "Servicegeschäft ausbauen."}
    merged = save(
        world,
        "needs-strategy",
        actor=world.teammate,
        status=AnswerStatus.ANSWERED,
        text="Servicegeschäft ausbauen; Plattformen.",
        version=conflict.value.current.version,
    )
    assert merged.version == 2
    assert Answer.objects.get().text == "Servicegeschäft ausbauen; Plattformen."


def test_an_edit_from_an_old_version_conflicts(world):
    first = save(world, "needs-hurdles", status=AnswerStatus.ANSWERED, text="Zu viele Varianten.")
    save(
        world,
        "needs-hurdles",
        status=AnswerStatus.ANSWERED,
        text="Zu viele Varianten, zu wenig Personal.",
        version=1,
    )

    with pytest.raises(EditConflict):
        save(world, "needs-hurdles", actor=world.teammate, status=AnswerStatus.OPEN, version=first.version)
    assert Answer.objects.get().status == AnswerStatus.ANSWERED
    assert AuditEntry.objects.filter(action__startswith="growth.answer").count() == 2


# Completeness, fit concerns, snapshot -----------------------------------------------------------


def test_completeness_counts_applicable_questions_per_category(world):
    plan = plan_of(world)
    save(world, "team-core-team", status=AnswerStatus.ANSWERED, text="KAM, Innendienst")
    save(world, "team-capacity", status=AnswerStatus.ANSWERED, text="Ja")
    save(
        world,
        "team-skill-gaps",
        status=AnswerStatus.NOT_APPLICABLE,
        not_applicable_reason="Team ist komplett",
    )
    save(
        world,
        "team-executive-sponsor",
        status=AnswerStatus.RESEARCH,
        research_owner=world.owner,
        research_due_date=date(2026, 3, 1),
    )
    save(world, "team-responsibilities", status=AnswerStatus.OPEN, text="Entwurf")
    save(
        world,
        "needs-kpis",
        status=AnswerStatus.NOT_APPLICABLE,
        not_applicable_reason="Keine Kennzahlen bekannt",
    )

    rows = {row.category: row for row in plan_completeness(plan)}

    assert list(rows) == Category.values
    team = rows[Category.TEAM]
    assert (team.total, team.answered, team.not_applicable, team.research, team.open) == (7, 2, 1, 1, 3)
    assert team.percent == 33  # 2 of 6 applicable, rounded down
    assert str(team.label) == "Our team"
    assert rows[Category.NEEDS].percent == 0 and rows[Category.NEEDS].not_applicable == 1
    total = completeness_total(rows.values())
    assert (total.total, total.answered, total.not_applicable, total.open) == (57, 2, 2, 52)
    assert total.percent == 3  # 2 of 55


def test_a_category_where_nothing_applies_is_complete_and_deactivated_questions_do_not_count(world):
    plan = plan_of(world)
    for question in Question.objects.filter(category=Category.UNKNOWNS):
        save(world, question.key, status=AnswerStatus.NOT_APPLICABLE, not_applicable_reason="Alles bekannt")
    save(world, "trends-economy", status=AnswerStatus.ANSWERED, text="Energiepreise")
    services.question_deactivate(actor=None, question=q("trends-economy"))

    rows = {row.category: row for row in plan_completeness(plan)}

    assert rows[Category.UNKNOWNS].percent == 100
    assert (rows[Category.TRENDS].total, rows[Category.TRENDS].answered) == (6, 0)


def test_fit_concerns_count_the_flagged_answers(world):
    plan = plan_of(world)
    assert fit_concerns(plan) == 0
    save(world, "insights-profitability", status=AnswerStatus.ANSWERED, text="Kaum Marge", against_fit=True)
    save(world, "value-investment", status=AnswerStatus.ANSWERED, text="Rechnet sich nicht", against_fit=True)
    save(world, "value-why-us", status=AnswerStatus.ANSWERED, text="Service")

    assert fit_concerns(plan) == 2
    assert fit_concerns(PlanFactory(account=world.other_account)) == 0


def test_the_snapshot_is_plain_json_with_every_active_question_and_retired_answers(world):
    plan = plan_of(world)
    save(world, "value-why-us", status=AnswerStatus.ANSWERED, text="Service in 24 Stunden", against_fit=False)
    save(
        world,
        "people-blockers",
        status=AnswerStatus.RESEARCH,
        research_owner=world.teammate,
        research_due_date=date(2026, 5, 31),
    )
    save(world, "trends-economy", status=AnswerStatus.ANSWERED, text="Energiepreise")
    services.question_deactivate(actor=None, question=q("trends-economy"))

    snapshot = json.loads(json.dumps(plan_snapshot(plan)))

    assert snapshot["schema"] == 1
    by_key = {item["key"]: item for item in snapshot["questions"]}
    assert len(by_key) == 57  # 56 active + the deactivated one that was answered
    assert by_key["value-why-us"]["answer"] == "Service in 24 Stunden"
    assert by_key["value-why-us"]["updated_by"] == "Katrin Amann"
    assert by_key["team-core-team"]["status"] == "open" and by_key["team-core-team"]["updated_at"] is None
    research = by_key["people-blockers"]["action"]
    assert (research["owner"], research["due_date"], research["status"]) == (
        "Tom Teich",
        "2026-05-31",
        "open",
    )
    assert by_key["trends-economy"]["active"] is False
    assert by_key["trends-economy"]["text_de"].startswith("Wie wirken sich Konjunktur")
    trends = next(row for row in snapshot["completeness"] if row["category"] == "trends")
    assert (trends["total"], trends["answered"]) == (6, 0)


def test_completeness_costs_two_queries(world):
    plan = plan_of(world)
    with CaptureQueriesContext(connection) as ctx:
        plan_completeness(plan)
    assert len(ctx.captured_queries) == 2


# The question bank ------------------------------------------------------------------------------


def test_an_administrator_adds_a_question_at_the_end_of_its_category_with_a_key(world):
    question = services.question_create(
        actor=world.admin,
        category=Category.NEEDS,
        text_en=" Which deliveries does the customer check on arrival? ",
        text_de="Welche Lieferungen prüft der Kunde beim Wareneingang?",
    )

    assert question.key == "which-deliveries-does-the-customer-check-on-arrival"
    assert question.text_en == "Which deliveries does the customer check on arrival?"
    assert question.position == 9
    assert question.is_active
    entry = AuditEntry.objects.get(action="growth.question.create")
    assert entry.account_id is None and entry.actor == world.admin
    twin = services.question_create(
        actor=world.admin, category=Category.NEEDS, text_en=question.text_en, text_de=question.text_de
    )
    assert twin.key == question.key + "-2"


def test_only_administrators_change_the_bank(world):
    question = q("team-capacity")
    for persona in (world.owner, world.teammate, world.manager):
        with pytest.raises(PermissionDenied):
            services.question_create(actor=persona, category=Category.TEAM, text_en="A?", text_de="B?")
        with pytest.raises(PermissionDenied):
            services.question_update(actor=persona, question=question, version=1, text_en="A?")
        with pytest.raises(PermissionDenied):
            services.question_deactivate(actor=persona, question=question)
        with pytest.raises(PermissionDenied):
            services.question_move(actor=persona, question=question, direction="up")
    assert not AuditEntry.objects.exists()


def test_a_question_needs_both_languages_and_a_free_key(world):
    with pytest.raises(ValidationError) as missing:
        services.question_create(actor=world.admin, category=Category.TEAM, text_en="Who?", text_de=" ")
    with pytest.raises(ValidationError) as taken:
        services.question_create(
            actor=world.admin, category=Category.TEAM, text_en="Who?", text_de="Wer?", key="team-core-team"
        )

    assert set(missing.value.message_dict) == {"text_de"}
    assert set(taken.value.message_dict) == {"key"}


def test_editing_a_question_is_versioned_and_a_new_category_puts_it_last(world):
    question = q("team-capacity")
    updated = services.question_update(
        actor=world.admin, question=question, version=1, text_de="Haben wir genug Zeit und Budget?"
    )
    assert updated.version == 2

    with pytest.raises(EditConflict) as conflict:
        services.question_update(actor=world.admin, question=question, version=1, text_de="Andere Fassung?")
    assert conflict.value.theirs == {"text_de": "Haben wir genug Zeit und Budget?"}

    moved = services.question_update(
        actor=world.admin, question=question, version=2, category=Category.UNKNOWNS
    )
    assert moved.category == Category.UNKNOWNS
    assert moved.position == 7
    assert moved.key == "team-capacity"


def test_deactivating_and_reactivating_keeps_the_answers(world):
    question = q("trends-economy")
    save(world, "trends-economy", status=AnswerStatus.ANSWERED, text="Energiepreise")

    services.question_deactivate(actor=world.admin, question=question)
    assert Question.objects.filter(is_active=True).count() == 56
    assert Answer.objects.get().text == "Energiepreise"
    services.question_reactivate(actor=world.admin, question=question)

    assert q("trends-economy").is_active
    actions = list(
        AuditEntry.objects.filter(action__startswith="growth.question")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["growth.question.deactivate", "growth.question.reactivate"]


def test_moving_a_question_renumbers_its_category(world):
    services.question_move(actor=world.admin, question=q("team-capacity"), direction="up")
    order = list(
        Question.objects.filter(category=Category.TEAM).order_by("position").values_list("key", flat=True)
    )
    assert order[:4] == ["team-core-team", "team-roles-covered", "team-capacity", "team-responsibilities"]

    services.question_reorder(actor=world.admin, question=q("team-core-team"), position=99)
    order = list(
        Question.objects.filter(category=Category.TEAM).order_by("position").values_list("key", flat=True)
    )
    assert order[-1] == "team-core-team" and order[0] == "team-roles-covered"
    positions = list(
        Question.objects.filter(category=Category.TEAM)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert positions == list(range(1, 8))
    with pytest.raises(ValidationError):
        services.question_move(actor=world.admin, question=q("team-core-team"), direction="sideways")


def test_the_bank_lists_every_question_with_how_often_plans_used_it(world):
    save(world, "people-coach", status=AnswerStatus.ANSWERED, text="Frau Berger")
    save(world, "people-levels", status=AnswerStatus.OPEN, text="Entwurf")
    services.question_deactivate(actor=None, question=q("trends-economy"))

    categories = {c.category: c for c in bank_by_category()}

    people = {question.key: question.answer_count for question in categories[Category.PEOPLE].questions}
    assert people["people-coach"] == 1 and people["people-levels"] == 0
    assert categories[Category.TRENDS].active == 6 and len(categories[Category.TRENDS].questions) == 7

"""The services of the plans app: rights, validation, step rigour, locking and the audit trail."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from openkam.accounts.choices import AccountType, TeamScope
from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.plans import rigour, services
from openkam.plans.choices import ActionSource, ActionStatus, Element, PlanType, ReviewStatus, Step, StepState
from openkam.plans.models import Action, Goal, Plan, PlanVersion
from openkam.plans.selectors import open_actions_for_user, overdue_actions_for_account, plan_facts
from openkam.plans.snapshots import compare_snapshots
from openkam.testing.factories import TeamMembershipFactory, UserFactory

from .factories import ActionFactory, GoalFactory, PlanFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    return services.plan_create(actor=world.owner, account=world.account, fiscal_year=2026)


def _step(plan, step):
    return plan.steps.get(step=step)


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# Plans --------------------------------------------------------------------------------------------


def test_a_new_plan_has_five_steps_not_started_and_seven_empty_elements(world, plan):
    assert plan.plan_type == PlanType.EXISTING  # the account's type
    assert sorted(plan.steps.values_list("step", flat=True)) == sorted(Step.values)
    assert set(plan.steps.values_list("state", flat=True)) == {StepState.NOT_STARTED}
    assert sorted(plan.elements.values_list("element", flat=True)) == sorted(Element.values)
    (entry,) = _entries("plans.plan.create")
    assert entry.account_id == world.account.pk
    assert entry.actor == world.owner
    assert entry.changes == {"fiscal_year": 2026, "plan_type": "existing"}


def test_an_emerging_account_gets_an_emerging_plan(world):
    world.account.account_type = AccountType.EMERGING
    world.account.save()
    plan = services.plan_create(actor=world.teammate, account=world.account, fiscal_year=2027)
    assert plan.plan_type == PlanType.EMERGING


def test_a_second_plan_for_the_same_year_is_refused(world, plan):
    with pytest.raises(ValidationError) as caught:
        services.plan_create(actor=world.owner, account=world.account, fiscal_year=2026)
    assert "2026" in caught.value.message_dict["fiscal_year"][0]
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("persona", ["extended", "manager", "other_kam", "admin"])
def test_only_the_owner_and_the_core_team_create_plans(world, persona):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=world.persona(persona), account=world.account, fiscal_year=2026)
    assert not Plan.objects.exists()


def test_an_edit_from_an_old_version_is_a_conflict_and_can_be_merged(world, plan):
    services.plan_update(
        actor=world.owner, plan=Plan.objects.get(pk=plan.pk), version=1, vision="Partner Nr. 1"
    )

    with pytest.raises(EditConflict) as caught:
        services.plan_update(
            actor=world.teammate, plan=Plan.objects.get(pk=plan.pk), version=1, vision="Lieferant der Wahl"
        )
    assert caught.value.theirs == {"vision": "Partner Nr. 1"}
    assert Plan.objects.get(pk=plan.pk).vision == "Partner Nr. 1"

    services.plan_update(
        actor=world.teammate, plan=Plan.objects.get(pk=plan.pk), version=2, vision="Lieferant der Wahl"
    )
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.vision, stored.version) == ("Lieferant der Wahl", 3)
    updates = _entries("plans.plan.update")
    assert [e.changes["vision"] for e in updates] == [
        ["", "Partner Nr. 1"],
        ["Partner Nr. 1", "Lieferant der Wahl"],
    ]
    assert {e.account_id for e in updates} == {world.account.pk}


def test_resubmitting_what_is_stored_is_no_conflict(world, plan):
    services.plan_update(actor=world.owner, plan=plan, version=1, vision="Gleich")
    services.plan_update(actor=world.teammate, plan=Plan.objects.get(pk=plan.pk), version=1, vision="Gleich")
    assert Plan.objects.get(pk=plan.pk).version == 2
    assert len(_entries("plans.plan.update")) == 1


# Steps and their rigour ---------------------------------------------------------------------------


def test_the_strategy_step_of_an_existing_account_needs_vision_and_strategy(world, plan):
    step = _step(plan, Step.STRATEGY)
    with pytest.raises(ValidationError) as caught:
        services.plan_step_update(actor=world.owner, step=step, version=1, state=StepState.DONE)
    message = caught.value.message_dict["state"][0]
    assert "Vision for the account written" in message and "Strategy for the account written" in message
    assert _step(plan, Step.STRATEGY).state == StepState.NOT_STARTED

    services.plan_update(actor=world.owner, plan=plan, version=1, vision="Partner Nr. 1")
    with pytest.raises(ValidationError) as caught:
        services.plan_step_update(actor=world.owner, step=step, version=1, state=StepState.DONE)
    assert "Vision" not in caught.value.message_dict["state"][0]

    services.plan_update(actor=world.owner, plan=plan, version=2, strategy="Systemlieferant werden")
    services.plan_step_update(
        actor=world.owner, step=step, version=1, state=StepState.DONE, notes="Abgestimmt"
    )
    stored = _step(plan, Step.STRATEGY)
    assert (stored.state, stored.notes, stored.completed_by) == (StepState.DONE, "Abgestimmt", world.owner)
    assert stored.completed_at is not None
    (entry,) = _entries("plans.step.update")
    assert entry.changes["state"] == ["not_started", "done"]


def test_an_emerging_plan_needs_only_the_vision_for_its_strategy_step(world):
    plan = services.plan_create(
        actor=world.owner,
        account=world.account,
        fiscal_year=2026,
        plan_type=PlanType.EMERGING,
        vision="Fuß fassen",
    )
    services.plan_step_update(
        actor=world.owner, step=_step(plan, Step.STRATEGY), version=1, state=StepState.DONE
    )
    assert _step(plan, Step.STRATEGY).state == StepState.DONE


def test_setting_a_done_step_back_clears_its_completion(world, plan):
    services.plan_update(actor=world.owner, plan=plan, version=1, vision="V", strategy="S")
    step = _step(plan, Step.STRATEGY)
    services.plan_step_update(actor=world.owner, step=step, version=1, state=StepState.DONE)
    services.plan_step_update(actor=world.owner, step=step, version=2, state=StepState.IN_PROGRESS)
    stored = _step(plan, Step.STRATEGY)
    assert (stored.state, stored.completed_at, stored.completed_by) == (StepState.IN_PROGRESS, None, None)


def test_only_the_system_may_skip_the_rigour(world, plan):
    with pytest.raises(PermissionDenied):
        services.plan_step_update(
            actor=world.owner, step=_step(plan, Step.REVIEW), version=1, state=StepState.DONE, enforce=False
        )
    services.plan_step_update(
        actor=None, step=_step(plan, Step.REVIEW), version=1, state=StepState.DONE, enforce=False
    )
    assert _step(plan, Step.REVIEW).state == StepState.DONE


def test_two_edits_of_a_step_from_one_version_conflict(world, plan):
    services.plan_step_update(
        actor=world.owner, step=_step(plan, Step.RESEARCH), version=1, notes="Team steht"
    )
    with pytest.raises(EditConflict) as caught:
        services.plan_step_update(
            actor=world.teammate, step=_step(plan, Step.RESEARCH), version=1, state=StepState.IN_PROGRESS
        )
    assert caught.value.current.version == 2


def test_the_rules_per_plan_type():
    facts = rigour.PlanFacts(
        core_team=1,
        filled_elements={Element.FINANCIAL_KPIS, Element.POSITIONING, Element.TOPIC_MAP},
        topics=3,
        growth_percent=60,
    )
    existing = rigour.missing(PlanType.EXISTING, Step.RESEARCH, facts)
    assert [m.key for m in existing] == ["elements_7", "growth"]
    assert "Our penetration" in existing[0].detail and "Topic map" not in existing[0].detail
    assert existing[1].detail == "60 % so far"
    assert rigour.missing(PlanType.EMERGING, Step.RESEARCH, facts) == []

    facts = rigour.PlanFacts(goals=1, actions=2)
    assert [m.key for m in rigour.missing(PlanType.EXISTING, Step.ACTION_PLAN, facts)] == ["actions"]
    assert rigour.missing(PlanType.EMERGING, Step.ACTION_PLAN, facts) == []

    no_growth = rigour.missing(PlanType.EMERGING, Step.RESEARCH, rigour.PlanFacts(growth_percent=None))
    assert [(m.key, m.detail) for m in no_growth][-1] == ("growth", "no data")

    facts = rigour.PlanFacts(goals=2, goals_without_value=1, completed_reviews=1)
    assert [m.key for m in rigour.missing(PlanType.EXISTING, Step.REVIEW, facts)] == ["goal_values"]


def test_the_facts_count_what_the_plan_holds(world, plan):
    today = date(2026, 5, 1)
    TopicFactory(plan=plan)
    plan.elements.filter(element=Element.POSITIONING).update(text="Technologiepartner")
    GoalFactory(plan=plan, current_value=None)
    GoalFactory(plan=plan, current_value=Decimal("1"))
    ActionFactory(plan=plan, due_date=date(2026, 4, 1))  # overdue
    ActionFactory(plan=plan, due_date=date(2026, 4, 1), status=ActionStatus.DONE)
    ActionFactory(plan=plan, due_date=date(2026, 4, 1), status=ActionStatus.CANCELLED)

    facts = plan_facts(plan, on=today)

    assert facts.filled_elements == {Element.POSITIONING, Element.TOPIC_MAP}  # rows fill the topic map
    assert (facts.topics, facts.goals, facts.goals_without_value) == (1, 2, 1)
    assert (facts.actions, facts.actions_done, facts.actions_overdue) == (2, 1, 1)
    assert facts.core_team == 1  # the teammate


def test_research_counts_the_real_growth_answers(world, plan):
    growth_services = pytest.importorskip("openkam.growth.services")
    from openkam.growth.models import Question

    questions = list(Question.objects.filter(is_active=True).order_by("pk"))
    assert questions, "the growth app ships its question bank"
    half = len(questions) // 2 + 1
    for question in questions[:half]:
        growth_services.answer_save(
            actor=world.owner, plan=plan, question=question, status="answered", text="Ja"
        )

    facts = plan_facts(plan)

    assert facts.growth_percent == half * 100 // len(questions)
    keys = [m.key for m in rigour.missing(PlanType.EMERGING, Step.RESEARCH, facts)]
    assert "growth" not in keys
    keys = [m.key for m in rigour.missing(PlanType.EXISTING, Step.RESEARCH, facts)]
    assert "growth" in keys


# Elements, topics, goals --------------------------------------------------------------------------


def test_elements_and_topics_are_versioned_and_audited(world, plan):
    element = plan.elements.get(element=Element.POSITIONING)
    services.element_update(actor=world.owner, element=element, version=1, text="  Technologiepartner ")
    assert plan.elements.get(element=Element.POSITIONING).text == "Technologiepartner"
    with pytest.raises(EditConflict):
        services.element_update(
            actor=world.teammate, element=plan.elements.get(element=Element.POSITIONING), version=1, text="X"
        )

    topic = services.topic_create(
        actor=world.teammate,
        plan=plan,
        topic="Energieeffizienz",
        offering="Servoantriebe",
        status="established",
    )
    services.topic_update(actor=world.owner, topic=topic, version=1, status="in_discussion")
    services.topic_delete(actor=world.owner, topic=topic)
    actions = [e.action for e in AuditEntry.objects.filter(account_id=world.account.pk).order_by("pk")]
    assert actions[-4:] == [
        "plans.element.update",
        "plans.topic.create",
        "plans.topic.update",
        "plans.topic.delete",
    ]


def test_a_goal_is_reached_in_the_direction_of_its_target(world, plan):
    up = services.goal_create(
        actor=world.owner,
        plan=plan,
        title="Umsatz steigern",
        kpi="Umsatz",
        unit="€",
        baseline=Decimal("1000000"),
        target_value=Decimal("1200000"),
        target_date=date(2026, 12, 31),
    )
    down = services.goal_create(
        actor=world.owner,
        plan=plan,
        title="Reklamationen senken",
        kpi="Reklamationsquote",
        unit="%",
        baseline=Decimal("4"),
        target_value=Decimal("2"),
        target_date=date(2026, 12, 31),
        current_value=Decimal("3"),
    )
    assert not up.reached and not down.reached
    services.goal_update(actor=world.teammate, goal=up, version=1, current_value=Decimal("1250000"))
    services.goal_update(actor=world.teammate, goal=down, version=1, current_value=Decimal("1.8"))
    assert Goal.objects.get(pk=up.pk).reached and Goal.objects.get(pk=down.pk).reached


def test_a_goal_needs_a_target(world, plan):
    with pytest.raises(ValidationError) as caught:
        services.goal_create(
            actor=world.owner,
            plan=plan,
            title="Mehr",
            kpi="Umsatz",
            target_value=None,
            target_date=date(2026, 12, 31),
        )
    assert "target_value" in caught.value.message_dict


# Actions ------------------------------------------------------------------------------------------


def test_the_owner_of_an_action_must_be_on_the_account(world, plan):
    with pytest.raises(ValidationError) as caught:
        services.action_create(
            actor=world.owner, plan=plan, title="Besuch", owner=world.other_kam, due_date=date(2026, 3, 1)
        )
    assert "owner" in caught.value.message_dict
    action = services.action_create(
        actor=world.owner, plan=plan, title="Besuch", owner=world.extended, due_date=date(2026, 3, 1)
    )
    assert (action.source, action.status) == (ActionSource.PLAN, ActionStatus.OPEN)
    (entry,) = _entries("plans.action.create")
    assert entry.changes["owner"] == str(world.extended)


def test_the_owner_of_an_action_may_close_it_without_edit_rights(world, plan):
    action = ActionFactory(plan=plan, owner=world.extended)
    services.action_update(
        actor=world.extended, action=action, version=1, status=ActionStatus.DONE, notes="Erledigt"
    )
    assert Action.objects.get(pk=action.pk).status == ActionStatus.DONE
    with pytest.raises(PermissionDenied):
        services.action_update(actor=world.extended, action=action, version=2, title="Anders")
    other = ActionFactory(plan=plan, owner=world.owner)
    with pytest.raises(PermissionDenied):
        services.action_update(actor=world.extended, action=other, version=1, status=ActionStatus.DONE)
    with pytest.raises(PermissionDenied):
        services.action_update(actor=world.manager, action=other, version=1, status=ActionStatus.DONE)


def test_an_action_cannot_be_handed_to_someone_off_the_team(world, plan):
    action = ActionFactory(plan=plan)
    with pytest.raises(ValidationError):
        services.action_update(actor=world.owner, action=action, version=1, owner=world.other_kam)
    services.action_update(actor=world.owner, action=action, version=1, owner=world.teammate)
    assert Action.objects.get(pk=action.pk).owner == world.teammate


def test_the_task_list_shows_open_actions_on_visible_accounts_overdue_first(world, plan):
    today = date.today()
    later = ActionFactory(plan=plan, owner=world.teammate, due_date=today + timedelta(days=10))
    overdue = ActionFactory(plan=plan, owner=world.teammate, due_date=today - timedelta(days=3))
    ActionFactory(
        plan=plan, owner=world.teammate, due_date=today - timedelta(days=9), status=ActionStatus.DONE
    )
    owners_overdue = ActionFactory(plan=plan, owner=world.owner, due_date=today - timedelta(days=9))

    assert list(open_actions_for_user(world.teammate)) == [overdue, later]
    assert list(overdue_actions_for_account(world.account)) == [owners_overdue, overdue]
    # Someone who left the team no longer sees the account, nor its actions.
    world.teammate_membership.delete()
    assert list(open_actions_for_user(world.teammate)) == []


# Versions, reviews and the next cycle -------------------------------------------------------------


def test_a_frozen_version_keeps_the_plan_as_it_was(world, plan):
    services.plan_update(actor=world.owner, plan=plan, version=1, vision="Partner")
    goal = GoalFactory(plan=plan, current_value=Decimal("1300000"))
    ActionFactory(plan=plan, title="Werksbesuch", owner=world.teammate)
    TopicFactory(plan=plan, topic="Digitalisierung")

    first = services.version_freeze(actor=world.owner, plan=plan, label="Halbjahr")
    services.plan_update(actor=world.owner, plan=plan, version=2, vision="Systempartner")
    second = services.version_freeze(actor=world.teammate, plan=plan)

    assert (first.number, second.number) == (1, 2)
    snap = PlanVersion.objects.get(pk=first.pk).snapshot
    assert snap["plan"]["vision"] == "Partner"
    assert snap["goals"][0]["title"] == goal.title
    assert snap["goals"][0]["reached"] is True and snap["goals"][0]["current_value"] == "1300000.00"
    assert snap["actions"][0]["owner"] == "Tom Teich"
    assert snap["topics"][0]["topic"] == "Digitalisierung"
    assert [s["step"] for s in snap["steps"]] == Step.values
    assert isinstance(snap["growth"], dict | None)
    assert [e.changes for e in _entries("plans.version.freeze")] == [
        {"number": 1, "label": "Halbjahr"},
        {"number": 2},
    ]


def test_comparing_two_versions_shows_changes_and_newly_reached_goals(world, plan):
    goal = GoalFactory(plan=plan, title="Umsatz", current_value=Decimal("1100000"))
    ActionFactory(plan=plan, title="Werksbesuch")
    a = services.version_freeze(actor=world.owner, plan=plan).snapshot
    services.plan_update(actor=world.owner, plan=plan, version=1, strategy="Systempartner werden")
    services.goal_update(actor=world.owner, goal=goal, version=1, current_value=Decimal("1250000"))
    ActionFactory(plan=plan, title="Workshop Energieeffizienz")
    b = services.version_freeze(actor=world.owner, plan=plan).snapshot

    comparison = compare_snapshots(a, b)

    sections = {s.key: s for s in comparison.sections}
    assert [c.name for c in sections["plan"].changes] == ["strategy"]
    assert [(c.kind, c.name) for c in sections["actions"].changes] == [("added", "Workshop Energieeffizienz")]
    (goal_change,) = sections["goals"].changes
    assert goal_change.kind == "changed"
    with translation.override("de"):
        (goal_change,) = {s.key: s for s in compare_snapshots(a, b).sections}["goals"].changes
        fields = [tuple(str(part) for part in field) for field in goal_change.fields]
    assert ("aktueller Wert", "1.100.000", "1.250.000") in fields
    assert ("erreicht", "nein", "ja") in fields
    (outcome,) = comparison.goals
    assert outcome.newly_reached and outcome.value_b == Decimal("1250000.00")
    assert sections["steps"].changes == [] and sections["elements"].changes == []


def test_completing_the_annual_review_freezes_a_version(world, plan):
    review = services.review_create(
        actor=world.owner,
        plan=plan,
        date=date(2026, 11, 20),
        participants_ours="Katrin Amann",
        participants_customer="Dr. Petra Schulz",
        agenda="Rückblick",
    )
    agreed = services.review_add_action(
        actor=world.teammate,
        review=review,
        title="Pilot Servoantriebe",
        owner=world.teammate,
        due_date=date(2027, 2, 1),
    )
    assert (agreed.source, agreed.review) == (ActionSource.REVIEW, review)

    with pytest.raises(ValidationError) as caught:
        services.review_complete(actor=world.owner, review=review, version=1)
    assert "results" in caught.value.message_dict

    services.review_update(actor=world.owner, review=review, version=1, results="Ziele bestätigt")
    frozen = services.review_complete(actor=world.owner, review=review, version=2)

    review.refresh_from_db()
    assert (review.status, review.frozen_version) == (ReviewStatus.COMPLETED, frozen)
    assert frozen.label == "Annual review 20.11.2026"
    assert [a["title"] for a in frozen.snapshot["actions"]] == ["Pilot Servoantriebe"]
    with pytest.raises(ValidationError):
        services.review_complete(actor=world.owner, review=review, version=review.version)
    assert _entries("plans.review.complete")[0].account_id == world.account.pk


def test_the_next_cycle_takes_over_strategy_elements_topics_and_open_goals(world, plan):
    services.plan_update(
        actor=world.owner, plan=plan, version=1, vision="Partner", strategy="Systemlieferant"
    )
    plan.elements.filter(element=Element.POSITIONING).update(text="Technologiepartner")
    TopicFactory(plan=plan, topic="Digitalisierung")
    GoalFactory(plan=plan, title="Erreicht", current_value=Decimal("1300000"))
    GoalFactory(plan=plan, title="Offen", current_value=Decimal("1100000"), target_date=date(2026, 12, 31))
    ActionFactory(plan=plan, title="Noch offen")

    new = services.plan_start_next_cycle(actor=world.teammate, plan=plan)

    assert (new.fiscal_year, new.previous, new.vision, new.strategy) == (
        2027,
        plan,
        "Partner",
        "Systemlieferant",
    )
    assert new.elements.get(element=Element.POSITIONING).text == "Technologiepartner"
    assert list(new.topics.values_list("topic", flat=True)) == ["Digitalisierung"]
    (goal,) = new.goals.all()
    assert (goal.title, goal.baseline, goal.current_value, goal.target_date) == (
        "Offen",
        Decimal("1100000.00"),
        None,
        date(2027, 12, 31),
    )
    assert not new.actions.exists()
    assert set(new.steps.values_list("state", flat=True)) == {StepState.NOT_STARTED}
    with pytest.raises(ValidationError):
        services.plan_start_next_cycle(actor=world.teammate, plan=plan)


def test_a_member_of_another_team_cannot_touch_the_plan(world, plan):
    stranger = UserFactory()
    TeamMembershipFactory(account=world.other_account, user=stranger, scope=TeamScope.CORE)
    with pytest.raises(PermissionDenied):
        services.goal_create(
            actor=stranger,
            plan=plan,
            title="X",
            kpi="Y",
            target_value=Decimal(1),
            target_date=date(2026, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.version_freeze(actor=stranger, plan=plan)
    assert PlanFactory(account=world.other_account).steps.count() == 5

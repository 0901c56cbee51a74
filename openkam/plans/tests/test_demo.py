"""The account plans of the demo company."""

from datetime import date

import pytest

from openkam.plans.choices import ActionSource, ReviewStatus, StepState
from openkam.plans.demo import seed_plans
from openkam.plans.models import Action, Plan, PlanVersion
from openkam.plans.selectors import open_actions_for_user, overdue_actions_for_account
from openkam.plans.snapshots import compare_snapshots
from openkam.testing.factories import KeyAccountFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def _summary():
    return [
        (
            p.account_id,
            p.fiscal_year,
            p.plan_type,
            p.vision,
            [(s.step, s.state, s.notes) for s in p.steps.order_by("pk")],
            list(p.goals.order_by("pk").values_list("title", "target_value", "current_value")),
            list(p.actions.order_by("pk").values_list("title", "owner_id", "due_date", "status", "source")),
            list(p.topics.order_by("pk").values_list("topic", "status")),
        )
        for p in Plan.objects.order_by("account_id", "fiscal_year")
    ]


def test_the_demo_accounts_get_plans_in_several_states(world):
    KeyAccountFactory(owner=world.other_kam)
    KeyAccountFactory(owner=world.owner)

    result = seed_plans(today=TODAY)

    assert (result.plans, result.reviews, result.versions) == (5, 1, 2)
    done, current = Plan.objects.filter(account=world.account).order_by("fiscal_year")
    assert (done.fiscal_year, current.fiscal_year, current.previous) == (2025, 2026, done)
    assert set(done.steps.values_list("state", flat=True)) == {StepState.DONE}
    review = done.reviews.get()
    assert review.status == ReviewStatus.COMPLETED
    assert "Tom Teich (Account-Team)" in review.participants_ours
    v1, v2 = PlanVersion.objects.filter(plan=done).order_by("number")
    assert v1.label == "Halbjahresstand 2025" and v2 == review.frozen_version
    outcomes = {g.title: g for g in compare_snapshots(v1.snapshot, v2.snapshot).goals}
    assert outcomes["Umsatz mit dem Kunden steigern"].newly_reached
    assert not outcomes["Serviceverträge für Bestandsanlagen abschließen"].reached_b
    # The goal not reached is carried over into this year's plan, starting from the value reached.
    (carried,) = current.goals.all()
    assert (carried.title, carried.baseline) == ("Serviceverträge für Bestandsanlagen abschließen", 5)
    assert dict(current.steps.values_list("step", "state"))["research"] == StepState.IN_PROGRESS
    assert Action.objects.filter(plan=done, source=ActionSource.REVIEW).count() == 2

    executing = Plan.objects.get(account=world.other_account)
    states = dict(executing.steps.values_list("step", "state"))
    assert (states["action_plan"], states["execution"]) == (StepState.DONE, StepState.IN_PROGRESS)
    assert len(overdue_actions_for_account(world.other_account, on=TODAY)) == 2
    assert any(a.is_overdue(TODAY) for a in open_actions_for_user(world.other_kam))

    draft, action_plan = Plan.objects.exclude(account__in=[world.account, world.other_account]).order_by(
        "account_id"
    )
    assert dict(draft.steps.values_list("step", "state"))["strategy"] == StepState.IN_PROGRESS
    assert draft.strategy == "" and draft.vision
    assert dict(action_plan.steps.values_list("step", "state"))["action_plan"] == StepState.IN_PROGRESS


def test_seeding_is_deterministic_and_happens_once(world):
    seed_plans(today=TODAY)
    first = _summary()
    assert seed_plans(today=TODAY) == type(seed_plans())()  # a second call changes nothing
    assert _summary() == first

    Plan.objects.all().delete()
    seed_plans(today=TODAY)
    assert _summary() == first


def test_without_key_accounts_nothing_is_seeded(db):
    result = seed_plans(today=TODAY)
    assert result.plans == 0 and not Plan.objects.exists()

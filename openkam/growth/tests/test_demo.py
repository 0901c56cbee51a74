"""The growth-plan answers of the demo company."""

from datetime import date

import pytest

from openkam.accounts.choices import TeamScope
from openkam.core.models import AuditEntry
from openkam.demo.generator import DemoSpec, generate_company
from openkam.growth.choices import AnswerStatus
from openkam.growth.demo import RESEARCH, seed_growth, seed_growth_for_plan
from openkam.growth.models import Answer
from openkam.growth.selectors import completeness_total, fit_concerns, plan_completeness
from openkam.plans.choices import ActionSource, Step, StepState
from openkam.plans.demo import seed_plans
from openkam.plans.models import Action, Plan
from openkam.testing.factories import KeyAccountFactory, TeamMembershipFactory

from .factories import PlanFactory

pytestmark = pytest.mark.django_db

SMALL = DemoSpec(customers=300, lines=20_000, accounts=6, chunk_rows=4_000)


def _plans(count: int):
    plans = []
    for index in range(count):
        account = KeyAccountFactory(customer__name=f"Kunde {index} GmbH")
        TeamMembershipFactory(account=account, scope=TeamScope.CORE)
        plans.append(PlanFactory(account=account, fiscal_year=2026))
    return plans


def _state():
    return sorted(
        Answer.objects.values_list(
            "plan__account__customer__name", "question__key", "status", "text", "against_fit"
        )
    )


def test_the_demo_plans_come_in_several_states_with_research_actions_and_fit_concerns():
    plans = _plans(5)

    result = seed_growth()

    percents = [completeness_total(plan_completeness(plan)).percent for plan in plans]
    assert percents[3] == 0 and not plans[3].growth_answers.exists()  # not started
    assert percents[0] > percents[1] > percents[2] > 0
    assert percents[4] > percents[1]
    assert result.plans == 4 and result.answers == Answer.objects.count()
    assert result.research == Action.objects.filter(source=ActionSource.RESEARCH).count() >= 2
    assert Answer.objects.filter(status=AnswerStatus.NOT_APPLICABLE).exists()
    # The answers against the fit are in the last well-advanced plan only.
    assert [fit_concerns(plan) for plan in plans] == [0, 0, 0, 0, 2]
    for action in Action.objects.select_related("plan__account"):
        account = action.plan.account
        assert action.owner == account.owner or account.team_memberships.filter(user=action.owner).exists()
    assert "Kunde 0 GmbH" in Answer.objects.get(plan=plans[0], question__key="value-for-us").text


def test_seeding_is_deterministic_and_does_nothing_twice():
    _plans(3)
    seed_growth()
    first = _state()

    again = seed_growth()

    assert (again.plans, again.answers) == (0, 0)
    assert _state() == first
    Answer.objects.all().delete()
    Action.objects.all().delete()
    seed_growth()
    assert _state() == first


def test_without_plans_nothing_is_seeded(world):
    result = seed_growth()

    assert (result.plans, result.answers) == (0, 0)
    assert not Answer.objects.exists()


def test_the_plans_of_the_demo_get_answers_as_far_as_their_research_has_come(world):
    KeyAccountFactory(owner=world.other_kam)
    KeyAccountFactory(owner=world.owner)
    seed_plans(today=date(2026, 6, 15))

    seed_growth()

    for plan in Plan.objects.prefetch_related("steps"):
        states = {step.step: step.state for step in plan.steps.all()}
        percent = completeness_total(plan_completeness(plan)).percent
        if states[Step.RESEARCH] == StepState.DONE:
            assert percent >= 80, (plan, states)  # the research step's rule for existing accounts
            assert not plan.actions.filter(source=ActionSource.RESEARCH).exists()
        else:
            assert 0 < percent < 80, (plan, states)
    in_research = [
        p for p in Plan.objects.all() if p.steps.get(step=Step.RESEARCH).state == StepState.IN_PROGRESS
    ]
    assert in_research and all(p.actions.filter(source=ActionSource.RESEARCH).exists() for p in in_research)
    assert sum(fit_concerns(plan) for plan in Plan.objects.all()) == 2


def _demo_as_the_generator_seeds_it(world):
    KeyAccountFactory(owner=world.other_kam)
    KeyAccountFactory(owner=world.owner)
    _seed()


def _seed():
    seed_plans(today=date(2026, 6, 15), research=seed_growth_for_plan)
    return seed_growth()


def _percent(completeness: list[dict]) -> int:
    answered = sum(row["answered"] for row in completeness)
    applicable = sum(row["total"] - row["not_applicable"] for row in completeness)
    return answered * 100 // applicable


def test_the_frozen_versions_of_the_demo_hold_the_answers_and_this_year_s_plan_takes_them_over(world):
    _demo_as_the_generator_seeds_it(world)

    done, current = Plan.objects.filter(account=world.account).order_by("fiscal_year")
    # Answered before its research step was marked done: the owner marked it, meeting the rule.
    research = done.steps.get(step=Step.RESEARCH)
    assert (research.state, research.completed_by) == (StepState.DONE, world.owner)
    live = completeness_total(plan_completeness(done)).percent
    assert live >= 80
    midyear, review = done.versions.order_by("number")
    for version in (midyear, review):
        growth = version.snapshot["growth"]
        assert _percent(growth["completeness"]) == live
        assert sum(1 for item in growth["questions"] if item["status"] == AnswerStatus.ANSWERED) > 40
    # This year's plan took the answers over, and its team turned a few into research actions.
    assert (
        AuditEntry.objects.filter(action="growth.answer.carry_over", target_id=str(current.pk)).count() == 1
    )
    carried = {a.question.key: a for a in current.growth_answers.select_related("question")}
    previous = {a.question.key: a for a in done.growth_answers.select_related("question")}
    assert set(carried) == set(previous)
    rechecked = {key for key, a in carried.items() if a.status == AnswerStatus.RESEARCH}
    assert rechecked and rechecked <= set(RESEARCH)
    assert all(carried[key].text == previous[key].text for key in set(carried) - rechecked)
    assert current.actions.filter(source=ActionSource.RESEARCH).count() == len(rechecked)
    assert not done.actions.filter(source=ActionSource.RESEARCH).exists()
    assert 0 < completeness_total(plan_completeness(current)).percent < live
    assert sum(fit_concerns(plan) for plan in Plan.objects.all()) == 2


def test_the_demo_as_the_generator_seeds_it_is_deterministic_and_happens_once(world):
    _demo_as_the_generator_seeds_it(world)
    first = _state()

    again = seed_growth()

    assert (again.plans, again.answers, again.research) == (0, 0, 0)
    assert _state() == first
    Plan.objects.all().delete()
    _seed()
    assert _state() == first


def test_the_demo_company_freezes_last_year_s_plan_with_its_growth_answers(tmp_path):
    # generate_company seeds this app itself (openkam.demo.generator).
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")

    current = Plan.objects.get(previous__isnull=False)
    done = current.previous
    live = completeness_total(plan_completeness(done)).percent
    assert live >= 80
    versions = list(done.versions.order_by("number"))
    assert [_percent(v.snapshot["growth"]["completeness"]) for v in versions] == [live, live]
    assert current.growth_answers.count() == done.growth_answers.count()
    assert current.actions.filter(source=ActionSource.RESEARCH).exists()

"""Later apps' parts of a plan in the next cycle: the copiers ``plan_start_next_cycle`` calls
(the growth app's answers are tested in openkam/growth/tests/test_next_cycle.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from openkam.plans import services
from openkam.plans.models import Plan

from .factories import GoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    return services.plan_create(actor=world.owner, account=world.account, fiscal_year=2026)


def test_a_registered_copier_gets_both_plans_after_the_plan_s_own_parts(world, plan, monkeypatch):
    GoalFactory(plan=plan, title="Offen", current_value=Decimal("1100000"))
    seen = []

    def copier(*, actor, previous, plan):
        seen.append((actor, previous, plan, list(plan.goals.values_list("title", flat=True))))

    monkeypatch.setitem(services._NEXT_CYCLE_COPIERS, "test-records", copier)

    new = services.plan_start_next_cycle(actor=world.teammate, plan=plan)

    assert seen == [(world.teammate, plan, new, ["Offen"])]


def test_a_copier_is_not_called_when_the_start_is_refused(world, plan, monkeypatch):
    seen = []
    monkeypatch.setitem(services._NEXT_CYCLE_COPIERS, "test-records", lambda **kwargs: seen.append(kwargs))

    with pytest.raises(PermissionDenied):
        services.plan_start_next_cycle(actor=world.extended, plan=plan)

    assert seen == [] and Plan.objects.count() == 1


def test_a_key_is_registered_once(monkeypatch):
    def first(**kwargs):
        return None

    def second(**kwargs):
        return None

    monkeypatch.setattr(services, "_NEXT_CYCLE_COPIERS", {})
    services.register_next_cycle_copier("part", first)
    services.register_next_cycle_copier("part", first)  # the same function again: no change

    with pytest.raises(ValueError):
        services.register_next_cycle_copier("part", second)
    assert {"part": first} == services._NEXT_CYCLE_COPIERS

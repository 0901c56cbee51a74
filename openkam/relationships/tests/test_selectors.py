"""Reads others call: planned against actual contacts, held contacts, open follow-ups, touchpoints."""

import datetime

import pytest

from openkam.relationships.choices import Cadence, ContactStatus, PlanStatus
from openkam.relationships.selectors import (
    held_contacts,
    open_follow_ups_for_user,
    relationship_plan_status,
    touchpoint_plan,
    year_share,
)
from openkam.testing.factories import StakeholderFactory

from .factories import ContactFactory, FollowUpFactory, RelationshipLinkFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _held(world, day, *, user=None, stakeholder=None, status=ContactStatus.HELD):
    return ContactFactory(
        account=world.account,
        date=day,
        status=status,
        participants=[user or world.owner],
        stakeholders=[stakeholder or world.stakeholder],
    )


def test_the_share_of_a_year_that_has_passed():
    assert year_share(2026, D(2026, 1, 1)) == (1, 365)
    assert year_share(2024, D(2024, 7, 1)) == (183, 366)
    assert year_share(2025, D(2026, 3, 1)) == (365, 365)
    assert year_share(2027, D(2026, 3, 1)) == (0, 365)


def test_a_past_year_is_measured_against_its_full_plan(world):
    monthly = RelationshipLinkFactory(
        account=world.account, user=world.owner, stakeholder=world.stakeholder, cadence=Cadence.MONTHLY
    )
    colleague = StakeholderFactory(account=world.account)
    quarterly = RelationshipLinkFactory(
        account=world.account, user=world.teammate, stakeholder=colleague, cadence=Cadence.QUARTERLY
    )
    half_yearly = RelationshipLinkFactory(
        account=world.account, user=world.teammate, stakeholder=world.stakeholder, cadence=Cadence.HALF_YEARLY
    )
    for month in range(1, 13, 2):  # six held contacts of the monthly pair in 2025
        _held(world, D(2025, month, 10))
    for month in (2, 5, 8, 11):
        _held(world, D(2025, month, 3), user=world.teammate, stakeholder=colleague)
    # Neither planned nor cancelled contacts count, nor those of another year or of only one side.
    _held(world, D(2025, 12, 1), status=ContactStatus.CANCELLED)
    _held(world, D(2024, 12, 1))
    _held(world, D(2025, 6, 1), user=world.extended)

    plan = relationship_plan_status(world.account, 2025, today=D(2026, 3, 15))

    lines = {line.link.pk: line for line in plan}
    assert (lines[monthly.pk].planned, lines[monthly.pk].actual, lines[monthly.pk].status) == (
        12,
        6,
        "behind",
    )
    assert (lines[quarterly.pk].planned, lines[quarterly.pk].actual, lines[quarterly.pk].status) == (
        4,
        4,
        "on_track",
    )
    assert (lines[half_yearly.pk].planned, lines[half_yearly.pk].actual, lines[half_yearly.pk].status) == (
        2,
        0,
        "no_contact",
    )
    assert lines[monthly.pk].last_held == D(2025, 11, 10)
    assert (plan.on_track, plan.behind, plan.no_contact) == (1, 1, 1)


def test_the_running_year_counts_only_what_is_due_by_today(world):
    link = RelationshipLinkFactory(
        account=world.account,
        user=world.owner,
        stakeholder=world.stakeholder,
        cadence=Cadence.QUARTERLY,
        next_on=D(2026, 5, 1),
    )
    today = D(2026, 5, 20)  # day 140 of 365: 4 × 140 / 365 = 1.5, one contact due

    first = relationship_plan_status(world.account, 2026, today=today).lines[0]
    assert (first.planned_full_year, first.planned, first.actual) == (4, 1, 0)
    assert first.status == PlanStatus.NO_CONTACT
    assert first.overdue is True

    _held(world, D(2026, 2, 2))
    line = relationship_plan_status(world.account, 2026, today=today).lines[0]
    assert (line.actual, line.status) == (1, PlanStatus.ON_TRACK)

    # Early in January nothing is due yet: a plan without contacts is not behind.
    early = relationship_plan_status(world.account, 2026, today=D(2026, 1, 20)).lines[0]
    assert (early.planned, early.actual, early.status) == (0, 0, PlanStatus.ON_TRACK)
    assert link.next_on > D(2026, 1, 20) and early.overdue is False


def test_a_future_year_is_due_nothing(world):
    RelationshipLinkFactory(account=world.account, user=world.owner, stakeholder=world.stakeholder)
    line = relationship_plan_status(world.account, 2027, today=D(2026, 5, 20)).lines[0]
    assert (line.planned, line.actual, line.status) == (0, 0, PlanStatus.ON_TRACK)


def test_the_plan_status_takes_three_queries_whatever_its_size(world, django_assert_num_queries):
    for _ in range(5):
        stakeholder = StakeholderFactory(account=world.account)
        RelationshipLinkFactory(account=world.account, user=world.owner, stakeholder=stakeholder)
        _held(world, D(2026, 2, 2), stakeholder=stakeholder)
    with django_assert_num_queries(2):
        plan = relationship_plan_status(world.account, 2026, today=D(2026, 5, 20))
    assert [line.actual for line in plan] == [1] * 5


def test_held_contacts_are_newest_first_and_can_start_at_a_date(world):
    old = _held(world, D(2025, 3, 1))
    new = _held(world, D(2026, 3, 1))
    _held(world, D(2026, 4, 1), status=ContactStatus.PLANNED)
    ContactFactory(account=world.other_account, date=D(2026, 3, 5))

    assert list(held_contacts(world.account)) == [new, old]
    assert list(held_contacts(world.account, since=D(2026, 1, 1))) == [new]


def test_open_follow_ups_of_a_user_span_the_accounts_they_see(world):
    mine = FollowUpFactory(
        contact=ContactFactory(account=world.account), owner=world.teammate, due_on=D(2026, 2, 1)
    )
    later = FollowUpFactory(contact=ContactFactory(account=world.account), owner=world.teammate, due_on=None)
    FollowUpFactory(contact=ContactFactory(account=world.account), owner=world.teammate, done=True)
    FollowUpFactory(contact=ContactFactory(account=world.account), owner=world.owner)
    # Owned on an account the teammate no longer sees: not on their list.
    FollowUpFactory(contact=ContactFactory(account=world.other_account), owner=world.teammate)

    assert list(open_follow_ups_for_user(world.teammate)) == [mine, later]


def test_the_touchpoint_plan_is_a_grid_of_people_and_quarters(world):
    colleague = StakeholderFactory(account=world.account, last_name="Zeller")
    world.stakeholder.last_name = "Albers"
    world.stakeholder.save()
    first = TouchpointFactory(account=world.account, stakeholder=world.stakeholder, year=2026, quarter=1)
    second = TouchpointFactory(account=world.account, stakeholder=world.stakeholder, year=2026, quarter=1)
    third = TouchpointFactory(account=world.account, stakeholder=colleague, year=2026, quarter=4)
    TouchpointFactory(account=world.account, stakeholder=colleague, year=2025, quarter=2)

    rows = touchpoint_plan(world.account, 2026)

    assert [row.stakeholder for row in rows] == [world.stakeholder, colleague]
    assert rows[0].quarters == [[first, second], [], [], []]
    assert rows[1].quarters == [[], [], [], [third]]

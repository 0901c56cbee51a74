"""Reads of the teams app: role coverage, members, goals by member, the next meeting due and the
open meeting actions of a person."""

import datetime

import pytest

from openkam.accounts.models import TeamMembership
from openkam.teams import selectors
from openkam.teams.choices import AccountRole, ActionStatus, MeetingCadence, MeetingStatus
from openkam.testing.factories import KeyAccountFactory, TeamMembershipFactory

from .factories import (
    MeetingActionFactory,
    MemberGoalFactory,
    RoleAssignmentFactory,
    TeamCadenceFactory,
    TeamMeetingFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert selectors.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert selectors.add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
    assert selectors.add_months(datetime.date(2024, 8, 31), 6) == datetime.date(2025, 2, 28)


def test_role_coverage_lists_all_six_roles_and_flags_the_uncovered_ones(world, django_assert_num_queries):
    RoleAssignmentFactory(account=world.account, role=AccountRole.RELATIONSHIP_LEADER, user=world.owner)
    RoleAssignmentFactory(account=world.account, role=AccountRole.TECHNICAL_EXPERT, user=world.teammate)
    RoleAssignmentFactory(account=world.account, role=AccountRole.TECHNICAL_EXPERT, user=world.extended)
    RoleAssignmentFactory(account=world.account, role=AccountRole.INNOVATOR, user=world.extended)
    # Another account's assignments do not count here.
    RoleAssignmentFactory(account=world.other_account, role=AccountRole.RESULTS_DRIVER, user=world.other_kam)
    TeamMembership.objects.filter(user=world.extended).delete()  # Eva has left the team

    with django_assert_num_queries(1):
        coverage = selectors.role_coverage(world.account)
        rows = {row.role: row for row in coverage}

    assert [row.role for row in coverage] == list(AccountRole.values)
    assert rows["relationship_leader"].covered_by == [world.owner]
    technical = rows["technical_expert"]
    assert [(p.user, p.on_team) for p in technical.people] == [
        (world.extended, False),
        (world.teammate, True),
    ]
    assert not technical.uncovered
    innovator = rows["innovator"]
    assert innovator.uncovered and innovator.only_former_members
    assert rows["collaborator"].uncovered and not rows["collaborator"].only_former_members
    assert coverage.uncovered_count == 4
    assert selectors.uncovered_roles(world.account) == [
        "collaborator",
        "project_manager",
        "innovator",
        "results_driver",
    ]


def test_team_members_start_with_the_kam_and_show_the_roles_they_cover(world):
    RoleAssignmentFactory(account=world.account, role=AccountRole.RESULTS_DRIVER, user=world.owner)
    RoleAssignmentFactory(account=world.account, role=AccountRole.RELATIONSHIP_LEADER, user=world.owner)

    members = selectors.team_members(world.account)

    assert [(m.user, m.is_kam) for m in members] == [
        (world.owner, True),
        (world.teammate, False),
        (world.extended, False),
    ]
    assert members[0].role_labels == ["Relationship leader", "Results driver"]
    assert members[1].roles == []


def test_goals_are_grouped_by_member_with_the_kam_first_and_former_members_flagged(world):
    MemberGoalFactory(
        account=world.account, user=world.teammate, year=2026, bonus_relevant=True, bonus_weight=40
    )
    MemberGoalFactory(
        account=world.account, user=world.teammate, year=2026, bonus_relevant=True, bonus_weight=20
    )
    MemberGoalFactory(account=world.account, user=world.teammate, year=2025)
    MemberGoalFactory(account=world.account, user=world.owner, year=2026)
    MemberGoalFactory(account=world.account, user=world.extended, year=2026)
    TeamMembership.objects.filter(user=world.extended).delete()

    groups = selectors.goals_by_member(world.account, 2026)

    assert [(g.user, g.on_team, len(g.goals)) for g in groups] == [
        (world.owner, True, 1),
        (world.extended, False, 1),
        (world.teammate, True, 2),
    ]
    assert groups[2].bonus_weight_total == 60
    assert selectors.goal_years(world.account) == [2025, 2026]


def test_the_next_meeting_is_due_one_cadence_after_the_last_held_one(world):
    today = datetime.date(2026, 6, 17)
    schedule = selectors.meeting_schedule(world.account, on=today)
    assert (schedule.cadence, schedule.last_held, schedule.next_due, schedule.overdue) == (
        MeetingCadence.QUARTERLY,
        None,
        today,
        False,
    )

    held = TeamMeetingFactory(
        account=world.account, date=datetime.date(2026, 2, 16), status=MeetingStatus.HELD
    )
    TeamMeetingFactory(account=world.account, date=datetime.date(2026, 5, 10), status=MeetingStatus.CANCELLED)
    planned = TeamMeetingFactory(
        account=world.account, date=datetime.date(2026, 7, 1), status=MeetingStatus.PLANNED
    )
    schedule = selectors.meeting_schedule(world.account, on=today)
    assert (schedule.last_held, schedule.next_due, schedule.overdue) == (
        held,
        datetime.date(2026, 5, 16),
        True,
    )
    assert schedule.next_planned == planned and not schedule.planned_in_time

    TeamCadenceFactory(account=world.account, cadence=MeetingCadence.HALF_YEARLY)
    schedule = selectors.meeting_schedule(world.account, on=today)
    assert (schedule.next_due, schedule.overdue, schedule.planned_in_time) == (
        datetime.date(2026, 8, 16),
        False,
        True,
    )


def test_my_open_meeting_actions_are_only_those_of_accounts_i_can_see(world):
    today = datetime.date.today()
    late = MeetingActionFactory(meeting__account=world.account, owner=world.teammate, due_on=today - 2 * DAY)
    undated = MeetingActionFactory(meeting__account=world.account, owner=world.teammate, due_on=None)
    soon = MeetingActionFactory(meeting__account=world.account, owner=world.teammate, due_on=today + 5 * DAY)
    MeetingActionFactory(meeting__account=world.account, owner=world.teammate, status=ActionStatus.DONE)
    MeetingActionFactory(meeting__account=world.account, owner=world.owner)
    # An account the teammate has left: its actions disappear from their list.
    former = KeyAccountFactory(owner=world.other_kam)
    MeetingActionFactory(meeting__account=former, owner=world.teammate)
    elsewhere = KeyAccountFactory(owner=world.other_kam)
    TeamMembershipFactory(account=elsewhere, user=world.teammate)
    other = MeetingActionFactory(meeting__account=elsewhere, owner=world.teammate, due_on=today)

    rows = list(selectors.open_meeting_actions_for_user(world.teammate))

    assert rows == [late, other, soon, undated]
    assert [a.overdue for a in rows] == [True, False, False, False]
    assert rows[0].meeting.account.customer.name == "Alpha Maschinenbau"

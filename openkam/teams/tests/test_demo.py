"""The demo company's roles, goals, cadences and team meetings."""

import datetime

import pytest

from openkam.accounts.choices import InternalRole, TeamScope
from openkam.accounts.models import KeyAccount
from openkam.accounts.selectors import is_on_team
from openkam.core.models import AuditEntry
from openkam.teams import selectors
from openkam.teams.choices import ActionStatus, MeetingCadence, MeetingStatus
from openkam.teams.demo import RECENT_DAYS, seed_teams
from openkam.teams.models import (
    MeetingAction,
    MeetingDecision,
    MemberGoal,
    RoleAssignment,
    TeamCadence,
    TeamMeeting,
)
from openkam.testing.factories import KeyAccountFactory, TeamMembershipFactory, UserFactory
from openkam.users.choices import Role

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 17)


def _accounts(world):
    """Six accounts (the world's two and four more), each with inside sales and engineering on the
    core team, service on every other one and a management sponsor on the extended team."""
    sponsor = UserFactory(role=Role.MANAGEMENT, first_name="Sabine", last_name="Sponsor")
    engineer = UserFactory(role=Role.MEMBER, first_name="Erik", last_name="Engel")
    technician = UserFactory(role=Role.MEMBER, first_name="Sven", last_name="Service")
    for _ in range(4):
        KeyAccountFactory(owner=world.owner)
    accounts = list(KeyAccount.objects.order_by("pk"))
    for index, account in enumerate(accounts):
        if account != world.account:
            TeamMembershipFactory(
                account=account, user=world.teammate, internal_role=InternalRole.INSIDE_SALES
            )
        TeamMembershipFactory(account=account, user=engineer, internal_role=InternalRole.ENGINEERING)
        if index % 2 == 0:
            TeamMembershipFactory(account=account, user=technician, internal_role=InternalRole.SERVICE)
        TeamMembershipFactory(
            account=account,
            user=sponsor,
            internal_role=InternalRole.MANAGEMENT_SPONSOR,
            scope=TeamScope.EXTENDED,
        )
    return accounts


def _signature():
    return (
        sorted(RoleAssignment.objects.values_list("account_id", "role", "user_id")),
        sorted(
            MemberGoal.objects.values_list("account_id", "user_id", "year", "title", "status", "bonus_weight")
        ),
        sorted(TeamMeeting.objects.values_list("account_id", "date", "title", "status", "minutes")),
        sorted(MeetingAction.objects.values_list("meeting__date", "title", "owner_id", "status", "due_on")),
    )


def test_every_demo_account_gets_roles_with_gaps_goals_a_cadence_and_two_years_of_meetings(world):
    accounts = _accounts(world)

    result = seed_teams(today=TODAY)

    assert result.accounts == 6
    uncovered = {a.pk: set(selectors.uncovered_roles(a)) for a in accounts}
    assert all(a.pk in {r.account_id for r in RoleAssignment.objects.all()} for a in accounts)
    # Realistic gaps: some accounts miss the innovator, one the technical expert, and none is empty.
    assert sum("innovator" in roles for roles in uncovered.values()) >= 3
    assert any("technical_expert" in roles for roles in uncovered.values())
    assert any(not roles - {"innovator"} for roles in uncovered.values())
    for account in accounts:
        assert all(is_on_team(account, r.user) for r in RoleAssignment.objects.filter(account=account))

    # Goals of last year (done) and this year for every team member, bonus weights within 100 %.
    for account in accounts:
        goals = MemberGoal.objects.filter(account=account)
        assert {g.year for g in goals} == {2025, 2026}
        assert all(g.status in ("achieved", "missed") and g.result for g in goals.filter(year=2025))
        assert {g.user for g in goals} == {account.owner, *(m.user for m in account.team_memberships.all())}
        for user in {g.user for g in goals}:
            for year in (2025, 2026):
                assert selectors.bonus_weight_total(account, user, year) <= 100
    assert MemberGoal.objects.filter(bonus_relevant=True).exists()
    assert MemberGoal.objects.filter(bonus_relevant=False).exists()

    cadences = dict(TeamCadence.objects.values_list("account_id", "cadence"))
    assert cadences[accounts[3].pk] == MeetingCadence.MONTHLY
    assert cadences[accounts[4].pk] == MeetingCadence.HALF_YEARLY
    assert cadences[accounts[0].pk] == MeetingCadence.QUARTERLY

    quarterly = TeamMeeting.objects.filter(account=accounts[0]).order_by("date")
    assert [(m.date, m.status) for m in quarterly] == [
        (datetime.date(2025, 2, 17), "held"),
        (datetime.date(2025, 5, 15), "held"),
        (datetime.date(2025, 9, 15), "held"),
        (datetime.date(2025, 11, 17), "held"),
        (datetime.date(2026, 2, 16), "held"),
        (datetime.date(2026, 5, 15), "held"),
        (datetime.date(2026, 9, 15), "planned"),
        (datetime.date(2026, 11, 16), "planned"),
    ]
    assert quarterly[2].title == "Account-Plan-Workshop Q3 2025"
    assert all(m.minutes and m.participants.exists() for m in quarterly if m.status == "held")
    assert TeamMeeting.objects.filter(account=accounts[3]).count() == 24
    # On the second account the last meeting was cancelled: the next one is overdue.
    assert TeamMeeting.objects.filter(account=accounts[1], status=MeetingStatus.CANCELLED).count() == 1
    assert selectors.meeting_schedule(accounts[1], on=TODAY).overdue
    assert not selectors.meeting_schedule(accounts[0], on=TODAY).overdue

    # Older actions are done (now and then dropped), recent ones open, some of them overdue.
    old = MeetingAction.objects.filter(meeting__date__lt=TODAY - datetime.timedelta(days=RECENT_DAYS))
    assert old.exists() and not old.filter(status=ActionStatus.OPEN).exists()
    recent = MeetingAction.objects.filter(meeting__date__gte=TODAY - datetime.timedelta(days=RECENT_DAYS))
    assert recent.exists() and not recent.exclude(status=ActionStatus.OPEN).exists()
    assert recent.filter(due_on__lt=TODAY).exists()
    assert MeetingDecision.objects.count() == result.decisions > 0
    assert AuditEntry.objects.filter(action="teams.meeting.create").count() == result.meetings


def test_seeding_is_deterministic_and_leaves_seeded_accounts_alone(world):
    _accounts(world)
    seed_teams(today=TODAY)
    first = _signature()

    assert seed_teams(today=TODAY).accounts == 0
    assert _signature() == first

    for model in (MeetingAction, MeetingDecision, TeamMeeting, MemberGoal, RoleAssignment, TeamCadence):
        model.objects.all().delete()
    seed_teams(today=TODAY)
    assert _signature() == first

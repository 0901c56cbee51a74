"""Reads of the teams app: the team page (members, role coverage, member goals), the team
information exchange (cadence, meetings, the next meeting due) and open meeting actions.

Every function takes an account the caller has loaded through its access helper
(``get_account_for_user``) or a user whose visible accounts it filters by; none checks rights
itself. Other apps may call ``role_coverage``, ``uncovered_roles``, ``meeting_schedule`` and
``open_meeting_actions_for_user`` (docs/team.md).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.accounts.permissions import accounts_visible_to
from openkam.users.models import User

from .choices import CADENCE_MONTHS, AccountRole, ActionStatus, MeetingCadence, MeetingStatus
from .models import MeetingAction, MeetingDecision, MemberGoal, RoleAssignment, TeamCadence, TeamMeeting


def today() -> datetime.date:
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# People -----------------------------------------------------------------------------------------


def colleague_choices(account: KeyAccount) -> QuerySet[User]:
    """The people who may cover a role, own a goal or an action, or take part in a team meeting:
    the account's KAM and its team (core and extended), active people only, by name."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk=account.owner_id) | Q(team_memberships__account=account))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def team_user_ids(account: KeyAccount) -> set[int]:
    """Ids of the account's KAM and every team member (active or not), in one query."""
    ids = set(TeamMembership.objects.filter(account=account).values_list("user_id", flat=True))
    return ids | {account.owner_id}


def _on_team(account: KeyAccount, user_field: str):
    """An annotation: whether the row's person is the account's KAM or on its team."""
    member = TeamMembership.objects.filter(account=account, user_id=OuterRef(user_field))
    return ExpressionWrapper(
        Q(**{user_field: account.owner_id}) | Exists(member), output_field=BooleanField()
    )


# The team and its members -----------------------------------------------------------------------


@dataclass
class Member:
    """One person of the account team as the team page shows them."""

    user: User
    membership: TeamMembership | None  # None for the KAM, who is the account's owner
    roles: list[str] = field(default_factory=list)  # AccountRole values they cover

    @property
    def is_kam(self) -> bool:
        return self.membership is None

    @property
    def role_labels(self) -> list[str]:
        return [AccountRole(role).label for role in self.roles]


def team_members(account: KeyAccount, assignments: list[RoleAssignment] | None = None) -> list[Member]:
    """The KAM first, then the core and the extended team by name, each with the roles they cover.

    ``assignments`` (e.g. from ``role_coverage``) saves the query for the roles.
    """
    memberships = account.team_memberships.select_related("user").order_by(
        "scope", "user__last_name", "user__first_name", "pk"
    )
    members = [Member(user=account.owner, membership=None)]
    members += [Member(user=m.user, membership=m) for m in memberships]
    if assignments is None:
        assignments = list(RoleAssignment.objects.filter(account=account))
    by_user = {m.user.pk: m for m in members}
    for assignment in sorted(assignments, key=lambda a: AccountRole.values.index(a.role)):
        if assignment.user_id in by_user:
            by_user[assignment.user_id].roles.append(assignment.role)
    return members


# Role coverage ----------------------------------------------------------------------------------


@dataclass
class RoleHolder:
    """A colleague assigned to a role; ``on_team`` is False when they have left the team since."""

    assignment: RoleAssignment
    on_team: bool

    @property
    def user(self) -> User:
        return self.assignment.user


@dataclass
class RoleCoverage:
    """One of the six account-management roles and who covers it.

    ``people`` are everyone assigned (those who left the team included, flagged); the role is
    ``uncovered`` when nobody of them is still on the team.
    """

    role: str
    people: list[RoleHolder] = field(default_factory=list)

    @property
    def label(self) -> str:
        return AccountRole(self.role).label

    @property
    def covered_by(self) -> list[User]:
        return [p.user for p in self.people if p.on_team]

    @property
    def uncovered(self) -> bool:
        return not self.covered_by

    @property
    def only_former_members(self) -> bool:
        """Assigned, but only to people who are no longer on the team."""
        return bool(self.people) and self.uncovered


class Coverage(list):
    """``role_coverage``'s answer: a list of ``RoleCoverage`` in the order of ``AccountRole``."""

    @property
    def uncovered(self) -> list[RoleCoverage]:
        return [row for row in self if row.uncovered]

    @property
    def uncovered_count(self) -> int:
        return len(self.uncovered)

    @property
    def assignments(self) -> list[RoleAssignment]:
        return [holder.assignment for row in self for holder in row.people]


def role_coverage(account: KeyAccount) -> Coverage:
    """Per account-management role (in the order of ``AccountRole``) the people covering it and
    whether it is uncovered (nobody assigned, or only people who have left the team). One query."""
    assignments = (
        RoleAssignment.objects.filter(account=account)
        .select_related("user")
        .annotate(on_team=_on_team(account, "user_id"))
        .order_by("user__last_name", "user__first_name", "pk")
    )
    rows = {role: RoleCoverage(role=role) for role in AccountRole.values}
    for assignment in assignments:
        rows[assignment.role].people.append(RoleHolder(assignment=assignment, on_team=assignment.on_team))
    return Coverage(rows.values())


def uncovered_roles(account: KeyAccount) -> list[str]:
    """The ``AccountRole`` values nobody on the team covers (for overviews and KPIs)."""
    return [row.role for row in role_coverage(account).uncovered]


# Member goals -----------------------------------------------------------------------------------


@dataclass
class MemberGoals:
    """The goals of one person in one year; ``on_team`` is False when they have left the team."""

    user: User
    on_team: bool
    goals: list[MemberGoal] = field(default_factory=list)

    @property
    def bonus_weight_total(self) -> int:
        return sum(g.bonus_weight or 0 for g in self.goals if g.bonus_relevant)


def goals_by_member(account: KeyAccount, year: int) -> list[MemberGoals]:
    """The goals of ``year`` grouped by person: the KAM first, then by name. One query."""
    goals = (
        MemberGoal.objects.filter(account=account, year=year)
        .select_related("user")
        .annotate(on_team=_on_team(account, "user_id"))
        .order_by("user__last_name", "user__first_name", "user_id", "pk")
    )
    groups: dict[int, MemberGoals] = {}
    for goal in goals:
        group = groups.setdefault(goal.user_id, MemberGoals(user=goal.user, on_team=goal.on_team))
        group.goals.append(goal)
    return sorted(groups.values(), key=lambda g: g.user.pk != account.owner_id)


def goal_years(account: KeyAccount) -> list[int]:
    """The years the account has member goals for, ascending."""
    return sorted(set(MemberGoal.objects.filter(account=account).values_list("year", flat=True)))


def bonus_weight_total(account: KeyAccount, user, year: int, *, exclude_pk: int | None = None) -> int:
    """The bonus weights of ``user``'s bonus-relevant goals on the account in ``year``."""
    rows = MemberGoal.objects.filter(account=account, user=user, year=year, bonus_relevant=True)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return sum(w for w in rows.values_list("bonus_weight", flat=True) if w)


# Team information exchange ----------------------------------------------------------------------


def cadence_of(account: KeyAccount) -> TeamCadence:
    """The stored cadence of the account, or an unsaved quarterly one (version 1) when none is."""
    cadence = TeamCadence.objects.filter(account=account).first()
    return cadence if cadence is not None else TeamCadence(account=account, cadence=MeetingCadence.QUARTERLY)


@dataclass
class MeetingSchedule:
    """When the team should meet next: ``cadence`` months after the last held meeting.

    Without a held meeting the next one is due now. ``overdue`` means the due date has passed;
    ``next_planned`` is the earliest planned meeting from today on, if any.
    """

    cadence: str
    last_held: TeamMeeting | None
    next_due: datetime.date
    overdue: bool
    next_planned: TeamMeeting | None

    @property
    def cadence_label(self) -> str:
        return MeetingCadence(self.cadence).label

    @property
    def planned_in_time(self) -> bool:
        """A meeting is planned on or before the due date."""
        return self.next_planned is not None and self.next_planned.date <= self.next_due


def meeting_schedule(
    account: KeyAccount, *, on: datetime.date | None = None, cadence: TeamCadence | None = None
) -> MeetingSchedule:
    """The "next meeting due" indicator of the account's team (three queries, two with ``cadence``)."""
    on = on or today()
    cadence = cadence or cadence_of(account)
    meetings = TeamMeeting.objects.filter(account=account)
    last_held = meetings.filter(status=MeetingStatus.HELD, date__lte=on).order_by("-date", "-pk").first()
    next_planned = meetings.filter(status=MeetingStatus.PLANNED, date__gte=on).order_by("date", "pk").first()
    next_due = on if last_held is None else add_months(last_held.date, CADENCE_MONTHS[cadence.cadence])
    return MeetingSchedule(
        cadence=cadence.cadence,
        last_held=last_held,
        next_due=next_due,
        overdue=last_held is not None and next_due < on,
        next_planned=next_planned,
    )


def meetings_for_account(account: KeyAccount, *, year: int | None = None) -> QuerySet[TeamMeeting]:
    """The account's team meetings, newest first, with the number of decisions and of actions
    still open (``decision_count``, ``open_actions``)."""
    rows = TeamMeeting.objects.filter(account=account)
    if year is not None:
        rows = rows.filter(date__year=year)
    return rows.annotate(
        decision_count=Count("decisions", distinct=True),
        open_actions=Count("actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True),
    ).order_by("-date", "-pk")


def meeting_years(account: KeyAccount) -> list[int]:
    return sorted({d.year for d in TeamMeeting.objects.filter(account=account).dates("date", "year")})


def meeting_for_page(meeting: TeamMeeting) -> TeamMeeting:
    """``meeting`` with participants, decisions and actions (their owners flagged ``on_team``);
    keeps the account the access helper loaded."""
    account = meeting.account
    loaded = (
        TeamMeeting.objects.select_related("created_by")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=User.objects.annotate(on_team=_on_team(account, "pk")).order_by(
                    "last_name", "first_name", "pk"
                ),
            ),
            Prefetch("decisions", queryset=MeetingDecision.objects.order_by("pk")),
            Prefetch(
                "actions",
                queryset=MeetingAction.objects.select_related("owner")
                .annotate(owner_on_team=_on_team(account, "owner_id"))
                .order_by(F("due_on").asc(nulls_last=True), "pk"),
            ),
        )
        .get(pk=meeting.pk)
    )
    loaded.account = account
    return loaded


def open_meeting_actions_for_account(account: KeyAccount) -> QuerySet[MeetingAction]:
    """Open actions of the account's team meetings, the earliest due first."""
    return (
        MeetingAction.objects.filter(meeting__account=account, status=ActionStatus.OPEN)
        .select_related("owner", "meeting")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def open_meeting_actions_for_user(user, *, on: datetime.date | None = None) -> QuerySet[MeetingAction]:
    """The open team-meeting actions ``user`` owns on every account they can see, the earliest
    due first (no due date last), with meeting, account and customer, and ``overdue`` set."""
    on = on or today()
    return (
        MeetingAction.objects.filter(
            owner=user, status=ActionStatus.OPEN, meeting__account__in=accounts_visible_to(user)
        )
        .select_related("meeting", "meeting__account", "meeting__account__customer")
        .annotate(
            overdue=ExpressionWrapper(Q(due_on__lt=on) & Q(due_on__isnull=False), output_field=BooleanField())
        )
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def meetings_by_period(account: KeyAccount, year: int, months: int) -> dict[int, int]:
    """How many meetings (of any status) lie in each period of ``year`` (periods of ``months``
    months, numbered from 0), for laying out the year without duplicates."""
    counts: dict[int, int] = defaultdict(int)
    for day in TeamMeeting.objects.filter(account=account, date__year=year).values_list("date", flat=True):
        counts[(day.month - 1) // months] += 1
    return dict(counts)

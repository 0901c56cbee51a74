"""Writes of the teams app: role assignments, member goals, the team cadence, team meetings with
their decisions and actions, and laying out a year of meetings.

Every function checks the right again (``actor=None`` is the system, e.g. the demo generator),
validates before saving (ValidationError → form errors / 422), runs in one transaction and writes
an audit entry on the account timeline in it. Updates take the ``version`` the editor started
from and raise ``EditConflict`` when someone else saved in between (``openkam.core.locking``);
``None`` means "not known" (last writer wins).

Who may write: the KAM and the core team (``can_work_on_account``) for roles, the cadence,
meetings, decisions and actions; for member goals the KAM (everyone's) and each team member
(their own). People named on these objects — role holders, goal owners, meeting participants,
action owners — must be the account's KAM or on its team when they are named; one who has left
the team since may stay where they are.

Bonus fields of a goal are visible only to the goal's member, the KAM and management, while the
account timeline is open to the whole team: their changes go into an audit entry of their own
that is not on the timeline (``teams.goal.bonus``, no account id).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_work_on_account
from openkam.core.editing import created_values, joined_names, refuse_unknown, stripped, update_versioned
from openkam.core.locking import EditConflict, save_versioned
from openkam.core.services import apply_changes, audit_record
from openkam.users.models import User

from . import selectors
from .choices import (
    CADENCE_MONTHS,
    MAX_BONUS_WEIGHT_TOTAL,
    ActionStatus,
    MeetingCadence,
    MeetingFormat,
    MeetingStatus,
)
from .models import MeetingAction, MeetingDecision, MemberGoal, RoleAssignment, TeamCadence, TeamMeeting
from .permissions import can_add_goals, can_edit_goal, can_set_action_status

GOAL_FIELDS = (
    "user",
    "year",
    "title",
    "measure",
    "target",
    "bonus_relevant",
    "bonus_weight",
    "status",
    "result",
)
BONUS_FIELDS = ("bonus_relevant", "bonus_weight")
CADENCE_FIELDS = ("cadence", "notes")
MEETING_FIELDS = ("date", "meeting_format", "title", "status", "agenda", "minutes")
ACTION_FIELDS = ("title", "owner", "due_on", "status")


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need edit rights on the account.
    if actor is not None and not can_work_on_account(actor, account):
        raise PermissionDenied


def _check_colleague(account: KeyAccount, user, field: str, *, keep: int | None = None) -> None:
    """``user`` must be the account's KAM or on its team (``keep``: allowed as the stored one)."""
    if user is None or (keep is not None and user.pk == keep):
        return
    if user.pk not in selectors.team_user_ids(account):
        raise ValidationError({field: _("Choose the key account manager or a member of the account team.")})


# Foreign keys that need no existence query in ``full_clean``: accounts and meetings come from the
# access helpers, and people are checked against the team (nobody missing can be on it).
LOADED = ("account", "meeting", "user", "owner")


# Account-management roles -----------------------------------------------------------------------


@transaction.atomic
def role_assign(*, actor, account: KeyAccount, role: str, user: User) -> RoleAssignment:
    """Let ``user`` (the KAM or a team member) cover one of the six account-management roles.

    ValidationError for an unknown role, someone not on the team or an assignment that exists
    already; PermissionDenied for anyone but the KAM and the core team.
    """
    _check(actor, account)
    assignment = RoleAssignment(account=account, role=role, user=user)
    assignment.full_clean(exclude=LOADED, validate_constraints=False)
    _check_colleague(account, user, "user")
    if RoleAssignment.objects.filter(account=account, role=role, user=user).exists():
        raise ValidationError(
            {"user": _("%(name)s covers this role already.") % {"name": user}},
        )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:  # the same assignment saved at the same moment
        raise ValidationError({"user": _("%(name)s covers this role already.") % {"name": user}}) from exc
    audit_record(
        actor=actor,
        action="teams.role.assign",
        target=assignment,
        account_id=account.pk,
        changes={"role": role, "user": user},
    )
    return assignment


@transaction.atomic
def role_unassign(*, actor, assignment: RoleAssignment) -> None:
    """Take a role back from a colleague (also one who has left the team)."""
    account = assignment.account
    _check(actor, account)
    audit_record(
        actor=actor,
        action="teams.role.unassign",
        target=assignment,
        account_id=account.pk,
        changes={"role": assignment.role, "user": assignment.user},
    )
    assignment.delete()


# Member goals -----------------------------------------------------------------------------------


def _check_goal(goal: MemberGoal) -> None:
    """Bonus weight only on a bonus-relevant goal; a member's weights in a year add up to 100 % at most."""
    if goal.bonus_weight is not None and not goal.bonus_relevant:
        raise ValidationError({"bonus_weight": _("A bonus weight needs a goal that counts for the bonus.")})
    if goal.bonus_relevant and goal.bonus_weight:
        others = selectors.bonus_weight_total(goal.account, goal.user, goal.year, exclude_pk=goal.pk)
        total = others + goal.bonus_weight
        if total > MAX_BONUS_WEIGHT_TOTAL:
            raise ValidationError(
                {
                    "bonus_weight": _(
                        "The bonus weights of %(name)s in %(year)s would add up to %(total)s %%; "
                        "at most %(limit)s %% are possible (%(others)s %% are given to other goals)."
                    )
                    % {
                        "name": goal.user,
                        "year": goal.year,
                        "total": total,
                        "limit": MAX_BONUS_WEIGHT_TOTAL,
                        "others": others,
                    }
                }
            )


def _year_text(value):
    # A year is no amount: as a number the timeline would print it with a thousands separator.
    if isinstance(value, tuple | list):
        return tuple(_year_text(v) for v in value)
    return None if value is None else str(value)


def _audit_goal(actor, action: str, goal: MemberGoal, changes: Mapping[str, Any]) -> None:
    """The timeline entry without the bonus fields, and the bonus fields in an entry of their own."""
    audit_record(
        actor=actor,
        action=action,
        target=goal,
        account_id=goal.account_id,
        changes={f: _year_text(v) if f == "year" else v for f, v in changes.items() if f not in BONUS_FIELDS},
    )
    bonus = {f: v for f, v in changes.items() if f in BONUS_FIELDS}
    if bonus:
        audit_record(actor=actor, action="teams.goal.bonus", target=goal, changes=bonus)


@transaction.atomic
def member_goal_create(
    *,
    actor,
    account: KeyAccount,
    user: User | None = None,
    year: int,
    title: str,
    measure: str = "",
    target: str = "",
    bonus_relevant: bool = False,
    bonus_weight: int | None = None,
    status: str | None = None,
    result: str = "",
) -> MemberGoal:
    """Add a goal of ``user`` (default: the actor) on the account for ``year``.

    The KAM adds goals for anyone on the team, a team member only for themselves
    (PermissionDenied otherwise). ValidationError when ``user`` is not on the team, for a bonus
    weight without bonus relevance, or when the member's bonus weights in the year would exceed
    100 %.
    """
    user = user if user is not None else actor
    if user is None:
        raise ValidationError({"user": _("Choose the team member the goal belongs to.")})
    if actor is not None and not (can_add_goals(actor, account) and can_edit_goal(actor, account, user.pk)):
        raise PermissionDenied
    goal = MemberGoal(
        account=account,
        user=user,
        year=year,
        title=title.strip(),
        measure=measure.strip(),
        target=target.strip(),
        bonus_relevant=bonus_relevant,
        bonus_weight=bonus_weight,
        result=result.strip(),
    )
    if status:
        goal.status = status
    goal.full_clean(exclude=LOADED)
    _check_colleague(account, user, "user")
    _check_goal(goal)
    goal.save()
    # "Does not count for the bonus" is the default, not news: left out like empty fields.
    changes = {f: v for f, v in created_values(goal, GOAL_FIELDS).items() if v is not False}
    _audit_goal(actor, "teams.goal.create", goal, changes)
    return goal


@transaction.atomic
def member_goal_update(*, actor, goal: MemberGoal, version: int | None = None, **values) -> MemberGoal:
    """Change a goal (fields of ``GOAL_FIELDS``) edited from ``version``.

    Only the KAM may give a goal to someone else; a member edits their own goals.
    """
    account = goal.account
    refuse_unknown(values, GOAL_FIELDS, "member goal")
    if actor is not None:
        if not can_edit_goal(actor, account, goal.user_id):
            raise PermissionDenied
        new_user = values.get("user")
        if (
            new_user is not None
            and new_user.pk != goal.user_id
            and not can_edit_goal(actor, account, new_user.pk)
        ):
            raise PermissionDenied
    obj = MemberGoal.objects.select_for_update(of=("self",)).select_related("user").get(pk=goal.pk)
    obj.account = account
    stored_user = obj.user_id

    def validate():
        _check_colleague(account, obj.user, "user", keep=stored_user)
        _check_goal(obj)

    diff = update_versioned(obj, exclude=LOADED, version=version, values=stripped(values), validate=validate)
    if diff:
        _audit_goal(actor, "teams.goal.update", obj, diff)
    return obj


@transaction.atomic
def member_goal_delete(*, actor, goal: MemberGoal) -> None:
    if actor is not None and not can_edit_goal(actor, goal.account, goal.user_id):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="teams.goal.delete",
        target=goal,
        account_id=goal.account_id,
        changes={"user": goal.user, "year": _year_text(goal.year)},
    )
    goal.delete()


# The team cadence -------------------------------------------------------------------------------


@transaction.atomic
def team_cadence_update(*, actor, account: KeyAccount, version: int | None = None, **values) -> TeamCadence:
    """Set how often the account team meets (fields of ``CADENCE_FIELDS``), edited from ``version``.

    An account without a stored cadence has the quarterly default at version 1: the first save
    stores it and makes version 2, so two people editing the default still see each other's change.
    """
    _check(actor, account)
    refuse_unknown(values, CADENCE_FIELDS, "team cadence")
    TeamCadence.objects.get_or_create(account=account, defaults={"cadence": MeetingCadence.QUARTERLY})
    obj = TeamCadence.objects.select_for_update().get(account=account)
    obj.account = account
    diff = update_versioned(
        obj, exclude=LOADED, version=version, values=stripped(values), validate=lambda: None
    )
    if diff:
        audit_record(
            actor=actor, action="teams.cadence.update", target=obj, account_id=account.pk, changes=diff
        )
    return obj


# Team meetings ----------------------------------------------------------------------------------


def _check_meeting(meeting: TeamMeeting) -> None:
    if meeting.status == MeetingStatus.HELD and meeting.date > selectors.today():
        raise ValidationError(
            {"date": _("A held meeting cannot lie in the future. Plan it instead, or correct the date.")}
        )


def _check_participants(
    account: KeyAccount, participants: Iterable[User], *, kept: set[int] = frozenset()
) -> None:
    team = None
    for user in participants:
        if user.pk in kept:
            continue
        team = team if team is not None else selectors.team_user_ids(account)
        if user.pk not in team:
            raise ValidationError(
                {
                    "participants": _(
                        "Participants must be the key account manager or members of the account team."
                    )
                }
            )


@transaction.atomic
def team_meeting_create(
    *,
    actor,
    account: KeyAccount,
    date: datetime.date,
    title: str,
    meeting_format: str = MeetingFormat.CALL,
    status: str = MeetingStatus.PLANNED,
    agenda: str = "",
    minutes: str = "",
    participants: Iterable[User] = (),
) -> TeamMeeting:
    """Plan a team meeting (or record one that took place). A held meeting cannot lie in the
    future; participants are the KAM and team members."""
    _check(actor, account)
    participants = list(participants)
    meeting = TeamMeeting(
        account=account,
        date=date,
        title=title.strip(),
        meeting_format=meeting_format,
        status=status,
        agenda=agenda.strip(),
        minutes=minutes.strip(),
        created_by=actor,
    )
    meeting.full_clean(exclude=LOADED)
    _check_meeting(meeting)
    _check_participants(account, participants)
    meeting.save()
    if participants:
        meeting.participants.set(participants)
    changes = created_values(meeting, MEETING_FIELDS)
    if participants:
        changes["participants"] = joined_names(participants)
    audit_record(
        actor=actor, action="teams.meeting.create", target=meeting, account_id=account.pk, changes=changes
    )
    return meeting


@transaction.atomic
def team_meeting_update(
    *,
    actor,
    meeting: TeamMeeting,
    version: int | None = None,
    participants: Iterable[User] | None = None,
    **values,
) -> TeamMeeting:
    """Change a team meeting (fields of ``MEETING_FIELDS``; ``participants`` replaces the list,
    ``None`` leaves it) edited from ``version``. Changing the participants makes a new version too."""
    account = meeting.account
    _check(actor, account)
    refuse_unknown(values, MEETING_FIELDS, "team meeting")
    obj = TeamMeeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    obj.account = account
    values = stripped(values)
    stored = set(obj.participants.values_list("pk", flat=True))
    wanted = None if participants is None else list(participants)
    people_change = wanted is not None and {u.pk for u in wanted} != stored
    if not people_change and all(getattr(obj, f) == v for f, v in values.items()):
        return obj
    if version is not None and obj.version != version:
        theirs = {f: getattr(obj, f) for f, v in values.items() if getattr(obj, f) != v}
        if people_change:
            theirs["participants"] = joined_names(User.objects.filter(pk__in=stored))
        raise EditConflict(obj, expected_version=version, theirs=theirs)
    diff = apply_changes(obj, values)
    obj.full_clean(exclude=LOADED)
    _check_meeting(obj)
    if people_change:
        _check_participants(account, wanted, kept=stored)
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    if people_change:
        before = User.objects.filter(pk__in=stored)
        diff["participants"] = (joined_names(before), joined_names(wanted))
        obj.participants.set(wanted)
    audit_record(actor=actor, action="teams.meeting.update", target=obj, account_id=account.pk, changes=diff)
    return obj


@transaction.atomic
def team_meeting_delete(*, actor, meeting: TeamMeeting) -> None:
    """Remove a team meeting with its decisions and actions."""
    _check(actor, meeting.account)
    audit_record(
        actor=actor,
        action="teams.meeting.delete",
        target=meeting,
        account_id=meeting.account_id,
        changes={"date": meeting.date},
    )
    meeting.delete()


# Laying out a year ------------------------------------------------------------------------------


def _weekday(day: datetime.date) -> datetime.date:
    """The day itself, or the Monday after it when it falls on a weekend."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def suggested_meetings(cadence: str, year: int) -> list[tuple[int, dict[str, Any]]]:
    """The meetings a year of ``cadence`` suggests, as ``(period, values)``.

    Quarterly: an in-person team meeting in Q1, a call in Q2, the account-plan workshop that feeds
    the budget planning in Q3, a call in Q4. Half-yearly: the in-person meeting in the first half,
    the workshop in the second. Monthly: the in-person meeting in February, the workshop in
    September, a call in every other month. Each on a weekday around the middle of its month;
    ``period`` counts the periods of the cadence from 0.
    """
    kick_off = (
        MeetingFormat.IN_PERSON,
        _("In-person team meeting %(period)s"),
        _("Review of last year and of the account plan; goals and roles for this year; open actions."),
    )
    workshop = (
        MeetingFormat.PLAN_WORKSHOP,
        _("Account-plan workshop %(period)s"),
        _(
            "Review of the account plan, goals and opportunities; the plan for next year as input "
            "for the budget planning; open actions."
        ),
    )
    call = (
        MeetingFormat.CALL,
        _("Team call %(period)s"),
        _("News from the customer, opportunities, open actions, next steps."),
    )
    if cadence == MeetingCadence.QUARTERLY:
        slots = [(0, 2, kick_off), (1, 5, call), (2, 9, workshop), (3, 11, call)]
        name = "Q{n} {year}"
    elif cadence == MeetingCadence.HALF_YEARLY:
        slots = [(0, 3, kick_off), (1, 9, workshop)]
        name = "H{n} {year}"
    else:
        slots = [(m - 1, m, kick_off if m == 2 else workshop if m == 9 else call) for m in range(1, 13)]
        name = ""
    suggestions = []
    for period, month, (meeting_format, title, agenda) in slots:
        label = name.format(n=period + 1, year=year) if name else f"{MONTHS[month]} {year}"
        suggestions.append(
            (
                period,
                {
                    "date": _weekday(datetime.date(year, month, 15)),
                    "meeting_format": meeting_format,
                    "title": title % {"period": label},
                    "agenda": agenda,
                },
            )
        )
    return suggestions


@transaction.atomic
def team_meetings_lay_out(*, actor, account: KeyAccount, year: int) -> list[TeamMeeting]:
    """Plan the suggested meetings of ``year`` from the account's cadence (default quarterly).

    A period of the cadence (quarter, half-year, month) that has a meeting already — planned,
    held or cancelled — gets no new one, so laying out a year twice changes nothing. Meetings in
    the past are planned too (they can be recorded as held). Returns the meetings created.
    """
    _check(actor, account)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})
    cadence = selectors.cadence_of(account).cadence
    taken = selectors.meetings_by_period(account, year, CADENCE_MONTHS[cadence])
    created = []
    for period, values in suggested_meetings(cadence, year):
        if taken.get(period):
            continue
        created.append(team_meeting_create(actor=actor, account=account, **values))
    return created


# Decisions --------------------------------------------------------------------------------------


@transaction.atomic
def meeting_decision_create(*, actor, meeting: TeamMeeting, text: str) -> MeetingDecision:
    """Record a decision the team took in a meeting."""
    account = meeting.account
    _check(actor, account)
    decision = MeetingDecision(meeting=meeting, text=text.strip())
    decision.full_clean(exclude=LOADED)
    decision.save()
    audit_record(
        actor=actor,
        action="teams.decision.create",
        target=decision,
        account_id=account.pk,
        changes={"text": decision.text},
    )
    return decision


@transaction.atomic
def meeting_decision_delete(*, actor, decision: MeetingDecision) -> None:
    account = decision.meeting.account
    _check(actor, account)
    audit_record(actor=actor, action="teams.decision.delete", target=decision, account_id=account.pk)
    decision.delete()


# Actions ----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_action_create(
    *,
    actor,
    meeting: TeamMeeting,
    title: str,
    owner: User,
    due_on: datetime.date | None = None,
    status: str = ActionStatus.OPEN,
) -> MeetingAction:
    """Add an action agreed in a meeting; its ``owner`` is the KAM or on the team."""
    account = meeting.account
    _check(actor, account)
    action = MeetingAction(meeting=meeting, title=title.strip(), owner=owner, due_on=due_on, status=status)
    action.full_clean(exclude=LOADED)
    if owner is None:
        raise ValidationError({"owner": _("Choose who does it.")})
    _check_colleague(account, owner, "owner")
    action.save()
    audit_record(
        actor=actor,
        action="teams.action.create",
        target=action,
        account_id=account.pk,
        changes=created_values(action, ACTION_FIELDS),
    )
    return action


@transaction.atomic
def meeting_action_update(
    *, actor, action: MeetingAction, version: int | None = None, **values
) -> MeetingAction:
    """Change an action (fields of ``ACTION_FIELDS``) edited from ``version``.

    Its owner may set the ``status`` alone without edit rights on the account.
    """
    account = action.meeting.account
    refuse_unknown(values, ACTION_FIELDS, "meeting action")
    if actor is not None and not (set(values) <= {"status"} and can_set_action_status(actor, action)):
        _check(actor, account)
    obj = MeetingAction.objects.select_for_update(of=("self",)).select_related("owner").get(pk=action.pk)
    obj.meeting = action.meeting
    stored_owner = obj.owner_id
    diff = update_versioned(
        obj,
        exclude=LOADED,
        version=version,
        values=stripped(values),
        validate=lambda: _check_colleague(account, obj.owner, "owner", keep=stored_owner),
    )
    if diff:
        audit_record(
            actor=actor, action="teams.action.update", target=obj, account_id=account.pk, changes=diff
        )
    return obj


@transaction.atomic
def meeting_action_delete(*, actor, action: MeetingAction) -> None:
    account = action.meeting.account
    _check(actor, account)
    audit_record(actor=actor, action="teams.action.delete", target=action, account_id=account.pk)
    action.delete()

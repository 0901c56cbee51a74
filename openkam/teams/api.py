"""API operations on the account team: role coverage, member goals, the team cadence and the team
meetings with their decisions and actions (mounted under /accounts; see openkam/api.py).

See docs/team.md for the rules. Objects are loaded only through their account's access helper
(404 for what the caller may not see); the services decide who may change them (403) and
validate (422, naming the body's fields). PATCH bodies may carry the ``version`` the client
read; when someone else saved in between, the answer is 409. The bonus fields of a goal are
present only for the goal's member, the key account manager and management; for everybody else
the keys are absent.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import refuse_unknown_query, with_errors
from openkam.users.models import User

from . import selectors, services
from .models import MeetingAction, MeetingDecision, MemberGoal, TeamMeeting
from .permissions import (
    can_see_bonus,
    get_action_for_user,
    get_decision_for_user,
    get_goal_for_user,
    get_meeting_for_user,
    get_role_assignment_for_user,
)
from .schemas import (
    DecisionIn,
    DecisionOut,
    LayOutIn,
    MeetingActionIn,
    MeetingActionOut,
    MeetingActionPatch,
    MemberGoalIn,
    MemberGoalOut,
    MemberGoalPatch,
    MemberGoalQuery,
    RoleAssignIn,
    RoleAssignmentOut,
    RoleCoverageOut,
    TeamCadenceOut,
    TeamCadencePatch,
    TeamMeetingIn,
    TeamMeetingOut,
    TeamMeetingPatch,
    TeamMeetingQuery,
)

router = Router(tags=["Account team"])

# The services name people by model field; the bodies name them by id.
_BODY_FIELDS = {"user": "user_id", "owner": "owner_id"}


@contextmanager
def _body_field_names() -> Iterator[None]:
    """Re-raise a service's ValidationError with the field names of the request body."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {_BODY_FIELDS.get(name, name): errors for name, errors in exc.error_dict.items()}
        ) from exc


def _colleague(user_id: int, field: str) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError(
            {field: gettext("Choose the key account manager or a member of the account team.")}
        )
    return user


def _colleagues(ids: list[int], field: str) -> list[User]:
    found = list(User.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError(
            {field: gettext("Participants must be the key account manager or members of the account team.")}
        )
    return found


def _people(values: dict) -> dict:
    for body, field in (("user_id", "user"), ("owner_id", "owner")):
        if body in values:
            values[field] = _colleague(values.pop(body), body)
    return values


# Roles ------------------------------------------------------------------------------------------


@router.get(
    "/{account_id}/roles",
    response=with_errors({200: list[RoleCoverageOut]}, 401, 404),
    operation_id="account_roles_list",
    summary=_("List the account-management roles and who covers them"),
)
def roles_list(request, account_id: int):
    """The six roles in a fixed order, each with the colleagues assigned (those who have left the
    team flagged ``on_team: false``) and ``uncovered`` when nobody on the team holds it."""
    account = get_account_for_user(request.auth, account_id)
    return [
        {
            "role": row.role,
            "label": str(row.label),
            "uncovered": row.uncovered,
            "people": [
                {"assignment_id": p.assignment.pk, "user": p.user, "on_team": p.on_team} for p in row.people
            ],
        }
        for row in selectors.role_coverage(account)
    ]


@router.post(
    "/{account_id}/roles",
    response=with_errors({201: RoleAssignmentOut}, 401, 403, 404, 422),
    operation_id="account_role_assign",
    summary=_("Assign an account-management role to a colleague"),
)
def role_assign(request, account_id: int, payload: RoleAssignIn):
    account = get_account_for_user(request.auth, account_id)
    with _body_field_names():
        assignment = services.role_assign(
            actor=request.auth,
            account=account,
            role=payload.role,
            user=_colleague(payload.user_id, "user_id"),
        )
    return Status(201, assignment)


@router.delete(
    "/{account_id}/roles/{role_assignment_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="account_role_unassign",
    summary=_("Take an account-management role back"),
)
def role_unassign(request, account_id: int, role_assignment_id: int):
    assignment = get_role_assignment_for_user(request.auth, account_id, role_assignment_id)
    services.role_unassign(actor=request.auth, assignment=assignment)
    return Status(204, None)


# Member goals -----------------------------------------------------------------------------------

_GOAL_FIELDS = ("id", "user", "year", "title", "measure", "target", "status", "result", "version")


def _goal(request, goal: MemberGoal) -> dict:
    """The goal as the caller may see it: the bonus keys only for the member, the KAM and management."""
    item = {name: getattr(goal, name) for name in _GOAL_FIELDS}
    item |= {"created_at": goal.created_at, "updated_at": goal.updated_at}
    if can_see_bonus(request.auth, goal.account, goal.user_id):
        item |= {"bonus_relevant": goal.bonus_relevant, "bonus_weight": goal.bonus_weight}
    return item


@router.get(
    "/{account_id}/goals",
    response=with_errors({200: list[MemberGoalOut]}, 401, 404, 422),
    operation_id="member_goals_list",
    summary=_("List the goals of the account team's members"),
    exclude_unset=True,
)
def goals_list(request, account_id: int, query: Query[MemberGoalQuery]):
    """Newest year first, then by member. ``bonus_relevant`` and ``bonus_weight`` only on goals
    whose bonus terms the caller may see."""
    refuse_unknown_query(request, MemberGoalQuery)
    account = get_account_for_user(request.auth, account_id)
    rows = MemberGoal.objects.filter(account=account).select_related("user")
    if query.year is not None:
        rows = rows.filter(year=query.year)
    if query.user_id is not None:
        rows = rows.filter(user_id=query.user_id)
    goals = list(rows.order_by("-year", "user__last_name", "user__first_name", "pk"))
    for goal in goals:
        goal.account = account
    return [_goal(request, goal) for goal in goals]


@router.post(
    "/{account_id}/goals",
    response=with_errors({201: MemberGoalOut}, 401, 403, 404, 422),
    operation_id="member_goal_create",
    summary=_("Add a member goal"),
    exclude_unset=True,
)
def goal_add(request, account_id: int, payload: MemberGoalIn):
    """The key account manager adds goals for anyone on the team, a member for themselves. A
    member's bonus weights in a year add up to 100 % at most."""
    account = get_account_for_user(request.auth, account_id)
    values = payload.model_dump()
    user_id = values.pop("user_id")
    values["user"] = _colleague(user_id, "user_id") if user_id is not None else None
    with _body_field_names():
        goal = services.member_goal_create(actor=request.auth, account=account, **values)
    return Status(201, _goal(request, goal))


@router.get(
    "/{account_id}/goals/{member_goal_id}",
    response=with_errors({200: MemberGoalOut}, 401, 404),
    operation_id="member_goal_get",
    summary=_("Show a member goal"),
    exclude_unset=True,
)
def goal_get(request, account_id: int, member_goal_id: int):
    return _goal(request, get_goal_for_user(request.auth, account_id, member_goal_id))


@router.patch(
    "/{account_id}/goals/{member_goal_id}",
    response=with_errors({200: MemberGoalOut}, 401, 403, 404, 409, 422),
    operation_id="member_goal_update",
    summary=_("Change a member goal"),
    exclude_unset=True,
)
def goal_patch(request, account_id: int, member_goal_id: int, payload: MemberGoalPatch):
    goal = get_goal_for_user(request.auth, account_id, member_goal_id)
    values = _people(payload.changed())
    version = values.pop("version", None)
    with _body_field_names():
        goal = services.member_goal_update(actor=request.auth, goal=goal, version=version, **values)
    return _goal(request, goal)


@router.delete(
    "/{account_id}/goals/{member_goal_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="member_goal_delete",
    summary=_("Remove a member goal"),
)
def goal_remove(request, account_id: int, member_goal_id: int):
    goal = get_goal_for_user(request.auth, account_id, member_goal_id)
    services.member_goal_delete(actor=request.auth, goal=goal)
    return Status(204, None)


# Cadence ----------------------------------------------------------------------------------------


def _cadence(account, cadence) -> dict:
    schedule = selectors.meeting_schedule(account, cadence=cadence)
    return {
        "cadence": cadence.cadence,
        "notes": cadence.notes,
        "stored": cadence.pk is not None,
        "version": cadence.version,
        "last_held": schedule.last_held,
        "next_due": schedule.next_due,
        "overdue": schedule.overdue,
        "next_planned": schedule.next_planned,
    }


@router.get(
    "/{account_id}/team-cadence",
    response=with_errors({200: TeamCadenceOut}, 401, 404),
    operation_id="team_cadence_get",
    summary=_("Show the team meeting cadence and the next meeting due"),
)
def cadence_get(request, account_id: int):
    """Quarterly while none is stored. The next meeting is due one cadence after the last held."""
    account = get_account_for_user(request.auth, account_id)
    return _cadence(account, selectors.cadence_of(account))


@router.patch(
    "/{account_id}/team-cadence",
    response=with_errors({200: TeamCadenceOut}, 401, 403, 404, 409, 422),
    operation_id="team_cadence_update",
    summary=_("Change the team meeting cadence"),
)
def cadence_patch(request, account_id: int, payload: TeamCadencePatch):
    account = get_account_for_user(request.auth, account_id)
    values = payload.changed()
    version = values.pop("version", None)
    cadence = services.team_cadence_update(actor=request.auth, account=account, version=version, **values)
    return _cadence(account, cadence)


# Meetings ---------------------------------------------------------------------------------------


def _meetings(rows):
    return rows.select_related("created_by").prefetch_related(
        Prefetch("participants", queryset=User.objects.order_by("last_name", "first_name", "pk")),
        Prefetch("decisions", queryset=MeetingDecision.objects.order_by("pk")),
        Prefetch("actions", queryset=MeetingAction.objects.select_related("owner").order_by("due_on", "pk")),
    )


def _meeting(meeting: TeamMeeting) -> TeamMeeting:
    return _meetings(TeamMeeting.objects.filter(pk=meeting.pk)).get()


@router.get(
    "/{account_id}/team-meetings",
    response=with_errors({200: list[TeamMeetingOut]}, 401, 404, 422),
    operation_id="team_meetings_list",
    summary=_("List the team meetings of a key account"),
)
def meetings_list(request, account_id: int, query: Query[TeamMeetingQuery]):
    """Newest first, with participants, decisions and actions."""
    refuse_unknown_query(request, TeamMeetingQuery)
    account = get_account_for_user(request.auth, account_id)
    rows = TeamMeeting.objects.filter(account=account)
    if query.year is not None:
        rows = rows.filter(date__year=query.year)
    if query.status is not None:
        rows = rows.filter(status=query.status)
    return list(_meetings(rows.order_by("-date", "-pk")))


@router.post(
    "/{account_id}/team-meetings",
    response=with_errors({201: TeamMeetingOut}, 401, 403, 404, 422),
    operation_id="team_meeting_create",
    summary=_("Plan or record a team meeting"),
)
def meeting_add(request, account_id: int, payload: TeamMeetingIn):
    """A held meeting cannot lie in the future; participants are the KAM and team members."""
    account = get_account_for_user(request.auth, account_id)
    values = payload.model_dump()
    values["participants"] = _colleagues(values["participants"], "participants")
    meeting = services.team_meeting_create(actor=request.auth, account=account, **values)
    return Status(201, _meeting(meeting))


@router.post(
    "/{account_id}/team-meetings/lay-out",
    response=with_errors({201: list[TeamMeetingOut]}, 401, 403, 404, 422),
    operation_id="team_meetings_lay_out",
    summary=_("Plan the team meetings of a year from the cadence"),
)
def meetings_lay_out(request, account_id: int, payload: LayOutIn):
    """Quarterly: an in-person meeting in Q1, a call in Q2, the account-plan workshop in Q3, a call
    in Q4 (monthly and half-yearly alike). Periods that have a meeting get none; returns the
    meetings created (an empty list when the year is laid out already)."""
    account = get_account_for_user(request.auth, account_id)
    created = services.team_meetings_lay_out(actor=request.auth, account=account, year=payload.year)
    return Status(
        201, list(_meetings(TeamMeeting.objects.filter(pk__in=[m.pk for m in created]).order_by("date")))
    )


@router.get(
    "/{account_id}/team-meetings/{team_meeting_id}",
    response=with_errors({200: TeamMeetingOut}, 401, 404),
    operation_id="team_meeting_get",
    summary=_("Show a team meeting"),
)
def meeting_get(request, account_id: int, team_meeting_id: int):
    return _meeting(get_meeting_for_user(request.auth, account_id, team_meeting_id))


@router.patch(
    "/{account_id}/team-meetings/{team_meeting_id}",
    response=with_errors({200: TeamMeetingOut}, 401, 403, 404, 409, 422),
    operation_id="team_meeting_update",
    summary=_("Change a team meeting"),
)
def meeting_patch(request, account_id: int, team_meeting_id: int, payload: TeamMeetingPatch):
    """Fields left out stay unchanged; ``participants`` replaces the list."""
    meeting = get_meeting_for_user(request.auth, account_id, team_meeting_id)
    values = payload.changed()
    version = values.pop("version", None)
    if "participants" in values:
        values["participants"] = _colleagues(values["participants"], "participants")
    meeting = services.team_meeting_update(actor=request.auth, meeting=meeting, version=version, **values)
    return _meeting(meeting)


@router.delete(
    "/{account_id}/team-meetings/{team_meeting_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="team_meeting_delete",
    summary=_("Remove a team meeting"),
)
def meeting_remove(request, account_id: int, team_meeting_id: int):
    meeting = get_meeting_for_user(request.auth, account_id, team_meeting_id)
    services.team_meeting_delete(actor=request.auth, meeting=meeting)
    return Status(204, None)


# Decisions and actions --------------------------------------------------------------------------


@router.post(
    "/{account_id}/team-meetings/{team_meeting_id}/decisions",
    response=with_errors({201: DecisionOut}, 401, 403, 404, 422),
    operation_id="team_meeting_decision_create",
    summary=_("Record a decision of a team meeting"),
)
def decision_add(request, account_id: int, team_meeting_id: int, payload: DecisionIn):
    meeting = get_meeting_for_user(request.auth, account_id, team_meeting_id)
    decision = services.meeting_decision_create(actor=request.auth, meeting=meeting, text=payload.text)
    return Status(201, decision)


@router.delete(
    "/{account_id}/team-meetings/{team_meeting_id}/decisions/{meeting_decision_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="team_meeting_decision_delete",
    summary=_("Remove a decision of a team meeting"),
)
def decision_remove(request, account_id: int, team_meeting_id: int, meeting_decision_id: int):
    decision = get_decision_for_user(request.auth, account_id, team_meeting_id, meeting_decision_id)
    services.meeting_decision_delete(actor=request.auth, decision=decision)
    return Status(204, None)


@router.post(
    "/{account_id}/team-meetings/{team_meeting_id}/actions",
    response=with_errors({201: MeetingActionOut}, 401, 403, 404, 422),
    operation_id="team_meeting_action_create",
    summary=_("Add an action to a team meeting"),
)
def action_add(request, account_id: int, team_meeting_id: int, payload: MeetingActionIn):
    meeting = get_meeting_for_user(request.auth, account_id, team_meeting_id)
    with _body_field_names():
        action = services.meeting_action_create(
            actor=request.auth, meeting=meeting, **_people(payload.model_dump())
        )
    return Status(201, action)


@router.patch(
    "/{account_id}/team-meetings/{team_meeting_id}/actions/{meeting_action_id}",
    response=with_errors({200: MeetingActionOut}, 401, 403, 404, 409, 422),
    operation_id="team_meeting_action_update",
    summary=_("Change an action of a team meeting"),
)
def action_patch(
    request, account_id: int, team_meeting_id: int, meeting_action_id: int, payload: MeetingActionPatch
):
    """The owner of an action may send ``status`` alone without edit rights on the account."""
    action = get_action_for_user(request.auth, account_id, team_meeting_id, meeting_action_id)
    values = _people(payload.changed())
    version = values.pop("version", None)
    with _body_field_names():
        return services.meeting_action_update(actor=request.auth, action=action, version=version, **values)


@router.delete(
    "/{account_id}/team-meetings/{team_meeting_id}/actions/{meeting_action_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="team_meeting_action_delete",
    summary=_("Remove an action of a team meeting"),
)
def action_remove(request, account_id: int, team_meeting_id: int, meeting_action_id: int):
    action = get_action_for_user(request.auth, account_id, team_meeting_id, meeting_action_id)
    services.meeting_action_delete(actor=request.auth, action=action)
    return Status(204, None)

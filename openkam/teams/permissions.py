"""Access to role assignments, member goals, the team cadence, team meetings, their decisions
and actions: through their account.

The account is loaded with ``get_account_for_user`` (Http404 when the user may not see it); the
object is then looked up among that account's objects, so one of another account answers 404
exactly like one that does not exist.

Who may change what (docs/team.md):

- roles, cadence, meetings, decisions and actions: ``can_work_on_account`` (the KAM and the core
  team); the extended team and management read only. The owner of a meeting action may also
  set its status (``can_set_action_status``);
- member goals: the KAM adds and edits every member's goals, a team member (core or extended)
  adds and edits their own (``can_add_goals``, ``can_edit_goal``);
- bonus fields of a goal (``bonus_relevant``, ``bonus_weight``) are seen only by the goal's
  member, the account's KAM and management (``can_see_bonus``).
"""

from django.shortcuts import get_object_or_404

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_work_on_account, get_account_for_user, is_owner, require
from openkam.users.choices import Role

from .models import MeetingAction, MeetingDecision, MemberGoal, RoleAssignment, TeamMeeting

__all__ = [
    "can_add_goals",
    "can_edit_goal",
    "can_see_bonus",
    "can_set_action_status",
    "can_work_on_account",
    "get_action_for_user",
    "get_decision_for_user",
    "get_goal_for_user",
    "get_meeting_for_user",
    "get_role_assignment_for_user",
    "is_team_member",
    "require",
]


def _child(model, user, account_pk, pk, related: tuple[str, ...] = ()):
    account = get_account_for_user(user, account_pk)
    rows = model.objects.select_related(*related) if related else model.objects.all()
    obj = get_object_or_404(rows, pk=pk, account=account)
    obj.account = account  # keep the viewer annotations of the access helper
    return obj


def get_role_assignment_for_user(user, account_pk, pk) -> RoleAssignment:
    """The role assignment of a visible account, or Http404."""
    return _child(RoleAssignment, user, account_pk, pk, ("user",))


def get_goal_for_user(user, account_pk, pk) -> MemberGoal:
    """The member goal of a visible account, or Http404."""
    return _child(MemberGoal, user, account_pk, pk, ("user",))


def get_meeting_for_user(user, account_pk, pk) -> TeamMeeting:
    """The team meeting of a visible account, or Http404."""
    return _child(TeamMeeting, user, account_pk, pk, ("created_by",))


def get_decision_for_user(user, account_pk, meeting_pk, pk) -> MeetingDecision:
    """The decision of a team meeting of a visible account, or Http404."""
    meeting = get_meeting_for_user(user, account_pk, meeting_pk)
    decision = get_object_or_404(MeetingDecision, pk=pk, meeting=meeting)
    decision.meeting = meeting
    return decision


def get_action_for_user(user, account_pk, meeting_pk, pk) -> MeetingAction:
    """The action of a team meeting of a visible account, or Http404."""
    meeting = get_meeting_for_user(user, account_pk, meeting_pk)
    action = get_object_or_404(MeetingAction.objects.select_related("owner"), pk=pk, meeting=meeting)
    action.meeting = meeting
    return action


def is_team_member(user, account: KeyAccount) -> bool:
    """The KAM or a member of the core or extended team (``account`` from the access helper,
    whose ``viewer_scope`` says whether the user is on the team)."""
    if is_owner(user, account):
        return True
    if hasattr(account, "viewer_scope"):
        return account.viewer_scope is not None
    return account.team_memberships.filter(user_id=user.pk).exists()


def can_add_goals(user, account: KeyAccount) -> bool:
    """Whether ``user`` may add goals at all: the KAM (for anyone) and team members (their own)."""
    return is_team_member(user, account)


def can_edit_goal(user, account: KeyAccount, goal_user_id: int) -> bool:
    """The KAM edits every member's goals; a team member only their own."""
    if is_owner(user, account):
        return True
    return user.pk == goal_user_id and is_team_member(user, account)


def can_see_bonus(user, account: KeyAccount, goal_user_id: int) -> bool:
    """The goal's member, the account's KAM and management see the bonus fields of a goal."""
    return user.pk == goal_user_id or is_owner(user, account) or user.role == Role.MANAGEMENT


def can_set_action_status(user, action: MeetingAction) -> bool:
    """Whether ``user`` may tick a meeting action off: its owner, or anyone who works on the account.

    ``action.meeting.account`` must come from the access helper (so the user can see it).
    """
    return action.owner_id == user.pk or can_work_on_account(user, action.meeting.account)

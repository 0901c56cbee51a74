"""The team section in the permission matrices (see openkam/testing/matrix.py).

Everyone who may see the account reads (owner, team, management); the owner and the core team
change roles, the cadence, meetings, decisions and actions; the extended team and management get
403 on writes; the other KAM and administrators who are not on the team get 404.

Member goals: the owner (the KAM) edits every goal, a team member their own. The goal in the
matrix belongs to the teammate, so the extended team and management get 403 on it; adding a goal
(one's own) is open to the extended team too. The action in the matrix belongs to the teammate
as well, so only the writers may set its status.
"""

import datetime

from django.urls import reverse

from openkam.testing.matrix import CORE_WRITES, READERS, Case, post_ok

from .factories import (
    MeetingActionFactory,
    MeetingDecisionFactory,
    MemberGoalFactory,
    RoleAssignmentFactory,
    TeamMeetingFactory,
)

#: Adding a goal: the KAM for anyone, every team member (core and extended) for themselves.
GOAL_ADDERS = CORE_WRITES | {"extended": 200}


def _year() -> int:
    return datetime.date.today().year


def _assignment(world):
    return RoleAssignmentFactory(account=world.account, user=world.teammate)


def _goal(world):
    return MemberGoalFactory(account=world.account, user=world.teammate, bonus_relevant=True, bonus_weight=30)


def _meeting(world):
    return TeamMeetingFactory(account=world.account, participants=[world.owner, world.teammate])


def _decision(world):
    return MeetingDecisionFactory(meeting=_meeting(world))


def _action(world):
    return MeetingActionFactory(meeting=_meeting(world), owner=world.teammate)


def _acc(name, make=None):
    def build(world, user):
        args = [world.account.pk] + ([make(world).pk] if make else [])
        return reverse(name, args=args)

    return build


def _in_meeting(name, make=None):
    """A URL under a meeting: the meeting alone, or a decision or action of it."""

    def build(world, user):
        if make is None:
            return reverse(name, args=[world.account.pk, _meeting(world).pk])
        obj = make(world)
        return reverse(name, args=[world.account.pk, obj.meeting_id, obj.pk])

    return build


HTML_CASES = {
    "teams:overview": Case(_acc("teams:overview"), READERS),
    "teams:role-assign": Case(_acc("teams:role-assign"), CORE_WRITES),
    "teams:role-unassign": Case(
        _acc("teams:role-unassign", _assignment), post_ok(CORE_WRITES), method="post"
    ),
    "teams:goal-create": Case(_acc("teams:goal-create"), GOAL_ADDERS),
    "teams:goal-edit": Case(_acc("teams:goal-edit", _goal), CORE_WRITES),
    "teams:goal-delete": Case(_acc("teams:goal-delete", _goal), post_ok(CORE_WRITES), method="post"),
    "teams:cadence": Case(_acc("teams:cadence"), CORE_WRITES),
    "teams:meetings": Case(_acc("teams:meetings"), READERS),
    "teams:meetings-lay-out": Case(
        _acc("teams:meetings-lay-out"), post_ok(CORE_WRITES), method="post", data={"year": "2030"}
    ),
    "teams:meeting-create": Case(_acc("teams:meeting-create"), CORE_WRITES),
    "teams:meeting-detail": Case(_acc("teams:meeting-detail", _meeting), READERS),
    "teams:meeting-edit": Case(_acc("teams:meeting-edit", _meeting), CORE_WRITES),
    "teams:meeting-delete": Case(_acc("teams:meeting-delete", _meeting), post_ok(CORE_WRITES), method="post"),
    "teams:decision-create": Case(_in_meeting("teams:decision-create"), CORE_WRITES),
    "teams:decision-delete": Case(
        _in_meeting("teams:decision-delete", _decision), post_ok(CORE_WRITES), method="post"
    ),
    "teams:action-create": Case(_in_meeting("teams:action-create"), CORE_WRITES),
    "teams:action-edit": Case(_in_meeting("teams:action-edit", _action), CORE_WRITES),
    "teams:action-status": Case(
        _in_meeting("teams:action-status", _action),
        post_ok(CORE_WRITES),
        method="post",
        data={"version": "1", "status": "done"},
    ),
    "teams:action-delete": Case(
        _in_meeting("teams:action-delete", _action), post_ok(CORE_WRITES), method="post"
    ),
}

_ACCOUNT = "/accounts/{account_id}"
_MEETING = f"{_ACCOUNT}/team-meetings/{{team_meeting_id}}"
API_OPERATIONS = {
    "account_roles_list": ("GET", f"{_ACCOUNT}/roles"),
    "account_role_assign": ("POST", f"{_ACCOUNT}/roles"),
    "account_role_unassign": ("DELETE", f"{_ACCOUNT}/roles/{{role_assignment_id}}"),
    "member_goals_list": ("GET", f"{_ACCOUNT}/goals"),
    "member_goal_create": ("POST", f"{_ACCOUNT}/goals"),
    "member_goal_get": ("GET", f"{_ACCOUNT}/goals/{{member_goal_id}}"),
    "member_goal_update": ("PATCH", f"{_ACCOUNT}/goals/{{member_goal_id}}"),
    "member_goal_delete": ("DELETE", f"{_ACCOUNT}/goals/{{member_goal_id}}"),
    "team_cadence_get": ("GET", f"{_ACCOUNT}/team-cadence"),
    "team_cadence_update": ("PATCH", f"{_ACCOUNT}/team-cadence"),
    "team_meetings_list": ("GET", f"{_ACCOUNT}/team-meetings"),
    "team_meeting_create": ("POST", f"{_ACCOUNT}/team-meetings"),
    "team_meetings_lay_out": ("POST", f"{_ACCOUNT}/team-meetings/lay-out"),
    "team_meeting_get": ("GET", _MEETING),
    "team_meeting_update": ("PATCH", _MEETING),
    "team_meeting_delete": ("DELETE", _MEETING),
    "team_meeting_decision_create": ("POST", f"{_MEETING}/decisions"),
    "team_meeting_decision_delete": ("DELETE", f"{_MEETING}/decisions/{{meeting_decision_id}}"),
    "team_meeting_action_create": ("POST", f"{_MEETING}/actions"),
    "team_meeting_action_update": ("PATCH", f"{_MEETING}/actions/{{meeting_action_id}}"),
    "team_meeting_action_delete": ("DELETE", f"{_MEETING}/actions/{{meeting_action_id}}"),
}


def api_expected_status(operation_id: str, persona: str) -> int:
    method = API_OPERATIONS[operation_id][0]
    if operation_id == "member_goal_create":
        expected = GOAL_ADDERS
    else:
        expected = READERS if method == "GET" else CORE_WRITES
    status = expected[persona]
    if status != 200:
        return status
    return {"POST": 201, "DELETE": 204}.get(method, 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    return {
        "account_role_assign": {"role": "innovator", "user_id": world.teammate.pk},
        # Without user_id: the caller's own goal.
        "member_goal_create": {"year": _year(), "title": "Win the retrofit of line 3", "target": "2 lines"},
        "member_goal_update": {"status": "on_track"},
        "team_cadence_update": {"cadence": "monthly"},
        "team_meeting_create": {
            "title": "Account-plan workshop",
            "date": (datetime.date.today() + datetime.timedelta(days=20)).isoformat(),
            "meeting_format": "plan_workshop",
            "participants": [world.owner.pk, world.teammate.pk],
        },
        "team_meetings_lay_out": {"year": 2030},
        "team_meeting_update": {"minutes": "Budget input agreed for the three plants"},
        "team_meeting_decision_create": {"text": "We bid for the retrofit of line 3."},
        "team_meeting_action_create": {"title": "Collect the service figures", "owner_id": world.teammate.pk},
        "team_meeting_action_update": {"status": "done"},
    }.get(operation_id)


def api_path_ids(world) -> dict:
    action = _action(world)
    return {
        "role_assignment_id": _assignment(world).pk,
        "member_goal_id": _goal(world).pk,
        "team_meeting_id": action.meeting_id,
        "meeting_decision_id": MeetingDecisionFactory(meeting=action.meeting).pk,
        "meeting_action_id": action.pk,
    }

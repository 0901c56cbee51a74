"""The REST operations of the teams app: roles, goals (with bonus visibility), cadence, meetings,
decisions and actions."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from openkam.accounts.models import TeamMembership
from openkam.core.tests.api_matrix import api_path
from openkam.teams.models import MeetingAction, MeetingDecision, MemberGoal, RoleAssignment, TeamMeeting

from .factories import MeetingActionFactory, MemberGoalFactory, RoleAssignmentFactory, TeamMeetingFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world, operation_id, **ids):
    return api_path(operation_id, account_id=world.account.pk, **ids)


def _send(client, method, url, body=None):
    return client.generic(
        method, url, data=b"" if body is None else json.dumps(body), content_type="application/json"
    )


# Roles ------------------------------------------------------------------------------------------


def test_roles_are_listed_with_coverage_assigned_and_taken_back(world):
    RoleAssignmentFactory(account=world.account, role="innovator", user=world.extended)
    TeamMembership.objects.filter(user=world.extended).delete()
    client = _client(world.teammate)

    assigned = _send(
        client,
        "POST",
        _url(world, "account_role_assign"),
        {"role": "technical_expert", "user_id": world.teammate.pk},
    )
    assert assigned.status_code == 201, assigned.content
    assert assigned.json()["user"] == {"id": world.teammate.pk, "name": "Tom Teich"}

    listed = _send(client, "GET", _url(world, "account_roles_list")).json()
    assert [row["role"] for row in listed] == [
        "relationship_leader",
        "technical_expert",
        "collaborator",
        "project_manager",
        "innovator",
        "results_driver",
    ]
    rows = {row["role"]: row for row in listed}
    assert rows["technical_expert"]["uncovered"] is False
    assert rows["innovator"]["uncovered"] is True
    assert rows["innovator"]["people"][0]["on_team"] is False
    assert rows["innovator"]["label"] == "Innovator"

    refused = _send(
        client, "POST", _url(world, "account_role_assign"), {"role": "innovator", "user_id": world.manager.pk}
    )
    assert refused.status_code == 422 and "user_id" in refused.json()["error"]["fields"]
    unknown = _send(
        client, "POST", _url(world, "account_role_assign"), {"role": "boss", "user_id": world.owner.pk}
    )
    assert unknown.status_code == 422

    assignment_id = assigned.json()["id"]
    assert (
        _send(
            client, "DELETE", _url(world, "account_role_unassign", role_assignment_id=assignment_id)
        ).status_code
        == 204
    )
    assert RoleAssignment.objects.count() == 1


# Member goals -----------------------------------------------------------------------------------


def test_bonus_fields_are_absent_for_callers_who_may_not_see_them(world):
    goal = MemberGoalFactory(
        account=world.account, user=world.teammate, year=2026, bonus_relevant=True, bonus_weight=35
    )
    own = MemberGoalFactory(
        account=world.account, user=world.extended, year=2026, bonus_relevant=True, bonus_weight=10
    )

    for persona, visible in (("teammate", True), ("owner", True), ("manager", True), ("extended", False)):
        client = _client(getattr(world, persona))
        body = _send(client, "GET", _url(world, "member_goal_get", member_goal_id=goal.pk)).json()
        assert ("bonus_weight" in body, "bonus_relevant" in body) == (visible, visible), persona
        listed = {
            g["id"]: g for g in _send(client, "GET", _url(world, "member_goals_list") + "?year=2026").json()
        }
        assert ("bonus_weight" in listed[goal.pk]) is visible, persona
    listed = _send(_client(world.extended), "GET", _url(world, "member_goals_list")).json()
    mine = next(g for g in listed if g["id"] == own.pk)
    assert (mine["bonus_relevant"], mine["bonus_weight"]) == (True, 10)


def test_a_member_creates_and_changes_their_own_goal_and_the_bonus_rules_hold(world):
    client = _client(world.extended)

    created = _send(
        client,
        "POST",
        _url(world, "member_goal_create"),
        {"year": 2026, "title": "Answer within 48 hours", "bonus_relevant": True, "bonus_weight": 70},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["user"]["id"], body["bonus_weight"], body["version"]) == (world.extended.pk, 70, 1)

    too_much = _send(
        client,
        "POST",
        _url(world, "member_goal_create"),
        {"year": 2026, "title": "Second", "bonus_relevant": True, "bonus_weight": 40},
    )
    assert too_much.status_code == 422
    assert "110 %" in too_much.json()["error"]["fields"]["bonus_weight"][0]
    for_someone_else = _send(
        client,
        "POST",
        _url(world, "member_goal_create"),
        {"year": 2026, "title": "x", "user_id": world.teammate.pk},
    )
    assert for_someone_else.status_code == 403

    url = _url(world, "member_goal_update", member_goal_id=body["id"])
    patched = _send(
        client,
        "PATCH",
        url,
        {"version": 1, "status": "achieved", "bonus_weight": None, "bonus_relevant": False},
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["status"], patched.json()["bonus_weight"], patched.json()["version"]) == (
        "achieved",
        None,
        2,
    )
    conflict = _send(_client(world.owner), "PATCH", url, {"version": 1, "status": "missed"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["theirs"] == {"status": "achieved"}
    assert _send(client, "PATCH", url, {"title": None}).status_code == 422
    assert _send(client, "DELETE", url).status_code == 204
    assert not MemberGoal.objects.exists()


def test_the_kam_gives_a_member_a_goal_that_the_member_must_be_on_the_team_for(world):
    client = _client(world.owner)
    given = _send(
        client,
        "POST",
        _url(world, "member_goal_create"),
        {"year": 2026, "title": "Plant audit", "user_id": world.teammate.pk},
    )
    assert given.status_code == 201 and given.json()["user"]["id"] == world.teammate.pk
    refused = _send(
        client,
        "POST",
        _url(world, "member_goal_create"),
        {"year": 2026, "title": "x", "user_id": world.manager.pk},
    )
    assert refused.status_code == 422 and "user_id" in refused.json()["error"]["fields"]
    filtered = _send(client, "GET", _url(world, "member_goals_list") + f"?user_id={world.owner.pk}").json()
    assert filtered == []
    assert _send(client, "GET", _url(world, "member_goals_list") + "?yaer=2026").status_code == 422


# Cadence and meetings ---------------------------------------------------------------------------


def test_the_cadence_defaults_to_quarterly_and_shows_the_next_meeting_due(world):
    held = TeamMeetingFactory(account=world.account, date=_today() - 100 * DAY)
    client = _client(world.teammate)

    body = _send(client, "GET", _url(world, "team_cadence_get")).json()
    assert (body["cadence"], body["stored"], body["version"]) == ("quarterly", False, 1)
    assert body["last_held"]["id"] == held.pk and body["overdue"] is True

    patched = _send(
        client, "PATCH", _url(world, "team_cadence_update"), {"version": 1, "cadence": "half_yearly"}
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["stored"], patched.json()["version"], patched.json()["overdue"]) == (
        True,
        2,
        False,
    )
    assert (
        _send(
            client, "PATCH", _url(world, "team_cadence_update"), {"version": 1, "cadence": "monthly"}
        ).status_code
        == 409
    )
    assert (
        _send(
            _client(world.extended), "PATCH", _url(world, "team_cadence_update"), {"notes": "x"}
        ).status_code
        == 403
    )


def test_a_meeting_is_planned_laid_out_recorded_and_removed(world):
    client = _client(world.owner)
    created = _send(
        client,
        "POST",
        _url(world, "team_meeting_create"),
        {
            "title": "Kick-off",
            "date": (_today() - DAY).isoformat(),
            "meeting_format": "in_person",
            "status": "held",
            "participants": [world.owner.pk, world.extended.pk],
            "minutes": "Roles agreed",
        },
    )
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    assert [p["name"] for p in created.json()["participants"]] == ["Katrin Amann", "Eva Ebert"]
    future_held = _send(
        client,
        "POST",
        _url(world, "team_meeting_create"),
        {"title": "x", "date": (_today() + DAY).isoformat(), "status": "held"},
    )
    assert future_held.status_code == 422 and "date" in future_held.json()["error"]["fields"]
    outsider = _send(
        client,
        "POST",
        _url(world, "team_meeting_create"),
        {"title": "x", "date": _today().isoformat(), "participants": [world.other_kam.pk]},
    )
    assert outsider.status_code == 422

    laid_out = _send(client, "POST", _url(world, "team_meetings_lay_out"), {"year": 2031})
    assert laid_out.status_code == 201
    assert [m["title"] for m in laid_out.json()] == [
        "In-person team meeting Q1 2031",
        "Team call Q2 2031",
        "Account-plan workshop Q3 2031",
        "Team call Q4 2031",
    ]
    assert _send(client, "POST", _url(world, "team_meetings_lay_out"), {"year": 2031}).json() == []
    listed = _send(client, "GET", _url(world, "team_meetings_list") + "?year=2031&status=planned").json()
    assert len(listed) == 4

    url = _url(world, "team_meeting_update", team_meeting_id=meeting_id)
    patched = _send(client, "PATCH", url, {"version": 1, "participants": [world.teammate.pk]})
    assert patched.status_code == 200
    assert [p["id"] for p in patched.json()["participants"]] == [world.teammate.pk]
    assert _send(_client(world.teammate), "PATCH", url, {"version": 1, "minutes": "Other"}).status_code == 409

    decision = _send(
        client,
        "POST",
        _url(world, "team_meeting_decision_create", team_meeting_id=meeting_id),
        {"text": "Bid for line 3"},
    )
    assert decision.status_code == 201
    assert (
        _send(
            client,
            "POST",
            _url(world, "team_meeting_decision_create", team_meeting_id=meeting_id),
            {"text": ""},
        ).status_code
        == 422
    )
    action = _send(
        client,
        "POST",
        _url(world, "team_meeting_action_create", team_meeting_id=meeting_id),
        {"title": "Collect figures", "owner_id": world.extended.pk, "due_on": "2030-01-15"},
    )
    assert action.status_code == 201, action.content
    shown = _send(client, "GET", _url(world, "team_meeting_get", team_meeting_id=meeting_id)).json()
    assert [d["text"] for d in shown["decisions"]] == ["Bid for line 3"]
    assert shown["actions"][0]["owner"]["name"] == "Eva Ebert"

    assert (
        _send(
            client,
            "DELETE",
            _url(
                world,
                "team_meeting_decision_delete",
                team_meeting_id=meeting_id,
                meeting_decision_id=decision.json()["id"],
            ),
        ).status_code
        == 204
    )
    assert _send(client, "DELETE", url).status_code == 204
    assert not (MeetingDecision.objects.exists() or MeetingAction.objects.exists())
    assert TeamMeeting.objects.count() == 4


def test_the_owner_of_an_action_may_set_its_status_alone(world):
    action = MeetingActionFactory(meeting__account=world.account, owner=world.extended)
    url = _url(
        world, "team_meeting_action_update", team_meeting_id=action.meeting_id, meeting_action_id=action.pk
    )
    client = _client(world.extended)

    assert _send(client, "PATCH", url, {"title": "Changed"}).status_code == 403
    done = _send(client, "PATCH", url, {"version": 1, "status": "done"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert _send(client, "PATCH", url, {"version": 1, "status": "dropped"}).status_code == 409
    wrong_owner = _send(_client(world.owner), "PATCH", url, {"owner_id": world.manager.pk})
    assert wrong_owner.status_code == 422 and "owner_id" in wrong_owner.json()["error"]["fields"]


def test_objects_of_another_account_answer_404(world):
    goal = MemberGoalFactory(account=world.other_account, user=world.other_kam)
    meeting = TeamMeetingFactory(account=world.other_account)
    client = _client(world.owner)
    assert _send(client, "GET", _url(world, "member_goal_get", member_goal_id=goal.pk)).status_code == 404
    assert (
        _send(client, "GET", _url(world, "team_meeting_get", team_meeting_id=meeting.pk)).status_code == 404
    )
    outsider = _client(world.other_kam)
    assert _send(outsider, "GET", _url(world, "team_cadence_get")).status_code == 404

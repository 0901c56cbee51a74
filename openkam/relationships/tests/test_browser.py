"""A KAM logs a contact and prepares a meeting in a real Chromium."""

import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override
from playwright.sync_api import expect

from openkam.relationships.models import Contact
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _short(day: datetime.date) -> str:
    with override("en"):
        return date_format(day, "SHORT_DATE_FORMAT")


def test_a_kam_logs_a_held_contact_sees_the_last_contact_move_and_opens_the_meeting_brief(page, world):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    world.stakeholder.function = "Head of Purchasing"
    world.stakeholder.save()
    ContactFactory(
        account=world.account,
        title="Price negotiation",
        date=today - datetime.timedelta(days=60),
        stakeholders=[world.stakeholder],
        participants=[world.owner],
    )
    world.stakeholder.last_contact_on = today - datetime.timedelta(days=60)
    world.stakeholder.save()
    planned = ContactFactory(
        account=world.account,
        title="Quarterly business review",
        status="planned",
        date=today + datetime.timedelta(days=6),
        stakeholders=[world.stakeholder],
        participants=[world.owner, world.teammate],
    )

    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/relationships/")
    expect(page.locator("h1")).to_have_text("Contact log")
    last = page.locator(f"#last-contacts tr[data-stakeholder='{world.stakeholder.pk}'] .last-contact")
    expect(last).to_have_text(_short(today - datetime.timedelta(days=60)))
    assert_accessible(page)

    page.click("text=Log a contact")
    page.fill("#id_title", "Delivery performance review")
    page.select_option("#id_kind", label="Call")
    page.fill("#id_date", yesterday.isoformat())
    page.check(f"input[name=stakeholders][value='{world.stakeholder.pk}']")
    expect(page.locator(f"input[name=participants][value='{world.owner.pk}']")).to_be_checked()
    page.check(f"input[name=participants][value='{world.teammate.pk}']")
    page.fill("#id_topics", "On-time delivery last quarter: 94 %")
    page.fill("#id_outcomes", "Weekly backlog report agreed")
    assert_accessible(page)
    page.click("button:has-text('Save')")

    expect(page.locator("h1")).to_have_text("Delivery performance review")
    expect(page.locator("#contact-status")).to_have_text("Held")
    page.click("text=Back to the contact log")
    expect(last).to_have_text(_short(yesterday))
    expect(page.locator("#contact-table tbody tr").nth(1)).to_contain_text("Delivery performance review")
    assert Contact.objects.filter(status="held").count() == 2

    # The brief of the planned meeting shows the new last contact and the history.
    page.click("#contact-table tbody tr >> nth=0 >> text=Brief")
    expect(page.locator("#brief-title")).to_have_text("Meeting brief: Quarterly business review")
    person = page.locator(f"article[data-stakeholder='{world.stakeholder.pk}']")
    expect(person.locator(".last-contact")).to_have_text(_short(yesterday))
    expect(person.locator(".last-contacts li").first).to_contain_text("Delivery performance review")
    page.select_option(f"#id_counterpart_{world.stakeholder.pk}", label="Tom Teich")
    page.click("button:has-text('Save counterparts')")
    expect(page.locator("#brief-counterparts")).to_contain_text("Tom Teich")
    page.reload()  # without the one-time message (base.html's role="status" list trips axe)
    assert_accessible(page)
    # Printed, the page is the brief alone.
    page.emulate_media(media="print")
    expect(page.locator(".subnav")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#assign-h")).to_be_hidden()
    expect(page.locator("#brief")).to_be_visible()
    assert planned.counterparts.get().user == world.teammate

"""The pages of the relationships section: contact log, forms, conflicts, brief, plans and export."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from openkam.core.models import AuditEntry
from openkam.core.pdf import html_to_pdf, refusing_fetcher
from openkam.personality.models import PersonalityView
from openkam.personality.tests.factories import PersonalityProfileFactory, enable_personality
from openkam.plans.choices import ActionStatus
from openkam.plans.tests.factories import ActionFactory, PlanFactory
from openkam.relationships.choices import Cadence, ContactStatus, TouchpointKind
from openkam.relationships.models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint
from openkam.testing.factories import StakeholderFactory

from .factories import ContactFactory, FollowUpFactory, RelationshipLinkFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _url(name, world, *args):
    return reverse(f"relationships:{name}", args=[world.account.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _planned(world, **values):
    return ContactFactory(
        account=world.account,
        status=ContactStatus.PLANNED,
        date=_today() + 5 * DAY,
        title=values.pop("title", "Quarterly business review"),
        stakeholders=values.pop("stakeholders", [world.stakeholder]),
        participants=values.pop("participants", [world.owner, world.teammate]),
        **values,
    )


# The contact log ---------------------------------------------------------------------------------


def test_the_log_lists_contacts_newest_first_and_filters_by_status(client, world):
    ContactFactory(account=world.account, title="Price negotiation", date=_today() - 40 * DAY)
    ContactFactory(
        account=world.account, title="Plant tour", date=_today() - 3 * DAY, stakeholders=[world.stakeholder]
    )
    _planned(world)
    ContactFactory(account=world.other_account, title="Somebody else's meeting")
    client.force_login(world.extended)

    html = _html(client.get(_url("overview", world)))

    titles = re.findall(r'<tr data-contact="\d+">.*?<a href="[^"]+">([^<]+)</a>', html, re.S)
    assert titles == ["Quarterly business review", "Plant tour", "Price negotiation"]
    assert "Log a contact" not in html  # readers get no buttons
    held = _html(client.get(_url("overview", world), {"status": "held"}))
    assert re.findall(r'<tr data-contact="\d+">.*?<a href="[^"]+">([^<]+)</a>', held, re.S) == [
        "Plant tour",
        "Price negotiation",
    ]
    assert client.get(_url("overview", world), {"stauts": "held"}).status_code == 200  # ignored as invalid


def test_the_log_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for days in range(12):
        contact = ContactFactory(
            account=world.account,
            date=_today() - days * DAY,
            stakeholders=[world.stakeholder, StakeholderFactory(account=world.account)],
            participants=[world.owner, world.teammate],
        )
        FollowUpFactory(contact=contact)
    client.force_login(world.owner)
    client.get(_url("overview", world))  # warm the session and the content types

    # Session, user, account, count, page, its two sides, open follow-ups inline, stakeholders.
    with django_assert_num_queries(8):
        html = _html(client.get(_url("overview", world)))
    assert html.count('<tr data-contact="') == 12


def test_a_teammate_logs_a_held_contact_and_the_stakeholders_last_contact_follows(client, world):
    client.force_login(world.teammate)
    day = _today() - 2 * DAY

    response = client.post(
        _url("contact-create", world),
        {
            "title": "Delivery performance review",
            "kind": "call",
            "status": "held",
            "date": day.isoformat(),
            "time": "10:30",
            "location": "",
            "stakeholders": [world.stakeholder.pk],
            "participants": [world.teammate.pk, world.owner.pk],
            "topics": "On-time delivery 94 %",
            "outcomes": "Weekly backlog report wanted",
        },
    )

    contact = Contact.objects.get()
    assert response.status_code == 302 and response.url == _url("contact-detail", world, contact.pk)
    world.stakeholder.refresh_from_db()
    assert world.stakeholder.last_contact_on == day
    assert set(contact.participants.all()) == {world.owner, world.teammate}
    html = _html(client.get(_url("overview", world)))
    row = re.search(rf'<tr data-stakeholder="{world.stakeholder.pk}">(.*?)</tr>', html, re.S).group(1)
    assert f'<td class="last-contact">{date_format(day, "SHORT_DATE_FORMAT")}</td>' in row


def test_links_from_coverage_alerts_preselect_the_stakeholder(client, world):
    client.force_login(world.owner)
    html = _html(client.get(_url("contact-create", world), {"stakeholder": world.stakeholder.pk}))
    assert re.search(
        rf'<input type="checkbox" name="stakeholders" value="{world.stakeholder.pk}"[^>]* checked', html
    )
    html = _html(client.get(_url("link-create", world), {"stakeholder": world.stakeholder.pk}))
    assert f'<option value="{world.stakeholder.pk}" selected>' in html
    # Someone of another account is not preselected (nor offered).
    html = _html(client.get(_url("contact-create", world), {"stakeholder": world.other_stakeholder.pk}))
    assert f'name="stakeholders" value="{world.other_stakeholder.pk}"' not in html
    assert re.search(r'name="stakeholders" value="\d+"[^>]* checked', html) is None


def test_the_form_refuses_a_held_contact_in_the_future_and_people_of_another_account(client, world):
    client.force_login(world.owner)
    data = {
        "title": "Visit",
        "kind": "visit",
        "status": "held",
        "date": (_today() + 3 * DAY).isoformat(),
        "stakeholders": [world.stakeholder.pk],
        "participants": [world.owner.pk],
    }
    html = _html(client.post(_url("contact-create", world), data))
    assert "A held contact cannot lie in the future." in html

    data |= {"date": _today().isoformat(), "stakeholders": [world.other_stakeholder.pk]}
    html = _html(client.post(_url("contact-create", world), data))
    assert "Select a valid choice" in html
    assert not Contact.objects.exists()


def test_two_edits_of_a_contact_from_the_same_version_show_the_conflict(client, world):
    contact = ContactFactory(
        account=world.account, stakeholders=[world.stakeholder], participants=[world.owner]
    )
    data = {
        "version": contact.version,
        "title": contact.title,
        "kind": contact.kind,
        "status": contact.status,
        "date": contact.date.isoformat(),
        "stakeholders": [world.stakeholder.pk],
        "participants": [world.owner.pk],
        "topics": contact.topics,
        "outcomes": contact.outcomes,
    }
    client.force_login(world.owner)
    assert (
        client.post(_url("contact-edit", world, contact.pk), data | {"location": "Heilbronn"}).status_code
        == 302
    )

    client.force_login(world.teammate)
    html = _html(client.post(_url("contact-edit", world, contact.pk), data | {"location": "Bruchsal"}))
    assert "Someone else saved this in the meantime." in html
    assert re.search(r"Saved meanwhile: <strong>Heilbronn</strong>", html)
    assert 'name="version" value="2"' in html

    again = client.post(
        _url("contact-edit", world, contact.pk), data | {"version": 2, "location": "Bruchsal"}
    )
    assert again.status_code == 302
    assert Contact.objects.get().location == "Bruchsal"


def test_the_contact_page_shows_follow_ups_and_their_owner_ticks_one_off(client, world):
    contact = ContactFactory(
        account=world.account, stakeholders=[world.stakeholder], participants=[world.owner]
    )
    overdue = FollowUpFactory(contact=contact, owner=world.extended, due_on=_today() - 3 * DAY)
    client.force_login(world.extended)

    html = _html(client.get(_url("contact-detail", world, contact.pk)))
    assert 'class="badge badge-overdue">overdue<' in html
    assert "Add follow-up action" not in html and "Mark done" in html

    response = client.post(
        _url("follow-up-done", world, contact.pk, overdue.pk), {"version": overdue.version, "done": "on"}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().done is True
    assert AuditEntry.objects.get(action="relationships.follow_up.update").actor == world.extended


def test_deleting_a_contact_takes_its_follow_ups_along(client, world):
    contact = ContactFactory(account=world.account, stakeholders=[world.stakeholder])
    FollowUpFactory(contact=contact)
    client.force_login(world.teammate)
    assert client.post(_url("contact-delete", world, contact.pk)).status_code == 302
    assert not Contact.objects.exists() and not FollowUp.objects.exists()


# The meeting brief --------------------------------------------------------------------------------


@pytest.fixture
def meeting(world):
    """A planned meeting with two people of the customer, their history and open work."""
    world.stakeholder.function = "Head of Purchasing"
    world.stakeholder.buying_roles = ["decision_maker", "buyer"]
    world.stakeholder.attitude = 1
    world.stakeholder.influence = 5
    world.stakeholder.is_coach = True
    world.stakeholder.relationship_owner = world.teammate
    world.stakeholder.save()
    engineer = StakeholderFactory(account=world.account, function="Head of Engineering")
    for days, title in (
        (200, "Plant tour"),
        (90, "Price negotiation"),
        (30, "Design review"),
        (10, "Backlog call"),
    ):
        ContactFactory(
            account=world.account, title=title, date=_today() - days * DAY, stakeholders=[world.stakeholder]
        )
    FollowUpFactory(
        contact=Contact.objects.get(title="Backlog call"),
        description="Send the backlog report",
        owner=world.teammate,
        due_on=_today() - DAY,
    )
    plan = PlanFactory(account=world.account)
    ActionFactory(plan=plan, title="Reference visit with maintenance", due_date=_today() + 20 * DAY)
    ActionFactory(plan=plan, title="Competitor comparison of geared motors", status=ActionStatus.DONE)
    ActionFactory(plan=PlanFactory(account=world.other_account), title="Another account's action")
    contact = _planned(world, stakeholders=[world.stakeholder, engineer])
    Counterpart.objects.create(contact=contact, stakeholder=world.stakeholder, user=world.teammate)
    return contact


def test_the_brief_shows_participants_history_open_work_and_counterparts(client, world, meeting):
    client.force_login(world.extended)

    html = _html(client.get(_url("brief", world, meeting.pk)))

    assert "Meeting brief: Quarterly business review" in html
    person = re.search(rf'data-stakeholder="{world.stakeholder.pk}">(.*?)</article>', html, re.S).group(1)
    assert "Head of Purchasing" in person
    assert "Decision maker, Buyer / purchasing" in person
    assert "Supporter" in person and "Very high" in person and "<dd>yes</dd>" in person
    assert "Tom Teich" in person  # relationship owner and counterpart
    last = re.findall(r"<li><strong>[^<]+</strong> · [^·]+ · ([^<]+)", person)
    assert last == ["Backlog call", "Design review", "Price negotiation"]
    assert "Send the backlog report" in html and "badge-overdue" in html
    actions = re.search(r'<table id="brief-plan-actions">(.*?)</table>', html, re.S).group(1)
    assert "Reference visit with maintenance" in actions
    assert "Competitor comparison" not in actions and "Another account" not in actions
    # Readers see no personality section and no form; the print stylesheet hides the navigation.
    assert "Personality" not in html and "motive" not in html.lower()
    assert "Assign counterparts" not in html
    assert not PersonalityView.objects.exists()


def test_the_brief_shows_motives_and_hints_only_with_the_personality_permission(client, world, meeting):
    enable_personality()
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    client.force_login(world.owner)

    html = _html(client.get(_url("brief", world, meeting.pk)))

    assert "Personality and motives" in html
    assert "Blue, Green" in html and "Order, Saving" in html
    assert "Fact-oriented and introvert" in html or 'class="hints"' in html
    assert "No personality profile recorded." in html  # the engineer has none
    assert PersonalityView.objects.filter(viewer=world.owner, channel="meeting_brief").count() == 1

    # The same page for the core teammate without the permission: no trace.
    client.force_login(world.teammate)
    html = _html(client.get(_url("brief", world, meeting.pk)))
    assert "Personality" not in html and "Blue" not in html and "personality profile" not in html.lower()
    assert PersonalityView.objects.count() == 1


def test_held_contacts_have_no_brief(client, world):
    held = ContactFactory(account=world.account)
    client.force_login(world.owner)
    assert client.get(_url("brief", world, held.pk)).status_code == 404
    assert client.get(_url("brief-pdf", world, held.pk)).status_code == 404


def test_the_brief_as_pdf(client, world, meeting):
    client.force_login(world.manager)
    response = client.get(_url("brief-pdf", world, meeting.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "meeting-brief-" in response["Content-Disposition"]


def test_the_pdf_renderer_fetches_nothing():
    fetcher = refusing_fetcher()
    pdf = html_to_pdf(
        '<p>x</p><img src="http://169.254.169.254/latest/meta-data/">'
        '<link rel="stylesheet" href="file:///etc/passwd"><p style="background: url(https://example.com/a.png)">y</p>',
        css="p { color: black; }",
        fetcher=fetcher,
    )
    assert pdf.startswith(b"%PDF")
    assert "http://169.254.169.254/latest/meta-data/" in fetcher.refused


def test_counterparts_are_assigned_on_the_brief_page(client, world, meeting):
    engineer = meeting.stakeholders.exclude(pk=world.stakeholder.pk).get()
    client.force_login(world.owner)
    html = _html(client.get(_url("brief", world, meeting.pk)))
    assert f'name="counterpart_{engineer.pk}"' in html

    response = client.post(
        _url("counterparts", world, meeting.pk),
        {
            "version": meeting.version,
            f"counterpart_{world.stakeholder.pk}": world.owner.pk,
            f"counterpart_{engineer.pk}": world.teammate.pk,
        },
    )
    assert response.status_code == 302 and response.url == _url("brief", world, meeting.pk)
    assert dict(Counterpart.objects.values_list("stakeholder_id", "user_id")) == {
        world.stakeholder.pk: world.owner.pk,
        engineer.pk: world.teammate.pk,
    }
    # Only our participants can be chosen.
    html = _html(
        client.post(
            _url("counterparts", world, meeting.pk),
            {"version": meeting.version + 1, f"counterpart_{engineer.pk}": world.extended.pk},
        )
    )
    assert "Select a valid choice" in html


# The relationship plan ----------------------------------------------------------------------------


def test_the_plan_page_states_the_rule_and_marks_lines_behind_and_overdue(client, world):
    year = _today().year - 1
    RelationshipLinkFactory(
        account=world.account,
        user=world.owner,
        stakeholder=world.stakeholder,
        cadence=Cadence.MONTHLY,
        next_on=_today() - 10 * DAY,
    )
    ContactFactory(
        account=world.account,
        date=datetime.date(year, 5, 5),
        stakeholders=[world.stakeholder],
        participants=[world.owner],
    )
    client.force_login(world.manager)

    html = _html(client.get(_url("plan", world), {"year": year}))

    assert "twelve contacts a year for a monthly cadence" in html
    row = re.search(r'<tr data-link="\d+" data-status="(\w+)">(.*?)</tr>', html, re.S)
    assert row.group(1) == "behind"
    assert 'class="badge badge-overdue">overdue<' in row.group(2)
    assert re.search(r'<td class="num">12</td>\s*<td class="num">1</td>', row.group(2))
    assert client.get(_url("plan", world), {"year": "abc"}).status_code == 404


def test_a_plan_entry_is_added_and_edited_through_the_forms(client, world):
    client.force_login(world.owner)
    response = client.post(
        _url("link-create", world),
        {
            "user": world.teammate.pk,
            "stakeholder": world.stakeholder.pk,
            "cadence": "quarterly",
            "occasion": "Workshop",
        },
    )
    assert response.status_code == 302
    link = RelationshipLink.objects.get()
    response = client.post(
        _url("link-edit", world, link.pk),
        {
            "version": 1,
            "user": world.teammate.pk,
            "stakeholder": world.stakeholder.pk,
            "cadence": "monthly",
            "occasion": "Workshop",
            "aim": "",
            "next_on": "",
        },
    )
    assert response.status_code == 302
    assert RelationshipLink.objects.get().cadence == Cadence.MONTHLY
    duplicate = client.post(
        _url("link-create", world),
        {"user": world.teammate.pk, "stakeholder": world.stakeholder.pk, "cadence": "yearly"},
    )
    assert "has an entry for these two people already" in _html(duplicate)


# The touchpoint plan ------------------------------------------------------------------------------


def test_the_touchpoint_grid_shows_what_each_person_receives_per_quarter(client, world):
    year = _today().year
    TouchpointFactory(
        account=world.account,
        stakeholder=world.stakeholder,
        year=year,
        quarter=3,
        kind=TouchpointKind.EVENT,
        description="Invitation to our technology day",
        owner=world.teammate,
    )
    client.force_login(world.owner)

    html = _html(client.get(_url("touchpoints", world), {"year": year}))

    row = re.search(rf'<tr data-stakeholder="{world.stakeholder.pk}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td data-quarter="(\d)">(.*?)</td>', row, re.S)
    assert [q for q, cell in cells if "technology day" in cell] == ["3"]
    assert "Event invitation" in cells[2][1] and "Tom Teich" in cells[2][1]
    assert f"quarter=1&amp;stakeholder={world.stakeholder.pk}" in row


def test_a_touchpoint_is_added_from_the_grid(client, world):
    client.force_login(world.teammate)
    year = _today().year
    page = _html(
        client.get(
            _url("touchpoint-create", world),
            {"year": year, "quarter": 2, "stakeholder": world.stakeholder.pk},
        )
    )
    assert re.search(r'<option value="2" selected>Q2</option>', page)

    response = client.post(
        _url("touchpoint-create", world),
        {
            "stakeholder": world.stakeholder.pk,
            "year": year,
            "quarter": 2,
            "kind": "article",
            "status": "planned",
        },
    )
    assert response.status_code == 302 and response.url.endswith(f"?year={year}")
    bad = client.post(
        _url("touchpoint-create", world),
        {
            "stakeholder": world.stakeholder.pk,
            "year": 1980,
            "quarter": 2,
            "kind": "article",
            "status": "planned",
        },
    )
    assert bad.status_code == 200 and Touchpoint.objects.count() == 1


def test_the_touchpoint_plan_exports_to_xlsx_with_formulas_escaped(client, world):
    year = _today().year
    TouchpointFactory(
        account=world.account,
        stakeholder=world.stakeholder,
        year=year,
        quarter=2,
        description="=HYPERLINK(1)",
    )
    TouchpointFactory(account=world.account, stakeholder=world.stakeholder, year=year - 1, quarter=1)
    client.force_login(world.extended)

    response = client.get(_url("touchpoints-export", world, year))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Stakeholder", "Function", "Year", "Quarter", "What they receive")
    assert len(rows) == 2
    assert rows[1][2:6] == (year, "Q2", "Reference story", "'=HYPERLINK(1)")

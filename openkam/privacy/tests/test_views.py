"""The data-protection pages: status, one person, recording information, export, erasure, keeping."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from openkam.core.models import AuditEntry
from openkam.privacy.models import InformationRecord, RetentionFlag
from openkam.privacy.scrub import anonymised_label
from openkam.stakeholders.models import Stakeholder
from openkam.testing.factories import StakeholderFactory

from .factories import InformationRecordFactory, RetentionFlagFactory

pytestmark = pytest.mark.django_db


def _url(name, world, *args):
    return reverse(f"privacy:{name}", args=[world.account.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _backdate(stakeholder, days: int) -> None:
    moment = timezone.now() - datetime.timedelta(days=days)
    Stakeholder.objects.filter(pk=stakeholder.pk).update(created_at=moment)


@pytest.fixture
def due(world):
    """A person nobody has met since 2022, flagged by the job."""
    person = StakeholderFactory(
        account=world.account,
        first_name="Hubert",
        last_name="Altmann",
        last_contact_on=datetime.date(2022, 6, 1),
    )
    return RetentionFlagFactory(
        stakeholder=person,
        basis_on=datetime.date(2022, 6, 1),
        flagged_at=timezone.localdate(),
        purge_after=timezone.localdate() + datetime.timedelta(days=30),
    )


def test_the_status_page_shows_who_was_informed_and_who_is_overdue(client, world, due):
    informed = StakeholderFactory(account=world.account, first_name="Ina", last_name="Informiert")
    InformationRecordFactory(stakeholder=informed, informed_on=datetime.date(2025, 3, 1), channel="email")
    late = StakeholderFactory(account=world.account, first_name="Lars", last_name="Spät")
    _backdate(late, 45)
    client.force_login(world.extended)

    html = _html(client.get(_url("overview", world)))

    rows = dict(
        re.findall(r'<tr data-stakeholder="(\d+)">(.*?)</tr>', html.split('id="status-table"')[1], re.S)
    )
    assert "Yes, 03/01/2025 (Email)" in rows[str(informed.pk)]
    assert "No · recorded on" in rows[str(late.pk)] and "overdue" in rows[str(late.pk)]
    assert "overdue" not in rows[str(world.stakeholder.pk)]  # recorded today: within the month
    assert "Due for deletion" in rows[str(due.stakeholder.pk)]
    assert 'id="overdue-callout"' in html and "1 stakeholder has been recorded for more than 30 days" in html
    flagged = html.split('id="flagged-table"')[1]
    assert "Hubert Altmann" in flagged
    # The extended team sees the status but none of the owner's decisions.
    assert "Anonymise now" not in html and "Keep" not in flagged


def test_the_owner_sees_the_decisions_for_flagged_people(client, world, due):
    client.force_login(world.owner)

    html = _html(client.get(_url("overview", world)))

    flagged = html.split('id="flagged-table"')[1]
    for name in ("retention-keep", "anonymise", "erase"):
        assert _url(name, world, due.stakeholder.pk) in flagged


def test_the_status_page_needs_the_same_queries_for_many_people(client, world, django_assert_num_queries):
    client.force_login(world.owner)
    client.get(_url("overview", world))  # settings row created, sessions warmed up

    # session, user, account with the viewer's scope, retention settings, people with their
    # latest information and flag.
    with django_assert_num_queries(5):
        client.get(_url("overview", world))
    for index in range(6):
        person = StakeholderFactory(account=world.account)
        InformationRecordFactory(stakeholder=person)
        if index % 2:
            RetentionFlagFactory(stakeholder=person)
    with django_assert_num_queries(5):
        _html(client.get(_url("overview", world)))


def test_the_person_page_shows_records_and_the_buttons_of_each_role(client, world):
    InformationRecordFactory(
        stakeholder=world.stakeholder, note="Hinweisblatt übergeben", recorded_by=world.owner
    )
    person = _url("person", world, world.stakeholder.pk)

    client.force_login(world.owner)
    owner_html = _html(client.get(person))
    client.force_login(world.teammate)
    teammate_html = _html(client.get(person))
    client.force_login(world.extended)
    extended_html = _html(client.get(person))

    assert "Hinweisblatt übergeben" in extended_html and "Katrin Amann" in extended_html
    assert 'id="export-pdf"' in owner_html and "Record information" in owner_html
    assert 'id="export-pdf"' not in teammate_html and "Record information" in teammate_html
    assert 'id="export-pdf"' not in extended_html and "Record information" not in extended_html


def test_a_teammate_records_that_a_person_was_informed(client, world):
    client.force_login(world.teammate)
    url = _url("informed-create", world, world.stakeholder.pk)
    assert 'type="date"' in _html(client.get(url))

    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    refused = client.post(url, {"informed_on": future, "channel": "letter"})
    assert "The date cannot be in the future." in _html(refused)
    response = client.post(url, {"informed_on": "2025-02-03", "channel": "in_person", "note": "Beim Termin"})

    assert response.status_code == 302 and response.url == _url("person", world, world.stakeholder.pk)
    record = InformationRecord.objects.get()
    assert (record.informed_on, record.channel, record.recorded_by) == (
        datetime.date(2025, 2, 3),
        "in_person",
        world.teammate,
    )


def test_the_owner_downloads_the_json_and_the_pdf(client, world):
    client.force_login(world.owner)

    as_json = client.get(_url("export-json", world, world.stakeholder.pk))
    as_pdf = client.get(_url("export-pdf", world, world.stakeholder.pk))

    assert as_json["Content-Disposition"].startswith(
        f'attachment; filename="personal-data-{world.stakeholder.pk}-'
    )
    document = json.loads(as_json.content)
    stakeholder = document["sections"][0]
    assert stakeholder["key"] == "stakeholder"
    assert {"name": "email", "label": "Email", "value": world.stakeholder.email} in stakeholder["fields"]
    assert as_pdf["Content-Type"] == "application/pdf" and as_pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="privacy.export").count() == 2


def test_anonymising_asks_for_confirmation_and_lists_what_will_happen(client, world):
    client.force_login(world.owner)
    url = _url("anonymise", world, world.stakeholder.pk)
    email = world.stakeholder.email

    page = _html(client.get(url))
    unconfirmed = _html(client.post(url, {}))
    response = client.post(url, {"confirm": "on"}, follow=True)

    assert "Name, e-mail, phone, function, business unit and notes are removed" in page
    assert anonymised_label(world.stakeholder.pk) in page
    assert "This field is required." in unconfirmed
    assert response.redirect_chain[-1][0] == _url("person", world, world.stakeholder.pk)
    html = _html(response)
    assert "The stakeholder is anonymised." in html
    assert f"Anonymised stakeholder {world.stakeholder.pk}" in html and email not in html
    assert Stakeholder.objects.get(pk=world.stakeholder.pk).anonymised_at is not None
    # Once anonymised, the page says so instead of offering it again.
    assert "This stakeholder is anonymised already." in _html(client.get(url))


def test_erasing_removes_the_person_and_returns_to_the_status_page(client, world):
    client.force_login(world.owner)
    url = _url("erase", world, world.stakeholder.pk)
    assert "The stakeholder is deleted." in _html(client.get(url))

    response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302 and response.url == _url("overview", world)
    assert not Stakeholder.objects.filter(pk=world.stakeholder.pk).exists()
    assert client.get(_url("person", world, world.stakeholder.pk)).status_code == 404


def test_keeping_a_flagged_person_needs_a_reason_and_detects_a_second_decision(client, world, due):
    client.force_login(world.owner)
    url = _url("retention-keep", world, due.stakeholder.pk)
    assert "Why is the data still needed?" in _html(client.get(url))

    first = client.post(url, {"keep_reason": "Ausschreibung läuft", "version": "1"})
    second = client.post(url, {"keep_reason": "Rahmenvertrag", "version": "1"})

    assert first.status_code == 302
    html = _html(second)
    assert "Someone else saved this in the meantime." in html
    assert "Ausschreibung läuft" in html  # what was saved meanwhile
    assert 'name="version" value="2"' in html
    again = client.post(url, {"keep_reason": "Rahmenvertrag", "version": "2"})
    assert again.status_code == 302
    flag = RetentionFlag.objects.get(pk=due.pk)
    assert (flag.keep_reason, flag.version) == ("Rahmenvertrag", 3)
    # Kept people are no longer listed as due.
    assert (
        "Hubert Altmann"
        not in _html(client.get(_url("overview", world))).split('id="flagged-h"')[1].split('id="status"')[0]
    )


def test_keeping_someone_who_is_not_flagged_does_not_exist(client, world):
    client.force_login(world.owner)

    assert client.get(_url("retention-keep", world, world.stakeholder.pk)).status_code == 404


def test_a_stakeholder_of_another_account_is_not_found(client, world):
    client.force_login(world.owner)

    for name in ("person", "export-json", "anonymise", "erase", "informed-create"):
        assert client.get(_url(name, world, world.other_stakeholder.pk)).status_code == 404, name

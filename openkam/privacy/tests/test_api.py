"""The data-protection API: status, export, information records, anonymise, erase, keep."""

import datetime

import pytest

from openkam.core.models import AuditEntry
from openkam.privacy.models import InformationRecord, RetentionFlag
from openkam.stakeholders.models import Stakeholder
from openkam.testing.factories import StakeholderFactory

from .factories import InformationRecordFactory, RetentionFlagFactory

pytestmark = pytest.mark.django_db


def _person(world, stakeholder=None, suffix=""):
    stakeholder = stakeholder or world.stakeholder
    return f"/api/v1/accounts/{world.account.pk}/privacy/stakeholders/{stakeholder.pk}{suffix}"


def test_the_status_list_says_who_is_informed_and_who_is_due(client, world):
    InformationRecordFactory(
        stakeholder=world.stakeholder, informed_on=datetime.date(2025, 3, 1), channel="email"
    )
    old = StakeholderFactory(account=world.account, last_contact_on=datetime.date(2021, 1, 4))
    flag = RetentionFlagFactory(stakeholder=old, basis_on=datetime.date(2021, 1, 4))
    client.force_login(world.extended)

    response = client.get(f"/api/v1/accounts/{world.account.pk}/privacy/stakeholders")

    assert response.status_code == 200
    rows = {row["stakeholder_id"]: row for row in response.json()}
    informed = rows[world.stakeholder.pk]
    assert (informed["informed"], informed["informed_on"], informed["informed_channel"]) == (
        True,
        "2025-03-01",
        "email",
    )
    assert informed["retention"] == {
        "state": "none",
        "basis_on": None,
        "flagged_at": None,
        "purge_after": None,
        "kept_until": None,
        "version": None,
    }
    due = rows[old.pk]
    assert (due["informed"], due["information_overdue"]) == (False, False)
    assert due["retention"]["state"] == "flagged" and due["retention"]["purge_after"] == "2025-03-03"
    assert due["retention"]["version"] == flag.version
    assert (
        client.get(f"/api/v1/accounts/{world.account.pk}/privacy/stakeholders?state=due").status_code == 422
    )


def test_the_owner_exports_a_person_through_the_api(client, world):
    client.force_login(world.owner)

    response = client.get(_person(world, suffix="/export"))

    assert response.status_code == 200
    document = response.json()
    assert document["stakeholder_id"] == world.stakeholder.pk
    assert [s["key"] for s in document["sections"]][:2] == ["stakeholder", "contacts"]
    fields = {f["name"]: f["value"] for f in document["sections"][0]["fields"]}
    assert fields["last_name"] == world.stakeholder.last_name
    assert (
        AuditEntry.objects.filter(action="privacy.export", target_id=str(world.stakeholder.pk)).count() == 1
    )


def test_information_records_are_listed_and_added(client, world):
    client.force_login(world.teammate)
    url = _person(world, suffix="/informed")

    created = client.post(
        url,
        {"informed_on": "2025-06-02", "channel": "letter", "note": "Hinweis per Post"},
        content_type="application/json",
    )
    listed = client.get(url)

    assert created.status_code == 201
    assert created.json()["recorded_by"] == {"id": world.teammate.pk, "name": "Tom Teich"}
    assert [(r["informed_on"], r["channel"], r["note"]) for r in listed.json()] == [
        ("2025-06-02", "letter", "Hinweis per Post")
    ]
    for body in (
        {"informed_on": "2025-06-02", "channel": "pigeon"},
        {"informed_on": "2025-06-02", "channel": "letter", "by": "Tom"},
        {
            "informed_on": (datetime.date.today() + datetime.timedelta(days=2)).isoformat(),
            "channel": "letter",
        },
    ):
        assert client.post(url, body, content_type="application/json").status_code == 422, body
    assert InformationRecord.objects.count() == 1


def test_anonymising_and_erasing_need_an_explicit_confirmation(client, world):
    client.force_login(world.owner)

    for operation in ("/anonymise", "/erase"):
        refused = client.post(
            _person(world, suffix=operation), {"confirm": False}, content_type="application/json"
        )
        assert refused.status_code == 422 and "confirm" in refused.json()["error"]["fields"]
        missing = client.post(_person(world, suffix=operation), {}, content_type="application/json")
        assert missing.status_code == 422
    assert Stakeholder.objects.get(pk=world.stakeholder.pk).anonymised_at is None


def test_the_owner_anonymises_then_erases_a_person(client, world):
    client.force_login(world.owner)
    person = world.stakeholder

    anonymised = client.post(
        _person(world, suffix="/anonymise"), {"confirm": True}, content_type="application/json"
    )
    again = client.post(
        _person(world, suffix="/anonymise"), {"confirm": True}, content_type="application/json"
    )
    erased = client.post(_person(world, suffix="/erase"), {"confirm": True}, content_type="application/json")

    assert anonymised.status_code == 200
    assert (anonymised.json()["anonymised"], anonymised.json()["name"]) == (
        True,
        f"Anonymised stakeholder {person.pk}",
    )
    assert again.status_code == 422
    assert erased.status_code == 204
    assert not Stakeholder.objects.filter(pk=person.pk).exists()
    assert client.get(_person(world, suffix="/informed")).status_code == 404


def test_keeping_through_the_api_detects_a_stale_version(client, world):
    flag = RetentionFlagFactory(stakeholder=world.stakeholder)
    client.force_login(world.owner)
    url = _person(world, suffix="/retention/keep")

    first = client.post(url, {"reason": "Ausschreibung", "version": 1}, content_type="application/json")
    stale = client.post(url, {"reason": "Rahmenvertrag", "version": 1}, content_type="application/json")
    fresh = client.post(url, {"reason": "Rahmenvertrag", "version": 2}, content_type="application/json")

    assert first.status_code == 200 and first.json()["state"] == "kept" and first.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 2
    assert fresh.status_code == 200
    assert RetentionFlag.objects.get(pk=flag.pk).keep_reason == "Rahmenvertrag"
    assert client.post(url, {"reason": ""}, content_type="application/json").status_code == 422


def test_keeping_a_person_who_is_not_flagged_is_not_found(client, world):
    client.force_login(world.owner)

    response = client.post(
        _person(world, suffix="/retention/keep"), {"reason": "x"}, content_type="application/json"
    )

    assert response.status_code == 404

"""The REST operations of the relationships app: contacts, follow-ups, the brief, plans, touchpoints."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.personality.tests.factories import PersonalityProfileFactory, enable_personality
from openkam.relationships.choices import ContactStatus
from openkam.relationships.models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint
from openkam.testing.factories import StakeholderFactory

from .factories import ContactFactory, FollowUpFactory, TouchpointFactory

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


# Contacts -----------------------------------------------------------------------------------------


def test_a_contact_is_logged_with_people_counterparts_and_follow_ups_then_changed_and_removed(world):
    colleague = StakeholderFactory(account=world.account, first_name="Jana", last_name="Vogt")
    client = _client(world.teammate)
    day = _today() - 2 * DAY

    created = _send(
        client,
        "POST",
        _url(world, "contact_create"),
        {
            "title": "Design review",
            "date": day.isoformat(),
            "time": "14:30",
            "kind": "visit",
            "stakeholders": [world.stakeholder.pk, colleague.pk],
            "participants": [world.owner.pk, world.teammate.pk],
            "counterparts": [{"stakeholder_id": colleague.pk, "user_id": world.teammate.pk}],
            "follow_ups": [
                {"description": "Send the 3D data", "owner_id": world.teammate.pk, "due_on": "2030-01-15"}
            ],
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["time"], body["version"]) == ("held", "14:30:00", 1)
    assert [p["name"] for p in body["participants"]] == ["Katrin Amann", "Tom Teich"]
    assert {s["id"] for s in body["stakeholders"]} == {world.stakeholder.pk, colleague.pk}
    assert body["counterparts"] == [{"stakeholder_id": colleague.pk, "user_id": world.teammate.pk}]
    assert body["follow_ups"][0]["owner"]["id"] == world.teammate.pk
    colleague.refresh_from_db()
    assert colleague.last_contact_on == day

    contact_id = body["id"]
    listed = _send(client, "GET", _url(world, "contacts_list") + "?status=held").json()
    assert [c["id"] for c in listed] == [contact_id]
    assert _send(client, "GET", _url(world, "contacts_list") + "?status=planned").json() == []

    patched = _send(
        client,
        "PATCH",
        _url(world, "contact_update", contact_id=contact_id),
        {"version": 1, "participants": [world.owner.pk], "time": None},
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["time"], patched.json()["version"], patched.json()["counterparts"]) == (
        None,
        2,
        [],
    )

    assert _send(client, "DELETE", _url(world, "contact_get", contact_id=contact_id)).status_code == 204
    assert not Contact.objects.exists()
    colleague.refresh_from_db()
    assert colleague.last_contact_on is None


def test_invalid_contacts_are_refused_naming_the_fields(world):
    client = _client(world.owner)
    base = {"title": "Visit", "date": _today().isoformat()}

    future = _send(
        client,
        "POST",
        _url(world, "contact_create"),
        base | {"date": (_today() + DAY).isoformat(), "status": "held"},
    )
    assert future.status_code == 422 and "date" in future.json()["error"]["fields"]
    foreign = _send(
        client, "POST", _url(world, "contact_create"), base | {"stakeholders": [world.other_stakeholder.pk]}
    )
    assert foreign.status_code == 422 and "stakeholders" in foreign.json()["error"]["fields"]
    outsider = _send(
        client, "POST", _url(world, "contact_create"), base | {"participants": [world.other_kam.pk]}
    )
    assert outsider.status_code == 422 and "participants" in outsider.json()["error"]["fields"]
    unknown = _send(client, "POST", _url(world, "contact_create"), base | {"mood": "good"})
    assert unknown.status_code == 422
    bad_owner = _send(
        client,
        "POST",
        _url(world, "contact_create"),
        base | {"follow_ups": [{"description": "x", "owner_id": world.other_kam.pk}]},
    )
    assert bad_owner.status_code == 422 and "owner_id" in bad_owner.json()["error"]["fields"]
    assert not Contact.objects.exists() and not AuditEntry.objects.exists()


def test_two_patches_from_the_same_version_conflict(world):
    contact = ContactFactory(account=world.account)
    url = _url(world, "contact_update", contact_id=contact.pk)

    assert _send(_client(world.owner), "PATCH", url, {"version": 1, "location": "Ulm"}).status_code == 200
    conflict = _send(_client(world.teammate), "PATCH", url, {"version": 1, "location": "Bruchsal"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["theirs"] == {"location": "Ulm"}
    again = _send(_client(world.teammate), "PATCH", url, {"version": 2, "location": "Bruchsal"})
    assert again.status_code == 200 and again.json()["version"] == 3


def test_follow_ups_are_added_ticked_off_by_their_owner_and_removed(world):
    contact = ContactFactory(account=world.account)
    created = _send(
        _client(world.owner),
        "POST",
        _url(world, "follow_up_create", contact_id=contact.pk),
        {"description": "Send the price list", "owner_id": world.extended.pk},
    )
    assert created.status_code == 201, created.content
    follow_up_id = created.json()["id"]
    url = _url(world, "follow_up_update", contact_id=contact.pk, follow_up_id=follow_up_id)

    # Its extended-team owner may tick it off, not rename it.
    assert _send(_client(world.extended), "PATCH", url, {"description": "x"}).status_code == 403
    done = _send(_client(world.extended), "PATCH", url, {"version": 1, "done": True})
    assert done.status_code == 200 and done.json()["done"] is True
    # A follow-up of another contact answers 404.
    other = ContactFactory(account=world.account)
    assert (
        _send(
            _client(world.owner),
            "PATCH",
            _url(world, "follow_up_update", contact_id=other.pk, follow_up_id=follow_up_id),
            {},
        ).status_code
        == 404
    )
    assert _send(_client(world.owner), "DELETE", url).status_code == 204
    assert not FollowUp.objects.exists()


# The brief ----------------------------------------------------------------------------------------


def test_the_brief_has_no_personality_key_without_the_permission(world):
    enable_personality()
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    contact = ContactFactory(
        account=world.account,
        status=ContactStatus.PLANNED,
        date=_today() + 3 * DAY,
        stakeholders=[world.stakeholder],
        participants=[world.owner, world.teammate],
    )
    Counterpart.objects.create(contact=contact, stakeholder=world.stakeholder, user=world.teammate)
    ContactFactory(account=world.account, title="Plant tour", stakeholders=[world.stakeholder])
    FollowUpFactory(contact=contact, description="Bring the energy figures")
    url = _url(world, "contact_brief", contact_id=contact.pk)

    owner = _send(_client(world.owner), "GET", url)
    teammate = _send(_client(world.teammate), "GET", url)

    assert owner.status_code == teammate.status_code == 200
    seen = owner.json()["participants"][0]
    assert seen["personality"]["colours"] == ["Blue", "Green"]
    assert seen["personality"]["colour_hints"][0]["colour"] == "blue"
    assert seen["counterpart"]["id"] == world.teammate.pk
    assert [c["title"] for c in seen["last_contacts"]] == ["Plant tour"]
    assert owner.json()["open_follow_ups"][0]["description"] == "Bring the energy figures"
    hidden = teammate.json()["participants"][0]
    assert "personality" not in hidden
    assert "Blue" not in teammate.content.decode() and "personality" not in teammate.content.decode()
    # A held contact has no brief.
    held = ContactFactory(account=world.account)
    assert (
        _send(_client(world.owner), "GET", _url(world, "contact_brief", contact_id=held.pk)).status_code
        == 404
    )


# Relationship plan and touchpoints ---------------------------------------------------------------


def test_the_relationship_plan_through_the_api(world):
    client = _client(world.owner)
    created = _send(
        client,
        "POST",
        _url(world, "relationship_link_create"),
        {"user_id": world.teammate.pk, "stakeholder_id": world.stakeholder.pk, "cadence": "monthly"},
    )
    assert created.status_code == 201, created.content
    duplicate = _send(
        client,
        "POST",
        _url(world, "relationship_link_create"),
        {"user_id": world.teammate.pk, "stakeholder_id": world.stakeholder.pk},
    )
    assert duplicate.status_code == 422 and "stakeholder_id" in duplicate.json()["error"]["fields"]
    foreign = _send(
        client,
        "POST",
        _url(world, "relationship_link_create"),
        {"user_id": world.other_kam.pk, "stakeholder_id": world.stakeholder.pk},
    )
    assert foreign.status_code == 422 and "user_id" in foreign.json()["error"]["fields"]

    last_year = _today().year - 1
    ContactFactory(
        account=world.account,
        date=datetime.date(last_year, 3, 3),
        stakeholders=[world.stakeholder],
        participants=[world.teammate],
    )
    status = _send(client, "GET", _url(world, "relationship_plan_status") + f"?year={last_year}").json()
    assert status["year"] == last_year
    line = status["lines"][0]
    assert (line["planned"], line["planned_full_year"], line["actual"], line["status"]) == (
        12,
        12,
        1,
        "behind",
    )
    assert _send(client, "GET", _url(world, "relationship_plan_status") + "?yaer=2025").status_code == 422

    link_id = created.json()["id"]
    patched = _send(
        client,
        "PATCH",
        _url(world, "relationship_link_update", relationship_link_id=link_id),
        {"version": 1, "next_on": "2030-02-01"},
    )
    assert patched.status_code == 200 and patched.json()["next_on"] == "2030-02-01"
    assert RelationshipLink.objects.get().version == 2


def test_touchpoints_by_year_through_the_api(world):
    year = _today().year
    TouchpointFactory(account=world.account, stakeholder=world.stakeholder, year=year - 1)
    client = _client(world.teammate)

    created = _send(
        client,
        "POST",
        _url(world, "touchpoint_create"),
        {
            "stakeholder_id": world.stakeholder.pk,
            "year": year,
            "quarter": 3,
            "kind": "gift",
            "owner_id": world.owner.pk,
        },
    )
    assert created.status_code == 201, created.content
    assert (
        _send(
            client,
            "POST",
            _url(world, "touchpoint_create"),
            {"stakeholder_id": world.stakeholder.pk, "year": year, "quarter": 5, "kind": "gift"},
        ).status_code
        == 422
    )
    assert (
        _send(
            client,
            "POST",
            _url(world, "touchpoint_create"),
            {"stakeholder_id": world.other_stakeholder.pk, "year": year, "quarter": 1, "kind": "gift"},
        ).status_code
        == 422
    )

    listed = _send(client, "GET", _url(world, "touchpoints_list") + f"?year={year}").json()
    assert [(t["quarter"], t["kind"], t["owner"]["name"]) for t in listed] == [(3, "gift", "Katrin Amann")]
    assert len(_send(client, "GET", _url(world, "touchpoints_list")).json()) == 2

    url = _url(world, "touchpoint_update", touchpoint_id=created.json()["id"])
    assert _send(client, "PATCH", url, {"version": 1, "status": "done", "owner_id": None}).status_code == 200
    assert _send(client, "PATCH", url, {"version": 1, "status": "dropped"}).status_code == 409
    stored = Touchpoint.objects.get(year=year)
    assert (stored.status, stored.owner_id) == ("done", None)

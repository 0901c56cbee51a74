"""The stakeholder operations of the REST API: the buying center of one key account."""

import pytest
from django.test import Client
from django.utils import timezone

from openkam.core.models import AuditEntry
from openkam.core.services import MASK
from openkam.core.tests.api_matrix import api_path
from openkam.stakeholders.models import Stakeholder
from openkam.testing.factories import StakeholderFactory

NEW = {
    "first_name": "Greta",
    "last_name": "Gruber",
    "function": "Leiterin Einkauf",
    "business_unit": "Einkauf",
    "email": "greta.gruber@kunde.example",
    "phone": "+49 89 555 12",
}


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world, operation_id="stakeholders_list", stakeholder=None, account=None):
    ids = {"account_id": (account or world.account).pk}
    if stakeholder is not None:
        ids["stakeholder_id"] = stakeholder.pk
    return api_path(operation_id, **ids)


def test_the_list_holds_the_accounts_stakeholders_by_last_name(world):
    StakeholderFactory(account=world.account, first_name="Anna", last_name="Zeller")
    StakeholderFactory(account=world.account, first_name="Bert", last_name="Adler")

    response = _client_for(world.extended).get(_url(world))

    assert response.status_code == 200
    names = [(s["last_name"], s["first_name"]) for s in response.json()]
    assert names == sorted(names)
    assert {s["id"] for s in response.json()} == set(
        Stakeholder.objects.filter(account=world.account).values_list("pk", flat=True)
    )
    assert len(names) == 3


@pytest.mark.parametrize("persona", ["owner", "teammate"])
def test_owner_and_core_team_add_a_stakeholder(world, persona):
    response = _client_for(world.persona(persona)).post(
        _url(world, "stakeholder_create"), NEW, content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in NEW} == NEW
    stakeholder = Stakeholder.objects.get(pk=body["id"])
    assert stakeholder.account == world.account
    entry = AuditEntry.objects.get(action="stakeholder.create")
    assert entry.actor == world.persona(persona)
    assert entry.account_id == world.account.pk
    # Contact details are personal data: the trail records that they were set, not their values.
    assert entry.changes["email"] == MASK
    assert entry.changes["phone"] == MASK
    assert entry.changes["last_name"] == "Gruber"


def test_the_timeline_shows_stakeholder_changes_with_contact_details_masked(world):
    client = _client_for(world.owner)
    client.patch(
        _url(world, "stakeholder_update", world.stakeholder),
        {"email": "neu@kunde.example", "function": "Geschäftsführer"},
        content_type="application/json",
    )

    timeline = client.get(api_path("timeline_list", account_id=world.account.pk)).json()

    assert timeline[0]["action"] == "stakeholder.update"
    assert timeline[0]["changes"]["email"] == [MASK, MASK]
    assert timeline[0]["changes"]["function"] == ["Einkaufsleiter", "Geschäftsführer"]
    assert "neu@kunde.example" not in str(timeline)


def test_the_detail_shows_one_stakeholder(world):
    response = _client_for(world.manager).get(_url(world, "stakeholder_get", world.stakeholder))

    assert response.status_code == 200
    assert response.json()["id"] == world.stakeholder.pk
    assert response.json()["email"] == world.stakeholder.email


def test_a_patch_changes_only_the_fields_sent(world):
    before = Stakeholder.objects.get(pk=world.stakeholder.pk)

    response = _client_for(world.teammate).patch(
        _url(world, "stakeholder_update", world.stakeholder),
        {"phone": "", "function": " Technischer Leiter "},
        content_type="application/json",
    )

    assert response.status_code == 200
    world.stakeholder.refresh_from_db()
    assert world.stakeholder.phone == ""
    assert world.stakeholder.function == "Technischer Leiter"
    assert world.stakeholder.email == before.email
    assert world.stakeholder.last_name == before.last_name


def test_the_owner_removes_a_stakeholder(world):
    response = _client_for(world.owner).delete(_url(world, "stakeholder_delete", world.stakeholder))

    assert response.status_code == 204
    assert not Stakeholder.objects.filter(pk=world.stakeholder.pk).exists()
    assert AuditEntry.objects.filter(action="stakeholder.delete", account_id=world.account.pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "email": "keine-adresse"}, "email"),
        ({**NEW, "first_name": ""}, "first_name"),
        ({**NEW, "last_name": "   "}, "last_name"),
        ({key: value for key, value in NEW.items() if key != "last_name"}, "last_name"),
        ({**NEW, "birthday": "1970-01-01"}, "birthday"),
        ({**NEW, "phone": "1" * 41}, "phone"),
        ({**NEW, "first_name": 42}, "first_name"),
    ],
)
def test_a_bad_stakeholder_gets_422_naming_the_field_and_nothing_is_saved(world, body, field):
    response = _client_for(world.owner).post(
        _url(world, "stakeholder_create"), body, content_type="application/json"
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"]
    assert field in error["fields"]
    assert all(isinstance(message, str) for message in error["fields"][field])
    assert not Stakeholder.objects.filter(last_name="Gruber").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "keine-adresse"}, "email"),
        ({"last_name": ""}, "last_name"),
        ({"last_name": None}, "last_name"),
        ({"account_id": 2}, "account_id"),
    ],
)
def test_a_bad_stakeholder_change_gets_422_and_changes_nothing(world, body, field):
    before = Stakeholder.objects.get(pk=world.stakeholder.pk)

    response = _client_for(world.owner).patch(
        _url(world, "stakeholder_update", world.stakeholder), body, content_type="application/json"
    )

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    world.stakeholder.refresh_from_db()
    assert (world.stakeholder.email, world.stakeholder.last_name) == (before.email, before.last_name)


@pytest.mark.parametrize("operation_id", ["stakeholder_get", "stakeholder_update", "stakeholder_delete"])
def test_a_stakeholder_of_another_account_answers_404_through_ones_own_account(world, operation_id):
    method = {"stakeholder_get": "get", "stakeholder_update": "patch", "stakeholder_delete": "delete"}
    url = _url(world, operation_id, world.other_stakeholder)

    response = getattr(_client_for(world.owner), method[operation_id])(
        url, {"function": "Spion"}, content_type="application/json"
    )

    assert response.status_code == 404
    world.other_stakeholder.refresh_from_db()
    assert world.other_stakeholder.function == "Einkaufsleiter"


@pytest.mark.parametrize("persona", ["other_kam", "admin"])
def test_outsiders_cannot_learn_whether_a_stakeholder_exists(world, persona):
    client = _client_for(world.persona(persona))

    existing = client.get(_url(world, "stakeholder_get", world.stakeholder))
    missing = client.get(api_path("stakeholder_get", account_id=world.account.pk, stakeholder_id=999_999))

    assert existing.status_code == missing.status_code == 404
    assert existing.json() == missing.json()


# The buying center in depth ---------------------------------------------------------------------


def _boss(world):
    return StakeholderFactory(
        account=world.account, first_name="Clara", last_name="Chef", function="Geschäftsführerin"
    )


def test_a_stakeholder_is_added_with_every_field_of_the_buying_center(world):
    boss = _boss(world)
    body = {
        **NEW,
        "hierarchy_level": "project",
        "reports_to_id": boss.pk,
        "buying_roles": ["user", "decision_maker"],
        "is_coach": True,
        "attitude": -1,
        "influence": 4,
        "relationship_strength": 2,
        "relationship_owner_id": world.teammate.pk,
        "notes": "Prüft jede Preiserhöhung selbst.",
    }

    response = _client_for(world.owner).post(
        _url(world, "stakeholder_create"), body, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    out = response.json()
    assert out["reports_to_id"] == boss.pk
    assert out["buying_roles"] == ["decision_maker", "user"]
    assert (out["is_coach"], out["attitude"], out["influence"], out["relationship_strength"]) == (
        True,
        -1,
        4,
        2,
    )
    assert out["relationship_owner"] == {"id": world.teammate.pk, "name": "Tom Teich"}
    assert out["last_contact_on"] is None and out["anonymised_at"] is None and out["version"] == 1
    entry = AuditEntry.objects.get(action="stakeholder.create")
    assert entry.changes["notes"] == MASK


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"buying_roles": ["decision_maker", "kingmaker"]}, "buying_roles", "Unknown role(s): kingmaker."),
        ({"hierarchy_level": "board"}, "hierarchy_level", "is not a valid choice"),
        ({"attitude": 3}, "attitude", ""),
        ({"influence": 0}, "influence", ""),
        ({"relationship_owner_id": 999_999}, "relationship_owner_id", "Choose the key account manager"),
        ({"reports_to_id": 999_999}, "reports_to_id", "Choose a person of this account."),
        ({"last_contact_on": "2026-01-01"}, "last_contact_on", ""),
        ({"anonymised_at": "2026-01-01T00:00:00Z"}, "anonymised_at", ""),
    ],
)
def test_a_bad_buying_center_value_gets_422_naming_the_field(world, body, field, fragment):
    response = _client_for(world.owner).post(
        _url(world, "stakeholder_create"), {**NEW, **body}, content_type="application/json"
    )

    assert response.status_code == 422
    messages = response.json()["error"]["fields"][field]
    assert fragment in " ".join(messages)
    assert not Stakeholder.objects.filter(last_name="Gruber").exists()


def test_a_boss_of_another_account_is_as_unknown_as_a_missing_one(world):
    client = _client_for(world.owner)
    url = _url(world, "stakeholder_update", world.stakeholder)

    foreign = client.patch(
        url, {"reports_to_id": world.other_stakeholder.pk}, content_type="application/json"
    )
    missing = client.patch(url, {"reports_to_id": 999_999}, content_type="application/json")

    assert foreign.status_code == missing.status_code == 422
    assert foreign.json() == missing.json()
    assert str(world.other_stakeholder) not in foreign.content.decode()


def test_a_cycle_gets_422_naming_the_people(world):
    boss = _boss(world)
    client = _client_for(world.owner)
    client.patch(
        _url(world, "stakeholder_update", world.stakeholder),
        {"reports_to_id": boss.pk},
        content_type="application/json",
    )

    response = client.patch(
        _url(world, "stakeholder_update", boss),
        {"reports_to_id": world.stakeholder.pk},
        content_type="application/json",
    )

    assert response.status_code == 422
    (message,) = response.json()["error"]["fields"]["reports_to_id"]
    assert message.startswith(f"Clara Chef cannot report to {world.stakeholder}:")


def test_a_relationship_owner_from_outside_the_team_gets_422(world):
    response = _client_for(world.owner).patch(
        _url(world, "stakeholder_update", world.stakeholder),
        {"relationship_owner_id": world.other_kam.pk},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert (
        "Otto Ohm is neither the key account manager"
        in response.json()["error"]["fields"]["relationship_owner_id"][0]
    )


def test_null_clears_a_link_or_a_rating_but_not_a_text(world):
    client = _client_for(world.owner)
    url = _url(world, "stakeholder_update", world.stakeholder)
    client.patch(
        url,
        {"reports_to_id": _boss(world).pk, "attitude": 2, "relationship_owner_id": world.owner.pk},
        content_type="application/json",
    )

    cleared = client.patch(
        url,
        {"reports_to_id": None, "attitude": None, "relationship_owner_id": None},
        content_type="application/json",
    )
    refused = client.patch(url, {"function": None}, content_type="application/json")

    assert cleared.status_code == 200
    assert (
        cleared.json()["reports_to_id"],
        cleared.json()["attitude"],
        cleared.json()["relationship_owner"],
    ) == (
        None,
        None,
        None,
    )
    assert refused.status_code == 422 and "function" in refused.json()["error"]["fields"]


def test_two_api_edits_from_the_same_version_conflict_and_the_new_version_succeeds(world):
    url = _url(world, "stakeholder_update", world.stakeholder)
    owner, teammate = _client_for(world.owner), _client_for(world.teammate)

    first = owner.patch(url, {"version": 1, "attitude": 1}, content_type="application/json")
    second = teammate.patch(url, {"version": 1, "attitude": -2}, content_type="application/json")

    assert first.status_code == 200 and first.json()["version"] == 2
    assert second.status_code == 409
    assert second.json()["error"]["current_version"] == 2
    assert second.json()["error"]["theirs"] == {"attitude": 1}
    again = teammate.patch(url, {"version": 2, "attitude": -2}, content_type="application/json")
    assert again.status_code == 200 and again.json()["attitude"] == -2


def test_an_anonymised_stakeholder_answers_422_on_changes(world):
    Stakeholder.objects.filter(pk=world.stakeholder.pk).update(anonymised_at=timezone.now())

    response = _client_for(world.owner).patch(
        _url(world, "stakeholder_update", world.stakeholder),
        {"function": "Neu"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "anonymised" in response.json()["error"]["fields"]["__all__"][0]


def test_the_list_filters_by_level_role_and_attitude(world):
    StakeholderFactory(
        account=world.account,
        last_name="Anders",
        hierarchy_level="executive",
        buying_roles=["decision_maker"],
        attitude=1,
    )
    StakeholderFactory(
        account=world.account,
        last_name="Berg",
        hierarchy_level="executive",
        buying_roles=["blocker"],
        attitude=-2,
    )
    client = _client_for(world.extended)

    def names(**query):
        response = client.get(_url(world), query)
        assert response.status_code == 200
        return [s["last_name"] for s in response.json()]

    assert names(level="executive") == ["Anders", "Berg"]
    assert names(role="blocker") == ["Berg"]
    assert names(attitude="1") == ["Anders"]
    assert names(level="executive", attitude="-2") == ["Berg"]
    assert client.get(_url(world), {"levle": "executive"}).status_code == 422
    assert client.get(_url(world), {"role": "kingmaker"}).status_code == 422

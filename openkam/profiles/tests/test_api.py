"""The profile, market and SWOT operations of the REST API (who may call them: the matrices)."""

import json

import pytest
from django.test import Client

from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.profiles.choices import FactKind, Quadrant
from openkam.profiles.models import AccountProfile, MarketEntry, ProfileFact, SwotItem
from openkam.testing.factories import CustomerFactory

from .factories import (
    AccountProfileFactory,
    HurdleFactory,
    MarketEntryFactory,
    ProfileFactFactory,
    SwotItemFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client, method, url, body=None):
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


def _ids(world, **ids):
    return {"account_id": world.account.pk, **ids}


# The profile --------------------------------------------------------------------------------------


def test_an_unsaved_profile_shows_the_customer_master_and_the_group(world):
    world.account.customer.parent = CustomerFactory(name="Alpha Gruppe", number="K777001", legal_form="AG")
    world.account.customer.save()
    CustomerFactory(
        name="Alpha Polska", number="K777002", country="PL", city="Posen", parent=world.account.customer
    )

    response = _client(world.manager).get(api_path("account_profile_get", **_ids(world)))

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert (body["legal_name"], body["legal_form"], body["industry"]) == (
        "Alpha Maschinenbau",
        "GmbH",
        "Maschinenbau",
    )
    assert body["from_customer_master"] == ["industry", "legal_form", "legal_name"]
    assert body["parent"]["number"] == "K777001"
    assert [(c["name"], c["country"]) for c in body["subsidiaries"]] == [("Alpha Polska", "PL")]
    assert body["stale_facts"] == 0 and body["updated_at"] is None


def test_a_profile_patch_saves_and_a_second_one_from_the_old_version_gets_409(world):
    url = api_path("account_profile_update", **_ids(world))
    first = _send(
        _client(world.owner),
        "PATCH",
        url,
        {"version": 1, "turnover": "1250000000.00", "size_year": 2025, "size_source": "Geschäftsbericht"},
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert first.json()["turnover"] == "1250000000.00"
    assert first.json()["stale_sections"] == ["size"]  # no date

    second = _send(_client(world.teammate), "PATCH", url, {"version": 1, "size_year": 2024})

    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "edit_conflict"
    assert error["current_version"] == 2
    assert error["theirs"] == {"size_year": 2025}
    assert AccountProfile.objects.get(account=world.account).size_year == 2025
    third = _send(
        _client(world.teammate), "PATCH", url, {"version": 2, "size_year": 2024, "size_as_of": "2026-01-10"}
    )
    assert third.status_code == 200
    assert (third.json()["size_year"], third.json()["version"], third.json()["stale_sections"]) == (
        2024,
        3,
        [],
    )


def test_a_profile_patch_clears_dates_and_numbers_with_an_empty_string(world):
    AccountProfileFactory(account=world.account, employees=300, size_source="Website", size_as_of=days_ago(3))

    response = _send(
        _client(world.owner),
        "PATCH",
        api_path("account_profile_update", **_ids(world)),
        {"employees": "", "size_as_of": ""},
    )

    assert response.status_code == 200
    profile = AccountProfile.objects.get(account=world.account)
    assert (profile.employees, profile.size_as_of) == (None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"strategy": "Wachstum"}, "strategy_source"),
        ({"employees": -1}, "employees"),
        ({"employees": None}, "employees"),
        ({"turnover": "viel"}, "turnover"),
        ({"headquarters": "Ulm"}, "headquarters"),
        ({"strategy_as_of": "2999-01-01", "strategy": "x", "strategy_source": "y"}, "strategy_as_of"),
    ],
)
def test_a_bad_profile_patch_gets_422_naming_the_field(world, body, field):
    response = _send(_client(world.owner), "PATCH", api_path("account_profile_update", **_ids(world)), body)

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not AuditEntry.objects.exists()


# Profile entries ----------------------------------------------------------------------------------


def test_facts_are_listed_by_kind_with_their_stale_flag(world):
    ProfileFactFactory(account=world.account, kind=FactKind.SITE, title="Werk Jena", as_of=days_ago(800))
    ProfileFactFactory(account=world.account, kind=FactKind.SITE, title="Werk Gera", as_of=days_ago(1))
    ProfileFactFactory(account=world.account, kind=FactKind.KEY_FACT, title="Börsennotiert")
    ProfileFactFactory(account=world.other_account, kind=FactKind.SITE, title="Fremdes Werk")
    client = _client(world.extended)
    url = api_path("account_profile_facts_list", **_ids(world))

    everything = client.get(url).json()
    sites = client.get(url + "?kind=site").json()

    # By kind (its stored value), then by title; the other account's site is not there.
    assert [f["title"] for f in everything] == ["Börsennotiert", "Werk Gera", "Werk Jena"]
    assert [(f["title"], f["stale"]) for f in sites] == [("Werk Gera", False), ("Werk Jena", True)]
    assert client.get(url + "?kind=planet").status_code == 422
    assert client.get(url + "?knd=site").status_code == 422


def test_a_fact_is_created_changed_with_its_version_and_removed(world):
    client = _client(world.teammate)
    created = _send(
        client,
        "POST",
        api_path("account_profile_facts_list", **_ids(world)),
        {"kind": "business_unit", "title": "Geschäftsbereich Mobilhydraulik", "source": "Organigramm 2026"},
    )
    assert created.status_code == 201
    fact = created.json()
    assert (fact["version"], fact["as_of"], fact["stale"]) == (1, None, True)
    url = api_path("account_profile_fact_get", **_ids(world, profile_fact_id=fact["id"]))

    changed = _send(client, "PATCH", url, {"version": 1, "as_of": days_ago(2).isoformat()})
    assert changed.status_code == 200
    assert (changed.json()["version"], changed.json()["stale"]) == (2, False)
    conflict = _send(client, "PATCH", url, {"version": 1, "title": "Mobilhydraulik"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["theirs"] == {"title": "Geschäftsbereich Mobilhydraulik"}

    assert _send(client, "DELETE", url).status_code == 204
    assert not ProfileFact.objects.exists()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["profiles.fact.create", "profiles.fact.update", "profiles.fact.delete"]


def test_removing_an_initiative_with_hurdles_gets_422(world):
    hurdle = HurdleFactory(account=world.account)

    response = _send(
        _client(world.owner),
        "DELETE",
        api_path("account_profile_fact_delete", **_ids(world, profile_fact_id=hurdle.initiative_id)),
    )

    assert response.status_code == 422
    assert ProfileFact.objects.filter(pk=hurdle.initiative_id).exists()


# The account's market ------------------------------------------------------------------------------


def test_a_hurdle_is_created_for_an_initiative_of_the_account(world):
    initiative = ProfileFactFactory(account=world.account, kind=FactKind.STRATEGIC_INITIATIVE)
    foreign = ProfileFactFactory(account=world.other_account, kind=FactKind.STRATEGIC_INITIATIVE)
    client = _client(world.owner)
    url = api_path("market_entries_list", **_ids(world))
    body = {
        "kind": "hurdle",
        "title": "Zu wenig Inbetriebnehmer",
        "how_we_help": "Unser Inbetriebnahme-Service",
        "source": "Interview Projektleitung",
        "as_of": days_ago(9).isoformat(),
    }

    for wrong in (None, foreign.pk, 999_999):
        response = _send(client, "POST", url, body | ({"initiative_id": wrong} if wrong else {}))
        assert response.status_code == 422
        assert "initiative_id" in response.json()["error"]["fields"]
    response = _send(client, "POST", url, body | {"initiative_id": initiative.pk})

    assert response.status_code == 201
    assert response.json()["initiative_id"] == initiative.pk
    assert response.json()["stale"] is False
    assert MarketEntry.objects.get().initiative == initiative


def test_market_entries_are_filtered_by_kind_and_changed_with_their_version(world):
    trend = MarketEntryFactory(account=world.account, kind="trend", title="Predictive Maintenance")
    MarketEntryFactory(account=world.account, kind="competitor", title="Wettbewerber Nord")
    client = _client(world.owner)

    listed = client.get(api_path("market_entries_list", **_ids(world)) + "?kind=competitor").json()
    assert [e["title"] for e in listed] == ["Wettbewerber Nord"]
    url = api_path("market_entry_update", **_ids(world, market_entry_id=trend.pk))
    assert _send(client, "PATCH", url, {"version": 1, "details": "Sensorik"}).status_code == 200
    assert _send(client, "PATCH", url, {"version": 1, "details": "Cloud"}).status_code == 409
    refused = _send(client, "PATCH", url, {"version": 2, "how_we_help": "Gateways"})
    assert refused.status_code == 422 and "how_we_help" in refused.json()["error"]["fields"]
    assert _send(client, "DELETE", url).status_code == 204


# SWOT ---------------------------------------------------------------------------------------------


def test_the_swot_is_listed_in_swot_order_and_items_move_by_position(world):
    SwotItemFactory(account=world.account, quadrant=Quadrant.THREAT, text="T1", position=1)
    SwotItemFactory(account=world.account, quadrant=Quadrant.STRENGTH, text="S1", position=1)
    SwotItemFactory(account=world.account, quadrant=Quadrant.OPPORTUNITY, text="O1", position=1)
    client = _client(world.owner)
    url = api_path("swot_items_list", **_ids(world))

    created = _send(client, "POST", url, {"quadrant": "strength", "text": "S0", "position": 1})
    assert created.status_code == 201 and created.json()["position"] == 1
    moved = _send(
        client,
        "PATCH",
        api_path("swot_item_update", **_ids(world, swot_item_id=created.json()["id"])),
        {"version": 1, "position": 5},
    )

    assert moved.status_code == 200
    assert (moved.json()["position"], moved.json()["version"]) == (2, 1)
    assert [(i["quadrant"], i["text"], i["position"]) for i in client.get(url).json()] == [
        ("strength", "S1", 1),
        ("strength", "S0", 2),
        ("opportunity", "O1", 1),
        ("threat", "T1", 1),
    ]
    assert [i["text"] for i in client.get(url + "?quadrant=threat").json()] == ["T1"]


def test_a_swot_item_edit_from_an_old_version_gets_409_and_delete_closes_the_gap(world):
    first = SwotItemFactory(account=world.account, text="A", position=1)
    second = SwotItemFactory(account=world.account, text="B", position=2)
    client = _client(world.teammate)
    url = api_path("swot_item_update", **_ids(world, swot_item_id=first.pk))

    assert _send(client, "PATCH", url, {"version": 1, "text": "A2"}).status_code == 200
    assert _send(client, "PATCH", url, {"version": 1, "text": "A3"}).status_code == 409
    assert _send(client, "DELETE", url).status_code == 204
    assert SwotItem.objects.get(pk=second.pk).position == 1


@pytest.mark.parametrize("persona", ["other_kam", "admin"])
def test_outsiders_cannot_learn_whether_an_entry_exists(world, persona):
    fact = ProfileFactFactory(account=world.account)
    client = _client(world.persona(persona))

    existing = client.get(api_path("account_profile_fact_get", **_ids(world, profile_fact_id=fact.pk)))
    missing = client.get(api_path("account_profile_fact_get", **_ids(world, profile_fact_id=999_999)))

    assert existing.status_code == missing.status_code == 404
    assert existing.json() == missing.json()


def test_an_entry_of_another_account_answers_404_through_ones_own_account(world):
    foreign = SwotItemFactory(account=world.other_account, text="Fremd")

    response = _send(
        _client(world.owner),
        "PATCH",
        api_path("swot_item_update", **_ids(world, swot_item_id=foreign.pk)),
        {"text": "Übernommen"},
    )

    assert response.status_code == 404
    assert SwotItem.objects.get(pk=foreign.pk).text == "Fremd"

"""The REST operations of the personality app: profiles, the permission, the view log."""

import json

import pytest
from django.test import Client

from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.personality.models import PersonalityGrant, PersonalityProfile, PersonalityView

from .factories import PersonalityGrantFactory, PersonalityProfileFactory, enable_personality

pytestmark = pytest.mark.django_db

PROFILE = {
    "primary_colour": "blue",
    "secondary_colour": "green",
    "strongest_motives": ["order", "saving"],
    "weakest_motives": ["status"],
    "observations": "Liest jedes Datenblatt bis zum Ende.",
    "assessed_on": "2026-01-20",
}


@pytest.fixture
def enabled(world):
    enable_personality()
    return world


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


def test_a_profile_is_recorded_read_replaced_and_deleted(enabled):
    world = enabled
    client = _client(world.owner)
    url = _url(world, "personality_profile_get", stakeholder_id=world.stakeholder.pk)

    assert client.get(url).status_code == 404  # no profile yet
    created = _send(client, "PUT", url, PROFILE | {"version": 1})

    assert created.status_code == 200, created.content
    body = created.json()
    assert {k: body[k] for k in PROFILE} == PROFILE
    assert body["version"] == 2 and body["stakeholder_name"] == str(world.stakeholder)
    assert [h["colour"] for h in body["hints"]["colours"]] == ["blue", "green"]
    assert body["hints"]["colours"][0]["prepare"].startswith("Send the agenda and the documents in advance.")
    assert [h["motive"] for h in body["hints"]["motives"]] == ["order", "saving"]

    listed = client.get(_url(world, "personality_profiles_list")).json()
    assert [p["stakeholder_id"] for p in listed] == [world.stakeholder.pk]

    replaced = _send(client, "PUT", url, {"version": 2, "primary_colour": "red"})
    assert replaced.status_code == 200
    assert {k: replaced.json()[k] for k in PROFILE} == {
        "primary_colour": "red",
        "secondary_colour": None,
        "strongest_motives": [],
        "weakest_motives": [],
        "observations": "",
        "assessed_on": None,
    }

    assert _send(client, "DELETE", url).status_code == 204
    assert not PersonalityProfile.objects.exists()
    assert _send(client, "DELETE", url).status_code == 404
    # Each read was logged (the GET of the list; the 404 and the writes show nothing stored).
    assert list(PersonalityView.objects.values_list("channel", flat=True)) == ["api"]


def test_two_puts_from_the_same_version_conflict_and_the_newer_version_wins(enabled):
    world = enabled
    PersonalityGrantFactory(membership=world.teammate_membership)
    PersonalityProfileFactory(stakeholder=world.stakeholder, primary_colour="blue", secondary_colour="")
    url = _url(world, "personality_profile_put", stakeholder_id=world.stakeholder.pk)

    first = _send(_client(world.owner), "PUT", url, {"version": 1, "primary_colour": "orange"})
    second = _send(_client(world.teammate), "PUT", url, {"version": 1, "primary_colour": "green"})

    assert first.status_code == 200
    assert second.status_code == 409
    error = second.json()["error"]
    assert (error["code"], error["current_version"], error["theirs"]["primary_colour"]) == (
        "edit_conflict",
        2,
        "orange",
    )
    again = _send(_client(world.teammate), "PUT", url, {"version": 2, "primary_colour": "green"})
    assert again.status_code == 200 and again.json()["version"] == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"primary_colour": "purple"}, "primary_colour"),
        (
            {"primary_colour": "red", "strongest_motives": ["power", "status", "order", "saving"]},
            "strongest_motives",
        ),
        ({"primary_colour": "red", "secondary_colour": "red"}, "secondary_colour"),
        (
            {"primary_colour": "red", "strongest_motives": ["eating"], "weakest_motives": ["eating"]},
            "weakest_motives",
        ),
        ({"primary_colour": "red", "colour": "blue"}, "colour"),
        ({"secondary_colour": "blue"}, "primary_colour"),
    ],
)
def test_invalid_profiles_answer_422_naming_the_field(enabled, body, field):
    url = _url(enabled, "personality_profile_put", stakeholder_id=enabled.stakeholder.pk)
    response = _send(_client(enabled.owner), "PUT", url, body)

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not PersonalityProfile.objects.exists()


def test_the_extended_team_with_the_permission_reads_and_gets_403_on_writes(enabled):
    world = enabled
    PersonalityGrantFactory(membership=world.account.team_memberships.get(user=world.extended))
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    client = _client(world.extended)
    url = _url(world, "personality_profile_get", stakeholder_id=world.stakeholder.pk)

    assert client.get(url).status_code == 200
    assert _send(client, "PUT", url, {"primary_colour": "red"}).status_code == 403
    assert _send(client, "DELETE", url).status_code == 403
    assert PersonalityProfile.objects.get().primary_colour == "blue"


def test_a_stakeholder_of_another_account_is_not_found(enabled):
    url = _url(enabled, "personality_profile_put", stakeholder_id=enabled.other_stakeholder.pk)
    assert _send(_client(enabled.owner), "PUT", url, {"primary_colour": "red"}).status_code == 404


def test_everything_is_404_while_profiles_are_switched_off(world):
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    client = _client(world.owner)
    assert client.get(_url(world, "personality_profiles_list")).status_code == 404
    assert client.get(_url(world, "personality_grants_list")).status_code == 404
    assert client.get(_url(world, "personality_views_list")).status_code == 404


def test_the_owner_grants_lists_and_revokes_the_permission(enabled):
    world = enabled
    client = _client(world.owner)

    added = _send(client, "POST", _url(world, "personality_grants_list"), {"user_id": world.extended.pk})

    assert added.status_code == 201, added.content
    assert added.json()["user"] == {"id": world.extended.pk, "name": "Eva Ebert"}
    assert added.json()["granted_by"]["name"] == "Katrin Amann"
    twice = _send(client, "POST", _url(world, "personality_grants_list"), {"user_id": world.extended.pk})
    assert twice.status_code == 422 and "user_id" in twice.json()["error"]["fields"]
    stranger = _send(client, "POST", _url(world, "personality_grants_list"), {"user_id": world.manager.pk})
    assert stranger.status_code == 422
    assert [g["user"]["id"] for g in client.get(_url(world, "personality_grants_list")).json()] == [
        world.extended.pk
    ]

    removed = _send(client, "DELETE", _url(world, "personality_grant_remove", user_id=world.extended.pk))

    assert removed.status_code == 204
    assert not PersonalityGrant.objects.exists()
    assert (
        _send(
            client, "DELETE", _url(world, "personality_grant_remove", user_id=world.extended.pk)
        ).status_code
        == 404
    )
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["personality.grant.add", "personality.grant.remove"]


def test_the_view_log_is_paginated_newest_first(enabled):
    world = enabled
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    client = _client(world.owner)
    for _ in range(3):
        client.get(_url(world, "personality_profiles_list"))

    page = client.get(_url(world, "personality_views_list"), {"limit": 2}).json()

    assert page["count"] == 3
    assert len(page["items"]) == 2
    first = page["items"][0]
    assert (first["stakeholder_id"], first["viewer_id"], first["viewer_name"], first["channel"]) == (
        world.stakeholder.pk,
        world.owner.pk,
        "Katrin Amann",
        "api",
    )
    assert client.get(_url(world, "personality_views_list"), {"limt": 2}).status_code == 422

"""The profile operations of the REST API: who am I, and in which language."""

import pytest
from django.test import Client

from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.users.services import api_token_create


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_me_describes_the_signed_in_person(world):
    response = _client_for(world.manager).get(api_path("me_get"))

    assert response.status_code == 200
    assert response.json() == {
        "id": world.manager.pk,
        "username": "head",
        "name": "Hanna Haupt",
        "role": "management",
        "language": "en",
    }


def test_me_describes_the_owner_of_a_token(world):
    _token, raw = api_token_create(actor=world.teammate, name="Skript")

    response = Client(headers={"authorization": f"Bearer {raw}"}).get(api_path("me_get"))

    assert response.json()["username"] == "team"


def test_changing_the_language_is_saved_audited_and_answered_in_it(world):
    response = _client_for(world.owner).patch(
        api_path("me_update"), {"language": "de"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["language"] == "de"
    # A plain string, not the enum member: WSGI servers refuse anything else in a header.
    assert type(response.headers["Content-Language"]) is str
    world.owner.refresh_from_db()
    assert world.owner.language == "de"
    entry = AuditEntry.objects.get(action="user.language")
    assert entry.changes == {"language": ["en", "de"]}


def test_a_token_request_is_answered_in_the_language_of_its_owner(world):
    world.owner.language = "de"
    world.owner.save(update_fields=["language"])
    _token, raw = api_token_create(actor=world.owner, name="Skript")

    response = Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"}).get(
        api_path("me_get")
    )

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "de"


def test_an_empty_change_keeps_the_language(world):
    response = _client_for(world.owner).patch(api_path("me_update"), {}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["language"] == "en"
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"language": "fr"}, "language"),
        ({"language": None}, "language"),
        ({"role": "admin"}, "role"),
        ({"username": "boss"}, "username"),
    ],
)
def test_anything_but_a_known_language_gets_422_and_changes_nothing(world, body, field):
    response = _client_for(world.owner).patch(api_path("me_update"), body, content_type="application/json")

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    world.owner.refresh_from_db()
    assert (world.owner.language, world.owner.role, world.owner.username) == ("en", "kam", "kam")

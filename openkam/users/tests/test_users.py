import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.testing.factories import PASSWORD
from openkam.users import services
from openkam.users.middleware import IdleTimeoutMiddleware
from openkam.users.models import User
from openkam.users.selectors import user_for_api_token


@pytest.mark.django_db
def test_a_person_signs_in_and_lands_on_my_accounts(client, world):
    response = client.post(reverse("login"), {"username": "kam", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:list")
    assert "Alpha Maschinenbau" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_gives_a_clear_message(client, world):
    response = client.post(
        reverse("login"), {"username": "kam", "password": "falsch"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    assert "User name or password is wrong" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_sign_in_even_with_the_right_password(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "kam", "password": "falsch"})
    response = client.post(
        reverse("login"), {"username": "kam", "password": PASSWORD}, headers={"accept-language": "en"}
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_idle_session_ends(client, world, settings):
    client.force_login(world.owner)
    assert client.get(reverse("accounts:list")).status_code == 200
    session = client.session
    session[IdleTimeoutMiddleware.key] = int(time.time()) - settings.OPENKAM_IDLE_TIMEOUT - 5
    session.save()
    response = client.get(reverse("accounts:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_the_language_is_stored_on_the_profile_and_used_on_every_page(client, world):
    client.force_login(world.owner)
    client.post(reverse("users:language"), {"language": "de", "next": "/accounts/"})
    world.owner.refresh_from_db()
    assert world.owner.language == "de"
    response = client.get(reverse("accounts:list"), headers={"accept-language": "en"})
    assert response.headers["Content-Language"] == "de"
    assert AuditEntry.objects.filter(action="user.language", actor=world.owner).exists()


@pytest.mark.django_db
def test_the_language_switch_refuses_foreign_redirects_and_unknown_languages(client, world):
    client.force_login(world.owner)
    response = client.post(reverse("users:language"), {"language": "fr", "next": "https://evil.example/"})
    assert response.url == "/"
    world.owner.refresh_from_db()
    assert world.owner.language == "en"


@pytest.mark.django_db
def test_an_admin_creates_a_user_under_the_password_policy(client, world):
    client.force_login(world.admin)
    data = {
        "username": "neu",
        "first_name": "Nora",
        "last_name": "Neu",
        "email": "nora@example.com",
        "role": "kam",
        "language": "de",
        "password": "kurz",
    }
    response = client.post(reverse("users:admin-create"), data)
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="neu").exists()
    data["password"] = "Ein-langes-Passwort-2026"
    assert client.post(reverse("users:admin-create"), data).status_code == 302
    user = User.objects.get(username="neu")
    assert user.role == "kam" and user.check_password("Ein-langes-Passwort-2026")
    assert AuditEntry.objects.filter(action="user.create", actor=world.admin).exists()


@pytest.mark.django_db
def test_an_admin_cannot_lock_themselves_out(world):
    with pytest.raises(ValidationError):
        services.user_update(
            actor=world.admin,
            user=world.admin,
            first_name="A",
            last_name="B",
            email="a@example.com",
            role="kam",
            job_title="",
            is_active=True,
        )


@pytest.mark.django_db
def test_a_deactivated_user_cannot_sign_in(client, world):
    world.owner.is_active = False
    world.owner.save()
    response = client.post(reverse("login"), {"username": "kam", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


@pytest.mark.django_db
def test_api_tokens_are_shown_once_stored_hashed_and_revocable(client, world):
    client.force_login(world.owner)
    response = client.post(reverse("users:profile"), {"name": "CRM"})
    raw = response.context["new_token"]
    assert raw.startswith("okam_")
    token = world.owner.api_tokens.get()
    assert raw not in (token.token_hash, token.prefix)
    assert user_for_api_token(raw) == world.owner
    client.post(reverse("users:token-revoke", args=[token.pk]))
    assert user_for_api_token(raw) is None


@pytest.mark.django_db
def test_a_token_of_a_deactivated_user_stops_working(world):
    _token, raw = services.api_token_create(actor=world.owner, name="sync")
    world.owner.is_active = False
    world.owner.save()
    assert user_for_api_token(raw) is None

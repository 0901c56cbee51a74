"""The company's buying-center settings: administrators only; switching profiles off deletes them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.personality.models import PersonalityGrant, PersonalityProfile, PersonalityView
from openkam.personality.permissions import profiles_for_viewer
from openkam.stakeholders import services
from openkam.stakeholders.models import BuyingCenterSettings

from .factories import StakeholderFactory

pytestmark = pytest.mark.django_db

URL = reverse("buying_center_settings:edit")


def _with_profiles(world, count: int) -> None:
    services.buying_center_settings_update(actor=world.admin, personality_enabled=True)
    for _ in range(count):
        PersonalityProfile.objects.create(
            stakeholder=StakeholderFactory(account=world.account), primary_colour="red"
        )


def _form(settings: BuyingCenterSettings, **changes) -> dict:
    data = {
        "personality_enabled": "on" if settings.personality_enabled else "",
        "decision_maker_contact_days": settings.decision_maker_contact_days,
        "blocker_influence_threshold": settings.blocker_influence_threshold,
        "blocker_engagement_days": settings.blocker_engagement_days,
        "single_thread_share": settings.single_thread_share,
        "retention_months": settings.retention_months,
        "purge_grace_days": settings.purge_grace_days,
        "version": settings.version,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_changes_the_thresholds_and_the_trail_has_no_account(world):
    settings = services.buying_center_settings_update(
        actor=world.admin, decision_maker_contact_days=60, single_thread_share=80
    )

    assert (settings.decision_maker_contact_days, settings.single_thread_share, settings.version) == (
        60,
        80,
        2,
    )
    entry = AuditEntry.objects.get(action="stakeholders.settings.update")
    assert entry.account_id is None and entry.actor == world.admin
    assert entry.changes == {"decision_maker_contact_days": [90, 60], "single_thread_share": [70, 80]}


@pytest.mark.parametrize("persona", ["owner", "teammate", "extended", "other_kam", "manager"])
def test_only_administrators_change_the_settings(world, persona):
    with pytest.raises(PermissionDenied):
        services.buying_center_settings_update(actor=world.persona(persona), retention_months=12)
    assert BuyingCenterSettings.current().retention_months == 24


def test_thresholds_outside_their_range_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.buying_center_settings_update(actor=world.admin, single_thread_share=20, purge_grace_days=0)

    assert set(exc.value.message_dict) == {"single_thread_share", "purge_grace_days"}
    assert BuyingCenterSettings.current().version == 1


def test_two_edits_from_the_same_version_conflict(world):
    services.buying_center_settings_update(actor=world.admin, version=1, retention_months=36)

    with pytest.raises(EditConflict):
        services.buying_center_settings_update(actor=world.admin, version=1, retention_months=12)
    assert (
        services.buying_center_settings_update(actor=world.admin, version=2, retention_months=12).version == 3
    )


def test_switching_profiles_off_needs_a_confirmation_and_then_deletes_every_profile(world):
    _with_profiles(world, 3)

    with pytest.raises(ValidationError) as exc:
        services.buying_center_settings_update(actor=world.admin, personality_enabled=False)
    assert exc.value.message_dict["confirm_delete_profiles"] == [
        "Switching personality profiles off deletes all 3 stored profiles. Confirm the deletion to save."
    ]
    assert PersonalityProfile.objects.count() == 3 and BuyingCenterSettings.current().personality_enabled

    PersonalityGrant.objects.create(membership=world.teammate_membership, granted_by=world.owner)
    profiles_for_viewer(world.owner, world.account, channel="page")
    assert PersonalityView.objects.count() == 3

    services.buying_center_settings_update(
        actor=world.admin, personality_enabled=False, confirm_delete_profiles=True
    )

    assert PersonalityProfile.objects.count() == 0
    # The read log and the grants go with the profiles: switching on again starts afresh.
    assert PersonalityView.objects.count() == 0 and PersonalityGrant.objects.count() == 0
    assert not BuyingCenterSettings.current().personality_enabled
    entry = AuditEntry.objects.filter(action="stakeholders.settings.update").latest("pk")
    assert entry.changes == {"personality_enabled": [True, False], "personality_profiles_deleted": 3}


def test_switching_off_without_profiles_needs_no_confirmation(world):
    services.buying_center_settings_update(actor=world.admin, personality_enabled=True)

    services.buying_center_settings_update(actor=world.admin, personality_enabled=False)

    assert not BuyingCenterSettings.current().personality_enabled


# The page ---------------------------------------------------------------------------------------


def test_the_page_asks_for_the_confirmation_and_says_how_many_profiles_go(world):
    _with_profiles(world, 2)
    client = _client(world.admin)
    settings = BuyingCenterSettings.current()

    page = client.get(URL).content.decode()
    assert "2 personality profiles are stored." in page
    assert "Delete all 2 stored personality profiles when switching profiles off" in page

    refused = client.post(URL, _form(settings, personality_enabled=""))
    assert refused.status_code == 200
    assert "deletes all 2 stored profiles" in refused.content.decode()
    assert PersonalityProfile.objects.count() == 2

    done = client.post(URL, _form(settings, personality_enabled="", confirm_delete_profiles="on"))
    assert done.status_code == 302
    assert PersonalityProfile.objects.count() == 0 and not BuyingCenterSettings.current().personality_enabled


def test_without_profiles_the_page_has_no_confirmation_and_refuses_it(world):
    client = _client(world.admin)
    settings = BuyingCenterSettings.current()

    assert "confirm_delete_profiles" not in client.get(URL).content.decode()
    response = client.post(URL, _form(settings, decision_maker_contact_days=45, confirm_delete_profiles="on"))
    assert "Unknown field(s): confirm_delete_profiles" in response.content.decode()

    assert client.post(URL, _form(settings, decision_maker_contact_days=45)).status_code == 302
    assert BuyingCenterSettings.current().decision_maker_contact_days == 45


def test_a_stale_form_shows_what_was_saved_meanwhile(world):
    client = _client(world.admin)
    settings = BuyingCenterSettings.current()
    services.buying_center_settings_update(actor=world.admin, retention_months=36)

    response = client.post(URL, _form(settings, retention_months=12))

    html = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this in the meantime" in html
    assert "Saved meanwhile: <strong>36</strong>" in html
    assert client.post(URL, _form(BuyingCenterSettings.current(), retention_months=12)).status_code == 302


# The API ----------------------------------------------------------------------------------------


def test_the_api_shows_and_changes_the_settings_for_administrators(world):
    client = _client(world.admin)

    shown = client.get(api_path("buying_center_settings_get"))
    changed = client.patch(
        api_path("buying_center_settings_update"),
        {"version": 1, "blocker_influence_threshold": 5, "purge_grace_days": 14},
        content_type="application/json",
    )

    assert shown.status_code == 200
    assert shown.json() | {"updated_at": None} == {
        "personality_enabled": False,
        "decision_maker_contact_days": 90,
        "blocker_influence_threshold": 4,
        "blocker_engagement_days": 90,
        "single_thread_share": 70,
        "retention_months": 24,
        "purge_grace_days": 30,
        "personality_profiles": 0,
        "version": 1,
        "updated_at": None,
    }
    assert changed.status_code == 200
    assert (changed.json()["blocker_influence_threshold"], changed.json()["purge_grace_days"]) == (5, 14)
    assert changed.json()["version"] == 2


def test_the_api_needs_confirm_delete_profiles_to_switch_profiles_off(world):
    _with_profiles(world, 1)
    client = _client(world.admin)
    url = api_path("buying_center_settings_update")

    refused = client.patch(url, {"personality_enabled": False}, content_type="application/json")
    assert refused.status_code == 422
    assert "confirm_delete_profiles" in refused.json()["error"]["fields"]
    assert PersonalityProfile.objects.count() == 1

    done = client.patch(
        url, {"personality_enabled": False, "confirm_delete_profiles": True}, content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["personality_profiles"] == 0 and not done.json()["personality_enabled"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"single_thread_share": 10}, "single_thread_share"),
        ({"retention": 3}, "retention"),
        ({"version": 0}, "version"),
    ],
)
def test_the_api_refuses_bad_settings(world, body, field):
    response = _client(world.admin).patch(
        api_path("buying_center_settings_update"), body, content_type="application/json"
    )

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_a_stale_api_edit_gets_409(world):
    client = _client(world.admin)
    url = api_path("buying_center_settings_update")
    client.patch(url, {"version": 1, "retention_months": 36}, content_type="application/json")

    response = client.patch(url, {"version": 1, "retention_months": 12}, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["error"]["theirs"] == {"retention_months": 36}

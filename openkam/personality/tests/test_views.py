"""The pages of the personality section: profiles with hints, the form, conflicts, the
permission page and the view log."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.personality.models import PersonalityGrant, PersonalityProfile, PersonalityView
from openkam.testing.factories import StakeholderFactory

from .factories import PersonalityGrantFactory, PersonalityProfileFactory, enable_personality

pytestmark = pytest.mark.django_db


def _url(name, world, *args):
    return reverse(f"personality:{name}", args=[world.account.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def enabled(world):
    enable_personality()
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_overview_shows_each_profile_with_its_hints_dominant_colour_first(enabled):
    world = enabled
    world.stakeholder.first_name, world.stakeholder.last_name = "Jörg", "Albrecht"
    world.stakeholder.save()
    PersonalityProfileFactory(
        stakeholder=world.stakeholder,
        primary_colour="green",
        secondary_colour="red",
        strongest_motives=["family", "honour"],
        weakest_motives=["vengeance"],
        observations="Spricht zuerst über sein Team.",
    )
    StakeholderFactory(account=world.account, first_name="Mara", last_name="Zint")

    html = _html(_client(world.owner).get(_url("overview", world)))

    assert "Spricht zuerst über sein Team." in html
    green = html.index("Talking with Green")
    red = html.index("Talking with Red")
    assert green < red
    assert "Respect their family time" in html  # the hint for the strongest motive
    assert "Arguments built on Vengeance carry little weight with this person." in html
    unprofiled = html[html.index('id="unprofiled"') :]
    assert "Mara Zint" in unprofiled and "Jörg Albrecht" not in unprofiled
    assert 'aria-current="page"' in html
    assert list(PersonalityView.objects.values_list("stakeholder_id", "channel")) == [
        (world.stakeholder.pk, "page")
    ]


def test_the_pages_speak_german(enabled):
    PersonalityProfileFactory(stakeholder=enabled.stakeholder, primary_colour="blue", secondary_colour="")
    enabled.owner.language = "de"
    enabled.owner.save()

    html = _html(_client(enabled.owner).get(_url("overview", enabled)))

    assert "Persönlichkeit und Motive" in html
    assert "Blau" in html


def test_the_overview_needs_the_same_queries_for_more_profiles(enabled):
    client = _client(enabled.owner)
    PersonalityProfileFactory(stakeholder=enabled.stakeholder)
    client.get(_url("overview", enabled))  # the first request after signing in also saves the session
    with CaptureQueriesContext(connection) as few:
        client.get(_url("overview", enabled))
    for _ in range(6):
        PersonalityProfileFactory(stakeholder=StakeholderFactory(account=enabled.account))
        StakeholderFactory(account=enabled.account)

    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("overview", enabled))

    assert response.status_code == 200
    # session, user, account, company switch, stakeholders, switch again (profiles_for_viewer
    # checks for itself), profiles, one insert into the view log for all of them
    assert len(many.captured_queries) == len(few.captured_queries) == 8


@pytest.mark.parametrize("name", ["overview", "access", "log"])
def test_every_page_is_missing_while_the_company_has_profiles_switched_off(world, name):
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    assert _client(world.owner).get(_url(name, world)).status_code == 404
    assert _client(world.owner).get(_url("edit", world, world.stakeholder.pk)).status_code == 404


def test_the_owner_records_a_profile_through_the_form(enabled):
    world = enabled
    client = _client(world.owner)
    url = _url("edit", world, world.stakeholder.pk)
    form = _html(client.get(url))
    assert 'name="version" value="1"' in form
    assert "<legend>Strongest life motives" in form

    response = client.post(
        url,
        {
            "version": "1",
            "primary_colour": "orange",
            "secondary_colour": "blue",
            "strongest_motives": ["social_contact", "curiosity"],
            "weakest_motives": ["saving"],
            "observations": "Bringt zu jedem Termin neue Ideen mit.",
            "assessed_on": "2026-02-03",
        },
    )

    assert response.status_code == 302
    assert response.url.endswith(f"#stakeholder-{world.stakeholder.pk}")
    profile = PersonalityProfile.objects.get()
    assert profile.strongest_motives == ["social_contact", "curiosity"]
    assert str(profile.assessed_on) == "2026-02-03"
    assert AuditEntry.objects.get().action == "personality.profile.save"


def test_the_form_refuses_too_many_motives_and_shows_the_service_errors_on_the_fields(enabled):
    client = _client(enabled.owner)
    url = _url("edit", enabled, enabled.stakeholder.pk)
    base = {"version": "1", "primary_colour": "red"}

    too_many = _html(client.post(url, base | {"strongest_motives": ["power", "status", "order", "saving"]}))
    same_colour = _html(client.post(url, base | {"secondary_colour": "red"}))
    both = _html(client.post(url, base | {"strongest_motives": ["order"], "weakest_motives": ["order"]}))

    assert "Choose at most 3 motives." in too_many
    assert "Choose a second colour different from the dominant one." in same_colour
    assert "A motive cannot be among the strongest and the weakest at once: Order." in both
    assert not PersonalityProfile.objects.exists()


def test_two_edits_from_the_same_version_the_second_sees_what_was_saved_and_merges(enabled):
    world = enabled
    PersonalityGrantFactory(membership=world.teammate_membership)
    profile = PersonalityProfileFactory(
        stakeholder=world.stakeholder, primary_colour="blue", secondary_colour=""
    )
    url = _url("edit", world, world.stakeholder.pk)
    base = {"version": str(profile.version), "primary_colour": "blue", "observations": profile.observations}

    assert _client(world.teammate).post(url, base | {"primary_colour": "green"}).status_code == 302
    html = _html(_client(world.owner).post(url, base | {"observations": "Neu"}))

    assert "Someone else saved this in the meantime." in html
    assert "Saved meanwhile: <strong>Green</strong>" in html
    assert PersonalityProfile.objects.get().observations == profile.observations
    stored = PersonalityProfile.objects.get()
    again = _client(world.owner).post(
        url, base | {"version": str(stored.version), "primary_colour": "green", "observations": "Neu"}
    )
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.primary_colour, stored.observations) == ("green", "Neu")


def test_deleting_a_profile(enabled):
    PersonalityProfileFactory(stakeholder=enabled.stakeholder)
    response = _client(enabled.owner).post(_url("delete", enabled, enabled.stakeholder.pk))
    assert response.status_code == 302
    assert not PersonalityProfile.objects.exists()
    assert _client(enabled.owner).post(_url("delete", enabled, enabled.stakeholder.pk)).status_code == 404


def test_the_extended_team_with_the_permission_reads_but_sees_no_edit_buttons(enabled):
    world = enabled
    PersonalityGrantFactory(membership=world.account.team_memberships.get(user=world.extended))
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    client = _client(world.extended)

    html = _html(client.get(_url("overview", world)))

    assert "Edit profile" not in html
    assert client.get(_url("edit", world, world.stakeholder.pk)).status_code == 403
    assert client.post(_url("delete", world, world.stakeholder.pk)).status_code == 403
    assert PersonalityProfile.objects.exists()


def test_the_owner_grants_and_revokes_the_permission_on_the_access_page(enabled):
    world = enabled
    client = _client(world.owner)
    html = _html(client.get(_url("access", world)))
    assert 'data-user="team"' in html and 'data-user="ext"' in html

    response = client.post(
        _url("access", world), {"membership": world.teammate_membership.pk, "granted": "on"}
    )

    assert response.status_code == 302
    grant = PersonalityGrant.objects.get()
    assert grant.membership == world.teammate_membership and grant.granted_by == world.owner
    assert "Granted on" in _html(client.get(_url("access", world)))
    assert _client(world.teammate).get(_url("overview", world)).status_code == 200

    client.post(_url("access", world), {"membership": world.teammate_membership.pk})

    assert not PersonalityGrant.objects.exists()
    assert _client(world.teammate).get(_url("overview", world)).status_code == 404
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["personality.grant.add", "personality.grant.remove"]


def test_a_member_with_the_permission_sees_who_has_access_but_may_not_change_it(enabled):
    world = enabled
    PersonalityGrantFactory(membership=world.teammate_membership)
    client = _client(world.teammate)
    extended = world.account.team_memberships.get(user=world.extended)

    html = _html(client.get(_url("access", world)))

    assert "Grant</button>" not in html
    assert client.post(_url("access", world), {"membership": extended.pk, "granted": "on"}).status_code == 403
    assert PersonalityGrant.objects.count() == 1


def test_only_members_of_this_team_can_be_chosen(enabled):
    foreign = enabled.other_account.team_memberships.create(user=enabled.manager, internal_role="service")
    html = _html(
        _client(enabled.owner).post(_url("access", enabled), {"membership": foreign.pk, "granted": "on"})
    )
    assert "Select a valid choice." in html
    assert not PersonalityGrant.objects.exists()


def test_the_view_log_lists_who_saw_which_profile_where(enabled):
    world = enabled
    PersonalityGrantFactory(membership=world.teammate_membership)
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    _client(world.teammate).get(_url("overview", world))
    _client(world.teammate).get(f"/api/v1/accounts/{world.account.pk}/personality/profiles")

    html = _html(_client(world.owner).get(_url("log", world)))

    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    assert rows.count("<tr>") == 2
    assert rows.count("Tom Teich") == 2
    assert "Personality page" in rows and "API" in rows
    assert str(world.stakeholder) in rows


def test_the_view_log_needs_the_same_queries_for_more_rows(enabled):
    client = _client(enabled.owner)
    PersonalityProfileFactory(stakeholder=enabled.stakeholder)
    client.get(_url("log", enabled))
    client.get(_url("overview", enabled))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("log", enabled))
    for _ in range(5):
        PersonalityProfileFactory(stakeholder=StakeholderFactory(account=enabled.account))
    client.get(_url("overview", enabled))
    with CaptureQueriesContext(connection) as many:
        client.get(_url("log", enabled))
    # session, user, account, company switch, count, rows (stakeholders joined)
    assert len(many.captured_queries) == len(few.captured_queries) == 6

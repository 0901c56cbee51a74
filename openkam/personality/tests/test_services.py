"""Writes and the access rules of personality profiles: who may, what is validated, what the
audit trail keeps (nothing about the person) and optimistic locking."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from openkam.accounts.choices import TeamScope
from openkam.accounts.permissions import get_account_for_user
from openkam.accounts.services import team_member_remove
from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.personality import services
from openkam.personality.models import PersonalityGrant, PersonalityProfile, PersonalityView
from openkam.personality.permissions import (
    can_edit_personality,
    can_see_personality,
    profiles_for_viewer,
    require_personality,
)
from openkam.testing.factories import StakeholderFactory, TeamMembershipFactory

from .factories import PersonalityGrantFactory, PersonalityProfileFactory, enable_personality

pytestmark = pytest.mark.django_db

SECRET = "Reagiert gereizt auf lange Präsentationen SECRET-42"


@pytest.fixture
def enabled(world):
    enable_personality()
    return world


def _stakeholder(world, persona="owner"):
    """The world's stakeholder as a persona's request loads it (with the viewer's team scope)."""
    world.stakeholder.account = get_account_for_user(world.persona(persona), world.account.pk)
    return world.stakeholder


def _save(world, persona="owner", version=None, **values):
    data = {
        "primary_colour": "red",
        "secondary_colour": "orange",
        "strongest_motives": ["power", "status"],
        "weakest_motives": ["tranquillity"],
        "observations": SECRET,
        "assessed_on": date(2026, 3, 12),
    } | values
    return services.personality_profile_save(
        actor=world.persona(persona), stakeholder=_stakeholder(world, persona), version=version, **data
    )


# Who sees and who edits -------------------------------------------------------------------------


def test_nobody_sees_profiles_while_the_company_has_them_switched_off(world):
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    PersonalityGrantFactory(membership=world.teammate_membership)

    assert not can_see_personality(world.owner, world.account)
    assert not can_see_personality(world.teammate, world.account)
    assert profiles_for_viewer(world.owner, world.account, channel="page") == {}
    with pytest.raises(Http404):
        require_personality(world.owner, world.account)
    with pytest.raises(PermissionDenied):
        _save(world)
    assert not PersonalityView.objects.exists()


def test_the_owner_and_granted_team_members_see_profiles_nobody_else(enabled):
    world = enabled
    extended_membership = world.account.team_memberships.get(user=world.extended)
    PersonalityGrantFactory(membership=world.teammate_membership)

    personas = ("owner", "teammate", "extended", "other_kam", "manager", "admin")
    seeing = {p for p in personas if can_see_personality(world.persona(p), world.account)}
    assert seeing == {"owner", "teammate"}

    PersonalityGrantFactory(membership=extended_membership)
    assert can_see_personality(world.extended, world.account)
    # The extended team reads; only the owner and the core team edit.
    assert not can_edit_personality(world.extended, world.account)
    assert can_edit_personality(world.teammate, world.account)


def test_the_access_helper_spares_the_grant_query_for_people_not_on_the_team(
    enabled, django_assert_num_queries
):
    account = get_account_for_user(enabled.manager, enabled.account.pk)
    with django_assert_num_queries(1):  # only the company switch
        assert not can_see_personality(enabled.manager, account)


def test_leaving_the_team_ends_the_permission_and_rejoining_does_not_revive_it(enabled):
    world = enabled
    PersonalityGrantFactory(membership=world.teammate_membership)

    team_member_remove(actor=world.owner, membership=world.teammate_membership)

    assert not PersonalityGrant.objects.exists()
    TeamMembershipFactory(account=world.account, user=world.teammate, scope=TeamScope.CORE)
    assert not can_see_personality(world.teammate, world.account)


def test_an_inactive_owner_sees_nothing(enabled):
    enabled.owner.is_active = False
    assert not can_see_personality(enabled.owner, enabled.account)


def test_profiles_for_viewer_logs_each_profile_it_hands_out_and_nothing_for_others(enabled):
    world = enabled
    other = StakeholderFactory(account=world.account, last_name="Zeller")
    PersonalityProfileFactory(stakeholder=world.stakeholder)
    PersonalityProfileFactory(stakeholder=other)
    PersonalityProfileFactory(stakeholder=world.other_stakeholder)

    found = profiles_for_viewer(world.owner, world.account, channel="page")
    only_one = profiles_for_viewer(world.owner, world.account, [other], channel="meeting_brief")
    nothing = profiles_for_viewer(world.manager, world.account, channel="page")

    assert set(found) == {world.stakeholder.pk, other.pk}
    assert set(only_one) == {other.pk}
    assert nothing == {}
    logged = sorted(PersonalityView.objects.values_list("stakeholder_id", "channel", "viewer_name"))
    assert logged == sorted(
        [
            (world.stakeholder.pk, "page", "Katrin Amann"),
            (other.pk, "page", "Katrin Amann"),
            (other.pk, "meeting_brief", "Katrin Amann"),
        ]
    )


# Saving a profile -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "teammate"])
def test_the_owner_and_core_members_with_the_permission_record_a_profile(enabled, persona):
    PersonalityGrantFactory(membership=enabled.teammate_membership)

    profile = _save(enabled, persona, observations="  ruhig, genau  ")

    stored = PersonalityProfile.objects.get()
    assert (stored.primary_colour, stored.secondary_colour) == ("red", "orange")
    assert stored.strongest_motives == ["power", "status"]
    assert stored.observations == "ruhig, genau"
    assert profile.version == stored.version == 2  # the empty form carries version 1


def test_the_extended_team_reads_but_may_not_record_even_with_the_permission(enabled):
    PersonalityGrantFactory(membership=enabled.account.team_memberships.get(user=enabled.extended))

    with pytest.raises(PermissionDenied):
        _save(enabled, "extended")
    with pytest.raises(PermissionDenied):
        _save(enabled, "manager")
    assert not PersonalityProfile.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"secondary_colour": "red"}, "secondary_colour"),
        ({"primary_colour": "purple"}, "primary_colour"),
        ({"primary_colour": ""}, "primary_colour"),
        ({"strongest_motives": ["power", "status", "order", "saving"]}, "strongest_motives"),
        ({"strongest_motives": ["power", "power"]}, "strongest_motives"),
        ({"weakest_motives": ["wealth"]}, "weakest_motives"),
        ({"strongest_motives": ["power", "family"], "weakest_motives": ["family"]}, "weakest_motives"),
        ({"assessed_on": date(2999, 1, 1)}, "assessed_on"),
    ],
)
def test_invalid_profiles_are_refused_and_leave_nothing_behind(enabled, values, field):
    with pytest.raises(ValidationError) as error:
        _save(enabled, **values)

    assert field in error.value.message_dict
    assert not PersonalityProfile.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_message_names_the_motive_that_is_strong_and_weak_at_once(enabled):
    with pytest.raises(ValidationError) as error:
        _save(enabled, strongest_motives=["curiosity"], weakest_motives=["curiosity", "eating"])
    assert error.value.message_dict["weakest_motives"] == [
        "A motive cannot be among the strongest and the weakest at once: Curiosity."
    ]


def test_no_profile_is_recorded_for_an_anonymised_stakeholder(enabled):
    from django.utils import timezone

    enabled.stakeholder.anonymised_at = timezone.now()
    enabled.stakeholder.save()

    with pytest.raises(ValidationError):
        _save(enabled)
    assert not PersonalityProfile.objects.exists()


def test_the_audit_entry_names_changed_fields_but_holds_nothing_about_the_person(enabled):
    profile = _save(enabled)
    _save(enabled, version=profile.version, secondary_colour="", weakest_motives=["eating"])

    created, changed = AuditEntry.objects.order_by("pk")
    assert created.action == changed.action == "personality.profile.save"
    assert set(created.changes) == {
        "primary_colour",
        "secondary_colour",
        "strongest_motives",
        "weakest_motives",
        "observations",
        "assessed_on",
    }
    assert changed.changes == {"secondary_colour": ["•••", "•••"], "weakest_motives": ["•••", "•••"]}
    # The values are checked in the changes only: the target names the person, and a random name
    # like "Manfred" contains "red".
    stored = json.dumps([created.changes, changed.changes])
    for content in ("red", "orange", "power", "status", "tranquillity", "eating", "SECRET-42", "2026"):
        assert content not in stored
    assert created.target_repr == changed.target_repr == f"Personality profile of {enabled.stakeholder}"
    assert created.account_id == enabled.account.pk


def test_saving_the_same_values_again_changes_nothing(enabled):
    profile = _save(enabled)
    again = _save(enabled, version=profile.version)

    assert again.version == profile.version
    assert AuditEntry.objects.count() == 1


def test_two_edits_from_the_same_version_the_second_gets_the_conflict(enabled):
    PersonalityGrantFactory(membership=enabled.teammate_membership)
    profile = _save(enabled)

    _save(enabled, "teammate", version=profile.version, primary_colour="blue", secondary_colour="")
    with pytest.raises(EditConflict) as conflict:
        _save(enabled, version=profile.version, observations="Neue Beobachtung")

    assert conflict.value.theirs["primary_colour"] == "blue"
    stored = PersonalityProfile.objects.get()
    assert stored.primary_colour == "blue" and stored.observations == SECRET
    # Saved again on top of the stored version, the owner's change goes through.
    merged = _save(
        enabled, version=stored.version, primary_colour="blue", secondary_colour="", observations="Neu"
    )
    assert merged.observations == "Neu" and merged.version == stored.version + 1


def test_two_people_recording_the_first_profile_at_once_do_not_overwrite_each_other(enabled):
    PersonalityGrantFactory(membership=enabled.teammate_membership)
    _save(enabled, version=1)

    with pytest.raises(EditConflict):
        _save(enabled, "teammate", version=1, primary_colour="green", secondary_colour="")
    assert PersonalityProfile.objects.get().primary_colour == "red"


def test_deleting_a_profile_is_audited_without_content_and_keeps_the_view_log(enabled):
    profile = _save(enabled)
    profiles_for_viewer(enabled.owner, enabled.account, channel="page")

    services.personality_profile_delete(actor=enabled.owner, profile=profile)

    assert not PersonalityProfile.objects.exists()
    entry = AuditEntry.objects.get(action="personality.profile.delete")
    assert entry.changes == {} and "SECRET" not in entry.target_repr
    assert PersonalityView.objects.count() == 1


def test_the_extended_team_may_not_delete(enabled):
    profile = PersonalityProfileFactory(stakeholder=enabled.stakeholder)
    profile.stakeholder = _stakeholder(enabled, "extended")
    with pytest.raises(PermissionDenied):
        services.personality_profile_delete(actor=enabled.extended, profile=profile)
    assert PersonalityProfile.objects.exists()


# The permission ---------------------------------------------------------------------------------


def _membership(world, persona, viewer="owner"):
    membership = world.account.team_memberships.select_related("user").get(user=world.persona(persona))
    membership.account = get_account_for_user(world.persona(viewer), world.account.pk)
    return membership


def test_only_the_owner_grants_and_revokes_and_both_are_audited_with_the_name_only(enabled):
    world = enabled
    PersonalityGrantFactory(membership=world.teammate_membership)
    with pytest.raises(PermissionDenied):
        services.personality_grant_add(
            actor=world.teammate, membership=_membership(world, "extended", "teammate")
        )

    grant = services.personality_grant_add(actor=world.owner, membership=_membership(world, "extended"))
    assert can_see_personality(world.extended, world.account)
    with pytest.raises(ValidationError):
        services.personality_grant_add(actor=world.owner, membership=_membership(world, "extended"))
    services.personality_grant_remove(actor=world.owner, grant=grant)
    assert not can_see_personality(world.extended, world.account)

    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "target_repr", "changes"))
    assert entries == [
        ("personality.grant.add", "Eva Ebert", {}),
        ("personality.grant.remove", "Eva Ebert", {}),
    ]


def test_no_grants_while_profiles_are_switched_off(world):
    with pytest.raises(PermissionDenied):
        services.personality_grant_add(actor=world.owner, membership=_membership(world, "teammate"))

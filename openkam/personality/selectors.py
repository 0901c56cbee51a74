"""Reads of the personality app for its pages and API.

Profiles are read only through ``permissions.profiles_for_viewer`` (which logs every read);
the functions here combine them with the stakeholders, the team and the view log. The caller
has loaded the account with ``permissions.get_account_with_personality``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.stakeholders.models import Stakeholder

from .hints import ProfileHints, hints_for_profile
from .models import PersonalityProfile, PersonalityView
from .permissions import profiles_for_viewer


@dataclass
class ProfileRow:
    """One stakeholder of the account with their profile and its hints (both None without one)."""

    stakeholder: Stakeholder
    profile: PersonalityProfile | None
    hints: ProfileHints | None


def profile_rows_for_viewer(user, account: KeyAccount, *, channel: str) -> list[ProfileRow]:
    """Every stakeholder who is not anonymised, those with a profile first, by name.

    Each profile shown is logged with ``channel``.
    """
    stakeholders = list(
        Stakeholder.objects.filter(account=account, anonymised_at__isnull=True).order_by(
            "last_name", "first_name"
        )
    )
    profiles = profiles_for_viewer(user, account, channel=channel)
    rows = []
    for stakeholder in stakeholders:
        profile = profiles.get(stakeholder.pk)
        if profile is not None:
            profile.stakeholder = stakeholder
        rows.append(ProfileRow(stakeholder, profile, hints_for_profile(profile) if profile else None))
    rows.sort(key=lambda row: row.profile is None)  # stable: keeps the name order within each group
    return rows


def team_with_grants(account: KeyAccount) -> list[TeamMembership]:
    """The account's team members (core first), each with ``personality_grant`` loaded or missing."""
    return list(
        TeamMembership.objects.filter(account=account)
        .select_related("user", "personality_grant", "personality_grant__granted_by")
        .order_by("scope", "user__last_name", "user__first_name")
    )


def grant_of(membership: TeamMembership):
    """The member's ``PersonalityGrant`` or None (a reverse one-to-one raises when missing)."""
    return getattr(membership, "personality_grant", None)


def views_for_account(account: KeyAccount) -> QuerySet[PersonalityView]:
    """The view log of the account, newest first (who saw which profile when, and where)."""
    return (
        PersonalityView.objects.filter(account=account)
        .select_related("stakeholder")
        .order_by("-viewed_at", "-id")
    )

"""Access to personality profiles: the one path every page, API answer, export and brief uses.

A profile is visible only when the company has switched personality profiles on
(``BuyingCenterSettings.personality_enabled``) and the viewer is the account's owner or a member
of its team who holds the personality permission (``PersonalityGrant``). Management and
administrators who are not on the team never see one. Each profile handed out by
``profiles_for_viewer`` is logged in ``PersonalityView``; callers never query
``PersonalityProfile`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.accounts.permissions import can_work_on_account, is_owner
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder

from .models import PersonalityGrant, PersonalityProfile, PersonalityView


def personality_enabled() -> bool:
    return BuyingCenterSettings.current().personality_enabled


def _holds_grant(user, account: KeyAccount) -> bool:
    on_team = TeamMembership.objects.filter(account=account, user=user).exists()
    return on_team and PersonalityGrant.objects.filter(account=account, user=user).exists()


def can_see_personality(user, account: KeyAccount) -> bool:
    """Whether ``user`` may see personality profiles of ``account`` (loaded through its access helper)."""
    if not getattr(user, "is_authenticated", False) or not personality_enabled():
        return False
    return is_owner(user, account) or _holds_grant(user, account)


def can_edit_personality(user, account: KeyAccount) -> bool:
    """Seeing plus the right to work on the account (owner and core team)."""
    return can_see_personality(user, account) and can_work_on_account(user, account)


def require_personality(user, account: KeyAccount) -> None:
    """404 for anyone without the personality permission: a page they may not use does not exist."""
    if not can_see_personality(user, account):
        raise Http404


def profiles_for_viewer(
    user, account: KeyAccount, stakeholders: Iterable[Stakeholder] | None = None, *, channel: str
) -> dict[int, PersonalityProfile]:
    """The profiles ``user`` may see, by stakeholder id, each read logged with ``channel``.

    ``stakeholders`` limits the result (e.g. the participants of a meeting); ``None`` means the
    whole account. Returns ``{}`` — and logs nothing — for a viewer without the permission.
    """
    if not can_see_personality(user, account):
        return {}
    profiles = PersonalityProfile.objects.filter(stakeholder__account=account).select_related("stakeholder")
    if stakeholders is not None:
        profiles = profiles.filter(stakeholder__in=[s.pk for s in stakeholders])
    found = {p.stakeholder_id: p for p in profiles}
    name = user.get_full_name() or user.get_username()
    PersonalityView.objects.bulk_create(
        PersonalityView(account=account, stakeholder_id=sid, viewer=user, viewer_name=name, channel=channel)
        for sid in found
    )
    return found

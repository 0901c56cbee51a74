"""Access to personality profiles: the one path every page, API answer, export and brief uses.

A profile is visible only when the company has switched personality profiles on
(``BuyingCenterSettings.personality_enabled``) and the viewer is the account's owner or a member
of its team who holds the personality permission (``PersonalityGrant``, which hangs from the
team membership). Management and administrators who are not on the team never see one. Each
profile handed out by ``profiles_for_viewer`` is logged in ``PersonalityView``; callers never
query ``PersonalityProfile`` themselves.

Pages and API operations of this app answer 404 to everyone without the permission
(``require_personality``): for them the feature does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404
from django.shortcuts import get_object_or_404

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import (
    can_manage_team,
    can_work_on_account,
    get_account_for_user,
    is_owner,
    require,
)
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder

from .models import PersonalityGrant, PersonalityProfile, PersonalityView


def personality_enabled() -> bool:
    """Whether the company has switched personality profiles on (administrators decide)."""
    return BuyingCenterSettings.current().personality_enabled


def _holds_grant(user, account: KeyAccount) -> bool:
    # Loaded through get_account_for_user, the account knows whether the user is on its team
    # (viewer_scope None: not on it), which spares a query for management and administrators.
    if hasattr(account, "viewer_scope") and account.viewer_scope is None:
        return False
    return PersonalityGrant.objects.filter(membership__account=account, membership__user=user).exists()


def can_see_personality(user, account: KeyAccount) -> bool:
    """Whether ``user`` may see personality profiles of ``account`` (loaded through its access helper)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not personality_enabled():
        return False
    return is_owner(user, account) or _holds_grant(user, account)


def can_edit_personality(user, account: KeyAccount) -> bool:
    """Seeing plus the right to work on the account (owner and core team)."""
    return can_see_personality(user, account) and can_work_on_account(user, account)


def can_grant_personality(user, account: KeyAccount) -> bool:
    """Only the account owner hands out and takes back the personality permission."""
    return can_see_personality(user, account) and can_manage_team(user, account)


def require_personality(user, account: KeyAccount) -> None:
    """404 for anyone without the personality permission: a page they may not use does not exist."""
    if not can_see_personality(user, account):
        raise Http404


def get_account_with_personality(user, account_pk) -> KeyAccount:
    """The account, loaded through its access helper, if ``user`` may see its profiles; else Http404."""
    account = get_account_for_user(user, account_pk)
    require_personality(user, account)
    return account


def get_stakeholder_for_personality(account: KeyAccount, stakeholder_pk) -> Stakeholder:
    """A stakeholder of ``account`` (from ``get_account_with_personality``) who may have a profile.

    Anonymised people answer 404: their profile was deleted with their name and none is recorded
    again.
    """
    stakeholder = get_object_or_404(
        Stakeholder.objects.filter(account=account, anonymised_at__isnull=True), pk=stakeholder_pk
    )
    stakeholder.account = account  # keep the viewer annotations of the access helper
    return stakeholder


def get_profile_for_change(user, account: KeyAccount, stakeholder: Stakeholder) -> PersonalityProfile:
    """The stored profile of ``stakeholder`` for a write that does not show it (e.g. deleting).

    PermissionDenied (403) for readers who may not edit, Http404 when there is no profile. Not
    logged: nothing is shown. Reads that show a profile use ``profiles_for_viewer``.
    """
    require_personality(user, account)
    require(can_edit_personality(user, account))
    profile = get_object_or_404(PersonalityProfile, stakeholder=stakeholder)
    profile.stakeholder = stakeholder
    return profile


def profiles_for_viewer(
    user, account: KeyAccount, stakeholders: Iterable[Stakeholder] | None = None, *, channel: str
) -> dict[int, PersonalityProfile]:
    """The profiles ``user`` may see, by stakeholder id, each read logged with ``channel``.

    ``stakeholders`` limits the result (e.g. the participants of a meeting); ``None`` means the
    whole account. Returns ``{}`` — and logs nothing — for a viewer without the permission.
    ``channel`` should be a ``choices.ViewChannel`` value (the view log names it).
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

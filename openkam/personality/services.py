"""Writes of the personality app: profiles and the personality permission.

Every function refuses to work while the company has personality profiles switched off, checks
the right of ``actor`` again (``actor=None`` is the system, e.g. the demo generator), validates
with ``full_clean`` (ValidationError → form errors / 422) and writes an audit entry in the same
transaction. The audit entries of profiles carry no values: only which fields changed, masked,
and the stakeholder's name as the target. The account timeline shows them (and the grants) only
to viewers with the personality permission.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.core.locking import check_version, save_versioned
from openkam.core.services import apply_changes, audit_record
from openkam.stakeholders.models import Stakeholder

from .models import PersonalityGrant, PersonalityProfile
from .permissions import can_edit_personality, can_grant_personality, personality_enabled

MASKED = PersonalityProfile.CONTENT_FIELDS


def _check(actor, account: KeyAccount, allowed) -> None:
    if not personality_enabled():
        raise PermissionDenied("Personality profiles are switched off.")
    # actor=None is the system (demo generator); people need the permission checked by ``allowed``.
    if actor is not None and not allowed(actor, account):
        raise PermissionDenied


@transaction.atomic
def personality_profile_save(
    *,
    actor,
    stakeholder: Stakeholder,
    version: int | None,
    primary_colour: str,
    secondary_colour: str = "",
    strongest_motives: Sequence[str] = (),
    weakest_motives: Sequence[str] = (),
    observations: str = "",
    assessed_on: date | None = None,
) -> PersonalityProfile:
    """Record or replace the personality profile of ``stakeholder``, edited from ``version``.

    Creates the profile on its first save; a new profile starts at version 1, the version the
    empty form carries, so two people recording the first profile at once do not overwrite each
    other (the second gets ``EditConflict``). ``None`` means last writer wins. Raises
    ValidationError for an invalid combination (see ``PersonalityProfile.clean``) or an
    anonymised stakeholder, PermissionDenied for anyone but the owner and core-team members with
    the permission, and while profiles are switched off.
    """
    account = stakeholder.account
    _check(actor, account, can_edit_personality)
    if stakeholder.anonymised_at is not None:
        raise ValidationError(_("This stakeholder has been anonymised; a profile can no longer be recorded."))
    values = {
        "primary_colour": primary_colour,
        "secondary_colour": secondary_colour or "",
        "strongest_motives": list(strongest_motives),
        "weakest_motives": list(weakest_motives),
        "observations": observations.strip(),
        "assessed_on": assessed_on,
    }
    profile, created = PersonalityProfile.objects.select_for_update().get_or_create(stakeholder=stakeholder)
    profile.stakeholder = stakeholder  # keep the account loaded through the access helper
    check_version(profile, version, values)
    diff = apply_changes(profile, values)
    if not diff and not created:
        return profile
    profile.full_clean()
    save_versioned(profile, expected_version=version, update_fields=list(diff))
    audit_record(
        actor=actor,
        action="personality.profile.save",
        target=profile,
        account_id=account.pk,
        # New profiles name the fields they hold; changes name the fields that changed. Masked
        # either way: the entry says that something changed, never what it says about the person.
        changes={field: new for field, (_old, new) in diff.items()} if created else diff,
        masked=MASKED,
    )
    return profile


@transaction.atomic
def personality_profile_delete(*, actor, profile: PersonalityProfile) -> None:
    """Delete a stakeholder's personality profile (the view log of it stays)."""
    account = profile.stakeholder.account
    _check(actor, account, can_edit_personality)
    audit_record(actor=actor, action="personality.profile.delete", target=profile, account_id=account.pk)
    profile.delete()


@transaction.atomic
def personality_grant_add(*, actor, membership: TeamMembership) -> PersonalityGrant:
    """Give a member of the account team the personality permission (the owner decides).

    Raises ValidationError when the member holds it already, PermissionDenied for anyone but
    the owner and while profiles are switched off.
    """
    account = membership.account
    _check(actor, account, can_grant_personality)
    if PersonalityGrant.objects.filter(membership=membership).exists():
        raise ValidationError(
            {
                "membership": _("%(name)s holds the personality permission already.")
                % {"name": membership.user}
            }
        )
    grant = PersonalityGrant.objects.create(membership=membership, granted_by=actor)
    audit_record(actor=actor, action="personality.grant.add", target=grant, account_id=account.pk)
    return grant


@transaction.atomic
def personality_grant_remove(*, actor, grant: PersonalityGrant) -> None:
    """Take the personality permission back from a team member (the owner decides)."""
    account = grant.membership.account
    _check(actor, account, can_grant_personality)
    audit_record(actor=actor, action="personality.grant.remove", target=grant, account_id=account.pk)
    grant.delete()

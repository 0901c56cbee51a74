"""Writes of the stakeholders app: the people of a buying center and the buying-center settings.

Stakeholder services check the edit right on the account again (``can_edit_stakeholders``: the
owner and the core team; ``actor=None`` is the system, e.g. the demo generator), validate before
saving (ValidationError → form errors / 422), run in one transaction and write an audit entry on
the account timeline in it. Contact details and notes are personal data: the timeline records
that they changed, never their values.

Business rules beyond the field checks:

- a person reports to someone of the same account, never to themselves or to someone who
  (directly or indirectly) reports to them — the org chart stays a forest;
- the relationship owner is a colleague on the account: its owner or a member of its team;
- an anonymised stakeholder (``anonymised_at`` set by ``openkam.privacy``) keeps its place in the
  account's history and can no longer be changed;
- ``last_contact_on`` belongs to the contact log (``openkam.relationships``) and is not changed
  here.

Updates take the ``version`` the editor started from and raise ``EditConflict`` when someone else
saved in between (``openkam.core.locking``); ``None`` means "not known" (last writer wins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_edit_stakeholders
from openkam.core.editing import refuse_unknown, stripped
from openkam.core.locking import check_version, save_versioned
from openkam.core.services import apply_changes, audit_record

from .choices import BuyingRole
from .models import BuyingCenterSettings, Stakeholder
from .permissions import can_manage_buying_center_settings
from .selectors import is_relationship_owner_candidate

FIELDS = (
    "first_name",
    "last_name",
    "function",
    "business_unit",
    "email",
    "phone",
    "hierarchy_level",
    "reports_to",
    "buying_roles",
    "is_coach",
    "attitude",
    "influence",
    "relationship_strength",
    "relationship_owner",
    "notes",
)
#: Personal data that the audit trail records as changed without the values.
MASKED_FIELDS = (*Stakeholder.PERSONAL_FIELDS, "notes")

SETTINGS_FIELDS = (
    "personality_enabled",
    "decision_maker_contact_days",
    "blocker_influence_threshold",
    "blocker_engagement_days",
    "single_thread_share",
    "retention_months",
    "purge_grace_days",
)


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need edit rights on the account.
    if actor is not None and not can_edit_stakeholders(actor, account):
        raise PermissionDenied


def normalised_roles(roles) -> list[str]:
    """Roles in the order of ``BuyingRole``, each once; unknown names stay in for validation.

    Accepts any iterable of strings (a form's list, an API list). Anything else — a single
    string, a number — is handed on unchanged so the model's validator names the mistake.
    """
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        return roles
    roles = list(roles)
    if not all(isinstance(role, str) for role in roles):
        return roles
    order = {role: index for index, role in enumerate(BuyingRole.values)}
    return sorted(set(roles), key=lambda role: (order.get(role, len(order)), role))


def _audit_value(field: str, value: Any) -> Any:
    # A list would be read as an (old, new) pair by the audit trail: store the role codes as
    # text; the timeline labels them in the reader's language.
    if field == "buying_roles" and isinstance(value, list):
        return ", ".join(value)
    return value


def _audit_diff(diff: Mapping[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    return {field: (_audit_value(field, old), _audit_value(field, new)) for field, (old, new) in diff.items()}


def _check_reports_to(stakeholder: Stakeholder) -> None:
    """The boss is on the same account, is not the person and does not report to them.

    Walks up from the boss; a chain that comes back to the person would close a cycle. A chain
    that loops elsewhere (impossible through this service, but data can be imported) ends the walk.
    """
    boss = stakeholder.reports_to
    if boss is None:
        return
    if boss.account_id != stakeholder.account_id:
        raise ValidationError(
            {
                "reports_to": _("%(boss)s belongs to another key account. Choose a person of this account.")
                % {"boss": boss}
            }
        )
    if stakeholder.pk is None:
        return
    if boss.pk == stakeholder.pk:
        raise ValidationError(
            {"reports_to": _("%(name)s cannot report to themselves.") % {"name": stakeholder}}
        )
    bosses = dict(
        Stakeholder.objects.filter(account_id=stakeholder.account_id).values_list("pk", "reports_to_id")
    )
    seen: set[int] = set()
    current: int | None = bosses.get(boss.pk)
    while current is not None and current not in seen:
        if current == stakeholder.pk:
            raise ValidationError(
                {
                    "reports_to": _(
                        "%(name)s cannot report to %(boss)s: %(boss)s already reports to %(name)s, "
                        "directly or through others."
                    )
                    % {"name": stakeholder, "boss": boss}
                }
            )
        seen.add(current)
        current = bosses.get(current)


def _check_relationship_owner(stakeholder: Stakeholder, account: KeyAccount) -> None:
    owner = stakeholder.relationship_owner
    if owner is not None and not is_relationship_owner_candidate(account, owner):
        raise ValidationError(
            {
                "relationship_owner": _(
                    "%(name)s is neither the key account manager nor on the team of this account. "
                    "Add them to the team first or choose a team member."
                )
                % {"name": owner}
            }
        )


def _refuse_anonymised(stakeholder: Stakeholder) -> None:
    if stakeholder.anonymised_at is not None:
        raise ValidationError(
            _(
                "This stakeholder has been anonymised for data protection. The entry stays for the "
                "history of the account and can no longer be changed."
            ),
            code="anonymised",
        )


@transaction.atomic
def stakeholder_create(
    *,
    actor,
    account: KeyAccount,
    first_name: str,
    last_name: str,
    function: str = "",
    business_unit: str = "",
    email: str = "",
    phone: str = "",
    hierarchy_level: str = "",
    reports_to: Stakeholder | None = None,
    buying_roles: Iterable[str] = (),
    is_coach: bool = False,
    attitude: int | None = None,
    influence: int | None = None,
    relationship_strength: int | None = None,
    relationship_owner=None,
    notes: str = "",
) -> Stakeholder:
    """Add a person of the customer to the account's buying center.

    Raises ValidationError for invalid data (a malformed email, an unknown buying role, a boss of
    another account, a relationship owner who is not on the account) and PermissionDenied for
    anyone but the owner and the core team.
    """
    _check(actor, account)
    values = stripped(
        {
            "first_name": first_name,
            "last_name": last_name,
            "function": function,
            "business_unit": business_unit,
            "email": email,
            "phone": phone,
            "hierarchy_level": hierarchy_level,
            "reports_to": reports_to,
            "buying_roles": normalised_roles(buying_roles),
            "is_coach": is_coach,
            "attitude": attitude,
            "influence": influence,
            "relationship_strength": relationship_strength,
            "relationship_owner": relationship_owner,
            "notes": notes,
        }
    )
    stakeholder = Stakeholder(account=account, **values)
    stakeholder.full_clean()
    _check_reports_to(stakeholder)
    _check_relationship_owner(stakeholder, account)
    stakeholder.save()
    audit_record(
        actor=actor,
        action="stakeholder.create",
        target=stakeholder,
        account_id=account.pk,
        changes={
            field: _audit_value(field, getattr(stakeholder, field))
            for field in FIELDS
            if getattr(stakeholder, field) not in (None, "", [], False)
        },
        masked=MASKED_FIELDS,
    )
    return stakeholder


@transaction.atomic
def stakeholder_update(
    *, actor, stakeholder: Stakeholder, version: int | None = None, **values
) -> Stakeholder:
    """Change a stakeholder (fields of ``FIELDS``) edited from ``version``.

    Saving what is stored already changes nothing and is never a conflict. Raises
    ValidationError (also for an anonymised stakeholder), EditConflict and PermissionDenied.
    """
    account = stakeholder.account
    _check(actor, account)
    refuse_unknown(values, FIELDS, "stakeholder")
    # Lock only the stakeholder's row: PostgreSQL cannot lock the nullable side of a join.
    obj = (
        Stakeholder.objects.select_for_update(of=("self",))
        .select_related("reports_to", "relationship_owner")
        .get(pk=stakeholder.pk)
    )
    obj.account = account
    _refuse_anonymised(obj)
    values = stripped(values)
    if "buying_roles" in values:
        values["buying_roles"] = normalised_roles(values["buying_roles"])
    if all(getattr(obj, field) == value for field, value in values.items()):
        return obj
    check_version(obj, version, values)
    old_owner_id = obj.relationship_owner_id
    diff = apply_changes(obj, values)
    obj.full_clean()
    if "reports_to" in diff:
        _check_reports_to(obj)
    # A colleague who left the team may stay the owner until someone chooses another one.
    if obj.relationship_owner_id != old_owner_id:
        _check_relationship_owner(obj, account)
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    audit_record(
        actor=actor,
        action="stakeholder.update",
        target=obj,
        account_id=account.pk,
        changes=_audit_diff(diff),
        masked=MASKED_FIELDS,
    )
    return obj


@transaction.atomic
def stakeholder_delete(*, actor, stakeholder: Stakeholder) -> None:
    """Remove a stakeholder from the buying center; their direct reports then report to nobody.

    The direct reports' version goes up, so a form someone opened on them before meets a conflict
    instead of silently restoring the old boss.
    """
    _check(actor, stakeholder.account)
    Stakeholder.objects.filter(reports_to=stakeholder).update(reports_to=None, version=F("version") + 1)
    audit_record(
        actor=actor,
        action="stakeholder.delete",
        target=stakeholder,
        account_id=stakeholder.account_id,
    )
    stakeholder.delete()


# Buying-center settings -------------------------------------------------------------------------


def personality_profile_count() -> int:
    """How many personality profiles are stored (switching profiles off deletes them all).

    Counts rows without reading any profile, so it is not a view of personal data.
    """
    # openkam.personality builds on this app (its profiles point to stakeholders): imported
    # here so that the import runs one way at load time.
    from openkam.personality.models import PersonalityProfile

    return PersonalityProfile.objects.count()


@transaction.atomic
def buying_center_settings_update(
    *, actor, version: int | None = None, confirm_delete_profiles: bool = False, **values
) -> BuyingCenterSettings:
    """Change the company's buying-center settings (fields of ``SETTINGS_FIELDS``).

    Only administrators (PermissionDenied otherwise; ``actor=None`` is the system). Switching
    personality profiles off deletes every stored profile, so it needs
    ``confirm_delete_profiles=True`` while profiles exist (ValidationError on that name
    otherwise). Audited without an account; raises EditConflict for an outdated ``version``.
    """
    if actor is not None and not can_manage_buying_center_settings(actor):
        raise PermissionDenied
    refuse_unknown(values, SETTINGS_FIELDS, "buying-center settings")
    pk = BuyingCenterSettings.current().pk
    obj = BuyingCenterSettings.objects.select_for_update().get(pk=pk)
    if all(getattr(obj, field) == value for field, value in values.items()):
        return obj
    check_version(obj, version, values)
    diff = apply_changes(obj, values)
    obj.full_clean()
    switching_off = "personality_enabled" in diff and not obj.personality_enabled
    profiles = personality_profile_count() if switching_off else 0
    if profiles and not confirm_delete_profiles:
        raise ValidationError(
            {
                "confirm_delete_profiles": _(
                    "Switching personality profiles off deletes all %(count)s stored profiles. "
                    "Confirm the deletion to save."
                )
                % {"count": profiles}
            }
        )
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    changes: dict[str, Any] = dict(diff)
    if switching_off:
        # Nothing of the feature outlives it: the profiles, the log of who read them (itself
        # personal data about the stakeholders) and the grants go; switching on starts afresh.
        from openkam.personality.models import PersonalityGrant, PersonalityProfile, PersonalityView

        PersonalityProfile.objects.all().delete()
        PersonalityView.objects.all().delete()
        PersonalityGrant.objects.all().delete()
        if profiles:
            changes["personality_profiles_deleted"] = profiles
    audit_record(actor=actor, action="stakeholders.settings.update", target=obj, changes=changes)
    return obj

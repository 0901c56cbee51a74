"""Writes of the stakeholders app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_edit_stakeholders
from openkam.core.services import apply_changes, audit_record

from .models import Stakeholder

FIELDS = ("first_name", "last_name", "function", "business_unit", "email", "phone")


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need edit rights on the account.
    if actor is not None and not can_edit_stakeholders(actor, account):
        raise PermissionDenied


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
) -> Stakeholder:
    """Add a person of the customer to the account's buying center.

    Raises ValidationError for invalid data (e.g. a malformed email) and PermissionDenied for
    anyone but the owner and the core team.
    """
    _check(actor, account)
    stakeholder = Stakeholder(
        account=account,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        function=function.strip(),
        business_unit=business_unit.strip(),
        email=email.strip(),
        phone=phone.strip(),
    )
    stakeholder.full_clean()
    stakeholder.save()
    audit_record(
        actor=actor,
        action="stakeholder.create",
        target=stakeholder,
        account_id=account.pk,
        changes={f: getattr(stakeholder, f) for f in FIELDS if getattr(stakeholder, f)},
        masked=Stakeholder.PERSONAL_FIELDS,
    )
    return stakeholder


@transaction.atomic
def stakeholder_update(*, actor, stakeholder: Stakeholder, **values: str) -> Stakeholder:
    """Change a stakeholder's data; only the fields in ``FIELDS`` are accepted."""
    _check(actor, stakeholder.account)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown stakeholder fields: {sorted(unknown)}")
    diff = apply_changes(stakeholder, {k: v.strip() for k, v in values.items()})
    if diff:
        stakeholder.full_clean()
        stakeholder.save()
        audit_record(
            actor=actor,
            action="stakeholder.update",
            target=stakeholder,
            account_id=stakeholder.account_id,
            changes=diff,
            masked=Stakeholder.PERSONAL_FIELDS,
        )
    return stakeholder


@transaction.atomic
def stakeholder_delete(*, actor, stakeholder: Stakeholder) -> None:
    """Remove a stakeholder from the buying center."""
    _check(actor, stakeholder.account)
    audit_record(
        actor=actor,
        action="stakeholder.delete",
        target=stakeholder,
        account_id=stakeholder.account_id,
    )
    stakeholder.delete()

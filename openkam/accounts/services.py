"""Writes of the accounts app: key accounts and their teams.

Every function validates before saving, runs in one transaction and leaves an audit entry on
the account's timeline. Permission checks are here too, so the UI, the API and commands cannot
disagree about who may change what.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.core.services import apply_changes, audit_record
from openkam.sales.models import Customer
from openkam.users.choices import Role
from openkam.users.models import User

from .choices import AccountStatus, AccountType, InternalRole, TeamScope
from .models import KeyAccount, TeamMembership
from .permissions import can_change_account, can_manage_team


def _check_owner(owner: User) -> None:
    if not owner.is_active or owner.role != Role.KAM:
        raise ValidationError({"owner": _("The owner must be an active key account manager.")})


@transaction.atomic
def account_designate(
    *,
    actor: User | None,
    customer: Customer,
    owner: User,
    account_type: str,
    reason: str,
    designated_since: date,
    status: str = AccountStatus.ACTIVE,
) -> KeyAccount:
    """Make ``customer`` a key account owned by ``owner``.

    Only management, administrators or the system (``actor=None``, demo generator) designate.
    A customer whose designation had ended is designated again: its account (with team,
    stakeholders and history) is reactivated with the new owner, type, reason and date.
    Raises ValidationError when the customer is a key account already, the reason is empty or
    the owner is no active KAM.
    """
    if actor is not None and actor.role not in (Role.MANAGEMENT, Role.ADMIN):
        raise PermissionDenied
    account = KeyAccount.objects.select_for_update().filter(customer=customer).first()
    if account is not None and account.status != AccountStatus.ENDED:
        raise ValidationError({"customer": _("This customer is a key account already.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Every key account needs a reason for its designation.")})
    _check_owner(owner)
    if account is None:
        account = KeyAccount(customer=customer)
    account.owner = owner
    account.account_type = account_type
    account.status = status
    account.reason = reason.strip()
    account.designated_since = designated_since
    account.full_clean(validate_unique=account.pk is None)
    account.save()
    audit_record(
        actor=actor,
        action="account.designate",
        target=account,
        account_id=account.pk,
        changes={"owner": str(owner), "account_type": account_type, "reason": account.reason},
    )
    return account


@transaction.atomic
def account_update(
    *, actor: User, account: KeyAccount, account_type: str, status: str, reason: str
) -> KeyAccount:
    """Change type, status or reason of an account (its owner only)."""
    if not can_change_account(actor, account):
        raise PermissionDenied
    if account_type not in AccountType.values:
        raise ValidationError({"account_type": _("Choose a valid account type.")})
    if status not in AccountStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Every key account needs a reason for its designation.")})
    diff = apply_changes(account, {"account_type": account_type, "status": status, "reason": reason.strip()})
    if diff:
        account.full_clean()
        account.save()
        audit_record(
            actor=actor,
            action="account.update",
            target=account,
            account_id=account.pk,
            changes=diff,
        )
    return account


def _validate_member(account: KeyAccount, user: User, internal_role: str, scope: str) -> None:
    if internal_role not in InternalRole.values:
        raise ValidationError({"internal_role": _("Choose a valid internal role.")})
    if scope not in TeamScope.values:
        raise ValidationError({"scope": _("Choose core or extended team.")})
    if not user.is_active or user.role not in (Role.KAM, Role.MEMBER):
        raise ValidationError(
            {"user": _("Only active key account managers and team members can join a team.")}
        )
    if user.pk == account.owner_id:
        raise ValidationError({"user": _("The key account manager leads the team already.")})


@transaction.atomic
def team_member_add(
    *, actor: User, account: KeyAccount, user: User, internal_role: str, scope: str = TeamScope.CORE
) -> TeamMembership:
    """Add a colleague to the account team (the owning KAM only)."""
    if not can_manage_team(actor, account):
        raise PermissionDenied
    _validate_member(account, user, internal_role, scope)
    if TeamMembership.objects.filter(account=account, user=user).exists():
        raise ValidationError({"user": _("This person is on the team already.")})
    membership = TeamMembership.objects.create(
        account=account, user=user, internal_role=internal_role, scope=scope
    )
    audit_record(
        actor=actor,
        action="team.add",
        target=membership,
        account_id=account.pk,
        changes={"user": str(user), "internal_role": internal_role, "scope": scope},
    )
    return membership


@transaction.atomic
def team_member_update(
    *, actor: User, membership: TeamMembership, internal_role: str, scope: str
) -> TeamMembership:
    """Change a member's internal role or move them between core and extended team."""
    account = membership.account
    if not can_manage_team(actor, account):
        raise PermissionDenied
    _validate_member(account, membership.user, internal_role, scope)
    diff = apply_changes(membership, {"internal_role": internal_role, "scope": scope})
    if diff:
        membership.save()
        audit_record(
            actor=actor,
            action="team.update",
            target=membership,
            account_id=account.pk,
            changes=diff,
        )
    return membership


@transaction.atomic
def team_member_remove(*, actor: User, membership: TeamMembership) -> None:
    """Take a colleague off the account team."""
    account = membership.account
    if not can_manage_team(actor, account):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="team.remove",
        target=membership,
        account_id=account.pk,
        changes={"user": str(membership.user)},
    )
    membership.delete()

"""Access to the designation workflow: proposals, reviews, the policy and a customer's history.

One access path per protected object, as everywhere (docs/permissions.md, docs/designation.md):

- the designation pages exist for management (head of KAM), administrators and KAMs; for team
  members and anyone else they answer 404 (``require_designations``);
- proposals: management and administrators see all, a KAM sees the proposals they made
  (``get_proposal_for_user``); management and KAMs propose; only management decides;
  only the proposer withdraws, while the proposal is open;
- reviews: management and administrators see the reviews of every key account, a KAM those of
  the accounts they own (``get_review_account_for_user``); the owner completes them, because
  the outcome is applied through ``accounts.services.account_update``, which only the owner may
  call;
- the policy: everyone in the area reads it, management and administrators change it;
- the history of a customer: management, administrators and the owner of its key account.

Helpers answer 404 for what the user may not see; ``require`` turns a missing right on a visible
object into 403. The services check the same functions again.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import require
from openkam.sales.models import Customer
from openkam.users.choices import Role

from .models import DesignationProposal

__all__ = [
    "can_change_policy",
    "can_complete_review",
    "can_decide",
    "can_propose",
    "can_see_customer_base",
    "can_see_history",
    "can_withdraw",
    "get_history_customer_for_user",
    "get_proposal_for_user",
    "get_review_account_for_user",
    "proposals_visible_to",
    "require",
    "require_designations",
    "review_accounts_visible_to",
    "uses_designations",
]

_AREA_ROLES = (Role.MANAGEMENT, Role.ADMIN, Role.KAM)
_OVERSIGHT_ROLES = (Role.MANAGEMENT, Role.ADMIN)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def uses_designations(user) -> bool:
    """Whether the designation pages exist for ``user`` (management, administrators, KAMs)."""
    return _active(user) and user.role in _AREA_ROLES


def require_designations(user) -> None:
    """Raise Http404 for people the designation pages do not exist for."""
    if not uses_designations(user):
        raise Http404


def can_see_customer_base(user) -> bool:
    """Management and administrators see every customer and every proposal."""
    return _active(user) and user.role in _OVERSIGHT_ROLES


def proposals_visible_to(user) -> QuerySet[DesignationProposal]:
    """Every proposal ``user`` may read: all for management and administrators, a KAM's own."""
    if can_see_customer_base(user):
        return DesignationProposal.objects.all()
    if uses_designations(user):
        return DesignationProposal.objects.filter(proposed_by=user)
    return DesignationProposal.objects.none()


def get_proposal_for_user(user, pk) -> DesignationProposal:
    """The proposal with customer and people, or Http404 if missing or not visible."""
    require_designations(user)
    return get_object_or_404(
        proposals_visible_to(user).select_related(
            "customer", "proposed_owner", "proposed_by", "decided_by", "key_account"
        ),
        pk=pk,
    )


def can_propose(user) -> bool:
    return _active(user) and user.role in (Role.MANAGEMENT, Role.KAM)


def can_decide(user, proposal: DesignationProposal | None = None) -> bool:
    """Approving and rejecting is the head of KAM's decision; administrators configure, not decide."""
    return _active(user) and user.role == Role.MANAGEMENT


def can_withdraw(user, proposal: DesignationProposal) -> bool:
    return _active(user) and proposal.proposed_by_id == user.pk


def review_accounts_visible_to(user) -> QuerySet[KeyAccount]:
    """The key accounts whose reviews ``user`` may see: all for management and administrators,
    the accounts a KAM owns."""
    if can_see_customer_base(user):
        return KeyAccount.objects.all()
    if uses_designations(user):
        return KeyAccount.objects.filter(owner=user)
    return KeyAccount.objects.none()


def get_review_account_for_user(user, pk) -> KeyAccount:
    """The account (with customer and owner) whose review ``user`` may see, or Http404."""
    require_designations(user)
    return get_object_or_404(review_accounts_visible_to(user).select_related("customer", "owner"), pk=pk)


def can_complete_review(user, account: KeyAccount) -> bool:
    """The owner completes the review: ``account_update`` lets only the owner change type and status."""
    return _active(user) and account.owner_id == user.pk


def can_change_policy(user) -> bool:
    return can_see_customer_base(user)


def can_see_history(user, customer: Customer) -> bool:
    """Management and administrators see every customer's history, a KAM that of their own account."""
    if can_see_customer_base(user):
        return True
    return uses_designations(user) and KeyAccount.objects.filter(customer=customer, owner=user).exists()


def get_history_customer_for_user(user, pk) -> Customer:
    """The customer whose designation history ``user`` may read, or Http404."""
    require_designations(user)
    if can_see_customer_base(user):
        return get_object_or_404(Customer, pk=pk)
    return get_object_or_404(Customer, pk=pk, key_account__owner=user)

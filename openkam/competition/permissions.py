"""Access to requirements, competitors and wallet estimates: always through their account.

The account is loaded with ``get_account_for_user`` (Http404 when the user may not see it); the
object is then looked up among that account's objects, so one of another account answers 404
exactly like one that does not exist. Who may change them: ``can_work_on_account`` (the owner
and the core team); the extended team and management read only.
"""

from django.shortcuts import get_object_or_404

from openkam.accounts.permissions import can_work_on_account, get_account_for_user, require

from .models import Competitor, Requirement, WalletEstimate

__all__ = [
    "can_work_on_account",
    "get_competitor_for_user",
    "get_requirement_for_user",
    "get_wallet_for_user",
    "require",
]


def _child(model, user, account_pk, pk, related: tuple[str, ...] = ()):
    account = get_account_for_user(user, account_pk)
    rows = model.objects.select_related(*related) if related else model.objects.all()
    obj = get_object_or_404(rows, pk=pk, account=account)
    obj.account = account  # keep the viewer annotations of the access helper
    return obj


def get_requirement_for_user(user, account_pk, pk) -> Requirement:
    """The requirement of a visible account, or Http404."""
    return _child(Requirement, user, account_pk, pk, ("competitor",))


def get_competitor_for_user(user, account_pk, pk) -> Competitor:
    """The competitor or partner of a visible account, or Http404."""
    return _child(Competitor, user, account_pk, pk)


def get_wallet_for_user(user, account_pk, pk) -> WalletEstimate:
    """The wallet estimate of a visible account, or Http404."""
    return _child(WalletEstimate, user, account_pk, pk)

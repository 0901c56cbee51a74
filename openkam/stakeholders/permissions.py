"""Access to stakeholders: always through their account's access helper."""

from django.shortcuts import get_object_or_404

from openkam.accounts.permissions import get_account_for_user

from .models import Stakeholder


def get_stakeholder_for_user(user, account_pk, pk) -> Stakeholder:
    """The stakeholder of a visible account, or Http404 (also when it belongs to another account)."""
    account = get_account_for_user(user, account_pk)
    stakeholder = get_object_or_404(Stakeholder, pk=pk, account=account)
    stakeholder.account = account  # keep the viewer annotations of the access helper
    return stakeholder

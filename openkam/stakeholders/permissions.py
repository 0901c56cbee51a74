"""Access to stakeholders and to the buying-center settings.

Stakeholders are always loaded through their account's access helper
(``openkam.accounts.permissions``): a stakeholder of an account the user may not see answers 404,
exactly like one that does not exist. The owner and the core team change them
(``can_edit_stakeholders``). The buying-center settings are company policy: administrators
read and change them, everyone else gets 404.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from openkam.accounts.permissions import can_edit_stakeholders, get_account_for_user, require
from openkam.users.choices import Role

from .models import Stakeholder

__all__ = [
    "can_edit_stakeholders",
    "can_manage_buying_center_settings",
    "get_stakeholder_for_user",
    "require",
    "require_settings_admin",
]


def get_stakeholder_for_user(user, account_pk, pk) -> Stakeholder:
    """The stakeholder of a visible account, or Http404 (also when it belongs to another account)."""
    account = get_account_for_user(user, account_pk)
    stakeholder = get_object_or_404(
        Stakeholder.objects.select_related("reports_to", "relationship_owner"), pk=pk, account=account
    )
    stakeholder.account = account  # keep the viewer annotations of the access helper
    return stakeholder


def can_manage_buying_center_settings(user) -> bool:
    """Active administrators; the settings decide for the whole company (e.g. personality profiles)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def require_settings_admin(user) -> None:
    """404 for everyone but administrators: the page does not exist for them."""
    if not can_manage_buying_center_settings(user):
        raise Http404

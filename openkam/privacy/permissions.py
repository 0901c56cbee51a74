"""Who may do what with the personal data of stakeholders (docs/data-protection.md).

Personal data stays with the account team: the privacy pages exist only for the account's owner
and the members of its team (core and extended). Management and administrators who are not on
the team get 404 although management may otherwise read the account — exactly like an outsider.
Within the team:

- everyone sees the privacy status (who was informed, who is due for deletion);
- the owner and the core team record that a person was informed (``can_record_information``);
- only the owner exports a person's data, anonymises or erases a person and decides about
  retention (``can_manage_privacy``): these are the controller's decisions, taken by the one
  person accountable for the account.

Objects are always loaded through the account (``get_account_for_user``) first.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.accounts.permissions import can_work_on_account, get_account_for_user, is_owner, require
from openkam.stakeholders.models import Stakeholder

from .models import RetentionFlag

__all__ = [
    "can_manage_privacy",
    "can_record_information",
    "can_see_privacy",
    "get_privacy_account",
    "get_privacy_stakeholder",
    "get_retention_flag",
    "require",
]


def _on_team(user, account: KeyAccount) -> bool:
    if hasattr(account, "viewer_scope"):  # loaded through get_account_for_user: None = not on the team
        return account.viewer_scope is not None
    return TeamMembership.objects.filter(account=account, user=user).exists()


def can_see_privacy(user, account: KeyAccount) -> bool:
    """The owner and every member of the account's team."""
    return getattr(user, "is_authenticated", False) and (is_owner(user, account) or _on_team(user, account))


def can_record_information(user, account: KeyAccount) -> bool:
    """The owner and the core team record that a person was informed."""
    return can_see_privacy(user, account) and can_work_on_account(user, account)


def can_manage_privacy(user, account: KeyAccount) -> bool:
    """Export, anonymisation, erasure and retention decisions: the account owner only."""
    return getattr(user, "is_authenticated", False) and is_owner(user, account)


def get_privacy_account(user, account_pk) -> KeyAccount:
    """The account, or Http404 when it is not visible or the user is not on its team."""
    account = get_account_for_user(user, account_pk)
    if not can_see_privacy(user, account):
        raise Http404
    return account


def get_privacy_stakeholder(user, account_pk, pk) -> Stakeholder:
    """A stakeholder of an account whose privacy pages ``user`` may see, or Http404."""
    account = get_privacy_account(user, account_pk)
    stakeholder = get_object_or_404(
        Stakeholder.objects.select_related("reports_to", "relationship_owner"), pk=pk, account=account
    )
    stakeholder.account = account  # keep the viewer annotations of the access helper
    return stakeholder


def get_retention_flag(user, account_pk, stakeholder_pk) -> RetentionFlag:
    """The retention flag of a stakeholder, or Http404 when the person is not flagged."""
    stakeholder = get_privacy_stakeholder(user, account_pk, stakeholder_pk)
    flag = get_object_or_404(RetentionFlag, stakeholder=stakeholder)
    flag.stakeholder = stakeholder
    flag.account = stakeholder.account
    return flag

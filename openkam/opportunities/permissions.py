"""Access to opportunities: always through their account.

The account is loaded with ``get_account_for_user`` (Http404 when the user may not see it); the
opportunity is then looked up among that account's opportunities, so one of another account
answers 404 exactly like one that does not exist.

Who may change them (``can_edit_opportunities``): the account's KAM and *every* member of its
team, core and extended — opportunities are the daily work of the whole selling center, not
only of the core team that maintains the account's analysis. Management reads every account's
opportunities and changes none; administrators see the accounts they are on the team of only.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.accounts.permissions import get_account_for_user, require

from .models import DecisionParticipant, Opportunity

__all__ = [
    "can_edit_opportunities",
    "get_opportunity_for_user",
    "get_participant_for_user",
    "require",
]


def can_edit_opportunities(user, account: KeyAccount) -> bool:
    """Whether ``user`` may create, change, move and delete the account's opportunities.

    Uses the ``viewer_scope`` annotation of ``get_account_for_user`` when the account was loaded
    through it (no query); otherwise asks the team table.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if account.owner_id == user.pk:
        return True
    if hasattr(account, "viewer_scope"):
        return account.viewer_scope is not None
    return TeamMembership.objects.filter(account=account, user_id=user.pk).exists()


def get_opportunity_for_user(user, account_pk, pk) -> Opportunity:
    """The opportunity of a visible account with its owner, cell and goal, or Http404."""
    account = get_account_for_user(user, account_pk)
    opportunity = get_object_or_404(
        Opportunity.objects.select_related(
            "owner", "whitespace_cell", "whitespace_cell__unit", "plan_goal", "plan_goal__plan"
        ),
        pk=pk,
        account=account,
    )
    opportunity.account = account  # keep the viewer annotations of the access helper
    return opportunity


def get_participant_for_user(user, account_pk, opportunity_pk, pk) -> DecisionParticipant:
    """A person of an opportunity's buying center, or Http404."""
    opportunity = get_opportunity_for_user(user, account_pk, opportunity_pk)
    participant = get_object_or_404(
        DecisionParticipant.objects.select_related("stakeholder"), pk=pk, opportunity=opportunity
    )
    participant.opportunity = opportunity
    return participant

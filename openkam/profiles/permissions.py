"""Access to the profile, the market and the SWOT: always through the account's access helper.

Everyone who can see the key account reads them; the owner and the core team change them
(``can_work_on_account``). Entries are loaded through their account, so an entry of another
account answers 404 exactly like one that does not exist.
"""

from django.shortcuts import get_object_or_404

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_work_on_account, get_account_for_user, require

from .models import MarketEntry, ProfileFact, SwotItem

__all__ = [
    "can_edit_profile",
    "get_market_entry_for_user",
    "get_profile_fact_for_user",
    "get_swot_item_for_user",
    "require",
]


def can_edit_profile(user, account: KeyAccount) -> bool:
    """The owner and the core team maintain profile, market and SWOT; everyone else reads them."""
    return can_work_on_account(user, account)


def _entry_for_user(model, user, account_pk, pk):
    account = get_account_for_user(user, account_pk)
    entry = get_object_or_404(model, pk=pk, account=account)
    entry.account = account  # keep the viewer annotations of the access helper
    return entry


def get_profile_fact_for_user(user, account_pk, pk) -> ProfileFact:
    """A profile entry of a visible account, or Http404 (also when it belongs to another account)."""
    return _entry_for_user(ProfileFact, user, account_pk, pk)


def get_market_entry_for_user(user, account_pk, pk) -> MarketEntry:
    """A market entry of a visible account, or Http404."""
    return _entry_for_user(MarketEntry, user, account_pk, pk)


def get_swot_item_for_user(user, account_pk, pk) -> SwotItem:
    """A SWOT item of a visible account, or Http404."""
    return _entry_for_user(SwotItem, user, account_pk, pk)

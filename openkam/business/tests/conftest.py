"""Fixtures of the business tests: the Alpha group with a registered ledger (see ``ledger.py``)."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from openkam.testing.factories import CustomerFactory

from .ledger import alpha_rows, register_ledger


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The ledger aggregates are cached per ledger state; tests start from an empty cache so a
    # test can never pass on figures another test left behind.
    cache.clear()
    yield
    cache.clear()


@dataclass
class Alpha:
    account: object
    subsidiary: object
    other: object


@pytest.fixture
def alpha(world) -> Alpha:
    """The owner's account (Alpha Maschinenbau) with its subsidiary Alpha Polska, and a ledger
    in which they and Beta Antriebe (the other account) bought."""
    subsidiary = CustomerFactory(name="Alpha Polska", parent=world.account.customer, country="PL")
    register_ledger(
        alpha_rows(world.account.customer.number, subsidiary.number, world.other_account.customer.number)
    )
    return Alpha(account=world.account, subsidiary=subsidiary, other=world.other_account.customer)

"""Shared personas and the small world they live in, used across the whole suite.

- ``owner``: the KAM who owns ``account``;
- ``teammate``: core-team member of ``account``; ``extended``: extended-team member;
- ``other_kam``: KAM of ``other_account`` only;
- ``manager``: head of KAM (reads everything, writes nothing);
- ``admin``: administrator (users and configuration, no account data).
"""

from dataclasses import dataclass

import pytest
from django.utils import translation

from openkam.accounts.choices import TeamScope
from openkam.testing.factories import (
    CustomerRevenueFactory,
    KeyAccountFactory,
    StakeholderFactory,
    TeamMembershipFactory,
    UserFactory,
)
from openkam.testing.matrix import PERSONAS
from openkam.users.choices import Role

__all__ = ["PERSONAS", "World", "world"]


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called directly (services, selectors) runs in English unless a test says otherwise.

    Without this the language would be whatever an earlier test left active in the thread (the
    default is German, ``LANGUAGE_CODE``), so a test's result would depend on the order of the run.
    Requests still choose their language themselves (the user's setting, Accept-Language).
    """
    with translation.override("en"):
        yield


@dataclass
class World:
    owner: object
    teammate: object
    extended: object
    other_kam: object
    manager: object
    admin: object
    account: object
    other_account: object
    stakeholder: object
    other_stakeholder: object
    teammate_membership: object

    def persona(self, name: str):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is deliberately slow; the suite creates hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    owner = UserFactory(username="kam", role=Role.KAM, first_name="Katrin", last_name="Amann")
    teammate = UserFactory(username="team", role=Role.MEMBER, first_name="Tom", last_name="Teich")
    extended = UserFactory(username="ext", role=Role.MEMBER, first_name="Eva", last_name="Ebert")
    other_kam = UserFactory(username="otherkam", role=Role.KAM, first_name="Otto", last_name="Ohm")
    manager = UserFactory(username="head", role=Role.MANAGEMENT, first_name="Hanna", last_name="Haupt")
    admin = UserFactory(username="admin", role=Role.ADMIN, first_name="Anton", last_name="Admin")
    account = KeyAccountFactory(owner=owner, customer__name="Alpha Maschinenbau")
    other_account = KeyAccountFactory(owner=other_kam, customer__name="Beta Antriebe")
    CustomerRevenueFactory(customer=account.customer, fiscal_year=2025)
    CustomerRevenueFactory(customer=other_account.customer, fiscal_year=2025)
    membership = TeamMembershipFactory(account=account, user=teammate, scope=TeamScope.CORE)
    TeamMembershipFactory(account=account, user=extended, scope=TeamScope.EXTENDED)
    return World(
        owner=owner,
        teammate=teammate,
        extended=extended,
        other_kam=other_kam,
        manager=manager,
        admin=admin,
        account=account,
        other_account=other_account,
        stakeholder=StakeholderFactory(account=account),
        other_stakeholder=StakeholderFactory(account=other_account),
        teammate_membership=membership,
    )

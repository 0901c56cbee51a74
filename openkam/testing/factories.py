"""Factories for the whole suite (factory_boy + Faker de_DE). Objects are built through the ORM
here because factories describe states; behaviour under test always goes through services."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from openkam.accounts.choices import AccountStatus, AccountType, InternalRole, TeamScope
from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.sales.models import Customer, CustomerRevenue
from openkam.stakeholders.models import Stakeholder
from openkam.users.choices import Role
from openkam.users.models import User

factory.Faker._DEFAULT_LOCALE = "de_DE"

PASSWORD = "Sicheres-Passwort-2026"

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})


def ascii_local_part(name: str) -> str:
    """German names as they appear in e-mail addresses (Jürgen Weiß → juergen.weiss)."""
    folded = name.lower().translate(_FOLD)
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in "-."))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.KAM
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"K{n:06d}")
    name = factory.Faker("company")
    legal_form = "GmbH"
    industry = "Maschinenbau"
    country = "DE"
    city = factory.Faker("city")


class CustomerRevenueFactory(DjangoModelFactory):
    class Meta:
        model = CustomerRevenue

    customer = factory.SubFactory(CustomerFactory)
    fiscal_year = 2025
    revenue = Decimal("1250000.00")
    margin = Decimal("312500.00")
    invoice_lines = 120


class KeyAccountFactory(DjangoModelFactory):
    class Meta:
        model = KeyAccount

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SubFactory(UserFactory, role=Role.KAM)
    account_type = AccountType.EXISTING
    status = AccountStatus.ACTIVE
    reason = "Größter Kunde im Maschinenbau"
    designated_since = date(2024, 1, 1)


class TeamMembershipFactory(DjangoModelFactory):
    class Meta:
        model = TeamMembership

    account = factory.SubFactory(KeyAccountFactory)
    user = factory.SubFactory(UserFactory, role=Role.MEMBER)
    internal_role = InternalRole.INSIDE_SALES
    scope = TeamScope.CORE


class StakeholderFactory(DjangoModelFactory):
    class Meta:
        model = Stakeholder

    account = factory.SubFactory(KeyAccountFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    function = "Einkaufsleiter"
    business_unit = "Einkauf"
    email = factory.LazyAttribute(
        lambda s: f"{ascii_local_part(s.first_name)}.{ascii_local_part(s.last_name)}@kunde.example"
    )
    phone = "+49 711 123456"

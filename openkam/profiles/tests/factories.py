"""Factories of the profiles app (factory_boy + Faker de_DE; the shared ones live in
openkam/testing/factories.py). Objects are built through the ORM because factories describe
states; behaviour under test goes through the services."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from openkam.profiles.choices import FactKind, MarketKind, Quadrant
from openkam.profiles.models import AccountProfile, MarketEntry, ProfileFact, SwotItem
from openkam.testing.factories import KeyAccountFactory


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


class AccountProfileFactory(DjangoModelFactory):
    class Meta:
        model = AccountProfile

    account = factory.SubFactory(KeyAccountFactory)
    strategy = "Wachstum im Servicegeschäft und Ausbau der Werke in Osteuropa"
    strategy_source = "Geschäftsbericht 2025"
    strategy_as_of = factory.LazyFunction(lambda: days_ago(60))


class ProfileFactFactory(DjangoModelFactory):
    class Meta:
        model = ProfileFact

    account = factory.SubFactory(KeyAccountFactory)
    kind = FactKind.KEY_FACT
    title = factory.Sequence(lambda n: f"Eckdatum {n}")
    details = ""
    source = "Geschäftsbericht 2025"
    as_of = factory.LazyFunction(lambda: days_ago(30))


class MarketEntryFactory(DjangoModelFactory):
    class Meta:
        model = MarketEntry

    account = factory.SubFactory(KeyAccountFactory)
    kind = MarketKind.TREND
    title = factory.Sequence(lambda n: f"Trend {n}")
    details = ""
    source = "Branchenstudie VDMA"
    as_of = factory.LazyFunction(lambda: days_ago(30))


class HurdleFactory(MarketEntryFactory):
    kind = MarketKind.HURDLE
    title = factory.Sequence(lambda n: f"Hürde {n}")
    initiative = factory.SubFactory(
        ProfileFactFactory, account=factory.SelfAttribute("..account"), kind=FactKind.STRATEGIC_INITIATIVE
    )
    how_we_help = "Unsere Retrofit-Pakete verkürzen die Umrüstung"


class SwotItemFactory(DjangoModelFactory):
    class Meta:
        model = SwotItem

    account = factory.SubFactory(KeyAccountFactory)
    quadrant = Quadrant.STRENGTH
    text = factory.Sequence(lambda n: f"Stärke {n}")
    position = factory.Sequence(lambda n: n + 1)

"""Factories of the competition app (factory_boy). States only: behaviour goes through services."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from openkam.competition.choices import CompetitorKind, Trend
from openkam.competition.models import Competitor, Requirement, WalletEstimate
from openkam.testing.factories import KeyAccountFactory


class CompetitorFactory(DjangoModelFactory):
    class Meta:
        model = Competitor

    account = factory.SubFactory(KeyAccountFactory)
    name = factory.Sequence(lambda n: f"Hallberg Antriebstechnik {n} GmbH")
    kind = CompetitorKind.COMPETITOR
    supplies = "Getriebemotoren und Frequenzumrichter"
    share_of_wallet = None
    strengths = "Kurze Lieferzeiten ab Lager"
    threats = "Bietet Rahmenvertrag mit Staffelrabatt an"
    trend = Trend.STABLE
    forecast = ""


class RequirementFactory(DjangoModelFactory):
    class Meta:
        model = Requirement

    account = factory.SubFactory(KeyAccountFactory)
    text = factory.Sequence(lambda n: f"Liefertreue bei Abrufaufträgen ({n})")
    importance = 4
    our_performance = 3
    competitor = None
    competitor_performance = None
    notes = ""
    source = ""


class WalletEstimateFactory(DjangoModelFactory):
    class Meta:
        model = WalletEstimate

    account = factory.SubFactory(KeyAccountFactory)
    fiscal_year = 2025
    amount = Decimal("4000000.00")
    notes = "Einkaufsvolumen laut Gespräch mit dem Einkaufsleiter"

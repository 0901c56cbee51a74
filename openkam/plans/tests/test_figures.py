"""Live figures beside the development strategy: from the other apps when they have data, "no
data" when they have none (no ledger, no estimates)."""

from decimal import Decimal

import pytest
from django.utils import translation

from openkam.plans.choices import Element
from openkam.plans.figures import account_figures

pytestmark = pytest.mark.django_db


def test_without_ledger_and_estimates_every_element_shows_no_data(world):
    figures = account_figures(world.account)

    assert set(figures) == {
        Element.FINANCIAL_KPIS,
        Element.PENETRATION,
        Element.RELATIVE_MARKET_SHARE,
        Element.COMPETITOR_FORECAST,
    }
    assert not any(f.available for f in figures.values())
    # The competition app says why the share is missing.
    assert "wallet estimate" in figures[Element.RELATIVE_MARKET_SHARE].note


def test_the_relative_market_share_and_the_forecast_come_from_the_competition_analysis(world):
    competition = pytest.importorskip("openkam.competition.models")
    competition.WalletEstimate.objects.create(
        account=world.account, fiscal_year=2025, amount=Decimal("5000000")
    )
    competition.Competitor.objects.create(
        account=world.account,
        name="Brandt Antriebe",
        kind="competitor",
        share_of_wallet=Decimal("40"),
        trend="growing",
        forecast="Baut ein Servicezentrum in der Nähe",
    )

    with translation.override("en"):
        figures = account_figures(world.account)

    share = {f.label: f.value for f in figures[Element.RELATIVE_MARKET_SHARE].rows}
    # Our revenue 2025 (1,250,000) of the wallet (5,000,000) = 25 %; 25 / 40 = 0.63.
    assert share == {
        "Our share of wallet 2025": "25.0\xa0%",
        "Largest competitor: Brandt Antriebe": "40.0\xa0%",
        "Relative market share": "0.63",
    }
    (forecast,) = figures[Element.COMPETITOR_FORECAST].rows
    assert forecast.label == "Brandt Antriebe"
    assert forecast.value == "Competitor · Growing · 40.0\xa0% – Baut ein Servicezentrum in der Nähe"

"""Share of wallet and relative market share: the computation and the selectors others call."""

from decimal import Decimal

import pytest

from openkam.competition.choices import CompetitorKind, Trend
from openkam.competition.selectors import (
    ShareBasis,
    competitor_forecast,
    competitor_names,
    compute_relative_share,
    main_competitor,
    relative_market_share,
    share_basis,
    share_of_wallet,
)
from openkam.testing.factories import CustomerRevenueFactory

from .factories import CompetitorFactory, WalletEstimateFactory

D = Decimal


def _basis(wallet="1000000", revenue="300000", year=2025):
    return ShareBasis(year, D(wallet), D(revenue))


# The computation (no database) ------------------------------------------------------------------


def test_we_trail_the_largest_competitor():
    result = compute_relative_share(_basis(), [("Hallberg", D("40")), ("Kettwig", D("10"))])

    assert result.our_share == D("30.0")
    assert (result.largest_competitor, result.largest_share) == ("Hallberg", D("40"))
    assert result.relative == D("0.75")
    assert result.reason_missing is None
    assert (result.fiscal_year, result.wallet, result.our_revenue) == (2025, D("1000000"), D("300000"))


def test_we_lead_when_our_share_exceeds_the_largest_competitors():
    result = compute_relative_share(_basis(revenue="450000"), [("Hallberg", D("20")), ("Vellmar", D("15"))])

    assert result.relative == D("2.25")


def test_level_with_the_leader_is_exactly_one():
    assert compute_relative_share(_basis(), [("Hallberg", D("30"))]).relative == D("1.00")


def test_the_ratio_uses_our_unrounded_share():
    # A sixth of the wallet is shown as 16.7 %, but 16.666… / 5 = 3.33 (16.7 / 5 would be 3.34).
    result = compute_relative_share(_basis(wallet="6000000", revenue="1000000"), [("Kettwig", D("5"))])

    assert result.our_share == D("16.7")
    assert result.relative == D("3.33")


def test_ties_for_the_largest_share_go_to_the_first_name_and_unknown_shares_do_not_count():
    result = compute_relative_share(
        _basis(), [("Vellmar", D("25")), ("brunnhuber", D("25")), ("Hallberg", None)]
    )

    assert result.largest_competitor == "brunnhuber"
    assert result.relative == D("1.20")


def test_without_a_competitor_share_there_is_our_share_but_no_ratio():
    result = compute_relative_share(_basis(), [("Hallberg", None)])

    assert result.our_share == D("30.0")
    assert result.relative is None and result.largest_competitor is None
    assert result.reason_missing == "No competitor has an estimated share of wallet yet."


def test_a_largest_share_of_zero_gives_no_ratio():
    result = compute_relative_share(_basis(), [("Hallberg", D("0"))])

    assert result.relative is None
    assert "0 %" in result.reason_missing


def test_without_a_wallet_nothing_but_the_competitors_is_known():
    result = compute_relative_share(share_basis({}, {2025: D("1")}, 2025), [("Hallberg", D("40"))])

    assert result.our_share is None and result.relative is None and result.fiscal_year is None
    assert result.largest_competitor == "Hallberg"
    assert result.reason_missing.startswith("No wallet estimate yet")


def test_the_latest_wallet_year_the_ledger_covers_is_used():
    wallets = {2023: D("900000"), 2024: D("1000000"), 2026: D("1200000")}

    basis = share_basis(wallets, {2024: D("250000"), 2025: D("280000")}, ledger_until=2025)

    assert (basis.fiscal_year, basis.wallet, basis.our_revenue) == (2024, D("1000000"), D("250000"))
    assert basis.our_share == D(25)


def test_a_wallet_beyond_the_ledger_says_which_year_is_missing():
    basis = share_basis({2026: D("1200000")}, {2025: D("1")}, ledger_until=2025)

    assert basis.our_share is None
    assert basis.reason_missing == "The sales ledger has no revenue for fiscal year 2026 yet."


def test_a_covered_year_without_revenue_is_a_share_of_zero():
    basis = share_basis({2025: D("1000000")}, {}, ledger_until=2025)

    result = compute_relative_share(basis, [("Hallberg", D("50"))])

    assert (result.our_share, result.relative) == (D("0.0"), D("0.00"))


def test_credit_notes_outweighing_invoices_count_as_no_revenue():
    assert ShareBasis(2025, D("1000000"), D("-5000")).our_share == 0


# The selectors, on the database -----------------------------------------------------------------


@pytest.fixture
def account(world):
    # The world's account made 1,250,000 € in 2025 (the latest fiscal year of its ledger).
    return world.account


def test_relative_market_share_reads_the_ledger_the_wallet_and_the_competitors(account):
    CustomerRevenueFactory(customer=account.customer, fiscal_year=2024, revenue=D("1000000"))
    WalletEstimateFactory(account=account, fiscal_year=2024, amount=D("3000000"))
    WalletEstimateFactory(account=account, fiscal_year=2025, amount=D("5000000"))
    CompetitorFactory(account=account, name="Hallberg Antriebstechnik GmbH", share_of_wallet=D("40"))
    CompetitorFactory(account=account, name="Kettwig Elektromotoren GmbH", share_of_wallet=D("12.5"))
    # A partner with a larger share is no competitor.
    CompetitorFactory(
        account=account,
        name="Fehrmann Schaltanlagenbau",
        kind=CompetitorKind.PARTNER,
        share_of_wallet=D("45"),
    )

    result = relative_market_share(account)

    assert result.fiscal_year == 2025
    assert result.our_revenue == D("1250000.00")
    assert result.our_share == D("25.0")
    assert (result.largest_competitor, result.largest_share) == ("Hallberg Antriebstechnik GmbH", D("40.0"))
    assert result.relative == D("0.63")
    assert share_of_wallet(account) == D("25.0")


def test_share_of_wallet_is_none_without_an_estimate(account, world):
    WalletEstimateFactory(account=world.other_account, fiscal_year=2025)

    assert share_of_wallet(account) is None
    assert relative_market_share(account).reason_missing.startswith("No wallet estimate")


def test_competitor_names_are_the_competitors_of_this_account_alphabetically(account, world):
    CompetitorFactory(account=account, name="vellmar Drives SE")
    CompetitorFactory(account=account, name="Brunnhuber Getriebewerke AG")
    CompetitorFactory(account=account, name="Lindqvist Systemintegration", kind=CompetitorKind.PARTNER)
    CompetitorFactory(account=world.other_account, name="Andere GmbH")

    assert competitor_names(account) == ["Brunnhuber Getriebewerke AG", "vellmar Drives SE"]


def test_the_forecast_lists_competitors_by_share_then_partners(account):
    CompetitorFactory(account=account, name="Kettwig", share_of_wallet=None, trend="")
    CompetitorFactory(
        account=account, name="Hallberg", share_of_wallet=D("30"), trend=Trend.GROWING, forecast="Neues Werk"
    )
    CompetitorFactory(account=account, name="Brunnhuber", share_of_wallet=D("12"), trend=Trend.DECLINING)
    CompetitorFactory(account=account, name="Fehrmann", kind=CompetitorKind.PARTNER, trend=Trend.STABLE)

    rows = competitor_forecast(account)

    assert [(r.name, r.kind, r.trend_label) for r in rows] == [
        ("Hallberg", "competitor", "Growing"),
        ("Brunnhuber", "competitor", "Declining"),
        ("Kettwig", "competitor", ""),
        ("Fehrmann", "partner", "Stable"),
    ]
    assert rows[0].forecast == "Neues Werk" and rows[0].share_of_wallet == D("30.0")
    assert rows[3].kind_label == "Partner"


def test_the_main_competitor_is_the_one_with_the_largest_share(account):
    unknown = CompetitorFactory(account=account, name="Arnold", share_of_wallet=None)
    CompetitorFactory(account=account, name="Zeller", kind=CompetitorKind.PARTNER, share_of_wallet=D("60"))
    assert main_competitor(account.competitors_and_partners.all()) == unknown  # nobody has a share yet
    largest = CompetitorFactory(account=account, name="Hallberg", share_of_wallet=D("35"))
    CompetitorFactory(account=account, name="Brunnhuber", share_of_wallet=D("20"))

    assert main_competitor(account.competitors_and_partners.all()) == largest
    assert main_competitor([]) is None

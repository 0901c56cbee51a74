"""The requirements, competitors and wallets of the demo company."""

from decimal import Decimal

import pytest

from openkam.accounts.models import KeyAccount
from openkam.competition.demo import COMPETITORS, seed_competition
from openkam.competition.models import Competitor, Requirement, WalletEstimate
from openkam.competition.selectors import overview_for_account, relative_market_share
from openkam.core.models import AuditEntry
from openkam.demo.generator import DemoSpec, generate_company
from openkam.testing.factories import CustomerRevenueFactory, KeyAccountFactory

pytestmark = pytest.mark.django_db

SMALL = DemoSpec(customers=300, lines=20_000, accounts=8, chunk_rows=4_000)


def test_the_accounts_cycle_through_four_states_and_a_second_call_changes_nothing(world):
    for _ in range(2):
        account = KeyAccountFactory()
        CustomerRevenueFactory(customer=account.customer, fiscal_year=2025, revenue=Decimal("800000"))
    accounts = list(KeyAccount.objects.order_by("pk"))

    result = seed_competition()

    assert (result.accounts, result.wallets, result.partners) == (3, 2, 2)
    assert result.requirements == 7 + 7 + 5
    first, leader, unmeasured, untouched = (relative_market_share(a) for a in accounts)
    assert first.relative < 1 and first.largest_competitor == COMPETITORS[0].name
    assert leader.relative > 1 and leader.largest_competitor == COMPETITORS[1].name
    assert unmeasured.relative is None and unmeasured.reason_missing.startswith("No wallet estimate")
    assert untouched.largest_competitor is None
    assert not Requirement.objects.filter(account=accounts[3]).exists()
    overview = overview_for_account(accounts[0])
    # Requirements in three quadrants at least; the second one is compared with a named competitor.
    assert sum(1 for count in overview.quadrant_counts.values() if count) >= 3
    assert (
        sum(
            row.compared_with_main is False and row.compared_with is not None for row in overview.requirements
        )
        == 1
    )
    # Written through the services, as the owners and their core team.
    actors = set(AuditEntry.objects.filter(account_id=accounts[0].pk).values_list("actor", flat=True))
    assert actors == {world.owner.pk, world.teammate.pk}

    counts = (Requirement.objects.count(), Competitor.objects.count(), WalletEstimate.objects.count())
    assert seed_competition() == type(result)()
    assert (Requirement.objects.count(), Competitor.objects.count(), WalletEstimate.objects.count()) == counts


def test_the_demo_company_gets_plausible_shares(tmp_path):
    # generate_company seeds this app itself (openkam.demo.generator).
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")

    accounts = list(KeyAccount.objects.order_by("pk"))
    analysed = {a.pk for a in accounts if Requirement.objects.filter(account=a).exists()}
    assert analysed == {a.pk for index, a in enumerate(accounts) if index % 4 != 3}
    for index, account in enumerate(accounts):
        overview = overview_for_account(account)
        assert not overview.overbooked
        if index % 4 in (0, 1):
            assert len(overview.wallets) == 2
            assert (overview.shares.relative > 1) is (index % 4 == 1)
    assert seed_competition() == type(seed_competition())()

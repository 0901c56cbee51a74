"""The profiles of the demo company's key accounts."""

import pytest

from openkam.core.models import AuditEntry
from openkam.profiles.demo import seed_profiles
from openkam.profiles.models import AccountProfile, MarketEntry, ProfileFact, SwotItem
from openkam.profiles.selectors import profile_summary, stale_fact_count
from openkam.testing.factories import CustomerRevenueFactory, KeyAccountFactory

pytestmark = pytest.mark.django_db

INDUSTRIES = [
    "Maschinenbau",
    "Verpackungsmaschinen",
    "Windenergie",
    "Automobilzulieferer",
    "Bahntechnik",
    "Holzbearbeitung",
]


def _snapshot() -> list[tuple]:
    return sorted(
        [
            ("fact", f.account.customer.number, f.kind, f.title, f.source, f.as_of)
            for f in ProfileFact.objects.all()
        ]
        + [
            ("market", e.account.customer.number, e.kind, e.title, e.how_we_help, e.as_of)
            for e in MarketEntry.objects.all()
        ]
        + [
            ("swot", i.account.customer.number, i.quadrant, i.text, i.position, None)
            for i in SwotItem.objects.all()
        ],
        key=str,
    )


@pytest.fixture
def accounts(world):
    made = [world.account, world.other_account]
    for industry in INDUSTRIES:
        account = KeyAccountFactory(customer__industry=industry, customer__city="Ulm")
        CustomerRevenueFactory(customer=account.customer, fiscal_year=2025)
        made.append(account)
    return made


def test_every_key_account_gets_a_profile_in_one_of_three_states(accounts):
    result = seed_profiles()

    assert result.facts == ProfileFact.objects.count() > 0
    assert result.market_entries == MarketEntry.objects.count() > 0
    assert result.swot_items == SwotItem.objects.count() > 0
    for account in accounts:
        assert SwotItem.objects.filter(account=account).exists()
        assert ProfileFact.objects.filter(account=account, kind="strategic_initiative").exists()
    complete, partial, sparse = accounts[0], accounts[1], accounts[2]
    assert stale_fact_count(complete) == 1  # one key fact is more than a year old
    assert AccountProfile.objects.get(account=complete).size_as_of is not None
    assert len(profile_summary(complete).strategic_initiatives) == 3
    assert all(h.how_we_help for i in profile_summary(complete).strategic_initiatives for h in i.hurdles)
    assert stale_fact_count(partial) >= 4
    assert not AccountProfile.objects.filter(account=sparse).exists()
    assert stale_fact_count(sparse) == ProfileFact.objects.filter(account=sparse).count() + 1
    # Wind energy gets the energy theme, an unknown industry the machinery one.
    wind = accounts[2 + INDUSTRIES.index("Windenergie")]
    assert ProfileFact.objects.filter(account=wind, title__contains="Kapazitätsausbau").exists()
    # Written by the owners, so the timeline shows who recorded what.
    assert AuditEntry.objects.filter(account_id=complete.pk, actor=complete.owner).count() > 10


def test_seeding_is_deterministic_and_does_nothing_twice(accounts):
    seed_profiles()
    first = _snapshot()
    entries = AuditEntry.objects.count()

    again = seed_profiles()

    assert (again.profiles, again.facts, again.market_entries, again.swot_items) == (0, 0, 0, 0)
    assert AuditEntry.objects.count() == entries
    MarketEntry.objects.all().delete()
    ProfileFact.objects.all().delete()
    SwotItem.objects.all().delete()
    AccountProfile.objects.all().delete()
    seed_profiles()
    assert _snapshot() == first

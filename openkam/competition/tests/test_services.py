"""The writes of the competition app: permissions, validation, audit trail and optimistic locking."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from openkam.accounts.permissions import get_account_for_user
from openkam.competition import services
from openkam.competition.choices import CompetitorKind, Trend
from openkam.competition.models import Competitor, Requirement, WalletEstimate
from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.core.selectors import timeline_for_account
from openkam.core.templatetags.openkam import action_label
from openkam.sales.models import CustomerRevenue

from .factories import CompetitorFactory, RequirementFactory, WalletEstimateFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English; one test switches to German on purpose.
    with translation.override("en"):
        yield


def _account(world, persona="owner"):
    """The account as a persona's request loads it (with the viewer's team scope)."""
    return get_account_for_user(world.persona(persona), world.account.pk)


def _requirement(world, persona="owner", **values):
    data = {"text": "Liefertreue bei Abrufaufträgen", "importance": 5, "our_performance": 2} | values
    return services.requirement_create(actor=world.persona(persona), account=_account(world, persona), **data)


# Permissions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "teammate"])
def test_the_owner_and_the_core_team_record_requirements(world, persona):
    requirement = _requirement(world, persona, competitor_performance=4, notes="  laut Einkauf  ")

    assert requirement.account == world.account
    assert requirement.notes == "laut Einkauf"
    assert Requirement.objects.get().competitor_performance == 4


@pytest.mark.parametrize("persona", ["extended", "manager"])
def test_readers_may_not_change_anything(world, persona):
    account = _account(world, persona)
    requirement = RequirementFactory(account=world.account)
    competitor = CompetitorFactory(account=world.account)
    wallet = WalletEstimateFactory(account=world.account)
    actor = world.persona(persona)
    requirement.account = competitor.account = wallet.account = account

    attempts = [
        lambda: services.requirement_create(
            actor=actor, account=account, text="x", importance=3, our_performance=3
        ),
        lambda: services.requirement_update(actor=actor, requirement=requirement, importance=1),
        lambda: services.requirement_delete(actor=actor, requirement=requirement),
        lambda: services.competitor_create(actor=actor, account=account, name="Kettwig"),
        lambda: services.competitor_update(actor=actor, competitor=competitor, name="Neu"),
        lambda: services.competitor_delete(actor=actor, competitor=competitor),
        lambda: services.wallet_create(actor=actor, account=account, fiscal_year=2024, amount=D("9000000")),
        lambda: services.wallet_update(actor=actor, wallet=wallet, amount=D("9000000")),
        lambda: services.wallet_delete(actor=actor, wallet=wallet),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    assert not AuditEntry.objects.filter(action__startswith="competition.").exists()
    assert Requirement.objects.count() == Competitor.objects.count() == WalletEstimate.objects.count() == 1


def test_the_system_may_write_without_a_person(world):
    competitor = services.competitor_create(
        actor=None, account=world.account, name="Hallberg Antriebstechnik"
    )

    entry = AuditEntry.objects.get(action="competition.competitor.create")
    assert entry.actor is None and entry.target_id == str(competitor.pk)


# Validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("importance", 0), ("importance", 6), ("our_performance", 7), ("competitor_performance", 0)],
)
def test_ratings_must_be_on_the_scale_of_one_to_five(world, field, value):
    with pytest.raises(ValidationError) as error:
        _requirement(world, **{field: value})

    assert field in error.value.message_dict
    assert not Requirement.objects.exists()


def test_an_update_off_the_scale_is_refused_and_nothing_changes(world):
    requirement = _requirement(world)

    with pytest.raises(ValidationError) as error:
        services.requirement_update(actor=world.owner, requirement=requirement, our_performance=6)

    assert "our_performance" in error.value.message_dict
    assert Requirement.objects.get().our_performance == 2


def test_a_requirement_is_compared_with_a_competitor_of_the_same_account(world):
    foreign = CompetitorFactory(account=world.other_account)
    partner = CompetitorFactory(account=world.account, kind=CompetitorKind.PARTNER)

    with pytest.raises(ValidationError, match="competitor of this account"):
        _requirement(world, competitor=foreign)
    with pytest.raises(ValidationError, match="not with a partner"):
        _requirement(world, competitor=partner)


def test_names_of_competitors_are_unique_per_account_whatever_their_case(world):
    CompetitorFactory(account=world.account, name="Hallberg Antriebstechnik GmbH")
    CompetitorFactory(account=world.other_account, name="Kettwig Elektromotoren GmbH")

    with pytest.raises(ValidationError) as error:
        services.competitor_create(
            actor=world.owner, account=world.account, name=" hallberg antriebstechnik gmbh "
        )

    assert "name" in error.value.message_dict
    # Another account may list the same supplier.
    services.competitor_create(actor=world.owner, account=world.account, name="Kettwig Elektromotoren GmbH")


def test_a_compared_competitor_cannot_become_a_partner(world):
    competitor = CompetitorFactory(account=world.account)
    _requirement(world, competitor=competitor)

    with pytest.raises(ValidationError) as error:
        services.competitor_update(actor=world.owner, competitor=competitor, kind=CompetitorKind.PARTNER)

    assert "kind" in error.value.message_dict


def test_removing_a_competitor_compares_its_requirements_with_the_main_competitor(world):
    competitor = CompetitorFactory(account=world.account)
    requirement = _requirement(world, competitor=competitor, competitor_performance=4)

    services.competitor_delete(actor=world.owner, competitor=competitor)

    requirement.refresh_from_db()
    assert requirement.competitor is None and requirement.competitor_performance == 4


# Shares within 100 % ----------------------------------------------------------------------------


@pytest.fixture
def wallet(world):
    # 1,250,000 € revenue in 2025 against a wallet of 2,500,000 €: our share is 50 %.
    return WalletEstimateFactory(account=world.account, fiscal_year=2025, amount=D("2500000"))


def test_competitor_shares_and_ours_may_not_exceed_100_percent(world, wallet):
    CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("30"))

    with pytest.raises(ValidationError) as error:
        services.competitor_create(
            actor=world.owner, account=world.account, name="Kettwig", share_of_wallet=D("25")
        )

    assert error.value.message_dict["share_of_wallet"] == [
        "The estimated shares would add up to 105.0 %: our own 50.0 % (revenue of €1,250,000 in fiscal year "
        "2025 against a wallet of €2,500,000) and 55.0 % for competitors and partners. Together they cannot "
        "exceed 100 %."
    ]
    services.competitor_create(
        actor=world.owner, account=world.account, name="Kettwig", share_of_wallet=D("20")
    )
    assert Competitor.objects.filter(account=world.account).count() == 2


def test_the_message_names_the_numbers_the_way_the_language_writes_them(world, wallet):
    CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("45.5"))

    with translation.override("de"), pytest.raises(ValidationError) as error:
        services.competitor_create(
            actor=world.owner, account=world.account, name="Kettwig", share_of_wallet=D("10")
        )

    message = error.value.message_dict["share_of_wallet"][0]
    assert "105,5" in message and "1.250.000\xa0€" in message and "55,5" in message


def test_without_a_wallet_only_the_estimates_count(world):
    CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("70"))

    with pytest.raises(ValidationError, match=r"competitors and partners would add up to 110\.0 %"):
        services.competitor_create(
            actor=world.owner,
            account=world.account,
            name="Lindqvist",
            kind=CompetitorKind.PARTNER,
            share_of_wallet=D("40"),
        )


def test_a_wallet_that_makes_our_share_too_large_is_refused(world):
    CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("60"))

    with pytest.raises(ValidationError) as error:
        services.wallet_create(
            actor=world.owner, account=world.account, fiscal_year=2025, amount=D("2000000")
        )

    assert "62.5 %" in error.value.message_dict["amount"][0]
    services.wallet_create(actor=world.owner, account=world.account, fiscal_year=2025, amount=D("4000000"))


def test_a_wallet_below_our_own_revenue_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.wallet_create(
            actor=world.owner, account=world.account, fiscal_year=2025, amount=D("1000000")
        )

    assert error.value.message_dict["amount"] == [
        "Our own revenue in fiscal year 2025 was €1,250,000, more than this estimate of €1,000,000. The "
        "customer's spend in our categories includes what it buys from us."
    ]


def test_a_wallet_for_a_year_the_ledger_does_not_reach_is_not_compared_with_revenue(world):
    CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("90"))

    wallet = services.wallet_create(
        actor=world.owner, account=world.account, fiscal_year=2026, amount=D("100000")
    )

    assert wallet.pk is not None


def test_one_wallet_estimate_per_fiscal_year(world, wallet):
    with pytest.raises(ValidationError) as error:
        services.wallet_create(
            actor=world.owner, account=world.account, fiscal_year=2025, amount=D("9000000")
        )

    assert "fiscal_year" in error.value.message_dict


def test_an_overbooked_account_may_lower_an_estimate_but_not_raise_one(world, wallet):
    hallberg = CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("45"))
    kettwig = CompetitorFactory(account=world.account, name="Kettwig", share_of_wallet=D("20"))
    # A ledger import raised our revenue: 60 % ours + 65 % estimated = 125 %.
    CustomerRevenue.objects.filter(customer=world.account.customer, fiscal_year=2025).update(
        revenue=D("1500000")
    )

    services.competitor_update(actor=world.owner, competitor=hallberg, share_of_wallet=D("35"))
    with pytest.raises(ValidationError, match=r"120\.0 %"):
        services.competitor_update(actor=world.owner, competitor=kettwig, share_of_wallet=D("25"))
    # Changing something else than the share is not blocked by the old estimates.
    services.competitor_update(actor=world.owner, competitor=kettwig, strengths="Günstig")


# Audit trail ------------------------------------------------------------------------------------


def test_every_change_appears_on_the_account_timeline_with_its_label(world):
    competitor = services.competitor_create(
        actor=world.owner,
        account=world.account,
        name="Hallberg",
        share_of_wallet=D("30"),
        trend=Trend.GROWING,
    )
    requirement = _requirement(world, "teammate", competitor=competitor)
    services.requirement_update(
        actor=world.teammate, requirement=requirement, version=requirement.version, our_performance=4
    )
    wallet = services.wallet_create(
        actor=world.owner, account=world.account, fiscal_year=2025, amount=D("4000000")
    )
    services.wallet_delete(actor=world.owner, wallet=wallet)

    entries = list(timeline_for_account(world.account.pk))

    assert [e.action for e in entries] == [
        "competition.wallet.delete",
        "competition.wallet.create",
        "competition.requirement.update",
        "competition.requirement.create",
        "competition.competitor.create",
    ]
    update = entries[2]
    assert update.actor == world.teammate
    assert update.changes == {"our_performance": [2, 4]}
    assert entries[3].changes["competitor"] == "Hallberg"
    assert entries[4].changes["share_of_wallet"] == "30"
    assert entries[1].target_repr == "2025"
    assert action_label("competition.requirement.update") == "changed a customer requirement"


def test_saving_unchanged_values_writes_nothing(world):
    requirement = _requirement(world)

    services.requirement_update(
        actor=world.owner,
        requirement=requirement,
        version=requirement.version,
        importance=5,
        text=" Liefertreue bei Abrufaufträgen ",
    )

    assert not AuditEntry.objects.filter(action="competition.requirement.update").exists()
    assert Requirement.objects.get().version == 1


# Optimistic locking -----------------------------------------------------------------------------


def test_the_second_of_two_edits_from_the_same_version_is_told_and_can_save_on_top(world):
    requirement = _requirement(world, competitor_performance=3)
    read = requirement.version

    services.requirement_update(actor=world.owner, requirement=requirement, version=read, our_performance=4)
    with pytest.raises(EditConflict) as conflict:
        services.requirement_update(
            actor=world.teammate,
            requirement=_requirement_for(world, requirement),
            version=read,
            our_performance=3,
            notes="Neu",
        )

    assert conflict.value.current.version == read + 1
    # What is stored now for every field the second editor sent differently (core.locking).
    assert conflict.value.theirs == {"our_performance": 4, "notes": ""}
    stored = Requirement.objects.get()
    assert (stored.our_performance, stored.notes) == (4, "")

    services.requirement_update(
        actor=world.teammate, requirement=stored, version=conflict.value.current.version, notes="Neu"
    )
    stored.refresh_from_db()
    assert (stored.our_performance, stored.notes, stored.version) == (4, "Neu", read + 2)


def _requirement_for(world, requirement):
    requirement.account = _account(world, "teammate")
    return requirement


@pytest.mark.parametrize("kind", ["competitor", "wallet"])
def test_competitors_and_wallets_are_locked_too(world, kind):
    if kind == "competitor":
        obj = CompetitorFactory(account=world.account, name="Hallberg")
        update, key, first, second = (
            services.competitor_update,
            "competitor",
            {"name": "Hallberg AG"},
            {"name": "Hallberg SE"},
        )
    else:
        obj = WalletEstimateFactory(account=world.account, fiscal_year=2025, amount=D("4000000"))
        update, key, first, second = (
            services.wallet_update,
            "wallet",
            {"amount": D("4100000")},
            {"amount": D("4200000")},
        )
    obj.account = _account(world)

    update(actor=world.owner, version=1, **{key: obj}, **first)
    with pytest.raises(EditConflict):
        update(actor=world.owner, version=1, **{key: obj}, **second)
    update(actor=world.owner, version=2, **{key: obj}, **second)

    obj.refresh_from_db()
    assert obj.version == 3
    assert getattr(obj, next(iter(second))) == next(iter(second.values()))

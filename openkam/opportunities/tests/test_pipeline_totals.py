"""The pipeline's sums: totals, column sums and the forecast, computed in the database."""

from datetime import date
from decimal import Decimal

import pytest

from openkam.accounts.choices import TeamScope
from openkam.opportunities.choices import CloseReason, Stage
from openkam.opportunities.permissions import can_edit_opportunities
from openkam.opportunities.pipeline import (
    ClosedPeriod,
    Period,
    PipelineFilter,
    Status,
    closed_period_range,
    editable_account_ids,
    forecast,
    forecast_periods,
    opportunities_for_pipeline,
    opportunities_visible_to,
    pipeline_totals,
    sort_opportunities,
    stage_sums,
    weighted,
)
from openkam.opportunities.rules import weighted_value
from openkam.testing.factories import KeyAccountFactory, TeamMembershipFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 15)


def _won(account, value, closed_on, **extra):
    return OpportunityFactory(
        account=account,
        stage=Stage.WON,
        value=Decimal(value),
        closed_on=closed_on,
        close_reason=CloseReason.RELATIONSHIP,
        **extra,
    )


def _lost(account, value, closed_on, **extra):
    return OpportunityFactory(
        account=account,
        stage=Stage.LOST,
        value=Decimal(value),
        closed_on=closed_on,
        close_reason=CloseReason.PRICE,
        **extra,
    )


def test_totals_sum_open_weighted_won_and_lost_with_exact_cents(world):
    account = world.account
    OpportunityFactory(account=account, value=Decimal("1000.10"), stage=Stage.IDENTIFIED, probability=10)
    OpportunityFactory(account=account, value=Decimal("333.33"), stage=Stage.PROPOSAL, probability=25)
    _won(account, "5000.00", date(2026, 4, 2))
    _won(account, "700.00", date(2025, 12, 1))
    _lost(account, "2500.00", date(2026, 4, 20))

    totals = pipeline_totals(account.opportunities.all())

    assert totals.open_count == 2
    assert totals.open_value == Decimal("1333.43")
    # 1000.10 × 10 % + 333.33 × 25 % = 100.01 + 83.3325 → 183.34 (summed before rounding)
    assert totals.weighted_value == Decimal("183.34")
    assert totals.won_count == 2 and totals.won_value == Decimal("5700.00")
    assert totals.lost_count == 1 and totals.lost_value == Decimal("2500.00")
    assert totals.win_rate == Decimal("66.7")
    assert totals.win_rate_by_value == Decimal("69.5")  # 5700 / 8200


def test_totals_count_closed_opportunities_of_the_period_only(world):
    account = world.account
    OpportunityFactory(account=account, value=Decimal("100.00"))
    _won(account, "5000.00", date(2026, 4, 2))
    _won(account, "700.00", date(2025, 12, 1))
    _lost(account, "2500.00", date(2026, 6, 30))

    totals = pipeline_totals(
        account.opportunities.all(), closed_from=date(2026, 4, 1), closed_to=date(2026, 6, 30)
    )

    assert totals.open_count == 1  # open ones are a snapshot, not restricted by the period
    assert (totals.won_count, totals.won_value) == (1, Decimal("5000.00"))
    assert (totals.lost_count, totals.lost_value) == (1, Decimal("2500.00"))
    assert totals.win_rate == Decimal("50.0")


def test_totals_of_nothing_are_zero_and_the_win_rate_is_unknown(world):
    totals = pipeline_totals(world.account.opportunities.all())
    assert totals.open_value == Decimal("0.00") and totals.weighted_value == Decimal("0.00")
    assert totals.win_rate is None and totals.win_rate_by_value is None


def test_the_weighted_value_agrees_with_the_rule_of_one_opportunity(world):
    opportunity = OpportunityFactory(account=world.account, value=Decimal("333.33"), probability=25)
    assert (
        weighted(opportunity.value, opportunity.probability)
        == weighted_value(opportunity)
        == Decimal("83.33")
    )


def test_stage_sums_give_every_stage_its_count_value_and_weighted_value(world):
    account = world.account
    OpportunityFactory(account=account, stage=Stage.QUALIFIED, value=Decimal("1000.00"), probability=25)
    OpportunityFactory(account=account, stage=Stage.QUALIFIED, value=Decimal("3000.00"), probability=30)
    OpportunityFactory(account=account, stage=Stage.NEGOTIATION, value=Decimal("500.00"), probability=80)

    sums = stage_sums(account.opportunities.all())

    assert set(sums) == set(Stage.values)
    assert (sums[Stage.QUALIFIED].count, sums[Stage.QUALIFIED].value) == (2, Decimal("4000.00"))
    assert sums[Stage.QUALIFIED].weighted_value == Decimal("1150.00")
    assert sums[Stage.NEGOTIATION].weighted_value == Decimal("400.00")
    assert sums[Stage.IDENTIFIED].count == 0 and sums[Stage.IDENTIFIED].value == Decimal("0.00")


def test_only_the_accounts_a_person_sees_reach_the_pipeline(world):
    mine = OpportunityFactory(account=world.account)
    theirs = OpportunityFactory(account=world.other_account)

    assert set(opportunities_visible_to(world.owner)) == {mine}
    assert set(opportunities_visible_to(world.extended)) == {mine}
    assert set(opportunities_visible_to(world.other_kam)) == {theirs}
    assert set(opportunities_visible_to(world.manager)) == {mine, theirs}
    assert not opportunities_visible_to(world.admin).exists()


def test_editable_accounts_follow_the_rule_of_the_opportunity_pages(world):
    third = KeyAccountFactory(owner=world.other_kam)
    TeamMembershipFactory(account=third, user=world.manager, scope=TeamScope.EXTENDED)
    accounts = [world.account, world.other_account, third]
    ids = [a.pk for a in accounts]
    for persona in ("owner", "teammate", "extended", "other_kam", "manager", "admin"):
        user = world.persona(persona)
        expected = {a.pk for a in accounts if can_edit_opportunities(user, a)}
        assert editable_account_ids(user, ids) == expected, persona
    assert editable_account_ids(world.extended, ids) == {world.account.pk}
    assert editable_account_ids(world.manager, ids) == {third.pk}


def test_filters_narrow_open_ones_by_expected_close_and_closed_ones_by_close_date(world):
    account = world.account
    soon = OpportunityFactory(account=account, expected_close=date(2026, 6, 1))
    later = OpportunityFactory(account=account, expected_close=date(2027, 3, 1))
    won_now = _won(account, "100.00", date(2026, 5, 2))
    _won(account, "100.00", date(2025, 5, 2))
    start, end = closed_period_range(ClosedPeriod.QUARTER, TODAY)

    def ids(**kwargs):
        filters = PipelineFilter(closed_from=start, closed_to=end, **kwargs)
        return {o.pk for o in opportunities_for_pipeline(world.owner, filters)}

    assert ids() == {soon.pk, later.pk, won_now.pk}
    assert ids(expected_to=date(2026, 12, 31)) == {soon.pk, won_now.pk}
    assert ids(status=Status.OPEN) == {soon.pk, later.pk}
    assert ids(status=Status.WON) == {won_now.pk}
    assert ids(status=Status.LOST) == set()


def test_filters_by_kam_owner_mine_product_group_and_position(world):
    third = KeyAccountFactory(owner=world.other_kam)
    TeamMembershipFactory(account=third, user=world.owner, scope=TeamScope.CORE)
    a = OpportunityFactory(account=world.account, owner=world.teammate, product_group="Sensorik")
    b = OpportunityFactory(account=world.account, competitive_position="leading")
    c = OpportunityFactory(account=third, owner=world.owner)

    def ids(**kwargs):
        return {o.pk for o in opportunities_for_pipeline(world.owner, PipelineFilter(**kwargs))}

    assert ids() == {a.pk, b.pk, c.pk}
    assert ids(kam_id=world.other_kam.pk) == {c.pk}
    assert ids(owner_id=world.teammate.pk) == {a.pk}
    assert ids(mine=True) == {b.pk, c.pk}
    assert ids(account_id=third.pk) == {c.pk}
    assert ids(product_group="Sensorik") == {a.pk}
    assert ids(competitive_position="leading") == {b.pk}
    # A filter on an account the person cannot see finds nothing rather than that account's data.
    assert not {o.pk for o in opportunities_for_pipeline(world.teammate, PipelineFilter(account_id=third.pk))}


def test_sorting_by_stage_follows_the_pipeline_and_weighted_by_value_times_probability(world):
    account = world.account
    late = OpportunityFactory(
        account=account, stage=Stage.NEGOTIATION, value=Decimal("100.00"), probability=80
    )
    early = OpportunityFactory(
        account=account, stage=Stage.IDENTIFIED, value=Decimal("1000.00"), probability=10
    )
    mid = OpportunityFactory(account=account, stage=Stage.SOLUTION, value=Decimal("500.00"), probability=40)
    qs = opportunities_for_pipeline(world.owner)

    assert list(sort_opportunities(qs, "stage")) == [early, mid, late]
    assert list(sort_opportunities(qs, "-weighted")) == [mid, early, late]  # 200, 100, 80


def test_closed_periods_are_whole_calendar_periods():
    assert closed_period_range(ClosedPeriod.QUARTER, TODAY) == (date(2026, 4, 1), date(2026, 6, 30))
    assert closed_period_range(ClosedPeriod.LAST_QUARTER, TODAY) == (date(2026, 1, 1), date(2026, 3, 31))
    assert closed_period_range(ClosedPeriod.YEAR, TODAY) == (date(2026, 1, 1), date(2026, 12, 31))
    assert closed_period_range(ClosedPeriod.LAST_12_MONTHS, TODAY) == (date(2025, 6, 1), TODAY)
    assert closed_period_range(ClosedPeriod.LAST_QUARTER, date(2026, 2, 1)) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )


def test_forecast_periods_cover_whole_periods_and_refuse_too_many():
    assert forecast_periods(date(2026, 2, 10), date(2026, 7, 1), Period.QUARTER) == [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
    ]
    assert len(forecast_periods(date(2026, 1, 1), date(2027, 12, 31), Period.MONTH)) == 24
    with pytest.raises(ValueError):
        forecast_periods(date(2020, 1, 1), date(2026, 12, 31), Period.MONTH)
    with pytest.raises(ValueError):
        forecast_periods(date(2026, 2, 1), date(2026, 1, 1), Period.QUARTER)


def test_the_forecast_puts_open_ones_in_their_period_overdue_ones_apart_and_wins_where_they_closed(world):
    account = world.account
    OpportunityFactory(
        account=account, value=Decimal("1000.00"), probability=40, expected_close=date(2026, 5, 20)
    )
    OpportunityFactory(
        account=account, value=Decimal("2000.00"), probability=60, expected_close=date(2026, 8, 1)
    )
    overdue = OpportunityFactory(
        account=account, value=Decimal("400.00"), probability=25, expected_close=date(2026, 5, 2)
    )
    OpportunityFactory(
        account=account, value=Decimal("900.00"), probability=10, expected_close=date(2028, 3, 1)
    )
    _won(account, "3000.00", date(2026, 4, 10))
    _won(account, "800.00", date(2025, 11, 10))  # before the range: history, not forecast
    _lost(account, "5000.00", date(2026, 4, 12))

    result = forecast(
        account.opportunities.all(),
        period=Period.QUARTER,
        start=date(2026, 1, 1),
        end=date(2027, 12, 31),
        today=TODAY,
    )

    assert [row.label for row in result.periods][:3] == ["Q1 2026", "Q2 2026", "Q3 2026"]
    assert len(result.periods) == 8
    q2, q3 = result.periods[1], result.periods[2]
    assert (q2.open_value, q2.weighted_value, q2.won_value) == (
        Decimal("1000.00"),
        Decimal("400.00"),
        Decimal("3000.00"),
    )
    assert q2.best_case == Decimal("4000.00") and q2.expected == Decimal("3400.00")
    assert (q3.open_value, q3.weighted_value, q3.won_value) == (Decimal("2000.00"), Decimal("1200.00"), 0)
    assert result.overdue.open_count == 1 and result.overdue.open_value == overdue.value
    assert result.overdue.weighted_value == Decimal("100.00")
    assert result.outside.open_value == Decimal("900.00")
    # Every open opportunity counts exactly once.
    assert result.total.open_value == pipeline_totals(account.opportunities.all()).open_value
    assert result.total.won_value == Decimal("3000.00")


def test_the_forecast_by_month_and_by_kam(world):
    third = KeyAccountFactory(owner=world.other_kam)
    OpportunityFactory(
        account=world.account, value=Decimal("1000.00"), probability=50, expected_close=date(2026, 6, 3)
    )
    OpportunityFactory(
        account=third, value=Decimal("200.00"), probability=10, expected_close=date(2026, 7, 3)
    )
    OpportunityFactory(account=third, value=Decimal("50.00"), probability=10, expected_close=date(2026, 1, 3))
    _won(third, "70.00", date(2026, 2, 3))

    result = forecast(
        opportunities_visible_to(world.manager),
        period=Period.MONTH,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        today=TODAY,
    )

    months = {row.label: row for row in result.periods}
    assert len(months) == 12
    assert months["06/2026"].weighted_value == Decimal("500.00")
    assert months["07/2026"].open_value == Decimal("200.00")
    assert months["02/2026"].won_value == Decimal("70.00")
    assert months["01/2026"].open_value == 0  # overdue instead
    by_kam = {row.kam: row for row in result.by_kam}
    assert set(by_kam) == {world.owner, world.other_kam}
    other = by_kam[world.other_kam]
    assert (other.overdue_value, other.open_value, other.weighted_value, other.won_value) == (
        Decimal("50.00"),
        Decimal("200.00"),
        Decimal("20.00"),
        Decimal("70.00"),
    )
    assert by_kam[world.owner].best_case == Decimal("1000.00")


def test_a_kam_forecast_never_contains_another_kams_accounts(world):
    OpportunityFactory(account=world.other_account, value=Decimal("999.00"), expected_close=date(2026, 6, 1))
    _won(world.other_account, "555.00", date(2026, 5, 1))
    OpportunityFactory(account=world.account, value=Decimal("10.00"), expected_close=date(2026, 6, 1))

    result = forecast(
        opportunities_visible_to(world.owner),
        period=Period.QUARTER,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        today=TODAY,
    )

    assert result.total.open_value == Decimal("10.00") and result.total.won_value == 0
    assert [row.kam for row in result.by_kam] == [world.owner]

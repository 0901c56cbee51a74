"""The pipeline pages: board with its moves, list with its exports, forecast."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from openkam.core.models import AuditEntry
from openkam.opportunities.choices import QUALIFICATION, CloseReason, Stage
from openkam.opportunities.models import Opportunity, StageChange
from openkam.opportunities.pipeline import ClosedPeriod, closed_period_range
from openkam.testing.factories import KeyAccountFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
BOARD = reverse("pipeline:board")


def _today():
    return timezone.localdate()


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _column_sums(html: str, stage: str) -> tuple[str, str]:
    """The count and value shown in a column's heading."""
    block = re.search(rf'id="col-{stage}-sums">(.*?)</p>', html, re.S).group(1)
    count = re.search(r'data-sum="count">([^<]*)<', block).group(1).strip()
    value = re.search(r'data-sum="value">([^<]*)<', block).group(1).strip()
    return count, value


def _card(html: str, pk: int) -> str:
    return re.search(rf'<article class="pl-card[^"]*" id="card-{pk}".*?</article>', html, re.S).group(0)


def _column_of(html: str, pk: int) -> str:
    return re.search(rf'id="card-{pk}" data-opportunity="{pk}" data-stage="(\w+)"', html).group(1)


def _tick(opportunity, stage):
    from openkam.opportunities.models import QualificationCheck

    QualificationCheck.objects.bulk_create(
        QualificationCheck(opportunity=opportunity, item=key) for key, _label in QUALIFICATION[stage]
    )


def _move(client, opportunity, stage, *, htmx=False, **extra):
    data = {"stage": stage, "version": str(opportunity.version), "next": BOARD, **extra}
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "pipeline-board"} if htmx else {}
    return client.post(reverse("pipeline:move", args=[opportunity.pk]), data, **headers)


# Board --------------------------------------------------------------------------------------------


def test_the_board_has_a_column_per_stage_with_its_cards_and_sums(client, world):
    a = OpportunityFactory(
        account=world.account,
        stage=Stage.QUALIFIED,
        value=Decimal("1000.00"),
        expected_close=_today() + 30 * DAY,
    )
    b = OpportunityFactory(
        account=world.account,
        stage=Stage.QUALIFIED,
        value=Decimal("3000.00"),
        expected_close=_today() + 60 * DAY,
    )
    won = OpportunityFactory(
        account=world.account,
        stage=Stage.WON,
        value=Decimal("500.00"),
        closed_on=_today(),
        close_reason=CloseReason.PRICE,
    )
    OpportunityFactory(
        account=world.account,
        stage=Stage.LOST,
        title="Lost long ago",
        closed_on=_today() - 800 * DAY,
        close_reason=CloseReason.PRICE,
    )
    client.force_login(world.owner)

    html = _html(client.get(BOARD))

    assert re.findall(r'<section class="pl-column[^"]*" data-stage="(\w+)"', html) == Stage.values
    assert _column_sums(html, "qualified") == ("2 opportunities", "€4,000")
    assert 'data-sum="weighted">weighted €1,000<' in html  # 25 % of 4,000
    assert {_column_of(html, a.pk), _column_of(html, b.pk), _column_of(html, won.pk)} == {"qualified", "won"}
    assert _column_sums(html, "won") == ("1 opportunity", "€500")
    # Won and lost of the chosen period only: this quarter by default.
    assert "Lost long ago" not in html and _column_sums(html, "lost")[0] == "0 opportunities"
    card = _card(html, a.pk)
    assert "Alpha Maschinenbau" in card
    assert 'data-field="value">€1,000<' in card
    assert 'data-field="weighted">€250 <span class="pl-probability">(25 %)</span>' in card
    assert f'action="/pipeline/{a.pk}/move/"' in card


def test_the_board_filters_on_the_server(client, world):
    third = KeyAccountFactory(owner=world.other_kam, customer__name="Gamma Hydraulik")
    from openkam.accounts.choices import TeamScope
    from openkam.testing.factories import TeamMembershipFactory

    TeamMembershipFactory(account=third, user=world.owner, scope=TeamScope.CORE)
    mine = OpportunityFactory(
        account=world.account, product_group="Sensorik", expected_close=_today() + 10 * DAY
    )
    teammates = OpportunityFactory(
        account=world.account,
        owner=world.teammate,
        competitive_position="behind",
        expected_close=_today() + 200 * DAY,
    )
    on_third = OpportunityFactory(account=third, owner=world.owner, expected_close=_today() + 10 * DAY)
    client.force_login(world.owner)

    def shown(**params):
        html = _html(client.get(BOARD, params))
        return {int(pk) for pk in re.findall(r'<article class="pl-card[^"]*" id="card-(\d+)"', html)}

    assert shown() == {mine.pk, teammates.pk, on_third.pk}
    assert shown(account=third.pk) == {on_third.pk}
    assert shown(kam=world.other_kam.pk) == {on_third.pk}
    assert shown(owner=world.teammate.pk) == {teammates.pk}
    assert shown(mine="on") == {mine.pk, on_third.pk}
    assert shown(product_group="Sensorik") == {mine.pk}
    assert shown(position="behind") == {teammates.pk}
    assert shown(expected_to=(_today() + 30 * DAY).isoformat()) == {mine.pk, on_third.pk}
    assert shown(expected_from=(_today() + 30 * DAY).isoformat()) == {teammates.pk}


def test_an_invalid_filter_value_is_reported_and_the_valid_ones_still_apply(client, world):
    keep = OpportunityFactory(account=world.account, product_group="Sensorik")
    OpportunityFactory(account=world.account, product_group="Antriebe")
    client.force_login(world.owner)

    html = _html(client.get(BOARD, {"product_group": "Sensorik", "account": "999999"}))

    assert 'aria-invalid="true"' in html and 'class="errorlist"' in html
    assert re.findall(r'<article class="pl-card[^"]*" id="card-(\d+)"', html) == [str(keep.pk)]


def test_the_htmx_filter_answers_with_the_board_alone(client, world):
    OpportunityFactory(account=world.account)
    client.force_login(world.owner)
    html = _html(client.get(BOARD, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="pipeline-board"))
    assert html.lstrip().startswith('<div id="pipeline-status" hx-swap-oob="innerHTML">')
    assert "<html" not in html and 'id="pipeline-board"' in html


def test_only_people_who_may_edit_the_account_see_move_controls(client, world):
    opportunity = OpportunityFactory(account=world.account)
    for persona, sees in (("owner", True), ("teammate", True), ("extended", True), ("manager", False)):
        client.force_login(world.persona(persona))
        card = _card(_html(client.get(BOARD)), opportunity.pk)
        assert ('class="pl-move"' in card) is sees, persona
        assert ('draggable="true"' in card) is sees, persona


# Moving -------------------------------------------------------------------------------------------


def test_a_move_without_javascript_redirects_to_the_board_with_its_filters(client, world):
    opportunity = OpportunityFactory(account=world.account)
    _tick(opportunity, Stage.IDENTIFIED)
    client.force_login(world.teammate)
    target = f"{BOARD}?closed=year&position=even"

    response = _move(client, opportunity, Stage.QUALIFIED, next=target)

    assert response.status_code == 302 and response.url == target
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability, opportunity.version) == (Stage.QUALIFIED, 25, 2)
    assert StageChange.objects.filter(opportunity=opportunity, to_stage=Stage.QUALIFIED).exists()
    assert AuditEntry.objects.filter(action="opportunities.opportunity.move").count() == 1


def test_a_move_never_redirects_elsewhere_than_the_board(client, world):
    opportunity = OpportunityFactory(account=world.account)
    client.force_login(world.owner)
    for target in ("https://evil.example/pipeline/", "/accounts/", "//evil.example/"):
        response = _move(client, opportunity, Stage.LOST, close_reason="price", next=target)
        assert response.url == BOARD, target
        opportunity.refresh_from_db()
        opportunity.stage = Stage.IDENTIFIED  # move it back for the next round
        Opportunity.objects.filter(pk=opportunity.pk).update(
            stage=Stage.IDENTIFIED, close_reason="", closed_on=None
        )
        opportunity.refresh_from_db()


def test_a_move_with_htmx_answers_with_the_board_whose_sums_changed(client, world):
    opportunity = OpportunityFactory(account=world.account, value=Decimal("4000.00"))
    _tick(opportunity, Stage.IDENTIFIED)
    client.force_login(world.owner)
    before = _html(client.get(BOARD))
    assert _column_sums(before, "identified") == ("1 opportunity", "€4,000")

    html = _html(_move(client, opportunity, Stage.QUALIFIED, htmx=True))

    assert "<html" not in html
    assert _column_sums(html, "identified") == ("0 opportunities", "€0")
    assert _column_sums(html, "qualified") == ("1 opportunity", "€4,000")
    assert _column_of(html, opportunity.pk) == "qualified"
    assert "moved to “Qualified”" in html
    assert f'data-focus-card="card-{opportunity.pk}"' in html
    # The new card carries the new version, so the next move is not a conflict.
    assert 'name="version" value="2"' in _card(html, opportunity.pk)


def test_a_refused_move_shows_the_missing_checklist_items_on_the_card(client, world):
    opportunity = OpportunityFactory(account=world.account, checked=["need_confirmed"])
    client.force_login(world.owner)

    for htmx in (True, False):
        html = _html(_move(client, opportunity, Stage.QUALIFIED, htmx=htmx))
        card = _card(html, opportunity.pk)
        assert 'role="alert"' in card and "cannot move to “Qualified” yet" in card
        assert "The opportunity fits the account plan" in card
        assert "need or a problem" not in card  # ticked already
        assert _column_of(html, opportunity.pk) == "identified"
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.IDENTIFIED and opportunity.version == 1


def test_winning_needs_a_reason_and_the_card_opens_its_reason_field(client, world):
    opportunity = OpportunityFactory(account=world.account, stage=Stage.NEGOTIATION, all_checked=True)
    _tick(opportunity, Stage.NEGOTIATION)
    client.force_login(world.owner)

    card = _card(_html(_move(client, opportunity, Stage.WON, htmx=True)), opportunity.pk)
    assert "Give the reason why the opportunity was won or lost." in card
    assert '<details class="pl-reason" open>' in card

    html = _html(_move(client, opportunity, Stage.WON, htmx=True, close_reason=CloseReason.RELATIONSHIP))
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.close_reason, opportunity.closed_on) == (
        Stage.WON,
        CloseReason.RELATIONSHIP,
        _today(),
    )
    assert _column_of(html, opportunity.pk) == "won"


def test_a_reason_sent_with_a_move_to_an_open_stage_is_ignored(client, world):
    opportunity = OpportunityFactory(account=world.account, stage=Stage.QUALIFIED)
    client.force_login(world.owner)
    response = _move(client, opportunity, Stage.IDENTIFIED, close_reason="price")
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.close_reason) == (Stage.IDENTIFIED, "")


def test_two_moves_from_the_same_version_give_the_second_a_conflict_on_the_card(client, world):
    opportunity = OpportunityFactory(account=world.account, stage=Stage.PROPOSAL)
    client.force_login(world.owner)
    stale = Opportunity.objects.get(pk=opportunity.pk)

    assert _move(client, opportunity, Stage.SOLUTION).status_code == 302
    html = _html(_move(client, stale, Stage.LOST, htmx=True, close_reason="price"))

    card = _card(html, opportunity.pk)
    assert "Someone else changed this opportunity in the meantime" in card
    assert _column_of(html, opportunity.pk) == "solution"
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.SOLUTION


def test_an_unknown_stage_is_refused_on_the_card(client, world):
    opportunity = OpportunityFactory(account=world.account)
    client.force_login(world.owner)
    card = _card(_html(_move(client, opportunity, "signed", htmx=True)), opportunity.pk)
    assert 'role="alert"' in card and "Move to:" in card


def test_management_may_not_move_and_outsiders_do_not_find_the_card(client, world):
    opportunity = OpportunityFactory(account=world.account)
    client.force_login(world.manager)
    assert _move(client, opportunity, Stage.LOST, close_reason="price").status_code == 403
    client.force_login(world.other_kam)
    assert _move(client, opportunity, Stage.LOST, close_reason="price").status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.IDENTIFIED


def test_the_board_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    third = KeyAccountFactory(owner=world.other_kam)
    from openkam.accounts.choices import TeamScope
    from openkam.testing.factories import TeamMembershipFactory

    TeamMembershipFactory(account=third, user=world.owner, scope=TeamScope.EXTENDED)
    for stage in (Stage.IDENTIFIED, Stage.QUALIFIED, Stage.PROPOSAL):
        for account in (world.account, third):
            OpportunityFactory.create_batch(3, account=account, stage=stage, owner=world.owner)
    client.force_login(world.owner)
    client.get(BOARD)  # warm the session

    # Session, user; filter choices (accounts, owners, product groups); column sums; cards;
    # editable accounts.
    with django_assert_num_queries(8):
        html = _html(client.get(BOARD))
    assert html.count('<article class="pl-card') == 18


# List and exports ---------------------------------------------------------------------------------


def _list_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-opportunity="(\d+)"', html)]


def test_the_list_sorts_pages_and_sums_all_filtered_opportunities(client, world, settings):
    from openkam.opportunities import pipeline_views

    small = OpportunityFactory(
        account=world.account, value=Decimal("100.00"), expected_close=_today() + 3 * DAY
    )
    big = OpportunityFactory(
        account=world.account, value=Decimal("900.00"), expected_close=_today() + 2 * DAY
    )
    mid = OpportunityFactory(
        account=world.account, value=Decimal("500.00"), expected_close=_today() + 1 * DAY
    )
    client.force_login(world.owner)
    url = reverse("pipeline:list")

    assert _list_ids(_html(client.get(url))) == [mid.pk, big.pk, small.pk]  # by expected close
    html = _html(client.get(url, {"sort": "-value"}))
    assert _list_ids(html) == [big.pk, mid.pk, small.pk]
    assert 'aria-sort="descending"><a href="?sort=value" data-sort="value">' in html
    assert _list_ids(_html(client.get(url, {"sort": "value"}))) == [small.pk, mid.pk, big.pk]

    pipeline_views.PAGE_SIZE, old = 2, pipeline_views.PAGE_SIZE
    try:
        first = _html(client.get(url, {"sort": "-value"}))
        second = _html(client.get(url, {"sort": "-value", "page": 2}))
    finally:
        pipeline_views.PAGE_SIZE = old
    assert _list_ids(first) == [big.pk, mid.pk] and _list_ids(second) == [small.pk]
    # The totals cover every filtered opportunity, not the page.
    assert 'data-total="open-value">€1,500<' in second
    assert 'data-total="open-count">3<' in second


def test_the_list_shows_won_and_lost_by_status(client, world):
    won = OpportunityFactory(account=world.account, stage=Stage.WON, closed_on=_today(), close_reason="price")
    lost = OpportunityFactory(
        account=world.account, stage=Stage.LOST, closed_on=_today(), close_reason="price"
    )
    still_open = OpportunityFactory(account=world.account)
    client.force_login(world.owner)
    url = reverse("pipeline:list")

    assert set(_list_ids(_html(client.get(url)))) == {won.pk, lost.pk, still_open.pk}
    assert _list_ids(_html(client.get(url, {"status": "won"}))) == [won.pk]
    assert _list_ids(_html(client.get(url, {"status": "open"}))) == [still_open.pk]
    assert _list_ids(_html(client.get(url, {"stage": "lost"}))) == [lost.pk]


def test_the_list_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    OpportunityFactory.create_batch(12, account=world.account)
    client.force_login(world.owner)
    url = reverse("pipeline:list")
    client.get(url)

    # Session, user; filter choices (3); count; page; editable accounts; totals.
    with django_assert_num_queries(9):
        html = _html(client.get(url))
    assert len(_list_ids(html)) == 12


def test_the_german_csv_export_has_translated_headers_semicolons_and_the_filtered_rows(client, world):
    world.owner.language = "de"
    world.owner.save()
    OpportunityFactory(
        account=world.account, title="Retrofit Halle 3", value=Decimal("1234.50"), probability=40
    )
    OpportunityFactory(account=world.account, title="Anderes", product_group="Sensorik")
    client.force_login(world.owner)

    response = client.get(reverse("pipeline:export"), {"format": "csv", "product_group": "Servomotoren"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="pipeline-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Key Account", "Kundennummer", "Key-Account-Manager"]
    assert len(rows) == 2
    assert rows[1][3] == "Retrofit Halle 3"
    assert rows[1][5:8] == ["1.234,50", "40", "493,80"]  # value, probability, weighted


def test_the_xlsx_export_keeps_numbers_and_dates_typed(client, world):
    close = _today() + 20 * DAY
    OpportunityFactory(account=world.account, value=Decimal("1234.50"), probability=40, expected_close=close)
    client.force_login(world.owner)

    response = client.get(reverse("pipeline:export"), {"format": "xlsx", "sort": "-value"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert header[3] == "Opportunity"
    assert values["Value (EUR)"] == 1234.5 and values["Weighted value (EUR)"] == 493.8
    assert values["Expected close"].date() == close
    assert sheet.max_row == 2


def test_an_unknown_export_format_is_not_found(client, world):
    client.force_login(world.owner)
    assert client.get(reverse("pipeline:export"), {"format": "pdf"}).status_code == 404


# Forecast -----------------------------------------------------------------------------------------


def _forecast_row(html: str, key: str) -> dict[str, str]:
    row = re.search(rf'<tr class="[^"]*" data-row="{key}">(.*?)</tr>', html, re.S).group(1)
    return dict(re.findall(r'data-col="([\w-]+)">([^<]*)<', row))


def test_the_forecast_shows_periods_overdue_ones_apart_and_a_chart(client, world):
    today = _today()
    OpportunityFactory(account=world.account, value=Decimal("1000.00"), probability=40, expected_close=today)
    OpportunityFactory(
        account=world.account, value=Decimal("300.00"), probability=10, expected_close=today - DAY
    )
    OpportunityFactory(
        account=world.account, stage=Stage.WON, value=Decimal("200.00"), closed_on=today, close_reason="price"
    )
    client.force_login(world.owner)

    html = _html(client.get(reverse("pipeline:forecast")))

    start, _end = closed_period_range(ClosedPeriod.QUARTER, today)
    current = _forecast_row(html, start.isoformat())
    assert current == {
        "open-count": "1",
        "open-value": "€1,000",
        "weighted": "€400",
        "won": "€200",
        "expected": "€600",
        "best-case": "€1,200",
    }
    overdue = _forecast_row(html, "overdue")
    assert (overdue["open-count"], overdue["open-value"]) == ("1", "€300")
    assert _forecast_row(html, "total")["open-value"] == "€1,300"
    assert html.count('data-row="') == 1 + 8 + 1  # overdue, quarters of this and next year, total
    assert 'data-chart-spec-id="forecast-spec"' in html and '"mark": {"type": "bar"}' in html


def test_the_forecast_by_month_over_a_chosen_range(client, world):
    today = _today()
    OpportunityFactory(account=world.account, value=Decimal("1000.00"), expected_close=today + 40 * DAY)
    client.force_login(world.owner)
    start = today.replace(day=1)

    html = _html(client.get(reverse("pipeline:forecast"), {"period": "month", "start": start.isoformat()}))

    assert html.count('<tr class="" data-row="') == (12 - start.month + 1) + 12
    assert _forecast_row(html, "total")["open-value"] == "€1,000"


def test_a_forecast_range_of_too_many_periods_is_refused_on_the_form(client, world):
    client.force_login(world.owner)
    html = _html(client.get(reverse("pipeline:forecast"), {"period": "month", "start": "2000-01-01"}))
    assert "at most 60 periods" in html
    assert html.count('<tr class="" data-row="') == 8  # the default range instead


def test_management_sees_the_forecast_per_kam(client, world):
    OpportunityFactory(account=world.account, value=Decimal("100.00"), expected_close=_today() + 5 * DAY)
    OpportunityFactory(
        account=world.other_account, value=Decimal("700.00"), expected_close=_today() + 5 * DAY
    )
    client.force_login(world.manager)

    html = _html(client.get(reverse("pipeline:forecast")))

    rows = re.findall(r'<tr data-kam="(\d+)"><th scope="row">([^<]+)</th>', html)
    assert [name for _pk, name in rows] == ["Katrin Amann", "Otto Ohm"]
    client.force_login(world.owner)
    assert 'id="forecast-by-kam"' not in _html(client.get(reverse("pipeline:forecast")))


def test_the_forecast_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for days in (-10, 5, 40, 100, 400):
        OpportunityFactory(account=world.account, expected_close=_today() + days * DAY)
    client.force_login(world.manager)
    client.get(reverse("pipeline:forecast"))
    # Session, user; filter choices (3); open by period; won by period; per KAM and their users.
    with django_assert_num_queries(9):
        _html(client.get(reverse("pipeline:forecast")))

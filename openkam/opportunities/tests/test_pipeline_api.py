"""The read-only pipeline API: list, totals and forecast."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from openkam.opportunities.choices import CloseReason, Stage

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
URL = "/api/v1/pipeline"


@pytest.fixture
def client_of(client, world):
    def login(persona="owner"):
        client.force_login(world.persona(persona))
        return client

    return login


def test_the_list_carries_account_kam_weighted_value_and_version(client_of, world):
    today = timezone.localdate()
    opportunity = OpportunityFactory(
        account=world.account, value=Decimal("333.33"), probability=25, expected_close=today - DAY
    )

    body = client_of().get(URL).json()

    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == opportunity.pk
    assert item["account"] == {
        "id": world.account.pk,
        "name": "Alpha Maschinenbau",
        "customer_number": world.account.customer.number,
        "kam": {"id": world.owner.pk, "name": "Katrin Amann"},
    }
    assert (item["value"], item["weighted_value"], item["probability"]) == ("333.33", "83.33", 25)
    assert item["overdue"] is True and item["version"] == 1 and item["close_reason"] == ""


def test_the_list_filters_sorts_and_pages(client_of, world):
    today = timezone.localdate()
    small = OpportunityFactory(
        account=world.account, value=Decimal("100.00"), expected_close=today + 50 * DAY
    )
    big = OpportunityFactory(account=world.account, value=Decimal("900.00"), product_group="Sensorik")
    won = OpportunityFactory(
        account=world.account,
        stage=Stage.WON,
        value=Decimal("50.00"),
        closed_on=today - 400 * DAY,
        close_reason=CloseReason.PRICE,
    )
    client = client_of()

    def ids(**params):
        return [item["id"] for item in client.get(URL, params).json()["items"]]

    assert ids(sort="-value") == [big.pk, small.pk, won.pk]
    assert ids(sort="-value", limit=1, offset=1) == [small.pk]
    assert ids(status="open", sort="value") == [small.pk, big.pk]
    assert ids(product_group="Sensorik") == [big.pk]
    assert ids(stage="won") == [won.pk]
    # Closed ones within the range only; without it, every closed one.
    assert ids(status="won", closed_from=(today - 30 * DAY).isoformat()) == []
    assert ids(expected_close_from=(today + 40 * DAY).isoformat(), status="open") == [small.pk]


def test_unknown_parameters_and_sort_keys_are_refused(client_of):
    client = client_of()
    for params in ({"stauts": "open"}, {"sort": "secret"}, {"status": "maybe"}):
        response = client.get(URL, params)
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] == "invalid"


def test_totals_sum_exactly_and_per_stage(client_of, world):
    today = timezone.localdate()
    OpportunityFactory(account=world.account, value=Decimal("1000.10"), probability=10)
    OpportunityFactory(account=world.account, stage=Stage.PROPOSAL, value=Decimal("333.33"), probability=25)
    OpportunityFactory(
        account=world.account, stage=Stage.WON, value=Decimal("500.00"), closed_on=today, close_reason="price"
    )
    OpportunityFactory(
        account=world.account,
        stage=Stage.LOST,
        value=Decimal("1500.00"),
        closed_on=today,
        close_reason="price",
    )

    body = client_of().get(f"{URL}/totals").json()

    assert (body["open_count"], body["open_value"], body["weighted_value"]) == (2, "1333.43", "183.34")
    assert (body["won_count"], body["won_value"], body["lost_count"], body["lost_value"]) == (
        1,
        "500.00",
        1,
        "1500.00",
    )
    assert (body["win_rate"], body["win_rate_by_value"]) == ("50.0", "25.0")
    stages = {row["stage"]: row for row in body["by_stage"]}
    assert stages["proposal"] == {
        "stage": "proposal",
        "count": 1,
        "value": "333.33",
        "weighted_value": "83.33",
    }
    assert stages["negotiation"]["count"] == 0


def test_the_forecast_by_month_with_a_range(client_of, world):
    today = timezone.localdate()
    start = today.replace(day=1)
    OpportunityFactory(account=world.account, value=Decimal("1000.00"), probability=40, expected_close=today)
    OpportunityFactory(account=world.account, value=Decimal("300.00"), expected_close=today - 40 * DAY)
    end = start + 70 * DAY

    response = client_of().get(
        f"{URL}/forecast", {"period": "month", "from": start.isoformat(), "to": end.isoformat()}
    )

    body = response.json()
    assert response.status_code == 200, body
    assert body["period"] == "month" and body["start"] == start.isoformat()
    assert len(body["periods"]) == 3
    first = body["periods"][0]
    assert (first["key"], first["open_value"], first["weighted_value"], first["best_case"]) == (
        start.isoformat(),
        "1000.00",
        "400.00",
        "1000.00",
    )
    assert body["overdue"]["open_value"] == "300.00"
    assert body["total"]["open_value"] == "1300.00"
    assert body["by_kam"][0]["overdue_value"] == "300.00"


def test_the_forecast_defaults_to_quarters_of_this_and_next_year(client_of):
    body = client_of().get(f"{URL}/forecast").json()
    year = timezone.localdate().year
    assert body["period"] == "quarter"
    assert [row["label"] for row in body["periods"]][::4] == [f"Q1 {year}", f"Q1 {year + 1}"]


def test_a_forecast_range_that_is_too_long_or_reversed_is_refused(client_of):
    client = client_of()
    for params in ({"period": "month", "from": "2000-01-01"}, {"from": "2026-06-01", "to": "2026-01-01"}):
        response = client.get(f"{URL}/forecast", params)
        assert response.status_code == 422, params
        assert "to" in response.json()["error"]["fields"]
    assert client.get(f"{URL}/forecast", {"period": "week"}).status_code == 422
    assert client.get(f"{URL}/forecast", {"from_": "2026-01-01"}).status_code == 422


def test_the_api_needs_a_signed_in_caller(client):
    for path in (URL, f"{URL}/totals", f"{URL}/forecast"):
        assert client.get(path).status_code == 401

"""The customer operations of the REST API (read only)."""

import pytest
from django.test import Client

from openkam.core.tests.api_matrix import api_path
from openkam.testing.factories import CustomerFactory, CustomerRevenueFactory


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", ["account"]),
        ("teammate", ["account"]),
        ("extended", ["account"]),
        ("other_kam", ["other_account"]),
        ("manager", ["account", "other_account", "plain"]),
        ("admin", ["account", "other_account", "plain"]),
    ],
)
def test_the_customer_list_holds_exactly_the_customers_a_persona_may_see(world, persona, expected):
    plain = CustomerFactory(name="Zeta Zulieferer")  # a customer that is no key account
    customers = {
        "account": world.account.customer_id,
        "other_account": world.other_account.customer_id,
        "plain": plain.pk,
    }

    response = _client_for(world.persona(persona)).get(api_path("customers_list"))

    assert response.status_code == 200
    assert response.json()["count"] == len(expected)
    assert sorted(item["id"] for item in response.json()["items"]) == sorted(customers[e] for e in expected)


def test_the_customer_list_searches_name_number_and_city_and_pages(world):
    CustomerFactory(name="Alpha Anlagen", city="Ulm")
    CustomerFactory(name="Omega Optik", city="Alphaburg")
    client = _client_for(world.manager)
    url = api_path("customers_list")

    found = client.get(url, {"q": "alpha"}).json()
    page = client.get(url, {"q": "alpha", "limit": 1, "offset": 1}).json()

    assert [item["name"] for item in found["items"]] == ["Alpha Anlagen", "Alpha Maschinenbau", "Omega Optik"]
    assert page["count"] == 3
    assert [item["name"] for item in page["items"]] == ["Alpha Maschinenbau"]
    number = world.other_account.customer.number
    assert [item["number"] for item in client.get(url, {"q": number}).json()["items"]] == [number]


def test_a_customer_list_item_carries_the_last_revenue(world):
    item = _client_for(world.owner).get(api_path("customers_list")).json()["items"][0]

    assert item["name"] == "Alpha Maschinenbau"
    assert item["last_revenue"] == "1250000.00"
    assert set(item) == {"id", "number", "name", "legal_form", "industry", "city", "country", "last_revenue"}


def test_an_unknown_customer_list_parameter_gets_422(world):
    response = _client_for(world.owner).get(api_path("customers_list"), {"name": "Alpha"})

    assert response.status_code == 422
    assert "name" in response.json()["error"]["fields"]


def test_the_customer_detail_shows_the_revenue_history_oldest_first(world):
    customer = world.account.customer
    CustomerRevenueFactory(customer=customer, fiscal_year=2024, revenue="1000000.00", margin="200000.00")

    response = _client_for(world.teammate).get(api_path("customer_get", customer_id=customer.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == customer.number
    assert body["revenues"] == [
        {"fiscal_year": 2024, "revenue": "1000000.00", "margin": "200000.00"},
        {"fiscal_year": 2025, "revenue": "1250000.00", "margin": "312500.00"},
    ]


def test_a_customer_behind_a_foreign_account_answers_404_like_a_missing_one(world):
    client = _client_for(world.owner)

    foreign = client.get(api_path("customer_get", customer_id=world.other_account.customer_id))
    missing = client.get(api_path("customer_get", customer_id=999_999))

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()

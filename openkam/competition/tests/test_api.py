"""The REST operations of the competition app: CRUD, validation, locking conflicts and the shares."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from openkam.competition.choices import CompetitorKind
from openkam.competition.models import Competitor, Requirement, WalletEstimate
from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path

from .factories import CompetitorFactory, RequirementFactory, WalletEstimateFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world, operation_id, **ids):
    return api_path(operation_id, account_id=world.account.pk, **ids)


def _send(client, method, url, body=None):
    return client.generic(
        method, url, data=b"" if body is None else json.dumps(body), content_type="application/json"
    )


# Requirements -----------------------------------------------------------------------------------


def test_a_requirement_is_created_listed_changed_and_removed(world):
    kettwig = CompetitorFactory(account=world.account, name="Kettwig", share_of_wallet=D("20"))
    CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("35"))
    client = _client(world.teammate)

    created = _send(
        client,
        "POST",
        _url(world, "requirement_create"),
        {"text": "Liefertreue", "importance": 5, "our_performance": 2, "competitor_performance": 4},
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("text", "competitor_id", "compared_with", "gap", "quadrant", "version")} == {
        "text": "Liefertreue",
        "competitor_id": None,
        "compared_with": "Hallberg",
        "gap": -2,
        "quadrant": "concentrate",
        "version": 1,
    }
    item = _url(world, "requirement_update", requirement_id=body["id"])

    changed = _send(client, "PATCH", item, {"version": 1, "competitor_id": kettwig.pk, "our_performance": 4})

    assert changed.status_code == 200, changed.content
    assert (changed.json()["compared_with"], changed.json()["quadrant"], changed.json()["version"]) == (
        "Kettwig",
        "keep_up",
        2,
    )
    cleared = _send(client, "PATCH", item, {"competitor_id": None, "competitor_performance": None})
    assert (
        cleared.json()["competitor_id"],
        cleared.json()["competitor_performance"],
        cleared.json()["gap"],
    ) == (
        None,
        None,
        None,
    )
    listed = client.get(_url(world, "requirements_list")).json()
    assert [r["id"] for r in listed] == [body["id"]]
    assert _send(client, "DELETE", item).status_code == 204
    assert not Requirement.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="competition.requirement")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "competition.requirement.create",
        "competition.requirement.update",
        "competition.requirement.update",
        "competition.requirement.delete",
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"text": "x", "importance": 6, "our_performance": 3},
        {"text": "x", "importance": 3, "our_performance": 0},
        {"text": "x", "importance": 3, "our_performance": 3, "competitor_performance": 9},
        {"text": "x", "importance": 3, "our_performance": 3, "colour": "red"},
        {"importance": 3, "our_performance": 3},
    ],
)
def test_invalid_requirements_are_refused_with_422(world, body):
    response = _send(_client(world.owner), "POST", _url(world, "requirement_create"), body)

    assert response.status_code == 422
    assert response.json()["error"]["fields"]
    assert not Requirement.objects.exists()


def test_a_competitor_of_another_account_or_a_partner_cannot_be_compared(world):
    foreign = CompetitorFactory(account=world.other_account)
    partner = CompetitorFactory(account=world.account, kind=CompetitorKind.PARTNER)
    client = _client(world.owner)
    base = {"text": "x", "importance": 3, "our_performance": 3}

    other = _send(client, "POST", _url(world, "requirement_create"), base | {"competitor_id": foreign.pk})
    mixed = _send(client, "POST", _url(world, "requirement_create"), base | {"competitor_id": partner.pk})

    assert other.status_code == mixed.status_code == 422
    assert other.json()["error"]["fields"] == {"competitor_id": ["Choose a competitor of this account."]}
    assert mixed.json()["error"]["fields"] == {
        "competitor": ["Compare with a competitor, not with a partner."]
    }


def test_null_is_refused_for_fields_that_cannot_be_cleared(world):
    requirement = RequirementFactory(account=world.account)

    response = _send(
        _client(world.owner),
        "PATCH",
        _url(world, "requirement_update", requirement_id=requirement.pk),
        {"importance": None},
    )

    assert response.status_code == 422


def test_two_patches_from_the_same_version_conflict_and_the_newer_version_wins(world):
    requirement = RequirementFactory(account=world.account, our_performance=3, notes="")
    url = _url(world, "requirement_update", requirement_id=requirement.pk)

    first = _send(_client(world.owner), "PATCH", url, {"version": 1, "our_performance": 4})
    second = _send(_client(world.teammate), "PATCH", url, {"version": 1, "our_performance": 2})

    assert first.status_code == 200
    assert second.status_code == 409
    error = second.json()["error"]
    assert (error["code"], error["current_version"], error["theirs"]) == (
        "edit_conflict",
        2,
        {"our_performance": 4},
    )
    assert Requirement.objects.get().our_performance == 4

    again = _send(_client(world.teammate), "PATCH", url, {"version": 2, "our_performance": 2})

    assert (again.status_code, again.json()["our_performance"], again.json()["version"]) == (200, 2, 3)


def test_readers_get_403_and_strangers_404(world):
    requirement = RequirementFactory(account=world.account)
    url = _url(world, "requirement_update", requirement_id=requirement.pk)

    assert _send(_client(world.extended), "PATCH", url, {"importance": 1}).status_code == 403
    assert _send(_client(world.manager), "DELETE", url).status_code == 403
    assert _client(world.other_kam).get(url).status_code == 404
    assert _client(world.admin).get(_url(world, "requirements_list")).status_code == 404
    assert _client(world.manager).get(url).json()["importance"] == requirement.importance


# Competitors ------------------------------------------------------------------------------------


def test_competitors_are_created_changed_and_listed_with_their_forecast(world):
    client = _client(world.owner)

    created = _send(
        client,
        "POST",
        _url(world, "competitor_create"),
        {
            "name": "Hallberg Antriebstechnik GmbH",
            "supplies": "Getriebemotoren",
            "share_of_wallet": "35.5",
            "strengths": "Lieferzeit",
            "threats": "Rahmenvertrag",
            "trend": "growing",
            "forecast": "Gewinnt Anteile",
        },
    )
    _send(client, "POST", _url(world, "competitor_create"), {"name": "Fehrmann", "kind": "partner"})

    assert created.status_code == 201, created.content
    competitor_id = created.json()["id"]
    patched = _send(
        client,
        "PATCH",
        _url(world, "competitor_update", competitor_id=competitor_id),
        {"version": 1, "trend": None, "share_of_wallet": None},
    )
    assert (patched.json()["trend"], patched.json()["share_of_wallet"], patched.json()["version"]) == (
        None,
        None,
        2,
    )
    listed = client.get(_url(world, "competitors_list")).json()
    assert [(c["name"], c["kind"]) for c in listed] == [
        ("Hallberg Antriebstechnik GmbH", "competitor"),
        ("Fehrmann", "partner"),
    ]
    assert Competitor.objects.get(pk=competitor_id).trend == ""


def test_shares_above_100_percent_are_refused_naming_the_numbers(world):
    WalletEstimateFactory(account=world.account, fiscal_year=2025, amount=D("2500000"))  # ours: 50 %
    CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("40"))

    response = _send(
        _client(world.owner),
        "POST",
        _url(world, "competitor_create"),
        {"name": "Kettwig", "share_of_wallet": "12.5"},
    )

    assert response.status_code == 422
    message = response.json()["error"]["fields"]["share_of_wallet"][0]
    assert "102.5 %" in message and "our own 50.0 %" in message and "52.5 %" in message


def test_a_share_with_two_decimals_is_refused(world):
    response = _send(
        _client(world.owner),
        "POST",
        _url(world, "competitor_create"),
        {"name": "Kettwig", "share_of_wallet": "12.25"},
    )

    assert response.status_code == 422


# Wallets and shares -----------------------------------------------------------------------------


def test_wallets_are_recorded_and_the_shares_follow(world):
    CompetitorFactory(account=world.account, name="Hallberg", share_of_wallet=D("25"))
    client = _client(world.owner)

    created = _send(
        client, "POST", _url(world, "wallet_create"), {"fiscal_year": 2025, "amount": "5000000.00"}
    )

    assert created.status_code == 201, created.content
    shares = client.get(_url(world, "competition_shares")).json()
    assert shares == {
        "fiscal_year": 2025,
        "wallet": "5000000.00",
        "our_revenue": "1250000.00",
        "our_share": "25.0",
        "largest_competitor": "Hallberg",
        "largest_share": "25.0",
        "relative": "1.00",
        "reason_missing": None,
    }
    wallet_url = _url(world, "wallet_update", wallet_id=created.json()["id"])
    assert _send(client, "PATCH", wallet_url, {"version": 1, "amount": "2500000.00"}).status_code == 200
    assert client.get(_url(world, "competition_shares")).json()["relative"] == "2.00"
    stale = _send(client, "PATCH", wallet_url, {"version": 1, "notes": "Schätzung"})
    assert stale.status_code == 409
    assert [w["fiscal_year"] for w in client.get(_url(world, "wallets_list")).json()] == [2025]
    assert _send(client, "DELETE", wallet_url).status_code == 204
    assert not WalletEstimate.objects.exists()
    assert (
        client.get(_url(world, "competition_shares"))
        .json()["reason_missing"]
        .startswith("No wallet estimate")
    )

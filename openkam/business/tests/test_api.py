"""The business operations of the REST API (who may call them: the matrix in core/tests)."""

import json

import pytest
from django.test import Client

from openkam.business.models import CustomerUnit, WhitespaceCell
from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client, method, url, body):
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def _cell(alpha, **fields) -> dict:
    return {"unit": "Stuttgart", "product_group": "Servomotoren"} | fields


def test_the_figures_of_the_group(alpha, world):
    response = _client(world.extended).get(api_path("business_get", account_id=alpha.account.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2025 and body["previous_year"] == 2024
    assert body["years"][-1] == {
        "year": 2025,
        "revenue": "20000.00",
        "margin": "7900.00",
        "margin_rate": "0.3950",
        "growth": "0.3333",
        "complete": True,
    }
    assert [(c["name"], c["subsidiary"], c["revenue"]) for c in body["companies"]] == [
        ("Alpha Maschinenbau", False, "16000.00"),
        ("Alpha Polska", True, "4000.00"),
    ]
    assert body["product_groups"][0]["name"] == "Getriebemotoren"
    assert body["product_groups"][0]["revenue_by_year"] == ["0.00", "10000.00", "15000.00"]
    assert (body["product_groups_bought"], body["product_groups_total"], body["breadth"]) == (2, 4, "0.5000")


def test_the_year_is_checked_and_unknown_query_parameters_are_refused(alpha, world):
    client = _client(world.owner)
    url = api_path("business_get", account_id=alpha.account.pk)

    assert client.get(url, {"year": 2024}).json()["year"] == 2024
    assert client.get(url, {"year": 1999}).status_code == 422
    refused = client.get(url, {"jahr": 2024})
    assert refused.status_code == 422 and "jahr" in refused.json()["error"]["fields"]


def test_without_a_ledger_the_figures_are_empty(world):
    body = _client(world.owner).get(api_path("business_whitespace_get", account_id=world.account.pk)).json()

    assert body["has_ledger"] is False and body["rows"] == [] and body["totals"]["penetration"] is None


def test_the_matrix_with_its_totals(alpha, world):
    response = _client(world.manager).get(
        api_path("business_whitespace_get", account_id=alpha.account.pk), {"year": 2025}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["product_groups"] == ["Ersatzteile", "Frequenzumrichter", "Getriebemotoren", "Servomotoren"]
    stuttgart = next(r for r in body["rows"] if r["name"] == "Stuttgart")
    assert stuttgart["unit_id"] is None and stuttgart["kind"] == "site" and stuttgart["in_ledger"]
    assert [c["state"] for c in stuttgart["cells"]] == ["unknown", "sold", "sold", "unknown"]
    assert stuttgart["cells"][2]["revenue"] == "12000.00" and stuttgart["cells"][3]["revenue"] == "0.00"
    assert body["totals"]["penetration"] == "0.3333" and body["totals"]["cells"] == 12
    assert body["columns"][2] == {
        "product_group": "Getriebemotoren",
        "revenue": "15000.00",
        "totals": body["columns"][2]["totals"],
    }
    assert body["columns"][2]["totals"]["cells_sold"] == 2


def test_a_cell_is_put_and_patched_with_its_version(alpha, world):
    client = _client(world.teammate)
    url = api_path("business_cell_put", account_id=alpha.account.pk)

    put = _send(client, "PUT", url, _cell(alpha, status="opportunity", potential="25000", version=0))

    assert put.status_code == 200, put.content
    body = put.json()
    assert (body["status"], body["potential"], body["version"], body["state"]) == (
        "opportunity",
        "25000.00",
        1,
        "opportunity",
    )
    assert body["totals"]["open_potential"] == "25000.00" and body["totals"]["opportunities"] == 1

    patched = _send(client, "PATCH", url, _cell(alpha, note="Budget 2027 freigegeben", version=1))

    assert patched.status_code == 200
    assert (patched.json()["note"], patched.json()["potential"], patched.json()["version"]) == (
        "Budget 2027 freigegeben",
        "25000.00",
        2,
    )
    assert AuditEntry.objects.filter(action="business.cell.update", account_id=alpha.account.pk).count() == 2


def test_the_second_of_two_edits_from_one_version_gets_409_and_then_succeeds(alpha, world):
    url = api_path("business_cell_put", account_id=alpha.account.pk)
    first = _send(
        _client(world.teammate), "PUT", url, _cell(alpha, status="competitor", competitor="Voss", version=0)
    )
    assert first.status_code == 200

    second = _send(_client(world.owner), "PUT", url, _cell(alpha, status="no_need", version=0))

    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "edit_conflict" and error["current_version"] == 1
    assert error["theirs"] == {"status": "competitor", "competitor": "Voss"}
    retry = _send(_client(world.owner), "PUT", url, _cell(alpha, status="no_need", version=1))
    assert retry.status_code == 200 and retry.json()["version"] == 2
    assert WhitespaceCell.objects.get().status == "no_need"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "opportunity", "potential": "-5"}, "potential"),
        ({"status": "opportunity"}, "potential"),
        ({"status": "no_need", "colour": "red"}, "colour"),
        ({"status": "sometimes"}, "status"),
        ({"status": "no_need", "product_group": "Kaffee"}, "product_group"),
        ({"status": "no_need", "unit": "Berlin"}, "unit"),
    ],
)
def test_invalid_cells_answer_422_naming_the_field(alpha, world, body, field):
    url = api_path("business_cell_put", account_id=alpha.account.pk)

    response = _send(_client(world.owner), "PUT", url, _cell(alpha) | body)

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not WhitespaceCell.objects.exists()


def test_patch_refuses_null(alpha, world):
    url = api_path("business_cell_patch", account_id=alpha.account.pk)

    response = _send(_client(world.owner), "PATCH", url, _cell(alpha, note=None))

    assert response.status_code == 422


def test_units_are_listed_created_changed_and_removed(alpha, world):
    client = _client(world.owner)
    units = api_path("business_units_list", account_id=alpha.account.pk)

    created = client.post(
        units, data=json.dumps({"name": "Werk Zwickau", "country": "DE"}), content_type="application/json"
    )

    assert created.status_code == 201
    unit = created.json()
    assert (unit["name"], unit["kind"], unit["version"]) == ("Werk Zwickau", "unit", 1)
    assert [u["name"] for u in client.get(units).json()] == ["Werk Zwickau"]
    one = api_path("business_unit_get", account_id=alpha.account.pk, customer_unit_id=unit["id"])
    assert client.get(one).json()["country"] == "DE"
    duplicate = client.post(units, data=json.dumps({"name": "WERK ZWICKAU"}), content_type="application/json")
    assert duplicate.status_code == 422 and "name" in duplicate.json()["error"]["fields"]

    changed = _send(client, "PATCH", one, {"kind": "site", "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = _send(client, "PATCH", one, {"country": "CZ", "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["theirs"] == {"country": "DE"}

    assert client.delete(one).status_code == 204
    assert not CustomerUnit.objects.exists()
    assert client.get(one).status_code == 404


def test_a_unit_of_another_account_is_not_found(alpha, world):
    foreign = CustomerUnit.objects.create(account=world.other_account, name="Werk Beta")
    url = api_path("business_unit_get", account_id=alpha.account.pk, customer_unit_id=foreign.pk)

    assert _client(world.owner).get(url).status_code == 404
    assert _client(world.owner).delete(url).status_code == 404
    assert CustomerUnit.objects.filter(pk=foreign.pk).exists()

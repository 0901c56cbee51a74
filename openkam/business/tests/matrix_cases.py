"""The business pages and API in the permission matrices (see openkam/testing/matrix.py).

Everyone who may read the account reads our business with it and its whitespace matrix; the
owner and the core team change the matrix (cells and units), the extended team and management
get 403 on writes, other KAMs and administrators 404 for everything.
"""

from django.urls import reverse

from openkam.testing.matrix import CORE_WRITES, READERS, Case, post_ok

from .factories import CustomerUnitFactory
from .ledger import alpha_rows, register_ledger


def _unit(world):
    return CustomerUnitFactory(account=world.account, name="Werk Nord")


def _with_ledger(world) -> None:
    register_ledger(alpha_rows(world.account.customer.number))


def _cell_url(w, u):
    _with_ledger(w)
    url = reverse("business:cell", args=[w.account.pk])
    return f"{url}?unit=Stuttgart&product_group=Servomotoren"


HTML_CASES = {
    "business:overview": Case(lambda w, u: reverse("business:overview", args=[w.account.pk]), READERS),
    "business:cell": Case(_cell_url, CORE_WRITES),
    "business:export": Case(
        lambda w, u: reverse("business:export", args=[w.account.pk]) + "?format=xlsx", READERS
    ),
    "business:unit-create": Case(
        lambda w, u: reverse("business:unit-create", args=[w.account.pk]), CORE_WRITES
    ),
    "business:unit-edit": Case(
        lambda w, u: reverse("business:unit-edit", args=[w.account.pk, _unit(w).pk]), CORE_WRITES
    ),
    "business:unit-delete": Case(
        lambda w, u: reverse("business:unit-delete", args=[w.account.pk, _unit(w).pk]),
        post_ok(CORE_WRITES),
        method="post",
    ),
}

_ACCOUNT = "/accounts/{account_id}/business"
API_OPERATIONS = {
    "business_get": ("GET", _ACCOUNT),
    "business_whitespace_get": ("GET", f"{_ACCOUNT}/whitespace"),
    "business_cell_put": ("PUT", f"{_ACCOUNT}/whitespace/cells"),
    "business_cell_patch": ("PATCH", f"{_ACCOUNT}/whitespace/cells"),
    "business_units_list": ("GET", f"{_ACCOUNT}/units"),
    "business_unit_create": ("POST", f"{_ACCOUNT}/units"),
    "business_unit_get": ("GET", f"{_ACCOUNT}/units/{{customer_unit_id}}"),
    "business_unit_update": ("PATCH", f"{_ACCOUNT}/units/{{customer_unit_id}}"),
    "business_unit_delete": ("DELETE", f"{_ACCOUNT}/units/{{customer_unit_id}}"),
}

_READS = {"business_get", "business_whitespace_get", "business_units_list", "business_unit_get"}


def api_expected_status(operation_id: str, persona: str) -> int:
    expect = READERS if operation_id in _READS else CORE_WRITES
    status = expect[persona]
    if status != 200:
        return status
    method = API_OPERATIONS[operation_id][0]
    return {"POST": 201, "DELETE": 204}.get(method, 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    if operation_id in ("business_cell_put", "business_cell_patch"):
        _with_ledger(world)
        body = {
            "unit": "Stuttgart",
            "product_group": "Servomotoren",
            "status": "opportunity",
            "potential": "25000",
        }
        return body | ({"note": "Neue Linie 2027"} if operation_id == "business_cell_put" else {})
    if operation_id == "business_unit_create":
        return {"name": "Entwicklungszentrum", "kind": "unit", "country": "DE"}
    if operation_id == "business_unit_update":
        return {"country": "AT"}
    return None


def api_path_ids(world) -> dict:
    return {"customer_unit_id": _unit(world).pk}

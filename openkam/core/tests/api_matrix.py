"""The catalogue of REST API operations, shared by the API tests and the permission matrix.

``API_OPERATIONS`` must list exactly the operations of the OpenAPI document
(``test_api.py::test_the_openapi_document_lists_exactly_the_known_operations`` compares them), so
a new endpoint cannot ship without being added here — and thereby to every matrix that iterates
over this mapping.
"""

from openkam.accounts.choices import InternalRole, TeamScope
from openkam.testing.factories import UserFactory
from openkam.testing.matrix import app_case_modules, merged, owning_module
from openkam.users.choices import Role

PREFIX = "/api/v1"

# operation_id -> (HTTP method, path template relative to PREFIX)
API_OPERATIONS: dict[str, tuple[str, str]] = {
    "accounts_list": ("GET", "/accounts"),
    "account_get": ("GET", "/accounts/{account_id}"),
    "account_update": ("PATCH", "/accounts/{account_id}"),
    "team_list": ("GET", "/accounts/{account_id}/team"),
    "team_add": ("POST", "/accounts/{account_id}/team"),
    "team_update": ("PATCH", "/accounts/{account_id}/team/{membership_id}"),
    "team_remove": ("DELETE", "/accounts/{account_id}/team/{membership_id}"),
    "timeline_list": ("GET", "/accounts/{account_id}/timeline"),
    "stakeholders_list": ("GET", "/accounts/{account_id}/stakeholders"),
    "stakeholder_create": ("POST", "/accounts/{account_id}/stakeholders"),
    "stakeholder_get": ("GET", "/accounts/{account_id}/stakeholders/{stakeholder_id}"),
    "stakeholder_update": ("PATCH", "/accounts/{account_id}/stakeholders/{stakeholder_id}"),
    "stakeholder_delete": ("DELETE", "/accounts/{account_id}/stakeholders/{stakeholder_id}"),
    "customers_list": ("GET", "/customers"),
    "customer_get": ("GET", "/customers/{customer_id}"),
    "me_get": ("GET", "/me"),
    "me_update": ("PATCH", "/me"),
    "job_create": ("POST", "/jobs"),
    "job_get": ("GET", "/jobs/{job_id}"),
    "job_download": ("GET", "/jobs/{job_id}/download"),
}

# Each app's own operations (openkam/<app>/tests/matrix_cases.py).
API_OPERATIONS |= merged("API_OPERATIONS")

# The status of a successful call, per operation.
SUCCESS: dict[str, int] = {
    operation_id: {"POST": 201, "DELETE": 204}.get(method, 200)
    for operation_id, (method, _path) in API_OPERATIONS.items()
}
SUCCESS["job_create"] = 202
SUCCESS |= merged("API_SUCCESS")


def api_path(operation_id: str, **ids) -> str:
    """The URL of ``operation_id`` with its path parameters filled in."""
    return PREFIX + API_OPERATIONS[operation_id][1].format(**ids)


def world_ids(world, job=None) -> dict:
    """Path parameters that point at the owner's account and the objects hanging from it."""
    ids = {
        "account_id": world.account.pk,
        "membership_id": world.teammate_membership.pk,
        "stakeholder_id": world.stakeholder.pk,
        "customer_id": world.account.customer_id,
        "job_id": job.pk if job is not None else "00000000-0000-0000-0000-000000000000",
    }
    for module in app_case_modules():
        if hasattr(module, "api_path_ids"):
            ids |= module.api_path_ids(world)
    return ids


def sample_body(operation_id: str, world) -> dict | None:
    """A valid request body for the write operations (``None`` for reads).

    ``team_add`` creates a fresh team member, so call it inside a test with database access.
    """
    module = owning_module(operation_id)
    if module is not None:
        return module.api_sample_body(operation_id, world)
    if operation_id == "account_update":
        return {"status": "on_hold"}
    if operation_id == "team_add":
        newcomer = UserFactory(role=Role.MEMBER)
        return {"user_id": newcomer.pk, "internal_role": InternalRole.SERVICE, "scope": TeamScope.CORE}
    if operation_id == "team_update":
        return {"scope": TeamScope.EXTENDED}
    if operation_id == "stakeholder_create":
        return {"first_name": "Greta", "last_name": "Gruber", "email": "greta.gruber@kunde.example"}
    if operation_id == "stakeholder_update":
        return {"function": "Technischer Leiter"}
    if operation_id == "me_update":
        return {"language": "de"}
    if operation_id == "job_create":
        return {"kind": "accounts.export_csv"}
    return None

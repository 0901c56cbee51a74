"""Building blocks of the permission matrices, and the collection of each app's own cases.

The HTML matrix (``openkam/core/tests/test_permission_matrix.py``) and the API matrix
(``openkam/core/tests/api_matrix.py`` + ``test_api_personas.py``) cover every URL and every API
operation of the product. An app adds its own entries in ``openkam/<app>/tests/matrix_cases.py``,
which may define:

- ``HTML_CASES``: ``{url name: Case}`` for its views;
- ``API_OPERATIONS``: ``{operation_id: (method, path template)}`` for its API operations;
- ``API_SUCCESS``: ``{operation_id: status}`` where success is not 200/201/204 by method;
- ``api_expected_status(operation_id, persona) -> int``: the status each persona gets;
- ``api_sample_body(operation_id, world) -> dict | None``: a valid body for its writes;
- ``api_path_ids(world) -> dict``: path parameters its operations need (objects created in the
  test's database, so it is called inside the test).

The matrices fail when a URL or operation exists without an entry, so no endpoint ships without
deciding who may use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from django.apps import apps

PERSONAS = ["anonymous", "owner", "teammate", "extended", "other_kam", "manager", "admin"]
SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]

READERS = {"owner": 200, "teammate": 200, "extended": 200, "manager": 200, "other_kam": 404, "admin": 404}
OWNER_WRITES = {
    "owner": 200,
    "teammate": 403,
    "extended": 403,
    "manager": 403,
    "other_kam": 404,
    "admin": 404,
}
CORE_WRITES = {"owner": 200, "teammate": 200, "extended": 403, "manager": 403, "other_kam": 404, "admin": 404}
EVERYONE = dict.fromkeys(SIGNED_IN, 200)
ADMIN_ONLY = dict.fromkeys(SIGNED_IN, 404) | {"admin": 200}
# Head of KAM (management) and administrators: the whole customer base.
MANAGEMENT_AND_ADMIN = dict.fromkeys(SIGNED_IN, 404) | {"manager": 200, "admin": 200}


def post_ok(expect: dict[str, int]) -> dict[str, int]:
    """Successful POSTs redirect (302); refusals keep their status."""
    return {p: (302 if s == 200 else s) for p, s in expect.items()}


@dataclass
class Case:
    """One URL: how to build it for a persona, and the status each persona must get."""

    url: Callable
    expect: dict[str, int]
    method: str = "get"
    data: dict = field(default_factory=dict)
    anonymous: int = 302  # redirect to the login page


def app_case_modules() -> list[ModuleType]:
    """The ``tests.matrix_cases`` module of every OpenKAM app that has one."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("openkam."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.tests.matrix_cases"))
        except ModuleNotFoundError as error:
            if error.name not in (f"{config.name}.tests", f"{config.name}.tests.matrix_cases"):
                raise
    return modules


def merged(attribute: str) -> dict:
    """The union of one dict attribute over every app's cases; a name defined twice is an error."""
    result: dict = {}
    for module in app_case_modules():
        entries = getattr(module, attribute, {})
        clash = set(result) & set(entries)
        if clash:
            raise AssertionError(f"{module.__name__} redefines {sorted(clash)}")
        result |= entries
    return result


def owning_module(operation_id: str) -> ModuleType | None:
    """The app case module that defines an API operation (``None`` for the core catalogue)."""
    for module in app_case_modules():
        if operation_id in getattr(module, "API_OPERATIONS", {}):
            return module
    return None

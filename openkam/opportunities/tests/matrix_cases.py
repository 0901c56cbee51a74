"""The opportunities app's permission-matrix cases: the account's opportunities
(``account_matrix``) and the cross-account pipeline (``pipeline_matrix``)."""

from . import account_matrix as _account
from . import pipeline_matrix as _pipeline

_PARTS = (_account, _pipeline)

HTML_CASES = {name: case for part in _PARTS for name, case in getattr(part, "HTML_CASES", {}).items()}
API_OPERATIONS = {op: spec for part in _PARTS for op, spec in getattr(part, "API_OPERATIONS", {}).items()}
API_SUCCESS = {op: status for part in _PARTS for op, status in getattr(part, "API_SUCCESS", {}).items()}


def _part(operation_id: str):
    return next(part for part in _PARTS if operation_id in getattr(part, "API_OPERATIONS", {}))


def api_expected_status(operation_id: str, persona: str) -> int:
    return _part(operation_id).api_expected_status(operation_id, persona)


def api_sample_body(operation_id: str, world) -> dict | None:
    return _part(operation_id).api_sample_body(operation_id, world)


def api_path_ids(world) -> dict:
    ids: dict = {}
    for part in _PARTS:
        if hasattr(part, "api_path_ids"):
            ids |= part.api_path_ids(world)
    return ids

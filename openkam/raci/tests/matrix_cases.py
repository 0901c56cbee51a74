"""The RACI matrix in the permission matrices (see openkam/testing/matrix.py).

Everyone who may see the account reads the matrix and the templates (owner, team, management);
the owner and the core team change it; the extended team and management get 403 on writes; the
other KAM and administrators who are not on the team get 404. Every signed-in person reads
their own duties.
"""

from django.urls import reverse

from openkam.testing.matrix import CORE_WRITES, EVERYONE, READERS, Case, post_ok

from .factories import annual_review


def _acc(name):
    return lambda world, user: reverse(name, args=[world.account.pk])


def _task(name):
    return lambda world, user: reverse(name, args=[world.account.pk, annual_review(world).pk])


def _cell(world, user):
    return reverse("raci:cell", args=[world.account.pk, annual_review(world).pk, world.extended.pk])


HTML_CASES = {
    "raci:matrix": Case(_acc("raci:matrix"), READERS),
    "raci:templates": Case(_acc("raci:templates"), READERS),
    "raci:template-apply": Case(
        _acc("raci:template-apply"), post_ok(CORE_WRITES), method="post", data={"key": "annual_review"}
    ),
    "raci:task-create": Case(_acc("raci:task-create"), CORE_WRITES),
    "raci:task-edit": Case(_task("raci:task-edit"), CORE_WRITES),
    "raci:task-delete": Case(_task("raci:task-delete"), post_ok(CORE_WRITES), method="post"),
    "raci:task-move": Case(
        _task("raci:task-move"), post_ok(CORE_WRITES), method="post", data={"direction": "down"}
    ),
    # Without htmx the row answers with the matrix (a redirect).
    "raci:row": Case(_task("raci:row"), post_ok(READERS)),
    "raci:row-edit": Case(_task("raci:row-edit"), CORE_WRITES),
    "raci:cell": Case(_cell, CORE_WRITES),
}

_MATRIX = "/accounts/{account_id}/raci"
_TASK = f"{_MATRIX}/tasks/{{raci_task_id}}"
API_OPERATIONS = {
    "raci_matrix_get": ("GET", _MATRIX),
    "raci_templates_list": ("GET", f"{_MATRIX}/templates"),
    "raci_templates_apply": ("POST", f"{_MATRIX}/templates/apply"),
    "raci_task_create": ("POST", f"{_MATRIX}/tasks"),
    "raci_task_get": ("GET", _TASK),
    "raci_task_update": ("PATCH", _TASK),
    "raci_task_delete": ("DELETE", _TASK),
    "raci_task_move": ("POST", f"{_TASK}/move"),
    "raci_cell_put": ("PUT", f"{_TASK}/cells/{{raci_user_id}}"),
    "raci_cell_delete": ("DELETE", f"{_TASK}/cells/{{raci_user_id}}"),
    "me_raci_duties": ("GET", "/me/raci-duties"),
}
API_SUCCESS = {"raci_templates_apply": 200, "raci_task_move": 200}


def api_expected_status(operation_id: str, persona: str) -> int:
    if operation_id == "me_raci_duties":
        return EVERYONE[persona]
    method = API_OPERATIONS[operation_id][0]
    status = (READERS if method == "GET" else CORE_WRITES)[persona]
    if status != 200:
        return status
    if operation_id in API_SUCCESS:
        return API_SUCCESS[operation_id]
    return {"POST": 201, "DELETE": 204}.get(method, 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    return {
        "raci_templates_apply": {"keys": ["escalations"]},
        "raci_task_create": {
            "title": "Trade fair preparation",
            "letters": [
                {"user_id": world.owner.pk, "letter": "A"},
                {"user_id": world.teammate.pk, "letter": "R"},
            ],
        },
        "raci_task_update": {"title": "Annual review with purchasing"},
        "raci_task_move": {"direction": "up"},
        "raci_cell_put": {"letter": "C"},
    }.get(operation_id)


def api_path_ids(world) -> dict:
    return {"raci_task_id": annual_review(world).pk, "raci_user_id": world.extended.pk}

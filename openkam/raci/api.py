"""API operations on the RACI matrix of a key account (mounted under /accounts; see openkam/api.py).

See docs/raci.md for the rules. The account is loaded only through its access helper (404 for
what the caller may not see); the services decide who may change the matrix (the owner and the
core team: 403 for others) and validate (422 naming the body's field, with the rule that an
edit would break). Edits of letters may carry the task ``version`` the client read; when
someone else changed the row in between, the answer is 409.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import refuse_unknown_query, with_errors
from openkam.users.models import User

from . import services
from .catalog import TEMPLATES_BY_KEY
from .permissions import can_work_on_account, get_task_for_user, require
from .schemas import (
    RaciCellIn,
    RaciCellQuery,
    RaciLetterIn,
    RaciMatrixOut,
    RaciMoveIn,
    RaciTaskIn,
    RaciTaskOut,
    RaciTaskPatch,
    RaciTemplateOut,
    RaciTemplatesApplyIn,
    RaciTemplatesApplyOut,
)
from .selectors import RaciMatrix, Row, raci_matrix, raci_row, team_columns, template_previews

router = Router(tags=["RACI matrix"])

_TASK = "/{account_id}/raci/tasks/{raci_task_id}"


def _task_out(row: Row) -> dict:
    task = row.task
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "template_key": task.template_key,
        "position": task.position,
        "version": task.version,
        "letters": [{"user_id": c.column.user.pk, "letter": c.letter} for c in row.cells if c.letter],
        "problems": row.problems,
    }


def _matrix_out(matrix: RaciMatrix) -> dict:
    return {
        "people": [
            {
                "id": column.user.pk,
                "name": column.name,
                "internal_role": column.membership.internal_role if column.membership else "",
                "is_kam": column.is_kam,
                "scope": column.membership.scope if column.membership else "",
                "on_team": column.on_team,
            }
            for column in matrix.columns
        ],
        "tasks": [_task_out(row) for row in matrix.rows],
        "problems": [
            {
                "kind": problem.kind,
                "message": problem.message,
                "task_id": problem.task.pk if problem.task else None,
                "user_id": problem.user.pk if problem.user else None,
            }
            for problem in matrix.problems
        ],
    }


def _row_of(task) -> dict:
    _matrix, row = raci_row(task)
    return _task_out(row)


def _letters_of(account, items: list[RaciLetterIn], *, holders=()) -> dict:
    """The people of ``items`` with their letters; 422 for anyone neither on the team nor
    holding a letter of the task already (former members may keep theirs)."""
    ids = [item.user_id for item in items]
    if len(ids) != len(set(ids)):
        raise ValidationError({"letters": gettext("One letter per person: name each person once.")})
    team = {column.user.pk: column.user for column in team_columns(account)}
    allowed = set(team) | set(holders)
    if not set(ids) <= allowed:
        raise ValidationError(
            {"letters": gettext("Choose the key account manager or members of the account team.")}
        )
    people = team | {user.pk: user for user in User.objects.filter(pk__in=set(ids) - set(team))}
    return {people[item.user_id]: item.letter for item in items}


@router.get(
    "/{account_id}/raci",
    response=with_errors({200: RaciMatrixOut}, 401, 404),
    operation_id="raci_matrix_get",
    summary=_("Show the RACI matrix of a key account"),
)
def matrix_get(request, account_id: int):
    """Columns (people), rows (tasks with their letters) and the rule check of the matrix."""
    return _matrix_out(raci_matrix(get_account_for_user(request.auth, account_id)))


@router.get(
    "/{account_id}/raci/templates",
    response=with_errors({200: list[RaciTemplateOut]}, 401, 404),
    operation_id="raci_templates_list",
    summary=_("List the RACI task templates"),
)
def templates_list(request, account_id: int):
    """Every built-in template with the letters it suggests by role and for the current team."""
    account = get_account_for_user(request.auth, account_id)
    return [
        {
            "key": preview.template.key,
            "title": str(preview.template.title),
            "description": str(preview.template.description),
            "suggested": [{"letter": letter, "roles": roles} for letter, roles in preview.roles],
            "for_team": [
                {"user_id": colleague.user.pk, "letter": letter}
                for colleague, letter in preview.suggestion.letters.items()
            ],
            "notes": preview.suggestion.notes,
            "possible": preview.suggestion.possible,
            "applied": preview.applied,
        }
        for preview in template_previews(account)
    ]


@router.post(
    "/{account_id}/raci/templates/apply",
    response=with_errors({200: RaciTemplatesApplyOut}, 401, 403, 404, 422),
    operation_id="raci_templates_apply",
    summary=_("Add tasks from RACI templates"),
)
def templates_apply(request, account_id: int, payload: RaciTemplatesApplyIn):
    """Copies the templates (all missing ones without ``keys``) in your language with the
    letters they suggest for the current team; templates the matrix has already are skipped."""
    account = get_account_for_user(request.auth, account_id)
    if payload.keys is not None and not set(payload.keys) <= set(TEMPLATES_BY_KEY):
        unknown = sorted(set(payload.keys) - set(TEMPLATES_BY_KEY))
        raise ValidationError({"keys": gettext("Unknown template: %(keys)s.") % {"keys": ", ".join(unknown)}})
    result = services.raci_templates_apply(actor=request.auth, account=account, keys=payload.keys)
    matrix = raci_matrix(account)
    created = {task.pk for task in result.created}
    return {
        "created": [_task_out(row) for row in matrix.rows if row.task.pk in created],
        "skipped": result.skipped,
        "notes": result.notes,
    }


@router.post(
    "/{account_id}/raci/tasks",
    response=with_errors({201: RaciTaskOut}, 401, 403, 404, 422),
    operation_id="raci_task_create",
    summary=_("Add a RACI task"),
)
def task_create(request, account_id: int, payload: RaciTaskIn):
    """The task comes last in the matrix; its letters must meet the rules."""
    account = get_account_for_user(request.auth, account_id)
    task = services.raci_task_create(
        actor=request.auth,
        account=account,
        title=payload.title,
        description=payload.description,
        letters=_letters_of(account, payload.letters),
    )
    task.account = account
    return Status(201, _row_of(task))


@router.get(
    _TASK,
    response=with_errors({200: RaciTaskOut}, 401, 404),
    operation_id="raci_task_get",
    summary=_("Show a RACI task"),
)
def task_get(request, account_id: int, raci_task_id: int):
    return _row_of(get_task_for_user(request.auth, account_id, raci_task_id))


@router.patch(
    _TASK,
    response=with_errors({200: RaciTaskOut}, 401, 403, 404, 409, 422),
    operation_id="raci_task_update",
    summary=_("Change a RACI task"),
)
def task_update(request, account_id: int, raci_task_id: int, payload: RaciTaskPatch):
    """Rename, describe, or replace all letters of the row (checked as a whole)."""
    task = get_task_for_user(request.auth, account_id, raci_task_id)
    values = payload.changed()
    version = values.pop("version", None)
    letters = values.pop("letters", None)
    with transaction.atomic():
        if values:
            task = services.raci_task_update(actor=request.auth, task=task, version=version, **values)
            # The letters below belong to the same edit: it may build on the version just saved.
            version = task.version if version is not None else None
        if letters is not None:
            holders = task.assignments.values_list("user_id", flat=True)
            task = services.raci_row_set(
                actor=request.auth,
                task=task,
                letters=_letters_of(task.account, payload.letters, holders=holders),
                version=version,
            )
    return _row_of(task)


@router.delete(
    _TASK,
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="raci_task_delete",
    summary=_("Remove a RACI task"),
)
def task_delete(request, account_id: int, raci_task_id: int):
    services.raci_task_delete(
        actor=request.auth, task=get_task_for_user(request.auth, account_id, raci_task_id)
    )
    return Status(204, None)


@router.post(
    f"{_TASK}/move",
    response=with_errors({200: RaciTaskOut}, 401, 403, 404, 422),
    operation_id="raci_task_move",
    summary=_("Move a RACI task up or down"),
)
def task_move(request, account_id: int, raci_task_id: int, payload: RaciMoveIn):
    """Swaps the task with its neighbour; at the top (or bottom) nothing changes."""
    task = get_task_for_user(request.auth, account_id, raci_task_id)
    moved = services.raci_task_move(actor=request.auth, task=task, direction=payload.direction)
    return _row_of(moved)


def _cell_user(task, raci_user_id: int) -> User:
    matrix, _row = raci_row(task)
    column = matrix.column_of(raci_user_id)
    if column is None:
        raise ValidationError(
            {"letter": gettext("Only the key account manager and members of the account team get letters.")}
        )
    return column.user


@router.put(
    f"{_TASK}/cells/{{raci_user_id}}",
    response=with_errors({200: RaciTaskOut}, 401, 403, 404, 409, 422),
    operation_id="raci_cell_put",
    summary=_("Set a letter in the RACI matrix"),
)
def cell_put(request, account_id: int, raci_task_id: int, raci_user_id: int, payload: RaciCellIn):
    """A single-cell edit may not break a rule the row meets (422 naming the rule); with
    ``move_accountable`` the letter A moves from the current Accountable to this person."""
    task = get_task_for_user(request.auth, account_id, raci_task_id)
    task = services.raci_cell_set(
        actor=request.auth,
        task=task,
        user=_cell_user(task, raci_user_id),
        letter=payload.letter,
        version=payload.version,
        move_accountable=payload.move_accountable,
    )
    return _row_of(task)


@router.delete(
    f"{_TASK}/cells/{{raci_user_id}}",
    response=with_errors({204: None}, 401, 403, 404, 409, 422),
    operation_id="raci_cell_delete",
    summary=_("Clear a cell of the RACI matrix"),
)
def cell_delete(request, account_id: int, raci_task_id: int, raci_user_id: int, query: Query[RaciCellQuery]):
    """Empties the cell (no-op when it is empty); refused when the row would lose its only
    Accountable or Responsible."""
    refuse_unknown_query(request, RaciCellQuery)
    task = get_task_for_user(request.auth, account_id, raci_task_id)
    require(can_work_on_account(request.auth, task.account))
    user = User.objects.filter(pk=raci_user_id).first()
    if user is not None:
        services.raci_cell_set(actor=request.auth, task=task, user=user, letter="", version=query.version)
    return Status(204, None)

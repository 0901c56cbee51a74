"""Pages of the RACI matrix of a key account.

The matrix is edited in place with htmx: a click on a cell re-renders its row with a small
select in that cell; saving answers with the row again — updated, or with the cell's form and
the message why the edit was refused (the cell keeps its letter). Without JavaScript the same
URLs are ordinary pages. A whole row is edited on its own page, which is also how the
Accountable is handed on together with the previous Accountable's new letter.

Everyone who may see the account reads; the owner and the core team change
(``can_work_on_account``; others get 403 and see no buttons).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import get_account_for_user
from openkam.accounts.selectors import team_users
from openkam.core.forms import add_service_errors, submit_to_service
from openkam.core.locking import EditConflict

from . import services
from .choices import LETTER_HELP, LETTER_ORDER, Letter
from .forms import CellForm, MoveForm, RowForm, TaskEditForm, TaskForm, TemplateApplyForm
from .permissions import can_work_on_account, get_task_for_user, require
from .selectors import raci_matrix, raci_row, template_previews


def _page(request, account, **context) -> dict:
    return {
        "account": account,
        "account_section": "team",
        "team_section": "raci",
        "active_nav": "accounts",
        "can_edit": can_work_on_account(request.user, account),
        **context,
    }


def _matrix_url(account, task=None) -> str:
    url = reverse("raci:matrix", args=[account.pk])
    return f"{url}#task-{task.pk}" if task is not None else url


def _legend():
    return [(letter, Letter(letter).label, LETTER_HELP[letter]) for letter in LETTER_ORDER]


@login_required
@require_GET
def matrix(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    data = raci_matrix(account)
    return render(
        request,
        "raci/matrix.html",
        _page(request, account, matrix=data, raci_problems=data.problems, legend=_legend()),
    )


def _row_response(request, task, **context):
    matrix, row = raci_row(task)
    return render(
        request,
        "raci/_row.html",
        _page(request, task.account, matrix=matrix, row=row, **context),
    )


@login_required
@require_GET
def row(request, account_pk, pk):
    """One row of the matrix (htmx: after cancelling a cell edit); other requests go to the matrix."""
    task = get_task_for_user(request.user, account_pk, pk)
    if not request.htmx:
        return redirect(_matrix_url(task.account, task))
    return _row_response(request, task)


@login_required
@require_http_methods(["GET", "POST"])
def cell_edit(request, account_pk, pk, user_pk):
    """The letter of one person for one task; htmx gets the row, other requests a page."""
    task = get_task_for_user(request.user, account_pk, pk)
    account = task.account
    require(can_work_on_account(request.user, account))
    matrix, current_row = raci_row(task)
    column = matrix.column_of(user_pk)
    if column is None:
        raise Http404
    current = current_row.letter_of(column.user)
    form = CellForm(
        request.POST or None,
        initial={"letter": current, "version": task.version},
        former=not column.on_team,
        current=current,
    )
    offer_move = False
    if request.method == "POST" and form.is_valid():
        try:
            task = services.raci_cell_set(
                actor=request.user,
                task=task,
                user=column.user,
                letter=form.cleaned_data["letter"],
                version=form.cleaned_data["version"],
                move_accountable=form.cleaned_data["move_accountable"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            offer_move = any(
                error.code == "accountable_taken"
                for error in getattr(exc, "error_dict", {}).get("letter", [])
            )
        except EditConflict as exc:
            form.show_conflict(exc)
            matrix, current_row = raci_row(task)
            current = current_row.letter_of(column.user)
        else:
            if request.htmx:
                return _row_response(request, task, saved=column.user.pk)
            messages.success(request, _("RACI matrix saved."))
            return redirect(_matrix_url(account, task))
    context = {
        "form": form,
        "column": column,
        "current": current,
        "offer_move": offer_move,
        "editing": column.user.pk,
        "matrix": matrix,
        "row": current_row,
        "task": task,
    }
    if request.htmx:
        return render(request, "raci/_row.html", _page(request, account, **context))
    return render(request, "raci/cell.html", _page(request, account, **context))


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request, account_pk, pk):
    """Every letter of one task at once, checked as a whole."""
    task = get_task_for_user(request.user, account_pk, pk)
    account = task.account
    require(can_work_on_account(request.user, account))
    _matrix, current_row = raci_row(task)
    columns = [(cell.column, cell.letter) for cell in current_row.cells]
    initial = {f"letter_{column.user.pk}": letter for column, letter in columns} | {"version": task.version}
    form = RowForm(request.POST or None, initial=initial, columns=columns)
    if request.method == "POST" and form.is_valid():
        try:
            services.raci_row_set(actor=request.user, task=task, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except EditConflict as exc:
            form.show_conflict(exc)
        else:
            messages.success(request, _("Letters of “%(task)s” saved.") % {"task": task.title})
            return redirect(_matrix_url(account, task))
    return render(
        request,
        "raci/row_form.html",
        _page(request, account, form=form, task=task, row=current_row, legend=_legend()),
    )


# Tasks ------------------------------------------------------------------------------------------


def _form_page(request, account, form, *, title, intro="", task=None, delete_url=None):
    return render(
        request,
        "raci/form.html",
        _page(
            request,
            account,
            form=form,
            title=title,
            intro=intro,
            task=task,
            delete_url=delete_url,
            back=_matrix_url(account, task),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    form = TaskForm(request.POST or None, team=team_users(account))
    if request.method == "POST" and form.is_valid():
        try:
            task = services.raci_task_create(actor=request.user, account=account, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Task added to the RACI matrix."))
            return redirect(_matrix_url(account, task))
    return _form_page(
        request,
        account,
        form,
        title=_("Add a RACI task"),
        intro=_(
            "A task has exactly one Accountable and at least one Responsible; choose them now. "
            "Supporting, Consulted and Informed are set in the matrix afterwards."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, account_pk, pk):
    task = get_task_for_user(request.user, account_pk, pk)
    account = task.account
    require(can_work_on_account(request.user, account))
    initial = {"title": task.title, "description": task.description, "version": task.version}
    form = TaskEditForm(request.POST or None, initial=initial)
    if submit_to_service(request, form, services.raci_task_update, task=task, success=_("Task saved.")):
        return redirect(_matrix_url(account, task))
    return _form_page(
        request,
        account,
        form,
        title=_("Edit RACI task"),
        task=task,
        delete_url=reverse("raci:task-delete", args=[account.pk, task.pk]),
    )


@login_required
@require_POST
def task_delete(request, account_pk, pk):
    task = get_task_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, task.account))
    services.raci_task_delete(actor=request.user, task=task)
    messages.success(request, _("Task “%(task)s” removed.") % {"task": task.title})
    return redirect(_matrix_url(task.account))


@login_required
@require_POST
def task_move(request, account_pk, pk):
    task = get_task_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, task.account))
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Move a task up or down."))
    services.raci_task_move(actor=request.user, task=task, direction=form.cleaned_data["direction"])
    return redirect(_matrix_url(task.account, task))


# Templates --------------------------------------------------------------------------------------


@login_required
@require_GET
def templates(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    previews = template_previews(account)
    return render(
        request,
        "raci/templates.html",
        _page(request, account, previews=previews, missing=sum(1 for p in previews if not p.applied)),
    )


@login_required
@require_POST
def template_apply(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    form = TemplateApplyForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown template."))
    key = form.cleaned_data["key"]
    result = services.raci_templates_apply(actor=request.user, account=account, keys=[key] if key else None)
    if result.created:
        count = len(result.created)
        messages.success(
            request,
            ngettext(
                "%(count)s task added from the templates.", "%(count)s tasks added from the templates.", count
            )
            % {"count": count},
        )
    elif not result.notes:
        messages.info(request, _("The matrix has these template tasks already."))
    for note in result.notes:
        messages.warning(request, note)
    return redirect(_matrix_url(account))

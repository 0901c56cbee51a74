"""Pages of our business with a key account and its whitespace matrix.

The matrix is edited cell by cell with htmx: a click loads the cell's form into the cell, saving
answers with the whole matrix (so the totals change at once) or, on an error or an edit
conflict, with the form again. Without JavaScript the same URLs work as ordinary pages.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from openkam.accounts.permissions import can_work_on_account, get_account_for_user, require
from openkam.core.forms import submit_to_service

from . import exports, services
from .charts import years_chart
from .choices import CellStatus
from .forms import CellForm, ExportForm, UnitEditForm, UnitForm
from .models import CustomerUnit
from .selectors import account_business, competitor_suggestions, group_data, whitespace_matrix

ACTIVE_NAV = "accounts"
SECTION = "business"
MATRIX_ID = "whitespace"
COMPETITORS_LIST = "competitor-names"


def _year(request, data) -> int | None:
    """The fiscal year asked for with ``?year=``, if the ledger has it (else the default)."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if year in data.years else None


def _overview_url(account, year) -> str:
    url = reverse("business:overview", args=[account.pk])
    return (f"{url}?year={year}" if year else url) + f"#{MATRIX_ID}"


def _matrix_context(request, account, matrix) -> dict:
    return {
        "account": account,
        "matrix": matrix,
        "can_work": can_work_on_account(request.user, account),
        "matrix_id": MATRIX_ID,
    }


@login_required
@require_GET
def overview(request, account_pk):
    """Our business with the account (years, breakdowns) and the whitespace matrix."""
    account = get_account_for_user(request.user, account_pk)
    data = group_data(account)
    year = _year(request, data)
    matrix = whitespace_matrix(account, year=year, data=data)
    context = _matrix_context(request, account, matrix)
    if request.htmx and request.htmx.target == MATRIX_ID:
        return render(request, "business/_matrix.html", context)
    business = account_business(account, year=year, data=data)
    context |= {
        "active_nav": ACTIVE_NAV,
        "account_section": SECTION,
        "business": business,
        "chart": years_chart(business, language=request.LANGUAGE_CODE),
        "competitors": competitor_suggestions(account) if context["can_work"] else [],
    }
    return render(request, "business/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cell_edit(request, account_pk):
    """Mark one cell: ``?unit=…&product_group=…`` on GET, the same as form fields on POST."""
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    data = group_data(account)
    year = _year(request, data)
    source = request.POST if request.method == "POST" else request.GET
    matrix = whitespace_matrix(account, year=year, data=data)
    cell = matrix.cell(source.get("unit", ""), source.get("product_group", ""))
    if cell is None:
        raise Http404
    initial = {"unit": cell.row, "product_group": cell.product_group, "version": cell.version}
    if cell.mark is not None:
        initial |= {f: getattr(cell.mark, f) for f in ("status", "competitor", "potential", "note")}
    form = CellForm(request.POST or None, initial=initial, competitors_list=COMPETITORS_LIST)
    if submit_to_service(
        request, form, services.whitespace_cell_set, account=account, success=_("Whitespace cell saved.")
    ):
        if request.htmx:
            # The matrix answers in place of the page, so it shows the success message itself.
            matrix = whitespace_matrix(account, year=matrix.year)
            context = _matrix_context(request, account, matrix) | {"show_messages": True}
            response = render(request, "business/_matrix.html", context)
            return reswap(retarget(response, f"#{MATRIX_ID}"), "outerHTML")
        return redirect(_overview_url(account, year))
    context = {
        "account": account,
        "account_section": SECTION,
        "active_nav": ACTIVE_NAV,
        "form": form,
        "cell": cell,
        "matrix": matrix,
        "competitors": competitor_suggestions(account),
        "competitors_list": COMPETITORS_LIST,
        "matrix_id": MATRIX_ID,
    } | _cell_opportunities(request, account, cell.mark)
    if request.htmx:
        return render(request, "business/_cell_form.html", context)
    return render(request, "business/cell.html", context)


def _cell_opportunities(request, account, mark) -> dict:
    """The opportunities linked to a marked cell, and whether the user may start one from it."""
    # The opportunities app builds on this one: imported here to keep that direction.
    from openkam.opportunities.permissions import can_edit_opportunities
    from openkam.opportunities.selectors import opportunities_for_cell

    if mark is None:
        return {"cell_opportunities": [], "can_create_opportunity": False}
    return {
        "cell_opportunities": opportunities_for_cell(mark),
        "can_create_opportunity": mark.status == CellStatus.OPPORTUNITY
        and can_edit_opportunities(request.user, account),
    }


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    form = UnitForm(request.POST or None)
    if submit_to_service(
        request, form, services.customer_unit_create, account=account, success=_("Unit added to the matrix.")
    ):
        return redirect(_overview_url(account, None))
    return render(
        request,
        "business/unit_form.html",
        {"form": form, "account": account, "account_section": SECTION, "active_nav": ACTIVE_NAV},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, account_pk, pk):
    account = get_account_for_user(request.user, account_pk)
    unit = get_object_or_404(CustomerUnit, pk=pk, account=account)
    unit.account = account  # keep the viewer annotations of the access helper
    require(can_work_on_account(request.user, account))
    initial = {"name": unit.name, "kind": unit.kind, "country": unit.country, "version": unit.version}
    form = UnitEditForm(request.POST or None, initial=initial)
    if submit_to_service(request, form, services.customer_unit_update, unit=unit, success=_("Unit saved.")):
        return redirect(_overview_url(account, None))
    return render(
        request,
        "business/unit_form.html",
        {
            "form": form,
            "account": account,
            "unit": unit,
            "account_section": SECTION,
            "active_nav": ACTIVE_NAV,
        },
    )


@login_required
@require_POST
def unit_delete(request, account_pk, pk):
    account = get_account_for_user(request.user, account_pk)
    unit = get_object_or_404(CustomerUnit, pk=pk, account=account)
    unit.account = account
    require(can_work_on_account(request.user, account))
    services.customer_unit_delete(actor=request.user, unit=unit)
    messages.success(request, _("Unit removed from the matrix."))
    return redirect(_overview_url(account, None))


@login_required
@require_GET
def export(request, account_pk):
    """The whitespace matrix as XLSX or CSV (``?format=xlsx|csv&year=…``)."""
    account = get_account_for_user(request.user, account_pk)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a valid export format."))
    data = group_data(account)
    year = form.cleaned_data["year"]
    try:
        matrix = whitespace_matrix(account, year=year, data=data)
    except ValueError:
        return HttpResponseBadRequest(_("The ledger has no such fiscal year."))
    header, rows = exports.matrix_table(matrix)
    number = re.sub(r"[^A-Za-z0-9_-]+", "-", account.customer.number).strip("-") or str(account.pk)
    prefix = _("whitespace-matrix")
    name = f"{prefix}-{number}" + (f"-{matrix.year}" if matrix.year else "")
    return exports.download(form.cleaned_data["format"], name, header, rows, sheet=_("Whitespace"))

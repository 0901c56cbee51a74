"""API operations on our business with a key account and its whitespace matrix (mounted under
/accounts, all paths below ``/{account_id}/business``).

See openkam/api.py for authentication and the error format, docs/business.md for the rules.
The account is loaded through its access helper (404 for accounts the caller may not see);
every write goes through a service, which checks the permission (403: only the owner and the
core team), validates (422) and locks optimistically: send the ``version`` you read, and a newer
stored version answers 409 with what was saved meanwhile.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import InputSchema, PatchSchema, money, refuse_unknown_query, with_errors

from . import services
from .choices import CellState, CellStatus, UnitKind
from .models import CustomerUnit
from .selectors import (
    AccountBusiness,
    BreakdownRow,
    MatrixCell,
    WhitespaceMatrix,
    WhitespaceTotals,
    account_business,
    group_data,
    units_for_account,
    whitespace_matrix,
)

router = Router(tags=["Our business and whitespace"])


class YearQuery(InputSchema):
    year: int | None = Field(None, description="Fiscal year (default: the last complete one).")


def _data_for_year(request, account, query: YearQuery):
    refuse_unknown_query(request, YearQuery)
    data = group_data(account)
    if query.year is not None and query.year not in data.years:
        raise ValidationError({"year": gettext("The ledger has no such fiscal year.")})
    return data


# Figures ----------------------------------------------------------------------------------------


class YearOut(Schema):
    year: int
    revenue: Decimal
    margin: Decimal
    margin_rate: Decimal | None
    growth: Decimal | None
    complete: bool


class BreakdownOut(Schema):
    name: str
    revenue: Decimal
    margin: Decimal
    margin_rate: Decimal | None
    previous_revenue: Decimal
    growth: Decimal | None
    share: Decimal | None
    revenue_by_year: list[Decimal]


class CompanyOut(BreakdownOut):
    customer_id: int
    customer_number: str
    subsidiary: bool


class BusinessOut(Schema):
    has_ledger: bool
    year: int | None = Field(description="The year of the breakdowns.")
    previous_year: int | None
    years: list[YearOut]
    companies: list[CompanyOut] = Field(description="The account's customer first, then its subsidiaries.")
    product_groups: list[BreakdownOut]
    business_units: list[BreakdownOut]
    sites: list[BreakdownOut]
    product_groups_bought: int
    product_groups_total: int
    breadth: Decimal | None = Field(description="Product groups bought ÷ product groups of the ledger.")


def _row(row: BreakdownRow) -> dict:
    return {
        "name": row.name,
        "revenue": row.revenue,
        "margin": row.margin,
        "margin_rate": row.margin_rate,
        "previous_revenue": row.previous_revenue,
        "growth": row.growth,
        "share": row.share,
        "revenue_by_year": list(row.revenue_by_year),
    }


def _business(business: AccountBusiness) -> dict:
    return {
        "has_ledger": business.has_ledger,
        "year": business.year,
        "previous_year": business.previous_year,
        "years": [
            {
                "year": y.year,
                "revenue": y.revenue,
                "margin": y.margin,
                "margin_rate": y.margin_rate,
                "growth": y.growth,
                "complete": y.complete,
            }
            for y in business.years
        ],
        "companies": [
            _row(r)
            | {"customer_id": r.customer.pk, "customer_number": r.customer.number, "subsidiary": i > 0}
            for i, r in enumerate(business.members)
        ],
        "product_groups": [_row(r) for r in business.product_groups],
        "business_units": [_row(r) for r in business.business_units],
        "sites": [_row(r) for r in business.sites],
        "product_groups_bought": business.product_groups_bought,
        "product_groups_total": business.product_groups_total,
        "breadth": business.breadth,
    }


@router.get(
    "/{account_id}/business",
    response=with_errors({200: BusinessOut}, 401, 404, 422),
    operation_id="business_get",
    summary=_("Our business with a key account"),
)
def business_get(request, account_id: int, query: Query[YearQuery]):
    """Revenue, margin and growth of the customer group per fiscal year, and the chosen year by
    group company, product group, business unit and site (amounts in the ledger currency)."""
    account = get_account_for_user(request.auth, account_id)
    data = _data_for_year(request, account, query)
    return _business(account_business(account, year=query.year, data=data))


# Whitespace -------------------------------------------------------------------------------------


class TotalsOut(Schema):
    cells: int
    cells_sold: int
    cells_with_need: int
    penetration: Decimal | None = Field(description="Cells we sell ÷ cells with a need (0..1).")
    open_potential: Decimal
    opportunities: int
    competitor_cells: int
    no_need_cells: int
    unknown_cells: int


class MarkOut(Schema):
    status: CellStatus
    competitor: str
    potential: Decimal | None
    note: str
    version: int
    updated_at: datetime


class CellOut(Schema):
    product_group: str
    state: CellState = Field(description="What the matrix shows: sold (from the ledger) or the team's mark.")
    revenue: Decimal | None = Field(description="Our net revenue in the year; null without a line.")
    overridden: bool = Field(description="The team's mark is kept but the ledger shows revenue.")
    version: int = Field(description="Send it back when you change the cell; 0 while it has no mark.")
    mark: MarkOut | None


class RowOut(Schema):
    name: str
    unit_id: int | None
    kind: UnitKind
    country: str
    in_ledger: bool
    companies: list[str]
    revenue: Decimal
    cells: list[CellOut]
    totals: TotalsOut


class ColumnOut(Schema):
    product_group: str
    revenue: Decimal
    totals: TotalsOut


class WhitespaceOut(Schema):
    has_ledger: bool
    year: int | None
    years: list[int]
    product_groups: list[str]
    rows: list[RowOut]
    columns: list[ColumnOut]
    totals: TotalsOut


def _totals(totals: WhitespaceTotals) -> dict:
    return {
        "cells": totals.cells,
        "cells_sold": totals.cells_sold,
        "cells_with_need": totals.cells_with_need,
        "penetration": totals.penetration,
        "open_potential": totals.open_potential,
        "opportunities": totals.opportunities,
        "competitor_cells": totals.competitor_cells,
        "no_need_cells": totals.no_need_cells,
        "unknown_cells": totals.unknown_cells,
    }


def _cell(cell: MatrixCell) -> dict:
    return {
        "product_group": cell.product_group,
        "state": cell.state,
        "revenue": cell.revenue,
        "overridden": cell.overridden,
        "version": cell.version,
        "mark": cell.mark,
    }


def _matrix(matrix: WhitespaceMatrix) -> dict:
    return {
        "has_ledger": matrix.has_ledger,
        "year": matrix.year,
        "years": list(matrix.years),
        "product_groups": list(matrix.product_groups),
        "rows": [
            {
                "name": row.name,
                "unit_id": row.unit.pk if row.unit is not None else None,
                "kind": row.kind,
                "country": row.country,
                "in_ledger": row.in_ledger,
                "companies": list(row.customers),
                "revenue": row.revenue,
                "cells": [_cell(c) for c in row.cells],
                "totals": _totals(row.totals),
            }
            for row in matrix.rows
        ],
        "columns": [
            {"product_group": c.product_group, "revenue": c.revenue, "totals": _totals(c.totals)}
            for c in matrix.columns
        ],
        "totals": _totals(matrix.totals),
    }


@router.get(
    "/{account_id}/business/whitespace",
    response=with_errors({200: WhitespaceOut}, 401, 404, 422),
    operation_id="business_whitespace_get",
    summary=_("The whitespace matrix of a key account"),
)
def whitespace_get(request, account_id: int, query: Query[YearQuery]):
    """Units × product groups with the ledger's revenue and the team's marks, and the totals per
    row, per column and overall (penetration, open potential)."""
    account = get_account_for_user(request.auth, account_id)
    data = _data_for_year(request, account, query)
    return _matrix(whitespace_matrix(account, year=query.year, data=data))


class CellIn(InputSchema):
    unit: str = Field(description="The row: a unit of the team or a site of the ledger (by name).")
    product_group: str
    status: CellStatus
    competitor: str = ""
    potential: Decimal | None = Field(None, ge=0, description="Required for an opportunity (EUR per year).")
    note: str = ""
    version: int | None = Field(None, ge=0, description="The cell's version you read (0: it had no mark).")


class CellPatch(PatchSchema):
    unit: str
    product_group: str
    status: CellStatus | None = None
    competitor: str | None = None
    potential: Decimal | None = Field(None, ge=0)
    note: str | None = None
    version: int | None = Field(None, ge=0)


class CellSaved(Schema):
    unit: str
    product_group: str
    status: CellStatus
    competitor: str
    potential: Decimal | None
    note: str
    version: int
    updated_at: datetime
    state: CellState
    revenue: Decimal | None
    totals: TotalsOut = Field(description="The totals of the whole matrix after the change.")


def _saved(account, cell) -> dict:
    matrix = whitespace_matrix(account)
    shown = matrix.cell(cell.unit.name, cell.product_group)
    return {
        "unit": cell.unit.name,
        "product_group": cell.product_group,
        "status": cell.status,
        "competitor": cell.competitor,
        "potential": money(cell.potential),
        "note": cell.note,
        "version": cell.version,
        "updated_at": cell.updated_at,
        "state": shown.state if shown is not None else cell.status,
        "revenue": shown.revenue if shown is not None else None,
        "totals": _totals(matrix.totals),
    }


@router.put(
    "/{account_id}/business/whitespace/cells",
    response=with_errors({200: CellSaved}, 401, 403, 404, 409, 422),
    operation_id="business_cell_put",
    summary=_("Mark a cell of the whitespace matrix"),
)
def cell_put(request, account_id: int, payload: CellIn):
    """Set the team's mark on one cell (all fields; left-out optional fields are cleared). The
    state and totals in the answer are those of the default year."""
    account = get_account_for_user(request.auth, account_id)
    cell = services.whitespace_cell_set(actor=request.auth, account=account, **payload.model_dump())
    return _saved(account, cell)


@router.patch(
    "/{account_id}/business/whitespace/cells",
    response=with_errors({200: CellSaved}, 401, 403, 404, 409, 422),
    operation_id="business_cell_patch",
    summary=_("Change the mark of a whitespace cell"),
)
def cell_patch(request, account_id: int, payload: CellPatch):
    """Change some fields of a cell's mark; ``unit`` and ``product_group`` say which cell."""
    account = get_account_for_user(request.auth, account_id)
    values = payload.changed()
    unit, group = values.pop("unit"), values.pop("product_group")
    version = values.pop("version", None)
    cell = services.whitespace_cell_update(
        actor=request.auth, account=account, unit=unit, product_group=group, version=version, **values
    )
    return _saved(account, cell)


# Units ------------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    name: str
    kind: UnitKind
    country: str
    version: int
    created_at: datetime
    updated_at: datetime


class UnitIn(InputSchema):
    name: str
    kind: UnitKind = UnitKind.UNIT
    country: str = ""


class UnitPatch(PatchSchema):
    name: str | None = None
    kind: UnitKind | None = None
    country: str | None = None
    version: int | None = Field(None, ge=1)


def _unit(request, account_id: int, unit_id: int) -> CustomerUnit:
    account = get_account_for_user(request.auth, account_id)
    unit = get_object_or_404(CustomerUnit, pk=unit_id, account=account)
    unit.account = account  # keep the viewer annotations of the access helper
    return unit


@router.get(
    "/{account_id}/business/units",
    response=with_errors({200: list[UnitOut]}, 401, 404),
    operation_id="business_units_list",
    summary=_("List the units the team added to the whitespace matrix"),
)
def units_list(request, account_id: int):
    """The unit records of the account, by name (sites of the ledger without a record are rows of
    the matrix but not listed here)."""
    return units_for_account(get_account_for_user(request.auth, account_id))


@router.post(
    "/{account_id}/business/units",
    response=with_errors({201: UnitOut}, 401, 403, 404, 422),
    operation_id="business_unit_create",
    summary=_("Add a unit to the whitespace matrix"),
)
def unit_create(request, account_id: int, payload: UnitIn):
    account = get_account_for_user(request.auth, account_id)
    return Status(
        201, services.customer_unit_create(actor=request.auth, account=account, **payload.model_dump())
    )


@router.get(
    "/{account_id}/business/units/{customer_unit_id}",
    response=with_errors({200: UnitOut}, 401, 404),
    operation_id="business_unit_get",
    summary=_("Show a unit of the whitespace matrix"),
)
def unit_get(request, account_id: int, customer_unit_id: int):
    return _unit(request, account_id, customer_unit_id)


@router.patch(
    "/{account_id}/business/units/{customer_unit_id}",
    response=with_errors({200: UnitOut}, 401, 403, 404, 409, 422),
    operation_id="business_unit_update",
    summary=_("Change a unit of the whitespace matrix"),
)
def unit_update(request, account_id: int, customer_unit_id: int, payload: UnitPatch):
    """Fields left out stay unchanged; a site of the ledger keeps its name."""
    unit = _unit(request, account_id, customer_unit_id)
    values = payload.changed()
    version = values.pop("version", None)
    return services.customer_unit_update(actor=request.auth, unit=unit, version=version, **values)


@router.delete(
    "/{account_id}/business/units/{customer_unit_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="business_unit_delete",
    summary=_("Remove a unit and its marks from the whitespace matrix"),
)
def unit_delete(request, account_id: int, customer_unit_id: int):
    services.customer_unit_delete(actor=request.auth, unit=_unit(request, account_id, customer_unit_id))
    return Status(204, None)

"""API operations of the coverage app (mounted under /accounts): the explained coverage alerts and
the level-selling matrix of a key account. Both only read.

See openkam/api.py for authentication and the error format, docs/coverage.md for the rules.
The account is loaded through its access helper: everybody who may see the account may read its
coverage, everybody else gets 404. Messages and labels come in the caller's language.
"""

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import InputSchema, refuse_unknown_query, with_errors

from .choices import FIRST_YEAR, LAST_YEAR, AlertCode, CellState, Severity
from .selectors import coverage_alerts, level_selling_matrix

router = Router(tags=["Coverage and level selling"])


class FixOut(Schema):
    label: str
    url: str = Field(description="The page of OpenKAM where the alert is fixed.")
    needs_edit: bool = Field(description="Whether fixing it needs the edit right on the account.")


class AlertOut(Schema):
    code: AlertCode
    severity: Severity
    label: str
    message: str = Field(description="Why the alert fires, with the names and numbers behind it.")
    fix: FixOut
    stakeholder_ids: list[int] = Field(description="The stakeholders the alert is about.")
    level: str = Field(description="The customer's hierarchy level the alert is about, or empty.")
    user_id: int | None = Field(description="The colleague the alert is about (single-threaded).")


def _alert_out(alert) -> dict:
    return {
        "code": alert.code,
        "severity": alert.severity,
        "label": alert.label,
        "message": alert.message,
        "fix": {"label": alert.fix.label, "url": alert.fix.url, "needs_edit": alert.fix.needs_edit},
        "stakeholder_ids": list(alert.stakeholder_ids),
        "level": alert.level,
        "user_id": alert.user_id,
    }


@router.get(
    "/{account_id}/coverage/alerts",
    response=with_errors({200: list[AlertOut]}, 401, 404, 422),
    operation_id="coverage_alerts",
    summary=_("The coverage alerts of a key account"),
)
def alerts_list(request, account_id: int):
    """Gaps in the coverage of the buying center, the most severe first, each with its reason and
    the page that fixes it. The limits are the company's buying-center settings."""
    account = get_account_for_user(request.auth, account_id)
    refuse_unknown_query(request)
    return [_alert_out(alert) for alert in coverage_alerts(account)]


class YearQuery(InputSchema):
    year: int | None = Field(
        None, ge=FIRST_YEAR, le=LAST_YEAR, description="Calendar year (default: the current one)."
    )


class CellOut(Schema):
    our_level: str
    planned: int = Field(description="Contacts a year the relationship plan intends.")
    actual: int = Field(description="Pairs of our participant and theirs in the contacts held in the year.")
    state: CellState
    counterpart: bool = Field(description="Whether level selling expects these two levels to meet.")


class RowOut(Schema):
    level: str = Field(description="The customer's hierarchy level.")
    label: str
    planned: int
    actual: int
    gap: bool = Field(description="No relationship with this level at all: nothing planned, nobody met.")
    cells: list[CellOut]


class ColumnOut(Schema):
    level: str = Field(description="Our level.")
    label: str
    planned: int
    actual: int


class LevelSellingOut(Schema):
    year: int
    rows: list[RowOut]
    columns: list[ColumnOut]
    planned: int
    actual: int
    unplaced_planned: int = Field(
        description="Planned contacts with stakeholders whose level is not recorded."
    )
    unplaced_actual: int = Field(
        description="Held contact pairs with stakeholders whose level is not recorded."
    )
    years: list[int] = Field(description="The years with held contacts, up to the current one.")


@router.get(
    "/{account_id}/coverage/level-selling",
    response=with_errors({200: LevelSellingOut}, 401, 404, 422),
    operation_id="coverage_level_selling",
    summary=_("The level-selling matrix of a key account"),
)
def level_selling_get(request, account_id: int, query: Query[YearQuery]):
    """The customer's levels against ours: contacts a year planned in the relationship plan and
    contacts held in the year, with the cells and levels without any relationship."""
    account = get_account_for_user(request.auth, account_id)
    refuse_unknown_query(request, YearQuery)
    matrix = level_selling_matrix(account, query.year)
    return {
        "year": matrix.year,
        "rows": [
            {
                "level": row.level,
                "label": row.label,
                "planned": row.planned,
                "actual": row.actual,
                "gap": row.is_gap,
                "cells": [
                    {
                        "our_level": c.our_level,
                        "planned": c.planned,
                        "actual": c.actual,
                        "state": c.state,
                        "counterpart": c.is_counterpart,
                    }
                    for c in row.cells
                ],
            }
            for row in matrix.rows
        ],
        "columns": [
            {"level": c.level, "label": c.label, "planned": c.planned, "actual": c.actual}
            for c in matrix.columns
        ],
        "planned": matrix.planned,
        "actual": matrix.actual,
        "unplaced_planned": matrix.unplaced_planned,
        "unplaced_actual": matrix.unplaced_actual,
        "years": matrix.years,
    }

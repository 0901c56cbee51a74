"""Read-only API of the cross-account pipeline (mounted under /pipeline; see openkam/api.py).

Every operation works on ``pipeline.opportunities_visible_to(request.auth)``: the opportunities of
the accounts the caller may see, so another KAM's opportunity never appears in a list, a total or
the forecast. An administrator on no account team gets empty answers. Moving an opportunity is a
write of its account and lives in the account API (``opportunities.api``). See docs/pipeline.md.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from openkam.core.api import InputSchema, UserRef, with_errors

from .choices import OPEN_STAGES, CloseReason, CompetitivePosition, Stage
from .models import Opportunity
from .pipeline import (
    DEFAULT_SORT,
    MAX_PERIODS,
    SORTS,
    Forecast,
    ForecastRow,
    KamForecast,
    Period,
    PipelineFilter,
    Status,
    default_forecast_range,
    forecast,
    opportunities_for_forecast,
    opportunities_for_pipeline,
    pipeline_totals,
    sort_opportunities,
    stage_sums,
    weighted,
)

router = Router(tags=["Pipeline"])

_SORT_KEYS = sorted({*SORTS, *(f"-{key}" for key in SORTS)})


def _refuse_unknown_query(request, *schemas: type[Schema]) -> None:
    """Answer 422 for query parameters none of ``schemas`` knows (by their public names).

    ``openkam.core.api.refuse_unknown_query`` compares field names; the forecast's ``from`` is an
    alias (a Python keyword cannot be a field name), so the aliases are compared here.
    """
    known = {(info.alias or name) for schema in schemas for name, info in schema.model_fields.items()}
    unknown = sorted(set(request.GET) - known)
    if unknown:
        message = gettext("Unknown query parameter.")
        raise NinjaValidationError([{"loc": ("query", name), "msg": message} for name in unknown])


class CommonFilters(InputSchema):
    account_id: int | None = Field(None, description="Only this key account's opportunities.")
    kam_id: int | None = Field(None, description="Only accounts of this key account manager.")
    owner_id: int | None = Field(None, description="Only opportunities this person owns.")
    mine: bool = Field(False, description="Only opportunities you own.")
    product_group: str | None = Field(None, max_length=200)
    competitive_position: CompetitivePosition | None = None


class PipelineQuery(CommonFilters):
    stage: Stage | None = None
    status: Literal["all", "open", "won", "lost"] = Field(
        Status.ALL, description="Open ones, won or lost ones (of the closed range), or both."
    )
    expected_close_from: dt.date | None = Field(None, description="Open ones expected to close on or after.")
    expected_close_to: dt.date | None = Field(None, description="Open ones expected to close on or before.")
    closed_from: dt.date | None = Field(
        None, description="Won and lost ones closed on or after this day (default: no limit)."
    )
    closed_to: dt.date | None = Field(None, description="Won and lost ones closed on or before this day.")

    def to_filter(self) -> PipelineFilter:
        return PipelineFilter(
            account_id=self.account_id,
            kam_id=self.kam_id,
            owner_id=self.owner_id,
            mine=self.mine,
            product_group=self.product_group or "",
            competitive_position=self.competitive_position or "",
            expected_from=self.expected_close_from,
            expected_to=self.expected_close_to,
            closed_from=self.closed_from,
            closed_to=self.closed_to,
            status=self.status,
            stage=self.stage or "",
        )


class PipelineListQuery(PipelineQuery):
    sort: Literal[tuple(_SORT_KEYS)] = Field(  # type: ignore[valid-type]
        DEFAULT_SORT, description="Column to sort by; a leading minus sorts descending."
    )


class ForecastQuery(CommonFilters):
    period: Literal["quarter", "month"] = Period.QUARTER
    from_: dt.date | None = Field(
        None, alias="from", description="First day (widened to its period); default: 1 January this year."
    )
    to: dt.date | None = Field(
        None, description="Last day (widened to its period); default: end of next year."
    )

    def to_filter(self) -> PipelineFilter:
        return PipelineFilter(
            account_id=self.account_id,
            kam_id=self.kam_id,
            owner_id=self.owner_id,
            mine=self.mine,
            product_group=self.product_group or "",
            competitive_position=self.competitive_position or "",
        )


class AccountRef(Schema):
    id: int
    name: str
    customer_number: str
    kam: UserRef


class PipelineOpportunityOut(Schema):
    id: int
    account: AccountRef
    title: str
    stage: Stage
    probability: int
    value: Decimal
    weighted_value: Decimal = Field(description="value × probability / 100")
    expected_close: dt.date
    overdue: bool = Field(description="Open and the expected close date has passed.")
    owner: UserRef
    product_group: str
    competitive_position: CompetitivePosition
    closed_on: dt.date | None
    close_reason: CloseReason | Literal[""]
    version: int

    @staticmethod
    def resolve_account(obj: Opportunity) -> dict:
        account = obj.account
        return {
            "id": account.pk,
            "name": account.customer.name,
            "customer_number": account.customer.number,
            "kam": account.owner,
        }

    @staticmethod
    def resolve_weighted_value(obj: Opportunity) -> Decimal:
        return weighted(obj.value, obj.probability)

    @staticmethod
    def resolve_overdue(obj: Opportunity) -> bool:
        return obj.stage in OPEN_STAGES and obj.expected_close < timezone.localdate()


class StageSumOut(Schema):
    stage: Stage
    count: int
    value: Decimal
    weighted_value: Decimal


class TotalsOut(Schema):
    open_count: int
    open_value: Decimal
    weighted_value: Decimal = Field(description="Σ value × probability / 100 of the open opportunities.")
    won_count: int
    won_value: Decimal
    lost_count: int
    lost_value: Decimal
    win_rate: Decimal | None = Field(
        description="Won ÷ (won + lost) by count, in per cent; null if none closed."
    )
    win_rate_by_value: Decimal | None = Field(description="Won ÷ (won + lost) by value, in per cent.")
    by_stage: list[StageSumOut]


class ForecastRowOut(Schema):
    key: str = Field(description="The period's first day (ISO), or overdue, outside, total.")
    label: str
    start: dt.date | None
    end: dt.date | None
    open_count: int
    open_value: Decimal
    weighted_value: Decimal
    won_count: int
    won_value: Decimal
    expected: Decimal = Field(description="won + weighted")
    best_case: Decimal = Field(description="won + open")


class KamForecastOut(Schema):
    kam: UserRef
    overdue_value: Decimal
    open_value: Decimal
    weighted_value: Decimal
    won_value: Decimal
    expected: Decimal
    best_case: Decimal


class ForecastOut(Schema):
    period: Literal["quarter", "month"]
    start: dt.date
    end: dt.date
    today: dt.date
    overdue: ForecastRowOut
    periods: list[ForecastRowOut]
    outside: ForecastRowOut
    total: ForecastRowOut
    by_kam: list[KamForecastOut]


def _row(row: ForecastRow) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "start": row.start,
        "end": row.end,
        "open_count": row.open_count,
        "open_value": row.open_value,
        "weighted_value": row.weighted_value,
        "won_count": row.won_count,
        "won_value": row.won_value,
        "expected": row.expected,
        "best_case": row.best_case,
    }


def _kam(row: KamForecast) -> dict:
    return {
        "kam": row.kam,
        "overdue_value": row.overdue_value,
        "open_value": row.open_value,
        "weighted_value": row.weighted_value,
        "won_value": row.won_value,
        "expected": row.expected,
        "best_case": row.best_case,
    }


@router.get(
    "",
    response=with_errors({200: list[PipelineOpportunityOut]}, 401, 422),
    operation_id="pipeline_list",
    summary=_("List the opportunities of the pipeline"),
)
@paginate(LimitOffsetPagination)
def pipeline_list(request, query: Query[PipelineListQuery]):
    """Open and closed opportunities of every account you may see, filtered and sorted."""
    _refuse_unknown_query(request, PipelineListQuery, LimitOffsetPagination.Input)
    return sort_opportunities(opportunities_for_pipeline(request.auth, query.to_filter()), query.sort)


@router.get(
    "/totals",
    response=with_errors({200: TotalsOut}, 401, 422),
    operation_id="pipeline_totals",
    summary=_("Sum the pipeline"),
)
def pipeline_totals_get(request, query: Query[PipelineQuery]):
    """Open, weighted, won and lost sums and the win rate of the filtered opportunities, per stage too.

    Open figures cover the open opportunities (narrowed by expected close); won and lost ones
    those closed between ``closed_from`` and ``closed_to`` (every closed one without them).
    """
    _refuse_unknown_query(request, PipelineQuery)
    qs = opportunities_for_pipeline(request.auth, query.to_filter())
    totals = pipeline_totals(qs)
    return {
        "open_count": totals.open_count,
        "open_value": totals.open_value,
        "weighted_value": totals.weighted_value,
        "won_count": totals.won_count,
        "won_value": totals.won_value,
        "lost_count": totals.lost_count,
        "lost_value": totals.lost_value,
        "win_rate": totals.win_rate,
        "win_rate_by_value": totals.win_rate_by_value,
        "by_stage": [
            {"stage": s.stage, "count": s.count, "value": s.value, "weighted_value": s.weighted_value}
            for s in stage_sums(qs).values()
        ],
    }


@router.get(
    "/forecast",
    response=with_errors({200: ForecastOut}, 401, 422),
    operation_id="pipeline_forecast",
    summary=_("Forecast the pipeline by period"),
)
def pipeline_forecast(request, query: Query[ForecastQuery]):
    """Open, weighted and won value per month or quarter; overdue open opportunities in a row of their own.

    See docs/pipeline.md for what each figure counts.
    """
    _refuse_unknown_query(request, ForecastQuery)
    today = timezone.localdate()
    default_start, default_end = default_forecast_range(today)
    try:
        result: Forecast = forecast(
            opportunities_for_forecast(request.auth, query.to_filter()),
            period=query.period,
            start=query.from_ or default_start,
            end=query.to or default_end,
            today=today,
        )
    except ValueError as exc:
        raise ValidationError(
            {
                "to": gettext("Choose an end after the start, at most %(count)s periods later.")
                % {"count": MAX_PERIODS}
            }
        ) from exc
    return {
        "period": result.period,
        "start": result.start,
        "end": result.end,
        "today": result.today,
        "overdue": _row(result.overdue),
        "periods": [_row(row) for row in result.periods],
        "outside": _row(result.outside),
        "total": _row(result.total),
        "by_kam": [_kam(row) for row in result.by_kam],
    }

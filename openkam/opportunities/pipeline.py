"""The cross-account pipeline: which opportunities a person sees, their sums and the forecast.

Everything here starts from ``opportunities_visible_to(user)`` — the opportunities of the accounts
in ``accounts_visible_to(user)`` — so another KAM's or an unrelated account's opportunity never
reaches a list, a column sum, an export, the forecast or the API. Sums are computed in the
database (one aggregate query each) and returned as ``Decimal`` with two places.

Money: the weighted value of an opportunity is ``value × probability / 100``. The database sums
``value × probability`` (exact in PostgreSQL; in SQLite a float, exact to the cent up to sums of
some hundred billion) and the division happens in Python, so no backend divides integers.

Period semantics (used by the board, the list, the forecast and the API alike):

- *open* figures are a snapshot of the opportunities open today, whatever their expected close;
- *won*/*lost* figures count opportunities by the day they were closed (``closed_on``);
- in the forecast an open opportunity counts in the period of its expected close; one whose
  expected close has passed is *overdue* and counts in a row of its own, never in a period.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import accounts_visible_to
from openkam.users.models import User

from .choices import CLOSED_STAGES, OPEN_STAGES, Stage
from .models import Opportunity

__all__ = [
    "ClosedPeriod",
    "Forecast",
    "ForecastRow",
    "KamForecast",
    "Period",
    "PipelineFilter",
    "PipelineTotals",
    "StageSum",
    "Status",
    "closed_period_range",
    "default_forecast_range",
    "editable_account_ids",
    "filter_choices",
    "forecast",
    "opportunities_for_forecast",
    "opportunities_for_pipeline",
    "opportunities_visible_to",
    "pipeline_totals",
    "sort_opportunities",
    "stage_sums",
    "totals_from_stage_sums",
    "weighted",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=20, decimal_places=2)


# value × probability, summed; divided by 100 in Python (see the module docstring).
def _value_times_probability() -> ExpressionWrapper:
    return ExpressionWrapper(F("value") * F("probability"), output_field=_MONEY)


_OPEN = Q(stage__in=OPEN_STAGES)
_WON = Q(stage=Stage.WON)
_LOST = Q(stage=Stage.LOST)
#: The most periods a forecast shows (five years of months).
MAX_PERIODS = 60


def _money(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _weighted_sum(raw) -> Decimal:
    return ZERO if raw is None else (Decimal(raw) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted(value: Decimal, probability: int) -> Decimal:
    """The weighted value of one opportunity, rounded to the cent like the sums."""
    return _weighted_sum(Decimal(value) * probability)


def _rate(part, whole) -> Decimal | None:
    """``part / whole`` in per cent with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Who sees what ------------------------------------------------------------------------------------


def opportunities_visible_to(user) -> QuerySet[Opportunity]:
    """Every opportunity of the accounts ``user`` may read (none for administrators off the teams)."""
    return Opportunity.objects.filter(account__in=accounts_visible_to(user))


def editable_account_ids(user, account_ids: Iterable[int]) -> set[int]:
    """Of ``account_ids``, the accounts whose opportunities ``user`` may change, in one query.

    The same rule as ``permissions.can_edit_opportunities`` (the account's KAM and every member
    of its team, core or extended), asked for a whole board at once instead of card by card;
    a test keeps the two in step.
    """
    ids = set(account_ids)
    if not ids or not (user.is_authenticated and user.is_active):
        return set()
    return set(
        KeyAccount.objects.filter(pk__in=ids)
        .filter(Q(owner=user) | Q(team_memberships__user=user))
        .values_list("pk", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class FilterChoices:
    """What the pipeline's filters offer: only accounts, people and product groups the person sees."""

    accounts: list[tuple[int, str]]
    kams: list[tuple[int, str]]
    owners: list[tuple[int, str]]
    product_groups: list[str]


def filter_choices(user) -> FilterChoices:
    """The choices of the pipeline filters for ``user``, in three queries."""
    accounts = list(
        accounts_visible_to(user)
        .select_related("customer", "owner")
        .only("pk", "customer__name", "owner__first_name", "owner__last_name", "owner__username")
        .order_by("customer__name", "pk")
    )
    kams = {account.owner for account in accounts}
    visible = opportunities_visible_to(user).order_by()
    owners = User.objects.filter(pk__in=visible.values("owner_id"))
    groups = (
        visible.exclude(product_group="")
        .values_list("product_group", flat=True)
        .distinct()
        .order_by("product_group")
    )

    def people(users) -> list[tuple[int, str]]:
        ordered = sorted(users, key=lambda u: (u.last_name, u.first_name, u.username))
        return [(u.pk, str(u)) for u in ordered]

    return FilterChoices(
        accounts=[(account.pk, account.customer.name) for account in accounts],
        kams=people(kams),
        owners=people(owners),
        product_groups=list(groups),
    )


# Totals -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineTotals:
    """The sums of a set of opportunities (see ``pipeline_totals`` for what each one counts)."""

    open_count: int = 0
    open_value: Decimal = ZERO
    weighted_value: Decimal = ZERO
    won_count: int = 0
    won_value: Decimal = ZERO
    lost_count: int = 0
    lost_value: Decimal = ZERO

    @property
    def closed_count(self) -> int:
        return self.won_count + self.lost_count

    @property
    def win_rate(self) -> Decimal | None:
        """Won ÷ closed by count, in per cent (one decimal); None while nothing is closed."""
        return _rate(self.won_count, self.closed_count)

    @property
    def win_rate_by_value(self) -> Decimal | None:
        """Won value ÷ closed value, in per cent (one decimal); None while no value is closed."""
        return _rate(self.won_value, self.won_value + self.lost_value)


def pipeline_totals(
    opportunities: QuerySet[Opportunity], *, closed_from: date | None = None, closed_to: date | None = None
) -> PipelineTotals:
    """Sum ``opportunities`` in one aggregate query.

    - ``open_count``, ``open_value`` and ``weighted_value`` (Σ value × probability / 100) cover
      every *open* opportunity of the queryset, whatever its expected close date: the pipeline
      as it stands today. Restrict the queryset to restrict them.
    - ``won_*`` and ``lost_*`` cover the *closed* opportunities of the queryset whose
      ``closed_on`` lies between ``closed_from`` and ``closed_to`` (both inclusive, either may be
      None for "no bound"). Without bounds every closed opportunity counts — for one account
      that is its whole history. A closed opportunity without a close date counts only then.
    - The win rates divide won by won + lost (by count and by value).

    The caller decides who may see the queryset: pass one derived from
    ``opportunities_visible_to(user)`` or from an account loaded through the access helper.
    """
    closed = Q()
    if closed_from is not None:
        closed &= Q(closed_on__gte=closed_from)
    if closed_to is not None:
        closed &= Q(closed_on__lte=closed_to)
    sums = opportunities.order_by().aggregate(
        open_count=Count("pk", filter=_OPEN),
        open_value=Sum("value", filter=_OPEN),
        weighted_raw=Sum(_value_times_probability(), filter=_OPEN),
        won_count=Count("pk", filter=_WON & closed),
        won_value=Sum("value", filter=_WON & closed),
        lost_count=Count("pk", filter=_LOST & closed),
        lost_value=Sum("value", filter=_LOST & closed),
    )
    return PipelineTotals(
        open_count=sums["open_count"],
        open_value=_money(sums["open_value"]),
        weighted_value=_weighted_sum(sums["weighted_raw"]),
        won_count=sums["won_count"],
        won_value=_money(sums["won_value"]),
        lost_count=sums["lost_count"],
        lost_value=_money(sums["lost_value"]),
    )


@dataclass(frozen=True)
class StageSum:
    """One column of the board: how many opportunities are in a stage and what they are worth."""

    stage: str
    count: int = 0
    value: Decimal = ZERO
    weighted_value: Decimal = ZERO
    # Σ value × probability before dividing and rounding, so that totals over several columns
    # round once, exactly like ``pipeline_totals``.
    weighted_raw: Decimal = field(default=ZERO, repr=False)

    @property
    def label(self):
        return Stage(self.stage).label


def stage_sums(opportunities: QuerySet[Opportunity]) -> dict[str, StageSum]:
    """Count, value and weighted value per stage (every stage present, zero when empty); one query."""
    sums = {stage: StageSum(stage) for stage in Stage.values}
    rows = (
        opportunities.order_by()
        .values("stage")
        .annotate(count=Count("pk"), total=Sum("value"), weighted_raw=Sum(_value_times_probability()))
    )
    for row in rows:
        sums[row["stage"]] = StageSum(
            stage=row["stage"],
            count=row["count"],
            value=_money(row["total"]),
            weighted_value=_weighted_sum(row["weighted_raw"]),
            weighted_raw=Decimal(row["weighted_raw"] or 0),
        )
    return sums


def totals_from_stage_sums(sums: dict[str, StageSum]) -> PipelineTotals:
    """The totals of the set ``stage_sums`` summed (the board has them without another query)."""
    open_sums = [sums[stage] for stage in OPEN_STAGES]
    return PipelineTotals(
        open_count=sum(s.count for s in open_sums),
        open_value=sum((s.value for s in open_sums), ZERO),
        weighted_value=_weighted_sum(sum((s.weighted_raw for s in open_sums), ZERO)),
        won_count=sums[Stage.WON].count,
        won_value=sums[Stage.WON].value,
        lost_count=sums[Stage.LOST].count,
        lost_value=sums[Stage.LOST].value,
    )


# Filters ------------------------------------------------------------------------------------------


class ClosedPeriod:
    """The named periods the board and the list show won and lost opportunities of."""

    QUARTER = "quarter"
    LAST_QUARTER = "last_quarter"
    YEAR = "year"
    LAST_12_MONTHS = "12m"
    DEFAULT = QUARTER
    CHOICES = (
        (QUARTER, _("This quarter")),
        (LAST_QUARTER, _("Last quarter")),
        (YEAR, _("This year")),
        (LAST_12_MONTHS, _("Last 12 months")),
    )


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def closed_period_range(period: str, today: date) -> tuple[date, date]:
    """First and last day (inclusive) of a ``ClosedPeriod`` relative to ``today``.

    Raises ``ValueError`` for an unknown period.
    """
    if period == ClosedPeriod.QUARTER:
        start = _quarter_start(today)
        return start, _add_months(start, 3) - timedelta(days=1)
    if period == ClosedPeriod.LAST_QUARTER:
        end = _quarter_start(today) - timedelta(days=1)
        return _quarter_start(end), end
    if period == ClosedPeriod.YEAR:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if period == ClosedPeriod.LAST_12_MONTHS:
        return _add_months(today, -11), today
    raise ValueError(f"Unknown closed period {period!r}.")


class Status:
    """Which opportunities a list shows: the open ones, those closed in the period, or both."""

    ALL = "all"
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    CHOICES = (
        (ALL, _("Open and closed in the period")),
        (OPEN, _("Open")),
        (WON, pgettext_lazy("opportunity stage", "Won")),
        (LOST, pgettext_lazy("opportunity stage", "Lost")),
    )


@dataclass(frozen=True)
class PipelineFilter:
    """What the board, the list, the exports and the API are narrowed to.

    ``expected_from``/``expected_to`` narrow the *open* opportunities by their expected close;
    ``closed_from``/``closed_to`` choose which *closed* ones are included (by ``closed_on``;
    both None: every closed one). The other fields apply to both.
    """

    account_id: int | None = None
    kam_id: int | None = None
    owner_id: int | None = None
    mine: bool = False
    product_group: str = ""
    competitive_position: str = ""
    expected_from: date | None = None
    expected_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    status: str = Status.ALL
    stage: str = ""


def _narrowed(qs: QuerySet[Opportunity], user, filters: PipelineFilter) -> QuerySet[Opportunity]:
    """The filters that apply to open and closed opportunities alike."""
    if filters.account_id:
        qs = qs.filter(account_id=filters.account_id)
    if filters.kam_id:
        qs = qs.filter(account__owner_id=filters.kam_id)
    if filters.owner_id:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.mine:
        qs = qs.filter(owner_id=user.pk)
    if filters.product_group:
        qs = qs.filter(product_group=filters.product_group)
    if filters.competitive_position:
        qs = qs.filter(competitive_position=filters.competitive_position)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    return qs


def opportunities_for_pipeline(user, filters: PipelineFilter | None = None) -> QuerySet[Opportunity]:
    """The opportunities of the board, the list and their exports, for ``user``, filtered.

    Open opportunities (narrowed by expected close) plus the closed ones of the closed period,
    each with account, customer, KAM and owner joined, ordered by expected close.
    """
    filters = filters or PipelineFilter()
    qs = _narrowed(opportunities_visible_to(user), user, filters)
    open_q = _OPEN
    if filters.expected_from is not None:
        open_q &= Q(expected_close__gte=filters.expected_from)
    if filters.expected_to is not None:
        open_q &= Q(expected_close__lte=filters.expected_to)
    closed_q = Q(stage__in=CLOSED_STAGES)
    if filters.closed_from is not None:
        closed_q &= Q(closed_on__gte=filters.closed_from)
    if filters.closed_to is not None:
        closed_q &= Q(closed_on__lte=filters.closed_to)
    wanted = {
        Status.ALL: open_q | closed_q,
        Status.OPEN: open_q,
        Status.WON: closed_q & _WON,
        Status.LOST: closed_q & _LOST,
    }.get(filters.status, open_q | closed_q)
    return (
        qs.filter(wanted)
        .select_related("account__customer", "account__owner", "owner")
        .order_by("expected_close", "pk")
    )


def opportunities_for_forecast(user, filters: PipelineFilter | None = None) -> QuerySet[Opportunity]:
    """The opportunities the forecast of ``user`` covers: every visible one, narrowed by account,
    KAM, owner, "mine", product group and position (the forecast chooses its own dates)."""
    return _narrowed(opportunities_visible_to(user), user, filters or PipelineFilter())


#: Sort keys of the list (and the API's ``sort``): key → the fields to order by.
SORTS: dict[str, tuple[str, ...]] = {
    "account": ("account__customer__name",),
    "title": ("title",),
    "stage": ("stage_order",),
    "value": ("value",),
    "probability": ("probability",),
    "weighted": ("weighted_raw",),
    "expected_close": ("expected_close",),
    "owner": ("owner__last_name", "owner__first_name"),
    "kam": ("account__owner__last_name", "account__owner__first_name"),
    "closed_on": ("closed_on",),
}
DEFAULT_SORT = "expected_close"


def sort_opportunities(qs: QuerySet[Opportunity], sort: str) -> QuerySet[Opportunity]:
    """Order by a ``SORTS`` key, descending with a leading ``-``; unknown keys sort by expected close."""
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"), SORTS[DEFAULT_SORT])
    qs = qs.annotate(
        stage_order=Case(
            *[When(stage=stage, then=Value(index)) for index, stage in enumerate(Stage.values)],
            default=Value(len(Stage.values)),
        ),
        weighted_raw=_value_times_probability(),
    )
    order = [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in fields]
    return qs.order_by(*order, "-pk" if descending else "pk")


# Forecast -----------------------------------------------------------------------------------------


class Period:
    MONTH = "month"
    QUARTER = "quarter"
    CHOICES = ((QUARTER, _("Quarters")), (MONTH, _("Months")))


def period_start(day: date, period: str) -> date:
    return _quarter_start(day) if period == Period.QUARTER else date(day.year, day.month, 1)


def period_end(day: date, period: str) -> date:
    start = period_start(day, period)
    if period == Period.QUARTER:
        return _add_months(start, 3) - timedelta(days=1)
    return date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])


def period_label(start: date, period: str) -> str:
    if period == Period.QUARTER:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"{start.month:02d}/{start.year}"


def default_forecast_range(today: date) -> tuple[date, date]:
    """The quarters (or months) of the current and the next year."""
    return date(today.year, 1, 1), date(today.year + 1, 12, 31)


@dataclass
class ForecastRow:
    """One row of the forecast: a period, the overdue opportunities, or those outside the range.

    ``open_value`` and ``weighted_value`` sum the open opportunities counted in the row,
    ``won_value`` the opportunities won in the period (by ``closed_on``). ``expected`` adds the
    weighted open value to what is already won; ``best_case`` assumes every open one is won.
    """

    key: str
    label: str
    start: date | None = None
    end: date | None = None
    open_count: int = 0
    open_value: Decimal = ZERO
    weighted_value: Decimal = ZERO
    won_count: int = 0
    won_value: Decimal = ZERO

    @property
    def expected(self) -> Decimal:
        return self.won_value + self.weighted_value

    @property
    def best_case(self) -> Decimal:
        return self.won_value + self.open_value

    def add(self, other: ForecastRow) -> None:
        self.open_count += other.open_count
        self.open_value += other.open_value
        self.weighted_value += other.weighted_value
        self.won_count += other.won_count
        self.won_value += other.won_value


@dataclass
class KamForecast:
    """The forecast of one key account manager's accounts over the whole range."""

    kam: User
    overdue_value: Decimal = ZERO
    open_value: Decimal = ZERO
    weighted_value: Decimal = ZERO
    won_value: Decimal = ZERO

    @property
    def expected(self) -> Decimal:
        return self.won_value + self.weighted_value

    @property
    def best_case(self) -> Decimal:
        return self.won_value + self.open_value


@dataclass
class Forecast:
    """The forecast by period from ``start`` to ``end`` (whole periods), as of ``today``.

    ``overdue``: open opportunities whose expected close lies before ``today``;
    ``periods``: one row per period — open opportunities expected to close in it (from today
    on) and the opportunities won in it; ``outside``: open opportunities expected to close
    after today but outside the range. ``overdue`` + ``periods`` + ``outside`` hold every open
    opportunity once, so their open values add up to the pipeline's open value (``total``).
    """

    period: str
    start: date
    end: date
    today: date
    overdue: ForecastRow
    periods: list[ForecastRow]
    outside: ForecastRow
    by_kam: list[KamForecast] = field(default_factory=list)

    @property
    def total(self) -> ForecastRow:
        total = ForecastRow("total", str(_("Total")))
        for row in [self.overdue, *self.periods, self.outside]:
            total.add(row)
        return total


def forecast_periods(start: date, end: date, period: str) -> list[tuple[date, date]]:
    """The whole periods covering ``start``..``end``; raises ValueError beyond ``MAX_PERIODS``."""
    if end < start:
        raise ValueError("The end of the forecast lies before its start.")
    periods = []
    current = period_start(start, period)
    while current <= end:
        periods.append((current, period_end(current, period)))
        if len(periods) > MAX_PERIODS:
            raise ValueError(f"A forecast shows at most {MAX_PERIODS} periods.")
        current = period_end(current, period) + timedelta(days=1)
    return periods


def forecast(
    opportunities: QuerySet[Opportunity],
    *,
    period: str = Period.QUARTER,
    start: date,
    end: date,
    today: date,
    by_kam: bool = True,
) -> Forecast:
    """The forecast of ``opportunities`` (already restricted to what the viewer may see).

    ``start`` and ``end`` are widened to whole periods. Three queries (two with ``by_kam=False``):
    open opportunities grouped by period of expected close, won ones grouped by period of close,
    and the per-KAM sums. Raises ValueError for an unknown period, an end before the start or
    more than ``MAX_PERIODS`` periods.
    """
    if period not in (Period.MONTH, Period.QUARTER):
        raise ValueError(f"Unknown period {period!r}.")
    bounds = forecast_periods(start, end, period)
    start, end = bounds[0][0], bounds[-1][1]
    trunc = TruncQuarter if period == Period.QUARTER else TruncMonth
    rows = {
        first: ForecastRow(first.isoformat(), period_label(first, period), first, last)
        for first, last in bounds
    }
    overdue = ForecastRow("overdue", str(_("Overdue (expected close has passed)")))
    outside = ForecastRow("outside", str(_("Expected to close outside these periods")))
    qs = opportunities.order_by()

    open_rows = (
        qs.filter(_OPEN)
        .annotate(
            bucket=trunc("expected_close"),
            is_overdue=Case(
                When(expected_close__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values("bucket", "is_overdue")
        .annotate(count=Count("pk"), total=Sum("value"), weighted_raw=Sum(_value_times_probability()))
    )
    for row in open_rows:
        target = overdue if row["is_overdue"] else rows.get(row["bucket"], outside)
        target.add(
            ForecastRow(
                "",
                "",
                open_count=row["count"],
                open_value=_money(row["total"]),
                weighted_value=_weighted_sum(row["weighted_raw"]),
            )
        )

    won_rows = (
        qs.filter(_WON, closed_on__gte=start, closed_on__lte=end)
        .annotate(bucket=trunc("closed_on"))
        .values("bucket")
        .annotate(count=Count("pk"), total=Sum("value"))
    )
    for row in won_rows:
        rows[row["bucket"]].add(ForecastRow("", "", won_count=row["count"], won_value=_money(row["total"])))

    result = Forecast(
        period=period,
        start=start,
        end=end,
        today=today,
        overdue=overdue,
        periods=list(rows.values()),
        outside=outside,
    )
    if by_kam:
        result.by_kam = _forecast_by_kam(qs, start=start, end=end, today=today)
    return result


def _forecast_by_kam(qs: QuerySet[Opportunity], *, start: date, end: date, today: date) -> list[KamForecast]:
    """Per KAM of the accounts: overdue, open and weighted in the range, won in the range."""
    in_range = _OPEN & Q(expected_close__gte=max(start, today), expected_close__lte=end)
    sums = (
        qs.values("account__owner")
        .annotate(
            overdue_value=Sum("value", filter=_OPEN & Q(expected_close__lt=today)),
            open_value=Sum("value", filter=in_range),
            weighted_raw=Sum(_value_times_probability(), filter=in_range),
            won_value=Sum("value", filter=_WON & Q(closed_on__gte=start, closed_on__lte=end)),
        )
        .order_by()
    )
    by_owner = {row["account__owner"]: row for row in sums}
    kams = {user.pk: user for user in User.objects.filter(pk__in=by_owner)}
    result = [
        KamForecast(
            kam=kams[pk],
            overdue_value=_money(row["overdue_value"]),
            open_value=_money(row["open_value"]),
            weighted_value=_weighted_sum(row["weighted_raw"]),
            won_value=_money(row["won_value"]),
        )
        for pk, row in by_owner.items()
    ]
    return sorted(result, key=lambda k: (k.kam.last_name, k.kam.first_name, k.kam.username))

"""Reads of the business app: our business with a key account and its whitespace matrix.

Both come from one aggregate of the ledger per customer group (``ledger.group_lines``) and the
ledger's catalogue of product groups, cached per ledger state, plus two small database queries
for the team's units and marks. Callers load the account through
``openkam.accounts.permissions.get_account_for_user`` first.

Definitions (docs/business.md):

- The *customer group* is the account's customer and its subsidiaries (``Customer.parent``, all
  levels), each shown separately as well.
- Fiscal year = calendar year. A year is *complete* once it is over (before today's year); the
  default year of the pages is the last complete fiscal year of the ledger (its last year when
  none is complete yet).
- Revenue and margin sum all lines, credit notes included; growth is
  ``(revenue - previous) / previous`` and ``None`` without a positive previous year.
- Matrix rows are the sites of the group's lines (a line without a site counts for a row named
  after its customer) and the units the team added, matched by name regardless of case. Columns
  are all product groups of the ledger.
- A cell is *sold* when the group's net revenue there in the chosen year is above zero; then it
  shows "we sell" whatever the team marked (the mark stays stored). Otherwise it shows the
  team's mark, "unknown" without one.
- Penetration = sold cells ÷ cells with a need (every cell not shown as "no need"); ``None``
  without such cells. Open potential = the potentials of the opportunities shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from openkam.accounts.models import KeyAccount
from openkam.sales.models import Customer

from . import ledger
from .choices import CellState, CellStatus, UnitKind
from .models import CustomerUnit, WhitespaceCell

ZERO = Decimal("0.00")
RATE = Decimal("0.0001")
_MAX_GROUP_DEPTH = 5

__all__ = [
    "AccountBusiness",
    "BreakdownRow",
    "GroupData",
    "MatrixCell",
    "MatrixColumn",
    "MatrixRow",
    "WhitespaceMatrix",
    "WhitespaceTotals",
    "YearFigures",
    "account_business",
    "competitor_suggestions",
    "default_year",
    "group_customers",
    "group_data",
    "units_for_account",
    "whitespace_matrix",
    "whitespace_totals",
]


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part / whole`` with four decimal places; ``None`` unless ``whole`` is positive."""
    if whole is None or whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE)


def growth(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """Growth over the previous year; ``None`` without a positive previous year."""
    if previous is None or previous <= 0:
        return None
    return ((current - previous) / previous).quantize(RATE)


def default_year(years: Sequence[int], today=None) -> int | None:
    """The last complete fiscal year among ``years`` (ascending), else the last one, else None."""
    if not years:
        return None
    this_year = (today or timezone.localdate()).year
    complete = [y for y in years if y < this_year]
    return complete[-1] if complete else years[-1]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


# The customer group and its ledger lines ------------------------------------------------------


def group_customers(account: KeyAccount) -> list[Customer]:
    """The account's customer first, then its subsidiaries (all levels, by name)."""
    members = [account.customer]
    seen = {account.customer_id}
    frontier = [account.customer_id]
    for _level in range(_MAX_GROUP_DEPTH):
        children = list(
            Customer.objects.filter(parent_id__in=frontier).exclude(pk__in=seen).order_by("name", "number")
        )
        if not children:
            break
        members += children
        seen |= {c.pk for c in children}
        frontier = [c.pk for c in children]
    return members


@dataclass(frozen=True)
class GroupData:
    """What the business pages read of the ledger for one account (see ``group_data``)."""

    members: tuple[Customer, ...]
    has_ledger: bool
    catalogue: ledger.Catalogue
    lines: tuple[ledger.GroupLine, ...]

    @property
    def years(self) -> list[int]:
        return self.catalogue.years

    def name_of(self, number: str) -> str:
        for customer in self.members:
            if customer.number == number:
                return customer.name
        return number


def group_data(account: KeyAccount) -> GroupData:
    """The account's customer group with its ledger aggregate and the ledger's catalogue.

    Without a ledger ``has_ledger`` is False and the rest is empty, so every page can show an
    empty state instead of failing.
    """
    members = tuple(group_customers(account))
    try:
        state = ledger.ledger_state()
        catalogue = ledger.catalogue(state)
        lines = tuple(ledger.group_lines([c.number for c in members], state))
    except ledger.NoLedger:
        return GroupData(members, False, ledger.Catalogue((), None, None), ())
    return GroupData(members, True, catalogue, lines)


def _check_year(data: GroupData, year: int | None) -> int | None:
    if year is None:
        return default_year(data.years)
    if year not in data.years:
        raise ValueError(f"The ledger has no fiscal year {year}.")
    return year


# Our business ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    """The group's revenue and margin in one fiscal year."""

    year: int
    revenue: Decimal
    margin: Decimal
    growth: Decimal | None
    complete: bool

    @property
    def margin_rate(self) -> Decimal | None:
        return ratio(self.margin, self.revenue)


@dataclass(frozen=True)
class BreakdownRow:
    """One product group, business unit, site or group company in the chosen year.

    ``revenue_by_year`` follows ``AccountBusiness.years``; ``share`` is the part of the group's
    revenue in the chosen year. ``customer`` is set for the rows of group companies.
    """

    name: str
    revenue: Decimal
    margin: Decimal
    previous_revenue: Decimal
    growth: Decimal | None
    share: Decimal | None
    revenue_by_year: tuple[Decimal, ...]
    customer: Customer | None = None

    @property
    def margin_rate(self) -> Decimal | None:
        return ratio(self.margin, self.revenue)


@dataclass(frozen=True)
class AccountBusiness:
    """Our business with a key account's customer group, from the ledger.

    ``years`` lists every fiscal year of the ledger (zero where the group bought nothing);
    ``year`` is the year the breakdowns show (default: the last complete fiscal year) and
    ``previous_year`` the one before it, if the ledger has it. ``members`` holds the account's
    customer first, then its subsidiaries. Breakdown rows are sorted by revenue in ``year``.
    """

    has_ledger: bool
    year: int | None
    previous_year: int | None
    years: tuple[YearFigures, ...]
    members: tuple[BreakdownRow, ...]
    product_groups: tuple[BreakdownRow, ...]
    business_units: tuple[BreakdownRow, ...]
    sites: tuple[BreakdownRow, ...]
    product_groups_bought: int
    product_groups_total: int
    lines: int

    @property
    def current(self) -> YearFigures | None:
        return next((y for y in self.years if y.year == self.year), None)

    @property
    def previous(self) -> YearFigures | None:
        return next((y for y in self.years if y.year == self.previous_year), None)

    @property
    def breadth(self) -> Decimal | None:
        """Share of our product groups the group bought in ``year`` (product-group penetration)."""
        return ratio(self.product_groups_bought, self.product_groups_total)

    @property
    def has_lines(self) -> bool:
        return self.lines > 0

    @property
    def subsidiaries(self) -> tuple[BreakdownRow, ...]:
        return self.members[1:]


def _breakdown(
    totals: dict[str, dict[int, list[Decimal]]],
    years: Sequence[int],
    year: int | None,
    group_revenue: Decimal,
    *,
    customers: dict[str, Customer] | None = None,
    order: Sequence[str] | None = None,
) -> tuple[BreakdownRow, ...]:
    rows = []
    for name, per_year in totals.items():
        revenue, margin = per_year.get(year, [ZERO, ZERO]) if year is not None else [ZERO, ZERO]
        previous = per_year.get(year - 1, [ZERO, ZERO])[0] if year is not None else ZERO
        has_previous = year is not None and (year - 1) in years
        rows.append(
            BreakdownRow(
                name=customers[name].name if customers else (name or ""),
                revenue=revenue,
                margin=margin,
                previous_revenue=previous,
                growth=growth(revenue, previous) if has_previous else None,
                share=ratio(revenue, group_revenue),
                revenue_by_year=tuple(per_year.get(y, [ZERO, ZERO])[0] for y in years),
                customer=customers[name] if customers else None,
            )
        )
    if order is not None:
        position = {name: i for i, name in enumerate(order)}
        return tuple(sorted(rows, key=lambda r: position[r.customer.number]))
    return tuple(sorted(rows, key=lambda r: (-r.revenue, r.name.casefold())))


def account_business(
    account: KeyAccount, *, year: int | None = None, data: GroupData | None = None
) -> AccountBusiness:
    """Revenue, margin and growth of the account's customer group per fiscal year, and the
    chosen year by product group, business unit (ours), site and group company.

    ``year`` must be a fiscal year of the ledger (``ValueError`` otherwise); default: the last
    complete one. ``data`` is a ``group_data`` result the caller has already read. Without a
    ledger the result has ``has_ledger=False`` and no rows.
    """
    data = data if data is not None else group_data(account)
    year = _check_year(data, year)
    years = data.years
    this_year = timezone.localdate().year

    by_year: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    groups: dict[str, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    units: dict[str, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    sites: dict[str, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    members: dict[str, dict[int, list[Decimal]]] = {
        c.number: defaultdict(lambda: [ZERO, ZERO]) for c in data.members
    }
    count = 0
    for line in data.lines:
        count += line.lines
        for table, name in (
            (groups, line.product_group),
            (units, line.business_unit),
            (sites, line.site or data.name_of(line.customer_number)),
            (members, line.customer_number),
        ):
            cell = table[name][line.year]
            cell[0] += line.revenue
            cell[1] += line.margin
        total = by_year[line.year]
        total[0] += line.revenue
        total[1] += line.margin
    bought = {name for name, per_year in groups.items() if name and per_year.get(year, [ZERO])[0] > 0}

    year_rows = []
    for y in years:
        revenue, margin = by_year.get(y, [ZERO, ZERO])
        previous = by_year.get(y - 1, [ZERO, ZERO])[0] if (y - 1) in years else None
        year_rows.append(
            YearFigures(
                year=y,
                revenue=revenue,
                margin=margin,
                growth=growth(revenue, previous),
                complete=y < this_year,
            )
        )
    group_revenue = by_year.get(year, [ZERO, ZERO])[0] if year is not None else ZERO
    customers = {c.number: c for c in data.members}
    return AccountBusiness(
        has_ledger=data.has_ledger,
        year=year,
        previous_year=(year - 1) if year is not None and (year - 1) in years else None,
        years=tuple(year_rows),
        members=_breakdown(
            members, years, year, group_revenue, customers=customers, order=[c.number for c in data.members]
        ),
        product_groups=_breakdown(groups, years, year, group_revenue),
        business_units=_breakdown(units, years, year, group_revenue),
        sites=_breakdown(sites, years, year, group_revenue),
        product_groups_bought=len(bought),
        product_groups_total=len(data.catalogue.product_groups),
        lines=count,
    )


# The whitespace matrix ------------------------------------------------------------------------


@dataclass(frozen=True)
class WhitespaceTotals:
    """Counts and sums over a set of matrix cells (a row, a column or the whole matrix)."""

    cells: int = 0
    cells_sold: int = 0
    cells_with_need: int = 0
    competitor_cells: int = 0
    no_need_cells: int = 0
    unknown_cells: int = 0
    opportunities: int = 0
    open_potential: Decimal = ZERO

    @property
    def penetration(self) -> Decimal | None:
        """Sold cells ÷ cells with a need, between 0 and 1; ``None`` without cells with a need."""
        return ratio(self.cells_sold, self.cells_with_need)

    @classmethod
    def of(cls, cells: Iterable[MatrixCell]) -> WhitespaceTotals:
        counts: dict[str, int] = defaultdict(int)
        potential = ZERO
        total = 0
        for cell in cells:
            total += 1
            counts[cell.state] += 1
            if cell.state == CellState.OPPORTUNITY:
                potential += cell.potential or ZERO
        return cls(
            cells=total,
            cells_sold=counts[CellState.SOLD],
            cells_with_need=total - counts[CellState.NO_NEED],
            competitor_cells=counts[CellState.COMPETITOR],
            no_need_cells=counts[CellState.NO_NEED],
            unknown_cells=counts[CellState.UNKNOWN],
            opportunities=counts[CellState.OPPORTUNITY],
            open_potential=potential,
        )


@dataclass(frozen=True)
class MatrixCell:
    """One cell: the ledger's revenue in the chosen year (``None`` without a line) and the mark."""

    row: str
    product_group: str
    revenue: Decimal | None
    mark: WhitespaceCell | None

    @property
    def sold(self) -> bool:
        return self.revenue is not None and self.revenue > 0

    @property
    def state(self) -> str:
        if self.sold:
            return CellState.SOLD
        return self.mark.status if self.mark is not None else CellStatus.UNKNOWN

    @property
    def overridden(self) -> bool:
        """The team marked a cell where the ledger now shows revenue: the ledger wins."""
        return self.sold and self.mark is not None and self.mark.status != CellStatus.UNKNOWN

    @property
    def potential(self) -> Decimal | None:
        return self.mark.potential if self.state == CellState.OPPORTUNITY else None

    @property
    def version(self) -> int:
        """The mark's version for optimistic locking; 0 while the cell has no mark."""
        return self.mark.version if self.mark is not None else 0


@dataclass(frozen=True)
class MatrixRow:
    """A site or unit of the customer group with its cells (in column order) and totals.

    ``unit`` is the team's record (``None`` for a ledger site nobody has marked or described);
    ``customers`` names the group companies with lines at this site.
    """

    name: str
    unit: CustomerUnit | None
    in_ledger: bool
    customers: tuple[str, ...]
    revenue: Decimal
    cells: tuple[MatrixCell, ...]
    totals: WhitespaceTotals

    @property
    def kind(self) -> str:
        return self.unit.kind if self.unit is not None else UnitKind.SITE

    @property
    def country(self) -> str:
        return self.unit.country if self.unit is not None else ""


@dataclass(frozen=True)
class MatrixColumn:
    product_group: str
    revenue: Decimal
    totals: WhitespaceTotals


@dataclass(frozen=True)
class WhitespaceMatrix:
    """The customer group's units × our product groups in the chosen fiscal year."""

    has_ledger: bool
    year: int | None
    years: tuple[int, ...]
    product_groups: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    columns: tuple[MatrixColumn, ...]
    totals: WhitespaceTotals
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def cell(self, row: str, product_group: str) -> MatrixCell | None:
        """The cell of the row named ``row`` (regardless of case) and ``product_group``."""
        return self._index.get((_key(row), product_group))

    def row(self, name: str) -> MatrixRow | None:
        return next((r for r in self.rows if _key(r.name) == _key(name)), None)


def units_for_account(account: KeyAccount) -> list[CustomerUnit]:
    """The team's unit records of an account, by name."""
    return list(CustomerUnit.objects.filter(account=account).order_by("name"))


def ledger_sites(data: GroupData) -> dict[str, str]:
    """The group's sites in the ledger: normalised name → name as the ledger spells it."""
    sites: dict[str, str] = {}
    for line in data.lines:
        name = line.site or data.name_of(line.customer_number)
        sites.setdefault(_key(name), name)
    return sites


def whitespace_matrix(
    account: KeyAccount, *, year: int | None = None, data: GroupData | None = None
) -> WhitespaceMatrix:
    """The whitespace matrix of an account in fiscal ``year`` (default: the last complete one).

    Raises ``ValueError`` for a year the ledger does not have. Without a ledger there are no
    columns (and no cells): ``has_ledger`` is False.
    """
    data = data if data is not None else group_data(account)
    year = _check_year(data, year)
    groups = data.catalogue.product_groups

    revenue: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    row_revenue: dict[str, Decimal] = defaultdict(lambda: ZERO)
    companies: dict[str, list[str]] = defaultdict(list)
    spelled = ledger_sites(data)
    for line in data.lines:
        key = _key(line.site or data.name_of(line.customer_number))
        company = data.name_of(line.customer_number)
        if company not in companies[key]:
            companies[key].append(company)
        if line.year == year:
            row_revenue[key] += line.revenue
            if line.product_group:
                revenue[(key, line.product_group)] += line.revenue

    units = {_key(u.name): u for u in units_for_account(account)}
    marks: dict[tuple[int, str], WhitespaceCell] = {
        (m.unit_id, m.product_group): m
        for m in WhitespaceCell.objects.filter(account=account).select_related("updated_by")
    }
    keys = sorted(spelled, key=lambda k: spelled[k].casefold()) + sorted(
        (k for k in units if k not in spelled), key=lambda k: units[k].name.casefold()
    )
    rows = []
    index = {}
    by_column: dict[str, list[MatrixCell]] = defaultdict(list)
    for key in keys:
        unit = units.get(key)
        name = unit.name if unit is not None else spelled[key]
        in_ledger = key in spelled
        cells = []
        for group in groups:
            cell = MatrixCell(
                row=name,
                product_group=group,
                revenue=revenue.get((key, group)) if in_ledger and (key, group) in revenue else None,
                mark=marks.get((unit.pk, group)) if unit is not None else None,
            )
            cells.append(cell)
            index[(key, group)] = cell
            by_column[group].append(cell)
        rows.append(
            MatrixRow(
                name=name,
                unit=unit,
                in_ledger=in_ledger,
                customers=tuple(companies.get(key, ())),
                revenue=row_revenue.get(key, ZERO),
                cells=tuple(cells),
                totals=WhitespaceTotals.of(cells),
            )
        )
    columns = tuple(
        MatrixColumn(
            product_group=group,
            revenue=sum((c.revenue for c in by_column[group] if c.revenue is not None), ZERO),
            totals=WhitespaceTotals.of(by_column[group]),
        )
        for group in groups
    )
    return WhitespaceMatrix(
        has_ledger=data.has_ledger,
        year=year,
        years=tuple(data.years),
        product_groups=groups,
        rows=tuple(rows),
        columns=columns,
        totals=WhitespaceTotals.of(index.values()),
        _index=index,
    )


def whitespace_totals(account: KeyAccount, *, year: int | None = None) -> WhitespaceTotals:
    """Penetration, open potential and counts of the account's whitespace matrix (default year:
    the last complete fiscal year). All zero, penetration ``None``, without a ledger."""
    return whitespace_matrix(account, year=year).totals


def competitor_suggestions(account: KeyAccount) -> list[str]:
    """Competitor names to offer when marking a cell: those of the account's competitor analysis
    and those the team has already entered in the matrix, without duplicates, by name."""
    # Imported here, not at the top: the competition app reads this app's figures in turn.
    from openkam.competition.selectors import competitor_names

    names = list(competitor_names(account))
    names += (
        WhitespaceCell.objects.filter(account=account, status=CellStatus.COMPETITOR)
        .exclude(competitor="")
        .values_list("competitor", flat=True)
    )
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(_key(name), " ".join(str(name).split()))
    return sorted(unique.values(), key=str.casefold)

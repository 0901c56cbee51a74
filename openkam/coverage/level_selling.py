"""The level-selling matrix: the customer's hierarchy levels against ours, planned versus held contacts.

Level selling means every level of the customer has its counterpart on our side: our executives
meet theirs about business problems, our managers their project leads, our project and service
people their operational staff. The matrix shows, per pair of levels, how many contacts a year the
relationship plan intends and how many were held in a year, and where there is no relationship
at all (a gap).

Pure computation over plain data; ``selectors.level_selling_matrix`` loads it for an account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from openkam.accounts.choices import InternalRole
from openkam.relationships.choices import CADENCE_MONTHS
from openkam.stakeholders.choices import HierarchyLevel, OurLevel

from .choices import CellState

#: Internal roles on the account team by the level of our company they stand for.
_ROLE_LEVELS = {
    InternalRole.MANAGEMENT_SPONSOR: OurLevel.EXECUTIVE,
    InternalRole.GKAM: OurLevel.MANAGEMENT,
    InternalRole.NKAM: OurLevel.MANAGEMENT,
    InternalRole.COUNTRY_SALES: OurLevel.MANAGEMENT,
}


#: The pairs of levels level selling expects to meet: executives with executives, our management
#: with the customer's project leads, our project and service people with its operational staff.
COUNTERPARTS = {
    HierarchyLevel.EXECUTIVE: OurLevel.EXECUTIVE,
    HierarchyLevel.PROJECT: OurLevel.MANAGEMENT,
    HierarchyLevel.OPERATIONAL: OurLevel.OPERATIONS,
}


def our_level(user_id: int, *, owner_id: int | None, internal_roles: Mapping[int, str]) -> OurLevel:
    """The level of our company a colleague stands for at this account, from their place on it.

    - the owning key account manager: management;
    - a team member who is the management sponsor: executive;
    - a team member who is global, national or country key account / sales manager: management;
    - everybody else, on the team or not (inside sales, engineering, service, logistics, others,
      and colleagues who took part in a contact without being on the team): project / operations.

    ``internal_roles`` maps the team members' user ids to their ``InternalRole``.
    """
    if user_id == owner_id:
        return OurLevel.MANAGEMENT
    return _ROLE_LEVELS.get(internal_roles.get(user_id), OurLevel.OPERATIONS)


def planned_per_year(cadence: str) -> int:
    """How many contacts a year a cadence of the relationship plan means (12 / months)."""
    return 12 // CADENCE_MONTHS[cadence]


@dataclass(frozen=True)
class PlanLine:
    """A line of the relationship plan, reduced to the levels it connects."""

    user_id: int
    their_level: str  # a HierarchyLevel value, "" when the stakeholder's level is not recorded
    cadence: str


@dataclass(frozen=True)
class ContactPair:
    """One of our participants meeting one of theirs in a held contact (a contact of two of us with
    three of them makes six pairs)."""

    user_id: int
    their_level: str


@dataclass
class Cell:
    their_level: str
    our_level: str
    planned: int = 0
    actual: int = 0
    state: str = CellState.GAP

    @property
    def is_gap(self) -> bool:
        return self.state == CellState.GAP

    @property
    def is_counterpart(self) -> bool:
        """Whether this pair of levels is one level selling expects to meet (see ``COUNTERPARTS``)."""
        return COUNTERPARTS[self.their_level] == self.our_level

    @property
    def state_label(self) -> str:
        return str(CellState(self.state).label)


@dataclass
class Row:
    level: str
    label: str
    cells: list[Cell]

    @property
    def planned(self) -> int:
        return sum(c.planned for c in self.cells)

    @property
    def actual(self) -> int:
        return sum(c.actual for c in self.cells)

    @property
    def is_gap(self) -> bool:
        """No relationship with this level of the customer at all: nothing planned, nobody met."""
        return self.planned == 0 and self.actual == 0


@dataclass(frozen=True)
class Column:
    level: str
    label: str
    planned: int
    actual: int


@dataclass
class LevelSellingMatrix:
    """Rows: the customer's levels (executive first); columns: ours. ``unplaced_*`` count the plan
    lines and contact pairs with stakeholders whose level is not recorded (not in the matrix)."""

    year: int
    rows: list[Row]
    columns: list[Column]
    unplaced_planned: int
    unplaced_actual: int
    years: list[int]

    @property
    def planned(self) -> int:
        return sum(r.planned for r in self.rows)

    @property
    def actual(self) -> int:
        return sum(r.actual for r in self.rows)

    @property
    def gap_rows(self) -> list[Row]:
        return [r for r in self.rows if r.is_gap]


def expected_by(planned: int, year: int, today: date) -> int:
    """How many of ``planned`` contacts of ``year`` should have been held by ``today``.

    All of them for a past year, none for a future one, and for the current year the part of the
    year that has passed, rounded down (so early January is not "behind" yet).
    """
    if year < today.year:
        return planned
    if year > today.year:
        return 0
    start = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - start).days
    return planned * ((today - start).days + 1) // days


def _state(planned: int, actual: int, expected: int) -> str:
    if planned == 0:
        return CellState.UNPLANNED if actual else CellState.GAP
    return CellState.BEHIND if actual < expected else CellState.ON_TRACK


def build_matrix(
    *,
    year: int,
    today: date,
    owner_id: int | None,
    internal_roles: Mapping[int, str],
    plan_lines: Iterable[PlanLine],
    contact_pairs: Iterable[ContactPair],
    years: Iterable[int] = (),
) -> LevelSellingMatrix:
    """The matrix for ``year``: planned contacts a year from the plan lines, held ones from the pairs.

    ``contact_pairs`` are the pairs of the held contacts of ``year``; ``years`` are the years the
    page offers (``year`` is always among them).
    """
    cells = {
        (theirs, ours): Cell(theirs, ours) for theirs in HierarchyLevel.values for ours in OurLevel.values
    }
    unplaced_planned = unplaced_actual = 0

    def level_of(user_id: int) -> str:
        return our_level(user_id, owner_id=owner_id, internal_roles=internal_roles)

    for line in plan_lines:
        if line.their_level in HierarchyLevel.values:
            cells[(line.their_level, level_of(line.user_id))].planned += planned_per_year(line.cadence)
        else:
            unplaced_planned += planned_per_year(line.cadence)
    for pair in contact_pairs:
        if pair.their_level in HierarchyLevel.values:
            cells[(pair.their_level, level_of(pair.user_id))].actual += 1
        else:
            unplaced_actual += 1
    for cell in cells.values():
        cell.state = _state(cell.planned, cell.actual, expected_by(cell.planned, year, today))

    rows = [
        Row(level.value, str(level.label), [cells[(level.value, ours)] for ours in OurLevel.values])
        for level in HierarchyLevel
    ]
    columns = [
        Column(
            ours.value,
            str(ours.label),
            planned=sum(cells[(theirs, ours.value)].planned for theirs in HierarchyLevel.values),
            actual=sum(cells[(theirs, ours.value)].actual for theirs in HierarchyLevel.values),
        )
        for ours in OurLevel
    ]
    return LevelSellingMatrix(
        year=year,
        rows=rows,
        columns=columns,
        unplaced_planned=unplaced_planned,
        unplaced_actual=unplaced_actual,
        years=sorted({*years, year}),
    )

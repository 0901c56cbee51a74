"""The level-selling matrix on plain data: our level of a colleague, planned and held contacts, gaps."""

from datetime import date

import pytest

from openkam.accounts.choices import InternalRole
from openkam.coverage.choices import CellState
from openkam.coverage.level_selling import (
    ContactPair,
    PlanLine,
    build_matrix,
    expected_by,
    our_level,
    planned_per_year,
)

OWNER, SPONSOR, NKAM, SERVICE, OUTSIDER = 1, 2, 3, 4, 5
ROLES = {
    SPONSOR: InternalRole.MANAGEMENT_SPONSOR,
    NKAM: InternalRole.NKAM,
    SERVICE: InternalRole.SERVICE,
}


@pytest.mark.parametrize(
    ("role", "level"),
    [
        (InternalRole.MANAGEMENT_SPONSOR, "executive"),
        (InternalRole.GKAM, "management"),
        (InternalRole.NKAM, "management"),
        (InternalRole.COUNTRY_SALES, "management"),
        (InternalRole.INSIDE_SALES, "operations"),
        (InternalRole.ENGINEERING, "operations"),
        (InternalRole.SERVICE, "operations"),
        (InternalRole.LOGISTICS, "operations"),
        (InternalRole.OTHER, "operations"),
    ],
)
def test_our_level_follows_the_internal_role_on_the_team(role, level):
    assert our_level(9, owner_id=OWNER, internal_roles={9: role}) == level


def test_the_owner_stands_for_management_and_colleagues_off_the_team_for_operations():
    assert our_level(OWNER, owner_id=OWNER, internal_roles={}) == "management"
    assert our_level(OUTSIDER, owner_id=OWNER, internal_roles=ROLES) == "operations"


@pytest.mark.parametrize(
    ("cadence", "per_year"), [("monthly", 12), ("quarterly", 4), ("half_yearly", 2), ("yearly", 1)]
)
def test_a_cadence_means_twelve_divided_by_its_months_contacts_a_year(cadence, per_year):
    assert planned_per_year(cadence) == per_year


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2025, date(2026, 3, 1), 12),  # a past year: all of them
        (2027, date(2026, 3, 1), 0),  # a future year: none yet
        (2026, date(2026, 1, 5), 0),  # early January is not behind yet
        (2026, date(2026, 7, 1), 5),  # 182 of 365 days: 5.98 rounded down
        (2026, date(2026, 12, 31), 12),
    ],
)
def test_the_contacts_expected_by_a_day_are_the_part_of_the_year_that_has_passed(year, today, expected):
    assert expected_by(12, year, today) == expected


def _matrix(plan_lines=(), pairs=(), today=date(2026, 12, 31), year=2026):
    return build_matrix(
        year=year,
        today=today,
        owner_id=OWNER,
        internal_roles=ROLES,
        plan_lines=plan_lines,
        contact_pairs=pairs,
        years=[2024, 2025],
    )


def _cell(matrix, theirs, ours):
    [row] = [r for r in matrix.rows if r.level == theirs]
    [cell] = [c for c in row.cells if c.our_level == ours]
    return cell


def test_the_matrix_adds_planned_contacts_per_cell_and_counts_held_pairs():
    matrix = _matrix(
        plan_lines=[
            PlanLine(SPONSOR, "executive", "half_yearly"),
            PlanLine(OWNER, "executive", "quarterly"),
            PlanLine(NKAM, "project", "monthly"),
            PlanLine(OWNER, "project", "quarterly"),
            PlanLine(SERVICE, "", "monthly"),  # level of the person not recorded
        ],
        pairs=[
            ContactPair(SPONSOR, "executive"),
            ContactPair(SPONSOR, "executive"),
            ContactPair(OWNER, "project"),
            ContactPair(NKAM, "project"),
            ContactPair(SERVICE, "project"),
            ContactPair(OUTSIDER, ""),
        ],
    )

    assert [r.level for r in matrix.rows] == ["executive", "project", "operational"]
    assert [c.level for c in matrix.columns] == ["executive", "management", "operations"]
    assert (
        _cell(matrix, "executive", "executive").planned,
        _cell(matrix, "executive", "executive").actual,
    ) == (2, 2)
    assert _cell(matrix, "executive", "executive").state == CellState.ON_TRACK
    assert (
        _cell(matrix, "executive", "management").planned,
        _cell(matrix, "executive", "management").actual,
    ) == (4, 0)
    assert _cell(matrix, "executive", "management").state == CellState.BEHIND
    # The owner's quarterly and the NKAM's monthly line both land in management × project.
    assert (
        _cell(matrix, "project", "management").planned,
        _cell(matrix, "project", "management").actual,
    ) == (16, 2)
    assert _cell(matrix, "project", "operations").state == CellState.UNPLANNED
    assert _cell(matrix, "project", "executive").state == CellState.GAP
    assert [r.is_gap for r in matrix.rows] == [False, False, True]
    assert [r.label for r in matrix.gap_rows] == ["Operational"]
    assert [(c.planned, c.actual) for c in matrix.columns] == [(2, 2), (20, 2), (0, 1)]
    assert (matrix.planned, matrix.actual) == (22, 5)
    assert (matrix.unplaced_planned, matrix.unplaced_actual) == (12, 1)
    assert matrix.years == [2024, 2025, 2026]


def test_in_the_current_year_a_cell_is_behind_only_when_the_passed_part_of_the_year_calls_for_more():
    lines = [PlanLine(OWNER, "project", "quarterly")]
    one_held = [ContactPair(OWNER, "project")]

    assert (
        _cell(_matrix(lines, one_held, today=date(2026, 6, 30)), "project", "management").state
        == CellState.ON_TRACK
    )
    assert (
        _cell(_matrix(lines, one_held, today=date(2026, 7, 2)), "project", "management").state
        == CellState.BEHIND
    )
    assert (
        _cell(_matrix(lines, [], today=date(2026, 3, 1)), "project", "management").state == CellState.ON_TRACK
    )
    assert (
        _cell(_matrix(lines, [], today=date(2026, 3, 1), year=2027), "project", "management").state
        == CellState.ON_TRACK
    )


def test_the_counterparts_are_the_pairs_of_levels_that_should_meet():
    matrix = _matrix()

    assert [(c.their_level, c.our_level) for row in matrix.rows for c in row.cells if c.is_counterpart] == [
        ("executive", "executive"),
        ("project", "management"),
        ("operational", "operations"),
    ]


def test_an_empty_account_is_a_gap_everywhere():
    matrix = _matrix()

    assert all(cell.state == CellState.GAP for row in matrix.rows for cell in row.cells)
    assert len(matrix.gap_rows) == 3

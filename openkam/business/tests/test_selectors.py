"""The figures and the whitespace computations, against a real Parquet ledger (tests/ledger.py)."""

from datetime import date
from decimal import Decimal

import pytest

from openkam.business.choices import CellState, CellStatus, UnitKind
from openkam.business.selectors import (
    account_business,
    competitor_suggestions,
    default_year,
    group_customers,
    whitespace_matrix,
    whitespace_totals,
)
from openkam.business.services import customer_unit_create, whitespace_cell_set
from openkam.testing.factories import CustomerFactory

from .ledger import PRODUCT_GROUPS, register_ledger

pytestmark = pytest.mark.django_db

D = Decimal


def _mark(account, unit, group, status, **values):
    return whitespace_cell_set(
        actor=None, account=account, unit=unit, product_group=group, status=status, **values
    )


# Our business -----------------------------------------------------------------------------------


def test_years_sum_the_group_with_credit_notes_and_growth_needs_a_positive_base(alpha):
    business = account_business(alpha.account)

    assert business.has_ledger and business.has_lines
    assert [(y.year, y.revenue, y.margin, y.growth) for y in business.years] == [
        (2023, D("0.00"), D("0.00"), None),  # only the other customer bought in 2023
        (2024, D("15000.00"), D("6000.00"), None),  # no base: 2023 was zero
        (2025, D("20000.00"), D("7900.00"), D("0.3333")),
    ]
    assert business.year == 2025 and business.previous_year == 2024
    assert business.current.margin_rate == D("0.3950")


def test_the_chosen_year_is_broken_down_by_product_group_unit_site_and_company(alpha):
    business = account_business(alpha.account, year=2025)

    groups = [
        (r.name, r.revenue, r.margin, r.previous_revenue, r.growth, r.share) for r in business.product_groups
    ]
    assert groups == [
        ("Getriebemotoren", D("15000.00"), D("6000.00"), D("10000.00"), D("0.5000"), D("0.7500")),
        ("Frequenzumrichter", D("5000.00"), D("1900.00"), D("0.00"), None, D("0.2500")),
        ("Servomotoren", D("0.00"), D("0.00"), D("5000.00"), D("-1.0000"), D("0.0000")),
    ]
    assert [(r.name, r.revenue) for r in business.business_units] == [
        ("Antriebe", D("15000.00")),
        ("Steuerungen", D("5000.00")),
    ]
    # The subsidiary's line without a site counts for a row named after the subsidiary.
    assert [(r.name, r.revenue) for r in business.sites] == [
        ("Stuttgart", D("16000.00")),
        ("Posen", D("3000.00")),
        ("Alpha Polska", D("1000.00")),
    ]
    companies = [(r.name, r.revenue, r.share, r.revenue_by_year) for r in business.members]
    assert companies == [
        ("Alpha Maschinenbau", D("16000.00"), D("0.8000"), (D("0.00"), D("15000.00"), D("16000.00"))),
        ("Alpha Polska", D("4000.00"), D("0.2000"), (D("0.00"), D("0.00"), D("4000.00"))),
    ]
    assert [r.name for r in business.subsidiaries] == ["Alpha Polska"]
    # Product-group penetration: 2 of the ledger's 4 groups bought (Servomotoren netted to 0).
    assert (business.product_groups_bought, business.product_groups_total, business.breadth) == (
        2,
        4,
        D("0.5000"),
    )


def test_an_earlier_year_compares_with_its_own_previous_year(alpha):
    business = account_business(alpha.account, year=2024)

    assert [(r.name, r.revenue, r.growth) for r in business.product_groups] == [
        ("Getriebemotoren", D("10000.00"), None),
        ("Servomotoren", D("5000.00"), None),
        ("Frequenzumrichter", D("0.00"), None),
    ]
    assert business.product_groups_bought == 2
    with pytest.raises(ValueError, match="no fiscal year 2019"):
        account_business(alpha.account, year=2019)


def test_subsidiaries_of_subsidiaries_belong_to_the_group(alpha):
    grandchild = CustomerFactory(name="Alpha Polska Serwis", parent=alpha.subsidiary)
    register_ledger([(date(2025, 3, 3), grandchild.number, "Ersatzteile", "Posen", 700, 300)])

    assert group_customers(alpha.account) == [alpha.account.customer, alpha.subsidiary, grandchild]
    business = account_business(alpha.account)
    assert business.current.revenue == D("20700.00")
    assert [r.name for r in business.members] == ["Alpha Maschinenbau", "Alpha Polska", "Alpha Polska Serwis"]


def test_a_new_import_changes_the_figures_at_once(alpha):
    assert account_business(alpha.account).current.revenue == D("20000.00")

    register_ledger(
        [(date(2025, 12, 1), alpha.account.customer.number, "Servomotoren", "Stuttgart", 2_500, 1_000)]
    )

    assert account_business(alpha.account).current.revenue == D("22500.00")
    assert whitespace_matrix(alpha.account).cell("Stuttgart", "Servomotoren").sold


def test_without_a_ledger_everything_is_empty(world):
    business = account_business(world.account)
    matrix = whitespace_matrix(world.account)

    assert not business.has_ledger and not business.years and business.year is None
    assert not matrix.has_ledger and not matrix.product_groups and matrix.totals.cells == 0
    totals = whitespace_totals(world.account)
    assert totals.penetration is None and totals.open_potential == D("0.00")


@pytest.mark.parametrize(
    ("years", "today", "expected"),
    [
        ([2023, 2024, 2025], date(2026, 2, 1), 2025),
        ([2023, 2024, 2025], date(2025, 6, 30), 2024),
        ([2026], date(2026, 6, 30), 2026),  # nothing complete yet: the last year
        ([], date(2026, 1, 1), None),
    ],
)
def test_the_default_year_is_the_last_complete_fiscal_year(years, today, expected):
    assert default_year(years, today) == expected


# The whitespace matrix --------------------------------------------------------------------------


def test_rows_are_the_groups_sites_and_columns_every_product_group_of_the_ledger(alpha):
    matrix = whitespace_matrix(alpha.account, year=2025)

    assert matrix.product_groups == tuple(PRODUCT_GROUPS)
    assert [(r.name, r.in_ledger, r.kind, r.customers) for r in matrix.rows] == [
        ("Alpha Polska", True, UnitKind.SITE, ("Alpha Polska",)),
        ("Posen", True, UnitKind.SITE, ("Alpha Polska",)),
        ("Stuttgart", True, UnitKind.SITE, ("Alpha Maschinenbau",)),
    ]
    sold = {(c.row, c.product_group) for r in matrix.rows for c in r.cells if c.sold}
    assert sold == {
        ("Alpha Polska", "Frequenzumrichter"),
        ("Posen", "Getriebemotoren"),
        ("Stuttgart", "Frequenzumrichter"),
        ("Stuttgart", "Getriebemotoren"),
    }
    # Lines that net to zero are no sale.
    servo = matrix.cell("stuttgart", "Servomotoren")
    assert servo.revenue == D("0.00") and servo.state == CellStatus.UNKNOWN
    assert matrix.cell("Stuttgart", "Ersatzteile").revenue is None
    totals = matrix.totals
    assert (totals.cells, totals.cells_sold, totals.cells_with_need, totals.unknown_cells) == (12, 4, 12, 8)
    assert totals.penetration == D("0.3333")


def test_marks_fill_the_other_cells_and_the_totals_follow(alpha):
    account = alpha.account
    _mark(account, "Stuttgart", "Servomotoren", CellStatus.OPPORTUNITY, potential=D("25000"))
    _mark(account, "Posen", "Servomotoren", CellStatus.OPPORTUNITY, potential=D("12500.50"))
    _mark(account, "Posen", "Ersatzteile", CellStatus.NO_NEED)
    _mark(account, "Alpha Polska", "Ersatzteile", CellStatus.NO_NEED)
    _mark(account, "Stuttgart", "Ersatzteile", CellStatus.COMPETITOR, competitor="Nordgetriebe AG")

    matrix = whitespace_matrix(account, year=2025)

    totals = matrix.totals
    assert (totals.cells_sold, totals.cells_with_need, totals.opportunities) == (4, 10, 2)
    assert (totals.competitor_cells, totals.no_need_cells, totals.unknown_cells) == (1, 2, 3)
    assert totals.penetration == D("0.4000")
    assert totals.open_potential == D("37500.50")
    stuttgart = matrix.row("Stuttgart")
    assert (stuttgart.totals.cells_sold, stuttgart.totals.cells_with_need) == (2, 4)
    assert stuttgart.totals.penetration == D("0.5000") and stuttgart.totals.open_potential == D("25000.00")
    assert stuttgart.unit is not None and stuttgart.unit.kind == UnitKind.SITE  # created by the first mark
    columns = {c.product_group: c.totals for c in matrix.columns}
    assert columns["Ersatzteile"].cells_with_need == 1 and columns["Ersatzteile"].penetration == D("0.0000")
    assert columns["Servomotoren"].open_potential == D("37500.50")
    assert columns["Getriebemotoren"].penetration == D("0.6667")
    assert matrix.row("Alpha Polska").totals.cells_with_need == 3


def test_a_row_without_any_need_has_no_penetration(alpha):
    unit = customer_unit_create(actor=None, account=alpha.account, name="Verwaltung")
    for group in PRODUCT_GROUPS:
        _mark(alpha.account, unit.name, group, CellStatus.NO_NEED)

    row = whitespace_matrix(alpha.account).row("Verwaltung")

    assert row.totals.cells_with_need == 0 and row.totals.penetration is None


def test_the_ledger_wins_over_a_mark_and_the_mark_returns_in_a_year_without_sales(alpha):
    account = alpha.account
    _mark(account, "Stuttgart", "Getriebemotoren", CellStatus.COMPETITOR, competitor="Kraemer Antriebe")
    _mark(account, "Stuttgart", "Servomotoren", CellStatus.OPPORTUNITY, potential=D("25000"))

    in_2025 = whitespace_matrix(account, year=2025)
    in_2024 = whitespace_matrix(account, year=2024)

    competitor = in_2025.cell("Stuttgart", "Getriebemotoren")
    assert competitor.state == CellState.SOLD and competitor.overridden
    assert competitor.mark.competitor == "Kraemer Antriebe"  # kept, not shown as the state
    # In 2024 we sold Servomotoren at Stuttgart: the opportunity is overridden and not counted.
    servo = in_2024.cell("Stuttgart", "Servomotoren")
    assert servo.state == CellState.SOLD and servo.overridden and servo.potential is None
    assert in_2024.totals.open_potential == D("0.00") and in_2024.totals.opportunities == 0
    assert in_2025.totals.open_potential == D("25000.00")
    assert in_2025.cell("Stuttgart", "Servomotoren").state == CellState.OPPORTUNITY


def test_team_units_add_rows_and_a_unit_named_like_a_site_is_that_site(alpha):
    customer_unit_create(
        actor=None, account=alpha.account, name="Werk Zwickau", kind=UnitKind.UNIT, country="DE"
    )
    customer_unit_create(actor=None, account=alpha.account, name="STUTTGART", kind=UnitKind.SITE)

    matrix = whitespace_matrix(alpha.account)

    assert [(r.name, r.in_ledger) for r in matrix.rows] == [
        ("Alpha Polska", True),
        ("Posen", True),
        ("STUTTGART", True),
        ("Werk Zwickau", False),
    ]
    zwickau = matrix.row("werk zwickau")
    assert zwickau.country == "DE" and zwickau.kind == UnitKind.UNIT
    assert all(c.revenue is None and c.state == CellStatus.UNKNOWN for c in zwickau.cells)
    assert matrix.totals.cells == 16 and matrix.totals.penetration == D("0.2500")
    assert matrix.row("Stuttgart").revenue == D("16000.00")


def test_competitor_suggestions_join_the_competitor_analysis_and_the_matrix(alpha, world):
    from openkam.competition.services import competitor_create

    competitor_create(actor=world.owner, account=alpha.account, name="Nordgetriebe AG")
    _mark(alpha.account, "Posen", "Servomotoren", CellStatus.COMPETITOR, competitor="Antriebe Wrocław")
    _mark(alpha.account, "Stuttgart", "Ersatzteile", CellStatus.COMPETITOR, competitor="nordgetriebe ag")

    assert competitor_suggestions(alpha.account) == ["Antriebe Wrocław", "Nordgetriebe AG"]

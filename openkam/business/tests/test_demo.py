"""The whitespace marks of the demo company."""

import pytest

from openkam.accounts.models import KeyAccount
from openkam.business.choices import CellStatus
from openkam.business.demo import seed_business
from openkam.business.models import CustomerUnit, WhitespaceCell
from openkam.business.selectors import whitespace_matrix
from openkam.core.models import AuditEntry
from openkam.demo.generator import DemoSpec, generate_company

pytestmark = pytest.mark.django_db

SMALL = DemoSpec(customers=300, lines=20_000, accounts=8, chunk_rows=4_000)


def _signature():
    return sorted(
        WhitespaceCell.objects.values_list(
            "account__customer__number",
            "unit__name",
            "product_group",
            "status",
            "competitor",
            "potential",
            "note",
        )
    )


def test_the_demo_accounts_get_matrices_in_several_states(tmp_path):
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")
    seed_business()  # does nothing if the generator has seeded already

    accounts = list(KeyAccount.objects.order_by("pk"))
    marks = [WhitespaceCell.objects.filter(account=a).count() for a in accounts]
    # States cycle: thorough, well along, just started, nothing yet.
    assert marks[3] == 0 and marks[7] == 0
    assert marks[0] > marks[2] > 0 and marks[1] > marks[2]
    assert set(WhitespaceCell.objects.values_list("status", flat=True)) == {
        CellStatus.COMPETITOR,
        CellStatus.NO_NEED,
        CellStatus.OPPORTUNITY,
    }
    assert CustomerUnit.objects.filter(account=accounts[0], cells__isnull=False).exists()
    # The thorough account shows a mark where the ledger wins, and open potential.
    matrix = whitespace_matrix(accounts[0], year=SMALL.last_year)
    assert any(cell.overridden for row in matrix.rows for cell in row.cells)
    assert matrix.totals.open_potential > 0 and matrix.totals.penetration is not None
    assert any(not row.in_ledger for row in matrix.rows)  # the unit the team added
    # Made by people of the account teams, so the timelines show them.
    entries = AuditEntry.objects.filter(action="business.cell.update")
    assert entries.count() == WhitespaceCell.objects.count()
    assert not entries.filter(actor__isnull=True).exists()

    # Nothing twice; and the same ledger and accounts give the same marks again.
    first = _signature()
    assert seed_business() == type(seed_business())()
    WhitespaceCell.objects.all().delete()
    CustomerUnit.objects.all().delete()
    seed_business()
    assert _signature() == first


def test_without_a_ledger_nothing_is_seeded(world):
    result = seed_business()

    assert (result.accounts, result.cells) == (0, 0)
    assert not WhitespaceCell.objects.exists()

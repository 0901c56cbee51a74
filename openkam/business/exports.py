"""The whitespace matrix as an XLSX or CSV download, laid out as on the page.

One line per unit, one column per product group; a cell holds our revenue in the chosen year
where we sell (a number), else the team's mark as text. The totals per unit follow in the last
columns, the totals per product group in the last line. The matrix is small (units × product
groups), so the file is written while the request waits, with ``openkam.core.exporters``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from django.http import HttpResponse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from openkam.core.exporters import write_csv, write_xlsx
from openkam.core.templatetags.openkam import money

from .choices import CellState, ExportFormat, UnitKind
from .selectors import MatrixCell, WhitespaceMatrix, WhitespaceTotals

_CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}


def _percent(totals: WhitespaceTotals) -> Decimal | None:
    rate = totals.penetration
    return None if rate is None else (rate * 100).quantize(Decimal("0.1"))


def cell_text(cell: MatrixCell):
    """What one cell of the file says: the revenue where we sell, else the mark in words."""
    if cell.state == CellState.SOLD:
        return cell.revenue
    mark = cell.mark
    if cell.state == CellState.COMPETITOR:
        if mark.competitor:
            return pgettext("whitespace export", "Competitor: %(name)s") % {"name": mark.competitor}
        return pgettext("whitespace export", "Competitor")
    if cell.state == CellState.NO_NEED:
        return pgettext("whitespace export", "No need")
    if cell.state == CellState.OPPORTUNITY:
        return pgettext("whitespace export", "Opportunity: %(amount)s") % {"amount": money(cell.potential)}
    return ""


def _totals(totals: WhitespaceTotals) -> list:
    return [totals.cells_with_need, totals.cells_sold, _percent(totals), totals.open_potential]


def matrix_table(matrix: WhitespaceMatrix) -> tuple[list[str], list[Sequence]]:
    """Header and lines of the export (translated in the active language)."""
    header = [
        _("Unit or site"),
        _("Kind"),
        _("Country"),
        _("Group companies"),
        *matrix.product_groups,
        _("Cells with a need"),
        _("Cells where we sell"),
        _("Penetration (%)"),
        _("Open potential (EUR)"),
    ]
    kinds = dict(UnitKind.choices)
    rows: list[Sequence] = []
    for row in matrix.rows:
        rows.append(
            [
                row.name,
                kinds[row.kind],
                row.country,
                ", ".join(row.customers),
                *(cell_text(cell) for cell in row.cells),
                *_totals(row.totals),
            ]
        )
    # Totals per product group: penetration (with the overall totals at the end), open potential.
    rows.append(
        [
            _("Penetration (%)"),
            "",
            "",
            "",
            *(_percent(c.totals) for c in matrix.columns),
            *_totals(matrix.totals),
        ]
    )
    rows.append(
        [
            _("Open potential (EUR)"),
            "",
            "",
            "",
            *(c.totals.open_potential for c in matrix.columns),
            "",
            "",
            "",
            "",
        ]
    )
    return header, rows


def download(fmt: str, name: str, header: Sequence[str], rows, *, sheet: str) -> HttpResponse:
    """Write the table as ``fmt`` and answer with it as the attachment ``name``.``fmt``."""
    with tempfile.TemporaryDirectory(prefix="openkam-export-") as folder:
        path = Path(folder) / f"export.{fmt}"
        if fmt == ExportFormat.XLSX:
            write_xlsx(path, header, rows, sheet_title=sheet)
        else:
            write_csv(path, header, rows, language=get_language() or "de")
        content = path.read_bytes()
    response = HttpResponse(content, content_type=_CONTENT_TYPES[ExportFormat(fmt)])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

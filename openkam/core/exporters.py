"""Base pieces for exports: safe cell values, locale-aware CSV and typed XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils import formats

# Spreadsheet programs execute cells that start with these characters as formulas.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for one exported cell: numbers formatted per locale, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return formats.number_format(value, decimal_pos=2 if isinstance(value, Decimal | float) else None)
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence], *, language: str) -> int:
    """Write a CSV the way spreadsheet users of ``language`` expect it; returns the row count.

    German Excel expects semicolons (the comma is the decimal separator); a BOM makes it read
    UTF-8. Must be called with ``language`` activated so numbers use its separators.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    delimiter = ";" if language == "de" else ","
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            count += 1
    return count


def xlsx_cell(value):
    """A value for one XLSX cell: numbers and dates stay typed, text is guarded against formulas.

    openpyxl writes any string that starts with ``=`` as a live formula, so text starting with a
    formula character gets a leading apostrophe, exactly as in CSV exports.
    """
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    sheet_title: str = "",
    images: Sequence[tuple[str, bytes]] = (),
) -> int:
    """Write one sheet (streaming, constant memory) and return the row count.

    The header row is bold and frozen, the sheet has an auto-filter, and money (decimals) uses a
    two-place number format that Excel shows in the reader's own locale. ``images`` are
    ``(sheet title, PNG bytes)`` pairs, each placed on a sheet of its own after the data
    (charts for exports).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title or "Export"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=xlsx_cell(str(title)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=xlsx_cell(value))
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{_column_letter(len(header))}{count + 1}"
    for title, png in images:
        image_sheet = workbook.create_sheet(title=_sheet_title(title))
        image_sheet.add_image(Image(io.BytesIO(png)), "A1")
    workbook.save(path)
    return count


def _sheet_title(title: str) -> str:
    # Excel forbids these characters in sheet names and cuts them at 31 characters.
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in str(title))
    return cleaned[:31] or "Sheet"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)

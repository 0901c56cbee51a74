"""Base pieces for exports: safe cell values and locale-aware CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
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

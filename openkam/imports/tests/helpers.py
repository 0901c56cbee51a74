"""Building import files in tests (German CSV in Windows-1252, workbooks, Parquet) and importing them."""

from __future__ import annotations

import io
from pathlib import Path

from openkam.imports import services
from openkam.imports.choices import ImportSource
from openkam.imports.pipeline import import_execute
from openkam.imports.uploads import store_local_file

HEADER = [
    "Rechnungsnummer",
    "Pos.",
    "Rechnungsdatum",
    "Kunden-Nr.",
    "Artikel",
    "Warengruppe",
    "Sparte",
    "Niederlassung",
    "Menge",
    "Nettoumsatz",
    "Einstandskosten",
    "Währung",
]
ROWS = [
    [
        "R-2025-001",
        "1",
        "02.01.2025",
        "10001",
        "Motor IE3 „Kompakt“",
        "Drehstrommotoren",
        "Antriebe",
        "Stuttgart",
        "2",
        "1.234,56",
        "800,00",
        "EUR",
    ],
    [
        "R-2025-001",
        "2",
        "02.01.2025",
        "10001",
        "Kabel 5 m – grau",
        "Kabel",
        "Steuerungen",
        "Stuttgart",
        "10",
        "99,90",
        "40,10",
        "EUR",
    ],
    [
        "R-2025-002",
        "1",
        "15.03.2025",
        "10002",
        "Servoregler",
        "Servoregler",
        "Steuerungen",
        "München",
        "1",
        "12.500,00",
        "9.000,00",
        "",
    ],
    [
        "G-2025-003",
        "1",
        "31.12.2025",
        "10002",
        "Gutschrift Servoregler",
        "Servoregler",
        "Steuerungen",
        "München",
        "-1",
        "-12.500,00",
        "-9.000,00",
        "EUR",
    ],
]


def csv_bytes(rows=None, header=None, *, delimiter=";", encoding="cp1252", newline="\r\n") -> bytes:
    """A CSV file as German spreadsheet programs write it: quoted only where needed."""
    lines = []
    for record in [header or HEADER, *(ROWS if rows is None else rows)]:
        cells = []
        for cell in record:
            text = str(cell)
            if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    return (newline.join(lines) + newline).encode(encoding)


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def xlsx_bytes(rows, *, sheet="Umsatz", extra_sheets=(), number_formats=None) -> bytes:
    """A workbook with ``rows`` (first = header) on ``sheet``; cells keep their Python types."""
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    for name in extra_sheets:
        workbook.create_sheet(name)
    first.title = sheet
    for record in rows:
        first.append(list(record))
    for (row, column), number_format in (number_formats or {}).items():
        first.cell(row=row, column=column).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(path: Path, kind: str = "ledger", *, actor=None, profile=None, mapping=None, options=None):
    """Store and detect a file the way ``manage.py import_ledger`` does; returns the import."""
    return services.import_upload(
        actor=actor,
        kind=kind,
        stored=store_local_file(Path(path)),
        original_name=Path(path).name,
        source=ImportSource.COMMAND,
        profile=profile,
        mapping=mapping,
        options=options,
    ).run


def run_import(path: Path, kind: str = "ledger", *, actor=None, mapping=None, options=None, profile=None):
    """Upload, configure and execute an import synchronously; returns the finished import."""
    run = upload(path, kind, actor=actor, profile=profile, mapping=mapping, options=options)
    if run.status != "uploaded":
        return run
    run = services.import_configure(
        actor=actor, run=run, mapping=mapping or run.mapping, options=options, profile=profile, start=False
    )
    return import_execute(actor=actor, run=run)

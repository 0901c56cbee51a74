"""Hostile files are refused with a clear message, with bounded memory, and never with a 500.

Every file is built here, in the test: oversized uploads, zip bombs, XML entity tricks, binary
garbage, absurd cells and lines, too many columns, empty and header-only files.
"""

import io
import os
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from openkam.core.tests.api_matrix import api_path
from openkam.imports.choices import ImportStatus
from openkam.imports.models import ImportRun
from openkam.testing.factories import UserFactory
from openkam.users.choices import Role

from .helpers import ROWS, csv_bytes, run_import, upload, write, xlsx_bytes

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _workbook_parts() -> dict[str, bytes]:
    """The parts of a small valid workbook, to be tampered with."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes([["Kunde", "Name"], ["10001", "Müller"]]))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _with_part(name: str, data: bytes) -> bytes:
    return _zip(_workbook_parts() | {name: data})


def _entity_sheet(padding: int = 0) -> bytes:
    """A sheet declaring nested entities ("billion laughs"), optionally after a long comment."""
    sheet = _workbook_parts()["xl/worksheets/sheet1.xml"]
    declaration = (
        b'<?xml version="1.0"?>'
        + (b"<!--" + b" " * padding + b"-->" if padding else b"")
        + b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    return declaration + body.replace(b"M\xc3\xbcller", b"&lol2;")


HOSTILE = {
    "empty": (lambda: b"", "The file is empty."),
    "header only": (lambda: csv_bytes([]), "a header but no data rows"),
    "binary garbage": (lambda: os.urandom(4096) + b"\x00", "binary data"),
    "a picture": (lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(100), "not a CSV, XLSX or Parquet file"),
    "a gzip archive": (lambda: b"\x1f\x8b\x08" + os.urandom(100), "Compressed files are not accepted"),
    "an old xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old Excel file (.xls)"),
    "undecodable text": (lambda: b"Kunde;Name\n10001;M\x81ller\n", "neither as UTF-8 nor as Windows-1252"),
    "600 columns": (
        lambda: (";".join(f"S{i}" for i in range(600)) + "\n" + ";".join("1" * 600) + "\n").encode(),
        "600 columns; at most 500",
    ),
    "a huge header cell": (
        lambda: ("A;" + "B" * 20_000 + "\n1;2\n").encode(),
        "longer than 10000 characters",
    ),
    "no line break": (lambda: b"A;" + b"x" * 2_000_000, "longer than 1048576 bytes"),
    "a zip bomb": (
        lambda: _with_part("xl/worksheets/sheet1.xml", b"<a>" + b"0" * 20_000_000 + b"</a>"),
        "compressed more than 200 times",
    ),
    "a zip of many parts": (
        lambda: _zip(_workbook_parts() | {f"xl/media/p{i}.xml": b"<a/>" for i in range(1100)}),
        "at most 1000 are accepted",
    ),
    "a zip that is no workbook": (lambda: _zip({"readme.txt": b"hello"}), "not a readable Excel workbook"),
    "a damaged zip": (lambda: b"PK\x03\x04" + os.urandom(200), "not a readable Excel workbook"),
    "an entity declaration": (
        lambda: _with_part("xl/worksheets/sheet1.xml", _entity_sheet()),
        "document type declaration",
    ),
    "a hidden entity declaration": (
        lambda: _with_part("xl/worksheets/sheet1.xml", _entity_sheet(padding=70_000)),
        "document type declaration",
    ),
    "an external entity": (
        lambda: _with_part(
            "xl/workbook.xml",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + _workbook_parts()["xl/workbook.xml"].split(b"?>", 1)[-1],
        ),
        "document type declaration",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_a_clear_message(tmp_path, customers, case):
    build, message = HOSTILE[case]
    name = "f.xlsx" if "zip" in case or "entity" in case else "f.csv"

    run = upload(write(tmp_path, name, build()))

    assert run.status == ImportStatus.REJECTED
    assert message in run.message
    assert run.stored_path == ""
    assert not list((tmp_path / "uploads").glob("*"))


@pytest.mark.parametrize("case", ["binary garbage", "a zip bomb", "an entity declaration", "header only"])
def test_uploading_a_hostile_file_shows_the_reason_never_a_500(client, tmp_path, case):
    build, message = HOSTILE[case]
    client.force_login(UserFactory(role=Role.MANAGEMENT))
    name = "f.xlsx" if "zip" in case or "entity" in case else "f.csv"

    response = client.post(
        reverse("imports:upload"), {"kind": "ledger", "file": io.BytesIO(build()) | _named(name)}, follow=True
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportRun.objects.get().status == ImportStatus.REJECTED


class _named:
    """``io.BytesIO(data) | _named("f.csv")`` gives the upload a file name, as browsers send."""

    def __init__(self, name):
        self.name = name

    def __ror__(self, handle):
        handle.name = self.name
        return handle


@pytest.mark.parametrize("case", ["binary garbage", "a zip bomb", "600 columns"])
def test_the_api_refuses_a_hostile_file_with_422_naming_the_file(tmp_path, case):
    build, message = HOSTILE[case]
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN))
    name = "f.xlsx" if "zip" in case else "f.csv"

    response = client.post(
        api_path("import_upload"), {"kind": "ledger", "file": io.BytesIO(build()) | _named(name)}
    )

    assert response.status_code == 422
    assert message in response.json()["error"]["fields"]["file"][0]


def test_an_upload_over_the_limit_is_stopped_while_it_arrives(client, settings, tmp_path):
    settings.OPENKAM_IMPORT_MAX_BYTES = 2_000_000
    client.force_login(UserFactory(role=Role.MANAGEMENT))
    data = csv_bytes(ROWS * 20_000)  # about 2.6 MB

    response = client.post(
        reverse("imports:upload"),
        {"kind": "ledger", "file": io.BytesIO(data) | _named("big.csv")},
        follow=True,
    )

    assert "larger than the limit of 1.9" in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not list((tmp_path / "uploads").glob("*"))


def test_the_api_and_the_command_enforce_the_limit_too(settings, tmp_path):
    settings.OPENKAM_IMPORT_MAX_BYTES = 100_000
    data = csv_bytes(ROWS * 1000)
    client = Client()
    client.force_login(UserFactory(role=Role.MANAGEMENT))

    response = client.post(
        api_path("import_upload"), {"kind": "ledger", "file": io.BytesIO(data) | _named("big.csv")}
    )

    assert response.status_code == 422
    assert "larger than the limit" in response.json()["error"]["fields"]["file"][0]
    with pytest.raises(CommandError, match="larger than the limit"):
        call_command("import_ledger", str(write(tmp_path, "big.csv", data)), "--kind", "ledger")
    assert not ImportRun.objects.exists()


def test_an_absurdly_long_cell_is_a_rejected_value_shown_shortened(tmp_path, customers):
    rows = [[*ROWS[0][:4], "A" * 20_000, *ROWS[0][5:]]]

    run = run_import(write(tmp_path, "f.csv", csv_bytes(rows)))

    assert run.status == ImportStatus.REJECTED
    [error] = run.errors
    assert (error["row"], error["column"], error["code"], error["param"]) == (2, "Artikel", "too_long", "200")
    assert error["value"] == "A" * 200


def test_a_line_over_the_line_limit_is_a_rejected_row(tmp_path, customers, settings):
    settings.OPENKAM_IMPORT_MAX_LINE_BYTES = 5_000
    rows = [ROWS[0], [*ROWS[1][:4], "B" * 8_000, *ROWS[1][5:]], ROWS[2]]

    run = run_import(write(tmp_path, "f.csv", csv_bytes(rows)))

    assert run.status == ImportStatus.REJECTED
    assert [(e["row"], e["code"], e["param"]) for e in run.errors] == [(3, "line_too_long", "5000")]


def test_a_utf8_file_that_turns_invalid_later_is_rejected_with_the_rows(tmp_path, customers, monkeypatch):
    # The encoding is decided on the first chunk with umlauts; DuckDB refuses the bad row later.
    monkeypatch.setattr("openkam.imports.readers.CHUNK", 256)

    def line(number, product, encoding):
        row = ROWS[2]
        return (";".join([row[0], str(number), *row[2:4], product, *row[5:]]) + "\r\n").encode(encoding)

    data = csv_bytes([ROWS[0]], encoding="utf-8") + line(1, "Müller", "utf-8") + line(2, "Jäger", "cp1252")
    data += b"".join(line(n, "Meier", "utf-8") for n in range(3, 13))
    assert len(data) > 256

    run = run_import(write(tmp_path, "f.csv", data))

    assert run.status == ImportStatus.REJECTED
    assert run.encoding == "utf-8"
    assert [(e["row"], e["code"]) for e in run.errors] == [(4, "bad_encoding")]
    assert "J" in run.errors[0]["value"]


def test_rows_with_stray_quotes_are_rejected_with_their_line(tmp_path, customers):
    data = csv_bytes([ROWS[0]]) + b'R-9;1;01.01.2025;10001;"offen;G;B;S;1;1,00;0,50;EUR\r\n'

    run = run_import(write(tmp_path, "f.csv", data))

    assert run.status == ImportStatus.REJECTED
    assert run.errors[0]["row"] == 3
    assert run.errors[0]["code"] in ("bad_quotes", "too_few_fields", "unreadable")


def test_a_workbook_sheet_claiming_a_huge_size_is_read_by_its_cells(tmp_path):
    from openpyxl import load_workbook

    from openkam.imports.readers import xlsx_rows

    parts = _workbook_parts()
    sheet = parts["xl/worksheets/sheet1.xml"].replace(
        b'<dimension ref="A1:B2" />', b'<dimension ref="A1:XFD1048576" />'
    )
    assert b"XFD1048576" in sheet
    path = write(tmp_path, "f.xlsx", _zip(parts | {"xl/worksheets/sheet1.xml": sheet}))
    workbook = load_workbook(path, read_only=True)

    # Trusting the dimension would give 1,048,576 rows of 16,384 cells each.
    assert list(xlsx_rows(workbook.active)) == [(1, ("Kunde", "Name")), (2, ("10001", "Müller"))]

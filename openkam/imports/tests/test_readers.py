"""Reading files without a database: formats, encodings, dialects, previews and workbooks."""

from datetime import date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from openkam.imports.readers import (
    FileRefused,
    FormatOptions,
    Limits,
    clean_header,
    detect,
    format_cell,
    scan_encoding,
    sniff_delimiter,
    suggest_formats,
    transcode_to_utf8,
    xlsx_to_parquet,
)

from .helpers import HEADER, ROWS, csv_bytes, write, xlsx_bytes

LIMITS = Limits()


# Encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Kunde;Umsatz\nMüller;1,5\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "Kunde;Umsatz\nMüller;1,5\n".encode(), "utf-8-sig"),
        ("Kunde;Umsatz\nMüller € „Süd“ – Nord;1,5\n".encode("cp1252"), "cp1252"),
        ("Kunde\tUmsatz\nMüller\t1,5\n".encode("utf-16"), "utf-16"),
        (b"Kunde;Umsatz\nMeier;1,5\n", "utf-8"),
    ],
)
def test_it_recognises_the_encoding(tmp_path, data, expected):
    assert scan_encoding(write(tmp_path, "f.csv", data)) == expected


def test_windows_1252_is_not_taken_for_latin_1_when_transcoding(tmp_path):
    # € „ “ – live in 0x80–0x9F, where Latin-1 has control characters.
    text = "Name;Betrag\nMüller „Süd“ – Straße;100 €\n"
    source = write(tmp_path, "f.csv", text.encode("cp1252"))

    target = transcode_to_utf8(source, scan_encoding(source), tmp_path / "utf8.csv")

    assert target.read_text(encoding="utf-8") == text


def test_utf8_that_turns_invalid_late_in_a_big_file_is_windows_1252(tmp_path):
    # The decision needs the whole file: the first megabytes are plain ASCII.
    data = b"Kunde;Umsatz\n" + b"Meier;1,5\n" * 600_000 + "Müller;2,5\n".encode("cp1252")

    assert scan_encoding(write(tmp_path, "f.csv", data)) == "cp1252"


def test_the_first_chunk_with_umlauts_decides_for_utf8(tmp_path, monkeypatch):
    # The rest of a file is not decoded once a chunk with non-ASCII bytes was valid UTF-8:
    # DuckDB's strict reading refuses the rows that turn out invalid (test_hostile).
    monkeypatch.setattr("openkam.imports.readers.CHUNK", 64)
    data = "Kunde;Umsatz\nMüller;1,5\n".encode() + b"Meier;1,5\n" * 20 + "Jäger;2,5\n".encode("cp1252")

    assert scan_encoding(write(tmp_path, "f.csv", data)) == "utf-8"


def test_binary_bytes_are_looked_for_after_the_decision(tmp_path, monkeypatch):
    monkeypatch.setattr("openkam.imports.readers.CHUNK", 64)
    data = "Kunde;Umsatz\nMüller;1,5\n".encode() + b"Meier;1,5\n" * 20 + b"\x00\x01\x02"

    with pytest.raises(FileRefused) as refused:
        scan_encoding(write(tmp_path, "f.csv", data))
    assert refused.value.code == "binary"


def test_a_requested_encoding_that_does_not_fit_is_refused(tmp_path):
    path = write(tmp_path, "f.csv", "Kunde;Umsatz\nMüller;1\n".encode("cp1252"))

    with pytest.raises(FileRefused) as refused:
        scan_encoding(path, "utf-8")
    assert refused.value.code == "undecodable"


# Delimiters and records ---------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_it_sniffs_the_delimiter(delimiter):
    text = csv_bytes(delimiter=delimiter, encoding="utf-8").decode()

    assert sniff_delimiter(text) == delimiter


def test_delimiters_inside_quotes_do_not_fool_the_sniffer():
    text = 'Name,Ort;Betrag;Menge\n"Müller, Söhne";1,5;2\n"Meier, A";2,5;3\n"X, Y";3,5;4\n'

    assert sniff_delimiter(text) == ";"


def test_quoted_fields_keep_delimiters_and_line_breaks(tmp_path):
    rows = [
        [
            "R-1",
            "1",
            "01.02.2025",
            "10001",
            'Motor "XL";\r\nzweizeilig',
            "G",
            "B",
            "S",
            "1",
            "1,00",
            "0,50",
            "EUR",
        ]
    ]
    path = write(tmp_path, "f.csv", csv_bytes(rows))

    found = detect(path, limits=LIMITS)

    assert found.rows[0][4] == 'Motor "XL";\r\nzweizeilig'
    assert found.rows[0][9] == "1,00"


def test_the_preview_has_the_settings_the_header_and_at_most_20_rows(tmp_path):
    path = write(tmp_path, "f.csv", csv_bytes(ROWS * 10))

    found = detect(path, limits=LIMITS)

    assert found.file_format == "csv"
    assert found.encoding == "cp1252"
    assert found.delimiter == ";"
    assert found.columns == HEADER
    assert len(found.rows) == 20
    assert found.rows[0][4] == "Motor IE3 „Kompakt“"
    assert found.decimal_separator == ","
    assert found.date_format == "%d.%m.%Y"


def test_options_override_what_is_detected(tmp_path):
    path = write(tmp_path, "f.csv", csv_bytes())

    found = detect(path, FormatOptions(delimiter=",", decimal_separator="."), limits=LIMITS)

    assert found.delimiter == ","
    assert found.decimal_separator == "."
    assert len(found.columns) < len(HEADER)


def test_empty_and_duplicate_headers_get_names():
    assert clean_header(["Betrag", "", "Betrag", " Kunde ", None, ""], LIMITS) == [
        "Betrag",
        "(2)",
        "Betrag (2)",
        "Kunde",
    ]


@pytest.mark.parametrize(
    ("rows", "decimal", "date_format"),
    [
        ([["1.234,56", "31.12.2025"], ["-5,00", "01.01.2025"]], ",", "%d.%m.%Y"),
        ([["1,234.56", "2025-12-31"], ["-5.00", "2025-01-01"]], ".", "%Y-%m-%d"),
        ([["12,5", "20251231"]], ",", "%Y%m%d"),
        ([["3.5", "12/31/2025"]], ".", "%m/%d/%Y"),
    ],
)
def test_number_and_date_formats_are_suggested_from_the_values(rows, decimal, date_format):
    assert suggest_formats(rows) == (decimal, date_format)


# Workbooks and Parquet ----------------------------------------------------------------------


def test_a_workbook_is_previewed_with_real_dates_and_numbers(tmp_path):
    rows = [
        ["Beleg", "Datum", "Kunde", "Umsatz"],
        ["R-1", datetime(2025, 12, 31), "10001", 1234.5],
        ["R-2", date(2025, 1, 2), 10002, -99.9],
    ]
    path = write(tmp_path, "f.xlsx", xlsx_bytes(rows, extra_sheets=["Notizen"]))

    found = detect(path, FormatOptions(date_format="%d.%m.%Y"), limits=LIMITS)

    assert found.file_format == "xlsx"
    assert found.sheet_names == ["Umsatz", "Notizen"]
    assert found.columns == ["Beleg", "Datum", "Kunde", "Umsatz"]
    assert found.rows == [["R-1", "31.12.2025", "10001", "1234.5"], ["R-2", "02.01.2025", "10002", "-99.9"]]


def test_a_workbook_sheet_can_be_chosen_by_name(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Leer"])
    second = workbook.create_sheet("Daten")
    second.append(["Kunde", "Name"])
    second.append(["10001", "Müller"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)

    found = detect(path, FormatOptions(sheet_name="Daten"), limits=LIMITS)

    assert found.columns == ["Kunde", "Name"]
    with pytest.raises(FileRefused) as refused:
        detect(path, FormatOptions(sheet_name="Fehlt"), limits=LIMITS)
    assert refused.value.code == "no_sheet"


def test_excel_serial_dates_in_date_columns_become_dates(tmp_path):
    # 45657 is 31.12.2024 in Excel's 1900 date system; 61 is 1 March 1900 (after the phantom 29 Feb).
    rows = [
        ["Beleg", "Datum", "Umsatz"],
        ["R-1", 45657, 1234.56],
        ["R-2", 45658.75, 0.1 + 0.2],
        ["R-3", 61, 5],
    ]
    path = write(tmp_path, "f.xlsx", xlsx_bytes(rows))
    options = FormatOptions(decimal_separator=",", date_format="%d.%m.%Y")

    count = xlsx_to_parquet(
        path, tmp_path / "out.parquet", options=options, kinds={1: "date", 2: "decimal"}, limits=LIMITS
    )

    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert count == 3
    assert [(r["c1"], r["c2"], r["__row"]) for r in table] == [
        ("31.12.2024", "1234,56", 2),
        ("01.01.2025", "0,3", 3),
        ("01.03.1900", "5", 4),
    ]


def test_empty_rows_of_a_workbook_are_skipped_but_row_numbers_stay(tmp_path):
    rows = [["Beleg", "Umsatz"], ["R-1", 1], [None, None], ["R-2", 2]]
    path = write(tmp_path, "f.xlsx", xlsx_bytes(rows))

    xlsx_to_parquet(path, tmp_path / "out.parquet", options=FormatOptions(), kinds={}, limits=LIMITS)

    assert [(r["c0"], r["__row"]) for r in pq.read_table(tmp_path / "out.parquet").to_pylist()] == [
        ("R-1", 2),
        ("R-2", 4),
    ]


def test_format_cell_writes_numbers_without_binary_noise():
    options = FormatOptions(decimal_separator=",")

    assert format_cell(0.1 + 0.2, "decimal", options) == "0,3"
    assert format_cell(1e16, "decimal", options) == "10000000000000000"
    assert format_cell(12, "", options) == "12"
    assert format_cell(date(2025, 3, 1), "", FormatOptions(date_format="%d.%m.%Y")) == "01.03.2025"


def test_a_parquet_file_is_previewed_with_its_types(tmp_path):
    table = pa.table({"invoice_id": pa.array([2025000001, 2025000002]), "net": pa.array([1.5, -2.0])})
    pq.write_table(table, tmp_path / "f.parquet")

    found = detect(tmp_path / "f.parquet", limits=LIMITS)

    assert found.file_format == "parquet"
    assert found.columns == ["invoice_id", "net"]
    assert found.rows == [["2025000001", "1.5"], ["2025000002", "-2.0"]]
    assert found.column_types == {"invoice_id": "BIGINT", "net": "DOUBLE"}

"""Conversion and validation in DuckDB, without a database: every rejected value with its reason."""

from datetime import date
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from openkam.imports.readers import FormatOptions, Limits, detect
from openkam.imports.validation import Checks, Validator, csv_source, parquet_source, workbook_source

from .helpers import HEADER, ROWS, csv_bytes, write

LIMITS = Limits()
MAPPING = {
    "invoice_id": "Rechnungsnummer",
    "line_id": "Pos.",
    "invoice_date": "Rechnungsdatum",
    "customer_number": "Kunden-Nr.",
    "product": "Artikel",
    "product_group": "Warengruppe",
    "business_unit": "Sparte",
    "site": "Niederlassung",
    "quantity": "Menge",
    "net_revenue": "Nettoumsatz",
    "cost": "Einstandskosten",
    "currency": "Währung",
}
GERMAN = FormatOptions(decimal_separator=",", date_format="%d.%m.%Y", default_currency="EUR")


def validate(
    tmp_path, rows=None, *, header=None, mapping=None, options=GERMAN, kind="ledger", checks=None, data=None
):
    """Validate a UTF-8 CSV; returns (outcome, errors, converted rows)."""
    path = write(tmp_path, "in.csv", data if data is not None else csv_bytes(rows, header, encoding="utf-8"))
    columns = detect(path, options, limits=LIMITS).columns
    source = csv_source(path, delimiter=";", columns=columns, limits=LIMITS)
    with duckdb.connect() as con:
        validator = Validator(
            con,
            kind=kind,
            source=source,
            mapping=mapping or MAPPING,
            options=options,
            limits=LIMITS,
            checks=checks or Checks(),
        )
        outcome = validator.run(tmp_path / "out.parquet")
        errors = list(validator.iter_errors(10_000))
    converted = pq.read_table(outcome.output).to_pylist() if outcome.output else []
    return outcome, errors, converted


def row(**changes):
    values = dict(zip(HEADER, ROWS[0], strict=True)) | changes
    return [values[h] for h in HEADER]


def reasons(errors):
    return [(e["row"], e["column"], e["value"], e["code"], e["param"]) for e in errors]


def test_a_valid_german_file_is_converted_exactly(tmp_path):
    outcome, errors, converted = validate(tmp_path)

    assert errors == []
    assert outcome.rows_read == 4
    assert converted[0] == {
        "invoice_id": "R-2025-001",
        "line_id": "1",
        "invoice_date": date(2025, 1, 2),
        "customer_number": "10001",
        "product": "Motor IE3 „Kompakt“",
        "product_group": "Drehstrommotoren",
        "business_unit": "Antriebe",
        "site": "Stuttgart",
        "quantity": Decimal("2.000"),
        "net_revenue": Decimal("1234.56"),
        "cost": Decimal("800.00"),
        "currency": "EUR",
    }
    # An empty currency takes the default; a credit note is a negative line.
    assert converted[2]["currency"] == "EUR"
    assert (converted[3]["net_revenue"], converted[3]["cost"]) == (Decimal("-12500.00"), Decimal("-9000.00"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("-1.234,56", Decimal("-1234.56")),
        ("1.234,56-", Decimal("-1234.56")),
        ("1234,5", Decimal("1234.50")),
        ("1.234.567", Decimal("1234567.00")),
        (" 12 ", Decimal("12.00")),
        (",5", Decimal("0.50")),
        ("+7", Decimal("7.00")),
    ],
)
def test_german_numbers_are_read(tmp_path, value, expected):
    _outcome, errors, converted = validate(tmp_path, [row(Nettoumsatz=value)])

    assert errors == []
    assert converted[0]["net_revenue"] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1,234.56", Decimal("1234.56")), ("-1,234.56", Decimal("-1234.56")), ("1234.5", Decimal("1234.50"))],
)
def test_english_numbers_are_read_with_a_point_as_decimal_separator(tmp_path, value, expected):
    options = FormatOptions(decimal_separator=".", date_format="%d.%m.%Y")

    _outcome, errors, converted = validate(
        tmp_path, [row(Nettoumsatz=value, Einstandskosten="1")], options=options
    )

    assert errors == []
    assert converted[0]["net_revenue"] == expected


@pytest.mark.parametrize("value", ["02.01.2025", "2025-01-02", "2.1.2025"])
def test_german_and_iso_dates_are_read(tmp_path, value):
    _outcome, errors, converted = validate(tmp_path, [row(Rechnungsdatum=value)])

    assert errors == []
    assert converted[0]["invoice_date"] == date(2025, 1, 2)


@pytest.mark.parametrize(
    ("changes", "column", "value", "code", "param"),
    [
        ({"Rechnungsdatum": "31.02.2025"}, "Rechnungsdatum", "31.02.2025", "date_format", "DD.MM.YYYY"),
        ({"Rechnungsdatum": "12/31/2025"}, "Rechnungsdatum", "12/31/2025", "date_format", "DD.MM.YYYY"),
        ({"Rechnungsdatum": "31.12.0025"}, "Rechnungsdatum", "31.12.0025", "date_range", None),
        ({"Rechnungsdatum": ""}, "Rechnungsdatum", None, "required", None),
        ({"Nettoumsatz": "12,345"}, "Nettoumsatz", "12,345", "decimals", "2"),
        ({"Nettoumsatz": "1.23,4"}, "Nettoumsatz", "1.23,4", "number", None),
        ({"Nettoumsatz": "1e3"}, "Nettoumsatz", "1e3", "number", None),
        ({"Nettoumsatz": "12 EUR"}, "Nettoumsatz", "12 EUR", "number", None),
        ({"Nettoumsatz": "12345678901234567"}, "Nettoumsatz", "12345678901234567", "too_large", None),
        ({"Menge": "1,2345"}, "Menge", "1,2345", "decimals", "3"),
        ({"Kunden-Nr.": "   "}, "Kunden-Nr.", "   ", "required", None),
        ({"Kunden-Nr.": "K" * 41}, "Kunden-Nr.", "K" * 41, "too_long", "40"),
        ({"Währung": "EURO"}, "Währung", "EURO", "currency", None),
    ],
)
def test_each_rejected_value_names_row_column_value_and_reason(tmp_path, changes, column, value, code, param):
    rows = [row(), row(**{"Pos.": "2"} | changes)]

    outcome, errors, converted = validate(tmp_path, rows)

    assert reasons(errors) == [
        (3, column, value, code, param if code not in ("date_range", "required") else None)
    ]
    assert outcome.output is None
    assert converted == []


def test_every_error_of_every_row_is_collected(tmp_path):
    rows = [
        row(),
        row(**{"Pos.": "2", "Rechnungsdatum": "32.01.2025", "Nettoumsatz": "abc"}),
        row(**{"Pos.": "3", "Warengruppe": ""}),
    ]

    _outcome, errors, _converted = validate(tmp_path, rows)

    assert reasons(errors) == [
        (3, "Rechnungsdatum", "32.01.2025", "date_format", "DD.MM.YYYY"),
        (3, "Nettoumsatz", "abc", "number", None),
        (4, "Warengruppe", None, "required", None),
    ]


def test_row_numbers_count_records_like_a_spreadsheet_even_with_line_breaks_in_quotes(tmp_path):
    rows = [
        row(Artikel="zwei\nZeilen"),
        row(**{"Pos.": "2", "Artikel": "drei\r\nZei\nlen"}),
        row(**{"Pos.": "3", "Menge": "x"}),
    ]

    _outcome, errors, _converted = validate(tmp_path, rows)

    assert reasons(errors) == [(4, "Menge", "x", "number", None)]


def test_empty_rows_are_ignored_and_do_not_shift_row_numbers(tmp_path):
    empty = [""] * len(HEADER)
    rows = [row(), empty, row(**{"Pos.": "2", "Menge": "x"}), empty]

    outcome, errors, _converted = validate(tmp_path, rows)

    assert outcome.rows_read == 2
    assert reasons(errors) == [(4, "Menge", "x", "number", None)]


def test_a_file_with_empty_rows_but_no_errors_is_written_without_them(tmp_path):
    empty = [""] * len(HEADER)

    outcome, errors, converted = validate(tmp_path, [row(), empty, row(**{"Pos.": "2"})])

    assert errors == []
    assert outcome.rows_read == 2
    assert [r["line_id"] for r in converted] == ["1", "2"]


def test_duplicate_invoice_lines_in_the_file_are_rejected_after_their_first_row(tmp_path):
    rows = [row(), row(**{"Pos.": "2"}), row(), row()]

    _outcome, errors, _converted = validate(tmp_path, rows)

    assert reasons(errors) == [
        (4, "Pos.", "R-2025-001 / 1", "duplicate_line", "2"),
        (5, "Pos.", "R-2025-001 / 1", "duplicate_line", "2"),
    ]


def test_without_a_line_column_lines_are_numbered_within_their_invoice(tmp_path):
    mapping = {k: v for k, v in MAPPING.items() if k != "line_id"}

    _outcome, errors, converted = validate(tmp_path, mapping=mapping)

    assert errors == []
    assert [(r["invoice_id"], r["line_id"]) for r in converted] == [
        ("R-2025-001", "1"),
        ("R-2025-001", "2"),
        ("R-2025-002", "1"),
        ("G-2025-003", "1"),
    ]


def test_cost_is_net_revenue_minus_the_contribution_margin(tmp_path):
    header = [*HEADER[:10], "DB", "Währung"]
    mapping = {k: v for k, v in MAPPING.items() if k != "cost"} | {"margin": "DB"}

    _outcome, errors, converted = validate(tmp_path, header=header, mapping=mapping)

    assert errors == []
    assert converted[0]["cost"] == Decimal("434.56")  # 1.234,56 − 800,00
    assert converted[3]["cost"] == Decimal("-3500.00")  # −12.500,00 − (−9.000,00)


def test_cost_and_margin_must_agree_when_both_are_given(tmp_path):
    header = [*HEADER, "DB"]
    rows = [
        [*row(), "434,56"],
        [*row(**{"Pos.": "2"}), "400,00"],
        [*row(**{"Pos.": "3", "Einstandskosten": ""}), ""],
    ]
    mapping = MAPPING | {"margin": "DB"}

    _outcome, errors, _converted = validate(tmp_path, rows, header=header, mapping=mapping)

    assert reasons(errors) == [
        (3, "Einstandskosten", "800,00", "margin_mismatch", None),
        (4, "Einstandskosten", None, "required", None),
    ]


def test_customers_missing_from_the_master_are_reported_for_every_row(tmp_path):
    checks = Checks(missing_customers=lambda numbers: {n for n in numbers if n == "10002"})

    _outcome, errors, _converted = validate(tmp_path, checks=checks)

    assert reasons(errors) == [
        (4, "Kunden-Nr.", "10002", "customer_unknown", None),
        (5, "Kunden-Nr.", "10002", "customer_unknown", None),
    ]


def test_lines_of_earlier_imports_are_rejected_naming_the_import(tmp_path):
    earlier = tmp_path / "earlier.parquet"
    pq.write_table(pa.table({"invoice_id": ["R-2025-002"], "line_id": ["1"]}), earlier)
    checks = Checks(
        existing_keys=f"SELECT invoice_id, line_id, 0 AS source FROM read_parquet('{earlier}')",  # noqa: S608
        existing_labels=["2025-11-30 10:00 umsatz-november.csv"],
    )

    _outcome, errors, _converted = validate(tmp_path, checks=checks)

    assert reasons(errors) == [
        (4, "Pos.", "R-2025-002 / 1", "already_imported", "2025-11-30 10:00 umsatz-november.csv")
    ]


def test_rows_that_do_not_fit_the_header_are_reported_with_their_line(tmp_path):
    data = b"A;B;C\n1;2;3\n4;5\n6;7;8;9\n"
    mapping = {"invoice_id": "A", "invoice_date": "B", "customer_number": "C"}

    outcome, errors, _converted = validate(tmp_path, data=data, mapping=mapping)

    assert outcome.structural
    assert reasons(errors) == [
        (3, "", "4;5", "too_few_fields", "3"),
        (4, "", "6;7;8;9", "too_many_fields", "3"),
    ]


def test_a_line_longer_than_the_limit_is_reported(tmp_path):
    data = ("A;B\n1;2\n3;" + "x" * 3000 + "\n").encode()
    path = write(tmp_path, "in.csv", data)
    source = csv_source(path, delimiter=";", columns=["A", "B"], limits=Limits(max_line_bytes=2000))

    with duckdb.connect() as con:
        validator = Validator(
            con,
            kind="customers",
            source=source,
            mapping={"number": "A", "name": "B"},
            options=GERMAN,
            limits=Limits(max_line_bytes=2000),
            checks=Checks(),
        )
        validator.run(tmp_path / "out.parquet")
        errors = list(validator.iter_errors(10))

    assert [(e["row"], e["code"], e["param"]) for e in errors] == [(3, "line_too_long", "2000")]


def test_a_parquet_source_with_typed_columns_is_validated_with_its_types(tmp_path):
    table = pa.table(
        {
            "invoice_id": pa.array([2025000001, 2025000001, 2025000002]),
            "line_no": pa.array([1, 2, 1], pa.int16()),
            "invoice_date": pa.array([date(2025, 1, 2), date(2025, 1, 2), None]),
            "customer_number": pa.array(["10001", "10001", "10002"]).dictionary_encode(),
            "product_group": ["A", "B", "C"],
            "business_unit": ["X", "X", "Y"],
            "net_revenue": pa.array(
                [Decimal("10.00"), Decimal("-2.50"), Decimal("1.255")], pa.decimal128(18, 3)
            ),
            "cost": pa.array([5.0, -1.0, 0.1 + 0.2]),
        }
    )
    path = tmp_path / "in.parquet"
    pq.write_table(table, path)
    schema = [
        (f.name, str(t))
        for f, t in zip(
            table.schema,
            ["BIGINT", "SMALLINT", "DATE", "VARCHAR", "VARCHAR", "VARCHAR", "DECIMAL(18,3)", "DOUBLE"],
            strict=True,
        )
    ]
    mapping = {name: name for name, _type in schema if name != "line_no"} | {"line_id": "line_no"}

    with duckdb.connect() as con:
        validator = Validator(
            con,
            kind="ledger",
            source=parquet_source(path, schema),
            mapping=mapping,
            options=FormatOptions(),
            limits=LIMITS,
            checks=Checks(),
        )
        validator.run(tmp_path / "out.parquet")
        errors = list(validator.iter_errors(10))

    assert reasons(errors) == [
        (3, "invoice_date", None, "required", None),
        (3, "net_revenue", "1.255", "decimals", "2"),
    ]


def test_workbook_rows_keep_their_sheet_row_numbers(tmp_path):
    converted = tmp_path / "sheet.parquet"
    pq.write_table(
        pa.table({"c0": ["10001", "10002"], "c1": ["Müller", None], "c2": ["DE", "XX"], "__row": [2, 7]}),
        converted,
    )
    with duckdb.connect() as con:
        validator = Validator(
            con,
            kind="customers",
            source=workbook_source(converted, ["Nr", "Name", "Land"]),
            mapping={"number": "Nr", "name": "Name", "country": "Land"},
            options=FormatOptions(),
            limits=LIMITS,
            checks=Checks(),
        )
        validator.run(tmp_path / "out.parquet")
        errors = list(validator.iter_errors(10))

    assert reasons(errors) == [(7, "Name", None, "required", None), (7, "Land", "XX", "country", None)]


def test_iter_errors_stops_at_the_limit_in_row_order(tmp_path):
    rows = [row(**{"Pos.": str(i), "Menge": "x"}) for i in range(1, 30)]

    _outcome, errors, _converted = validate(tmp_path, rows)
    path = write(tmp_path, "in.csv", csv_bytes(rows, encoding="utf-8"))
    with duckdb.connect() as con:
        validator = Validator(
            con,
            kind="ledger",
            source=csv_source(path, delimiter=";", columns=HEADER, limits=LIMITS),
            mapping=MAPPING,
            options=GERMAN,
            limits=LIMITS,
            checks=Checks(),
        )
        validator.run(tmp_path / "out.parquet")
        first = list(validator.iter_errors(5))

    assert len(errors) == 29
    assert [e["row"] for e in first] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("parents", "code"),
    [
        ({"20001": "20002", "20002": "20001"}, "parent_cycle"),
        ({"20001": "20001"}, "parent_cycle"),
        ({"20001": "99999"}, "parent_unknown"),
    ],
)
def test_customer_parents_must_exist_and_must_not_form_a_cycle(tmp_path, parents, code):
    header = ["Nr", "Name", "Land", "Mutter"]
    rows = [[number, f"Firma {number}", "DE", parent] for number, parent in parents.items()]
    mapping = {"number": "Nr", "name": "Name", "country": "Land", "parent_number": "Mutter"}

    _outcome, errors, _converted = validate(
        tmp_path, rows, header=header, mapping=mapping, kind="customers", checks=Checks(master_parents=dict)
    )

    assert {e["code"] for e in errors} == {code}
    assert [e["row"] for e in errors] == list(range(2, 2 + len(rows)))


def test_text_is_trimmed_and_its_length_counted_in_characters(tmp_path):
    umlauts = "Ä" * 200  # 400 bytes, but 200 characters: just allowed for a product
    rows = [row(**{"Kunden-Nr.": "  10001 ", "Artikel": umlauts, "Sparte": " Antriebe"})]

    _outcome, errors, converted = validate(tmp_path, rows)

    assert errors == []
    assert (converted[0]["customer_number"], converted[0]["product"], converted[0]["business_unit"]) == (
        "10001",
        umlauts,
        "Antriebe",
    )
    _outcome, errors, _converted = validate(tmp_path, [row(Artikel=umlauts + "Ö")])
    assert reasons(errors) == [(2, "Artikel", (umlauts + "Ö")[:200], "too_long", "200")]


def test_a_clean_file_takes_one_pass_and_a_flawed_one_the_collecting_pass(tmp_path):
    def passes(rows):
        path = write(tmp_path, "in.csv", csv_bytes(rows, encoding="utf-8"))
        with duckdb.connect() as con:
            Validator(
                con,
                kind="ledger",
                source=csv_source(path, delimiter=";", columns=HEADER, limits=LIMITS),
                mapping=MAPPING,
                options=GERMAN,
                limits=LIMITS,
                checks=Checks(),
            ).run(tmp_path / "out.parquet")
            return con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'okam_raw'"
            ).fetchall()[0][0]

    assert passes(ROWS) == 0
    assert passes([*ROWS, ROWS[0]]) == 1  # a duplicate line is found after the pass
    assert passes([row(Menge="x")]) == 1

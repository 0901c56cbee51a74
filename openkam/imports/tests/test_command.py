"""``manage.py import_ledger``: the same import as the browser's, synchronous, for operators."""

import pytest
from django.core.management import CommandError, call_command

from openkam.imports.choices import ImportStatus
from openkam.imports.models import ImportRun
from openkam.imports.selectors import ledger_files
from openkam.sales.models import Customer, CustomerRevenue
from openkam.testing.factories import MappingProfileFactory, UserFactory
from openkam.users.choices import Role

from .helpers import HEADER, ROWS, csv_bytes, write

pytestmark = pytest.mark.django_db


def test_it_imports_a_ledger_and_prints_the_progress(tmp_path, customers, capsys):
    path = write(tmp_path, "umsatz.csv", csv_bytes())

    call_command("import_ledger", str(path), "--kind", "ledger")

    out = capsys.readouterr().out
    assert "Read umsatz.csv: csv, cp1252, delimiter ';', 12 columns." in out
    assert "invoice_id <- Rechnungsnummer" in out
    assert "Converting the file to UTF-8" in out
    assert "Imported: 4 ledger lines imported." in out
    run = ImportRun.objects.get()
    assert (run.source, run.status, run.created_by) == ("command", ImportStatus.SUCCEEDED, None)
    assert len(ledger_files()) == 1
    assert CustomerRevenue.objects.count() == 2


def test_a_rejected_file_prints_the_first_errors_and_fails(tmp_path, customers, capsys):
    rows = [ROWS[0], [*ROWS[1][:2], "2025-13-01", *ROWS[1][3:]]]

    with pytest.raises(CommandError, match="Rejected: 1 invalid values"):
        call_command("import_ledger", str(write(tmp_path, "f.csv", csv_bytes(rows))), "--kind", "ledger")

    out = capsys.readouterr().out
    assert "row 3, column 'Rechnungsdatum', value '2025-13-01': not a date in the format DD.MM.YYYY" in out
    assert "Full report:" in out
    assert not ledger_files()


def test_options_and_a_json_mapping_override_detection(tmp_path, customers):
    header = ["Beleg", "Zeile", "Tag", "Kunde", "Gruppe", "Bereich", "Netto", "Kosten"]
    rows = [["B1", "1", "2025-03-01", "10001", "G", "B", "1,234.50", "1,000.00"]]
    mapping = (
        '{"invoice_id": "Beleg", "line_id": "Zeile", "invoice_date": "Tag", "customer_number": "Kunde", '
        '"product_group": "Gruppe", "business_unit": "Bereich", "net_revenue": "Netto", "cost": "Kosten"}'
    )
    path = write(tmp_path, "en.csv", csv_bytes(rows, header, delimiter="|", encoding="utf-8"))

    call_command(
        "import_ledger",
        str(path),
        "--kind",
        "ledger",
        "--mapping",
        mapping,
        "--decimal",
        ".",
        "--currency",
        "USD",
    )

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED
    assert (run.delimiter, run.options["decimal_separator"], run.options["default_currency"]) == (
        "|",
        ".",
        "USD",
    )


def test_a_profile_is_used_by_name(tmp_path, customers):
    profile = MappingProfileFactory(
        name="SAP", mapping={"invoice_id": "Rechnungsnummer", "cost": "Einstandskosten"}
    )

    call_command(
        "import_ledger", str(write(tmp_path, "f.csv", csv_bytes())), "--kind", "ledger", "--profile", "SAP"
    )

    assert ImportRun.objects.get().profile == profile
    with pytest.raises(CommandError, match="no ledger mapping profile named 'Fehlt'"):
        call_command(
            "import_ledger",
            str(write(tmp_path, "g.csv", csv_bytes())),
            "--kind",
            "ledger",
            "--profile",
            "Fehlt",
        )


def test_a_mapping_that_misses_required_fields_names_them(tmp_path, customers):
    header = [h if h != "Nettoumsatz" else "Betrag in Euro" for h in HEADER]

    with pytest.raises(CommandError, match=r"net_revenue: Choose the column that holds this field\."):
        call_command(
            "import_ledger", str(write(tmp_path, "f.csv", csv_bytes(header=header))), "--kind", "ledger"
        )


def test_the_user_must_be_allowed_to_import(tmp_path, customers):
    UserFactory(username="kam", role=Role.KAM)
    head = UserFactory(username="head", role=Role.MANAGEMENT)

    with pytest.raises(CommandError, match="may not import"):
        call_command(
            "import_ledger", str(write(tmp_path, "f.csv", csv_bytes())), "--kind", "ledger", "--user", "kam"
        )
    call_command(
        "import_ledger", str(write(tmp_path, "f.csv", csv_bytes())), "--kind", "ledger", "--user", "head"
    )

    assert ImportRun.objects.get(status=ImportStatus.SUCCEEDED).created_by == head


def test_it_imports_the_customer_master(tmp_path, db):
    header = ["Kunden-Nr.", "Firma", "Land", "Ort"]
    rows = [["50001", "Müller GmbH", "DE", "Köln"], ["50002", "Huber AG", "CH", "Zürich"]]

    call_command(
        "import_ledger", str(write(tmp_path, "kunden.csv", csv_bytes(rows, header))), "--kind", "customers"
    )

    assert list(Customer.objects.order_by("number").values_list("number", "name", "country", "city")) == [
        ("50001", "Müller GmbH", "DE", "Köln"),
        ("50002", "Huber AG", "CH", "Zürich"),
    ]

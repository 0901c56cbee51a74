"""Imports end to end with the database: commit, all-or-nothing, re-imports, the ledger store."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from openkam.analytics.metrics import customer_metrics
from openkam.core.models import AuditEntry
from openkam.demo.generator import DemoSpec, generate_company
from openkam.imports import conf, services, store
from openkam.imports.choices import ImportStatus
from openkam.imports.models import ImportRun
from openkam.imports.pipeline import import_execute
from openkam.imports.selectors import NoLedger, ledger_files, ledger_summary, open_ledger
from openkam.sales.models import Customer, CustomerRevenue
from openkam.testing.factories import CustomerFactory, CustomerRevenueFactory, KeyAccountFactory, UserFactory
from openkam.users.choices import Role

from .helpers import HEADER, ROWS, csv_bytes, run_import, upload, write, xlsx_bytes

pytestmark = pytest.mark.django_db


def _revenue() -> dict:
    return {
        (r.customer.number, r.fiscal_year): (r.revenue, r.margin, r.invoice_lines)
        for r in CustomerRevenue.objects.select_related("customer")
    }


# Ledger ---------------------------------------------------------------------------------------


def test_a_german_windows_1252_ledger_is_imported_and_revenue_recomputed(tmp_path, customers):
    path = write(tmp_path, "umsatz-2025.csv", csv_bytes())

    run = run_import(path)

    assert run.status == ImportStatus.SUCCEEDED, run.message
    assert (run.rows_read, run.rows_imported, run.error_count) == (4, 4, 0)
    assert (run.encoding, run.delimiter) == ("cp1252", ";")
    assert ledger_files() == [conf.ledger_dir() / f"{run.pk}.parquet"]
    assert _revenue() == {
        ("10001", 2025): (Decimal("1334.46"), Decimal("494.36"), 2),
        # The credit note takes the servo controller back: nothing remains.
        ("10002", 2025): (Decimal("0.00"), Decimal("0.00"), 2),
    }
    assert AuditEntry.objects.filter(action="import.succeed", target_id=str(run.pk)).exists()


def test_open_ledger_reads_every_file_with_the_canonical_types(tmp_path, customers):
    run_import(write(tmp_path, "a.csv", csv_bytes(ROWS[:2])))
    run_import(write(tmp_path, "b.csv", csv_bytes(ROWS[2:])))

    ledger = open_ledger()

    assert {name: str(dtype) for name, dtype in ledger.schema().items()} == {
        "invoice_id": "string",
        "line_id": "string",
        "invoice_date": "date",
        "customer_number": "string",
        "product": "string",
        "product_group": "string",
        "business_unit": "string",
        "site": "string",
        "quantity": "decimal(18, 3)",
        "net_revenue": "decimal(18, 2)",
        "cost": "decimal(18, 2)",
        "currency": "string",
    }
    assert ledger.count().to_pyarrow().as_py() == 4
    assert len(ledger_files()) == 2
    assert ledger_summary() == {
        "files": 2,
        "lines": 4,
        "first_date": date(2025, 1, 2),
        "last_date": date(2025, 12, 31),
        "customers": 2,
    }


def test_without_an_import_there_is_no_ledger(db):
    with pytest.raises(NoLedger):
        open_ledger()
    assert ledger_files() == []
    assert ledger_summary()["lines"] == 0


def test_a_file_with_one_invalid_value_imports_nothing(tmp_path, customers):
    revenue_before = CustomerRevenueFactory(customer=customers[0], fiscal_year=2024)
    rows = [*ROWS[:3], [*ROWS[3][:2], "31.12.2025", "10002", "x", "G", "B", "S", "1", "12,3456", "1", "EUR"]]

    run = run_import(write(tmp_path, "f.csv", csv_bytes(rows)))

    assert run.status == ImportStatus.REJECTED
    assert run.error_count == 1
    assert run.errors == [
        {
            "row": 5,
            "column": "Nettoumsatz",
            "field": "net_revenue",
            "value": "12,3456",
            "code": "decimals",
            "param": "2",
        }
    ]
    assert ledger_files() == []
    assert list(conf.ledger_dir().glob("*.parquet*")) == []
    assert list(CustomerRevenue.objects.all()) == [revenue_before]
    assert AuditEntry.objects.filter(action="import.reject", target_id=str(run.pk)).exists()


def test_the_error_report_lists_every_error_in_csv_and_xlsx(tmp_path, customers, settings):
    from openpyxl import load_workbook

    rows = [
        [f"R-{i}", "1", "31.12.2025", "10001", "A", "G", "B", "S", "1", "=HYPERLINK(1)", "1", "EUR"]
        for i in range(1500)
    ]

    with translation.override("en"):
        run = run_import(write(tmp_path, "f.csv", csv_bytes(rows)))

    assert run.error_count == 1500
    assert len(run.errors) == conf.STORED_ERRORS
    with Path(run.report_path).open(encoding="utf-8-sig", newline="") as handle:
        csv_report = list(csv.reader(handle, delimiter=","))  # English: commas, German: semicolons
    assert len(csv_report) == 1501
    # Formula characters are neutralised: a hostile value must not run in the spreadsheet.
    assert csv_report[1][3] == "'=HYPERLINK(1)"
    sheet = load_workbook(Path(run.report_path).with_suffix(".xlsx"), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1501
    assert list(rows[1]) == [
        "f.csv",
        2,
        "Nettoumsatz",
        "'=HYPERLINK(1)",
        "not a number",
    ]


def test_the_same_file_is_refused_a_second_time_naming_the_first_import(tmp_path, customers):
    path = write(tmp_path, "f.csv", csv_bytes())
    first = run_import(path)

    second = upload(path)

    assert second.status == ImportStatus.REJECTED
    assert "f.csv" in second.message and "imported already" in second.message
    assert ImportRun.objects.filter(status=ImportStatus.SUCCEEDED).get() == first


def test_lines_overlapping_an_earlier_import_are_rejected(tmp_path, customers):
    run_import(write(tmp_path, "januar.csv", csv_bytes(ROWS[:2])))
    revenue = _revenue()

    run = run_import(write(tmp_path, "nachtrag.csv", csv_bytes(ROWS[1:])))

    assert run.status == ImportStatus.REJECTED
    assert [(e["row"], e["code"]) for e in run.errors] == [(2, "already_imported")]
    assert "januar.csv" in run.errors[0]["param"]
    assert _revenue() == revenue
    assert len(ledger_files()) == 1


def test_ledger_lines_need_customers_of_the_master(tmp_path, db):
    CustomerFactory(number="10001")

    run = run_import(write(tmp_path, "f.csv", csv_bytes()))

    assert run.status == ImportStatus.REJECTED
    assert [(e["row"], e["value"], e["code"]) for e in run.errors] == [
        (4, "10002", "customer_unknown"),
        (5, "10002", "customer_unknown"),
    ]


def test_a_workbook_ledger_with_excel_serial_dates_is_imported(tmp_path, customers):
    rows = [
        ["Beleg", "Position", "Datum", "Kunde", "Warengruppe", "Sparte", "Umsatz", "DB"],
        ["R-1", 1, 45657, 10001, "Motoren", "Antriebe", 1234.56, 434.56],
        ["R-1", 2, 45657.5, "10001", "Kabel", "Steuerungen", "99,90", 50],
        ["R-2", 1, date(2025, 1, 2), 10003, "Motoren", "Antriebe", -100, -30],
    ]
    path = write(tmp_path, "umsatz.xlsx", xlsx_bytes(rows))

    run = run_import(path, options={"decimal_separator": ","})

    assert run.status == ImportStatus.SUCCEEDED, (run.message, run.errors)
    lines = open_ledger().order_by(["invoice_id", "line_id"]).to_pyarrow().to_pylist()
    assert [(r["invoice_date"], r["customer_number"], r["net_revenue"], r["cost"]) for r in lines] == [
        (date(2024, 12, 31), "10001", Decimal("1234.56"), Decimal("800.00")),
        (date(2024, 12, 31), "10001", Decimal("99.90"), Decimal("49.90")),
        (date(2025, 1, 2), "10003", Decimal("-100.00"), Decimal("-70.00")),
    ]


def test_a_parquet_ledger_is_imported_with_its_types(tmp_path, customers):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "invoice_id": pa.array([2025000001, 2025000001]),
            "line_no": pa.array([1, 2], pa.int16()),
            "invoice_date": pa.array([date(2025, 5, 1), date(2025, 5, 1)]),
            "customer_number": pa.array(["10001", "10003"]).dictionary_encode(),
            "product_group": ["A", "B"],
            "business_unit": ["X", "Y"],
            "net_revenue": pa.array([Decimal("10.00"), Decimal("-2.50")], pa.decimal128(18, 2)),
            "cost": pa.array([Decimal("5.00"), Decimal("-1.00")], pa.decimal128(18, 2)),
        }
    )
    pq.write_table(table, tmp_path / "export.parquet")

    run = run_import(tmp_path / "export.parquet")

    assert run.status == ImportStatus.SUCCEEDED, (run.message, run.errors)
    assert run.mapping["line_id"] == "line_no"
    assert open_ledger().select("invoice_id", "line_id").to_pyarrow().to_pylist() == [
        {"invoice_id": "2025000001", "line_id": "1"},
        {"invoice_id": "2025000001", "line_id": "2"},
    ]


def test_a_rejected_import_can_run_again_with_other_options(tmp_path, customers):
    path = write(tmp_path, "f.csv", csv_bytes())
    run = upload(path)
    run = services.import_configure(
        actor=None, run=run, mapping=run.mapping, options={"decimal_separator": "."}, start=False
    )
    run = import_execute(actor=None, run=run)
    assert run.status == ImportStatus.REJECTED

    run = services.import_configure(
        actor=None, run=run, mapping=run.mapping, options={"decimal_separator": ","}, start=False
    )
    run = import_execute(actor=None, run=run)

    assert run.status == ImportStatus.SUCCEEDED
    assert (run.error_count, run.errors, run.report_path) == (0, [], "")


def test_the_mapping_is_checked_before_the_import_is_queued(tmp_path, customers):
    run = upload(write(tmp_path, "f.csv", csv_bytes()))
    mapping = {k: v for k, v in run.mapping.items() if k not in ("net_revenue", "cost")} | {"site": "Fehlt"}

    with pytest.raises(ValidationError) as invalid:
        services.import_configure(actor=None, run=run, mapping=mapping, start=False)

    assert set(invalid.value.message_dict) == {"net_revenue", "cost", "site"}
    run.refresh_from_db()
    assert run.status == ImportStatus.UPLOADED


def test_only_management_and_administrators_import(tmp_path, customers):
    path = write(tmp_path, "f.csv", csv_bytes())
    kam = UserFactory(role=Role.KAM)

    with pytest.raises(PermissionDenied):
        upload(path, actor=kam)
    run = upload(path, actor=UserFactory(role=Role.MANAGEMENT))
    with pytest.raises(PermissionDenied):
        services.import_configure(actor=kam, run=run, mapping=run.mapping, start=False)


def test_queueing_an_import_starts_a_job_and_saves_a_profile(
    tmp_path, customers, django_capture_on_commit_callbacks
):
    manager = UserFactory(role=Role.MANAGEMENT)
    run = upload(write(tmp_path, "f.csv", csv_bytes()), actor=manager)

    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_configure(
            actor=manager, run=run, mapping=run.mapping, save_profile_as="SAP-Export", source_system="SAP"
        )

    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.job.status == "succeeded"
    assert run.profile.name == "SAP-Export"
    assert run.profile.mapping == run.mapping
    assert run.profile.delimiter == ";"
    assert run.message == "4 ledger lines imported."


# Crash safety -----------------------------------------------------------------------------------


def test_a_file_no_succeeded_import_references_is_ignored_and_removed_later(tmp_path, customers):
    stray = conf.ledger_dir() / "00000000-0000-0000-0000-000000000000.parquet"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"PAR1 not really")
    (conf.ledger_dir() / "abc.parquet.partial").write_bytes(b"half")

    assert ledger_files() == []
    run_import(write(tmp_path, "f.csv", csv_bytes()))

    assert sorted(p.name for p in conf.ledger_dir().iterdir() if not p.name.startswith(".")) == [
        f"{ImportRun.objects.get().pk}.parquet"
    ]


def test_a_commit_that_fails_after_the_file_is_in_place_leaves_nothing(tmp_path, customers, monkeypatch):
    revenue = CustomerRevenueFactory(customer=customers[0], fiscal_year=2024)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("openkam.imports.pipeline.customer_revenues_replace", broken)
    with pytest.raises(RuntimeError):
        run_import(write(tmp_path, "f.csv", csv_bytes()))

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert "database went away" in run.message
    assert ledger_files() == []
    assert list(conf.ledger_dir().glob("*.parquet*")) == []
    assert list(CustomerRevenue.objects.all()) == [revenue]


def test_an_import_left_running_by_a_dead_process_is_marked_failed(tmp_path, customers):
    dead = upload(write(tmp_path, "a.csv", csv_bytes(ROWS[:1])))
    ImportRun.objects.filter(pk=dead.pk).update(status=ImportStatus.RUNNING)

    run_import(write(tmp_path, "b.csv", csv_bytes(ROWS[1:])))

    dead.refresh_from_db()
    assert dead.status == ImportStatus.FAILED
    assert "interrupted" in dead.message


def test_store_canonical_select_maps_foreign_columns(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"invoice_id": [1], "invoice_date": [date(2025, 1, 1)]}), tmp_path / "x.parquet")

    with pytest.raises(ValueError, match="customer_number"):
        store.canonical_select(tmp_path / "x.parquet")


# Customer master --------------------------------------------------------------------------------

CUSTOMER_HEADER = ["Kundennummer", "Name", "Rechtsform", "Branche", "Land", "Ort", "Muttergesellschaft"]


def test_the_customer_master_is_upserted_with_parents_after_all_rows(tmp_path, db):
    existing = CustomerFactory(number="20001", name="Alt GmbH", city="Ulm", country="DE")
    account = KeyAccountFactory(customer=existing)
    rows = [
        ["20003", "Tochter Süd GmbH", "GmbH", "Maschinenbau", "at", "Wien", "20002"],
        ["20002", "Konzern AG", "AG", "Maschinenbau", "DE", "Stuttgart", ""],
        ["20001", "Alt GmbH", "GmbH", "Maschinenbau", "DE", "Neu-Ulm", "20002"],
    ]

    run = run_import(write(tmp_path, "kunden.csv", csv_bytes(rows, CUSTOMER_HEADER)), "customers")

    assert run.status == ImportStatus.SUCCEEDED, (run.message, run.errors)
    assert run.message == "2 customers created, 1 changed."
    customers = {c.number: c for c in Customer.objects.select_related("parent")}
    assert customers["20003"].parent.number == "20002"
    assert customers["20003"].country == "AT"
    assert customers["20001"].city == "Neu-Ulm"
    assert customers["20001"].parent.number == "20002"
    assert customers["20002"].parent is None
    change = AuditEntry.objects.get(action="customer.update", target_id=str(existing.pk))
    assert change.changes == {"city": ["Ulm", "Neu-Ulm"], "parent": [None, "20002"]}
    assert change.account_id == account.pk
    assert AuditEntry.objects.filter(action="customer.create").count() == 2


def test_a_customer_file_with_a_cycle_changes_nothing(tmp_path, db):
    CustomerFactory(number="20001")
    rows = [["20002", "A AG", "", "", "DE", "", "20003"], ["20003", "B AG", "", "", "DE", "", "20002"]]

    run = run_import(write(tmp_path, "kunden.csv", csv_bytes(rows, CUSTOMER_HEADER)), "customers")

    assert run.status == ImportStatus.REJECTED
    assert {e["code"] for e in run.errors} == {"parent_cycle"}
    assert list(Customer.objects.values_list("number", flat=True)) == ["20001"]


def test_a_parent_in_the_master_may_be_referenced_and_cycles_through_it_are_found(tmp_path, db):
    parent = CustomerFactory(number="30001")
    child = CustomerFactory(number="30002", parent=parent)
    rows = [
        ["30003", "Neu GmbH", "", "", "DE", "", "30001"],
        ["30001", "Mutter AG", "", "", "DE", "", "30002"],
    ]

    run = run_import(write(tmp_path, "kunden.csv", csv_bytes(rows, CUSTOMER_HEADER)), "customers")

    assert run.status == ImportStatus.REJECTED
    assert [(e["row"], e["code"]) for e in run.errors] == [(3, "parent_cycle")]
    assert set(run.errors[0]["param"].split(" → ")) == {"30001", "30002"}
    child.refresh_from_db()
    assert child.parent == parent


def test_duplicate_customer_numbers_and_bad_countries_are_rejected(tmp_path, db):
    rows = [["40001", "A", "", "", "DE", "", ""], ["40001", "B", "", "", "Deutschland", "", ""]]

    run = run_import(write(tmp_path, "kunden.csv", csv_bytes(rows, CUSTOMER_HEADER)), "customers")

    assert sorted((e["row"], e["code"]) for e in run.errors) == [(3, "country"), (3, "duplicate_customer")]
    assert not Customer.objects.exists()


# Demo company -------------------------------------------------------------------------------------


def test_the_demo_company_registers_its_ledger_where_it_lies(tmp_path):
    ledger = tmp_path / "demo" / "ledger.parquet"
    generate_company(DemoSpec(customers=300, lines=20_000, accounts=6, chunk_rows=4_000), ledger_path=ledger)

    run = ImportRun.objects.get()
    assert (run.source, run.status, run.rows_imported) == ("demo", ImportStatus.SUCCEEDED, 20_000)
    assert ledger_files() == [ledger]
    metrics = customer_metrics(open_ledger(), as_of=date(2025, 12, 31), fiscal_years=[2024, 2025])
    stored = {
        r.customer.number: r.revenue
        for r in CustomerRevenue.objects.filter(fiscal_year=2025).select_related("customer")
    }
    computed = dict(
        zip(
            metrics.column("customer_number").to_pylist(),
            metrics.column("revenue_2025").to_pylist(),
            strict=True,
        )
    )
    assert {k: v for k, v in computed.items() if v} == {k: v for k, v in stored.items() if v}


def test_a_ledger_imported_after_the_demo_is_added_to_its_revenue(tmp_path):
    generate_company(
        DemoSpec(customers=300, lines=20_000, accounts=6, chunk_rows=4_000),
        ledger_path=tmp_path / "demo.parquet",
    )
    number = Customer.objects.order_by("number").first().number
    before = _revenue()[(number, 2025)]
    rows = [["N-1", "1", "01.06.2025", number, "A", "G", "B", "S", "1", "1.000,00", "600,00", "EUR"]]

    run = run_import(write(tmp_path, "nachtrag.csv", csv_bytes(rows, HEADER)))

    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert len(ledger_files()) == 2
    after = _revenue()[(number, 2025)]
    assert after == (before[0] + Decimal("1000.00"), before[1] + Decimal("400.00"), before[2] + 1)

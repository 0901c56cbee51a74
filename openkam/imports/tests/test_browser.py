"""A head of KAM imports a German sales ledger in a real Chromium: upload, preview, mapping, result."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from openkam.imports.choices import ImportStatus
from openkam.imports.models import ImportRun, MappingProfile
from openkam.sales.models import CustomerRevenue
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .helpers import ROWS, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, name: str, data: bytes) -> None:
    page.goto("/imports/")
    page.select_option("#id_kind", "ledger")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.click("button:has-text('Upload and preview')")


def test_a_head_of_kam_imports_a_german_csv_and_sees_it_succeed(page, world, customers):
    login(page, "head", PASSWORD)
    page.goto("/imports/")
    expect(page.locator("h1")).to_have_text("Imports")
    assert_accessible(page)

    # Windows-1252, semicolons, German numbers and dates, and a credit note in the last line.
    _upload(page, "umsatz-2025.csv", csv_bytes())

    expect(page.locator("h1")).to_have_text("Preview of umsatz-2025.csv")
    expect(page.locator(".facts")).to_contain_text("cp1252")
    rows = page.locator("table").first
    expect(rows).to_contain_text("Motor IE3 „Kompakt“")
    expect(rows).to_contain_text("Kabel 5 m – grau")
    expect(rows).to_contain_text("-12.500,00")
    expect(page.locator("#id_invoice_id")).to_have_value("Rechnungsnummer")
    expect(page.locator("#id_invoice_date")).to_have_value("Rechnungsdatum")
    expect(page.locator("#id_cost")).to_have_value("Einstandskosten")
    expect(page.locator("#id_margin")).to_have_value("")
    expect(page.locator("#id_decimal_separator")).to_have_value(",")
    expect(page.locator("#id_date_format")).to_have_value("%d.%m.%Y")
    assert_accessible(page)

    page.select_option("#id_site", "Artikel")  # a deliberate change of the proposal
    page.check("#id_save_profile")
    page.fill("#id_profile_name", "Warenwirtschaft")
    page.click("button:has-text('Start import')")

    status = page.locator("#import-status")
    expect(status).to_have_attribute("data-status", "succeeded", timeout=30_000)
    expect(status).to_contain_text("4 ledger lines imported.")
    assert_accessible(page)
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.mapping["site"] == "Artikel"
    assert MappingProfile.objects.get().name == "Warenwirtschaft"
    assert CustomerRevenue.objects.filter(customer__number="10002", revenue=0).exists()

    page.goto("/imports/")
    expect(page.locator("#import-table tbody tr")).to_have_count(1)
    expect(page.locator("#import-table")).to_contain_text("Imported")


def test_a_rejected_file_shows_row_column_value_and_reason(page, world, customers):
    rows = [ROWS[0], [*ROWS[1][:2], "31.02.2025", *ROWS[1][3:9], "12,345", *ROWS[1][10:]], ROWS[2]]
    revenue = list(CustomerRevenue.objects.values_list("pk", "revenue"))
    login(page, "head", PASSWORD)

    _upload(page, "fehlerhaft.csv", csv_bytes(rows))
    page.click("button:has-text('Start import')")

    expect(page.locator("#import-status")).to_have_attribute("data-status", "rejected", timeout=30_000)
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_have_text(
        re.compile(r"3\s*Rechnungsdatum\s*31\.02\.2025\s*not a date in the format DD\.MM\.YYYY")
    )
    expect(errors.nth(1)).to_have_text(re.compile(r"3\s*Nettoumsatz\s*12,345\s*more than 2 decimal places"))
    assert_accessible(page)
    with page.expect_download() as info:
        page.click("text=Full error report (CSV)")
    report = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "31.02.2025" in report and "fehlerhaft.csv" in report
    assert list(CustomerRevenue.objects.values_list("pk", "revenue")) == revenue


def test_the_profile_pages_are_accessible(page, world):
    login(page, "admin", PASSWORD)
    page.goto("/imports/profiles/new/?kind=customers")
    page.fill("#id_name", "CRM")
    page.fill("#id_column_number", "Kundennummer")
    assert_accessible(page)
    page.click("button:has-text('Save')")
    expect(page.locator("table")).to_contain_text("CRM")
    assert_accessible(page)

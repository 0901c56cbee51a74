"""The import pages: list, upload, preview and mapping, progress and result, reports, profiles."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.core.models import AuditEntry, Job
from openkam.core.tasks import run_job
from openkam.imports.choices import ImportStatus
from openkam.imports.models import ImportRun, MappingProfile
from openkam.testing.factories import ImportRunFactory, MappingProfileFactory, UserFactory
from openkam.users.choices import Role

from .helpers import ROWS, csv_bytes, run_import, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = UserFactory(role=Role.MANAGEMENT, first_name="Hanna", last_name="Haupt")
    client.force_login(user)
    return user


def _file(data: bytes, name: str = "umsatz.csv"):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _upload(client, data=None, **fields):
    return client.post(
        reverse("imports:upload"), {"kind": "ledger", "file": _file(data or csv_bytes()), **fields}
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_needs_the_same_queries_for_3_and_30_imports(client, manager):
    url = reverse("imports:list")
    ImportRunFactory.create_batch(3, created_by=manager, profile=MappingProfileFactory())
    _queries(client, url)
    few = _queries(client, url)
    ImportRunFactory.create_batch(27, created_by=manager, profile=MappingProfileFactory())
    many = _queries(client, url)
    # session, user, profiles (upload form), count, rows, ledger runs (count, lines)
    assert few == many == 7


def test_the_list_filters_by_kind_and_htmx_gets_only_the_table(client, manager):
    ImportRunFactory(original_name="kunden.csv", kind="customers")
    ImportRunFactory(original_name="umsatz.csv", kind="ledger")

    page = client.get(reverse("imports:list"), {"kind": "customers"}).content.decode()
    partial = client.get(
        reverse("imports:list"), {"kind": "ledger"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert "kunden.csv" in page and "umsatz.csv" not in page
    assert "<html" not in partial and "umsatz.csv" in partial and "kunden.csv" not in partial


def test_a_kam_finds_no_import_pages(client, world):
    client.force_login(world.owner)
    run = ImportRunFactory()

    assert client.get(reverse("imports:list")).status_code == 404
    assert client.get(reverse("imports:detail", args=[run.pk])).status_code == 404
    response = _upload(client)
    assert response.status_code == 404
    assert ImportRun.objects.count() == 1


def test_uploading_shows_the_detected_settings_the_rows_and_a_proposed_mapping(client, manager, customers):
    response = _upload(client)

    run = ImportRun.objects.get()
    assert response.url == reverse("imports:preview", args=[run.pk])
    html = client.get(response.url).content.decode()
    assert "cp1252" in html
    assert "Motor IE3 „Kompakt“" in html
    assert re.search(r'name="invoice_id"[^>]*>.*?<option value="Rechnungsnummer" selected>', html, re.S)
    assert re.search(r'name="cost"[^>]*>.*?<option value="Einstandskosten" selected>', html, re.S)
    assert re.search(r'name="margin"[^>]*>\s*<option value="" selected>', html, re.S)


def test_updating_the_preview_reads_the_file_again_without_saving(client, manager, customers):
    _upload(client)
    run = ImportRun.objects.get()

    html = client.post(
        reverse("imports:preview", args=[run.pk]), {"action": "preview", "delimiter": ","}
    ).content.decode()

    run.refresh_from_db()
    assert run.delimiter == ";"
    # Split at commas, the header ends in the middle of "Nettoumsatz;Einstandskosten;…".
    assert (
        "Rechnungsnummer;Pos.;Rechnungsdatum;Kunden-Nr.;Artikel;Warengruppe;Sparte;Niederlassung;Menge;Nettoumsatz;Einstandskosten;Währung"
        in html
    )


def test_a_mapping_without_required_fields_is_refused_on_the_page(client, manager, customers):
    _upload(client)
    run = ImportRun.objects.get()
    data = {
        name: column for name, column in run.mapping.items() if name not in ("net_revenue", "customer_number")
    }

    response = client.post(reverse("imports:preview", args=[run.pk]), {**data, "action": "import"})

    assert response.status_code == 200
    assert response.content.decode().count("Choose the column that holds this field.") == 2
    run.refresh_from_db()
    assert run.status == ImportStatus.UPLOADED


def test_starting_the_import_runs_the_job_and_shows_the_result(
    client, manager, customers, django_capture_on_commit_callbacks
):
    _upload(client)
    run = ImportRun.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:preview", args=[run.pk]),
            {
                **run.mapping,
                "action": "import",
                "save_profile": "on",
                "profile_name": "SAP-Export",
                "source_system": "SAP",
            },
        )

    run.refresh_from_db()
    assert response.url == reverse("imports:detail", args=[run.pk])
    assert run.status == ImportStatus.SUCCEEDED
    assert run.job.created_by == manager
    assert MappingProfile.objects.get(name="SAP-Export").mapping == run.mapping
    html = client.get(response.url).content.decode()
    assert "4 ledger lines imported." in html
    assert "hx-get" not in html.split('id="import-status"')[1].split(">")[0]
    assert AuditEntry.objects.filter(action="import.queue", actor=manager).exists()


def test_a_queued_import_polls_its_progress(client, manager):
    job = Job.objects.create(
        kind="imports.run", created_by=manager, progress=40, message="Writing the ledger file"
    )
    run = ImportRunFactory(status=ImportStatus.RUNNING, job=job)

    html = client.get(
        reverse("imports:detail", args=[run.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    assert html.startswith('\n<div id="import-status"') or html.lstrip().startswith('<div id="import-status"')
    assert f'hx-get="{reverse("imports:detail", args=[run.pk])}"' in html
    assert 'value="40"' in html and "Writing the ledger file" in html


def test_a_rejected_import_shows_its_errors_and_offers_the_report(client, manager, customers, tmp_path):
    rows = [ROWS[0], [*ROWS[1][:2], "31.13.2025", *ROWS[1][3:]]]
    run = run_import(write(tmp_path, "fehler.csv", csv_bytes(rows)), actor=manager)

    html = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    csv_report = client.get(reverse("imports:report", args=[run.pk, "csv"]))
    xlsx_report = client.get(reverse("imports:report", args=[run.pk, "xlsx"]))

    assert run.status == ImportStatus.REJECTED
    assert (
        '<td class="num">3</td><td>Rechnungsdatum</td><td>31.13.2025</td><td>not a date in the format DD.MM.YYYY</td>'
        in html
    )
    assert "Change mapping or format and try again" in html
    assert csv_report["Content-Disposition"] == 'attachment; filename="fehler-errors.csv"'
    assert "31.13.2025" in b"".join(csv_report.streaming_content).decode("utf-8-sig")
    assert xlsx_report.status_code == 200
    assert client.get(reverse("imports:report", args=[run.pk, "pdf"])).status_code == 404


def test_a_succeeded_import_has_no_report(client, manager, customers, tmp_path):
    run = run_import(write(tmp_path, "ok.csv", csv_bytes()), actor=manager)

    assert client.get(reverse("imports:report", args=[run.pk, "csv"])).status_code == 404
    assert client.get(reverse("imports:preview", args=[run.pk])).url == reverse(
        "imports:detail", args=[run.pk]
    )


def test_the_german_page_shows_german_labels(client, manager):
    manager.language = "de"
    manager.save(update_fields=["language"])

    html = client.get(reverse("imports:list"), headers={"accept-language": "de"}).content.decode()

    assert '<html lang="de">' in html


def test_an_upload_with_a_profile_uses_its_mapping(client, manager, customers):
    profile = MappingProfileFactory(
        mapping={"invoice_id": "Rechnungsnummer", "product": "Warengruppe", "business_unit": "Sparte"}
    )

    _upload(client, profile=profile.pk)

    run = ImportRun.objects.get()
    assert run.profile == profile
    assert run.mapping["product"] == "Warengruppe"  # the profile wins over guessing
    assert run.mapping["net_revenue"] == "Nettoumsatz"  # guessing completes it


def test_a_profile_of_the_other_kind_is_refused_for_an_upload(client, manager):
    profile = MappingProfileFactory(kind="customers")

    response = _upload(client, profile=profile.pk)

    assert response.status_code == 200
    assert "This profile is for another kind of file." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_profiles_are_created_changed_and_deleted(client, manager):
    created = client.post(
        reverse("imports:profile-create"),
        {
            "kind": "customers",
            "name": "CRM-Export",
            "source_system": "Salesforce",
            "column_number": "Account Number",
            "column_name": "Account Name",
            "column_country": "Billing Country",
            "delimiter": ",",
            "decimal_separator": ".",
            "default_currency": "usd",
        },
    )
    profile = MappingProfile.objects.get()
    edited = client.post(
        reverse("imports:profile-edit", args=[profile.pk]),
        {"name": "CRM-Export 2", "column_number": "Account No", "default_currency": "EUR"},
    )
    profile.refresh_from_db()
    deleted = client.post(reverse("imports:profile-delete", args=[profile.pk]))

    assert created.status_code == edited.status_code == deleted.status_code == 302
    assert profile.name == "CRM-Export 2"
    assert profile.mapping == {"number": "Account No"}
    assert not MappingProfile.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="profile.").values_list("action", flat=True)
    ) == [
        "profile.delete",
        "profile.update",
        "profile.create",
    ]


def test_a_profile_name_is_unique_per_kind(client, manager):
    MappingProfileFactory(name="SAP", kind="ledger")

    response = client.post(
        reverse("imports:profile-create") + "?kind=ledger", {"kind": "ledger", "name": "SAP"}
    )

    assert response.status_code == 200
    assert "A profile of this name exists already for this kind." in response.content.decode()


def test_the_import_list_is_exported_to_xlsx(client, manager):
    from openpyxl import load_workbook

    ImportRunFactory(original_name="kunden.csv", kind="customers", created_by=manager)

    response = client.post(reverse("imports:export"), {"kind": "customers"})
    job = Job.objects.get(kind="imports.export_xlsx")
    run_job.call(str(job.pk))
    job.refresh_from_db()

    assert response.url == reverse("core:job-detail", args=[job.pk])
    rows = list(load_workbook(job.result_file, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Created", "File", "Kind")
    assert rows[1][1:5] == ("kunden.csv", "Customer master", "Upload", "Uploaded")

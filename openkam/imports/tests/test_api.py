"""The import operations of the REST API: upload, start, status, errors, report, profiles."""

import io

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.imports.choices import ImportStatus
from openkam.imports.models import ImportRun, MappingProfile
from openkam.testing.factories import MappingProfileFactory, UserFactory
from openkam.users.choices import Role
from openkam.users.services import api_token_create

from .helpers import ROWS, csv_bytes, run_import, write

pytestmark = pytest.mark.django_db


def _file(data: bytes, name: str = "umsatz.csv"):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def manager():
    return UserFactory(role=Role.MANAGEMENT)


@pytest.fixture
def api(manager):
    client = Client()
    client.force_login(manager)
    return client


def _upload(api, data=None, **fields):
    return api.post(
        api_path("import_upload"), {"kind": "ledger", "file": _file(data or csv_bytes()), **fields}
    )


def test_an_upload_answers_with_detection_mapping_and_preview(api, customers):
    response = _upload(api)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "uploaded"
    assert (body["file_format"], body["encoding"], body["delimiter"]) == ("csv", "cp1252", ";")
    assert body["mapping"]["invoice_date"] == "Rechnungsdatum"
    assert body["options"]["decimal_separator"] == ","
    assert body["preview"][0][4] == "Motor IE3 „Kompakt“"
    assert len(body["preview"]) == 4
    assert body["source"] == "api"


def test_start_queues_a_job_and_the_import_succeeds(api, customers, django_capture_on_commit_callbacks):
    import_id = _upload(api).json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(api_path("import_start", import_id=import_id), {}, content_type="application/json")
    shown = api.get(api_path("import_get", import_id=import_id)).json()

    assert started.status_code == 202
    assert started.json()["status"] == "queued"
    assert started.json()["job_id"]
    assert shown["status"] == "succeeded"
    assert (shown["rows_read"], shown["rows_imported"], shown["error_count"], shown["progress"]) == (
        4,
        4,
        0,
        100,
    )
    listed = api.get(api_path("imports_list")).json()
    assert [item["id"] for item in listed["items"]] == [import_id]


def test_start_takes_a_mapping_and_options(api, customers, django_capture_on_commit_callbacks):
    body = _upload(api).json()
    mapping = body["mapping"] | {"site": "Artikel"}

    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            api_path("import_start", import_id=body["id"]),
            {"mapping": mapping, "options": {"default_currency": "CHF"}, "save_profile_as": "API-Profil"},
            content_type="application/json",
        )

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.mapping["site"] == "Artikel"
    assert run.options["default_currency"] == "CHF"
    assert MappingProfile.objects.get().name == "API-Profil"


def test_a_rejected_import_pages_its_errors_and_serves_the_report(api, manager, customers, tmp_path):
    rows = [
        [f"R-{i}", "1", "31.12.2025", "10001", "A", "G", "B", "S", "x", "1,00", "1,00", "EUR"]
        for i in range(30)
    ]
    run = run_import(write(tmp_path, "fehler.csv", csv_bytes(rows)), actor=manager)

    shown = api.get(api_path("import_get", import_id=run.pk)).json()
    page = api.get(api_path("import_errors", import_id=run.pk), {"limit": 5, "offset": 10}).json()
    report = api.get(shown["report_urls"]["xlsx"])

    assert shown["status"] == "rejected"
    assert shown["error_count"] == 30
    assert len(shown["first_errors"]) == 20
    assert page["count"] == 30
    assert [e["row"] for e in page["items"]] == [12, 13, 14, 15, 16]
    assert page["items"][0] == {
        "row": 12,
        "column": "Menge",
        "field": "quantity",
        "value": "x",
        "code": "number",
        "reason": "not a number",
    }
    assert report.status_code == 200
    assert report["Content-Disposition"] == 'attachment; filename="fehler-errors.xlsx"'


def test_the_report_of_a_succeeded_import_is_not_found(api, manager, customers, tmp_path):
    run = run_import(write(tmp_path, "ok.csv", csv_bytes()), actor=manager)

    assert api.get(api_path("import_report", import_id=run.pk)).status_code == 404
    assert api.get(api_path("import_report", import_id=run.pk), {"format": "pdf"}).status_code == 422


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "ledger", "priority": "high"}, "priority"),
        ({"kind": "invoices"}, "kind"),
        ({"kind": "ledger", "delimiter": ":"}, "delimiter"),
        ({"kind": "ledger", "mapping": "{not json"}, "mapping"),
        ({"kind": "ledger", "mapping": '{"invoice_id": 7}'}, "mapping"),
        ({"kind": "ledger", "profile_id": "999"}, "profile_id"),
    ],
)
def test_an_upload_with_bad_fields_gets_422_naming_the_field(api, fields, field):
    response = api.post(api_path("import_upload"), {**fields, "file": _file(csv_bytes())})

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mapping": {"invoice_id": "Fehlt"}}, "invoice_id"),
        ({"mapping": {"net_revenue": "Nettoumsatz"}}, "invoice_id"),
        ({"options": {"decimal_separator": ";"}}, "options.decimal_separator"),
        ({"start_now": True}, "start_now"),
    ],
)
def test_a_start_with_bad_input_gets_422_naming_the_field(api, customers, body, field):
    import_id = _upload(api).json()["id"]

    response = api.post(api_path("import_start", import_id=import_id), body, content_type="application/json")

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert ImportRun.objects.get().status == ImportStatus.UPLOADED


def test_an_import_cannot_be_started_twice(api, customers):
    import_id = _upload(api).json()["id"]
    api.post(api_path("import_start", import_id=import_id), {}, content_type="application/json")

    response = api.post(api_path("import_start", import_id=import_id), {}, content_type="application/json")

    assert response.status_code == 422
    assert "has run already" in response.json()["error"]["fields"]["__all__"][0]


def test_a_token_uploads_without_csrf_and_a_session_needs_it(manager, customers):
    _token, raw = api_token_create(actor=manager, name="ERP")
    token_client = Client(headers={"authorization": f"Bearer {raw}"}, enforce_csrf_checks=True)
    session = Client(enforce_csrf_checks=True)
    session.force_login(manager)

    with_token = token_client.post(api_path("import_upload"), {"kind": "ledger", "file": _file(csv_bytes())})
    without_csrf = session.post(
        api_path("import_upload"), {"kind": "ledger", "file": _file(csv_bytes(ROWS[:1]))}
    )
    csrf = get_token(RequestFactory().get("/"))
    session.cookies["csrftoken"] = csrf
    with_csrf = session.post(
        api_path("import_upload"),
        {"kind": "ledger", "file": _file(csv_bytes(ROWS[:2]))},
        headers={"x-csrftoken": csrf},
    )

    assert with_token.status_code == 201
    assert without_csrf.status_code == 403
    assert without_csrf.json()["error"]["code"] == "csrf_failed"
    assert with_csrf.status_code == 201
    assert ImportRun.objects.count() == 2


def test_a_kam_cannot_upload_and_nothing_is_stored(world, tmp_path):
    client = Client()
    client.force_login(world.owner)

    response = client.post(api_path("import_upload"), {"kind": "ledger", "file": _file(csv_bytes())})

    assert response.status_code == 404
    assert not ImportRun.objects.exists()
    assert not list((tmp_path / "uploads").glob("*"))


def test_profiles_are_listed_created_changed_and_deleted(api):
    MappingProfileFactory(name="Alt")

    created = api.post(
        api_path("profile_create"),
        {
            "name": "DATEV",
            "kind": "ledger",
            "mapping": {"invoice_id": "Belegfeld 1"},
            "date_format": "%d%m%Y",
        },
        content_type="application/json",
    )
    assert created.status_code == 422  # %d%m%Y is not a supported date format
    created = api.post(
        api_path("profile_create"),
        {"name": "DATEV", "kind": "ledger", "mapping": {"invoice_id": "Belegfeld 1"}, "delimiter": ";"},
        content_type="application/json",
    )
    profile_id = created.json()["id"]
    changed = api.patch(
        api_path("profile_update", profile_id=profile_id),
        {"source_system": "DATEV"},
        content_type="application/json",
    )
    listed = api.get(api_path("profiles_list"))
    deleted = api.delete(api_path("profile_delete", profile_id=profile_id))

    assert created.status_code == 201
    assert changed.json()["source_system"] == "DATEV"
    assert [p["name"] for p in listed.json()] == ["Alt", "DATEV"]
    assert deleted.status_code == 204
    assert AuditEntry.objects.filter(action="profile.delete").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "kind": "ledger", "mapping": {"customer": "Kunde"}}, "mapping"),
        ({"name": "X", "kind": "ledger", "colour": "blue"}, "colour"),
        ({"name": "X", "kind": "ledger", "default_currency": "EURO"}, "default_currency"),
        ({"name": "Alt", "kind": "ledger"}, "name"),
    ],
)
def test_a_bad_profile_gets_422_naming_the_field(api, body, field):
    MappingProfileFactory(name="Alt", kind="ledger")

    response = api.post(api_path("profile_create"), body, content_type="application/json")

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]

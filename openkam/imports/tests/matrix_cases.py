"""Permission-matrix entries of the import app (collected by openkam/testing/matrix.py).

Only management (head of KAM) and administrators see imports and mapping profiles; for every
other persona each page and operation answers 404. Objects are built with factories, never
with services, so that building them leaves no audit entry behind (the API matrix counts them).
"""

from __future__ import annotations

from django.urls import reverse

from openkam.imports import conf
from openkam.imports.reports import write_reports
from openkam.testing.factories import ImportRunFactory, MappingProfileFactory
from openkam.testing.matrix import MANAGEMENT_AND_ADMIN, Case, post_ok

CSV = (
    "Rechnungsnummer;Position;Rechnungsdatum;Kundennummer;Warengruppe;Sparte;Nettoumsatz;Kosten\n"
    "R-1;1;31.12.2025;K000001;Motoren;Antriebe;1.234,56;800,00\n"
    "R-1;2;31.13.2025;K000001;Motoren;Antriebe;-10,00;-5,00\n"
)
COLUMNS = CSV.splitlines()[0].split(";")
MAPPING = {
    "invoice_id": "Rechnungsnummer",
    "line_id": "Position",
    "invoice_date": "Rechnungsdatum",
    "customer_number": "Kundennummer",
    "product_group": "Warengruppe",
    "business_unit": "Sparte",
    "net_revenue": "Nettoumsatz",
    "cost": "Kosten",
}
OPTIONS = {
    "delimiter": ";",
    "encoding": "utf-8",
    "decimal_separator": ",",
    "thousands_separator": "",
    "date_format": "%d.%m.%Y",
    "sheet_name": "",
    "default_currency": "EUR",
}
ERRORS = [
    {
        "row": 3,
        "column": "Rechnungsdatum",
        "field": "invoice_date",
        "value": "31.13.2025",
        "code": "date_format",
        "param": "DD.MM.YYYY",
    }
]


def stored_run(status: str = "uploaded", **fields):
    """An import whose file is in the upload folder (preview and start work on it)."""
    folder = conf.upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    run = ImportRunFactory(status=status, columns=COLUMNS, mapping=MAPPING, options=OPTIONS, **fields)
    path = folder / f"{run.pk}.csv"
    path.write_text(CSV, encoding="utf-8")
    run.stored_path = str(path)
    run.size = path.stat().st_size
    run.save(update_fields=["stored_path", "size"])
    return run


def rejected_run():
    """A rejected import with its error report on disk; it can be started again."""
    run = stored_run(status="rejected", rows_read=2, error_count=1, errors=ERRORS)
    paths = write_reports(run.pk, run.original_name, lambda: iter(ERRORS))
    run.report_path = str(paths["csv"])
    run.save(update_fields=["report_path"])
    return run


def _url(name, build=None, *extra):
    def make(w, u):
        args = [build().pk] if build else []
        return reverse(name, args=[*args, *extra])

    return make


HTML_CASES = {
    "imports:list": Case(_url("imports:list"), MANAGEMENT_AND_ADMIN),
    "imports:export": Case(_url("imports:export"), post_ok(MANAGEMENT_AND_ADMIN), method="post"),
    # A post without a file shows the form with its error again (200) to those who may import.
    "imports:upload": Case(
        _url("imports:upload"), MANAGEMENT_AND_ADMIN, method="post", data={"kind": "ledger"}
    ),
    "imports:detail": Case(_url("imports:detail", rejected_run), MANAGEMENT_AND_ADMIN),
    "imports:preview": Case(_url("imports:preview", stored_run), MANAGEMENT_AND_ADMIN),
    "imports:report": Case(_url("imports:report", rejected_run, "csv"), MANAGEMENT_AND_ADMIN),
    "imports:profiles": Case(_url("imports:profiles"), MANAGEMENT_AND_ADMIN),
    "imports:profile-create": Case(_url("imports:profile-create"), MANAGEMENT_AND_ADMIN),
    "imports:profile-edit": Case(_url("imports:profile-edit", MappingProfileFactory), MANAGEMENT_AND_ADMIN),
    "imports:profile-delete": Case(
        _url("imports:profile-delete", MappingProfileFactory), post_ok(MANAGEMENT_AND_ADMIN), method="post"
    ),
}

API_OPERATIONS = {
    "imports_list": ("GET", "/imports"),
    "import_upload": ("POST", "/imports"),
    "profiles_list": ("GET", "/imports/profiles"),
    "profile_create": ("POST", "/imports/profiles"),
    "profile_update": ("PATCH", "/imports/profiles/{profile_id}"),
    "profile_delete": ("DELETE", "/imports/profiles/{profile_id}"),
    "import_get": ("GET", "/imports/{import_id}"),
    "import_start": ("POST", "/imports/{import_id}/start"),
    "import_errors": ("GET", "/imports/{import_id}/errors"),
    "import_report": ("GET", "/imports/{import_id}/report"),
}
API_SUCCESS = {"import_start": 202}


def api_expected_status(operation_id: str, persona: str) -> int:
    if persona not in ("manager", "admin"):
        return 404
    if operation_id == "import_upload":
        # The matrix sends JSON; an upload must be multipart (tested in openkam/imports/tests).
        return 422
    method = API_OPERATIONS[operation_id][0]
    return API_SUCCESS.get(operation_id, {"POST": 201, "DELETE": 204}.get(method, 200))


def api_sample_body(operation_id: str, world) -> dict | None:
    if operation_id == "profile_create":
        return {"name": "Matrix-Profil", "kind": "ledger", "mapping": {"invoice_id": "Belegnr"}}
    if operation_id == "profile_update":
        return {"source_system": "DATEV"}
    if operation_id == "import_start":
        return {}
    return None


def api_path_ids(world) -> dict:
    return {"import_id": rejected_run().pk, "profile_id": MappingProfileFactory().pk}

"""API operations on imports and mapping profiles (management and administrators only).

See openkam/api.py for authentication and the error format. Imports and profiles are loaded
only through ``openkam.imports.permissions`` (404 for everybody else, as in the HTML views) and
changed only through services. An upload is ``multipart/form-data``; its size limit is enforced
while the file arrives, by the upload handler that ``_UploadAuth`` installs before anything
reads the request body.
"""

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ValidationError as PydanticValidationError

from openkam.core.api import InputSchema, PatchSchema, UserRef, refuse_unknown_query, with_errors

from . import conf, services
from .choices import ImportKind, ImportSource, ImportStatus
from .messages import reason_text, refusal_message
from .permissions import get_import_for_user, get_profile_for_user, profiles_visible_to, require_import_access
from .reports import download_name, report_paths
from .selectors import ImportFilter, imports_for_list, profiles_for_list
from .uploads import FIELD_NAME, install

router = Router(tags=["imports"])

DelimiterIn = Literal["", ";", ",", "\t", "|"]
EncodingIn = Literal["", "utf-8", "utf-8-sig", "cp1252", "utf-16"]
DecimalIn = Literal["", ",", "."]
ThousandsIn = Literal["", ".", ",", " ", "'", "none"]
DateFormatIn = Literal["", "%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y%m%d"]


class _UploadAuth:
    """Authenticates like every operation, after installing the import upload handler.

    Authentication with a session checks CSRF, which reads the request body; the handler that
    stops oversized files must be in place before that. It stores nothing for people who may
    not import.
    """

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.openkam_upload = install(request)
        from openkam.api import api

        for method in api.auth:
            user = method(request)
            if user:
                return user
        return None


class FormatOptionsIn(InputSchema):
    """How to read the file; empty values mean "detect" (or the usual thousands separator)."""

    delimiter: DelimiterIn = ""
    encoding: EncodingIn = ""
    decimal_separator: DecimalIn = ""
    thousands_separator: ThousandsIn = ""
    date_format: DateFormatIn = ""
    sheet_name: str = ""
    default_currency: str = ""


class UploadFields(FormatOptionsIn):
    """The form fields of an upload besides ``file``."""

    kind: ImportKind
    profile_id: int | None = None
    mapping: str = ""


class ErrorItem(Schema):
    row: int | None
    column: str
    field: str
    value: str | None
    code: str
    reason: str

    @staticmethod
    def resolve_reason(obj) -> str:
        return reason_text(obj["code"], obj.get("param"))


class ImportListItem(Schema):
    id: UUID
    kind: ImportKind
    status: ImportStatus
    source: ImportSource
    original_name: str
    size: int
    profile_id: int | None
    rows_read: int
    rows_imported: int
    error_count: int
    message: str
    created_by: UserRef | None
    created_at: datetime
    finished_at: datetime | None


class ImportOut(ImportListItem):
    sha256: str
    file_format: str
    encoding: str
    delimiter: str
    columns: list[str]
    mapping: dict[str, str]
    options: dict[str, Any]
    job_id: UUID | None
    progress: int
    first_errors: list[ErrorItem]
    report_urls: dict[str, str]

    @staticmethod
    def resolve_progress(obj) -> int:
        if obj.is_finished:
            return 100
        return obj.job.progress if obj.job_id and obj.job else 0

    @staticmethod
    def resolve_first_errors(obj) -> list[dict]:
        return obj.errors[:20]

    @staticmethod
    def resolve_report_urls(obj) -> dict[str, str]:
        if obj.status != ImportStatus.REJECTED or not obj.report_path:
            return {}
        url = reverse("api:import_report", kwargs={"import_id": obj.pk})
        return {fmt: f"{url}?format={fmt}" for fmt in ("csv", "xlsx")}


class UploadOut(ImportOut):
    preview: list[list[str | None]]


class StartIn(InputSchema):
    """Mapping and options to import with; left out, those proposed at upload are used."""

    mapping: dict[str, str] | None = None
    options: FormatOptionsIn | None = None
    save_profile_as: str = ""
    source_system: str = ""


class ImportListFilters(InputSchema):
    kind: ImportKind | None = None
    status: ImportStatus | None = None


class ReportQuery(InputSchema):
    format: Literal["csv", "xlsx"] = "csv"


class ProfileOut(Schema):
    id: int
    name: str
    kind: ImportKind
    source_system: str
    mapping: dict[str, str]
    delimiter: str
    encoding: str
    decimal_separator: str
    thousands_separator: str
    date_format: str
    sheet_name: str
    default_currency: str
    created_at: datetime
    updated_at: datetime


class ProfileIn(InputSchema):
    name: str
    kind: ImportKind
    source_system: str = ""
    mapping: dict[str, str] = {}
    delimiter: DelimiterIn = ""
    encoding: EncodingIn = ""
    decimal_separator: DecimalIn = ""
    thousands_separator: ThousandsIn = ""
    date_format: DateFormatIn = ""
    sheet_name: str = ""
    default_currency: str = "EUR"


class ProfilePatch(PatchSchema):
    name: str | None = None
    source_system: str | None = None
    mapping: dict[str, str] | None = None
    delimiter: DelimiterIn | None = None
    encoding: EncodingIn | None = None
    decimal_separator: DecimalIn | None = None
    thousands_separator: ThousandsIn | None = None
    date_format: DateFormatIn | None = None
    sheet_name: str | None = None
    default_currency: str | None = None


def _invalid_fields(exc: PydanticValidationError) -> NinjaValidationError:
    return NinjaValidationError([{"loc": err["loc"], "msg": err["msg"]} for err in exc.errors()])


def _upload_fields(request) -> UploadFields:
    values = {key: request.POST.get(key) for key in request.POST}
    values.pop("csrfmiddlewaretoken", None)
    try:
        return UploadFields(**values)
    except PydanticValidationError as exc:
        raise _invalid_fields(exc) from exc


def _mapping(text: str) -> dict[str, str] | None:
    if not text:
        return None
    try:
        mapping = json.loads(text)
    except ValueError as exc:
        raise ValidationError({"mapping": gettext("Send the mapping as a JSON object.")}) from exc
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValidationError({"mapping": gettext("The mapping assigns column names (text) to field names.")})
    return mapping


@router.get(
    "",
    response=with_errors({200: list[ImportListItem]}, 401, 404, 422),
    operation_id="imports_list",
    summary=_("List imports"),
)
@paginate(LimitOffsetPagination)
def imports_list(request, filters: Query[ImportListFilters]):
    """Every import, newest first (management and administrators)."""
    require_import_access(request.auth)
    refuse_unknown_query(request, ImportListFilters, LimitOffsetPagination.Input)
    return imports_for_list(request.auth, ImportFilter(kind=filters.kind or "", status=filters.status or ""))


_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "kind"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "kind": {"type": "string", "enum": list(ImportKind.values)},
                    "profile_id": {"type": "integer"},
                    "mapping": {"type": "string", "description": "JSON object {field: column}"},
                    **{
                        name: {"type": "string"}
                        for name in (
                            "delimiter",
                            "encoding",
                            "decimal_separator",
                            "thousands_separator",
                            "date_format",
                            "sheet_name",
                            "default_currency",
                        )
                    },
                },
                "additionalProperties": False,
            }
        }
    },
}


@router.post(
    "",
    response=with_errors({201: UploadOut}, 401, 404, 422),
    operation_id="import_upload",
    summary=_("Upload a file to import"),
    auth=[_UploadAuth()],
    openapi_extra={"requestBody": _UPLOAD_BODY, "security": [{"TokenAuth": []}, {"ActiveSessionAuth": []}]},
)
def import_upload(request):
    """Store a CSV, XLSX or Parquet file (``multipart/form-data``), detect how it reads, and
    answer with the proposed mapping and the first 20 rows. Start it with ``…/start``.

    A file that cannot be imported at all (too large, empty, binary, a zip bomb, imported
    before) is refused with 422 naming ``file``; it is listed as a rejected import.
    """
    require_import_access(request.auth)
    handler = getattr(request, "openkam_upload", None)
    if handler is None:
        raise ValidationError(
            {FIELD_NAME: gettext("Send the file as multipart/form-data in the field “file”.")}
        )
    request.POST  # noqa: B018 (reads the body through the handler)
    if handler.exceeded:
        raise ValidationError({FIELD_NAME: refusal_message("too_large", {"limit": conf.max_bytes()})})
    fields = _upload_fields(request)
    upload = request.FILES.get(FIELD_NAME)
    if upload is None or not hasattr(upload, "stored"):
        raise ValidationError(
            {FIELD_NAME: gettext("Send the file as multipart/form-data in the field “file”.")}
        )
    profile = None
    if fields.profile_id is not None:
        profile = profiles_visible_to(request.auth).filter(pk=fields.profile_id, kind=fields.kind).first()
        if profile is None:
            raise ValidationError({"profile_id": gettext("Choose a mapping profile for this kind of file.")})
    options = fields.model_dump(exclude={"kind", "profile_id", "mapping"})
    mapping = _mapping(fields.mapping)
    upload.adopted = True
    result = services.import_upload(
        actor=request.auth,
        kind=fields.kind,
        stored=upload.stored,
        original_name=upload.name,
        source=ImportSource.API,
        profile=profile,
        mapping=mapping,
        options=options,
    )
    if result.run.status == ImportStatus.REJECTED:
        raise ValidationError({FIELD_NAME: result.run.message})
    run = result.run
    run.preview = result.preview
    return Status(201, run)


@router.get(
    "/profiles",
    response=with_errors({200: list[ProfileOut]}, 401, 404),
    operation_id="profiles_list",
    summary=_("List mapping profiles"),
)
def profiles_list(request):
    require_import_access(request.auth)
    return profiles_for_list(request.auth)


@router.post(
    "/profiles",
    response=with_errors({201: ProfileOut}, 401, 404, 422),
    operation_id="profile_create",
    summary=_("Create a mapping profile"),
)
def profile_create(request, payload: ProfileIn):
    require_import_access(request.auth)
    values = payload.model_dump()
    profile = services.profile_create(actor=request.auth, kind=values.pop("kind"), **values)
    return Status(201, profile)


@router.patch(
    "/profiles/{profile_id}",
    response=with_errors({200: ProfileOut}, 401, 404, 422),
    operation_id="profile_update",
    summary=_("Change a mapping profile"),
)
def profile_update(request, profile_id: int, payload: ProfilePatch):
    """Fields left out stay unchanged; the kind of a profile cannot change."""
    profile = get_profile_for_user(request.auth, profile_id)
    return services.profile_update(actor=request.auth, profile=profile, **payload.changed())


@router.delete(
    "/profiles/{profile_id}",
    response=with_errors({204: None}, 401, 404),
    operation_id="profile_delete",
    summary=_("Delete a mapping profile"),
)
def profile_delete(request, profile_id: int):
    services.profile_delete(actor=request.auth, profile=get_profile_for_user(request.auth, profile_id))
    return Status(204, None)


@router.get(
    "/{uuid:import_id}",
    response=with_errors({200: ImportOut}, 401, 404),
    operation_id="import_get",
    summary=_("Show an import"),
)
def import_get(request, import_id: UUID):
    """Status, counts and the first 20 errors; poll it while the import runs."""
    return get_import_for_user(request.auth, import_id)


@router.post(
    "/{uuid:import_id}/start",
    response=with_errors({202: ImportOut}, 401, 404, 422),
    operation_id="import_start",
    summary=_("Start an uploaded import"),
)
def import_start(request, import_id: UUID, payload: StartIn):
    """Queue the import as a background job (``job_id``); poll the import until it has finished.

    A rejected import whose file is stored can be started again, e.g. with other options.
    """
    run = get_import_for_user(request.auth, import_id)
    options = payload.options.model_dump() if payload.options is not None else None
    services.import_configure(
        actor=request.auth,
        run=run,
        mapping=payload.mapping if payload.mapping is not None else run.mapping,
        options=options,
        profile=run.profile,
        save_profile_as=payload.save_profile_as,
        source_system=payload.source_system,
    )
    return Status(202, run)


@router.get(
    "/{uuid:import_id}/errors",
    response=with_errors({200: list[ErrorItem]}, 401, 404, 422),
    operation_id="import_errors",
    summary=_("List the errors of a rejected import"),
)
@paginate(LimitOffsetPagination)
def import_errors(request, import_id: UUID):
    """The first 1,000 rejected values in row order (the report has all of them)."""
    refuse_unknown_query(request, LimitOffsetPagination.Input)
    return get_import_for_user(request.auth, import_id).errors


@router.get(
    "/{uuid:import_id}/report",
    response=with_errors({200: None}, 401, 404, 422),
    operation_id="import_report",
    summary=_("Download the full error report of a rejected import"),
)
def import_report(request, import_id: UUID, query: Query[ReportQuery]):
    """Every rejected value with row, column, value and reason, as CSV or XLSX."""
    refuse_unknown_query(request, ReportQuery)
    run = get_import_for_user(request.auth, import_id)
    if run.status != ImportStatus.REJECTED or not run.report_path:
        raise Http404
    path = Path(report_paths(run.pk)[query.format])
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=download_name(run.original_name, query.format)
    )

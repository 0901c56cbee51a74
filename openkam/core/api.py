"""API operations of the core app (background jobs) and the schema pieces every app's API shares.

See openkam/api.py for authentication and the error format. Jobs are started by the app that
owns their kind (``openkam.accounts.api.jobs_router`` starts the account export), so this module
does not depend on the domain apps; it only shows a job to the person who started it.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from .choices import JobStatus
from .permissions import get_job_for_user
from .selectors import job_result_path

router = Router(tags=["jobs"])


class InputSchema(Schema):
    """Base of every request body and query schema: a field we do not know is an error (422),
    so a typo in a client never passes silently as "nothing changed". (Ninja hands a query schema
    only the parameters it declares, so list operations also call ``refuse_unknown_query``.)

    Choice fields are validated against their TextChoices but handed on as plain strings: an
    enum member stored on a model instance leaks into places that insist on ``str`` (the
    ``Content-Language`` header of the response, for one).
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class PatchSchema(InputSchema):
    """Base of partial updates: every field is optional and a missing field stays unchanged.

    ``null`` is refused rather than read as "unchanged" or "empty", so a client cannot blank a
    field by accident; send ``""`` to clear a text field.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("null", gettext("Leave the field out instead of sending null."))
        return value

    def changed(self) -> dict[str, Any]:
        """The fields the client sent, with their validated values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    """The body of every 4xx answer (see the exception handlers in openkam/api.py)."""

    error: ErrorDetail


def refuse_unknown_query(request, *schemas: type[Schema]) -> None:
    """Answer 422 for query parameters none of ``schemas`` knows.

    Ninja reads only the parameters it declares and ignores the rest; for filters that would
    turn a typo (``?stauts=ended``) into an unfiltered list, so list operations call this.
    """
    known = {name for schema in schemas for name in schema.model_fields}
    unknown = sorted(set(request.GET) - known)
    if unknown:
        message = gettext("Unknown query parameter.")
        raise NinjaValidationError([{"loc": ("query", name), "msg": message} for name in unknown])


def money(value) -> Decimal | None:
    """An amount with two decimal places, whatever the database returned for an annotation."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def with_errors(responses: dict[int, Any], *codes: int) -> dict[int, Any]:
    """``responses`` plus the documented error answers, for the OpenAPI document."""
    return {**responses, **dict.fromkeys(codes, ErrorOut)}


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class JobOut(Schema):
    id: UUID
    kind: str
    status: JobStatus
    progress: int
    message: str
    error: str
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None

    @staticmethod
    def resolve_download_url(obj) -> str | None:
        if obj.status != JobStatus.SUCCEEDED or not obj.result_file:
            return None
        # The API's own download works with a token as well as with a session.
        return reverse("api:job_download", kwargs={"job_id": obj.pk})


@router.get(
    "/{job_id}",
    response=with_errors({200: JobOut}, 401, 404),
    operation_id="job_get",
    summary=_("Show a background job"),
)
def job_get(request, job_id: UUID):
    """Progress and result of a job you started; jobs of other people answer 404."""
    return get_job_for_user(request.auth, job_id)


@router.get(
    "/{job_id}/download",
    response=with_errors({200: None}, 401, 404),
    operation_id="job_download",
    summary=_("Download the result of a background job"),
)
def job_download(request, job_id: UUID):
    """The file a finished job produced (e.g. the CSV export); 404 while it runs or for others' jobs."""
    job = get_job_for_user(request.auth, job_id)
    path = job_result_path(job)
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name or path.name)

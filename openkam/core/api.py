"""API operations of the core app (background jobs) and the schema pieces every app's API shares.

See openkam/api.py for authentication and the error format. Jobs are started by the app that
owns their kind (``openkam.accounts.api.jobs_router`` starts the account export), so this module
does not depend on the domain apps; it only shows a job to the person who started it.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import ConfigDict, field_validator

from .choices import JobStatus
from .permissions import get_job_for_user

router = Router(tags=["jobs"])


class InputSchema(Schema):
    """Base of every request body and query schema: a field we do not know is an error (422),
    so a typo in a client never passes silently as "nothing changed"."""

    model_config = ConfigDict(extra="forbid")


class PatchSchema(InputSchema):
    """Base of partial updates: every field is optional and a missing field stays unchanged.

    ``null`` is refused rather than read as "unchanged" or "empty", so a client cannot blank a
    field by accident; send ``""`` to clear a text field.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(gettext("Leave the field out instead of sending null."))
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
        try:
            return reverse("core:job-download", args=[obj.pk])
        except NoReverseMatch:
            # The download page belongs to the HTML part; without it there is nothing to link.
            return None


@router.get(
    "/{job_id}",
    response=with_errors({200: JobOut}, 401, 404),
    operation_id="job_get",
    summary=_("Show a background job"),
)
def job_get(request, job_id: UUID):
    """Progress and result of a job you started; jobs of other people answer 404."""
    return get_job_for_user(request.auth, job_id)

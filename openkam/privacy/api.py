"""API operations of the data-protection duties for stakeholders (mounted under /accounts).

See openkam/api.py for authentication and the error format, docs/data-protection.md for the rules.
Everything answers 404 to people who are not on the account's team (management and
administrators included); within the team, the owner and the core team record information and
only the owner exports, anonymises, erases and keeps (403 for the others).
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import Field

from openkam.core.api import InputSchema, UserRef, refuse_unknown_query, with_errors

from . import services
from .choices import InformationChannel
from .collectors import export_document
from .permissions import (
    can_manage_privacy,
    get_privacy_account,
    get_privacy_stakeholder,
    get_retention_flag,
    require,
)
from .selectors import PrivacyStatus, information_records_for, privacy_status

router = Router(tags=["Data protection"])
_PERSON = "/{account_id}/privacy/stakeholders/{stakeholder_id}"


class RetentionOut(Schema):
    state: str = Field(description="none, flagged (due for deletion) or kept")
    basis_on: date | None = Field(description="The last contact or creation the period counts from.")
    flagged_at: date | None
    purge_after: date | None = Field(description="Anonymised by the retention job after this day.")
    kept_until: date | None
    version: int | None = Field(description="Version of the retention flag, for keeping it.")


class PrivacyStatusOut(Schema):
    stakeholder_id: int
    name: str
    anonymised: bool
    informed: bool
    informed_on: date | None
    informed_channel: str | None
    not_informed_since: date | None
    information_overdue: bool = Field(description="Recorded longer ago than the deadline, not informed.")
    last_contact_on: date | None
    retention: RetentionOut


def _status_out(row: PrivacyStatus) -> dict:
    flag = row.flag if row.retention != "none" else None
    return {
        "stakeholder_id": row.stakeholder.pk,
        "name": row.name,
        "anonymised": row.anonymised,
        "informed": row.informed_on is not None,
        "informed_on": row.informed_on,
        "informed_channel": row.stakeholder.latest_channel,
        "not_informed_since": row.not_informed_since,
        "information_overdue": row.information_overdue,
        "last_contact_on": row.stakeholder.last_contact_on,
        "retention": {
            "state": row.retention,
            "basis_on": flag.basis_on if flag else None,
            "flagged_at": flag.flagged_at if flag else None,
            "purge_after": flag.purge_after if flag else None,
            "kept_until": flag.kept_until if flag else None,
            "version": flag.version if flag else None,
        },
    }


class InformationRecordOut(Schema):
    id: int
    informed_on: date
    channel: InformationChannel
    note: str
    recorded_by: UserRef | None
    created_at: datetime


class InformationRecordIn(InputSchema):
    informed_on: date
    channel: InformationChannel
    note: str = Field("", max_length=2000)


class ConfirmIn(InputSchema):
    confirm: bool = Field(description="Must be true: the step cannot be undone.")


class KeepIn(InputSchema):
    reason: str = Field(min_length=1, max_length=1000, description="Why the data is still needed.")
    version: int | None = Field(None, ge=1, description="The flag version you read; 409 if it changed since.")


class ExportField(Schema):
    name: str
    label: str
    value: Any


class ExportColumn(Schema):
    name: str
    label: str


class ExportSection(Schema):
    key: str
    title: str
    note: str
    fields: list[ExportField]
    columns: list[ExportColumn]
    rows: list[dict[str, Any]]


class ExportAccount(Schema):
    id: int
    name: str


class ExportOut(Schema):
    format: str
    generated_at: datetime
    language: str
    key_account: ExportAccount
    stakeholder_id: int
    sections: list[ExportSection]


def _confirmed(payload: ConfirmIn) -> None:
    if not payload.confirm:
        raise ValidationError({"confirm": [gettext("Send confirm: true; this cannot be undone.")]})


@router.get(
    "/{account_id}/privacy/stakeholders",
    response=with_errors({200: list[PrivacyStatusOut]}, 401, 404, 422),
    operation_id="privacy_status_list",
    summary=_("List the privacy status of every stakeholder of a key account"),
)
def status_list(request, account_id: int):
    """Informed or not (and since when not), and where each person stands in the retention process."""
    refuse_unknown_query(request)
    account = get_privacy_account(request.auth, account_id)
    return [_status_out(row) for row in privacy_status(account)]


@router.get(
    f"{_PERSON}/export",
    response=with_errors({200: ExportOut}, 401, 403, 404, 422),
    operation_id="privacy_export",
    summary=_("Export everything stored about a stakeholder"),
)
def export(request, account_id: int, stakeholder_id: int):
    """The same sections as the JSON download, in your language; the export is audited."""
    refuse_unknown_query(request)
    stakeholder = get_privacy_stakeholder(request.auth, account_id, stakeholder_id)
    require(can_manage_privacy(request.auth, stakeholder.account))
    sections = services.personal_data_export(actor=request.auth, stakeholder=stakeholder)
    return export_document(stakeholder, sections)


@router.get(
    f"{_PERSON}/informed",
    response=with_errors({200: list[InformationRecordOut]}, 401, 404, 422),
    operation_id="privacy_informed_list",
    summary=_("List when and how a stakeholder was informed"),
)
def informed_list(request, account_id: int, stakeholder_id: int):
    refuse_unknown_query(request)
    return information_records_for(get_privacy_stakeholder(request.auth, account_id, stakeholder_id))


@router.post(
    f"{_PERSON}/informed",
    response=with_errors({201: InformationRecordOut}, 401, 403, 404, 422),
    operation_id="privacy_informed_create",
    summary=_("Record that a stakeholder was informed"),
)
def informed_create(request, account_id: int, stakeholder_id: int, payload: InformationRecordIn):
    """The owner and the core team record it; the date may not lie in the future."""
    stakeholder = get_privacy_stakeholder(request.auth, account_id, stakeholder_id)
    record = services.information_record_create(
        actor=request.auth, stakeholder=stakeholder, **payload.model_dump()
    )
    return Status(201, record)


@router.post(
    f"{_PERSON}/anonymise",
    response=with_errors({200: PrivacyStatusOut}, 401, 403, 404, 422),
    operation_id="privacy_anonymise",
    summary=_("Anonymise a stakeholder across the system"),
)
def anonymise(request, account_id: int, stakeholder_id: int, payload: ConfirmIn):
    """Only the owner; the body must be ``{"confirm": true}``. See docs/data-protection.md."""
    stakeholder = get_privacy_stakeholder(request.auth, account_id, stakeholder_id)
    require(can_manage_privacy(request.auth, stakeholder.account))
    _confirmed(payload)
    services.stakeholder_anonymise(actor=request.auth, stakeholder=stakeholder)
    return _status_out(privacy_status(stakeholder.account, stakeholder=stakeholder)[0])


@router.post(
    f"{_PERSON}/erase",
    response=with_errors({204: None}, 401, 403, 404, 422),
    operation_id="privacy_erase",
    summary=_("Erase a stakeholder and everything about them"),
)
def erase(request, account_id: int, stakeholder_id: int, payload: ConfirmIn):
    """Only the owner; the body must be ``{"confirm": true}``. See docs/data-protection.md."""
    stakeholder = get_privacy_stakeholder(request.auth, account_id, stakeholder_id)
    require(can_manage_privacy(request.auth, stakeholder.account))
    _confirmed(payload)
    services.stakeholder_erase(actor=request.auth, stakeholder=stakeholder)
    return Status(204, None)


@router.post(
    f"{_PERSON}/retention/keep",
    response=with_errors({200: RetentionOut}, 401, 403, 404, 409, 422),
    operation_id="privacy_retention_keep",
    summary=_("Keep a stakeholder who is due for deletion"),
)
def retention_keep(request, account_id: int, stakeholder_id: int, payload: KeepIn):
    """Only the owner, with a reason; the person is kept for another retention period (404 if not flagged)."""
    flag = get_retention_flag(request.auth, account_id, stakeholder_id)
    flag = services.retention_keep(
        actor=request.auth, flag=flag, keep_reason=payload.reason, version=payload.version
    )
    return {
        "state": "kept",
        "basis_on": flag.basis_on,
        "flagged_at": flag.flagged_at,
        "purge_after": flag.purge_after,
        "kept_until": flag.kept_until,
        "version": flag.version,
    }

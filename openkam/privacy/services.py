"""Writes of the privacy app: information records, retention decisions, the audited export.

Anonymisation and erasure live in ``erasure``, the retention job in ``retention``. Every function
checks the right again (``actor=None`` is the system: the demo generator or the retention job),
validates before saving, runs in one transaction and leaves an audit entry without personal
values.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.locking import check_version, save_versioned
from openkam.core.services import apply_changes, audit_record
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder

from .collectors import Section, collect
from .erasure import stakeholder_anonymise, stakeholder_erase
from .models import InformationRecord, RetentionFlag
from .permissions import can_manage_privacy, can_record_information
from .retention import add_months, retention_refresh, retention_run

__all__ = [
    "information_record_create",
    "personal_data_export",
    "retention_keep",
    "retention_refresh",
    "retention_run",
    "stakeholder_anonymise",
    "stakeholder_erase",
]


@transaction.atomic
def information_record_create(
    *,
    actor,
    stakeholder: Stakeholder,
    informed_on: datetime.date,
    channel: str,
    note: str = "",
) -> InformationRecord:
    """Record that ``stakeholder`` was told we store data about them, when and how.

    Raises PermissionDenied for anyone but the owner and the core team, ValidationError for a
    date in the future, an unknown channel or an anonymised stakeholder (nobody left to inform).
    """
    if actor is not None and not can_record_information(actor, stakeholder.account):
        raise PermissionDenied
    if stakeholder.anonymised_at is not None:
        raise ValidationError(_("An anonymised stakeholder can no longer be informed."))
    if informed_on and informed_on > timezone.localdate():
        raise ValidationError({"informed_on": _("The date cannot be in the future.")})
    record = InformationRecord(
        account_id=stakeholder.account_id,
        stakeholder=stakeholder,
        informed_on=informed_on,
        channel=channel,
        note=note.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record.full_clean()
    record.save()
    changes = {"informed_on": informed_on, "channel": channel}
    if record.note:
        changes["note"] = record.note
    audit_record(
        actor=actor,
        action="privacy.informed.record",
        target=record,
        account_id=stakeholder.account_id,
        changes=changes,
        masked=["note"],
    )
    return record


@transaction.atomic
def retention_keep(
    *,
    actor,
    flag: RetentionFlag,
    keep_reason: str,
    version: int | None = None,
    today: datetime.date | None = None,
) -> RetentionFlag:
    """Keep a flagged stakeholder for another retention period, for the reason given.

    The job leaves the person alone until ``kept_until`` (today + ``retention_months``); if there
    is still no contact then, the person is flagged again. Raises PermissionDenied for anyone but
    the account owner, ValidationError without a reason and EditConflict when the flag changed
    since ``version``.
    """
    if actor is not None and not can_manage_privacy(actor, flag.account):
        raise PermissionDenied
    keep_reason = keep_reason.strip()
    if not keep_reason:
        raise ValidationError({"keep_reason": _("Say why the data is still needed.")})
    today = today or timezone.localdate()
    values = {
        "kept_until": add_months(today, BuyingCenterSettings.current().retention_months),
        "keep_reason": keep_reason,
        "kept_by": actor if getattr(actor, "pk", None) else None,
    }
    check_version(flag, version, {"keep_reason": keep_reason})
    diff = apply_changes(flag, values)
    flag.kept_at = timezone.now()
    flag.full_clean()
    save_versioned(flag, expected_version=version, update_fields=[*values, "kept_at"])
    audit_record(
        actor=actor,
        action="privacy.retention.keep",
        target=flag,
        account_id=flag.account_id,
        changes={k: v for k, v in diff.items() if k != "kept_by"},
        masked=["keep_reason"],
    )
    return flag


@transaction.atomic
def personal_data_export(*, actor, stakeholder: Stakeholder) -> list[Section]:
    """Everything stored about ``stakeholder``, in sections (Art. 15 GDPR); the export is audited.

    Only the account owner exports (PermissionDenied otherwise). The audit entry says that and
    whose data was exported, never what it contained.
    """
    if not can_manage_privacy(actor, stakeholder.account):
        raise PermissionDenied
    sections = collect(stakeholder, viewer=actor)
    audit_record(actor=actor, action="privacy.export", target=stakeholder, account_id=stakeholder.account_id)
    return sections

"""Retention of stakeholder data: flag people nobody has met for too long, purge them after a grace.

A stakeholder is **due** when the basis date — the last contact (``Stakeholder.last_contact_on``,
kept by the contact log) or, without any contact, the day the person was recorded — lies more
than ``BuyingCenterSettings.retention_months`` before today (on exactly that day it is not due
yet). ``retention_run`` (daily, from ``manage.py stakeholder_retention``) then:

- flags a due person (``RetentionFlag``: ``flagged_at`` today, ``purge_after`` today +
  ``purge_grace_days``), so the account owner can decide on the privacy page;
- lifts the flag of a person who is no longer due (a contact was logged meanwhile);
- leaves a person alone whom the owner decided to keep, until ``kept_until``; after that a
  person still due is flagged again, with a new grace period;
- anonymises a flagged person on the first run after ``purge_after`` (purge = anonymise, so the
  account's history stays countable; the owner may erase instead at any time).

Anonymised stakeholders are not looked at any more. The run is idempotent: a second run on the
same day changes nothing.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from openkam.core.locking import save_versioned
from openkam.core.services import audit_record
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder

from .choices import RetentionState
from .erasure import stakeholder_anonymise
from .models import RetentionFlag

logger = logging.getLogger(__name__)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months (negative: back), clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def basis_date(stakeholder: Stakeholder) -> datetime.date:
    """The date the retention period is counted from: last contact, else the day of recording."""
    if stakeholder.last_contact_on is not None:
        return stakeholder.last_contact_on
    return timezone.localdate(stakeholder.created_at)


def retention_cutoff(today: datetime.date, settings: BuyingCenterSettings) -> datetime.date:
    """People whose basis date lies before this day are due."""
    return add_months(today, -settings.retention_months)


def retention_state(
    stakeholder: Stakeholder, flag: RetentionFlag | None, *, today: datetime.date, cutoff: datetime.date
) -> str:
    """The state a page shows: a flag counts only while the person is still due.

    Between a contact and the next run of the job the flag still exists but is no longer shown.
    """
    if flag is None or basis_date(stakeholder) >= cutoff:
        return RetentionState.NONE
    if flag.kept_until is not None and flag.kept_until > today:
        return RetentionState.KEPT
    return RetentionState.FLAGGED


@dataclass
class RetentionSummary:
    checked: int = 0
    flagged: int = 0
    unflagged: int = 0
    purged: int = 0
    failed: int = 0


def _flag_values(basis: datetime.date, today: datetime.date, settings: BuyingCenterSettings) -> dict:
    return {
        "basis_on": basis,
        "flagged_at": today,
        "purge_after": today + datetime.timedelta(days=settings.purge_grace_days),
    }


@transaction.atomic
def _flag(stakeholder: Stakeholder, flag: RetentionFlag | None, values: dict) -> None:
    if flag is None:
        flag = RetentionFlag.objects.create(
            account_id=stakeholder.account_id, stakeholder=stakeholder, **values
        )
    else:  # a kept person whose keep period is over: flagged again, with a new grace period
        for name, value in values.items():
            setattr(flag, name, value)
        flag.kept_until, flag.keep_reason, flag.kept_by, flag.kept_at = None, "", None, None
        fields = [*values, "kept_until", "keep_reason", "kept_by", "kept_at"]
        save_versioned(flag, expected_version=None, update_fields=fields)
    flag.stakeholder = stakeholder
    audit_record(
        actor=None,
        action="privacy.retention.flag",
        target=flag,
        account_id=stakeholder.account_id,
        changes=values,
    )


@transaction.atomic
def _unflag(stakeholder: Stakeholder, flag: RetentionFlag) -> None:
    flag.stakeholder = stakeholder
    audit_record(
        actor=None,
        action="privacy.retention.unflag",
        target=flag,
        account_id=stakeholder.account_id,
        changes={"basis_on": (flag.basis_on, basis_date(stakeholder))},
    )
    flag.delete()


def _process(
    stakeholder: Stakeholder,
    flag: RetentionFlag | None,
    *,
    today: datetime.date,
    settings: BuyingCenterSettings,
    purge: bool,
    summary: RetentionSummary,
) -> None:
    basis = basis_date(stakeholder)
    due = basis < retention_cutoff(today, settings)
    if flag is None:
        if due:
            _flag(stakeholder, None, _flag_values(basis, today, settings))
            summary.flagged += 1
    elif not due:
        _unflag(stakeholder, flag)
        summary.unflagged += 1
    elif flag.kept_until is not None:
        if flag.kept_until <= today:
            _flag(stakeholder, flag, _flag_values(basis, today, settings))
            summary.flagged += 1
    elif purge and today > flag.purge_after:
        stakeholder_anonymise(actor=None, stakeholder=stakeholder)
        summary.purged += 1


def _run(stakeholders, *, today: datetime.date | None, purge: bool) -> RetentionSummary:
    today = today or timezone.localdate()
    settings = BuyingCenterSettings.current()
    flags = {flag.stakeholder_id: flag for flag in RetentionFlag.objects.all()}
    summary = RetentionSummary()
    for stakeholder in (
        stakeholders.filter(anonymised_at__isnull=True).select_related("account").order_by("pk")
    ):
        summary.checked += 1
        try:
            _process(
                stakeholder,
                flags.get(stakeholder.pk),
                today=today,
                settings=settings,
                purge=purge,
                summary=summary,
            )
        except Exception:
            # One person the job cannot handle (e.g. a protected reference) must not stop the
            # others; the next run tries again and the log says why.
            logger.exception("Retention of stakeholder %s failed", stakeholder.pk)
            summary.failed += 1
    return summary


def retention_run(today: datetime.date | None = None) -> RetentionSummary:
    """Flag, unflag and purge across all accounts (the daily job); ``today`` defaults to the date."""
    return _run(Stakeholder.objects.all(), today=today, purge=True)


def retention_refresh(
    *, stakeholders: Iterable[Stakeholder], today: datetime.date | None = None
) -> RetentionSummary:
    """Re-check a few people right away without purging (e.g. after their contact was logged)."""
    return _run(Stakeholder.objects.filter(pk__in=[s.pk for s in stakeholders]), today=today, purge=False)

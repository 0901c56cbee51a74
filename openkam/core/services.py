"""Writes of the core app: the audit trail and background jobs."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .choices import JobStatus
from .models import AuditEntry, Job

logger = logging.getLogger(__name__)

MASK = "•••"


def plain_value(value: Any) -> Any:
    """Turn a field value into something JSON can store and a person can read."""
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    account_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    masked: Iterable[str] = (),
) -> AuditEntry:
    """Write one audit entry for a change ``actor`` made to ``target``.

    ``changes`` maps field names to ``(old, new)`` pairs (or a single value for creations).
    Fields named in ``masked`` are personal data: the entry records that they changed, never
    their values. Call it inside the service's transaction so entry and change commit together.
    """
    masked = set(masked)
    stored: dict[str, Any] = {}
    for field, value in (changes or {}).items():
        if field in masked:
            stored[field] = [MASK, MASK] if isinstance(value, tuple | list) else MASK
        elif isinstance(value, tuple | list):
            stored[field] = [plain_value(v) for v in value]
        else:
            stored[field] = plain_value(value)
    person = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=person,
        # Empty for the system (demo generator, imports); screens show a translated label.
        actor_name=(person.get_full_name() or person.get_username()) if person else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        account_id=account_id,
        changes=stored,
    )


def apply_changes(instance: models.Model, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set ``values`` on ``instance`` and return the ``(old, new)`` pairs that really changed.

    Does not save: the calling service validates and saves, then audits the returned diff.
    """
    diff: dict[str, tuple[Any, Any]] = {}
    for field, new in values.items():
        old = getattr(instance, field)
        if old != new:
            setattr(instance, field, new)
            diff[field] = (old, new)
    return diff


def job_create(*, actor, kind: str, params: dict | None = None) -> Job:
    """Create a job and enqueue it on the background worker after the transaction commits.

    Raises ``KeyError`` for a kind no app registered (a programming error, not user input).
    """
    from .jobs import job_kind

    job_kind(kind)
    job = Job.objects.create(kind=kind, params=params or {}, created_by=actor)
    from .tasks import run_job

    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


def job_set_progress(*, job: Job, progress: int, message: str = "") -> None:
    """Record progress (0–100) so pages polling the job can show it."""
    job.progress = max(0, min(100, int(progress)))
    job.message = message[:500]
    Job.objects.filter(pk=job.pk).update(progress=job.progress, message=job.message)


def job_mark_running(*, job: Job) -> None:
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])


def job_mark_succeeded(*, job: Job, result_file: str = "", result_name: str = "") -> None:
    job.status = JobStatus.SUCCEEDED
    job.progress = 100
    job.result_file = result_file
    job.result_name = result_name
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "result_file", "result_name", "finished_at"])


def job_mark_failed(*, job: Job, error: str) -> None:
    job.status = JobStatus.FAILED
    job.error = error[:5000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])

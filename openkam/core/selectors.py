"""Reads of the core app."""

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from .models import AuditEntry, Job


def timeline_for_account(
    account_id: int, *, limit: int = 50, exclude_action_prefixes: Iterable[str] = ()
) -> QuerySet[AuditEntry]:
    """The newest audit entries of one key account, for its timeline.

    ``exclude_action_prefixes`` leaves out the entries whose action starts with one of them
    (e.g. "personality." for viewers without the personality permission). The caller must have
    checked access to the account; this function does not.
    """
    entries = AuditEntry.objects.filter(account_id=account_id)
    for prefix in exclude_action_prefixes:
        entries = entries.exclude(action__startswith=prefix)
    return entries.order_by("-created_at", "-id")[:limit]


def job_result_path(job: Job) -> Path:
    """The file a finished job produced; Http404 when there is none.

    The path comes from our own job handlers, but nothing outside the export folder is ever
    served, whatever the row says.
    """
    if not job.is_finished or not job.result_file:
        raise Http404
    path = Path(job.result_file).resolve()
    if not path.is_relative_to(Path(settings.OPENKAM_EXPORT_DIR).resolve()) or not path.is_file():
        raise Http404
    return path

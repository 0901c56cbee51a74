"""Reads of the core app."""

from django.db.models import QuerySet

from .models import AuditEntry


def timeline_for_account(account_id: int, *, limit: int = 50) -> QuerySet[AuditEntry]:
    """The newest audit entries of one key account, for its timeline.

    The caller must have checked access to the account; this function does not.
    """
    return AuditEntry.objects.filter(account_id=account_id).order_by("-created_at", "-id")[:limit]

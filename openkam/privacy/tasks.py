"""The retention job as a Django task, for deployments that schedule work through the task queue."""

from django.tasks import task

from .retention import retention_run


@task()
def stakeholder_retention() -> dict:
    """Run ``retention_run`` for today and return its summary (stored with the task result)."""
    summary = retention_run()
    return {
        "checked": summary.checked,
        "flagged": summary.flagged,
        "unflagged": summary.unflagged,
        "purged": summary.purged,
        "failed": summary.failed,
    }

"""The one task the worker runs for every job: look up the kind's handler and run it."""

import logging

from django.tasks import task
from django.utils.translation import gettext as _

from .jobs import job_kind
from .models import Job
from .services import job_mark_failed, job_mark_running, job_mark_succeeded, job_set_progress

logger = logging.getLogger(__name__)


@task()
def run_job(job_id: str) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    job_mark_running(job=job)
    try:
        kind = job_kind(job.kind)
        path, name = kind.handler(job, lambda p, m="": job_set_progress(job=job, progress=p, message=m))
    except Exception as exc:
        # A failed job must tell its owner what happened instead of hanging in "running".
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job_mark_failed(job=job, error=_("The job failed: %(error)s") % {"error": exc})
        return
    job_mark_succeeded(job=job, result_file=path, result_name=name)

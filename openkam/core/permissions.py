"""Access to core objects. Jobs are private to the person who started them."""

from django.shortcuts import get_object_or_404

from .models import Job


def get_job_for_user(user, job_id) -> Job:
    """Return the job if ``user`` started it; raise Http404 otherwise, as for a missing job."""
    return get_object_or_404(Job, pk=job_id, created_by=user)

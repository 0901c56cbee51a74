from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from openkam.users.choices import Role

from .permissions import get_job_for_user
from .selectors import job_result_path


@require_GET
def healthz(request):
    """Liveness probe for load balancers; touches no database. Also the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    if request.user.role == Role.ADMIN:
        return redirect("users:admin-list")
    return redirect("accounts:list")


@login_required
@require_GET
def job_detail(request, job_id):
    """The job's progress; htmx polls the partial until the job has finished."""
    job = get_job_for_user(request.user, job_id)
    template = "core/_job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def job_download(request, job_id):
    job = get_job_for_user(request.user, job_id)
    path = job_result_path(job)
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name or path.name)

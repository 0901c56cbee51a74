from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.core.forms import add_service_errors
from openkam.core.services import job_create

from . import conf, services
from .choices import ImportKind, ImportSource, ImportStatus
from .fields import fields_for
from .forms import OPTION_NAMES, ImportFilterForm, MappingForm, ProfileForm, UploadForm
from .messages import refusal_message
from .permissions import get_import_for_user, get_profile_for_user, require_import_access
from .readers import FileRefused
from .reports import FORMATS, download_name, report_paths
from .selectors import errors_for_display, imports_for_list, ledger_totals, profiles_for_list
from .uploads import install

NAV = "imports"
# Options that change how the file splits into columns: a preview reads the file again for them.
READING_OPTIONS = ("delimiter", "encoding", "sheet_name")
KEPT_ON_REFRESH = (*OPTION_NAMES, "save_profile", "profile_name", "source_system")


def _upload_form(request, data=None, files=None):
    return UploadForm(data, files, profiles=profiles_for_list(request.user))


@login_required
@require_GET
def import_list(request):
    """Every import with status and counts, the upload form, and the ledger in numbers."""
    require_import_access(request.user)
    form = ImportFilterForm(request.GET or None)
    page = Paginator(imports_for_list(request.user, form.to_filter()), 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "runs": page.object_list,
        "upload_form": _upload_form(request),
        "ledger": ledger_totals(),
        "max_size": conf.max_bytes(),
        "active_nav": NAV,
    }
    template = "imports/_runs.html" if request.htmx and not request.htmx.boosted else "imports/list.html"
    return render(request, template, context)


@login_required
@require_POST
def import_export(request):
    """The filtered import list as XLSX, written by a background job."""
    require_import_access(request.user)
    filters = ImportFilterForm(request.POST).to_filter()
    job = job_create(
        actor=request.user,
        kind="imports.export_xlsx",
        params={"kind": filters.kind, "status": filters.status, "language": request.LANGUAGE_CODE},
    )
    return redirect("core:job-detail", job_id=job.pk)


@csrf_exempt
@login_required
@require_POST
def import_upload(request):
    """Store an uploaded file, detect how it reads, and show its preview.

    The size limit is enforced while the file arrives (``uploads.ImportUploadHandler``), which
    must be installed before anything reads the body: before the CSRF check, hence the split
    into this unprotected entry and the protected ``_upload`` that does the work.
    """
    require_import_access(request.user)
    handler = install(request)
    request.POST  # noqa: B018 (reads the body through the handler, which stops it beyond the limit)
    if handler.exceeded:
        messages.error(request, refusal_message("too_large", {"limit": conf.max_bytes()}))
        return redirect("imports:list")
    return _upload(request)


@csrf_protect
def _upload(request):
    form = _upload_form(request, request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "imports/list.html",
            {
                "form": ImportFilterForm(),
                "page": Paginator(imports_for_list(request.user), 50).get_page(1),
                "upload_form": form,
                "ledger": ledger_totals(),
                "max_size": conf.max_bytes(),
                "active_nav": NAV,
            },
            status=200,
        )
    upload = form.cleaned_data["file"]
    upload.adopted = True
    result = services.import_upload(
        actor=request.user,
        kind=form.cleaned_data["kind"],
        stored=upload.stored,
        original_name=upload.name,
        source=ImportSource.UPLOAD,
        profile=form.cleaned_data.get("profile"),
    )
    run = result.run
    if run.status == ImportStatus.REJECTED:
        messages.error(request, run.message)
        return redirect("imports:detail", pk=run.pk)
    return redirect("imports:preview", pk=run.pk)


def _preview_context(request, run, form, detection):
    return {
        "run": run,
        "form": form,
        "detection": detection,
        "columns": detection.columns if detection else run.columns,
        "rows": detection.rows if detection else [],
        "active_nav": NAV,
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    """Detected settings, the first rows and the mapping; "Start import" queues the job.

    "Update preview" re-reads the file with the options chosen (another delimiter, encoding or
    sheet) and proposes the mapping again, without saving anything.
    """
    run = get_import_for_user(request.user, pk)
    if not services.can_configure(run):
        return redirect("imports:detail", pk=run.pk)
    sheet_names = run.options.get("sheet_names", [])
    refresh = request.method == "POST" and request.POST.get("action") != "import"
    reading = {k: request.POST.get(k, "") for k in READING_OPTIONS} if request.method == "POST" else {}
    try:
        detection = services.import_preview(run, {k: v for k, v in reading.items() if v})
    except FileRefused as exc:
        messages.error(request, refusal_message(exc.code, exc.params))
        detection = None
    columns = detection.columns if detection else run.columns
    form_args = {
        "kind": run.kind,
        "columns": columns,
        "file_format": run.file_format,
        "sheet_names": sheet_names,
    }
    if refresh:
        # Only the preview: keep what was chosen and propose a mapping for the columns as they
        # read now.
        posted = {k: v for k, v in request.POST.items() if k in KEPT_ON_REFRESH and v}
        posted_mapping = {f.name: request.POST.get(f.name) for f in fields_for(run.kind)}
        initial = {**run.options, **posted}
        initial.update(services.proposed_mapping(run.kind, columns, posted_mapping, run.mapping))
        form = MappingForm(initial=initial, **form_args)
        return render(request, "imports/preview.html", _preview_context(request, run, form, detection))
    initial = {**run.options, **run.mapping, "profile_name": run.profile.name if run.profile else ""}
    form = MappingForm(request.POST or None, initial=initial, **form_args)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_configure(
                actor=request.user,
                run=run,
                mapping=form.mapping(),
                options=form.options(),
                profile=run.profile,
                save_profile_as=form.cleaned_data["profile_name"]
                if form.cleaned_data["save_profile"]
                else "",
                source_system=form.cleaned_data.get("source_system") or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The import has started."))
            return redirect("imports:detail", pk=run.pk)
    return render(request, "imports/preview.html", _preview_context(request, run, form, detection))


@login_required
@require_GET
def import_detail(request, pk):
    """Progress while the import runs (htmx polls the status part), then its result."""
    run = get_import_for_user(request.user, pk)
    context = {
        "run": run,
        "job": run.job,
        "errors": errors_for_display(run) if run.status == ImportStatus.REJECTED else [],
        "reports": run.status == ImportStatus.REJECTED and bool(run.report_path),
        "can_retry": run.status == ImportStatus.REJECTED and services.can_configure(run),
        "size": filesizeformat(run.size),
        "active_nav": NAV,
    }
    template = "imports/_status.html" if request.htmx else "imports/detail.html"
    return render(request, template, context)


@login_required
@require_GET
def import_report(request, pk, fmt):
    """The full error report of a rejected import, as CSV or XLSX."""
    run = get_import_for_user(request.user, pk)
    if fmt not in FORMATS or run.status != ImportStatus.REJECTED or not run.report_path:
        raise Http404
    path = report_paths(run.pk)[fmt]
    if not Path(path).is_file():
        raise Http404
    return FileResponse(
        Path(path).open("rb"), as_attachment=True, filename=download_name(run.original_name, fmt)
    )


@login_required
@require_GET
def profile_list(request):
    require_import_access(request.user)
    return render(
        request, "imports/profiles.html", {"profiles": profiles_for_list(request.user), "active_nav": NAV}
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request):
    require_import_access(request.user)
    kind = request.POST.get("kind") or request.GET.get("kind") or ImportKind.LEDGER
    if kind not in ImportKind.values:
        raise Http404
    form = ProfileForm(
        request.POST or None,
        kind=kind,
        with_kind=True,
        initial={"kind": kind, "default_currency": conf.default_currency()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_create(actor=request.user, kind=form.cleaned_data["kind"], **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Mapping profile saved."))
            return redirect("imports:profiles")
    return render(
        request,
        "imports/profile_form.html",
        {"form": form, "kind_label": ImportKind(kind).label, "active_nav": NAV},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk):
    profile = get_profile_for_user(request.user, pk)
    form = ProfileForm(request.POST or None, kind=profile.kind, initial=ProfileForm.initial_for(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=request.user, profile=profile, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Mapping profile saved."))
            return redirect("imports:profiles")
    return render(
        request,
        "imports/profile_form.html",
        {"form": form, "profile": profile, "kind_label": profile.get_kind_display(), "active_nav": NAV},
    )


@login_required
@require_POST
def profile_delete(request, pk):
    profile = get_profile_for_user(request.user, pk)
    services.profile_delete(actor=request.user, profile=profile)
    messages.success(request, _("Mapping profile deleted."))
    return redirect("imports:profiles")

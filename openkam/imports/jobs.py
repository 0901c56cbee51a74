"""Background jobs of the import app: running an import, and the XLSX export of the import list."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openkam.core.exporters import write_xlsx
from openkam.core.jobs import register

from .choices import ImportStatus
from .permissions import get_import_for_user
from .reports import download_name, report_paths
from .selectors import ImportFilter, imports_for_list


@register("imports.run", gettext_lazy("Import of a ledger or customer file"))
def run_import(job, progress):
    """Read, validate and commit the import named in the job; the result file is the error report.

    The import is loaded through the same access helper as its page, as the person who started
    the job; messages are in their language.
    """
    # Imported here: DuckDB and the readers are not needed to start a server or a command.
    from .pipeline import import_execute

    user = job.created_by
    with translation.override(job.params.get("language") or user.language):
        run = get_import_for_user(user, job.params["import_id"])
        run = import_execute(actor=user, run=run, progress=progress)
        if run.status == ImportStatus.REJECTED and run.report_path:
            return str(report_paths(run.pk)["csv"]), download_name(run.original_name, "csv")
        return "", ""


def _local(moment):
    # Spreadsheets have no time zones: local time, as the pages show it.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


@register("imports.export_xlsx", gettext_lazy("Export of imports (XLSX)"))
def export_imports_xlsx(job, progress):
    """The imports list as the person who started the export sees it, as an XLSX sheet."""
    user = job.created_by
    language = job.params.get("language", user.language)
    filters = ImportFilter(kind=job.params.get("kind", ""), status=job.params.get("status", ""))
    with translation.override(language):
        runs = imports_for_list(user, filters)
        header = [
            _("Created"),
            _("File"),
            _("Kind"),
            _("Source"),
            _("Status"),
            _("Rows read"),
            _("Rows imported"),
            _("Errors"),
            _("Mapping profile"),
            _("Started by"),
            _("Finished"),
            _("Message"),
        ]
        rows = (
            [
                _local(r.created_at),
                r.original_name,
                r.get_kind_display(),
                r.get_source_display(),
                r.get_status_display(),
                r.rows_read,
                r.rows_imported,
                r.error_count,
                r.profile.name if r.profile else "",
                str(r.created_by) if r.created_by else _("System"),
                _local(r.finished_at),
                r.message,
            ]
            for r in runs.iterator(chunk_size=500)
        )
        path = settings.OPENKAM_EXPORT_DIR / f"{job.pk}.xlsx"
        count = write_xlsx(path, header, rows, sheet_title=_("Imports"))
        progress(90, _("%(count)s imports written") % {"count": count})
        return str(path), _("imports.xlsx")

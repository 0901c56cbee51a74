"""Background jobs of the selection: computing a run, and exporting the selection lists."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from openkam.core.exporters import write_csv, write_xlsx
from openkam.core.jobs import register

from .models import SelectionRun
from .services import RUN_JOB_KIND, selection_run_fail, selection_run_mark_running, selection_run_store

logger = logging.getLogger(__name__)


@register(RUN_JOB_KIND, gettext_lazy("Key-account selection run"))
def run_selection(job, progress):
    """Compute the run named in the job and store its results; a failure is recorded on the run.

    Messages are in the language of the person who started it. The run fails with a clear
    message when there is no ledger, no customer to select from or a model without criteria.
    """
    from . import engine  # here, not at start-up: it loads Ibis, SciPy and Altair (~2 s)

    run = SelectionRun.objects.select_related("created_by").get(pk=job.params["run_id"])
    with translation.override(job.created_by.language):
        selection_run_mark_running(run=run)
        progress(5, _("Reading the sales ledger"))
        try:
            outcome = engine.compute(run, engine.load_ledger(), progress)
        except engine.SelectionError as exc:
            selection_run_fail(run=run, error=str(exc))
            raise
        except Exception as exc:
            logger.exception("Selection run %s failed", run.pk)
            selection_run_fail(run=run, error=_("The computation failed: %(error)s") % {"error": exc})
            raise
        progress(90, _("Storing the results"))
        selection_run_store(
            run=run,
            results=outcome.results,
            summary=outcome.summary,
            whitespace=outcome.whitespace,
            fiscal_years=outcome.fiscal_years,
        )
        ranked = ngettext(
            "%(count)s candidate ranked.", "%(count)s candidates ranked.", len(outcome.results)
        ) % {"count": len(outcome.results)}
        skipped = outcome.summary.get("skipped_unknown", 0)
        if skipped:
            ranked += " " + ngettext(
                "%(count)s customer of the ledger is not in the customer master and was left out.",
                "%(count)s customers of the ledger are not in the customer master and were left out.",
                skipped,
            ) % {"count": skipped}
        progress(100, ranked)
    return "", ""


@register("portfolio.export", gettext_lazy("Export of a selection list"))
def export_list(job, progress):
    """Write one selection list as XLSX (with the page's chart) or CSV for the job's creator.

    The rows come through the same access helpers as the page, so a KAM's export holds only the
    customers of their key accounts.
    """
    from . import exports  # here, not at start-up: it loads Ibis, SciPy and Altair (~2 s)

    user = job.created_by
    params = job.params
    language = params.get("language", user.language)
    fmt = params.get("format", "xlsx")
    with translation.override(language):
        table = exports.build(params.get("list", ""), user, params, language)
        progress(20, _("Writing %(list)s") % {"list": table.title})
        path = settings.OPENKAM_EXPORT_DIR / f"{job.pk}.{'csv' if fmt == 'csv' else 'xlsx'}"
        if fmt == "csv":
            count = write_csv(path, table.header, table.rows, language=language)
        else:
            count = write_xlsx(path, table.header, table.rows, sheet_title=table.title, images=table.images)
        progress(95, _("%(count)s rows written") % {"count": count})
        return str(path), f"{table.filename}.{'csv' if fmt == 'csv' else 'xlsx'}"

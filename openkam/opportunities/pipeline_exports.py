"""Opportunities as an XLSX or CSV download, one line per opportunity.

Two pages export with the same columns: the pipeline list (the caller passes the queryset built
from ``pipeline.opportunities_for_pipeline``) and one account's opportunity list (the
opportunities of an account loaded through ``get_account_for_user``). Either way the caller
decides what may be seen, so nobody exports an opportunity they could not see. The file is
written while the request waits: a pipeline has hundreds of lines, not hundreds of thousands.
Headers and choice labels are in the reader's language; the German CSV uses semicolons and
decimal commas (``openkam.core.exporters``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from openkam.core.exporters import write_csv, write_xlsx

from .choices import CloseReason, CompetitivePosition, Stage
from .models import Opportunity
from .pipeline import weighted

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def pipeline_table(opportunities: Iterable[Opportunity]) -> tuple[list[str], list[list]]:
    """Header and lines of the export, translated in the active language.

    Reads each opportunity's account with its customer and KAM, and its owner: join them
    beforehand, or the export asks the database once per line.
    """
    header = [
        _("Key account"),
        _("Customer number"),
        _("Key account manager"),
        pgettext("pipeline column", "Opportunity"),
        _("Stage"),
        _("Value (EUR)"),
        _("Probability (%)"),
        _("Weighted value (EUR)"),
        _("Expected close"),
        _("Owner"),
        _("Product group"),
        _("Our competitive position"),
        _("Closed on"),
        _("Reason"),
    ]
    stages = dict(Stage.choices)
    positions = dict(CompetitivePosition.choices)
    reasons = dict(CloseReason.choices)
    rows = [
        [
            o.account.customer.name,
            o.account.customer.number,
            _name(o.account.owner),
            o.title,
            str(stages.get(o.stage, o.stage)),
            o.value,
            o.probability,
            weighted(o.value, o.probability),
            o.expected_close,
            _name(o.owner),
            o.product_group,
            str(positions.get(o.competitive_position, o.competitive_position)),
            o.closed_on,
            str(reasons.get(o.close_reason, "")) if o.close_reason else "",
        ]
        for o in opportunities
    ]
    return header, rows


def pipeline_download(
    opportunities: Iterable[Opportunity],
    fmt: str,
    *,
    language: str,
    name: str = "pipeline",
    sheet_title: str = "",
) -> HttpResponse:
    """The response with the file (``fmt`` "xlsx" or "csv") in ``language``.

    The file is called ``<name>-<today>.<fmt>``; ``name`` must be ASCII without quotes (callers
    slugify what they put into it). The XLSX sheet is called ``sheet_title``, by default
    "Pipeline" in ``language``.
    """
    with override(language):
        header, rows = pipeline_table(opportunities)
        with tempfile.TemporaryDirectory(prefix="openkam-export-") as folder:
            path = Path(folder) / f"export.{fmt}"
            if fmt == "csv":
                # Dates stay ISO (2026-09-30): every spreadsheet reads them, in any language.
                write_csv(path, header, rows, language=language)
            else:
                write_xlsx(path, header, rows, sheet_title=sheet_title or _("Pipeline"))
            content = path.read_bytes()
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = f"{name}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

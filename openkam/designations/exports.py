"""XLSX and CSV downloads of the proposal and review lists.

The lists are short (the key-account list has a cap; proposals come a few a month), so the file
is written into a temporary folder while the request waits, with the exporters of
``openkam.core.exporters``, and sent at once — no background job needed. The rows come from the
same selectors, and therefore the same access rules, as the pages.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openkam.core.exporters import write_csv, write_xlsx

from .choices import ExportFormat, ProposalStatus, ReviewOutcome, ReviewState
from .models import DesignationProposal
from .selectors import ReviewRow

_CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}


def _local_date(moment):
    return timezone.localdate(moment) if moment is not None else None


def proposal_table(proposals: Iterable[DesignationProposal]) -> tuple[list[str], Iterable[Sequence]]:
    header = [
        _("Customer number"),
        _("Customer"),
        _("Type"),
        _("Status"),
        _("Reason for designation"),
        _("Key account manager"),
        _("Proposed by"),
        _("Proposed on"),
        _("Decided by"),
        _("Decided on"),
        _("Decision note"),
        _("Key accounts before the decision"),
        _("Cap at the decision"),
        _("Justification for exceeding the cap"),
    ]
    rows = (
        [
            p.customer.number,
            p.customer.name,
            p.get_account_type_display(),
            ProposalStatus(p.status).label,
            p.reason,
            str(p.proposed_owner),
            str(p.proposed_by),
            _local_date(p.proposed_at),
            str(p.decided_by) if p.decided_by else "",
            _local_date(p.decided_at),
            p.decision_note,
            p.key_accounts_at_decision,
            p.cap_at_decision,
            p.cap_justification,
        ]
        for p in proposals
    )
    return header, rows


def review_table(rows: Iterable[ReviewRow]) -> tuple[list[str], Iterable[Sequence]]:
    header = [
        _("Customer number"),
        _("Customer"),
        _("Key account manager"),
        _("Type"),
        _("Account status"),
        _("Due"),
        _("State"),
        _("Completed on"),
        _("Completed by"),
        _("Outcome"),
        _("Note"),
        _("Next review"),
    ]
    lines = (
        [
            r.account.customer.number,
            r.account.customer.name,
            str(r.account.owner),
            r.account.get_account_type_display(),
            r.account.get_status_display(),
            r.due_date,
            ReviewState(r.state).label,
            _local_date(r.completed_at),
            str(r.completed_by) if r.completed_by else "",
            ReviewOutcome(r.outcome).label if r.outcome else "",
            r.note,
            r.next_due_date,
        ]
        for r in rows
    )
    return header, lines


def download(
    fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence], *, sheet: str
) -> HttpResponse:
    """Write the table as ``fmt`` and answer with it as an attachment called ``name``.``fmt``."""
    with tempfile.TemporaryDirectory(prefix="openkam-export-") as folder:
        path = Path(folder) / f"export.{fmt}"
        if fmt == ExportFormat.XLSX:
            write_xlsx(path, header, rows, sheet_title=sheet)
        else:
            write_csv(path, header, rows, language=get_language() or "de")
        content = path.read_bytes()
    response = HttpResponse(content, content_type=_CONTENT_TYPES[ExportFormat(fmt)])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

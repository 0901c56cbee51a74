"""The touchpoint plan of a year as an XLSX download, one line per touchpoint.

The plan is small (stakeholders × four quarters), so the file is written while the request
waits, with ``openkam.core.exporters`` (typed cells, text guarded against formulas).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import HttpResponse
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.core.exporters import write_xlsx

from .choices import TouchpointKind, TouchpointStatus
from .models import Touchpoint

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def touchpoint_table(account: KeyAccount, year: int) -> tuple[list[str], list[list]]:
    """Header and lines of the export (translated in the active language)."""
    header = [
        _("Stakeholder"),
        _("Function"),
        _("Year"),
        _("Quarter"),
        _("What they receive"),
        _("Description"),
        _("Owner"),
        _("Status"),
    ]
    kinds, statuses = dict(TouchpointKind.choices), dict(TouchpointStatus.choices)
    rows = [
        [
            str(t.stakeholder),
            t.stakeholder.function,
            t.year,
            f"Q{t.quarter}",
            str(kinds.get(t.kind, t.kind)),
            t.description,
            (t.owner.get_full_name() or t.owner.get_username()) if t.owner else "",
            str(statuses.get(t.status, t.status)),
        ]
        for t in Touchpoint.objects.filter(account=account, year=year)
        .select_related("stakeholder", "owner")
        .order_by("stakeholder__last_name", "stakeholder__first_name", "quarter", "pk")
    ]
    return header, rows


def touchpoints_xlsx(account: KeyAccount, year: int) -> HttpResponse:
    header, rows = touchpoint_table(account, year)
    with tempfile.TemporaryDirectory(prefix="openkam-export-") as folder:
        path = Path(folder) / "touchpoints.xlsx"
        write_xlsx(path, header, rows, sheet_title=_("Touchpoint plan %(year)s") % {"year": year})
        content = path.read_bytes()
    response = HttpResponse(content, content_type=XLSX)
    name = f"touchpoints-{account.customer.number}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""The coverage page of a key account: the explained alerts and the level-selling matrix.

Everyone who may see the account reads it; nothing here writes. The fixes the alerts point to
live in the stakeholders and relationships apps, which check the edit right themselves; links
to fixes that need it are shown only to the owner and the core team.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openkam.accounts.permissions import can_work_on_account, get_account_for_user
from openkam.stakeholders.models import BuyingCenterSettings

from .choices import FIRST_YEAR, LAST_YEAR
from .selectors import alert_counts, coverage_alerts, level_selling_matrix


def _year(request) -> int | None:
    """The year asked for with ``?year=``; None (the current year) when missing or out of range."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


@login_required
@require_GET
def overview(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    settings = BuyingCenterSettings.current()
    alerts = coverage_alerts(account, settings=settings)
    return render(
        request,
        "coverage/overview.html",
        {
            "account": account,
            "account_section": "coverage",
            "active_nav": "accounts",
            "can_edit": can_work_on_account(request.user, account),
            "alerts": alerts,
            "counts": alert_counts(alerts),
            "matrix": level_selling_matrix(account, _year(request)),
            "thresholds": settings,
        },
    )

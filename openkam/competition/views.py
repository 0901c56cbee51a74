"""Pages of the "Requirements & competitors" section of a key account.

The overview shows the requirements with their importance–performance grid, the competitors
and partners, the wallet estimates and the shares; the other pages add, change and remove one
object each. Everyone who may see the account reads; the owner and the core team change
(``can_work_on_account``; others get 403 and see no buttons).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import get_account_for_user
from openkam.analytics.charts import chart_spec
from openkam.analytics.charts import render as render_chart
from openkam.core.forms import submit_to_service

from . import services
from .charts import QUADRANTS, importance_performance_chart
from .choices import MIDPOINT, ChartFormat, CompetitorKind
from .forms import (
    CompetitorEditForm,
    CompetitorForm,
    RequirementEditForm,
    RequirementForm,
    WalletEditForm,
    WalletForm,
)
from .models import Competitor
from .permissions import (
    can_work_on_account,
    get_competitor_for_user,
    get_requirement_for_user,
    get_wallet_for_user,
    require,
)
from .selectors import overview_for_account

CONTENT_TYPES = {ChartFormat.SVG: "image/svg+xml", ChartFormat.PNG: "image/png"}


def _overview_url(account, anchor: str) -> str:
    return reverse("competition:overview", args=[account.pk]) + f"#{anchor}"


def _page(request, account, **context) -> dict:
    return {
        "account": account,
        "account_section": "competition",
        "active_nav": "accounts",
        "can_edit": can_work_on_account(request.user, account),
        **context,
    }


@login_required
@require_GET
def overview(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    data = overview_for_account(account)
    chart = importance_performance_chart(data.points, language=request.LANGUAGE_CODE)
    quadrants = [
        {"key": key, "label": q.label, "advice": q.advice, "count": data.quadrant_counts[key]}
        for key, q in QUADRANTS.items()
    ]
    return render(
        request,
        "competition/overview.html",
        _page(
            request,
            account,
            data=data,
            shares=data.shares,
            chart=chart_spec(chart, language=request.LANGUAGE_CODE),
            quadrants=quadrants,
            midpoint=MIDPOINT,
        ),
    )


@login_required
@require_GET
def chart(request, account_pk, fmt):
    """The importance–performance grid as an SVG or PNG download."""
    account = get_account_for_user(request.user, account_pk)
    if fmt not in ChartFormat.values:
        raise Http404
    data = overview_for_account(account)
    image = render_chart(
        importance_performance_chart(data.points, language=request.LANGUAGE_CODE),
        fmt,
        language=request.LANGUAGE_CODE,
    )
    response = HttpResponse(image, content_type=CONTENT_TYPES[fmt])
    filename = f"importance-performance-{account.customer.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _form_page(request, account, form, *, title, obj=None, delete_url=None, delete_question="", intro=""):
    return render(
        request,
        "competition/form.html",
        _page(
            request,
            account,
            form=form,
            title=title,
            obj=obj,
            delete_url=delete_url,
            delete_question=delete_question,
            intro=intro,
        ),
    )


def _competitors(account):
    return Competitor.objects.filter(account=account, kind=CompetitorKind.COMPETITOR).order_by("name")


# Requirements -----------------------------------------------------------------------------------


def _rating_intro():
    return _(
        "Rate on a scale of 1 to 5 as the customer sees it. Requirements of importance 3 or more "
        "count as important; a performance of 4 or more counts as strong."
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    form = RequirementForm(request.POST or None, competitors=_competitors(account))
    if submit_to_service(
        request, form, services.requirement_create, account=account, success=_("Requirement added.")
    ):
        return redirect(_overview_url(account, "requirements-h"))
    return _form_page(request, account, form, title=_("Add a customer requirement"), intro=_rating_intro())


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request, account_pk, pk):
    requirement = get_requirement_for_user(request.user, account_pk, pk)
    account = requirement.account
    require(can_work_on_account(request.user, account))
    initial = {f: getattr(requirement, f) for f in services.REQUIREMENT_FIELDS} | {
        "version": requirement.version
    }
    form = RequirementEditForm(request.POST or None, initial=initial, competitors=_competitors(account))
    if submit_to_service(
        request, form, services.requirement_update, requirement=requirement, success=_("Requirement saved.")
    ):
        return redirect(_overview_url(account, "requirements-h"))
    return _form_page(
        request,
        account,
        form,
        title=_("Edit customer requirement"),
        obj=requirement,
        delete_url=reverse("competition:requirement-delete", args=[account.pk, requirement.pk]),
        delete_question=_("Remove this requirement?"),
        intro=_rating_intro(),
    )


@login_required
@require_POST
def requirement_delete(request, account_pk, pk):
    requirement = get_requirement_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, requirement.account))
    services.requirement_delete(actor=request.user, requirement=requirement)
    messages.success(request, _("Requirement removed."))
    return redirect(_overview_url(requirement.account, "requirements-h"))


# Competitors and partners -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def competitor_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    form = CompetitorForm(request.POST or None, initial={"kind": CompetitorKind.COMPETITOR})
    if submit_to_service(
        request, form, services.competitor_create, account=account, success=_("Competitor or partner added.")
    ):
        return redirect(_overview_url(account, "competitors-h"))
    return _form_page(request, account, form, title=_("Add a competitor or partner"))


@login_required
@require_http_methods(["GET", "POST"])
def competitor_edit(request, account_pk, pk):
    competitor = get_competitor_for_user(request.user, account_pk, pk)
    account = competitor.account
    require(can_work_on_account(request.user, account))
    initial = {f: getattr(competitor, f) for f in services.COMPETITOR_FIELDS} | {
        "version": competitor.version
    }
    form = CompetitorEditForm(request.POST or None, initial=initial)
    if submit_to_service(
        request,
        form,
        services.competitor_update,
        competitor=competitor,
        success=_("Competitor or partner saved."),
    ):
        return redirect(_overview_url(account, "competitors-h"))
    return _form_page(
        request,
        account,
        form,
        title=competitor.name,
        obj=competitor,
        delete_url=reverse("competition:competitor-delete", args=[account.pk, competitor.pk]),
        delete_question=_(
            "Remove this competitor or partner? Requirements compared with it will be compared with the "
            "main competitor."
        ),
    )


@login_required
@require_POST
def competitor_delete(request, account_pk, pk):
    competitor = get_competitor_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, competitor.account))
    services.competitor_delete(actor=request.user, competitor=competitor)
    messages.success(request, _("Competitor or partner removed."))
    return redirect(_overview_url(competitor.account, "competitors-h"))


# Wallet estimates -------------------------------------------------------------------------------


def _wallet_intro():
    return _(
        "The wallet is what the customer spends per fiscal year on the product categories we offer, "
        "whoever it buys from. Our share of wallet is our revenue from the sales ledger divided by it."
    )


@login_required
@require_http_methods(["GET", "POST"])
def wallet_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    form = WalletForm(request.POST or None)
    if submit_to_service(
        request, form, services.wallet_create, account=account, success=_("Wallet estimate added.")
    ):
        return redirect(_overview_url(account, "shares-h"))
    return _form_page(request, account, form, title=_("Add a wallet estimate"), intro=_wallet_intro())


@login_required
@require_http_methods(["GET", "POST"])
def wallet_edit(request, account_pk, pk):
    wallet = get_wallet_for_user(request.user, account_pk, pk)
    account = wallet.account
    require(can_work_on_account(request.user, account))
    initial = {f: getattr(wallet, f) for f in services.WALLET_FIELDS} | {"version": wallet.version}
    form = WalletEditForm(request.POST or None, initial=initial)
    if submit_to_service(
        request, form, services.wallet_update, wallet=wallet, success=_("Wallet estimate saved.")
    ):
        return redirect(_overview_url(account, "shares-h"))
    return _form_page(
        request,
        account,
        form,
        title=_("Wallet estimate %(year)s") % {"year": wallet.fiscal_year},
        obj=wallet,
        delete_url=reverse("competition:wallet-delete", args=[account.pk, wallet.pk]),
        delete_question=_("Remove this wallet estimate?"),
        intro=_wallet_intro(),
    )


@login_required
@require_POST
def wallet_delete(request, account_pk, pk):
    wallet = get_wallet_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, wallet.account))
    services.wallet_delete(actor=request.user, wallet=wallet)
    messages.success(request, _("Wallet estimate removed."))
    return redirect(_overview_url(wallet.account, "shares-h"))

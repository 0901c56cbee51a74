from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.core.forms import submit_to_service
from openkam.core.services import job_create
from openkam.sales.selectors import latest_fiscal_year
from openkam.users.selectors import assignable_users

from . import services
from .filters import AccountFilterForm
from .forms import AccountForm, TeamMemberForm, TeamMemberUpdateForm
from .models import TeamMembership
from .permissions import (
    can_change_account,
    can_edit_stakeholders,
    can_manage_team,
    get_account_for_user,
    require,
)
from .selectors import account_detail_for_user, accounts_for_list, owners_for_filter


@login_required
@require_GET
def account_list(request):
    """ "My accounts": every account the person may see, filterable; htmx swaps only the table."""
    form = AccountFilterForm(request.GET or None, owners=owners_for_filter(request.user))
    year = latest_fiscal_year()
    accounts = accounts_for_list(request.user, form.to_filter(), year=year)
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "accounts": page.object_list,
        "last_fiscal_year": year,
        "active_nav": "accounts",
    }
    template = "accounts/_table.html" if request.htmx and not request.htmx.boosted else "accounts/list.html"
    return render(request, template, context)


@login_required
@require_POST
def account_export(request):
    """Start a CSV export of the filtered list as a background job and show its progress."""
    form = AccountFilterForm(request.POST, owners=owners_for_filter(request.user))
    filters = form.to_filter()
    job = job_create(
        actor=request.user,
        kind="accounts.export_csv",
        params={
            "query": filters.query,
            "account_type": filters.account_type,
            "status": filters.status,
            "owner_id": filters.owner_id,
            "mine": filters.mine,
            "language": request.LANGUAGE_CODE,
        },
    )
    return redirect("core:job-detail", job_id=job.pk)


@login_required
@require_GET
def account_detail(request, pk):
    # The plans, coverage, team, RACI and opportunity apps build on accounts: imported here, not
    # at module level, to keep that direction.
    from openkam.coverage.selectors import coverage_alerts
    from openkam.opportunities.pipeline import pipeline_totals
    from openkam.plans.selectors import overdue_actions_for_account
    from openkam.raci.selectors import raci_problems
    from openkam.teams.selectors import role_coverage

    detail = account_detail_for_user(request.user, pk)
    account = detail.account
    return render(
        request,
        "accounts/detail.html",
        {
            "detail": detail,
            "account": account,
            "account_section": "overview",
            "overdue_actions": list(overdue_actions_for_account(account)[:20]),
            "coverage_alerts": coverage_alerts(account),
            "uncovered_roles": role_coverage(account).uncovered,
            "raci_problem_count": len(raci_problems(account)),
            # Open figures as of today, won this calendar year.
            "pipeline": pipeline_totals(
                account.opportunities.all(), closed_from=timezone.localdate().replace(month=1, day=1)
            ),
            "can_change": can_change_account(request.user, account),
            "can_manage_team": can_manage_team(request.user, account),
            "can_edit_stakeholders": can_edit_stakeholders(request.user, account),
            "active_nav": "accounts",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request, pk):
    account = get_account_for_user(request.user, pk)
    require(can_change_account(request.user, account))
    form = AccountForm(
        request.POST or None,
        initial={"account_type": account.account_type, "status": account.status, "reason": account.reason},
    )
    if submit_to_service(
        request, form, services.account_update, account=account, success=_("Account saved.")
    ):
        return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/edit.html", {"form": form, "account": account, "active_nav": "accounts"})


@login_required
@require_http_methods(["GET", "POST"])
def team_add(request, pk):
    account = get_account_for_user(request.user, pk)
    require(can_manage_team(request.user, account))
    users = assignable_users().exclude(pk=account.owner_id).exclude(team_memberships__account=account)
    form = TeamMemberForm(request.POST or None, users=users)
    if submit_to_service(
        request, form, services.team_member_add, account=account, success=_("Team member added.")
    ):
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request, "accounts/team_form.html", {"form": form, "account": account, "active_nav": "accounts"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk, membership_pk):
    account = get_account_for_user(request.user, pk)
    membership = get_object_or_404(
        TeamMembership.objects.select_related("user"), pk=membership_pk, account=account
    )
    require(can_manage_team(request.user, account))
    form = TeamMemberUpdateForm(
        request.POST or None, initial={"internal_role": membership.internal_role, "scope": membership.scope}
    )
    membership.account = account
    if submit_to_service(
        request, form, services.team_member_update, membership=membership, success=_("Team member saved.")
    ):
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "accounts/team_form.html",
        {"form": form, "account": account, "membership": membership, "active_nav": "accounts"},
    )


@login_required
@require_POST
def team_remove(request, pk, membership_pk):
    account = get_account_for_user(request.user, pk)
    membership = get_object_or_404(
        TeamMembership.objects.select_related("user"), pk=membership_pk, account=account
    )
    require(can_manage_team(request.user, account))
    membership.account = account
    services.team_member_remove(actor=request.user, membership=membership)
    messages.success(request, _("Team member removed."))
    return redirect("accounts:detail", pk=account.pk)

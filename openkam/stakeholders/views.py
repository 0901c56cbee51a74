from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openkam.accounts.permissions import can_edit_stakeholders, get_account_for_user, require
from openkam.core.forms import submit_to_service

from . import services
from .forms import StakeholderForm
from .permissions import get_stakeholder_for_user


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_edit_stakeholders(request.user, account))
    form = StakeholderForm(request.POST or None)
    if submit_to_service(
        request, form, services.stakeholder_create, account=account, success=_("Stakeholder added.")
    ):
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request, "stakeholders/form.html", {"form": form, "account": account, "active_nav": "accounts"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, account_pk, pk):
    stakeholder = get_stakeholder_for_user(request.user, account_pk, pk)
    account = stakeholder.account
    require(can_edit_stakeholders(request.user, account))
    initial = {f: getattr(stakeholder, f) for f in StakeholderForm.base_fields}
    form = StakeholderForm(request.POST or None, initial=initial)
    if submit_to_service(
        request, form, services.stakeholder_update, stakeholder=stakeholder, success=_("Stakeholder saved.")
    ):
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "stakeholders/form.html",
        {"form": form, "account": account, "stakeholder": stakeholder, "active_nav": "accounts"},
    )


@login_required
@require_POST
def stakeholder_delete(request, account_pk, pk):
    stakeholder = get_stakeholder_for_user(request.user, account_pk, pk)
    require(can_edit_stakeholders(request.user, stakeholder.account))
    services.stakeholder_delete(actor=request.user, stakeholder=stakeholder)
    messages.success(request, _("Stakeholder removed."))
    return redirect("accounts:detail", pk=account_pk)

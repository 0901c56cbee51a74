"""Pages of a key account's opportunities: the list, one opportunity with its qualification
checklist, stage moves and the buying center of the decision, and the forms.

Everyone who may see the account reads, and downloads the list as XLSX or CSV; the account's KAM
and every team member, core and extended, change (``can_edit_opportunities``; others get 403 and
see no buttons). The checklist is ticked with htmx in place; without JavaScript the same URL works
as an ordinary form.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import can_work_on_account, get_account_for_user
from openkam.business.choices import CellStatus
from openkam.core.forms import add_service_errors, submit_to_service
from openkam.core.locking import EditConflict

from . import pipeline_exports, services
from .choices import CLOSED_STAGES, DEFAULT_PROBABILITY, OPEN_STAGES, STAGE_ORDER, Stage
from .forms import (
    CloseForm,
    MoveForm,
    OpportunityEditForm,
    OpportunityForm,
    ParticipantEditForm,
    ParticipantForm,
)
from .permissions import can_edit_opportunities, get_opportunity_for_user, get_participant_for_user, require
from .pipeline_forms import ExportFormat
from .rules import weighted_value
from .selectors import (
    account_pipeline,
    cell_choices,
    checklist,
    goal_choices,
    has_decision_maker,
    in_list_order,
    missing_for_next_stage,
    opportunity_with_details,
    owner_choices,
    stakeholders_to_add,
    team_user_ids,
)

SECTION = "opportunities"
ACTIVE_NAV = "accounts"
EDIT_FIELDS = (
    "title",
    "value",
    "probability",
    "expected_close",
    "owner",
    "product_group",
    "competitive_position",
    "main_competitor",
    "selling_approach",
    "sales_strategy",
    "next_steps",
    "next_step_due",
    "plan_goal",
    "whitespace_cell",
    "description",
    "close_reason",
    "close_note",
    "closed_on",
)


def _page(request, account, **context) -> dict:
    return {
        "account": account,
        "account_section": SECTION,
        "active_nav": ACTIVE_NAV,
        "can_edit": can_edit_opportunities(request.user, account),
        **context,
    }


def _detail_url(opportunity, anchor: str = "") -> str:
    url = reverse("opportunities:detail", args=[opportunity.account_id, opportunity.pk])
    return f"{url}#{anchor}" if anchor else url


def _form_choices(account, *, keep_cell: int | None = None, keep_owner: int | None = None) -> dict:
    # A colleague who has left the team stays selectable while they own the opportunity.
    return {
        "team": owner_choices(account, keep=keep_owner),
        "goals": goal_choices(account),
        "cells": cell_choices(account, keep=keep_cell),
    }


@login_required
@require_GET
def opportunity_list(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    return render(
        request, "opportunities/list.html", _page(request, account, pipeline=account_pipeline(account))
    )


def _export_opportunities(account) -> list:
    """The account's opportunities in the order of its list page (one query; the account, loaded
    with its customer and KAM, is set on every line)."""
    by_stage, closed = in_list_order(
        account.opportunities.select_related("owner").order_by("expected_close", "pk")
    )
    return [opp for opps in by_stage.values() for opp in opps] + closed


def _export_name(account) -> str:
    """``opportunities-<customer number>-<customer name>``, ASCII only: file names end up in
    headers, logs and download folders."""
    number = re.sub(r"[^A-Za-z0-9_-]+", "-", account.customer.number).strip("-") or str(account.pk)
    name = slugify(account.customer.name)[:40].strip("-")
    prefix = slugify(pgettext("file name", "opportunities")) or "opportunities"
    return "-".join(part for part in (prefix, number, name) if part)


@login_required
@require_GET
def opportunity_export(request, account_pk):
    """Every opportunity of the account as XLSX (default) or CSV (``?format=csv``), with the
    columns of the pipeline export, in the order of the list page."""
    account = get_account_for_user(request.user, account_pk)
    fmt = request.GET.get("format", ExportFormat.XLSX)
    if fmt not in (ExportFormat.XLSX, ExportFormat.CSV):
        raise Http404
    return pipeline_exports.pipeline_download(
        _export_opportunities(account),
        fmt,
        language=request.LANGUAGE_CODE,
        name=_export_name(account),
        sheet_title=account.customer.name,
    )


def _from_cell(account, cell_id: str) -> tuple[object, dict]:
    """The account's opportunity cell named by ``?cell=`` and what it prefills, or Http404."""
    try:
        pk = int(cell_id)
    except ValueError:
        raise Http404 from None
    cell = cell_choices(account).filter(pk=pk, status=CellStatus.OPPORTUNITY).first()
    if cell is None:
        raise Http404
    initial = {
        "title": _("%(product_group)s for %(unit)s")
        % {"product_group": cell.product_group, "unit": cell.unit.name},
        "product_group": cell.product_group,
        "value": cell.potential if cell.potential is not None else Decimal(0),
        "whitespace_cell": cell.pk,
    }
    return cell, initial


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request, account_pk):
    """A new opportunity; ``?cell=<id>`` starts it from an opportunity cell of the whitespace matrix."""
    account = get_account_for_user(request.user, account_pk)
    require(can_edit_opportunities(request.user, account))
    cell, initial = None, {"owner": request.user.pk, "stage": Stage.IDENTIFIED}
    if request.GET.get("cell"):
        cell, from_cell = _from_cell(account, request.GET["cell"])
        initial |= from_cell
    form = OpportunityForm(request.POST or None, initial=initial, **_form_choices(account))
    if request.method == "POST" and form.is_valid():
        try:
            opp = services.opportunity_create(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Opportunity added."))
            return redirect(_detail_url(opp))
    return render(
        request,
        "opportunities/form.html",
        _page(request, account, form=form, cell=cell, title=_("Add an opportunity")),
    )


def _detail_context(request, opportunity, **forms) -> dict:
    account = opportunity.account
    opportunity_with_details(opportunity)
    participants = list(opportunity.participants.all())
    can_edit = can_edit_opportunities(request.user, account)
    team = team_user_ids(account)
    context = _page(
        request,
        account,
        opp=opportunity,
        weighted=weighted_value(opportunity),
        owner_left_team=opportunity.owner_id not in team,
        checklist=checklist(opportunity),
        participants=participants,
        no_decision_maker=not has_decision_maker(participants),
        history=list(opportunity.stage_changes.all()),
        stages=_stage_bar(opportunity),
        cell_url=_cell_url(request, opportunity),
    )
    if can_edit:
        initial = {"version": opportunity.version}
        context |= {
            "move_form": forms.get("move_form") or MoveForm(initial=initial),
            "close_form": forms.get("close_form") or CloseForm(initial=initial | {"stage": Stage.WON}),
            "participant_form": forms.get("participant_form")
            or ParticipantForm(stakeholders=stakeholders_to_add(account, participants)),
            "next_missing": missing_for_next_stage(opportunity),
        }
    return context


def _stage_bar(opportunity) -> list[dict]:
    """Every stage with its place relative to the opportunity's (for the bar and the buttons)."""
    current = STAGE_ORDER[opportunity.stage]
    rows = []
    for stage, label in Stage.choices:
        if stage in OPEN_STAGES:
            state = (
                "current"
                if stage == opportunity.stage
                else "done"
                if STAGE_ORDER[stage] < current
                else "ahead"
            )
            if opportunity.stage == Stage.LOST:
                state = "ahead"
        else:
            state = "current" if stage == opportunity.stage else "ahead"
        rows.append(
            {"stage": stage, "label": label, "state": state, "probability": DEFAULT_PROBABILITY[stage]}
        )
    return rows


@login_required
@require_GET
def opportunity_detail(request, account_pk, pk):
    opportunity = get_opportunity_for_user(request.user, account_pk, pk)
    return render(request, "opportunities/detail.html", _detail_context(request, opportunity))


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request, account_pk, pk):
    opportunity = get_opportunity_for_user(request.user, account_pk, pk)
    account = opportunity.account
    require(can_edit_opportunities(request.user, account))
    closed = opportunity.stage in CLOSED_STAGES
    initial = {f: getattr(opportunity, f) for f in EDIT_FIELDS} | {
        "version": opportunity.version,
        "owner": opportunity.owner_id,
        "plan_goal": opportunity.plan_goal_id,
        "whitespace_cell": opportunity.whitespace_cell_id,
    }
    form = OpportunityEditForm(
        request.POST or None,
        initial=initial,
        closed=closed,
        **_form_choices(account, keep_cell=opportunity.whitespace_cell_id, keep_owner=opportunity.owner_id),
    )
    if submit_to_service(
        request, form, services.opportunity_update, opportunity=opportunity, success=_("Opportunity saved.")
    ):
        return redirect(_detail_url(opportunity))
    return render(
        request,
        "opportunities/form.html",
        _page(
            request,
            account,
            form=form,
            opp=opportunity,
            title=_("Edit opportunity"),
            delete_url=reverse("opportunities:delete", args=[account.pk, opportunity.pk]),
        ),
    )


@login_required
@require_POST
def opportunity_delete(request, account_pk, pk):
    opportunity = get_opportunity_for_user(request.user, account_pk, pk)
    account = opportunity.account
    require(can_edit_opportunities(request.user, account))
    services.opportunity_delete(actor=request.user, opportunity=opportunity)
    messages.success(request, _("Opportunity removed."))
    return redirect("opportunities:list", account.pk)


@login_required
@require_POST
def opportunity_move(request, account_pk, pk):
    """Move to the stage posted; a refusal shows the detail page with the missing items."""
    opportunity = get_opportunity_for_user(request.user, account_pk, pk)
    require(can_edit_opportunities(request.user, opportunity.account))
    closing = request.POST.get("stage") in CLOSED_STAGES
    form = (CloseForm if closing else MoveForm)(request.POST)
    if form.is_valid():
        try:
            services.opportunity_move(actor=request.user, opportunity=opportunity, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except EditConflict as exc:
            form.show_conflict(exc)
        else:
            messages.success(request, _("Opportunity moved."))
            return redirect(_detail_url(opportunity))
    opportunity = get_opportunity_for_user(request.user, account_pk, pk)
    key = "close_form" if closing else "move_form"
    context = _detail_context(request, opportunity, **{key: form})
    return render(request, "opportunities/detail.html", context)


@login_required
@require_POST
def check_toggle(request, account_pk, pk):
    """Tick (``checked=on``) or untick ``item``; htmx gets the item's label back, others the page."""
    opportunity = get_opportunity_for_user(request.user, account_pk, pk)
    require(can_edit_opportunities(request.user, opportunity.account))
    if set(request.POST) - {"item", "checked", "csrfmiddlewaretoken"}:
        return HttpResponseBadRequest(_("Unknown field(s)."))
    try:
        services.check_set(
            actor=request.user,
            opportunity=opportunity,
            item=request.POST.get("item", ""),
            checked=request.POST.get("checked") == "on",
        )
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    if request.htmx:
        # Only the item's label (and a status for screen readers) is swapped: the checkbox already
        # shows what was saved, and a whole-list swap would undo a box ticked meanwhile.
        item = request.POST["item"]
        stage, entry = next((s, i) for s in checklist(opportunity) for i in s.items if i.key == item)
        context = {"s": stage, "item": entry, "saved": True}
        return render(request, "opportunities/_checklist_label.html", context)
    return redirect(_detail_url(opportunity, "checklist"))


@login_required
@require_POST
def participant_add(request, account_pk, pk):
    opportunity = get_opportunity_for_user(request.user, account_pk, pk)
    account = opportunity.account
    require(can_edit_opportunities(request.user, account))
    current = list(opportunity.participants.all())
    form = ParticipantForm(request.POST, stakeholders=stakeholders_to_add(account, current))
    if submit_to_service(
        request,
        form,
        services.participant_set,
        opportunity=opportunity,
        success=_("Person added to the buying center of the decision."),
    ):
        return redirect(_detail_url(opportunity, "buying-center"))
    context = _detail_context(request, opportunity, participant_form=form)
    return render(request, "opportunities/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request, account_pk, pk, participant_pk):
    participant = get_participant_for_user(request.user, account_pk, pk, participant_pk)
    opportunity = participant.opportunity
    account = opportunity.account
    require(can_edit_opportunities(request.user, account))
    form = ParticipantEditForm(
        request.POST or None, initial={"roles": participant.roles, "note": participant.note}
    )
    if submit_to_service(
        request,
        form,
        services.participant_set,
        opportunity=opportunity,
        stakeholder=participant.stakeholder,
        success=_("Roles in the decision saved."),
    ):
        return redirect(_detail_url(opportunity, "buying-center"))
    return render(
        request,
        "opportunities/participant_form.html",
        _page(request, account, form=form, opp=opportunity, participant=participant),
    )


@login_required
@require_POST
def participant_remove(request, account_pk, pk, participant_pk):
    participant = get_participant_for_user(request.user, account_pk, pk, participant_pk)
    require(can_edit_opportunities(request.user, participant.opportunity.account))
    services.participant_remove(actor=request.user, participant=participant)
    messages.success(request, _("Person removed from the buying center of the decision."))
    return redirect(_detail_url(participant.opportunity, "buying-center"))


def _cell_url(request, opportunity) -> str | None:
    """Where the linked whitespace cell is shown: its own page for people who mark cells, the
    matrix for everyone else."""
    cell = opportunity.whitespace_cell
    if cell is None:
        return None
    account = opportunity.account
    if not can_work_on_account(request.user, account):
        return reverse("business:overview", args=[account.pk]) + "#whitespace"
    query = urlencode({"unit": cell.unit.name, "product_group": cell.product_group})
    return reverse("business:cell", args=[account.pk]) + f"?{query}"

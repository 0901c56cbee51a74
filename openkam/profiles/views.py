"""Pages of the key account profile, the account's market and the SWOT.

Everyone who can see the account reads the overview; the owner and the core team get the edit
buttons and the forms (403 for the other readers, 404 for people who cannot see the account).
Edit forms carry the version they were loaded at; a conflicting save shows what was saved
meanwhile and saving again merges on top of it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import get_account_for_user
from openkam.core.forms import submit_to_service

from . import services
from .choices import FactKind, MarketKind, Quadrant
from .forms import (
    FactEditForm,
    FactForm,
    MarketEntryEditForm,
    MarketEntryForm,
    MoveForm,
    ProfileForm,
    SwotItemEditForm,
    SwotItemForm,
)
from .permissions import (
    can_edit_profile,
    get_market_entry_for_user,
    get_profile_fact_for_user,
    get_swot_item_for_user,
    require,
)
from .selectors import initiatives_for_account, profile_for_account, profile_page


def _overview(account, anchor: str = ""):
    url = reverse("profiles:overview", args=[account.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _context(account, **context) -> dict:
    return {"account": account, "account_section": "profile", "active_nav": "accounts", **context}


def _fact_anchor(kind: str) -> str:
    if kind == FactKind.STRATEGIC_INITIATIVE:
        return "strategy"
    if kind == FactKind.KEY_FACT:
        return "key-facts"
    return "structure"


def _preset(request, choices) -> dict:
    """Initial kind or list from ``?kind=`` / ``?quadrant=`` (the add buttons of each list)."""
    initial = {}
    for name in ("kind", "quadrant"):
        if request.GET.get(name) in choices.values:
            initial[name] = request.GET[name]
    return initial


def _form_page(request, account, form, *, heading, cancel, delete_url=None, delete_label=""):
    return render(
        request,
        "profiles/form.html",
        _context(
            account,
            form=form,
            heading=heading,
            cancel=cancel,
            delete_url=delete_url,
            delete_label=delete_label,
        ),
    )


@login_required
@require_GET
def overview(request, account_pk):
    """The profile, the market and the SWOT of one key account, with stale facts flagged."""
    account = get_account_for_user(request.user, account_pk)
    page = profile_page(account)
    return render(
        request,
        "profiles/overview.html",
        _context(account, page=page, profile=page.profile, can_edit=can_edit_profile(request.user, account)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_edit_profile(request.user, account))
    profile = profile_for_account(account)
    initial = {name: getattr(profile, name) for name in ProfileForm.base_fields}
    form = ProfileForm(request.POST or None, initial=initial, customer=account.customer)
    if submit_to_service(
        request, form, services.profile_update, account=account, success=_("Profile saved.")
    ):
        return _overview(account, "profile")
    return _form_page(
        request,
        account,
        form,
        heading=_("Edit the key account profile"),
        cancel=reverse("profiles:overview", args=[account.pk]),
    )


# Profile entries ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fact_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_edit_profile(request.user, account))
    form = FactForm(request.POST or None, initial=_preset(request, FactKind))
    if submit_to_service(request, form, services.fact_create, account=account, success=_("Entry added.")):
        return _overview(account, _fact_anchor(form.cleaned_data["kind"]))
    return _form_page(
        request,
        account,
        form,
        heading=_("Add a profile entry"),
        cancel=reverse("profiles:overview", args=[account.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def fact_edit(request, account_pk, pk):
    fact = get_profile_fact_for_user(request.user, account_pk, pk)
    account = fact.account
    require(can_edit_profile(request.user, account))
    initial = {name: getattr(fact, name) for name in FactEditForm.base_fields}
    form = FactEditForm(request.POST or None, initial=initial)
    if submit_to_service(request, form, services.fact_update, fact=fact, success=_("Entry saved.")):
        return _overview(account, _fact_anchor(form.cleaned_data["kind"]))
    return _form_page(
        request,
        account,
        form,
        heading=fact.title,
        cancel=reverse("profiles:overview", args=[account.pk]),
        delete_url=reverse("profiles:fact-delete", args=[account.pk, fact.pk]),
        delete_label=_("Remove entry"),
    )


@login_required
@require_POST
def fact_delete(request, account_pk, pk):
    fact = get_profile_fact_for_user(request.user, account_pk, pk)
    account = fact.account
    require(can_edit_profile(request.user, account))
    try:
        services.fact_delete(actor=request.user, fact=fact)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("profiles:fact-edit", account_pk=account.pk, pk=fact.pk)
    messages.success(request, _("Entry removed."))
    return _overview(account, _fact_anchor(fact.kind))


# The account's market ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def market_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_edit_profile(request.user, account))
    form = MarketEntryForm(
        request.POST or None,
        initial=_preset(request, MarketKind),
        initiatives=initiatives_for_account(account),
    )
    if submit_to_service(
        request, form, services.market_entry_create, account=account, success=_("Entry added.")
    ):
        return _overview(account, "market")
    return _form_page(
        request,
        account,
        form,
        heading=_("Add an entry on the account's market"),
        cancel=reverse("profiles:overview", args=[account.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def market_edit(request, account_pk, pk):
    entry = get_market_entry_for_user(request.user, account_pk, pk)
    account = entry.account
    require(can_edit_profile(request.user, account))
    initial = {name: getattr(entry, name) for name in MarketEntryEditForm.base_fields if name != "initiative"}
    initial["initiative"] = entry.initiative_id
    form = MarketEntryEditForm(
        request.POST or None, initial=initial, initiatives=initiatives_for_account(account)
    )
    if submit_to_service(request, form, services.market_entry_update, entry=entry, success=_("Entry saved.")):
        return _overview(account, "market")
    return _form_page(
        request,
        account,
        form,
        heading=entry.title,
        cancel=reverse("profiles:overview", args=[account.pk]),
        delete_url=reverse("profiles:market-delete", args=[account.pk, entry.pk]),
        delete_label=_("Remove entry"),
    )


@login_required
@require_POST
def market_delete(request, account_pk, pk):
    entry = get_market_entry_for_user(request.user, account_pk, pk)
    require(can_edit_profile(request.user, entry.account))
    services.market_entry_delete(actor=request.user, entry=entry)
    messages.success(request, _("Entry removed."))
    return _overview(entry.account, "market")


# SWOT ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def swot_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_edit_profile(request.user, account))
    form = SwotItemForm(request.POST or None, initial=_preset(request, Quadrant))
    if submit_to_service(
        request, form, services.swot_item_create, account=account, success=_("SWOT item added.")
    ):
        return _overview(account, "swot")
    return _form_page(
        request,
        account,
        form,
        heading=_("Add a SWOT item"),
        cancel=reverse("profiles:overview", args=[account.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def swot_edit(request, account_pk, pk):
    item = get_swot_item_for_user(request.user, account_pk, pk)
    account = item.account
    require(can_edit_profile(request.user, account))
    initial = {name: getattr(item, name) for name in SwotItemEditForm.base_fields}
    form = SwotItemEditForm(request.POST or None, initial=initial)
    if submit_to_service(request, form, services.swot_item_update, item=item, success=_("SWOT item saved.")):
        return _overview(account, "swot")
    return _form_page(
        request,
        account,
        form,
        heading=_("Edit a SWOT item"),
        cancel=reverse("profiles:overview", args=[account.pk]),
        delete_url=reverse("profiles:swot-delete", args=[account.pk, item.pk]),
        delete_label=_("Remove item"),
    )


@login_required
@require_POST
def swot_move(request, account_pk, pk):
    item = get_swot_item_for_user(request.user, account_pk, pk)
    require(can_edit_profile(request.user, item.account))
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Move an item up or down."))
    services.swot_item_move(actor=request.user, item=item, direction=form.cleaned_data["direction"])
    return _overview(item.account, "swot")


@login_required
@require_POST
def swot_delete(request, account_pk, pk):
    item = get_swot_item_for_user(request.user, account_pk, pk)
    require(can_edit_profile(request.user, item.account))
    services.swot_item_delete(actor=request.user, item=item)
    messages.success(request, _("SWOT item removed."))
    return _overview(item.account, "swot")

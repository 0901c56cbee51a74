from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import accounts_visible_to
from openkam.core.forms import add_service_errors, submit_to_service
from openkam.users.choices import Role
from openkam.users.models import User

from . import exports, services
from .choices import ProposalStatus, ReviewState
from .filters import ProposalExportForm, ProposalFilterForm, ReviewExportForm, ReviewFilterForm
from .forms import DecisionForm, PolicyForm, ProposalForm, ReviewForm, WithdrawForm
from .permissions import (
    can_change_policy,
    can_complete_review,
    can_decide,
    can_propose,
    can_see_customer_base,
    can_see_history,
    can_withdraw,
    get_history_customer_for_user,
    get_proposal_for_user,
    get_review_account_for_user,
    require,
    require_designations,
)
from .selectors import (
    ReviewRow,
    add_months,
    cap_status,
    completed_reviews_for_user,
    current_policy,
    due_reviews_for_user,
    evidence_visible,
    find_customer_to_propose,
    history_for_customer,
    open_review_for_account,
    preset_customer,
    proposal_counts,
    proposals_for_list,
    review_counts,
)

ACTIVE_NAV = "designations"


def _owners():
    """Who can own a key account: active KAMs."""
    return User.objects.filter(is_active=True, role=Role.KAM).order_by("last_name", "first_name")


def _area(request, section: str, **context) -> dict:
    """Context every page of the area shares: navigation state, the policy and the list's fill level."""
    policy = current_policy()
    return {
        "active_nav": ACTIVE_NAV,
        "section": section,
        "policy": policy,
        "interval": policy.review_interval_months,
        "cap": cap_status(policy),
        "can_propose": can_propose(request.user),
        "can_change_policy": can_change_policy(request.user),
        **context,
    }


def _account_visible(user, account_id) -> bool:
    """Whether the key-account page (accounts app) opens for ``user``: link to it only then."""
    return bool(account_id) and accounts_visible_to(user).filter(pk=account_id).exists()


def _with_labels(counts: dict[str, int], choices) -> list[tuple[str, str, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in choices]


# Proposals --------------------------------------------------------------------------------------


@login_required
@require_GET
def proposal_list(request):
    """The proposals the person may see, filterable by status and type; htmx swaps only the table."""
    require_designations(request.user)
    form = ProposalFilterForm(request.GET or None)
    page = Paginator(proposals_for_list(request.user, form.to_filter()), 50).get_page(request.GET.get("page"))
    context = _area(
        request,
        "proposals",
        form=form,
        page=page,
        proposals=page.object_list,
        counts=_with_labels(proposal_counts(request.user), ProposalStatus.choices),
    )
    template = (
        "designations/_proposal_table.html"
        if request.htmx and not request.htmx.boosted
        else "designations/proposal_list.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def proposal_export(request):
    """The filtered proposal list as XLSX or CSV."""
    require_designations(request.user)
    form = ProposalExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a valid export format and valid filters."))
    header, rows = exports.proposal_table(proposals_for_list(request.user, form.to_filter()))
    return exports.download(
        form.cleaned_data["format"], _("designation-proposals"), header, rows, sheet=_("Proposals")
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    """Propose a customer as key account; ``?customer=<id>`` (from the selection) fills in its number."""
    require_designations(request.user)
    require(can_propose(request.user))
    preset = preset_customer(request.user, request.GET.get("customer"))
    initial = {"customer": preset.number if preset else ""}
    if request.user.role == Role.KAM:
        initial["proposed_owner"] = request.user.pk
    form = ProposalForm(request.POST or None, initial=initial, owners=_owners())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = find_customer_to_propose(request.user, number=data["customer"])
            proposal = services.proposal_create(
                actor=request.user,
                customer=customer,
                account_type=data["account_type"],
                reason=data["reason"],
                proposed_owner=data["proposed_owner"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Proposal submitted. The head of KAM decides on it."))
            return redirect("designations:proposal-detail", pk=proposal.pk)
    return render(
        request, "designations/proposal_form.html", _area(request, "proposals", form=form, preset=preset)
    )


def _proposal_page(request, proposal, *, decision_form=None, status=200):
    user = request.user
    deciding = proposal.is_open and can_decide(user, proposal)
    context = _area(
        request,
        "proposals",
        proposal=proposal,
        evidence=proposal.evidence if evidence_visible(user, proposal) else None,
        can_decide=deciding,
        can_withdraw=proposal.is_open and can_withdraw(user, proposal),
        can_see_history=can_see_history(user, proposal.customer),
        account_visible=_account_visible(user, proposal.key_account_id),
        decision_form=decision_form or (DecisionForm() if deciding else None),
        withdraw_form=WithdrawForm(),
    )
    return render(request, "designations/proposal_detail.html", context, status=status)


@login_required
@require_GET
def proposal_detail(request, pk):
    return _proposal_page(request, get_proposal_for_user(request.user, pk))


@login_required
@require_POST
def proposal_decide(request, pk):
    """Approve or reject (the button pressed says which); errors re-render the proposal page."""
    proposal = get_proposal_for_user(request.user, pk)
    require(can_decide(request.user, proposal))
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.proposal_approve(
                    actor=request.user,
                    proposal=proposal,
                    cap_justification=data["cap_justification"],
                    note=data["note"],
                )
                messages.success(
                    request,
                    _("Approved: %(customer)s is a key account now.") % {"customer": proposal.customer.name},
                )
            else:
                services.proposal_reject(actor=request.user, proposal=proposal, note=data["note"])
                messages.success(request, _("Proposal rejected."))
        except ValidationError as exc:
            proposal.refresh_from_db()
            if not proposal.is_open:
                # Decided in the meantime (another tab, another person): there is no form to correct.
                messages.error(request, " ".join(exc.messages))
                return redirect("designations:proposal-detail", pk=proposal.pk)
            add_service_errors(form, exc)
        else:
            return redirect("designations:proposal-detail", pk=proposal.pk)
    return _proposal_page(request, proposal, decision_form=form)


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = get_proposal_for_user(request.user, pk)
    require(can_withdraw(request.user, proposal))
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_withdraw(actor=request.user, proposal=proposal, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Proposal withdrawn."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("designations:proposal-detail", pk=proposal.pk)


# Reviews ----------------------------------------------------------------------------------------


@login_required
@require_GET
def review_list(request):
    """Open reviews by due date (overdue first), or the completed ones; htmx swaps only the table."""
    require_designations(request.user)
    form = ReviewFilterForm(request.GET or None)
    state = form.to_state()
    context = _area(request, "reviews", form=form, state=state, done=state == ReviewState.DONE)
    open_rows = due_reviews_for_user(request.user, interval=context["interval"])
    if state == ReviewState.DONE:
        page = Paginator(completed_reviews_for_user(request.user), 50).get_page(request.GET.get("page"))
        page.object_list = [ReviewRow.completed(r) for r in page.object_list]
    else:
        rows = [row for row in open_rows if not state or row.state == state]
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context |= {
        "page": page,
        "rows": page.object_list,
        "counts": _with_labels(
            review_counts(open_rows),
            [(s.value, s.label) for s in (ReviewState.OVERDUE, ReviewState.DUE, ReviewState.UPCOMING)],
        ),
    }
    template = (
        "designations/_review_table.html"
        if request.htmx and not request.htmx.boosted
        else "designations/review_list.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def review_export(request):
    require_designations(request.user)
    form = ReviewExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a valid export format and valid filters."))
    state = form.to_state()
    if state == ReviewState.DONE:
        rows = (ReviewRow.completed(r) for r in completed_reviews_for_user(request.user))
    else:
        rows = due_reviews_for_user(request.user, state=state)
    header, lines = exports.review_table(rows)
    return exports.download(
        form.cleaned_data["format"], _("designation-reviews"), header, lines, sheet=_("Reviews")
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_complete(request, account_pk):
    """The owning KAM completes the account's open review; the outcome changes the account."""
    account = get_review_account_for_user(request.user, account_pk)
    require(can_complete_review(request.user, account))
    open_review = open_review_for_account(account)
    context = _area(request, "reviews", account=account, open_review=open_review)
    form = ReviewForm(
        request.POST or None,
        initial={"next_due_date": add_months(timezone.localdate(), context["interval"])},
    )
    if open_review is None:
        messages.error(request, _("Only active and on-hold key accounts are reviewed."))
    elif submit_to_service(
        request, form, services.review_complete, account=account, success=_("Review completed.")
    ):
        return redirect("designations:history", customer_pk=account.customer_id)
    return render(request, "designations/review_form.html", {**context, "form": form})


# Policy and history -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request):
    require_designations(request.user)
    require(can_change_policy(request.user))
    policy = current_policy()
    form = PolicyForm(
        request.POST or None,
        initial={
            "key_account_cap": policy.key_account_cap,
            "review_interval_months": policy.review_interval_months,
        },
    )
    if submit_to_service(request, form, services.policy_update, success=_("Policy saved.")):
        return redirect("designations:policy")
    return render(request, "designations/policy_form.html", _area(request, "policy", form=form))


@login_required
@require_GET
def history(request, customer_pk):
    """The designation history of one customer: proposals, decisions, designation and reviews."""
    customer = get_history_customer_for_user(request.user, customer_pk)
    detail = history_for_customer(customer)
    account = detail.account
    context = _area(
        request,
        "history",
        customer=customer,
        detail=detail,
        can_complete=bool(
            account is not None
            and detail.next_review is not None
            and can_complete_review(request.user, account)
        ),
        can_see_proposals=can_see_customer_base(request.user),
        account_visible=_account_visible(request.user, account.pk if account else None),
    )
    return render(request, "designations/history.html", context)

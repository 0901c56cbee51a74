"""API operations of the designation workflow: proposals and decisions, reviews, the policy and a
customer's designation history.

See openkam/api.py for authentication and the error format, and docs/designation.md for the
rules. Objects are loaded only through the access helpers of ``permissions`` (404 for what the
caller may not see); every write goes through a service, which checks the permission (403) and
validates (422). Unknown fields in bodies and queries are refused with 422 naming the field.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field, model_validator

from openkam.accounts.choices import AccountStatus, AccountType
from openkam.core.api import InputSchema, PatchSchema, UserRef, refuse_unknown_query, with_errors
from openkam.users.models import User

from . import services
from .choices import ProposalStatus, ReviewOutcome, ReviewState
from .models import MAX_CAP, MAX_INTERVAL_MONTHS
from .permissions import (
    can_complete_review,
    can_decide,
    can_propose,
    can_withdraw,
    get_history_customer_for_user,
    get_proposal_for_user,
    get_review_account_for_user,
    require,
    require_designations,
)
from .selectors import (
    ProposalFilter,
    ReviewRow,
    cap_status,
    completed_reviews_for_user,
    current_policy,
    due_reviews_for_user,
    evidence_visible,
    find_customer_to_propose,
    history_for_customer,
    proposals_for_list,
)

router = Router(tags=["designations"])


class CustomerRef(Schema):
    id: int
    number: str
    name: str


class ProposalOut(Schema):
    id: int
    customer: CustomerRef
    account_type: AccountType
    reason: str
    proposed_owner: UserRef
    proposed_by: UserRef
    proposed_at: datetime
    status: ProposalStatus
    decided_by: UserRef | None
    decided_at: datetime | None
    decision_note: str
    cap_justification: str
    key_accounts_at_decision: int | None
    cap_at_decision: int | None
    key_account_id: int | None
    evidence: dict[str, Any] | None = Field(
        None,
        description="Revenue and selection result when proposed; null for callers who may not see the customer.",
    )
    can_decide: bool
    can_withdraw: bool

    @staticmethod
    def resolve_evidence(obj, context) -> dict | None:
        return obj.evidence if evidence_visible(context["request"].auth, obj) else None

    @staticmethod
    def resolve_can_decide(obj, context) -> bool:
        return obj.is_open and can_decide(context["request"].auth, obj)

    @staticmethod
    def resolve_can_withdraw(obj, context) -> bool:
        return obj.is_open and can_withdraw(context["request"].auth, obj)


class ProposalListFilters(InputSchema):
    status: ProposalStatus | None = None
    account_type: AccountType | None = None


class ProposalIn(InputSchema):
    """Name the customer by its exact number (anyone who may propose) or its id (customers you can see)."""

    customer_number: str | None = Field(None, max_length=40)
    customer_id: int | None = None
    account_type: AccountType
    reason: str = Field(max_length=4000)
    proposed_owner_id: int

    @model_validator(mode="after")
    def _one_customer(self):
        if (self.customer_number is None) == (self.customer_id is None):
            raise ValueError(gettext("Send either customer_number or customer_id."))
        return self


class ApproveIn(InputSchema):
    cap_justification: str = Field("", max_length=4000)
    note: str = Field("", max_length=4000)


class RejectIn(InputSchema):
    note: str = Field(max_length=4000)


class WithdrawIn(InputSchema):
    note: str = Field("", max_length=4000)


class AccountRef(Schema):
    id: int
    customer: CustomerRef
    owner: UserRef
    account_type: AccountType
    status: AccountStatus
    designated_since: date


class ReviewOut(Schema):
    """An open review (``state`` overdue, due or upcoming; ``review_id`` null while it has not been
    scheduled as a row) or a completed one (``state`` done)."""

    review_id: int | None
    account: AccountRef
    state: ReviewState
    due_date: date
    completed_at: datetime | None
    completed_by: UserRef | None
    outcome: ReviewOutcome | None
    note: str
    next_due_date: date | None

    @staticmethod
    def resolve_outcome(obj) -> str | None:
        return obj.outcome or None


class ReviewListFilters(InputSchema):
    state: ReviewState | None = None


class ReviewCompleteIn(InputSchema):
    outcome: ReviewOutcome
    note: str = Field("", max_length=4000)
    next_due_date: date | None = None


class PolicyOut(Schema):
    key_account_cap: int
    review_interval_months: int
    key_accounts: int = Field(description="Active and on-hold key accounts, which count against the cap.")
    updated_at: datetime | None
    updated_by: UserRef | None


class PolicyPatch(PatchSchema):
    key_account_cap: int | None = Field(None, ge=1, le=MAX_CAP)
    review_interval_months: int | None = Field(None, ge=1, le=MAX_INTERVAL_MONTHS)


class HistoryAccount(Schema):
    id: int
    account_type: AccountType
    status: AccountStatus
    owner: UserRef
    designated_since: date
    reason: str


class HistoryOut(Schema):
    customer: CustomerRef
    account: HistoryAccount | None
    next_review: ReviewOut | None
    proposals: list[ProposalOut]
    reviews: list[ReviewOut]


def _as_api_fields(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The service's ValidationError with its field names translated to those of the request."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


def _policy_out():
    policy = current_policy()
    return {
        "key_account_cap": policy.key_account_cap,
        "review_interval_months": policy.review_interval_months,
        "key_accounts": cap_status(policy).count,
        "updated_at": policy.updated_at,
        "updated_by": policy.updated_by,
    }


@router.get(
    "/proposals",
    response=with_errors({200: list[ProposalOut]}, 401, 404, 422),
    operation_id="designation_proposals_list",
    summary=_("List designation proposals"),
)
@paginate(LimitOffsetPagination)
def proposals_list(request, filters: Query[ProposalListFilters]):
    """All proposals for management and administrators, your own for a KAM; newest first."""
    require_designations(request.auth)
    refuse_unknown_query(request, ProposalListFilters, LimitOffsetPagination.Input)
    return proposals_for_list(
        request.auth, ProposalFilter(status=filters.status or "", account_type=filters.account_type or "")
    )


@router.post(
    "/proposals",
    response=with_errors({201: ProposalOut}, 401, 403, 404, 422),
    operation_id="designation_proposal_create",
    summary=_("Propose a customer as key account"),
)
def proposal_create(request, payload: ProposalIn):
    """Management and KAMs propose. An unknown number and a customer you cannot see that may not be
    proposed give the same 422, so the operation reveals nothing about the customer base."""
    user = request.auth
    require_designations(user)
    # Checked before the customer is looked up, so that someone who may not propose learns nothing.
    require(can_propose(user))
    field = "customer_number" if payload.customer_number is not None else "customer_id"
    names = {"customer": field, "proposed_owner": "proposed_owner_id"}
    try:
        customer = find_customer_to_propose(user, number=payload.customer_number, pk=payload.customer_id)
        proposal = services.proposal_create(
            actor=user,
            customer=customer,
            account_type=payload.account_type,
            reason=payload.reason,
            proposed_owner=User.objects.filter(pk=payload.proposed_owner_id).first(),
        )
    except ValidationError as exc:
        raise _as_api_fields(exc, names) from exc
    return Status(201, get_proposal_for_user(user, proposal.pk))


@router.get(
    "/proposals/{proposal_id}",
    response=with_errors({200: ProposalOut}, 401, 404),
    operation_id="designation_proposal_get",
    summary=_("Show a designation proposal"),
)
def proposal_get(request, proposal_id: int):
    return get_proposal_for_user(request.auth, proposal_id)


@router.post(
    "/proposals/{proposal_id}/approve",
    response=with_errors({200: ProposalOut}, 401, 403, 404, 422),
    operation_id="designation_proposal_approve",
    summary=_("Approve a proposal and designate the key account"),
)
def proposal_approve(request, proposal_id: int, payload: ApproveIn):
    """The head of KAM approves; beyond the cap, ``cap_justification`` is required. Creates the key
    account (owner, type and reason of the proposal) and schedules its first review."""
    proposal = get_proposal_for_user(request.auth, proposal_id)
    services.proposal_approve(
        actor=request.auth, proposal=proposal, cap_justification=payload.cap_justification, note=payload.note
    )
    return get_proposal_for_user(request.auth, proposal.pk)


@router.post(
    "/proposals/{proposal_id}/reject",
    response=with_errors({200: ProposalOut}, 401, 403, 404, 422),
    operation_id="designation_proposal_reject",
    summary=_("Reject a proposal"),
)
def proposal_reject(request, proposal_id: int, payload: RejectIn):
    """The head of KAM rejects; the note saying why is required."""
    proposal = get_proposal_for_user(request.auth, proposal_id)
    services.proposal_reject(actor=request.auth, proposal=proposal, note=payload.note)
    return get_proposal_for_user(request.auth, proposal.pk)


@router.post(
    "/proposals/{proposal_id}/withdraw",
    response=with_errors({200: ProposalOut}, 401, 403, 404, 422),
    operation_id="designation_proposal_withdraw",
    summary=_("Withdraw your open proposal"),
)
def proposal_withdraw(request, proposal_id: int, payload: WithdrawIn):
    proposal = get_proposal_for_user(request.auth, proposal_id)
    services.proposal_withdraw(actor=request.auth, proposal=proposal, note=payload.note)
    return get_proposal_for_user(request.auth, proposal.pk)


@router.get(
    "/reviews",
    response=with_errors({200: list[ReviewOut]}, 401, 404, 422),
    operation_id="designation_reviews_list",
    summary=_("List designation reviews"),
)
@paginate(LimitOffsetPagination)
def reviews_list(request, filters: Query[ReviewListFilters]):
    """Open reviews, earliest due first (all of them, or ``state`` overdue, due or upcoming), or the
    completed ones (``state=done``, newest first): of every key account for management and
    administrators, of your own accounts for a KAM."""
    require_designations(request.auth)
    refuse_unknown_query(request, ReviewListFilters, LimitOffsetPagination.Input)
    if filters.state == ReviewState.DONE:
        return [ReviewRow.completed(r) for r in completed_reviews_for_user(request.auth)]
    return due_reviews_for_user(request.auth, state=filters.state or "")


@router.post(
    "/reviews/{account_id}/complete",
    response=with_errors({200: ReviewOut}, 401, 403, 404, 422),
    operation_id="designation_review_complete",
    summary=_("Complete the open review of a key account"),
)
def review_complete(request, account_id: int, payload: ReviewCompleteIn):
    """Each active or on-hold account has one open review, addressed by the account. The owning KAM
    completes it; the outcome changes the account and the next review is scheduled."""
    account = get_review_account_for_user(request.auth, account_id)
    require(can_complete_review(request.auth, account))
    review = services.review_complete(
        actor=request.auth,
        account=account,
        outcome=payload.outcome,
        note=payload.note,
        next_due_date=payload.next_due_date,
    )
    review.account = get_review_account_for_user(request.auth, account_id)
    return ReviewRow.completed(review)


@router.get(
    "/policy",
    response=with_errors({200: PolicyOut}, 401, 404),
    operation_id="designation_policy_get",
    summary=_("Show the designation policy"),
)
def policy_get(request):
    """The cap on the number of key accounts, how many there are, and the review interval."""
    require_designations(request.auth)
    return _policy_out()


@router.patch(
    "/policy",
    response=with_errors({200: PolicyOut}, 401, 403, 404, 422),
    operation_id="designation_policy_update",
    summary=_("Change the designation policy"),
)
def policy_update(request, payload: PolicyPatch):
    """Management and administrators; fields left out stay unchanged."""
    require_designations(request.auth)
    policy = current_policy()
    values = {
        "key_account_cap": policy.key_account_cap,
        "review_interval_months": policy.review_interval_months,
        **payload.changed(),
    }
    services.policy_update(actor=request.auth, **values)
    return _policy_out()


@router.get(
    "/customers/{customer_id}/history",
    response=with_errors({200: HistoryOut}, 401, 404),
    operation_id="designation_history",
    summary=_("Show the designation history of a customer"),
)
def history(request, customer_id: int):
    """Proposals with their decisions, and the reviews of the customer's key account, oldest first.
    For management, administrators and the account's owner."""
    detail = history_for_customer(get_history_customer_for_user(request.auth, customer_id))
    reviews = [ReviewRow.completed(r) for r in detail.reviews]
    for row in reviews:
        row.account = detail.account
    return {
        "customer": detail.customer,
        "account": detail.account,
        "next_review": detail.next_review,
        "proposals": detail.proposals,
        "reviews": reviews,
    }

"""Writes of the designation workflow: proposals and decisions, reviews, the policy.

Every function checks the permission (PermissionDenied → 403), validates before saving
(ValidationError → form errors / 422), runs in one transaction and leaves an audit entry in it.
Key accounts are created and changed only through ``openkam.accounts.services``, inside the same
transaction, so an approval or a review either happens completely or not at all.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.accounts.choices import AccountStatus, AccountType
from openkam.accounts.models import KeyAccount
from openkam.accounts.services import account_designate, account_update
from openkam.core.services import apply_changes, audit_record
from openkam.sales.models import Customer
from openkam.sales.permissions import customers_visible_to
from openkam.users.choices import Role
from openkam.users.models import User

from .choices import ProposalStatus, ReviewOutcome
from .models import MAX_CAP, MAX_INTERVAL_MONTHS, DesignationPolicy, DesignationProposal, DesignationReview
from .permissions import can_change_policy, can_complete_review, can_decide, can_propose, can_withdraw
from .selectors import (
    COUNTED_STATUSES,
    CUSTOMER_NOT_PROPOSABLE,
    add_months,
    computed_due_date,
    current_policy,
    evidence_for_customer,
)

MAX_TEXT = 4000


def _text(value: str | None) -> str:
    return (value or "").strip()


def _check_length(field: str, value: str) -> None:
    if len(value) > MAX_TEXT:
        raise ValidationError(
            {field: _("Keep it to %(limit)s characters at most.") % {"limit": f"{MAX_TEXT:,}"}}
        )


def _check_proposed_owner(owner: User | None) -> None:
    if owner is None or not owner.is_active or owner.role != Role.KAM:
        raise ValidationError({"proposed_owner": _("The owner must be an active key account manager.")})


def _locked_policy() -> DesignationPolicy:
    """The policy row, created with the defaults if needed and locked until the transaction ends.

    Approvals lock it, so two heads of KAM approving at the same moment cannot both squeeze under
    the cap (on PostgreSQL; SQLite serialises writing transactions anyway).
    """
    DesignationPolicy.objects.get_or_create(pk=DesignationPolicy.SINGLETON_PK)
    return DesignationPolicy.objects.select_for_update().get(pk=DesignationPolicy.SINGLETON_PK)


# Proposals --------------------------------------------------------------------------------------


def _refuse_if_blocked(actor: User, customer: Customer) -> None:
    """Refuse customers that are on the list already or have an open proposal.

    People who cannot see the customer get the same message as for an unknown number, so that a
    KAM learns nothing about the key-account list or other people's proposals from the refusal.
    """
    account = KeyAccount.objects.filter(customer=customer).only("status").first()
    open_proposal = DesignationProposal.objects.filter(
        customer=customer, status=ProposalStatus.PROPOSED
    ).exists()
    if account is None and not open_proposal:
        return
    if not customers_visible_to(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": CUSTOMER_NOT_PROPOSABLE})
    if account is not None and account.status in COUNTED_STATUSES:
        raise ValidationError({"customer": _("This customer is a key account already.")})
    if account is not None:
        # accounts.KeyAccount is one per customer: an ended (or "proposed") record blocks a new
        # designation until the accounts app can reactivate it (docs/designation.md).
        raise ValidationError(
            {
                "customer": _(
                    "This customer has a key-account record with the status “%(status)s”; "
                    "it cannot be designated again here."
                )
                % {"status": account.get_status_display()}
            }
        )
    raise ValidationError({"customer": _("This customer has an open proposal already.")})


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    customer: Customer,
    account_type: str,
    reason: str,
    proposed_owner: User | None,
) -> DesignationProposal:
    """Propose ``customer`` as a key account of ``account_type`` owned by ``proposed_owner``.

    Management and KAMs propose. Raises ValidationError for an empty reason, an owner who is no
    active KAM, or a customer that is a key account already or has an open proposal. The
    evidence (revenue, latest selection result) is taken now and kept with the proposal.
    """
    if not can_propose(actor):
        raise PermissionDenied
    reason = _text(reason)
    if account_type not in AccountType.values:
        raise ValidationError({"account_type": _("Choose a valid account type.")})
    if not reason:
        raise ValidationError({"reason": _("Every key account needs a reason for its designation.")})
    _check_length("reason", reason)
    _check_proposed_owner(proposed_owner)
    _refuse_if_blocked(actor, customer)
    proposal = DesignationProposal(
        customer=customer,
        account_type=account_type,
        reason=reason,
        proposed_owner=proposed_owner,
        proposed_by=actor,
        proposed_at=timezone.now(),
        evidence=evidence_for_customer(customer),
    )
    try:
        # A savepoint, so that losing a race against a second proposal leaves the outer
        # transaction usable and the person gets the same message as without the race.
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:
        raise ValidationError({"customer": CUSTOMER_NOT_PROPOSABLE}) from exc
    audit_record(
        actor=actor,
        action="designation.propose",
        target=proposal,
        changes={
            "customer": str(customer),
            "account_type": account_type,
            "proposed_owner": str(proposed_owner),
            "reason": reason,
        },
    )
    return proposal


def _lock_open(proposal: DesignationProposal) -> DesignationProposal:
    """Lock the proposal's row and refuse unless it is still open (someone may have decided)."""
    current = DesignationProposal.objects.select_for_update().get(pk=proposal.pk)
    if current.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("This proposal has been decided or withdrawn already."))
    return current


@transaction.atomic
def proposal_approve(
    *,
    actor: User,
    proposal: DesignationProposal,
    cap_justification: str = "",
    note: str = "",
) -> DesignationProposal:
    """Approve the proposal: designate the key account and schedule its first review.

    Only management (the head of KAM) approves. When the list would grow beyond the cap of the
    policy, ``cap_justification`` is required and kept. The account is created by
    ``accounts.services.account_designate`` with the proposed owner, type and reason, designated
    as of today; its first review is due one review interval later.
    """
    if not can_decide(actor, proposal):
        raise PermissionDenied
    cap_justification, note = _text(cap_justification), _text(note)
    _check_length("cap_justification", cap_justification)
    _check_length("note", note)
    _lock_open(proposal)
    policy = _locked_policy()
    count = KeyAccount.objects.filter(status__in=COUNTED_STATUSES).count()
    exceeds = count + 1 > policy.key_account_cap
    if exceeds and not cap_justification:
        raise ValidationError(
            {
                "cap_justification": _(
                    "The list has %(count)s of %(cap)s key accounts. Explain why this one should "
                    "be added beyond the cap."
                )
                % {"count": count, "cap": policy.key_account_cap}
            }
        )
    today = timezone.localdate()
    account = account_designate(
        actor=actor,
        customer=proposal.customer,
        owner=proposal.proposed_owner,
        account_type=proposal.account_type,
        reason=proposal.reason,
        designated_since=today,
    )
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.cap_justification = cap_justification if exceeds else ""
    proposal.key_accounts_at_decision = count
    proposal.cap_at_decision = policy.key_account_cap
    proposal.key_account = account
    proposal.save()
    changes = {"status": (ProposalStatus.PROPOSED, ProposalStatus.APPROVED), "key_account": str(account)}
    if exceeds:
        changes["cap_justification"] = cap_justification
    if note:
        changes["decision_note"] = note
    audit_record(
        actor=actor, action="designation.approve", target=proposal, account_id=account.pk, changes=changes
    )
    _schedule_review(actor=actor, account=account, due_date=add_months(today, policy.review_interval_months))
    return proposal


@transaction.atomic
def proposal_reject(*, actor: User, proposal: DesignationProposal, note: str) -> DesignationProposal:
    """Reject the proposal (management only); the note saying why is required."""
    if not can_decide(actor, proposal):
        raise PermissionDenied
    note = _text(note)
    if not note:
        raise ValidationError({"note": _("Say why the proposal is rejected.")})
    _check_length("note", note)
    _lock_open(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save()
    audit_record(
        actor=actor,
        action="designation.reject",
        target=proposal,
        changes={"status": (ProposalStatus.PROPOSED, ProposalStatus.REJECTED), "decision_note": note},
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: DesignationProposal, note: str = "") -> DesignationProposal:
    """Withdraw an open proposal; only the person who made it may."""
    if not can_withdraw(actor, proposal):
        raise PermissionDenied
    note = _text(note)
    _check_length("note", note)
    _lock_open(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save()
    changes = {"status": (ProposalStatus.PROPOSED, ProposalStatus.WITHDRAWN)}
    if note:
        changes["decision_note"] = note
    audit_record(actor=actor, action="designation.withdraw", target=proposal, changes=changes)
    return proposal


# Reviews ----------------------------------------------------------------------------------------


def _schedule_review(*, actor: User | None, account: KeyAccount, due_date: date) -> DesignationReview:
    review = DesignationReview.objects.create(account=account, due_date=due_date)
    audit_record(
        actor=actor,
        action="designation.review_schedule",
        target=review,
        account_id=account.pk,
        changes={"due_date": due_date.isoformat()},
    )
    return review


def _open_review(account: KeyAccount, interval: int) -> DesignationReview:
    """The account's open review, locked; created with the computed due date for accounts that
    were designated without this workflow (they have no row until their first review)."""
    review = (
        DesignationReview.objects.select_for_update()
        .filter(account=account, completed_at__isnull=True)
        .first()
    )
    if review is not None:
        return review
    last = (
        DesignationReview.objects.filter(account=account, completed_at__isnull=False)
        .order_by("-completed_at", "-id")
        .first()
    )
    due = computed_due_date(
        account,
        interval=interval,
        last_next_due=last.next_due_date if last else None,
        last_completed_at=last.completed_at if last else None,
    )
    return DesignationReview.objects.create(account=account, due_date=due)


# The account status each outcome leads to; "change the type" keeps the status.
_STATUS_AFTER = {
    ReviewOutcome.CONFIRM: AccountStatus.ACTIVE,
    ReviewOutcome.HOLD: AccountStatus.ON_HOLD,
    ReviewOutcome.END: AccountStatus.ENDED,
}


@transaction.atomic
def review_complete(
    *,
    actor: User,
    account: KeyAccount,
    outcome: str,
    note: str = "",
    next_due_date: date | None = None,
) -> DesignationReview:
    """Complete the account's open review and apply its outcome.

    Outcomes: confirm (an on-hold account becomes active again), change the type (existing ↔
    emerging, status unchanged), put on hold, end the designation. A note is required unless the
    designation is confirmed. The next review is due on ``next_due_date`` (default: one review
    interval from today; it must lie in the future) — except after "end", which has none.
    The account is changed through ``accounts.services.account_update``, so only the owning KAM
    completes reviews (PermissionDenied otherwise).
    """
    if not can_complete_review(actor, account):
        raise PermissionDenied
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("Choose a valid outcome.")})
    note = _text(note)
    if outcome != ReviewOutcome.CONFIRM and not note:
        raise ValidationError({"note": _("Say why the designation changes.")})
    _check_length("note", note)
    account = KeyAccount.objects.select_for_update().select_related("customer", "owner").get(pk=account.pk)
    if account.status not in COUNTED_STATUSES:
        raise ValidationError(_("Only active and on-hold key accounts are reviewed."))
    today = timezone.localdate()
    policy = current_policy()
    if outcome == ReviewOutcome.END:
        if next_due_date is not None:
            raise ValidationError({"next_due_date": _("An ended designation has no next review.")})
    else:
        next_due_date = next_due_date or add_months(today, policy.review_interval_months)
        if next_due_date <= today:
            raise ValidationError({"next_due_date": _("The next review must lie in the future.")})
        if next_due_date > add_months(today, MAX_INTERVAL_MONTHS):
            raise ValidationError(
                {
                    "next_due_date": _("Plan the next review within %(months)s months.")
                    % {"months": MAX_INTERVAL_MONTHS}
                }
            )
    if outcome == ReviewOutcome.CHANGE_TYPE:
        new_type = (
            AccountType.EMERGING if account.account_type == AccountType.EXISTING else AccountType.EXISTING
        )
        new_status = account.status
    else:
        new_type, new_status = account.account_type, _STATUS_AFTER[outcome]
    review = _open_review(account, policy.review_interval_months)
    account_update(
        actor=actor, account=account, account_type=new_type, status=new_status, reason=account.reason
    )
    review.completed_at = timezone.now()
    review.completed_by = actor
    review.outcome = outcome
    review.note = note
    review.next_due_date = next_due_date
    review.account_type_after = account.account_type
    review.status_after = account.status
    review.save()
    changes = {"outcome": outcome, "due_date": review.due_date.isoformat()}
    if note:
        changes["note"] = note
    if next_due_date is not None:
        changes["next_due_date"] = next_due_date.isoformat()
    audit_record(
        actor=actor, action="designation.review", target=review, account_id=account.pk, changes=changes
    )
    if next_due_date is not None:
        _schedule_review(actor=actor, account=account, due_date=next_due_date)
    return review


# Policy -----------------------------------------------------------------------------------------


@transaction.atomic
def policy_update(*, actor: User, key_account_cap: int, review_interval_months: int) -> DesignationPolicy:
    """Change the cap and the review interval (management and administrators).

    A lower cap than the current number of key accounts is allowed: it ends nothing, but every
    further approval then needs a justification. Scheduled reviews keep their dates.
    """
    if not can_change_policy(actor):
        raise PermissionDenied
    if not 1 <= key_account_cap <= MAX_CAP:
        raise ValidationError(
            {"key_account_cap": _("Choose a number between 1 and %(max)s.") % {"max": f"{MAX_CAP:,}"}}
        )
    if not 1 <= review_interval_months <= MAX_INTERVAL_MONTHS:
        raise ValidationError(
            {
                "review_interval_months": _("Choose between 1 and %(max)s months.")
                % {"max": MAX_INTERVAL_MONTHS}
            }
        )
    policy = _locked_policy()
    diff = apply_changes(
        policy, {"key_account_cap": key_account_cap, "review_interval_months": review_interval_months}
    )
    if diff:
        policy.updated_by = actor
        policy.full_clean()
        policy.save()
        audit_record(actor=actor, action="designation.policy", target=policy, changes=diff)
    return policy

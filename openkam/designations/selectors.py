"""Reads of the designation workflow, named for the screens and endpoints that use them."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.accounts.choices import AccountStatus
from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.sales.models import Customer, CustomerRevenue
from openkam.sales.permissions import customers_visible_to

from .choices import ProposalStatus, ReviewState
from .models import DesignationPolicy, DesignationProposal, DesignationReview
from .permissions import can_see_customer_base, proposals_visible_to, review_accounts_visible_to

# Active and on-hold accounts are on the list; proposed and ended ones are not.
COUNTED_STATUSES = (AccountStatus.ACTIVE, AccountStatus.ON_HOLD)
# A review is "due soon" this many days before its due date: time to prepare it.
DUE_SOON_DAYS = 60
# Fiscal years of revenue kept in a proposal's evidence.
EVIDENCE_YEARS = 3
# What a proposal's evidence keeps of a selection result (openkam.portfolio), and where it is
# found on the result: an object (their SelectionResult) or a mapping, first name present wins.
SELECTION_FIELDS = {
    "abc_class": ("abc_class",),
    "score": ("score",),
    "score_rank": ("score_rank", "rank"),
    "quadrant": ("quadrant",),
    "clv": ("clv",),
    "clv_rank": ("clv_rank",),
    "run_id": ("run_id",),
    "as_of": ("as_of", "run.as_of"),
}

# One message for a number that does not exist and for a customer the person cannot see that
# may not be proposed, so the form cannot be used to find out who is in the books or on the
# key-account list (docs/designation.md, "Who may propose whom").
CUSTOMER_NOT_PROPOSABLE = _(
    "No customer with this number can be proposed. Check the number: customers that are key "
    "accounts already or have an open proposal cannot be proposed again."
)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Policy and cap ---------------------------------------------------------------------------------


def current_policy() -> DesignationPolicy:
    """The policy row, or an unsaved one with the defaults when nobody has changed it yet."""
    return DesignationPolicy.objects.filter(pk=DesignationPolicy.SINGLETON_PK).first() or DesignationPolicy(
        pk=DesignationPolicy.SINGLETON_PK
    )


def key_account_count() -> int:
    """The key accounts that count against the cap: active and on hold, company-wide."""
    return KeyAccount.objects.filter(status__in=COUNTED_STATUSES).count()


@dataclass(frozen=True)
class CapStatus:
    """How full the key-account list is: ``count`` of ``cap``."""

    count: int
    cap: int

    @property
    def approval_exceeds(self) -> bool:
        """Whether one more approval would take the list beyond its cap."""
        return self.count + 1 > self.cap

    @property
    def over(self) -> bool:
        return self.count > self.cap


def cap_status(policy: DesignationPolicy | None = None) -> CapStatus:
    policy = policy or current_policy()
    return CapStatus(count=key_account_count(), cap=policy.key_account_cap)


# Proposals --------------------------------------------------------------------------------------


def find_customer_to_propose(user, *, number: str | None = None, pk: int | None = None) -> Customer:
    """The customer a proposal is for, looked up by its exact number (or, by id, among the customers
    ``user`` may see).

    A KAM sees only the customers of their own accounts, yet proposes customers that are not key
    accounts yet; so the exact number finds any customer. Raises ValidationError with the one
    message ``CUSTOMER_NOT_PROPOSABLE`` when nothing is found.
    """
    customer = None
    if number is not None and number.strip():
        customer = Customer.objects.filter(number=number.strip()).first()
    elif pk is not None:
        customer = customers_visible_to(user).filter(pk=pk).first()
    if customer is None:
        raise ValidationError({"customer": CUSTOMER_NOT_PROPOSABLE})
    return customer


def preset_customer(user, raw_pk) -> Customer | None:
    """The customer named by ``?customer=<id>`` if ``user`` may see it; anything else is ignored."""
    try:
        pk = int(raw_pk)
    except (TypeError, ValueError):
        return None
    return customers_visible_to(user).filter(pk=pk).first()


@dataclass(frozen=True)
class ProposalFilter:
    status: str = ""
    account_type: str = ""


def proposals_for_list(user, filters: ProposalFilter | None = None) -> QuerySet[DesignationProposal]:
    """The proposals ``user`` may see, newest first, with customer and people in the same query."""
    filters = filters or ProposalFilter()
    qs = proposals_visible_to(user).select_related("customer", "proposed_owner", "proposed_by", "decided_by")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.account_type:
        qs = qs.filter(account_type=filters.account_type)
    return qs.order_by("-proposed_at", "-id")


def proposal_counts(user) -> dict[str, int]:
    """How many visible proposals are in each status (every status present, zeros included)."""
    rows = proposals_visible_to(user).order_by().values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(ProposalStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def _json_value(value):
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _selection_snapshot(customer: Customer) -> dict | None:
    """The latest selection result of the portfolio app, if that app offers one."""
    try:
        # Another app, built at the same time; without it a proposal carries the revenue only.
        from openkam.portfolio.selectors import latest_result_for_customer
    except ImportError:
        return None
    result = latest_result_for_customer(customer)
    if result is None:
        return None
    snapshot = {}
    for name, sources in SELECTION_FIELDS.items():
        value = next((v for v in (_lookup(result, path) for path in sources) if v not in (None, "")), None)
        if value is not None:
            snapshot[name] = _json_value(value)
    return snapshot or None


def _lookup(obj, path: str):
    """``obj.a.b`` for the path ``a.b``, through attributes or mapping keys; None when missing."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, Mapping) else getattr(obj, part, None)
    return obj


def evidence_for_customer(customer: Customer) -> dict:
    """What the selection says about ``customer`` now, as JSON for a proposal's snapshot.

    ``revenues``: the last ``EVIDENCE_YEARS`` fiscal years, oldest first, amounts as strings;
    ``selection``: ABC class, score and rank, quadrant and CLV of the latest selection run, or
    None when there is none (or no portfolio app).
    """
    revenues = list(
        CustomerRevenue.objects.filter(customer=customer).order_by("-fiscal_year")[:EVIDENCE_YEARS]
    )
    return {
        "taken_at": timezone.now().isoformat(),
        "revenues": [
            {
                "fiscal_year": r.fiscal_year,
                "revenue": str(r.revenue),
                "margin": str(r.margin),
                "invoice_lines": r.invoice_lines,
            }
            for r in reversed(revenues)
        ],
        "selection": _selection_snapshot(customer),
    }


def evidence_visible(user, proposal: DesignationProposal) -> bool:
    """Figures about a customer are shown only to those who may see the customer: a KAM who
    proposed a customer outside their accounts sees their proposal, not the customer's revenue."""
    if can_see_customer_base(user):
        return True  # without a query: lists of the API ask for every proposal
    return customers_visible_to(user).filter(pk=proposal.customer_id).exists()


# Reviews ----------------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    """One line of the review lists: an open review (scheduled or computed) or a completed one."""

    account: KeyAccount
    state: str
    due_date: date
    review_id: int | None = None
    completed_at: datetime | None = None
    completed_by: object = None
    outcome: str = ""
    note: str = ""
    next_due_date: date | None = None

    @property
    def is_open(self) -> bool:
        return self.state != ReviewState.DONE

    @classmethod
    def completed(cls, review: DesignationReview) -> ReviewRow:
        return cls(
            account=review.account,
            state=ReviewState.DONE,
            due_date=review.due_date,
            review_id=review.pk,
            completed_at=review.completed_at,
            completed_by=review.completed_by,
            outcome=review.outcome,
            note=review.note,
            next_due_date=review.next_due_date,
        )


def review_state(due: date, today: date) -> str:
    if due < today:
        return ReviewState.OVERDUE
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return ReviewState.DUE
    return ReviewState.UPCOMING


def computed_due_date(
    account: KeyAccount, *, interval: int, last_next_due: date | None, last_completed_at: datetime | None
) -> date:
    """The due date of an account that has no scheduled review row.

    That is an account designated before this workflow existed, or one reactivated after its
    designation had ended: the next date the last completed review set, else one interval after
    that review, else one interval after the designation. The date is not rolled forward to the
    next anniversary: a designation that was never reviewed is overdue, which is the point.
    """
    if last_next_due is not None:
        return last_next_due
    if last_completed_at is not None:
        return add_months(timezone.localdate(last_completed_at), interval)
    return add_months(account.designated_since, interval)


def _open_reviews(accounts: QuerySet[KeyAccount], *, today: date, interval: int) -> list[ReviewRow]:
    open_rows = DesignationReview.objects.filter(account=OuterRef("pk"), completed_at__isnull=True).order_by()
    done_rows = DesignationReview.objects.filter(account=OuterRef("pk"), completed_at__isnull=False).order_by(
        "-completed_at", "-id"
    )
    accounts = (
        accounts.filter(status__in=COUNTED_STATUSES)
        .select_related("customer", "owner")
        .annotate(
            open_review_id=Subquery(open_rows.values("pk")[:1]),
            open_due=Subquery(open_rows.values("due_date")[:1]),
            last_next_due=Subquery(done_rows.values("next_due_date")[:1]),
            last_completed_at=Subquery(done_rows.values("completed_at")[:1]),
        )
    )
    rows = []
    for account in accounts:
        due = account.open_due or computed_due_date(
            account,
            interval=interval,
            last_next_due=account.last_next_due,
            last_completed_at=account.last_completed_at,
        )
        rows.append(
            ReviewRow(
                account=account,
                state=review_state(due, today),
                due_date=due,
                review_id=account.open_review_id,
            )
        )
    rows.sort(key=lambda row: (row.due_date, row.account.customer.name, row.account.pk))
    return rows


def due_reviews_for_user(
    user, *, state: str = "", today: date | None = None, interval: int | None = None
) -> list[ReviewRow]:
    """The open reviews of the active and on-hold accounts ``user`` may see, earliest due first.

    ``state`` narrows them to overdue, due soon or scheduled ones; ``interval`` (months) defaults
    to the policy's. The key-account list is short by design (it has a cap), so the due dates are
    computed here rather than in SQL.
    """
    today = today or timezone.localdate()
    interval = interval or current_policy().review_interval_months
    rows = _open_reviews(review_accounts_visible_to(user), today=today, interval=interval)
    if state:
        rows = [row for row in rows if row.state == state]
    return rows


def open_review_for_account(account: KeyAccount, *, today: date | None = None) -> ReviewRow | None:
    """The open review of one account (None when its designation has ended or not begun)."""
    rows = _open_reviews(
        KeyAccount.objects.filter(pk=account.pk),
        today=today or timezone.localdate(),
        interval=current_policy().review_interval_months,
    )
    return rows[0] if rows else None


def completed_reviews_for_user(user) -> QuerySet[DesignationReview]:
    """The completed reviews of the accounts ``user`` may see, newest first."""
    return (
        DesignationReview.objects.filter(
            account__in=review_accounts_visible_to(user), completed_at__isnull=False
        )
        .select_related("account__customer", "account__owner", "completed_by")
        .order_by("-completed_at", "-id")
    )


def review_counts(rows: list[ReviewRow]) -> dict[str, int]:
    counts = dict.fromkeys((ReviewState.OVERDUE, ReviewState.DUE, ReviewState.UPCOMING), 0)
    for row in rows:
        counts[row.state] += 1
    return counts


# History ----------------------------------------------------------------------------------------


@dataclass
class HistoryEvent:
    """One step of a customer's designation history, for the chronological list."""

    kind: str  # proposed, approved, rejected, withdrawn, designated, reviewed
    at: datetime
    actor_name: str
    proposal: DesignationProposal | None = None
    review: DesignationReview | None = None
    account: KeyAccount | None = None
    date_only: bool = False


@dataclass
class CustomerHistory:
    customer: Customer
    account: KeyAccount | None
    proposals: list[DesignationProposal]
    reviews: list[DesignationReview]
    next_review: ReviewRow | None
    events: list[HistoryEvent]
    designated_by: str | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def history_for_customer(customer: Customer) -> CustomerHistory:
    """Everything about ``customer``'s designation, oldest first: proposals and their decisions, the
    designation itself when it was made without a proposal, and the completed reviews.

    The caller must have checked access (``get_history_customer_for_user``).
    """
    account = KeyAccount.objects.select_related("customer", "owner").filter(customer=customer).first()
    proposals = list(
        customer.designation_proposals.select_related("proposed_owner", "proposed_by", "decided_by").order_by(
            "proposed_at", "id"
        )
    )
    reviews = []
    next_review = None
    events: list[HistoryEvent] = []
    designated_by = None
    for p in proposals:
        events.append(HistoryEvent("proposed", p.proposed_at, str(p.proposed_by), proposal=p))
        if p.decided_at is not None:
            events.append(HistoryEvent(p.status, p.decided_at, str(p.decided_by or ""), proposal=p))
    if account is not None:
        reviews = list(
            account.designation_reviews.filter(completed_at__isnull=False)
            .select_related("completed_by")
            .order_by("completed_at", "id")
        )
        events += [
            HistoryEvent("reviewed", r.completed_at, str(r.completed_by or ""), review=r) for r in reviews
        ]
        if not any(p.key_account_id == account.pk for p in proposals):
            # Designated directly (before this workflow, or by the demo): the audit entry says by whom.
            entry = (
                AuditEntry.objects.filter(action="account.designate", account_id=account.pk)
                .only("actor_name")
                .first()
            )
            designated_by = entry.actor_name if entry is not None else ""
            events.append(
                HistoryEvent(
                    "designated",
                    _start_of(account.designated_since),
                    designated_by,
                    account=account,
                    date_only=True,
                )
            )
        next_review = open_review_for_account(account)
    events.sort(key=lambda e: e.at)
    return CustomerHistory(
        customer=customer,
        account=account,
        proposals=proposals,
        reviews=reviews,
        next_review=next_review,
        events=events,
        designated_by=designated_by,
    )

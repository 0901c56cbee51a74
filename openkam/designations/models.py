from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.accounts.choices import AccountStatus, AccountType
from openkam.accounts.models import KeyAccount
from openkam.sales.models import Customer

from .choices import ProposalStatus, ReviewOutcome

DEFAULT_CAP = 25
DEFAULT_INTERVAL_MONTHS = 12
MAX_CAP = 10_000
MAX_INTERVAL_MONTHS = 60


class DesignationPolicy(models.Model):
    """The rules of the key-account list: how many key accounts there may be and how often each
    designation is reviewed.

    A single row (primary key 1, enforced by a constraint), created the first time an approval or
    a change needs it; until then the defaults apply (``selectors.current_policy``). Active and
    on-hold accounts count against the cap.
    """

    SINGLETON_PK = 1

    key_account_cap = models.PositiveIntegerField(
        _("maximum number of key accounts"),
        default=DEFAULT_CAP,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAP)],
        help_text=_("Active and on-hold key accounts count. Approving beyond it needs a justification."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=DEFAULT_INTERVAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_INTERVAL_MONTHS)],
        help_text=_("Every designation is reviewed this many months after its designation or last review."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("designation policy")
        verbose_name_plural = _("designation policies")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="designation_policy_single_row")]

    def __str__(self) -> str:
        return f"{self.key_account_cap} / {self.review_interval_months}"


class DesignationProposal(models.Model):
    """A proposal to make a customer a key account, and the decision on it.

    ``evidence`` is a snapshot, taken when the proposal is made, of what the selection said about
    the customer (revenue of the last fiscal years and, when the portfolio app provides it, the
    latest selection result); it does not change when the figures do, so a decision can be
    understood later on the basis it was made. At most one proposal per customer is open.
    """

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="designation_proposals",
    )
    account_type = models.CharField(_("type"), max_length=20, choices=AccountType.choices)
    reason = models.TextField(_("reason for designation"))
    proposed_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed key account manager"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="designation_proposals",
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    cap_justification = models.TextField(_("justification for exceeding the cap"), blank=True)
    key_accounts_at_decision = models.PositiveIntegerField(
        _("key accounts before the decision"), null=True, blank=True
    )
    cap_at_decision = models.PositiveIntegerField(_("cap at the decision"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    key_account = models.ForeignKey(
        KeyAccount,
        verbose_name=_("key account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designation_proposals",
    )

    class Meta:
        verbose_name = _("designation proposal")
        verbose_name_plural = _("designation proposals")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="proposed"),
                name="one_open_proposal_per_customer",
            )
        ]
        indexes = [models.Index(fields=["status", "-proposed_at"], name="proposal_status_time")]

    def __str__(self) -> str:
        # Language-neutral: audit entries store it as the object's name.
        return str(self.customer)

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.PROPOSED

    @property
    def exceeded_cap(self) -> bool:
        """Whether the approval took the list beyond its cap."""
        if self.status != ProposalStatus.APPROVED or self.cap_at_decision is None:
            return False
        return (self.key_accounts_at_decision or 0) + 1 > self.cap_at_decision


class DesignationReview(models.Model):
    """One periodic review of a key account's designation: scheduled (open) or completed.

    Each active or on-hold account has at most one open review. Approving a proposal schedules
    the first one; completing a review schedules the next, unless it ended the designation.
    Accounts designated without this workflow have no row until their first review is completed;
    their due date is computed (``selectors.due_reviews_for_user``).
    """

    account = models.ForeignKey(
        KeyAccount,
        verbose_name=_("key account"),
        on_delete=models.PROTECT,
        related_name="designation_reviews",
    )
    due_date = models.DateField(_("due"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    next_due_date = models.DateField(_("next review"), null=True, blank=True)
    account_type_after = models.CharField(
        _("type after the review"), max_length=20, choices=AccountType.choices, blank=True
    )
    status_after = models.CharField(
        _("status after the review"), max_length=20, choices=AccountStatus.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("designation review")
        verbose_name_plural = _("designation reviews")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(completed_at__isnull=True),
                name="one_open_review_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account.customer.name} {self.due_date.isoformat()}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from openkam.core.locking import Versioned

from .choices import IMPORTANCE_CHOICES, PERFORMANCE_CHOICES, SCALE_MAX, SCALE_MIN, CompetitorKind, Trend

_SCALE = [MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
FIRST_FISCAL_YEAR = 1990
LAST_FISCAL_YEAR = 2100


class Competitor(Versioned):
    """Another supplier at the key account: a competitor we want to displace or hold off, or a
    partner whose offer complements ours.

    ``share_of_wallet`` is the team's current estimate, in percent, of how much of the customer's
    spend in our categories goes to this supplier. The estimates are compared with the latest
    wallet estimate (``WalletEstimate``); together with our own share they cannot exceed 100 %.
    """

    account = models.ForeignKey(
        "accounts.KeyAccount",
        verbose_name=_("key account"),
        on_delete=models.CASCADE,
        related_name="competitors_and_partners",
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CompetitorKind.choices, default=CompetitorKind.COMPETITOR
    )
    supplies = models.TextField(_("what they supply"), blank=True)
    share_of_wallet = models.DecimalField(
        _("estimated share of wallet (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    strengths = models.TextField(_("strengths"), blank=True)
    threats = models.TextField(_("threats to us"), blank=True)
    trend = models.CharField(_("forecast"), max_length=20, choices=Trend.choices, blank=True)
    forecast = models.TextField(_("forecast in words"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("competitor or partner")
        verbose_name_plural = _("competitors and partners")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "account",
                name="unique_competitor_name_per_account",
                violation_error_message=_("This account lists a competitor or partner of that name already."),
            ),
            models.CheckConstraint(
                condition=Q(share_of_wallet__isnull=True)
                | Q(share_of_wallet__gte=0, share_of_wallet__lte=100),
                name="competitor_share_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Requirement(Versioned):
    """What the customer expects of its suppliers, how much it matters to the customer, and how
    well we and a competitor meet it, each on a scale of 1 to 5 (importance–performance analysis).

    ``competitor`` names the competitor our performance is compared with; when it is empty, the
    comparison is with the account's main competitor (the competitor with the largest estimated
    share of wallet, see ``selectors.main_competitor``).
    """

    account = models.ForeignKey(
        "accounts.KeyAccount",
        verbose_name=_("key account"),
        on_delete=models.CASCADE,
        related_name="supplier_requirements",
    )
    text = models.CharField(_("requirement"), max_length=300)
    importance = models.PositiveSmallIntegerField(
        _("importance to the customer"), choices=IMPORTANCE_CHOICES, validators=_SCALE
    )
    our_performance = models.PositiveSmallIntegerField(
        _("our performance"), choices=PERFORMANCE_CHOICES, validators=_SCALE
    )
    competitor = models.ForeignKey(
        Competitor,
        verbose_name=_("compared competitor"),
        null=True,
        blank=True,
        # The comparison falls back to the main competitor; the rating itself stays.
        on_delete=models.SET_NULL,
        related_name="requirements",
    )
    competitor_performance = models.PositiveSmallIntegerField(
        _("competitor's performance"), choices=PERFORMANCE_CHOICES, validators=_SCALE, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("information source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer requirement")
        verbose_name_plural = _("customer requirements")
        ordering = ["-importance", "text", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(importance__gte=SCALE_MIN, importance__lte=SCALE_MAX)
                & Q(our_performance__gte=SCALE_MIN, our_performance__lte=SCALE_MAX)
                & (
                    Q(competitor_performance__isnull=True)
                    | Q(competitor_performance__gte=SCALE_MIN, competitor_performance__lte=SCALE_MAX)
                ),
                name="requirement_ratings_on_the_scale",
            )
        ]

    def __str__(self) -> str:
        return self.text


class WalletEstimate(Versioned):
    """The team's estimate of what the customer spends in one fiscal year on the product
    categories we offer (its "wallet"), whoever it buys from. Our share of wallet is our revenue
    of that year from the sales ledger divided by this amount."""

    account = models.ForeignKey(
        "accounts.KeyAccount",
        verbose_name=_("key account"),
        on_delete=models.CASCADE,
        related_name="wallet_estimates",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=[MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)],
    )
    amount = models.DecimalField(
        _("estimated spend in our categories"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    notes = models.TextField(_("basis of the estimate"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("wallet estimate")
        verbose_name_plural = _("wallet estimates")
        ordering = ["-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "fiscal_year"],
                name="one_wallet_estimate_per_year",
                violation_error_message=_("This account has a wallet estimate for that fiscal year already."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="wallet_amount_positive"),
        ]

    def __str__(self) -> str:
        # Language-neutral: audit entries store it as the object's name ("… wallet estimate: 2025").
        return str(self.fiscal_year)

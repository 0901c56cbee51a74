from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned
from openkam.stakeholders.choices import BuyingRole
from openkam.stakeholders.models import validate_buying_roles

from .choices import (
    QUALIFICATION_ITEMS,
    QUALIFICATION_LABELS,
    CloseReason,
    CompetitivePosition,
    SellingApproach,
    Stage,
)

MAX_VALUE = 10**12


class Opportunity(Versioned):
    """A chance to win business at a key account, from its identification to won or lost.

    ``probability`` starts at the stage's default and may be overridden by the team; the weighted
    value is ``value × probability``. An opportunity may come from an "opportunity" cell of the
    whitespace matrix and serve a goal of the account plan; both links survive the cell or goal
    being changed (and are cleared, not cascaded, when they are deleted).
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    product_group = models.CharField(_("product group"), max_length=200, blank=True)
    value = models.DecimalField(
        _("value (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=10, validators=[MaxValueValidator(100)]
    )
    expected_close = models.DateField(_("expected close"))
    competitive_position = models.CharField(
        _("our competitive position"),
        max_length=20,
        choices=CompetitivePosition.choices,
        default=CompetitivePosition.UNKNOWN,
    )
    main_competitor = models.CharField(_("main competitor"), max_length=200, blank=True)
    selling_approach = models.CharField(
        _("need or solution selling"),
        max_length=20,
        choices=SellingApproach.choices,
        default=SellingApproach.NEED,
    )
    sales_strategy = models.TextField(_("sales strategy"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_opportunities",
    )
    whitespace_cell = models.ForeignKey(
        "business.WhitespaceCell",
        verbose_name=_("whitespace cell"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    plan_goal = models.ForeignKey(
        "plans.Goal",
        verbose_name=_("plan goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason"), max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(_("what made the difference"), blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close", "pk"]
        indexes = [
            models.Index(fields=["stage", "expected_close"], name="opportunity_stage_close_idx"),
            models.Index(fields=["account", "stage"], name="opportunity_account_stage_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="opportunity_value_not_negative"),
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="opportunity_probability_max"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.stage not in (Stage.WON, Stage.LOST)


class DecisionParticipant(models.Model):
    """A person of the buying center and the roles they play in *this* decision.

    The roles may differ from the person's usual ones in ``Stakeholder.buying_roles`` (the head of
    production decides on machines, only influences a software deal).
    """

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="participants"
    )
    stakeholder = models.ForeignKey(
        "stakeholders.Stakeholder",
        verbose_name=_("stakeholder"),
        on_delete=models.CASCADE,
        related_name="decision_roles",
    )
    roles = models.JSONField(
        _("roles in this decision"), default=list, blank=True, validators=[validate_buying_roles]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("participant in the decision")
        verbose_name_plural = _("buying center of the decision")
        ordering = ["stakeholder__last_name", "stakeholder__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "stakeholder"], name="opportunity_participant_unique"
            )
        ]

    def __str__(self) -> str:
        labels = dict(BuyingRole.choices)
        return f"{self.stakeholder}: {', '.join(str(labels.get(r, r)) for r in self.roles)}"


class QualificationCheck(models.Model):
    """A ticked item of the qualification checklist (``choices.QUALIFICATION``)."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="checks"
    )
    item = models.CharField(
        _("checklist item"), max_length=40, choices=[(key, key) for key in QUALIFICATION_ITEMS]
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), auto_now_add=True)

    class Meta:
        verbose_name = _("qualification check")
        verbose_name_plural = _("qualification checks")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "item"], name="opportunity_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.label}"

    @property
    def label(self) -> str:
        """The item's text in the active language."""
        return str(QUALIFICATION_LABELS.get(self.item, self.item))


class StageChange(models.Model):
    """One move of an opportunity between stages: the history behind win rates and stage times."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_stage} → {self.to_stage}"

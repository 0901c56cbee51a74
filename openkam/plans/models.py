from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.core.locking import Versioned

from .choices import (
    ActionSource,
    ActionStatus,
    Element,
    PlanType,
    Relevance,
    ReviewStatus,
    Step,
    StepState,
    TopicStatus,
)

STEP_ORDER = {step: index for index, step in enumerate(Step.values)}
ELEMENT_ORDER = {element: index for index, element in enumerate(Element.values)}


class Plan(Versioned):
    """The account plan of one key account for one planning cycle (fiscal year).

    A plan is created with its five steps and the seven elements of the development strategy, so
    every plan shows the whole process from the start. ``previous`` is the plan of the cycle it
    was started from.
    """

    account = models.ForeignKey(
        "accounts.KeyAccount", verbose_name=_("key account"), on_delete=models.CASCADE, related_name="plans"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    plan_type = models.CharField(_("plan type"), max_length=20, choices=PlanType.choices)
    vision = models.TextField(_("vision"), blank=True)
    strategy = models.TextField(_("strategy"), blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_plans",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        ordering = ["account", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "fiscal_year"], name="unique_plan_per_year")
        ]

    def __str__(self) -> str:
        return _("Account plan %(year)s") % {"year": self.fiscal_year}


class PlanStep(Versioned):
    """The state of one of the five process steps of a plan, with the team's notes."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=StepState.choices, default=StepState.NOT_STARTED
    )
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        constraints = [models.UniqueConstraint(fields=["plan", "step"], name="unique_plan_step")]

    def __str__(self) -> str:
        return f"{self.plan} – {self.get_step_display()}"

    @property
    def order(self) -> int:
        return STEP_ORDER[self.step]


class StrategyElement(Versioned):
    """The team's text for one of the seven elements of the customer development strategy."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="elements"
    )
    element = models.CharField(_("element"), max_length=30, choices=Element.choices)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("development-strategy element")
        verbose_name_plural = _("development-strategy elements")
        constraints = [models.UniqueConstraint(fields=["plan", "element"], name="unique_plan_element")]

    def __str__(self) -> str:
        return f"{self.plan} – {self.get_element_display()}"

    @property
    def order(self) -> int:
        return ELEMENT_ORDER[self.element]


class Topic(Versioned):
    """A row of the topic map (Themenlandkarte): a topic relevant to the customer, what we offer
    for it and where we stand."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="topics"
    )
    topic = models.CharField(_("customer topic"), max_length=200)
    relevance = models.CharField(
        _("relevance to the customer"), max_length=10, choices=Relevance.choices, default=Relevance.MEDIUM
    )
    offering = models.CharField(_("our offering"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TopicStatus.choices, default=TopicStatus.OPPORTUNITY
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topic map")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.topic


class Goal(Versioned):
    """A goal of the plan tied to a measurable target.

    Whether it is reached is computed: a target above the baseline (or without a baseline) is
    reached when the current value is at least the target, a target below the baseline (fewer
    complaints, shorter lead times) when the current value is at most the target.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(_("goal"), max_length=300)
    kpi = models.CharField(_("KPI"), max_length=150)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2)
    target_date = models.DateField(_("target date"))
    current_value = models.DecimalField(
        _("current value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["target_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def decreasing(self) -> bool:
        return self.baseline is not None and self.target_value < self.baseline

    @property
    def reached(self) -> bool:
        return goal_reached(self.baseline, self.target_value, self.current_value)


def goal_reached(baseline: Decimal | None, target: Decimal | None, current: Decimal | None) -> bool:
    """Whether ``current`` meets ``target``, in the direction from ``baseline`` to ``target``."""
    if current is None or target is None:
        return False
    if baseline is not None and target < baseline:
        return current <= target
    return current >= target


class Action(Versioned):
    """Something a person of our company will do for the account, by a date."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(pgettext_lazy("plan action", "action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    source = models.CharField(
        _("source"), max_length=20, choices=ActionSource.choices, default=ActionSource.PLAN
    )
    review = models.ForeignKey(
        "AnnualReview",
        verbose_name=_("agreed at the annual review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreed_actions",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("plan action", "action")
        verbose_name_plural = pgettext_lazy("plan action", "actions")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="action_owner_open_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date < today


class AnnualReview(Versioned):
    """The annual account review with the customer (KA-Jahresgespräch).

    Completing it freezes a version of the plan (``frozen_version``); the actions agreed with the
    customer are ordinary actions of the plan with source "annual review".
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="reviews"
    )
    date = models.DateField(_("date"))
    participants_ours = models.TextField(_("our participants"), blank=True)
    participants_customer = models.TextField(_("the customer's participants"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    results = models.TextField(_("results"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    frozen_version = models.OneToOneField(
        "PlanVersion",
        verbose_name=_("frozen plan version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return _("Annual review %(date)s") % {"date": self.date.isoformat()}


class PlanVersion(models.Model):
    """An immutable snapshot of a plan (fields, steps, elements, topic map, goals, actions and the
    growth-plan answers), typically frozen at the annual review. Never changed after creation."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    snapshot = models.JSONField(_("snapshot"))
    frozen_at = models.DateTimeField(_("frozen"), auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version_number")]

    def __str__(self) -> str:
        return _("Version %(number)s of the account plan %(year)s") % {
            "number": self.number,
            "year": self.plan.fiscal_year,
        }

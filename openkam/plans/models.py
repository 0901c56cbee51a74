from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.core.locking import Versioned

from .choices import ActionSource, ActionStatus, PlanType


class Plan(Versioned):
    """The account plan of one key account for one planning cycle (fiscal year)."""

    account = models.ForeignKey(
        "accounts.KeyAccount", verbose_name=_("key account"), on_delete=models.CASCADE, related_name="plans"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    plan_type = models.CharField(_("plan type"), max_length=20, choices=PlanType.choices)
    vision = models.TextField(_("vision"), blank=True)
    strategy = models.TextField(_("strategy"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        ordering = ["account", "-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["account", "fiscal_year"], name="unique_plan_per_year")]

    def __str__(self) -> str:
        return _("Account plan %(year)s") % {"year": self.fiscal_year}


class Action(Versioned):
    """Something a person of our company will do for the account, by a date."""

    plan = models.ForeignKey(Plan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="plan_actions"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    source = models.CharField(_("source"), max_length=20, choices=ActionSource.choices, default=ActionSource.PLAN)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="action_owner_open_idx")]

    def __str__(self) -> str:
        return self.title

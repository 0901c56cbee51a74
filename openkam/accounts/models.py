from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.sales.models import Customer

from .choices import AccountStatus, AccountType, InternalRole, TeamScope


class KeyAccount(models.Model):
    """A customer designated as key account, with its owning KAM and the reason for it.

    The key-account list is deliberately short; every designation carries a reason (see
    docs/architecture.md for the selection workflow that fills ``status`` in later releases).
    """

    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="key_account"
    )
    account_type = models.CharField(
        _("type"), max_length=20, choices=AccountType.choices, default=AccountType.EXISTING
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("key account manager"),
        on_delete=models.PROTECT,
        related_name="owned_accounts",
    )
    reason = models.TextField(_("reason for designation"))
    designated_since = models.DateField(_("designated since"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("key account")
        verbose_name_plural = _("key accounts")
        ordering = ["customer__name"]

    def __str__(self) -> str:
        return self.customer.name


class TeamMembership(models.Model):
    """A colleague on the account team (selling center), with internal role and core/extended scope.

    The owning KAM leads the team through ``KeyAccount.owner`` and is not repeated here.
    """

    account = models.ForeignKey(
        KeyAccount,
        verbose_name=_("key account"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team member"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    internal_role = models.CharField(_("internal role"), max_length=30, choices=InternalRole.choices)
    scope = models.CharField(_("team"), max_length=20, choices=TeamScope.choices, default=TeamScope.CORE)
    joined_at = models.DateField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["scope", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="unique_team_member")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_internal_role_display()}"

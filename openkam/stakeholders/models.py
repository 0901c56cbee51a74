from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount


class Stakeholder(models.Model):
    """A person at the customer who matters for our business there (the buying center).

    Contact details are personal data: they are visible to people who can see the account,
    masked in the audit trail, and never exported beyond the account team.
    """

    account = models.ForeignKey(
        KeyAccount,
        verbose_name=_("key account"),
        on_delete=models.CASCADE,
        related_name="stakeholders",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    function = models.CharField(_("function"), max_length=150, blank=True)
    business_unit = models.CharField(_("business unit"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    PERSONAL_FIELDS = ("email", "phone")

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

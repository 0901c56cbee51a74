"""The data-protection records of stakeholders (see docs/data-protection.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned
from openkam.stakeholders.models import Stakeholder

from .choices import InformationChannel


class InformationRecord(models.Model):
    """That, when and how a stakeholder was told we store data about them (Art. 14 GDPR).

    Records are evidence of a duty fulfilled, so they are not edited: a mistake is corrected by
    recording again (the latest record counts). Anonymising a stakeholder keeps date and channel
    and clears the note; erasing deletes the records with the person.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="+"
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        verbose_name=_("stakeholder"),
        on_delete=models.CASCADE,
        related_name="information_records",
    )
    informed_on = models.DateField(_("informed on"))
    channel = models.CharField(_("channel"), max_length=20, choices=InformationChannel.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("information record")
        verbose_name_plural = _("information records")
        ordering = ["-informed_on", "-pk"]

    def __str__(self) -> str:
        # The audit trail names the person the record is about; erasure rewrites it there.
        return str(self.stakeholder)


class RetentionFlag(Versioned):
    """A stakeholder whose data is due for deletion, or whom the account owner decided to keep.

    Set by the retention job (``openkam.privacy.retention``) when the last contact — or, without
    any contact, the creation — lies longer back than ``BuyingCenterSettings.retention_months``.
    After ``purge_after`` the job anonymises the person. The owner may keep the person instead
    (``kept_until`` set, with a reason): the job leaves them alone until that date. A contact that
    brings the person back within the retention period removes the flag.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="+"
    )
    stakeholder = models.OneToOneField(
        Stakeholder,
        verbose_name=_("stakeholder"),
        on_delete=models.CASCADE,
        related_name="retention_flag",
    )
    basis_on = models.DateField(
        _("last contact or creation"), help_text=_("The date the retention period was counted from.")
    )
    flagged_at = models.DateField(_("flagged on"))
    purge_after = models.DateField(_("purge after"))
    kept_until = models.DateField(_("kept until"), null=True, blank=True)
    keep_reason = models.TextField(_("reason for keeping"), blank=True)
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kept by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kept_at = models.DateTimeField(_("kept at"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention flag")
        verbose_name_plural = _("retention flags")
        ordering = ["purge_after", "pk"]

    def __str__(self) -> str:
        return str(self.stakeholder)

    @property
    def is_kept(self) -> bool:
        return self.kept_until is not None

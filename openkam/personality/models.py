from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned
from openkam.stakeholders.models import Stakeholder

from .choices import Colour


class PersonalityProfile(Versioned):
    """The four-colour type and the strongest and weakest life motives of one stakeholder.

    Sensitive personal data: only reachable through ``openkam.personality.permissions``, only
    when the company has switched profiles on and the viewer holds the personality permission
    for the account; every read is written to ``PersonalityView``.
    """

    stakeholder = models.OneToOneField(
        Stakeholder,
        verbose_name=_("stakeholder"),
        on_delete=models.CASCADE,
        related_name="personality",
    )
    primary_colour = models.CharField(_("dominant colour"), max_length=10, choices=Colour.choices)
    secondary_colour = models.CharField(_("second colour"), max_length=10, choices=Colour.choices, blank=True)
    # Lists of Motive values (up to three each), validated by the service.
    strongest_motives = models.JSONField(_("strongest motives"), default=list, blank=True)
    weakest_motives = models.JSONField(_("weakest motives"), default=list, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("personality profile")
        verbose_name_plural = _("personality profiles")

    def __str__(self) -> str:
        return str(_("Personality profile of %(name)s") % {"name": self.stakeholder})


class PersonalityGrant(models.Model):
    """The personality permission of one account-team member, granted by the account owner.

    It only counts while the person is on the account's team; the owner holds it implicitly.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("team member"), on_delete=models.CASCADE, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("personality permission")
        verbose_name_plural = _("personality permissions")
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="unique_personality_grant")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.account_id}"


class PersonalityView(models.Model):
    """Who saw which personality profile, when and where (page, API, export, meeting brief).

    Kept apart from the audit trail on purpose: the account timeline is read by people without
    the personality permission, this log only by people with it.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="+"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, verbose_name=_("stakeholder"), on_delete=models.CASCADE, related_name="+"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    viewer_name = models.CharField(_("viewer name"), max_length=300)
    channel = models.CharField(_("where"), max_length=40)
    viewed_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personality view")
        verbose_name_plural = _("personality views")
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.viewer_name} → {self.stakeholder_id} ({self.channel})"

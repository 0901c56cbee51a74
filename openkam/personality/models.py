from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.core.locking import Versioned
from openkam.stakeholders.models import Stakeholder

from .choices import MAX_MOTIVES, Colour, Motive, ViewChannel


class PersonalityProfile(Versioned):
    """The four-colour type and the strongest and weakest life motives of one stakeholder.

    Sensitive personal data: only reachable through ``openkam.personality.permissions``, only
    when the company has switched profiles on and the viewer holds the personality permission
    for the account; every read is written to ``PersonalityView``. ``__str__`` names the
    stakeholder only, because the audit trail stores it as the entry's target.
    """

    stakeholder = models.OneToOneField(
        Stakeholder,
        verbose_name=_("stakeholder"),
        on_delete=models.CASCADE,
        related_name="personality",
    )
    primary_colour = models.CharField(_("dominant colour"), max_length=10, choices=Colour.choices)
    secondary_colour = models.CharField(_("second colour"), max_length=10, choices=Colour.choices, blank=True)
    # Lists of Motive values (up to MAX_MOTIVES each), checked in ``clean``. JSON lists rather
    # than join tables: three values at most, always read and written with the profile.
    strongest_motives = models.JSONField(_("strongest motives"), default=list, blank=True)
    weakest_motives = models.JSONField(_("weakest motives"), default=list, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    CONTENT_FIELDS = (
        "primary_colour",
        "secondary_colour",
        "strongest_motives",
        "weakest_motives",
        "observations",
        "assessed_on",
    )

    class Meta:
        verbose_name = _("personality profile")
        verbose_name_plural = _("personality profiles")

    def __str__(self) -> str:
        return str(_("Personality profile of %(name)s") % {"name": self.stakeholder})

    def clean(self) -> None:
        """Two different colours at most; up to three strongest and three weakest motives, none both;
        an assessment date that is not in the future."""
        errors: dict[str, str] = {}
        if self.assessed_on and self.assessed_on > timezone.localdate():
            errors["assessed_on"] = _("The assessment date cannot lie in the future.")
        if self.secondary_colour and self.secondary_colour == self.primary_colour:
            errors["secondary_colour"] = _("Choose a second colour different from the dominant one.")
        for field in ("strongest_motives", "weakest_motives"):
            motives = getattr(self, field)
            if not isinstance(motives, list) or any(m not in Motive.values for m in motives):
                errors[field] = _("Choose motives from the list of the 16 life motives.")
            elif len(set(motives)) != len(motives):
                errors[field] = _("Name each motive once.")
            elif len(motives) > MAX_MOTIVES:
                errors[field] = _("Choose at most %(count)d motives.") % {"count": MAX_MOTIVES}
        if "strongest_motives" not in errors and "weakest_motives" not in errors:
            both = [m for m in self.strongest_motives if m in self.weakest_motives]
            if both:
                errors["weakest_motives"] = _(
                    "A motive cannot be among the strongest and the weakest at once: %(motives)s."
                ) % {"motives": ", ".join(str(Motive(m).label) for m in both)}
        if errors:
            raise ValidationError(errors)


class PersonalityGrant(models.Model):
    """The personality permission of one account-team member, granted by the account owner.

    It hangs from the team membership, so taking someone off the team takes the permission with
    it and putting them back does not revive it. The owner holds it implicitly.
    """

    membership = models.OneToOneField(
        TeamMembership,
        verbose_name=_("team member"),
        on_delete=models.CASCADE,
        related_name="personality_grant",
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

    def __str__(self) -> str:
        # Only the member's name: the audit trail stores this as the entry's target.
        user = self.membership.user
        return user.get_full_name() or user.get_username()


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
    channel = models.CharField(_("where"), max_length=40, choices=ViewChannel.choices)
    viewed_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personality view")
        verbose_name_plural = _("personality views")
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["account", "-viewed_at"], name="personality_view_account")]

    def __str__(self) -> str:
        return f"{self.viewer_name} → {self.stakeholder_id} ({self.channel})"

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned
from openkam.stakeholders.models import Stakeholder

from .choices import (
    FIRST_YEAR,
    LAST_YEAR,
    Cadence,
    ContactKind,
    ContactStatus,
    TouchpointKind,
    TouchpointStatus,
)


class Contact(Versioned):
    """A meeting, call or visit with people of the customer: planned (to prepare) or held (logged).

    Held contacts feed each stakeholder's ``last_contact_on`` and the actual side of the
    relationship plan and the level-selling matrix.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="contacts"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ContactKind.choices, default=ContactKind.MEETING
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContactStatus.choices, default=ContactStatus.HELD
    )
    date = models.DateField(_("date"))
    time = models.TimeField(pgettext_lazy("time of day", "time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    topics = models.TextField(_("topics"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    stakeholders = models.ManyToManyField(
        Stakeholder, verbose_name=_("customer participants"), related_name="contacts", blank=True
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our participants"),
        related_name="customer_contacts",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-date", "-time", "-pk"]
        indexes = [models.Index(fields=["account", "-date"], name="contact_account_date")]

    @property
    def is_planned(self) -> bool:
        return self.status == ContactStatus.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == ContactStatus.HELD

    def __str__(self) -> str:
        return self.title


class Counterpart(models.Model):
    """For a planned contact: which of our participants looks after which customer participant."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="counterparts"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, verbose_name=_("customer participant"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our counterpart"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("counterpart")
        verbose_name_plural = _("counterparts")
        constraints = [models.UniqueConstraint(fields=["contact", "stakeholder"], name="unique_counterpart")]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.stakeholder}"


class FollowUp(Versioned):
    """An action agreed in a contact, with an owner and a due date."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.CharField(_("follow-up action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_follow_ups",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["done", "due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done", "due_on"], name="followup_owner_open_idx")]

    def __str__(self) -> str:
        return self.description


class RelationshipLink(Versioned):
    """One line of the relationship plan: who of us meets whom of them, how often and why."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="relationship_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("our person"), on_delete=models.CASCADE, related_name="+"
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        verbose_name=_("their person"),
        on_delete=models.CASCADE,
        related_name="relationship_links",
    )
    cadence = models.CharField(
        _("cadence"), max_length=20, choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    occasion = models.CharField(_("occasion"), max_length=200, blank=True)
    aim = models.CharField(_("aim"), max_length=300, blank=True)
    next_on = models.DateField(_("next date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("relationship plan entry")
        verbose_name_plural = _("relationship plan entries")
        ordering = ["stakeholder__last_name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "stakeholder"], name="unique_relationship_link"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.stakeholder}"


class Touchpoint(Versioned):
    """One line of the quarterly touchpoint (communication) plan for a customer contact."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="touchpoints"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, verbose_name=_("stakeholder"), on_delete=models.CASCADE, related_name="touchpoints"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    kind = models.CharField(_("what"), max_length=20, choices=TouchpointKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TouchpointStatus.choices, default=TouchpointStatus.PLANNED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["year", "quarter", "stakeholder__last_name", "pk"]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}: {self.get_kind_display()}"


#: Free text people type about customer contacts, per model: where a person's name may appear.
#: ``openkam.privacy`` replaces an erased person's name in these fields.
FREE_TEXT_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Contact: ("title", "location", "topics", "outcomes"),
    FollowUp: ("description",),
    RelationshipLink: ("occasion", "aim"),
    Touchpoint: ("description",),
}

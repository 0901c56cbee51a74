from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned

from .choices import Attitude, BuyingRole, HierarchyLevel, Influence, RelationshipStrength


def validate_buying_roles(value) -> None:
    """A list of distinct ``BuyingRole`` values; anything else names what is wrong.

    The codes differ from the JSON field's own (``invalid``, ``invalid_choice``), whose messages
    would otherwise replace these.
    """
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise ValidationError(_("Give the roles as a list of role names."), code="roles_not_a_list")
    unknown = sorted({role for role in value if role not in BuyingRole.values})
    if unknown:
        raise ValidationError(
            _("Unknown role(s): %(roles)s. Possible roles are %(choices)s."),
            code="unknown_role",
            params={"roles": ", ".join(unknown), "choices": ", ".join(BuyingRole.values)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Name each role only once."), code="duplicate_role")


class Stakeholder(Versioned):
    """A person at the customer who matters for our business there (the buying center).

    Contact details are personal data: they are visible to people who can see the account,
    masked in the audit trail, and never exported beyond the account team. Personality and
    motives live apart (``openkam.personality``) behind their own permission. An anonymised
    stakeholder keeps its role, level and attitude for the history of the account but no longer
    names a person (``anonymised_at`` is set, see ``openkam.privacy``).
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
    hierarchy_level = models.CharField(
        _("hierarchy level"), max_length=20, choices=HierarchyLevel.choices, blank=True
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
    )
    # A list of BuyingRole values. A JSON list rather than a join table: a buying center has a
    # few dozen people at most, so the alerts filter in Python and the API shows a plain list.
    buying_roles = models.JSONField(
        _("roles in buying decisions"), default=list, blank=True, validators=[validate_buying_roles]
    )
    is_coach = models.BooleanField(
        _("coach"),
        default=False,
        help_text=_("Guides us through the customer's buying process."),
    )
    attitude = models.SmallIntegerField(
        _("attitude towards us"), choices=Attitude.choices, null=True, blank=True
    )
    influence = models.PositiveSmallIntegerField(
        _("influence"), choices=Influence.choices, null=True, blank=True
    )
    relationship_strength = models.PositiveSmallIntegerField(
        _("relationship strength"), choices=RelationshipStrength.choices, null=True, blank=True
    )
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship owner"),
        help_text=_("The colleague of ours who owns the relationship with this person."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_relationships",
    )
    # Kept up to date by the contact log (openkam.relationships) so lists and alerts need no join.
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    PERSONAL_FIELDS = ("email", "phone")

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class BuyingCenterSettings(Versioned):
    """The company's settings for stakeholder work: one row, edited by administrators.

    Personality profiles are switched off until the company decides to use them (works council,
    data-protection officer); the alert thresholds and retention periods are policy, not code.
    """

    personality_enabled = models.BooleanField(
        _("personality profiles enabled"),
        default=False,
        help_text=_(
            "Lets account teams record the four-colour type and life motives of stakeholders. "
            "Only team members with the personality permission see them."
        ),
    )
    decision_maker_contact_days = models.PositiveSmallIntegerField(
        _("days without contact to a decision maker before an alert"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
    )
    blocker_influence_threshold = models.PositiveSmallIntegerField(
        _("influence from which an unengaged blocker is an alert"),
        choices=Influence.choices,
        default=Influence.HIGH,
    )
    blocker_engagement_days = models.PositiveSmallIntegerField(
        _("days without contact after which a blocker counts as not engaged"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
    )
    single_thread_share = models.PositiveSmallIntegerField(
        _("share of relationships one colleague may carry (%)"),
        default=70,
        validators=[MinValueValidator(30), MaxValueValidator(100)],
    )
    retention_months = models.PositiveSmallIntegerField(
        _("months without contact after which stakeholder data is due for deletion"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    purge_grace_days = models.PositiveSmallIntegerField(
        _("days between the retention flag and the automatic purge"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("buying-center settings")
        verbose_name_plural = _("buying-center settings")

    def __str__(self) -> str:
        return str(_("Buying-center settings"))

    @classmethod
    def current(cls) -> "BuyingCenterSettings":
        """The one settings row, created with the defaults on first use."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

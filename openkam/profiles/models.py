"""The key account profile (Steckbrief), the account's market and the SWOT of our position there.

Everything the team knows about a customer is only as good as where it came from and when, so
every fact carries its information source and an as-of date; facts older than
``OPENKAM_PROFILE_STALE_MONTHS`` (or without a date) are "stale" (see ``selectors``). The legal
entity defaults to the customer master, and the group structure's parent and subsidiaries come
from it (``sales.Customer.parent``); the team adds what the master does not know.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned

from .choices import FactKind, MarketKind, Quadrant

MAX_TEXT = 4000
MAX_SOURCE = 200
MAX_TITLE = 200
MAX_SWOT_TEXT = 500
MAX_TURNOVER_DIGITS = 18
MIN_YEAR = 1900

SOURCE_HELP = _(
    "Where the information comes from, e.g. “Annual report 2025” or “Interview with the head of purchasing”."
)
AS_OF_HELP = _("When the information was true. Facts without a date count as stale.")


def _not_in_future(value: date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot lie in the future."), code="future")


class AccountProfile(Versioned):
    """The key account profile: legal entity, industry, size and strategy of one key account.

    One per account, created by the first save (``services.profile_update``); until then the page
    shows the customer master's data. The profile has three sections, each with its own source
    and date because they usually come from different places: the legal entity with the industry,
    the customer's size (its own turnover and employees of one fiscal year) and its strategy.
    A section with content needs a source (``clean``).
    """

    # section: (content fields, source field, as-of field)
    SECTIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
        "entity": (("legal_name", "legal_form", "industry"), "entity_source", "entity_as_of"),
        "size": (("turnover", "employees", "size_year"), "size_source", "size_as_of"),
        "strategy": (("strategy",), "strategy_source", "strategy_as_of"),
    }

    account = models.OneToOneField(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="profile"
    )
    legal_name = models.CharField(
        _("legal name"), max_length=200, blank=True, help_text=_("Empty: the name in the customer master.")
    )
    legal_form = models.CharField(
        _("legal form"),
        max_length=40,
        blank=True,
        help_text=_("Empty: the legal form in the customer master."),
    )
    industry = models.CharField(
        _("industry"), max_length=120, blank=True, help_text=_("Empty: the industry in the customer master.")
    )
    entity_source = models.CharField(
        _("source of the legal entity"), max_length=MAX_SOURCE, blank=True, help_text=SOURCE_HELP
    )
    entity_as_of = models.DateField(
        _("legal entity as of"), null=True, blank=True, validators=[_not_in_future], help_text=AS_OF_HELP
    )
    turnover = models.DecimalField(
        _("turnover of the customer"),
        max_digits=MAX_TURNOVER_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The customer's own annual turnover, not our revenue with it."),
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    size_year = models.PositiveSmallIntegerField(
        _("fiscal year of the figures"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(2200)],
    )
    size_source = models.CharField(
        _("source of the size"), max_length=MAX_SOURCE, blank=True, help_text=SOURCE_HELP
    )
    size_as_of = models.DateField(
        _("size as of"), null=True, blank=True, validators=[_not_in_future], help_text=AS_OF_HELP
    )
    strategy = models.TextField(
        _("strategy"),
        blank=True,
        validators=[MaxLengthValidator(MAX_TEXT)],
        help_text=_("The customer's own strategy: where it wants to go and how."),
    )
    strategy_source = models.CharField(
        _("source of the strategy"), max_length=MAX_SOURCE, blank=True, help_text=SOURCE_HELP
    )
    strategy_as_of = models.DateField(
        _("strategy as of"), null=True, blank=True, validators=[_not_in_future], help_text=AS_OF_HELP
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("key account profile")
        verbose_name_plural = _("key account profiles")

    def __str__(self) -> str:
        # Language-neutral: audit entries store it as the object's name.
        return self.account.customer.name

    def has_content(self, section: str) -> bool:
        fields, _source, _as_of = self.SECTIONS[section]
        return any(getattr(self, f) not in (None, "") for f in fields)

    def clean(self) -> None:
        super().clean()
        errors = {}
        for section, (_fields, source, _as_of) in self.SECTIONS.items():
            if self.has_content(section) and not getattr(self, source).strip():
                errors[source] = _("Say where this information comes from.")
        if self.size_year and self.size_year > timezone.localdate().year + 1:
            errors["size_year"] = _("Give a fiscal year that has begun.")
        if errors:
            raise ValidationError(errors)


class SourcedEntry(Versioned):
    """An entry the team maintains, with its information source and as-of date."""

    title = models.CharField(_("entry"), max_length=MAX_TITLE)
    details = models.TextField(_("details"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    source = models.CharField(_("source"), max_length=MAX_SOURCE, help_text=SOURCE_HELP)
    as_of = models.DateField(
        pgettext_lazy("information date", "as of"),
        null=True,
        blank=True,
        validators=[_not_in_future],
        help_text=AS_OF_HELP,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def is_stale(self, cutoff: date) -> bool:
        """Whether the entry is older than ``cutoff`` or has no date (``selectors.stale_cutoff``)."""
        return self.as_of is None or self.as_of < cutoff


class ProfileFact(SourcedEntry):
    """A team-maintained entry of the profile: a site, country, business unit or further group
    company of the customer, one of its strategic initiatives, or a key fact."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="profile_facts"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FactKind.choices)

    class Meta:
        verbose_name = _("profile entry")
        verbose_name_plural = _("profile entries")
        ordering = ["kind", "title", "pk"]
        indexes = [models.Index(fields=["account", "kind"], name="profile_fact_account_kind")]


class MarketEntry(SourcedEntry):
    """Something about the key account's own market: its customers, competitors, trends, drivers,
    external factors, and the hurdles its strategic initiatives face.

    A hurdle belongs to one strategic initiative of the same account and says how our offering
    helps to overcome it; other kinds have neither.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="market_entries"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MarketKind.choices)
    initiative = models.ForeignKey(
        ProfileFact,
        verbose_name=_("strategic initiative"),
        null=True,
        blank=True,
        # An initiative with hurdles is not removed on its own (services.fact_delete says why);
        # removing the whole account removes both.
        on_delete=models.RESTRICT,
        related_name="hurdles",
    )
    how_we_help = models.TextField(
        _("how we help"),
        blank=True,
        validators=[MaxLengthValidator(MAX_TEXT)],
        help_text=_("How our offering helps the customer to overcome this hurdle."),
    )

    class Meta:
        verbose_name = _("market entry")
        verbose_name_plural = _("market entries")
        ordering = ["kind", "title", "pk"]
        indexes = [models.Index(fields=["account", "kind"], name="market_entry_account_kind")]

    def clean(self) -> None:
        super().clean()
        if self.kind == MarketKind.HURDLE:
            if self.initiative_id is None:
                raise ValidationError(
                    {"initiative": _("Say which strategic initiative this hurdle stands in the way of.")}
                )
            initiative = self.initiative
            if initiative.account_id != self.account_id or initiative.kind != FactKind.STRATEGIC_INITIATIVE:
                raise ValidationError({"initiative": _("Choose a strategic initiative of this key account.")})
        else:
            errors = {}
            if self.initiative_id is not None:
                errors["initiative"] = _("Only hurdles belong to a strategic initiative.")
            if self.how_we_help.strip():
                errors["how_we_help"] = _("Only hurdles say how we help.")
            if errors:
                raise ValidationError(errors)


class SwotItem(Versioned):
    """One item of the SWOT analysis of our position at the account, ordered within its list."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="swot_items"
    )
    quadrant = models.CharField(_("list"), max_length=20, choices=Quadrant.choices)
    text = models.CharField(_("text"), max_length=MAX_SWOT_TEXT)
    position = models.PositiveIntegerField(_("position"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SWOT item")
        verbose_name_plural = _("SWOT items")
        ordering = ["quadrant", "position", "pk"]
        indexes = [models.Index(fields=["account", "quadrant", "position"], name="swot_item_order")]

    def __str__(self) -> str:
        return self.text

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned
from openkam.imports.countries import COUNTRY_CODES

from .choices import CellStatus, UnitKind

MAX_POTENTIAL = 10**12


def validate_country(value: str) -> None:
    if value and value not in COUNTRY_CODES:
        raise ValidationError(_("Enter a two-letter ISO country code, e.g. DE."), code="country")


class CustomerUnit(Versioned):
    """A row of the whitespace matrix: a site or business unit of the customer's group.

    The sites of the customer and its subsidiaries come from the ledger and need no record; a
    record exists for units the team adds, and for a ledger site once the team has marked a cell
    in its row or described it (kind, country). Rows are matched to ledger sites by name, without
    regard to case, so a record named like a ledger site *is* that site.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="customer_units"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices, default=UnitKind.UNIT)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text=_("ISO 3166 country code, e.g. DE (optional)"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer unit")
        verbose_name_plural = _("customer units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="business_unit_name_unique_per_account")
        ]

    def __str__(self) -> str:
        return self.name


class WhitespaceCell(Versioned):
    """The team's mark on one cell (customer unit × our product group) of the whitespace matrix.

    Where the ledger shows revenue in the chosen period the cell is "we sell" whatever the mark
    says; the mark stays stored and counts again once the revenue is gone. ``competitor`` is set
    only for ``competitor`` marks, ``potential`` only (and always) for opportunities.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="whitespace_cells"
    )
    unit = models.ForeignKey(
        CustomerUnit, verbose_name=_("customer unit"), on_delete=models.CASCADE, related_name="cells"
    )
    product_group = models.CharField(_("product group"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=CellStatus.choices, default=CellStatus.UNKNOWN
    )
    competitor = models.CharField(_("competitor"), max_length=200, blank=True)
    potential = models.DecimalField(
        _("estimated potential (EUR per year)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("whitespace cell")
        verbose_name_plural = _("whitespace cells")
        ordering = ["unit__name", "product_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "unit", "product_group"], name="business_cell_unique_per_unit_and_group"
            ),
            models.CheckConstraint(
                condition=models.Q(potential__isnull=True) | models.Q(potential__gte=0),
                name="business_cell_potential_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} × {self.product_group}"

    def clean(self) -> None:
        errors = {}
        if self.status == CellStatus.OPPORTUNITY and self.potential is None:
            errors["potential"] = _("Estimate the potential of the opportunity (0 if you cannot say yet).")
        if self.potential is not None and self.potential >= MAX_POTENTIAL:
            errors["potential"] = _("The potential is too large.")
        if self.status != CellStatus.COMPETITOR and self.competitor:
            errors["competitor"] = _("Name a competitor only for cells bought from a competitor.")
        if self.status != CellStatus.OPPORTUNITY and self.potential is not None:
            errors["potential"] = _("Estimate a potential only for opportunities.")
        if errors:
            raise ValidationError(errors)

from django.db import models
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """A customer in the company's books (customer master), key account or not.

    ``parent`` links a subsidiary to its group so that group structures can be shown and
    revenue rolled up. The invoice lines themselves live in the analytics store (Parquet/DuckDB),
    not in this table; ``CustomerRevenue`` holds the yearly totals the screens need.
    """

    number = models.CharField(_("customer number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_form = models.CharField(_("legal form"), max_length=40, blank=True)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 country code"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    @property
    def display_name(self) -> str:
        return f"{self.name} {self.legal_form}".strip()


class CustomerRevenue(models.Model):
    """Net revenue and contribution margin of one customer in one fiscal year, from the ledger."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="revenues"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    revenue = models.DecimalField(_("net revenue"), max_digits=16, decimal_places=2)
    margin = models.DecimalField(_("contribution margin"), max_digits=16, decimal_places=2)
    invoice_lines = models.PositiveIntegerField(_("invoice lines"), default=0)

    class Meta:
        verbose_name = _("customer revenue")
        verbose_name_plural = _("customer revenues")
        ordering = ["customer", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "fiscal_year"], name="unique_revenue_per_year")
        ]
        # Screens ask for the latest fiscal year on every request (MAX over this column).
        indexes = [models.Index(fields=["fiscal_year"], name="revenue_fiscal_year")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.fiscal_year}: {self.revenue}"

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitKind(models.TextChoices):
    """What a row of the whitespace matrix stands for at the customer."""

    SITE = "site", pgettext_lazy("customer unit kind", "Site")
    UNIT = "unit", pgettext_lazy("customer unit kind", "Business unit")


class CellStatus(models.TextChoices):
    """What the team knows about a cell where we do not sell (the ledger decides where we do)."""

    UNKNOWN = "unknown", pgettext_lazy("whitespace cell", "Unknown")
    COMPETITOR = "competitor", pgettext_lazy("whitespace cell", "Bought from a competitor")
    NO_NEED = "no_need", pgettext_lazy("whitespace cell", "No need")
    OPPORTUNITY = "opportunity", pgettext_lazy("whitespace cell", "Opportunity")


class CellState(models.TextChoices):
    """What a cell shows: ``sold`` when the ledger has revenue there, else the team's mark."""

    SOLD = "sold", pgettext_lazy("whitespace cell", "We sell")
    COMPETITOR = CellStatus.COMPETITOR.value, CellStatus.COMPETITOR.label
    NO_NEED = CellStatus.NO_NEED.value, CellStatus.NO_NEED.label
    OPPORTUNITY = CellStatus.OPPORTUNITY.value, CellStatus.OPPORTUNITY.label
    UNKNOWN = CellStatus.UNKNOWN.value, CellStatus.UNKNOWN.label


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


# Labels of this app's audit actions on the account timeline.
AUDIT_ACTIONS = {
    "business.cell.update": _("marked a whitespace cell"),
    "business.unit.create": _("added a customer unit to the whitespace matrix"),
    "business.unit.update": _("changed a customer unit of the whitespace matrix"),
    "business.unit.delete": _("removed a customer unit from the whitespace matrix"),
}

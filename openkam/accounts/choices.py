from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountType(models.TextChoices):
    """Existing key accounts are large already; emerging ones are not yet, but have the potential."""

    EXISTING = "existing", pgettext_lazy("key account type", "Existing")
    EMERGING = "emerging", pgettext_lazy("key account type", "Emerging")


class AccountStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("key account status", "Proposed")
    ACTIVE = "active", pgettext_lazy("key account status", "Active")
    ON_HOLD = "on_hold", pgettext_lazy("key account status", "On hold")
    ENDED = "ended", pgettext_lazy("key account status", "Ended")


class InternalRole(models.TextChoices):
    """A member's role on our side of the account (the selling center)."""

    GKAM = "gkam", _("Global key account manager")
    NKAM = "nkam", _("National key account manager")
    INSIDE_SALES = "inside_sales", _("Inside sales")
    ENGINEERING = "engineering", _("Engineering")
    SERVICE = "service", _("Service")
    LOGISTICS = "logistics", _("Logistics")
    COUNTRY_SALES = "country_sales", _("Country sales")
    MANAGEMENT_SPONSOR = "management_sponsor", _("Management sponsor")
    OTHER = "other", pgettext_lazy("internal role", "Other")


class TeamScope(models.TextChoices):
    CORE = "core", _("Core team")
    EXTENDED = "extended", _("Extended team")

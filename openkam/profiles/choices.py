from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FactKind(models.TextChoices):
    """What a team-maintained entry of the key account profile describes."""

    SITE = "site", _("Site")
    COUNTRY = "country", pgettext_lazy("profile fact kind", "Country")
    BUSINESS_UNIT = "business_unit", _("Business unit")
    GROUP_COMPANY = "group_company", _("Further group company")
    STRATEGIC_INITIATIVE = "strategic_initiative", _("Strategic initiative")
    KEY_FACT = "key_fact", _("Key fact")


# The kinds shown under "Group structure" on the profile page, in this order.
STRUCTURE_KINDS = (FactKind.SITE, FactKind.COUNTRY, FactKind.BUSINESS_UNIT, FactKind.GROUP_COMPANY)


class MarketKind(models.TextChoices):
    """What an entry about the key account's own market describes."""

    CUSTOMER = "customer", _("Its customer")
    COMPETITOR = "competitor", _("Its competitor")
    TREND = "trend", _("Trend")
    DRIVER = "driver", _("Driver")
    EXTERNAL_FACTOR = "external_factor", _("External factor")
    HURDLE = "hurdle", _("Hurdle of a strategic initiative")


class Quadrant(models.TextChoices):
    """The four lists of the SWOT analysis of our position at the account, in SWOT order."""

    STRENGTH = "strength", _("Strength")
    WEAKNESS = "weakness", _("Weakness")
    OPPORTUNITY = "opportunity", _("Opportunity")
    THREAT = "threat", _("Threat")


# Headings of the lists on the profile page (the choice labels above name one entry).
LIST_HEADINGS = {
    FactKind.SITE: _("Sites"),
    FactKind.COUNTRY: _("Countries"),
    FactKind.BUSINESS_UNIT: _("Business units"),
    FactKind.GROUP_COMPANY: _("Further group companies"),
    FactKind.STRATEGIC_INITIATIVE: _("Strategic initiatives"),
    FactKind.KEY_FACT: _("Key facts"),
    MarketKind.CUSTOMER: _("Its customers"),
    MarketKind.COMPETITOR: _("Its competitors"),
    MarketKind.TREND: _("Trends"),
    MarketKind.DRIVER: _("Drivers"),
    MarketKind.EXTERNAL_FACTOR: _("External factors"),
    MarketKind.HURDLE: _("Hurdles of its strategic initiatives"),
    Quadrant.STRENGTH: _("Strengths"),
    Quadrant.WEAKNESS: _("Weaknesses"),
    Quadrant.OPPORTUNITY: _("Opportunities"),
    Quadrant.THREAT: _("Threats"),
}


class MoveDirection(models.TextChoices):
    UP = "up", _("Up")
    DOWN = "down", _("Down")


# Labels of this app's audit actions on the account timeline (registered in apps.py).
AUDIT_ACTIONS = {
    "profiles.profile.update": _("changed the key account profile"),
    "profiles.fact.create": _("added a profile entry"),
    "profiles.fact.update": _("changed a profile entry"),
    "profiles.fact.delete": _("removed a profile entry"),
    "profiles.market.create": _("added an entry on the account's market"),
    "profiles.market.update": _("changed an entry on the account's market"),
    "profiles.market.delete": _("removed an entry on the account's market"),
    "profiles.swot.create": _("added a SWOT item"),
    "profiles.swot.update": _("changed a SWOT item"),
    "profiles.swot.move": _("moved a SWOT item"),
    "profiles.swot.delete": _("removed a SWOT item"),
}

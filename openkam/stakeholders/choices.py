"""Vocabulary of the buying center: levels, roles in a buying decision, attitude, influence."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HierarchyLevel(models.TextChoices):
    """Where a person sits at the customer; level selling talks to each level about its problems."""

    EXECUTIVE = "executive", pgettext_lazy("customer hierarchy level", "Executive")
    PROJECT = "project", pgettext_lazy("customer hierarchy level", "Project / middle management")
    OPERATIONAL = "operational", pgettext_lazy("customer hierarchy level", "Operational")


class BuyingRole(models.TextChoices):
    """A part a person plays in the customer's buying decisions (one person can play several)."""

    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", pgettext_lazy("buying role", "User")
    BUYER = "buyer", _("Buyer / purchasing")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    BLOCKER = "blocker", _("Blocker")


class Attitude(models.IntegerChoices):
    """How the person stands towards us, from our champion to our opponent."""

    CHAMPION = 2, _("Champion")
    SUPPORTER = 1, _("Supporter")
    NEUTRAL = 0, pgettext_lazy("attitude", "Neutral")
    SCEPTIC = -1, _("Sceptic")
    OPPONENT = -2, _("Opponent")


class Influence(models.IntegerChoices):
    """How much weight the person's voice carries in decisions that concern us."""

    VERY_LOW = 1, pgettext_lazy("influence", "Very low")
    LOW = 2, pgettext_lazy("influence", "Low")
    MEDIUM = 3, pgettext_lazy("influence", "Medium")
    HIGH = 4, pgettext_lazy("influence", "High")
    VERY_HIGH = 5, pgettext_lazy("influence", "Very high")


class RelationshipStrength(models.IntegerChoices):
    """How well we know the person: from no relationship to a trusted one."""

    NONE = 0, pgettext_lazy("relationship strength", "None")
    WEAK = 1, pgettext_lazy("relationship strength", "Weak")
    DEVELOPING = 2, pgettext_lazy("relationship strength", "Developing")
    GOOD = 3, pgettext_lazy("relationship strength", "Good")
    STRONG = 4, pgettext_lazy("relationship strength", "Strong")
    TRUSTED = 5, pgettext_lazy("relationship strength", "Trusted")


class OurLevel(models.TextChoices):
    """Our side of level selling, derived from a colleague's internal role on the account team."""

    EXECUTIVE = "executive", pgettext_lazy("our hierarchy level", "Executive")
    MANAGEMENT = "management", pgettext_lazy("our hierarchy level", "Management")
    OPERATIONS = "operations", pgettext_lazy("our hierarchy level", "Project / operations")


#: A text cue for each attitude next to its colour, so the attitude never depends on colour alone
#: (maps, lists, print in black and white).
ATTITUDE_SYMBOLS: dict[int, str] = {
    Attitude.CHAMPION: "++",
    Attitude.SUPPORTER: "+",
    Attitude.NEUTRAL: "○",
    Attitude.SCEPTIC: "−",
    Attitude.OPPONENT: "−−",
}
#: Symbol of a person whose attitude nobody has assessed yet.
UNKNOWN_ATTITUDE_SYMBOL = "?"

# Labels of this app's audit actions (the stakeholder's own ones are registered by openkam.core).
AUDIT_ACTIONS: dict = {
    "stakeholders.settings.update": _("changed the buying-center settings"),
}

"""Vocabulary of the coverage app: the alerts about gaps in the buying center and how serious they are."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The single-threaded alert needs at least this many relationships (or held contacts) before one
#: colleague's share means anything: with two, one person carrying both is not yet a pattern.
SINGLE_THREAD_MINIMUM = 3

#: The years the level-selling matrix may be asked for.
FIRST_YEAR = 2000
LAST_YEAR = 2100

#: Contacts held in this many months (back from today) count as a living relationship.
RELATIONSHIP_WINDOW_MONTHS = 12


class AlertCode(models.TextChoices):
    """The stable identifiers of the coverage alerts (used by the API and in the pages' markup)."""

    NO_COACH = "no_coach", _("No coach")
    DECISION_MAKER_NO_CONTACT = "decision_maker_no_contact", _("Decision maker without contact")
    BLOCKER_NOT_ENGAGED = "blocker_not_engaged", _("Influential blocker not engaged")
    LEVEL_GAP = "level_gap", _("Level-selling gap")
    SINGLE_THREADED = "single_threaded", _("Single-threaded account")


class Severity(models.TextChoices):
    """How urgently an alert needs attention; the pages list the most severe first."""

    HIGH = "high", pgettext_lazy("alert severity", "High")
    MEDIUM = "medium", pgettext_lazy("alert severity", "Medium")


#: Sort order of the severities, most severe first.
SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1}


class CellState(models.TextChoices):
    """How a cell of the level-selling matrix stands: planned contacts against held ones."""

    GAP = "gap", pgettext_lazy("level-selling cell", "No relationship")
    UNPLANNED = "unplanned", pgettext_lazy("level-selling cell", "Met without a plan")
    BEHIND = "behind", pgettext_lazy("level-selling cell", "Behind plan")
    ON_TRACK = "on_track", pgettext_lazy("level-selling cell", "On track")


# Labels of this app's audit actions on the account timeline: the app only reads, so it has none.
AUDIT_ACTIONS: dict = {}

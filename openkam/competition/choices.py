from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: Requirements are rated on a five-point scale; 3 is its middle and splits the grid chart.
SCALE_MIN = 1
SCALE_MAX = 5
MIDPOINT = 3

IMPORTANCE_CHOICES = [
    (1, _("1 – hardly matters")),
    (2, _("2 – minor")),
    (3, _("3 – matters")),
    (4, _("4 – important")),
    (5, _("5 – decisive")),
]

PERFORMANCE_CHOICES = [
    (1, _("1 – poor")),
    (2, _("2 – below expectations")),
    (3, _("3 – meets expectations")),
    (4, _("4 – good")),
    (5, _("5 – excellent")),
]


class CompetitorKind(models.TextChoices):
    """Whether another supplier at the account competes with us or works with us."""

    COMPETITOR = "competitor", pgettext_lazy("supplier kind", "Competitor")
    PARTNER = "partner", pgettext_lazy("supplier kind", "Partner")


class Trend(models.TextChoices):
    """Where the team expects a competitor's or partner's position at the account to go."""

    GROWING = "growing", pgettext_lazy("competitor trend", "Growing")
    STABLE = "stable", pgettext_lazy("competitor trend", "Stable")
    DECLINING = "declining", pgettext_lazy("competitor trend", "Declining")


class ChartFormat(models.TextChoices):
    SVG = "svg", "SVG"
    PNG = "png", "PNG"


# Labels of this app's audit actions on the account timeline (registered in apps.py).
AUDIT_ACTIONS = {
    "competition.requirement.create": _("added a customer requirement"),
    "competition.requirement.update": _("changed a customer requirement"),
    "competition.requirement.delete": _("removed a customer requirement"),
    "competition.competitor.create": _("added a competitor or partner"),
    "competition.competitor.update": _("changed a competitor or partner"),
    "competition.competitor.delete": _("removed a competitor or partner"),
    "competition.wallet.create": _("added a wallet estimate"),
    "competition.wallet.update": _("changed a wallet estimate"),
    "competition.wallet.delete": _("removed a wallet estimate"),
}

"""Vocabulary of the RACI matrix: who is Responsible, Accountable, Supporting, Consulted or
Informed for a task of the account team."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Letter(models.TextChoices):
    RESPONSIBLE = "R", pgettext_lazy("RACI", "Responsible")
    ACCOUNTABLE = "A", pgettext_lazy("RACI", "Accountable / approves")
    SUPPORTING = "S", pgettext_lazy("RACI", "Supporting")
    CONSULTED = "C", pgettext_lazy("RACI", "Consulted")
    INFORMED = "I", pgettext_lazy("RACI", "Informed")


#: The order of the legend and of the letters in the templates: who answers for a task first.
LETTER_ORDER = (Letter.RESPONSIBLE, Letter.ACCOUNTABLE, Letter.SUPPORTING, Letter.CONSULTED, Letter.INFORMED)

#: What each letter means, for the legend of the matrix.
LETTER_HELP = {
    Letter.RESPONSIBLE: _("Does the work. At least one per task."),
    Letter.ACCOUNTABLE: _("Answers for the result and approves it. Exactly one per task."),
    Letter.SUPPORTING: _("Helps the Responsible with time, knowledge or resources."),
    Letter.CONSULTED: _("Is asked before decisions are taken (two-way)."),
    Letter.INFORMED: _("Is kept up to date on progress and results (one-way)."),
}


class Direction(models.TextChoices):
    """Where a task moves in the matrix."""

    UP = "up", pgettext_lazy("move", "Up")
    DOWN = "down", pgettext_lazy("move", "Down")


# Labels of this app's audit actions on the account timeline (registered in apps.py).
AUDIT_ACTIONS = {
    "raci.task.create": _("added a RACI task"),
    "raci.task.update": _("changed a RACI task"),
    "raci.task.move": _("moved a RACI task"),
    "raci.task.delete": _("removed a RACI task"),
    "raci.letters.update": _("changed letters in the RACI matrix"),
}

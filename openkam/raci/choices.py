"""Vocabulary of the RACI matrix: who is Responsible, Accountable, Supporting, Consulted or
Informed for a task of the account team."""

from django.db import models
from django.utils.translation import pgettext_lazy


class Letter(models.TextChoices):
    RESPONSIBLE = "R", pgettext_lazy("RACI", "Responsible")
    ACCOUNTABLE = "A", pgettext_lazy("RACI", "Accountable / approves")
    SUPPORTING = "S", pgettext_lazy("RACI", "Supporting")
    CONSULTED = "C", pgettext_lazy("RACI", "Consulted")
    INFORMED = "I", pgettext_lazy("RACI", "Informed")


# Labels of this app's audit actions on the account timeline (the helper completes the list).
AUDIT_ACTIONS: dict = {}

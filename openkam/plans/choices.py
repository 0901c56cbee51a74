from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanType(models.TextChoices):
    """How much rigour the five steps need: a developed account gets the full plan, an emerging one
    a lighter version of the same steps."""

    EXISTING = "existing", pgettext_lazy("plan type", "Existing account")
    EMERGING = "emerging", pgettext_lazy("plan type", "Emerging account")


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
    DONE = "done", pgettext_lazy("action status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionSource(models.TextChoices):
    """Where an action came from: the plan itself, a growth-plan question still to research, or an
    agreement of the annual review."""

    PLAN = "plan", pgettext_lazy("action source", "Action plan")
    RESEARCH = "research", pgettext_lazy("action source", "Research (growth-plan question)")
    REVIEW = "review", pgettext_lazy("action source", "Annual review")

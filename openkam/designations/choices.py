from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalStatus(models.TextChoices):
    """Where a designation proposal stands. Only ``proposed`` is open; the others are final."""

    PROPOSED = "proposed", pgettext_lazy("designation proposal status", "Open")
    APPROVED = "approved", pgettext_lazy("designation proposal status", "Approved")
    REJECTED = "rejected", pgettext_lazy("designation proposal status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("designation proposal status", "Withdrawn")


class ReviewOutcome(models.TextChoices):
    """What the periodic review of a designation decided."""

    CONFIRM = "confirm", _("Confirm the designation")
    CHANGE_TYPE = "change_type", _("Change the type (existing ↔ emerging)")
    HOLD = "hold", _("Put the account on hold")
    END = "end", _("End the designation")


class ReviewState(models.TextChoices):
    """Where a review stands for the lists: open ones by their due date, then the completed ones."""

    OVERDUE = "overdue", pgettext_lazy("review state", "Overdue")
    DUE = "due", pgettext_lazy("review state", "Due soon")
    UPCOMING = "upcoming", pgettext_lazy("review state", "Scheduled")
    DONE = "done", pgettext_lazy("review state", "Done")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


# Labels of this app's audit actions. The account timeline (openkam.core.templatetags) shows
# entries that carry an ``account_id``; its table of labels should include these.
AUDIT_ACTIONS = {
    "designation.propose": _("proposed a key-account designation"),
    "designation.approve": _("approved a key-account designation"),
    "designation.reject": _("rejected a key-account designation"),
    "designation.withdraw": _("withdrew a key-account designation proposal"),
    "designation.review_schedule": _("scheduled the review of the designation"),
    "designation.review": _("reviewed the designation"),
    "designation.policy": _("changed the designation policy"),
}

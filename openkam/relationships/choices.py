"""Vocabulary of the contact log, the relationship plan and the touchpoint plan."""

from django.db import models
from django.utils.translation import pgettext_lazy


class ContactKind(models.TextChoices):
    MEETING = "meeting", pgettext_lazy("contact kind", "Meeting")
    VISIT = "visit", pgettext_lazy("contact kind", "Visit")
    CALL = "call", pgettext_lazy("contact kind", "Call")
    VIDEO = "video", pgettext_lazy("contact kind", "Video call")
    EVENT = "event", pgettext_lazy("contact kind", "Event")


class ContactStatus(models.TextChoices):
    """A planned contact is prepared (meeting brief); a held one counts for the plans."""

    PLANNED = "planned", pgettext_lazy("contact status", "Planned")
    HELD = "held", pgettext_lazy("contact status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("contact status", "Cancelled")


class Cadence(models.TextChoices):
    """How often a pair of people should meet; ``months`` is the planning interval."""

    MONTHLY = "monthly", pgettext_lazy("cadence", "Monthly")
    QUARTERLY = "quarterly", pgettext_lazy("cadence", "Quarterly")
    HALF_YEARLY = "half_yearly", pgettext_lazy("cadence", "Half-yearly")
    YEARLY = "yearly", pgettext_lazy("cadence", "Yearly")


CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.HALF_YEARLY: 6, Cadence.YEARLY: 12}


class TouchpointKind(models.TextChoices):
    """What a customer contact receives from us to change how they see us."""

    ARTICLE = "article", pgettext_lazy("touchpoint", "Article")
    REFERENCE = "reference", pgettext_lazy("touchpoint", "Reference story")
    PARTNER_MEETING = "partner_meeting", pgettext_lazy("touchpoint", "Meeting with a partner")
    EVENT = "event", pgettext_lazy("touchpoint", "Event invitation")
    GIFT = "gift", pgettext_lazy("touchpoint", "Gift tied to the strategy")
    OTHER = "other", pgettext_lazy("touchpoint", "Other")


class TouchpointStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("touchpoint status", "Planned")
    DONE = "done", pgettext_lazy("touchpoint status", "Done")
    DROPPED = "dropped", pgettext_lazy("touchpoint status", "Dropped")


# Labels of this app's audit actions on the account timeline.
AUDIT_ACTIONS: dict = {}

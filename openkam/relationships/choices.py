"""Vocabulary of the contact log, the relationship plan and the touchpoint plan."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The years a touchpoint plan or a plan-versus-actual view may be about.
FIRST_YEAR = 2000
LAST_YEAR = 2100
QUARTERS = (1, 2, 3, 4)

#: How the meeting brief asks for personality profiles (``PersonalityView.channel``).
BRIEF_CHANNEL = "meeting_brief"


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


class PlanStatus(models.TextChoices):
    """Where a line of the relationship plan stands against the contacts held in a year."""

    ON_TRACK = "on_track", pgettext_lazy("relationship plan", "On track")
    BEHIND = "behind", pgettext_lazy("relationship plan", "Behind")
    NO_CONTACT = "no_contact", pgettext_lazy("relationship plan", "No contact yet")


# Labels of this app's audit actions on the account timeline (registered in apps.py).
AUDIT_ACTIONS = {
    "relationships.contact.create": _("logged a customer contact"),
    "relationships.contact.update": _("changed a customer contact"),
    "relationships.contact.delete": _("removed a customer contact"),
    "relationships.counterparts.update": _("assigned counterparts for a meeting"),
    "relationships.follow_up.create": _("added a follow-up action"),
    "relationships.follow_up.update": _("changed a follow-up action"),
    "relationships.follow_up.delete": _("removed a follow-up action"),
    "relationships.link.create": _("added a relationship plan entry"),
    "relationships.link.update": _("changed a relationship plan entry"),
    "relationships.link.delete": _("removed a relationship plan entry"),
    "relationships.touchpoint.create": _("added a touchpoint"),
    "relationships.touchpoint.update": _("changed a touchpoint"),
    "relationships.touchpoint.delete": _("removed a touchpoint"),
}

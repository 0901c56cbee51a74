"""The four-colour personality model, Reiss' 16 life motives and the vocabulary of the view log."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# How many strongest and how many weakest motives a profile names at most.
MAX_MOTIVES = 3


class Colour(models.TextChoices):
    """Four-colour type: fact- or people-oriented × introvert or extrovert."""

    RED = "red", pgettext_lazy("personality colour", "Red")
    BLUE = "blue", pgettext_lazy("personality colour", "Blue")
    GREEN = "green", pgettext_lazy("personality colour", "Green")
    ORANGE = "orange", pgettext_lazy("personality colour", "Orange")


class Motive(models.TextChoices):
    """Reiss' 16 life motives."""

    POWER = "power", pgettext_lazy("life motive", "Power")
    INDEPENDENCE = "independence", pgettext_lazy("life motive", "Independence")
    CURIOSITY = "curiosity", pgettext_lazy("life motive", "Curiosity")
    ACCEPTANCE = "acceptance", pgettext_lazy("life motive", "Acceptance")
    ORDER = "order", pgettext_lazy("life motive", "Order")
    SAVING = "saving", pgettext_lazy("life motive", "Saving")
    HONOUR = "honour", pgettext_lazy("life motive", "Honour")
    IDEALISM = "idealism", pgettext_lazy("life motive", "Idealism")
    FAMILY = "family", pgettext_lazy("life motive", "Family")
    STATUS = "status", pgettext_lazy("life motive", "Status")
    VENGEANCE = "vengeance", pgettext_lazy("life motive", "Vengeance")
    ROMANCE = "romance", pgettext_lazy("life motive", "Romance")
    EATING = "eating", pgettext_lazy("life motive", "Eating")
    PHYSICAL_ACTIVITY = "physical_activity", pgettext_lazy("life motive", "Physical activity")
    TRANQUILLITY = "tranquillity", pgettext_lazy("life motive", "Tranquillity")
    SOCIAL_CONTACT = "social_contact", pgettext_lazy("life motive", "Social contact")


class ViewChannel(models.TextChoices):
    """Where a personality profile was shown (``PersonalityView.channel``).

    Other apps pass their own channel to ``profiles_for_viewer``; add it here so the view log
    names it in both languages.
    """

    PAGE = "page", pgettext_lazy("personality view channel", "Personality page")
    EDIT = "edit", pgettext_lazy("personality view channel", "Edit form")
    API = "api", pgettext_lazy("personality view channel", "API")
    MEETING_BRIEF = "meeting_brief", pgettext_lazy("personality view channel", "Meeting brief")
    EXPORT = "export", pgettext_lazy("personality view channel", "Export")
    PRIVACY_EXPORT = "privacy_export", pgettext_lazy("personality view channel", "Data-protection export")


# Labels of this app's audit actions on the account timeline (registered in apps.py). The
# timeline shows them only to viewers with the personality permission (openkam.accounts.selectors).
AUDIT_ACTIONS = {
    "personality.profile.save": _("saved a personality profile"),
    "personality.profile.delete": _("deleted a personality profile"),
    "personality.grant.add": _("granted the personality permission"),
    "personality.grant.remove": _("revoked the personality permission"),
}

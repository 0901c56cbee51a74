"""The four-colour personality model and Reiss' 16 life motives."""

from django.db import models
from django.utils.translation import pgettext_lazy


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


# Labels of this app's audit actions on the account timeline.
AUDIT_ACTIONS: dict = {}

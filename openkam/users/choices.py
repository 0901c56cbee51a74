from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in the KAM programme; it decides what they may see and change."""

    KAM = "kam", _("Key account manager")
    MEMBER = "member", _("Account team member")
    MANAGEMENT = "management", _("Head of KAM / sales management")
    ADMIN = "admin", _("Administrator")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")

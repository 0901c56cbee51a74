"""Vocabulary of the privacy app: how a person was informed, retention states, audit actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: Art. 14(3)(a) GDPR: a person whose data we did not get from them must be informed within a
#: reasonable period, at the latest within one month. Stakeholders recorded longer ago than this
#: without an information record are flagged on the privacy page.
INFORMATION_DEADLINE_DAYS = 30

#: The channel under which the privacy export reads a personality profile (``PersonalityView``).
EXPORT_CHANNEL = "privacy_export"


class InformationChannel(models.TextChoices):
    """How a stakeholder was told that we store data about them (Art. 13/14 GDPR)."""

    LETTER = "letter", pgettext_lazy("information channel", "Letter")
    EMAIL = "email", pgettext_lazy("information channel", "Email")
    IN_PERSON = "in_person", pgettext_lazy("information channel", "In person")
    OTHER = "other", pgettext_lazy("information channel", "Other")


class RetentionState(models.TextChoices):
    """Where a stakeholder stands in the retention process."""

    NONE = "none", pgettext_lazy("retention state", "Within the retention period")
    FLAGGED = "flagged", pgettext_lazy("retention state", "Due for deletion")
    KEPT = "kept", pgettext_lazy("retention state", "Kept on purpose")


class ExportFormat(models.TextChoices):
    JSON = "json", "JSON"
    PDF = "pdf", "PDF"


# Labels of this app's audit actions on the account timeline (registered in apps.py).
AUDIT_ACTIONS = {
    "privacy.informed.record": _("recorded that a stakeholder was informed"),
    "privacy.export": _("exported the personal data of a stakeholder"),
    "privacy.anonymise": _("anonymised a stakeholder"),
    "privacy.erase": _("erased a stakeholder"),
    "privacy.retention.flag": _("flagged a stakeholder for deletion"),
    "privacy.retention.unflag": _("lifted the deletion flag of a stakeholder"),
    "privacy.retention.keep": _("kept a stakeholder beyond the retention period"),
}

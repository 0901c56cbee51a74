from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "openkam.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels

        from . import collectors  # noqa: F401  (the buying-center sections of the export)
        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)
        # Sections other apps add to the export of a person's data (openkam/<app>/privacy_collectors.py).
        autodiscover_modules("privacy_collectors")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalityConfig(AppConfig):
    name = "openkam.personality"
    label = "personality"
    verbose_name = _("Personality and motives")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels

        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)

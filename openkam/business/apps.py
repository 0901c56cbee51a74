from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessConfig(AppConfig):
    name = "openkam.business"
    label = "business"
    verbose_name = _("Our business and whitespace")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels

        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)

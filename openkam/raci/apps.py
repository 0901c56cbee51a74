from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaciConfig(AppConfig):
    name = "openkam.raci"
    label = "raci"
    verbose_name = _("RACI matrix")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels

        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)

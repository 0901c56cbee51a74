from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "openkam.coverage"
    label = "coverage"
    verbose_name = _("Coverage and level selling")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels

        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)

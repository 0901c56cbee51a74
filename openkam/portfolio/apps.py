from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "openkam.portfolio"
    label = "portfolio"
    verbose_name = _("Key-account selection")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels

        from . import jobs  # noqa: F401  (registers the selection job kinds)
        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)

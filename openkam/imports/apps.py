from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "openkam.imports"
    label = "imports"
    verbose_name = _("Ledger and customer imports")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels

        from . import jobs  # noqa: F401  (registers the import job kinds)
        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "openkam.relationships"
    label = "relationships"
    verbose_name = _("Relationships and contacts")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels

        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaciConfig(AppConfig):
    name = "openkam.raci"
    label = "raci"
    verbose_name = _("RACI matrix")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import (
            OTHER_KEYS,
            register_action_labels,
            register_value_choices,
        )

        from .choices import AUDIT_ACTIONS, Letter

        register_action_labels(AUDIT_ACTIONS)
        # The letters of a task's row are audited per person, as codes.
        register_value_choices("raci.racitask", OTHER_KEYS, Letter.choices)

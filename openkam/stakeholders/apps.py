from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "openkam.stakeholders"
    label = "stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels, register_value_choices

        from .choices import AUDIT_ACTIONS, BuyingRole

        register_action_labels(AUDIT_ACTIONS)
        register_value_choices("stakeholders.stakeholder", "buying_roles", BuyingRole.choices, separator=", ")

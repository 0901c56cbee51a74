from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class OpportunitiesConfig(AppConfig):
    name = "openkam.opportunities"
    label = "opportunities"
    verbose_name = pgettext_lazy("sales opportunity", "Opportunities")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels, register_value_choices
        from openkam.stakeholders.choices import BuyingRole

        from .choices import AUDIT_ACTIONS

        register_action_labels(AUDIT_ACTIONS)
        register_value_choices(
            "opportunities.decisionparticipant", "roles", BuyingRole.choices, separator=", "
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    name = "openkam.growth"
    label = "growth"
    verbose_name = _("Growth-plan questions")

    def ready(self) -> None:
        from openkam.core.templatetags.openkam import register_action_labels, register_key_labels
        from openkam.plans.services import register_next_cycle_copier

        from .choices import AUDIT_ACTIONS
        from .services import answers_carry_over

        register_action_labels(AUDIT_ACTIONS)
        register_key_labels("plans.plan", {"answers": _("growth-plan answers taken over")})
        # The next cycle's plan starts from this cycle's answers (plans may not import growth).
        register_next_cycle_copier("growth", answers_carry_over)

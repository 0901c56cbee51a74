from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "openkam.portfolio"
    label = "portfolio"
    verbose_name = _("Key-account selection")

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the selection job kinds)

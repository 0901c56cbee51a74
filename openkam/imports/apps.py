from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "openkam.imports"
    label = "imports"
    verbose_name = _("Ledger and customer imports")

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the import job kinds)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignationsConfig(AppConfig):
    name = "openkam.designations"
    label = "designations"
    verbose_name = _("Key-account designation")

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the export job kinds)

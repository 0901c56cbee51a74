from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openkam.accounts"
    label = "accounts"
    verbose_name = _("Key accounts")

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the export job kinds)

"""Template context shared by every page: the navigation by KAM building block."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openkam.users.choices import Role


def navigation(request):
    """Menu entries the signed-in person can use. An entry appears only when its page works."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    # Administrators see account pages only for the accounts whose team they are on.
    works_on_accounts = user.role != Role.ADMIN or user.team_memberships.exists()
    if works_on_accounts:
        items.append(
            {
                "key": "accounts",
                "label": _("Accounts"),
                "url": reverse("accounts:list"),
                "block": _("Accounts"),
            }
        )
    items.append(
        {"key": "tasks", "label": _("My tasks"), "url": reverse("tasks:mine"), "block": _("Accounts")}
    )
    if works_on_accounts:
        items.append(
            {
                "key": "pipeline",
                "label": _("Pipeline"),
                "url": reverse("pipeline:board"),
                "block": _("Accounts"),
            }
        )
    items.append(
        {
            "key": "customers",
            "label": _("Customers"),
            "url": reverse("sales:search"),
            "block": _("Portfolio"),
        }
    )
    items.append(
        {
            "key": "selection",
            "label": _("Selection"),
            "url": reverse("portfolio:home"),
            "block": _("Portfolio"),
        }
    )
    if user.role in (Role.MANAGEMENT, Role.ADMIN):
        items.append(
            {
                "key": "imports",
                "label": _("Imports"),
                "url": reverse("imports:list"),
                "block": _("Portfolio"),
            }
        )
    if user.role in (Role.KAM, Role.MANAGEMENT, Role.ADMIN):
        items.append(
            {
                "key": "designations",
                "label": _("Designations"),
                "url": reverse("designations:proposal-list"),
                "block": _("Portfolio"),
            }
        )
    if user.role == Role.ADMIN:
        items.append(
            {
                "key": "users",
                "label": _("Users"),
                "url": reverse("users:admin-list"),
                "block": _("Administration"),
            }
        )
        items.append(
            {
                "key": "question-bank",
                "label": _("Question bank"),
                "url": reverse("question-bank:list"),
                "block": _("Administration"),
            }
        )
        items.append(
            {
                "key": "buying-center-settings",
                "label": _("Buying-center settings"),
                "url": reverse("buying_center_settings:edit"),
                "block": _("Administration"),
            }
        )
    return {"nav_items": items}

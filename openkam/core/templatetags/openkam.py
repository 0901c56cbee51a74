"""Template helpers: money per locale and readable audit entries."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}

ACTION_LABELS = {
    "account.designate": _("designated the key account"),
    "account.update": _("changed the account"),
    "team.add": _("added a team member"),
    "team.update": _("changed a team member"),
    "team.remove": _("removed a team member"),
    "stakeholder.create": _("added a stakeholder"),
    "stakeholder.update": _("changed a stakeholder"),
    "stakeholder.delete": _("removed a stakeholder"),
    "customer.create": _("created a customer"),
    "customer.load": _("loaded customers"),
    "revenue.load": _("loaded revenue figures"),
    "user.create": _("created a user"),
    "user.update": _("changed a user"),
    "user.language": _("changed the language"),
    "token.create": _("created an API token"),
    "token.revoke": _("revoked an API token"),
}


@register.filter
def money(value, decimals: int = 0) -> str:
    """Format an amount in the configured currency the way the active language writes it.

    German: ``1.234.567 €``; English: ``€1,234,567``. Empty values show an en dash.
    """
    if value in (None, ""):
        return "–"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "–"
    number = formats.number_format(amount, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)
    symbol = _SYMBOLS.get(settings.OPENKAM_CURRENCY, settings.OPENKAM_CURRENCY)
    if (get_language() or "de").startswith("de"):
        return f"{number}\xa0{symbol}"
    return f"{symbol}{number}" if len(symbol) == 1 else f"{symbol}\xa0{number}"


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _field_display(model, field_name: str, value):
    try:
        field = model._meta.get_field(field_name)
    except (FieldDoesNotExist, AttributeError):
        return field_name, value
    label = getattr(field, "verbose_name", field_name)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        value = choices[value]
    return label, value


@register.simple_tag
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """(field label, old, new) rows of an audit entry; ``old`` is None for single values."""
    try:
        model = apps.get_model(entry.target_type)
    except (LookupError, ValueError):
        model = None
    rows = []
    for field, value in (entry.changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            label, old = _field_display(model, field, value[0])
            _label, new = _field_display(model, field, value[1])
            rows.append((label, old, new))
        else:
            label, shown = _field_display(model, field, value)
            rows.append((label, None, shown))
    return rows

"""Template helpers: money per locale and readable audit entries."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django import template
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.forms.utils import flatatt
from django.forms.widgets import CheckboxInput, Select
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


def register_action_labels(labels: dict) -> None:
    """Let an app name its own audit actions (called from its ``AppConfig.ready``)."""
    clash = {key for key in labels if key in ACTION_LABELS and ACTION_LABELS[key] != labels[key]}
    if clash:
        raise ValueError(f"Audit actions named twice: {sorted(clash)}")
    ACTION_LABELS.update(labels)


#: Audit values stored as codes that the timeline labels in the reader's language, beyond what
#: a model field's own choices cover: ``{(target model label, key): (choices, separator)}``. A
#: key ``"*"`` stands for every key that is no field of the model (RACI letters are stored per
#: person); with a separator the value is a list of codes joined by it ("decision_maker, user").
VALUE_CHOICES: dict[tuple[str, str], tuple[dict, str | None]] = {}
OTHER_KEYS = "*"


def register_value_choices(model_label: str, key: str, choices, *, separator: str | None = None) -> None:
    """Let an app have the timeline label the codes it stores for ``key`` of ``model_label``
    (called from its ``AppConfig.ready``). Values that are no code are shown as they are: older
    entries may hold labels."""
    VALUE_CHOICES[(model_label, key)] = (dict(choices), separator)


#: Labels of audited keys that are no field of the target model (``{(model label, key): label}``).
KEY_LABELS: dict[tuple[str, str], object] = {}


def register_key_labels(model_label: str, labels: dict) -> None:
    """Let an app name the keys it audits on ``model_label`` that are no model field, such as a
    count (called from its ``AppConfig.ready``)."""
    KEY_LABELS.update({(model_label, key): label for key, label in labels.items()})


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@lru_cache(maxsize=512)
def _field_meta(model_label: str, field_name: str) -> tuple[object, dict, bool]:
    """Label and choices of a model field, and whether it is one, looked up once per process
    (timelines repeat them)."""
    try:
        field = apps.get_model(model_label)._meta.get_field(field_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return KEY_LABELS.get((model_label, field_name), field_name), {}, False
    return getattr(field, "verbose_name", field_name), dict(getattr(field, "flatchoices", None) or []), True


def _field_display(model_label: str, field_name: str, value):
    label, choices, is_field = _field_meta(model_label, field_name)
    if isinstance(value, str | int) and value in choices:
        return label, choices[value]
    registered = VALUE_CHOICES.get((model_label, field_name))
    if registered is None and not is_field:
        registered = VALUE_CHOICES.get((model_label, OTHER_KEYS))
    if registered is not None and isinstance(value, str):
        codes, separator = registered
        parts = value.split(separator) if separator and value else [value]
        value = (separator or "").join(str(codes.get(part, part)) for part in parts)
    return label, value


@register.simple_tag
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """(field label, old, new) rows of an audit entry; ``old`` is None for single values."""
    model = entry.target_type
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


@register.filter
def display(obj, field_name: str):
    """The translated label of a choice field, like ``get_FOO_display`` but with the choices
    looked up once per process (the stock method rebuilds a dict on every call, and lists call
    it for every row)."""
    value = getattr(obj, field_name)
    return _field_meta(obj._meta.label_lower, field_name)[1].get(value, value)


@register.simple_tag
def control(bound_field):
    """Render a filter control (select, checkbox or text input) directly in Python.

    Django's widget templates cost an ``include`` per option; the filter bar on every list page
    renders dozens of them. Attributes match what the widget would render, errors included.
    """
    field = bound_field.field
    widget = field.widget
    attrs = {"id": bound_field.auto_id, "name": bound_field.html_name}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    attr_html = flatatt(attrs)
    value = bound_field.value()
    if isinstance(widget, Select):
        current = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), mark_safe(" selected") if str(v) == current else "", label)
                for v, label in field.choices
            ),
        )
        return format_html("<select{}>{}</select>", attr_html, options)
    if isinstance(widget, CheckboxInput):
        checked = mark_safe(" checked") if widget.check_test(value) else ""
        return format_html('<input type="checkbox"{}{}>', attr_html, checked)
    max_length = getattr(field, "max_length", None)
    extra = format_html(' maxlength="{}"', max_length) if max_length else ""
    return format_html('<input type="{}"{}{} value="{}">', widget.input_type, attr_html, extra, value or "")

"""Template helpers of the selection pages: shares, scores and ranks per locale, labels by key."""

from __future__ import annotations

import math

from django import template
from django.utils import formats
from django.utils.translation import get_language

from ..choices import CompareBy, Direction, MissingPolicy, ModelPurpose, Normalisation
from ..criteria import metric_label, quadrant_label

register = template.Library()


def _number(value, decimals: int) -> str:
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def percent(value, decimals: int = 1) -> str:
    """A share (0..1) as a percentage the way the active language writes it: 51,5 % or 51.5%."""
    if value in (None, ""):
        return "–"
    try:
        number = float(value) * 100
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    text = _number(round(number, int(decimals)), int(decimals))
    return f"{text}\xa0%" if (get_language() or "de").startswith("de") else f"{text}%"


@register.filter
def decimal(value, decimals: int = 1) -> str:
    """A number with a fixed number of decimals per locale; an en dash when there is none."""
    if value in (None, ""):
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    return _number(round(number, int(decimals)), int(decimals))


@register.filter
def rank(value) -> str:
    """A rank (whole number) or an en dash."""
    if value in (None, ""):
        return "–"
    try:
        return _number(round(float(value)), 0)
    except (TypeError, ValueError):
        return "–"


@register.filter
def quadrant(value: str) -> str:
    return quadrant_label(value) or "–"


@register.filter
def metric(value: str) -> str:
    return metric_label(value)


@register.filter
def label_of(key: str, columns) -> str:
    """The label of a criterion key among a run's criterion columns (the key when not found)."""
    for column in columns or ():
        if column.key == key:
            return column.label
    return key


@register.filter
def get(mapping, key):
    """``mapping[key]`` in a template; None when absent."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


_CHOICES = {
    "direction": Direction,
    "normalisation": Normalisation,
    "missing": MissingPolicy,
    "purpose": ModelPurpose,
}


@register.filter
def choice_label(value: str, kind: str) -> str:
    """The translated label of a stored choice (``direction``, ``normalisation``, ``missing``, ``purpose``)."""
    choices = _CHOICES.get(kind)
    return choices(value).label if choices is not None and value in choices.values else value


@register.filter
def colour_class(index) -> str:
    """The CSS class of the n-th criterion's colour, the same palette as the charts."""
    try:
        return f"bar-{int(index) % 12}"
    except (TypeError, ValueError):
        return "bar-0"


@register.filter
def procedure(value: str) -> str:
    """The name of a selection procedure (``abc``, ``score``, ``quadrant``, ``clv``)."""
    return CompareBy(value).label if value in CompareBy.values else value


@register.filter
def field_named(form, name: str):
    """The bound field ``name`` of a form whose fields are built at run time."""
    return form[name]

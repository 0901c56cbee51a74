"""Template helpers of the plan pages: badges for states and readable values of frozen versions."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

from ..choices import ActionSource, ActionStatus, Element, PlanType, Relevance, Step, StepState, TopicStatus

register = template.Library()

_STEP_BADGES = {StepState.DONE: "badge-done", StepState.IN_PROGRESS: "badge-due"}
_ACTION_BADGES = {
    ActionStatus.DONE: "badge-done",
    ActionStatus.IN_PROGRESS: "badge-due",
    ActionStatus.CANCELLED: "badge-ended",
}
_CHOICES = {
    "plan_type": PlanType,
    "step": Step,
    "state": StepState,
    "element": Element,
    "relevance": Relevance,
    "topic_status": TopicStatus,
    "action_status": ActionStatus,
    "source": ActionSource,
}


@register.filter
def step_badge(state: str) -> str:
    """The badge class of a step state (done green, in progress yellow, not started plain)."""
    return _STEP_BADGES.get(state, "")


@register.filter
def action_badge(status: str) -> str:
    return _ACTION_BADGES.get(status, "")


@register.filter
def choice_label(value, kind: str):
    """The translated label of a stored choice value (frozen versions keep the keys)."""
    choices = _CHOICES.get(kind)
    if choices is not None and value in choices.values:
        return choices(value).label
    return value


@register.filter
def amount(value, unit: str = "") -> str:
    """A goal value per locale: no decimals when whole, else two; the unit after it."""
    if value in (None, ""):
        return "–"
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    places = 0 if number == number.to_integral_value() else 2
    shown = formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{shown}\xa0{unit}" if unit else shown


@register.filter
def growth_category(value: str):
    """The label of a growth-plan category key (kept as a key in frozen versions)."""
    try:
        from openkam.growth.choices import Category
    except ImportError:
        return value
    return Category(value).label if value in Category.values else value

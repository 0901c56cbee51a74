"""Template helpers of the opportunities app, also used by the plan pages (goals served)."""

from __future__ import annotations

from django import template

from openkam.stakeholders.choices import BuyingRole

from ..selectors import opportunities_by_goal

register = template.Library()

_ROLE_LABELS = dict(BuyingRole.choices)


@register.filter
def role_labels(roles) -> str:
    """The buying roles of a participant, by their labels in the active language."""
    return ", ".join(str(_ROLE_LABELS.get(role, role)) for role in roles or ())


@register.simple_tag
def opportunities_serving(plan) -> dict:
    """``{goal id: [opportunities]}`` for the goals of an account plan, in one query.

    The plan comes from a page that has checked access to its account; the opportunities
    serving its goals belong to the same account, so whoever sees the plan may see them.
    """
    return opportunities_by_goal(plan)


@register.filter
def for_goal(served: dict, goal_id) -> list:
    return served.get(goal_id, [])

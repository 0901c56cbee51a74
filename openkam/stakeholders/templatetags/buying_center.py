"""Template helpers for showing the buying center in other apps' pages (e.g. the account page)."""

from django import template

from openkam.stakeholders.choices import BuyingRole

register = template.Library()


@register.filter
def buying_roles(stakeholder) -> str:
    """The stakeholder's roles in buying decisions, translated and comma-separated ("–" if none)."""
    labels = dict(BuyingRole.choices)
    return ", ".join(str(labels.get(role, role)) for role in stakeholder.buying_roles or []) or "–"

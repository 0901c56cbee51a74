"""Template helpers of the designation pages."""

from django import template

from ..choices import AUDIT_ACTIONS, ProposalStatus, ReviewOutcome, ReviewState

register = template.Library()


@register.filter
def quadrant_label(value):
    """The translated label of a portfolio quadrant key, as the analytics package names them; the key
    itself when it is unknown (the evidence is a snapshot and outlives any renaming)."""
    try:
        from openkam.analytics.portfolio import QUADRANTS
    except ImportError:
        return value
    quadrant = QUADRANTS.get(value)
    return quadrant.label if quadrant is not None else value


@register.filter
def proposal_status(value):
    return ProposalStatus(value).label if value in ProposalStatus.values else value


@register.filter
def review_state(value):
    return ReviewState(value).label if value in ReviewState.values else value


@register.filter
def review_outcome(value):
    return ReviewOutcome(value).label if value in ReviewOutcome.values else value


@register.filter
def designation_action(action):
    return AUDIT_ACTIONS.get(action, action)

"""Vocabulary of opportunities: the stages of the pipeline with their default probability and
their qualification checklist, our competitive position, need vs. solution selling, close reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    """The sales stages an opportunity moves through; ``won`` and ``lost`` close it."""

    IDENTIFIED = "identified", pgettext_lazy("opportunity stage", "Identified")
    QUALIFIED = "qualified", pgettext_lazy("opportunity stage", "Qualified")
    SOLUTION = "solution", pgettext_lazy("opportunity stage", "Solution development")
    PROPOSAL = "proposal", pgettext_lazy("opportunity stage", "Offer submitted")
    NEGOTIATION = "negotiation", pgettext_lazy("opportunity stage", "Negotiation")
    WON = "won", pgettext_lazy("opportunity stage", "Won")
    LOST = "lost", pgettext_lazy("opportunity stage", "Lost")


#: The stages of an open opportunity, in pipeline order.
OPEN_STAGES: tuple[str, ...] = (
    Stage.IDENTIFIED,
    Stage.QUALIFIED,
    Stage.SOLUTION,
    Stage.PROPOSAL,
    Stage.NEGOTIATION,
)
CLOSED_STAGES: tuple[str, ...] = (Stage.WON, Stage.LOST)
STAGE_ORDER = {stage: index for index, stage in enumerate(Stage.values)}

#: The probability (%) an opportunity gets when it enters a stage; the team may override it.
DEFAULT_PROBABILITY: dict[str, int] = {
    Stage.IDENTIFIED: 10,
    Stage.QUALIFIED: 25,
    Stage.SOLUTION: 40,
    Stage.PROPOSAL: 60,
    Stage.NEGOTIATION: 80,
    Stage.WON: 100,
    Stage.LOST: 0,
}

#: The qualification checklist: what must be true before an opportunity leaves each open stage
#: forwards. Keys are stored (``QualificationCheck.item``); labels are shown.
QUALIFICATION: dict[str, tuple[tuple[str, object], ...]] = {
    Stage.IDENTIFIED: (
        ("need_confirmed", _("The customer has confirmed a need or a problem we can solve.")),
        ("fits_plan", _("The opportunity fits the account plan and our strategy for the account.")),
        ("value_estimated", _("Value and expected close date are estimated.")),
    ),
    Stage.QUALIFIED: (
        ("budget_known", _("We know the budget or how the purchase will be funded.")),
        ("decision_process_known", _("We know the customer's decision process and timeline.")),
        ("buying_center_mapped", _("The buying center of this decision is mapped, decision maker included.")),
        ("competitors_known", _("We know who else competes for it.")),
    ),
    Stage.SOLUTION: (
        ("requirements_agreed", _("Requirements are agreed with the customer's users and experts.")),
        ("solution_validated", _("The customer has validated our solution (demo, trial or workshop).")),
        ("value_quantified", _("The added value for the customer is quantified (business case).")),
    ),
    Stage.PROPOSAL: (
        ("offer_presented", _("The offer is presented to the decision maker.")),
        ("feedback_received", _("We have the customer's feedback on the offer.")),
        ("margin_approved", _("Price and margin are approved internally.")),
    ),
    Stage.NEGOTIATION: (
        ("terms_agreed", _("Commercial and legal terms are agreed.")),
        ("signature_scheduled", _("The customer's signature or order is scheduled.")),
    ),
}
QUALIFICATION_ITEMS: dict[str, str] = {
    key: stage for stage, items in QUALIFICATION.items() for key, _label in items
}
QUALIFICATION_LABELS: dict[str, object] = {
    key: label for items in QUALIFICATION.values() for key, label in items
}


class CompetitivePosition(models.TextChoices):
    """Where we stand against the competition for this decision."""

    SOLE = "sole", pgettext_lazy("competitive position", "Sole supplier")
    LEADING = "leading", pgettext_lazy("competitive position", "Preferred / leading")
    EVEN = "even", pgettext_lazy("competitive position", "Head to head")
    BEHIND = "behind", pgettext_lazy("competitive position", "Behind")
    UNKNOWN = "unknown", pgettext_lazy("competitive position", "Unknown")


class SellingApproach(models.TextChoices):
    """Need selling answers a need the customer has stated; solution selling shapes the solution
    to a problem together with the customer (usually earlier in the decision, with more people)."""

    NEED = "need", _("Need selling")
    SOLUTION = "solution", _("Solution selling")


class CloseReason(models.TextChoices):
    PRICE = "price", pgettext_lazy("close reason", "Price")
    SOLUTION_FIT = "solution_fit", pgettext_lazy("close reason", "Fit of the solution")
    RELATIONSHIP = "relationship", pgettext_lazy("close reason", "Relationship")
    COMPETITOR = "competitor", pgettext_lazy("close reason", "Competitor's offer")
    TIMING = "timing", pgettext_lazy("close reason", "Timing")
    BUDGET = "budget", pgettext_lazy("close reason", "Budget")
    NO_DECISION = "no_decision", pgettext_lazy("close reason", "No decision / project stopped")
    OTHER = "other", pgettext_lazy("close reason", "Other")


# Labels of this app's audit actions on the account timeline.
AUDIT_ACTIONS: dict = {
    "opportunities.opportunity.create": _("added an opportunity"),
    "opportunities.opportunity.update": _("changed an opportunity"),
    "opportunities.opportunity.move": _("moved an opportunity"),
    "opportunities.opportunity.delete": _("removed an opportunity"),
    "opportunities.check.tick": _("ticked a qualification item"),
    "opportunities.check.untick": _("unticked a qualification item"),
    "opportunities.participant.add": _("added a person to the buying center of an opportunity"),
    "opportunities.participant.update": _("changed a role in the buying center of an opportunity"),
    "opportunities.participant.remove": _("removed a person from the buying center of an opportunity"),
}

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanType(models.TextChoices):
    """How much rigour the five steps need: a developed account gets the full plan, an emerging one
    a lighter version of the same steps (see ``rigour.py``)."""

    EXISTING = "existing", pgettext_lazy("plan type", "Existing account")
    EMERGING = "emerging", pgettext_lazy("plan type", "Emerging account")


class Step(models.TextChoices):
    """The five steps of the account-planning process, in their order."""

    STRATEGY = "strategy", pgettext_lazy("plan step", "Strategy")
    RESEARCH = "research", pgettext_lazy("plan step", "Research")
    ACTION_PLAN = "action_plan", pgettext_lazy("plan step", "Action plan")
    EXECUTION = "execution", pgettext_lazy("plan step", "Execution")
    REVIEW = "review", pgettext_lazy("plan step", "Review")


STEP_HINTS = {
    Step.STRATEGY: _("What do we want with this customer, with whom and why?"),
    Step.RESEARCH: _(
        "Form the core team and gather the data: development strategy and growth-plan questions."
    ),
    Step.ACTION_PLAN: _("A compelling case: measurable goals and the actions that lead to them."),
    Step.EXECUTION: _(
        "Create, expand and capture opportunities; deepen relationships; neutralise competitors."
    ),
    Step.REVIEW: _("Analyse the KPIs with the customer and adjust the plan."),
}


class StepState(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("plan step state", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("plan step state", "In progress")
    DONE = "done", pgettext_lazy("plan step state", "Done")


class Element(models.TextChoices):
    """The seven elements of the customer development strategy (Kundenentwicklungsstrategie)."""

    FINANCIAL_KPIS = "financial_kpis", _("Financial KPIs")
    POSITIONING = "positioning", _("Our positioning")
    TOPIC_MAP = "topic_map", _("Topic map")
    PENETRATION = "penetration", _("Our penetration")
    TEAM_DEVELOPMENT = "team_development", _("Team development")
    COMPETITOR_FORECAST = "competitor_forecast", _("Forecast of competitors and partners")
    RELATIVE_MARKET_SHARE = "relative_market_share", _("Relative market share")


ELEMENT_HINTS = {
    Element.FINANCIAL_KPIS: _(
        "Revenue, contribution margin and growth we aim for with this customer, and why."
    ),
    Element.POSITIONING: _(
        "How the customer sees us today and how we want to be seen: supplier, partner, adviser?"
    ),
    Element.TOPIC_MAP: _(
        "The topics that matter to the customer and what we offer for each; list them as rows below."
    ),
    Element.PENETRATION: _(
        "Which units and sites buy which of our product groups, and where we want to grow."
    ),
    Element.TEAM_DEVELOPMENT: _("Who on our team needs which contacts, skills or time to win this account."),
    Element.COMPETITOR_FORECAST: _(
        "What competitors and partners at the customer will do next, and our answer."
    ),
    Element.RELATIVE_MARKET_SHARE: _(
        "Our share compared with the strongest competitor, and where we want it to be."
    ),
}


class TopicStatus(models.TextChoices):
    """Where we stand with our offering on a topic of the customer's topic map."""

    ESTABLISHED = "established", pgettext_lazy("topic status", "Established")
    IN_DISCUSSION = "in_discussion", pgettext_lazy("topic status", "In discussion")
    OPPORTUNITY = "opportunity", pgettext_lazy("topic status", "Opportunity")
    NO_OFFERING = "no_offering", pgettext_lazy("topic status", "No offering yet")


class Relevance(models.TextChoices):
    HIGH = "high", pgettext_lazy("relevance", "High")
    MEDIUM = "medium", pgettext_lazy("relevance", "Medium")
    LOW = "low", pgettext_lazy("relevance", "Low")


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
    DONE = "done", pgettext_lazy("action status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionSource(models.TextChoices):
    """Where an action came from: the plan itself, a growth-plan question still to research, or an
    agreement of the annual review."""

    PLAN = "plan", pgettext_lazy("action source", "Action plan")
    RESEARCH = "research", pgettext_lazy("action source", "Research (growth-plan question)")
    REVIEW = "review", pgettext_lazy("action source", "Annual review")


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("annual review status", "Planned")
    COMPLETED = "completed", pgettext_lazy("annual review status", "Completed")


# Labels of this app's audit actions on the account timeline.
AUDIT_ACTIONS = {
    "plans.plan.create": _("created an account plan"),
    "plans.plan.update": _("changed an account plan"),
    "plans.plan.next_cycle": _("started the next planning cycle"),
    "plans.step.update": _("changed a step of the account plan"),
    "plans.element.update": _("changed an element of the development strategy"),
    "plans.topic.create": _("added a topic to the topic map"),
    "plans.topic.update": _("changed a topic of the topic map"),
    "plans.topic.delete": _("removed a topic from the topic map"),
    "plans.goal.create": _("added a goal to the account plan"),
    "plans.goal.update": _("changed a goal of the account plan"),
    "plans.goal.delete": _("removed a goal from the account plan"),
    "plans.action.create": _("added an action"),
    "plans.action.update": _("changed an action"),
    "plans.action.delete": _("removed an action"),
    "plans.version.freeze": _("froze a version of the account plan"),
    "plans.review.create": _("scheduled an annual review"),
    "plans.review.update": _("changed an annual review"),
    "plans.review.complete": _("completed an annual review"),
}

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """The eight categories of the growth-plan questions, in the order the checklist works through
    them: from our own team via the customer's people, trends, needs and other insights to the
    competition, the value we can offer and what we still need to find out."""

    TEAM = "team", _("Our team")
    PEOPLE = "people", _("The account's people")
    TRENDS = "trends", _("Trends affecting the account")
    NEEDS = "needs", _("Their needs")
    INSIGHTS = "insights", _("Other insights")
    COMPETITORS = "competitors", _("Our competitors")
    VALUE = "value", _("The value we can offer")
    UNKNOWNS = "unknowns", _("What we still need to know")


CATEGORY_ORDER = {category: index for index, category in enumerate(Category.values)}


class AnswerStatus(models.TextChoices):
    """Where one question stands in one account plan. ``open`` is also the state of a question
    nobody has touched yet (no answer row exists)."""

    OPEN = "open", pgettext_lazy("growth question status", "Open")
    ANSWERED = "answered", pgettext_lazy("growth question status", "Answered")
    NOT_APPLICABLE = "not_applicable", pgettext_lazy("growth question status", "Not applicable")
    RESEARCH = "research", pgettext_lazy("growth question status", "Research action")


class Direction(models.TextChoices):
    UP = "up", pgettext_lazy("move a question", "Up")
    DOWN = "down", pgettext_lazy("move a question", "Down")


# Labels of this app's audit actions. Answer changes carry the plan's ``account_id`` and appear on
# the account timeline; changes to the question bank are configuration and carry none.
AUDIT_ACTIONS = {
    "growth.answer.answer": _("answered a growth-plan question"),
    "growth.answer.not_applicable": _("marked a growth-plan question as not applicable"),
    "growth.answer.research": _("turned a growth-plan question into a research action"),
    "growth.answer.reopen": _("reopened a growth-plan question"),
    "growth.answer.update": _("changed the answer to a growth-plan question"),
    "growth.answer.carry_over": _("took over the growth-plan answers of the previous cycle"),
    "growth.question.create": _("added a question to the question bank"),
    "growth.question.update": _("changed a question of the question bank"),
    "growth.question.deactivate": _("deactivated a question of the question bank"),
    "growth.question.reactivate": _("reactivated a question of the question bank"),
    "growth.question.reorder": _("moved a question of the question bank"),
}

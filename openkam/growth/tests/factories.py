"""Factories of the growth app (plans through the ORM: factories describe states; behaviour under
test goes through the services)."""

import factory
from factory.django import DjangoModelFactory

from openkam.growth.choices import AnswerStatus, Category
from openkam.growth.models import Answer, Question
from openkam.plans.choices import PlanType
from openkam.plans.models import Plan
from openkam.testing.factories import KeyAccountFactory


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    account = factory.SubFactory(KeyAccountFactory)
    fiscal_year = 2026
    plan_type = PlanType.EXISTING


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    key = factory.Sequence(lambda n: f"test-question-{n}")
    category = Category.TEAM
    position = factory.Sequence(lambda n: 100 + n)
    text_en = factory.Sequence(lambda n: f"Test question {n}?")
    text_de = factory.Sequence(lambda n: f"Testfrage {n}?")


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    plan = factory.SubFactory(PlanFactory)
    question = factory.SubFactory(QuestionFactory)
    status = AnswerStatus.ANSWERED
    text = "Einkauf und Technik entscheiden gemeinsam."


def plan_of(world) -> Plan:
    """The plan of the world's account the growth tests and matrices use (the first one, created
    if the account has none yet, so that it is shared with the plans app's own matrix cases)."""
    plan = world.account.plans.order_by("pk").first()
    return plan if plan is not None else PlanFactory(account=world.account)

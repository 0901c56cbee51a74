"""Factories of the plans app. A plan built here has its five steps and seven elements, like one
made by ``services.plan_create``; behaviour under test always goes through the services."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from openkam.plans.choices import ActionSource, ActionStatus, Element, PlanType, Step
from openkam.plans.models import Action, AnnualReview, Goal, Plan, PlanStep, StrategyElement, Topic
from openkam.testing.factories import KeyAccountFactory


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    account = factory.SubFactory(KeyAccountFactory)
    fiscal_year = 2026
    plan_type = PlanType.EXISTING

    @factory.post_generation
    def parts(obj, create, extracted, **kwargs):
        if create:
            PlanStep.objects.bulk_create(PlanStep(plan=obj, step=s) for s in Step.values)
            StrategyElement.objects.bulk_create(StrategyElement(plan=obj, element=e) for e in Element.values)


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    plan = factory.SubFactory(PlanFactory)
    topic = factory.Sequence(lambda n: f"Thema {n}")
    offering = "Antriebspaket"


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Umsatz steigern {n}")
    kpi = "Umsatz"
    unit = "€"
    baseline = Decimal("1000000")
    target_value = Decimal("1200000")
    target_date = date(2026, 12, 31)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    owner = factory.LazyAttribute(lambda a: a.plan.account.owner)
    due_date = date(2026, 6, 30)
    status = ActionStatus.OPEN
    source = ActionSource.PLAN


class AnnualReviewFactory(DjangoModelFactory):
    class Meta:
        model = AnnualReview

    plan = factory.SubFactory(PlanFactory)
    date = date(2026, 11, 20)
    participants_ours = "Katrin Amann (KAM)"
    participants_customer = "Dr. Petra Schulz (Einkaufsleitung)"
    agenda = "Rückblick, Ziele, Ausblick"

"""Factories of the opportunities app (states for tests; behaviour goes through the services).

``OpportunityFactory`` builds an open opportunity owned by the account's KAM at the default
probability of its stage. Pass ``stage=Stage.WON`` (or lost) with ``close_reason`` and
``closed_on`` for a closed one, ``checked=[...]`` to tick checklist items, ``all_checked=True``
to tick every item of the stages before its own (a consistent opportunity of that stage).
"""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from openkam.opportunities.choices import (
    DEFAULT_PROBABILITY,
    OPEN_STAGES,
    QUALIFICATION,
    STAGE_ORDER,
    CompetitivePosition,
    SellingApproach,
    Stage,
)
from openkam.opportunities.models import DecisionParticipant, Opportunity, QualificationCheck, StageChange
from openkam.stakeholders.choices import BuyingRole
from openkam.testing.factories import KeyAccountFactory, StakeholderFactory


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    account = factory.SubFactory(KeyAccountFactory)
    title = factory.Sequence(lambda n: f"Retrofit Montagelinie {n}")
    description = "Modernisierung der Antriebe an der Montagelinie"
    product_group = "Servomotoren"
    value = Decimal("250000.00")
    stage = Stage.IDENTIFIED
    probability = factory.LazyAttribute(lambda o: DEFAULT_PROBABILITY[o.stage])
    expected_close = date(2026, 9, 30)
    competitive_position = CompetitivePosition.EVEN
    main_competitor = "Hallberg Antriebstechnik GmbH"
    selling_approach = SellingApproach.SOLUTION
    sales_strategy = "Gesamtkosten über zehn Jahre zeigen, Referenzbesuch anbieten"
    next_steps = "Technischen Workshop mit der Instandhaltung vereinbaren"
    next_step_due = None
    owner = factory.LazyAttribute(lambda o: o.account.owner)
    stage_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def checked(obj, create, extracted, **kwargs):
        """Tick the named checklist items."""
        if create and extracted:
            QualificationCheck.objects.bulk_create(
                QualificationCheck(opportunity=obj, item=i) for i in extracted
            )

    @factory.post_generation
    def all_checked(obj, create, extracted, **kwargs):
        """Tick every item of the open stages before the opportunity's own (all for won)."""
        if not (create and extracted):
            return
        end = STAGE_ORDER[obj.stage] if obj.stage in OPEN_STAGES else len(OPEN_STAGES)
        if obj.stage == Stage.LOST:
            return
        items = [key for stage in OPEN_STAGES[:end] for key, _label in QUALIFICATION[stage]]
        have = set(obj.checks.values_list("item", flat=True))
        QualificationCheck.objects.bulk_create(
            QualificationCheck(opportunity=obj, item=i) for i in items if i not in have
        )


class QualificationCheckFactory(DjangoModelFactory):
    class Meta:
        model = QualificationCheck

    opportunity = factory.SubFactory(OpportunityFactory)
    item = "need_confirmed"


class DecisionParticipantFactory(DjangoModelFactory):
    class Meta:
        model = DecisionParticipant

    opportunity = factory.SubFactory(OpportunityFactory)
    stakeholder = factory.SubFactory(
        StakeholderFactory, account=factory.SelfAttribute("..opportunity.account")
    )
    roles = factory.LazyFunction(lambda: [BuyingRole.DECISION_MAKER])
    note = ""


class StageChangeFactory(DjangoModelFactory):
    class Meta:
        model = StageChange

    opportunity = factory.SubFactory(OpportunityFactory)
    from_stage = ""
    to_stage = factory.LazyAttribute(lambda c: c.opportunity.stage)
    changed_at = factory.LazyFunction(timezone.now)

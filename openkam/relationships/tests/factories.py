"""Factories of the relationships app (factory_boy). States only: behaviour goes through services."""

import datetime

import factory
from factory.django import DjangoModelFactory

from openkam.relationships.choices import (
    Cadence,
    ContactKind,
    ContactStatus,
    TouchpointKind,
    TouchpointStatus,
)
from openkam.relationships.models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint
from openkam.testing.factories import KeyAccountFactory, StakeholderFactory, UserFactory


class ContactFactory(DjangoModelFactory):
    """A held meeting; pass ``stakeholders=[...]`` and ``participants=[...]`` to fill both sides.

    Factories do not maintain ``Stakeholder.last_contact_on``: the services do.
    """

    class Meta:
        model = Contact
        skip_postgeneration_save = True

    account = factory.SubFactory(KeyAccountFactory)
    kind = ContactKind.MEETING
    status = ContactStatus.HELD
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=14))
    title = factory.Sequence(lambda n: f"Quarterly review with purchasing ({n})")
    location = "Stuttgart"
    topics = "Framework agreement for geared motors"
    outcomes = "Purchasing wants a proposal for spare-parts stock by the end of the month"

    @factory.post_generation
    def stakeholders(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.stakeholders.set(extracted)

    @factory.post_generation
    def participants(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.participants.set(extracted)


class CounterpartFactory(DjangoModelFactory):
    class Meta:
        model = Counterpart

    contact = factory.SubFactory(ContactFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    user = factory.SubFactory(UserFactory)


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    contact = factory.SubFactory(ContactFactory)
    description = factory.Sequence(lambda n: f"Send the spare-parts proposal ({n})")
    owner = None
    due_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))
    done = False


class RelationshipLinkFactory(DjangoModelFactory):
    class Meta:
        model = RelationshipLink

    account = factory.SubFactory(KeyAccountFactory)
    user = factory.SubFactory(UserFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    cadence = Cadence.QUARTERLY
    occasion = "Project meeting at the plant"
    aim = "Understand the plans for the new assembly line"
    next_on = None


class TouchpointFactory(DjangoModelFactory):
    class Meta:
        model = Touchpoint

    account = factory.SubFactory(KeyAccountFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    year = factory.LazyFunction(lambda: datetime.date.today().year)
    quarter = 1
    kind = TouchpointKind.REFERENCE
    description = "Reference story: energy savings at a packaging line"
    owner = None
    status = TouchpointStatus.PLANNED

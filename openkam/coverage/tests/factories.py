"""Rows the coverage tests need, built directly through the ORM (the coverage app only reads them).

The stakeholders and relationships apps own these models; factories here describe states of
their tables so that coverage can be tested without depending on their services.
"""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from openkam.relationships.choices import Cadence, ContactKind, ContactStatus
from openkam.relationships.models import Contact, RelationshipLink
from openkam.stakeholders.models import BuyingCenterSettings
from openkam.testing.factories import KeyAccountFactory, StakeholderFactory, UserFactory


class PersonFactory(StakeholderFactory):
    """A stakeholder placed in the buying center: level, influence and attitude recorded."""

    hierarchy_level = "project"
    buying_roles = factory.LazyFunction(list)
    attitude = 0
    influence = 3
    relationship_strength = 2


class ContactFactory(DjangoModelFactory):
    """A held contact; pass ``stakeholders=[...]`` and ``participants=[...]`` for both sides."""

    class Meta:
        model = Contact
        skip_postgeneration_save = True

    account = factory.SubFactory(KeyAccountFactory)
    kind = ContactKind.MEETING
    status = ContactStatus.HELD
    date = date(2026, 3, 10)
    title = factory.Sequence(lambda n: f"Abstimmung Rahmenvertrag {n}")

    @factory.post_generation
    def stakeholders(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.stakeholders.set(extracted)

    @factory.post_generation
    def participants(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.participants.set(extracted)


class RelationshipLinkFactory(DjangoModelFactory):
    """A line of the relationship plan: ``user`` meets ``stakeholder`` at ``cadence``."""

    class Meta:
        model = RelationshipLink

    account = factory.SelfAttribute("stakeholder.account")
    stakeholder = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(UserFactory)
    cadence = Cadence.QUARTERLY
    occasion = "Quartalsgespräch"
    aim = "Rahmenvertrag 2027 vorbereiten"


def set_thresholds(**values) -> BuyingCenterSettings:
    """Store other limits in the company's settings (the row the alerts read)."""
    settings = BuyingCenterSettings.current()
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings

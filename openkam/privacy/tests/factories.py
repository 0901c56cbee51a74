"""Factories of the privacy app and of the buying-center objects its tests need (states only)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from openkam.personality.models import PersonalityProfile
from openkam.privacy.choices import InformationChannel
from openkam.privacy.models import InformationRecord, RetentionFlag
from openkam.relationships.models import Contact, FollowUp, RelationshipLink, Touchpoint
from openkam.testing.factories import StakeholderFactory, UserFactory


class InformationRecordFactory(DjangoModelFactory):
    class Meta:
        model = InformationRecord

    stakeholder = factory.SubFactory(StakeholderFactory)
    account = factory.SelfAttribute("stakeholder.account")
    informed_on = datetime.date(2025, 3, 1)
    channel = InformationChannel.LETTER
    note = "Datenschutzhinweis Version 2025-01 per Post"


class RetentionFlagFactory(DjangoModelFactory):
    """A person flagged for deletion (not kept)."""

    class Meta:
        model = RetentionFlag
        django_get_or_create = ("stakeholder",)

    stakeholder = factory.SubFactory(StakeholderFactory)
    account = factory.SelfAttribute("stakeholder.account")
    basis_on = datetime.date(2023, 1, 10)
    flagged_at = datetime.date(2025, 2, 1)
    purge_after = datetime.date(2025, 3, 3)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    account = factory.SubFactory("openkam.testing.factories.KeyAccountFactory")
    date = datetime.date(2025, 5, 12)
    title = factory.Sequence(lambda n: f"Jahresgespräch {n}")
    topics = "Rahmenvertrag 2026, Lieferzeiten"
    outcomes = "Angebot bis Ende Juni"

    @factory.post_generation
    def stakeholders(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.stakeholders.set(extracted)


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    contact = factory.SubFactory(ContactFactory)
    description = "Angebot für die Motorenplattform schicken"
    due_on = datetime.date(2025, 6, 30)


class RelationshipLinkFactory(DjangoModelFactory):
    class Meta:
        model = RelationshipLink

    stakeholder = factory.SubFactory(StakeholderFactory)
    account = factory.SelfAttribute("stakeholder.account")
    user = factory.SubFactory(UserFactory)
    occasion = "Quartalsgespräch"
    aim = "Vertrauen im Einkauf aufbauen"


class TouchpointFactory(DjangoModelFactory):
    class Meta:
        model = Touchpoint

    stakeholder = factory.SubFactory(StakeholderFactory)
    account = factory.SelfAttribute("stakeholder.account")
    year = 2025
    quarter = 2
    kind = "article"
    description = "Fachartikel zur Energieeffizienz"


class PersonalityProfileFactory(DjangoModelFactory):
    class Meta:
        model = PersonalityProfile

    stakeholder = factory.SubFactory(StakeholderFactory)
    primary_colour = "red"
    secondary_colour = "blue"
    strongest_motives = factory.LazyFunction(lambda: ["power", "order"])
    weakest_motives = factory.LazyFunction(lambda: ["romance"])
    observations = "Entscheidet schnell, will Zahlen sehen"

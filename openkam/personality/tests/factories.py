"""Factories of the personality app (factory_boy). States only: behaviour goes through services."""

import factory
from factory.django import DjangoModelFactory

from openkam.personality.choices import Colour, Motive
from openkam.personality.models import PersonalityGrant, PersonalityProfile
from openkam.stakeholders.models import BuyingCenterSettings
from openkam.testing.factories import StakeholderFactory, TeamMembershipFactory


def enable_personality(enabled: bool = True) -> BuyingCenterSettings:
    """Switch personality profiles on (or off) for the company, as an administrator would."""
    settings = BuyingCenterSettings.current()
    BuyingCenterSettings.objects.filter(pk=settings.pk).update(personality_enabled=enabled)
    settings.personality_enabled = enabled
    return settings


class PersonalityProfileFactory(DjangoModelFactory):
    class Meta:
        model = PersonalityProfile

    stakeholder = factory.SubFactory(StakeholderFactory)
    primary_colour = Colour.BLUE
    secondary_colour = Colour.GREEN
    strongest_motives = factory.LazyFunction(lambda: [Motive.ORDER.value, Motive.SAVING.value])
    weakest_motives = factory.LazyFunction(lambda: [Motive.STATUS.value])
    observations = "Fragt in jedem Termin nach Prüfprotokollen und Normen."
    assessed_on = None


class PersonalityGrantFactory(DjangoModelFactory):
    class Meta:
        model = PersonalityGrant

    membership = factory.SubFactory(TeamMembershipFactory)
    granted_by = factory.LazyAttribute(lambda grant: grant.membership.account.owner)

"""Factories of the stakeholders app (the plain ``StakeholderFactory`` lives in openkam/testing)."""

import factory

from openkam.stakeholders.choices import Attitude, BuyingRole, HierarchyLevel, Influence, RelationshipStrength
from openkam.testing.factories import StakeholderFactory

__all__ = ["BuyingCenterMemberFactory", "StakeholderFactory"]


class BuyingCenterMemberFactory(StakeholderFactory):
    """A stakeholder whose part in the buying center is known (level, roles, attitude, influence)."""

    hierarchy_level = HierarchyLevel.PROJECT
    buying_roles = factory.LazyFunction(lambda: [BuyingRole.INFLUENCER.value])
    attitude = Attitude.NEUTRAL
    influence = Influence.MEDIUM
    relationship_strength = RelationshipStrength.DEVELOPING

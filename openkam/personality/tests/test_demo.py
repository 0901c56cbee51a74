"""The personality profiles of the demo company."""

import pytest

from openkam.accounts.choices import TeamScope
from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.personality.demo import seed_personality
from openkam.personality.models import PersonalityGrant, PersonalityProfile
from openkam.personality.permissions import can_see_personality
from openkam.stakeholders.models import BuyingCenterSettings
from openkam.testing.factories import KeyAccountFactory, StakeholderFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


def _company(world):
    for _ in range(3):
        account = KeyAccountFactory(owner=world.owner)
        StakeholderFactory.create_batch(5, account=account)
        TeamMembershipFactory(account=account, scope=TeamScope.EXTENDED)
        TeamMembershipFactory(account=account, scope=TeamScope.CORE)
    StakeholderFactory.create_batch(4, account=world.account)
    return list(KeyAccount.objects.order_by("pk"))


def _snapshot():
    return sorted(
        PersonalityProfile.objects.values_list(
            "stakeholder_id",
            "primary_colour",
            "secondary_colour",
            "strongest_motives",
            "weakest_motives",
            "observations",
            "assessed_on",
        )
    )


def test_the_demo_switches_profiles_on_and_profiles_the_central_people_of_the_first_accounts(world):
    accounts = _company(world)

    result = seed_personality()

    assert result.enabled and BuyingCenterSettings.current().personality_enabled
    # World account: its own stakeholder + 4 → 5 people, the first three profiled (index 0);
    # index 1: four of five; index 2: three; index 3: four; the other account has one person.
    per_account = {a.pk: PersonalityProfile.objects.filter(stakeholder__account=a).count() for a in accounts}
    assert [per_account[a.pk] for a in accounts] == [3, 1, 3, 4, 3]
    assert result.profiles == 14 and result.accounts == 5
    first_people = list(accounts[0].stakeholders.order_by("pk")[:3])
    assert all(hasattr(s, "personality") for s in first_people)
    for profile in PersonalityProfile.objects.all():
        profile.full_clean()  # every combination is valid
        assert profile.observations and profile.assessed_on.year == 2025
    # Grants at every other account, to the first core-team member.
    granted = set(PersonalityGrant.objects.values_list("membership__account_id", "membership__scope"))
    assert granted == {
        (accounts[0].pk, TeamScope.CORE),
        (accounts[2].pk, TeamScope.CORE),
        (accounts[4].pk, TeamScope.CORE),
    }
    assert can_see_personality(world.teammate, world.account)
    # Written through the services, as the owners.
    actors = set(AuditEntry.objects.filter(action__startswith="personality.").values_list("actor", flat=True))
    assert actors == {world.owner.pk, world.other_kam.pk}


def test_the_demo_is_deterministic_and_does_nothing_twice(world):
    _company(world)
    seed_personality()
    first = _snapshot()

    assert seed_personality() == type(seed_personality())()
    assert _snapshot() == first

    PersonalityProfile.objects.all().delete()
    PersonalityGrant.objects.all().delete()
    seed_personality()
    assert _snapshot() == first
    # Different people get different profiles.
    assert len({(p[1], p[2], tuple(p[3])) for p in first}) > len(first) // 2

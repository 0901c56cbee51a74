"""The demo company's contacts, plans and meetings."""

import datetime

import pytest

from openkam.accounts.choices import InternalRole, TeamScope
from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.relationships.choices import ContactStatus, PlanStatus
from openkam.relationships.demo import NEGLECT_DAYS, seed_relationships
from openkam.relationships.models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint
from openkam.relationships.selectors import relationship_plan_status
from openkam.stakeholders.choices import BuyingRole, HierarchyLevel
from openkam.stakeholders.models import Stakeholder
from openkam.testing.factories import (
    KeyAccountFactory,
    StakeholderFactory,
    TeamMembershipFactory,
    UserFactory,
)
from openkam.users.choices import Role

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 17)


def _accounts(world):
    """Four accounts (the world's two and two more), each with a team of inside sales,
    engineering and a management sponsor, and six people in the buying center."""
    sponsor = UserFactory(role=Role.MANAGEMENT, first_name="Sabine", last_name="Sponsor")
    engineer = UserFactory(role=Role.MEMBER, first_name="Erik", last_name="Engel")
    KeyAccountFactory(owner=world.owner)
    KeyAccountFactory(owner=world.other_kam)
    accounts = list(KeyAccount.objects.order_by("pk"))
    for account in accounts:
        if account != world.account:
            TeamMembershipFactory(
                account=account, user=world.teammate, internal_role=InternalRole.INSIDE_SALES
            )
        TeamMembershipFactory(account=account, user=engineer, internal_role=InternalRole.ENGINEERING)
        TeamMembershipFactory(
            account=account,
            user=sponsor,
            internal_role=InternalRole.MANAGEMENT_SPONSOR,
            scope=TeamScope.EXTENDED,
        )
        for _ in range(6 - Stakeholder.objects.filter(account=account).count()):
            StakeholderFactory(account=account)
    return accounts


def _signature():
    contacts = Contact.objects.order_by("account_id", "date", "title", "pk")
    return (
        [(c.account_id, c.date, c.status, c.title, c.time) for c in contacts],
        sorted(
            RelationshipLink.objects.values_list(
                "account_id", "user_id", "stakeholder_id", "cadence", "next_on"
            )
        ),
        sorted(Touchpoint.objects.values_list("stakeholder_id", "quarter", "kind", "status")),
    )


def test_the_demo_accounts_get_two_years_of_contacts_plans_and_upcoming_meetings(world):
    accounts = _accounts(world)

    result = seed_relationships(today=TODAY)

    assert result.accounts == 4
    # Five lines each and a top-to-top line where the executive is not neglected (all but the third).
    assert result.contacts > 4 * 25 and result.links == 4 * 5 + 3
    for account in accounts:
        held = Contact.objects.filter(account=account, status=ContactStatus.HELD)
        assert held.filter(date__lt=TODAY - datetime.timedelta(days=600)).exists()
        assert not held.filter(date__gte=TODAY).exists()
        planned = Contact.objects.filter(account=account, status=ContactStatus.PLANNED)
        assert 2 <= planned.count() <= 3
        assert all(TODAY < c.date <= TODAY + datetime.timedelta(days=40) for c in planned)
        assert Counterpart.objects.filter(contact__in=planned).count() >= planned.count()
        assert Touchpoint.objects.filter(account=account, year=TODAY.year).count() >= 8
        assert FollowUp.objects.filter(contact__account=account, done=False).exists()
        # Last contacts follow the log.
        for stakeholder in Stakeholder.objects.filter(account=account):
            last = (
                held.filter(stakeholders=stakeholder).order_by("-date").values_list("date", flat=True).first()
            )
            assert stakeholder.last_contact_on == last
    # Some follow-ups are done, some open, some overdue.
    assert FollowUp.objects.filter(done=True).exists()
    assert FollowUp.objects.filter(done=False, due_on__lt=TODAY).exists()
    assert FollowUp.objects.filter(done=False, due_on__gte=TODAY).exists()
    # The purchasing line falls behind somewhere; the third account's executive was not met for months.
    statuses = [
        line.status for a in accounts for line in relationship_plan_status(a, TODAY.year, today=TODAY)
    ]
    assert PlanStatus.BEHIND in statuses and PlanStatus.ON_TRACK in statuses
    executive = Stakeholder.objects.filter(account=accounts[2]).order_by("pk").first()
    assert executive.last_contact_on < TODAY - datetime.timedelta(days=NEGLECT_DAYS)
    first_executive = Stakeholder.objects.filter(account=accounts[0]).order_by("pk").first()
    assert first_executive.last_contact_on > TODAY - datetime.timedelta(days=150)
    # Written through the services, as the owners.
    actors = set(AuditEntry.objects.filter(account_id=accounts[1].pk).values_list("actor", flat=True))
    assert actors == {world.other_kam.pk}


def test_the_demo_is_deterministic_and_a_second_call_changes_nothing(world):
    _accounts(world)
    seed_relationships(today=TODAY)
    first = _signature()

    assert seed_relationships(today=TODAY) == type(seed_relationships(today=TODAY))()
    assert _signature() == first

    Contact.objects.all().delete()
    RelationshipLink.objects.all().delete()
    Touchpoint.objects.all().delete()
    seed_relationships(today=TODAY)
    assert _signature()[0] == first[0] and _signature()[2] == first[2]


def test_an_account_without_stakeholders_is_left_alone(world):
    Stakeholder.objects.all().delete()
    assert seed_relationships(today=TODAY).accounts == 0
    assert not Contact.objects.exists() and not RelationshipLink.objects.exists()


def test_an_in_depth_buying_center_is_met_by_its_relationship_owners_and_its_gaps_stay_open(world):
    """The stakeholders seed leaves gaps for the coverage alerts: they must survive this seed."""
    engineer = UserFactory(role=Role.MEMBER)
    TeamMembershipFactory(account=world.account, user=engineer, internal_role=InternalRole.ENGINEERING)
    executive = world.stakeholder
    people = {
        "executive": (executive, HierarchyLevel.EXECUTIVE, [BuyingRole.DECISION_MAKER], None),
        "blocker": (
            StakeholderFactory(account=world.account),
            HierarchyLevel.PROJECT,
            [BuyingRole.BLOCKER],
            None,
        ),
        "buyer": (
            StakeholderFactory(account=world.account),
            HierarchyLevel.PROJECT,
            [BuyingRole.BUYER],
            world.teammate,
        ),
        "designer": (
            StakeholderFactory(account=world.account),
            HierarchyLevel.PROJECT,
            [BuyingRole.INFLUENCER],
            engineer,
        ),
        "fitter": (
            StakeholderFactory(account=world.account),
            HierarchyLevel.OPERATIONAL,
            [BuyingRole.USER],
            world.owner,
        ),
    }
    for person, level, roles, owner in people.values():
        Stakeholder.objects.filter(pk=person.pk).update(
            hierarchy_level=level, buying_roles=roles, relationship_owner=owner, influence=5
        )

    seed_relationships(today=TODAY)

    year_ago = TODAY - datetime.timedelta(days=365)
    for name in ("executive", "blocker"):
        person = people[name][0]
        assert not Contact.objects.filter(
            stakeholders=person, status=ContactStatus.HELD, date__gte=year_ago
        ).exists()
        assert not RelationshipLink.objects.filter(stakeholder=person).exists()
    links = {
        (link.stakeholder_id, link.user_id): link.cadence
        for link in RelationshipLink.objects.filter(account=world.account)
    }
    assert links == {
        (people["buyer"][0].pk, world.teammate.pk): "monthly",
        (people["designer"][0].pk, engineer.pk): "quarterly",
        (people["fitter"][0].pk, world.owner.pk): "monthly",
    }
    buyer_contacts = Contact.objects.filter(stakeholders=people["buyer"][0], status=ContactStatus.HELD)
    assert buyer_contacts.count() > 5
    assert all(world.teammate in c.participants.all() for c in buyer_contacts)

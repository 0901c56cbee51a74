"""The rules of the buying center, enforced by the services whatever calls them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.core.services import MASK
from openkam.stakeholders import services
from openkam.stakeholders.choices import Attitude, BuyingRole, HierarchyLevel, Influence, RelationshipStrength
from openkam.stakeholders.models import Stakeholder
from openkam.testing.factories import TeamMembershipFactory, UserFactory

from .factories import BuyingCenterMemberFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


def _person(world, first, last, **values):
    return services.stakeholder_create(
        actor=world.owner, account=world.account, first_name=first, last_name=last, **values
    )


def test_a_stakeholder_is_recorded_in_depth_and_the_trail_masks_contact_details_and_notes(world):
    boss = _person(world, "Gabi", "Geiger", hierarchy_level=HierarchyLevel.EXECUTIVE)

    person = services.stakeholder_create(
        actor=world.teammate,
        account=world.account,
        first_name=" Jana ",
        last_name="Jung",
        function="Leiterin Konstruktion",
        business_unit="Konstruktion",
        email="jana.jung@kunde.example",
        phone="+49 711 1234",
        hierarchy_level=HierarchyLevel.PROJECT,
        reports_to=boss,
        buying_roles=[BuyingRole.USER, BuyingRole.INFLUENCER, BuyingRole.USER],
        is_coach=True,
        attitude=Attitude.CHAMPION,
        influence=Influence.HIGH,
        relationship_strength=RelationshipStrength.GOOD,
        relationship_owner=world.teammate,
        notes="Hat zwei Kinder und spielt Tennis.",
    )

    person.refresh_from_db()
    assert person.first_name == "Jana"
    assert person.reports_to == boss
    # Roles are stored once each, in the vocabulary's order.
    assert person.buying_roles == ["influencer", "user"]
    assert (person.is_coach, person.attitude, person.influence) == (True, 2, 4)
    assert person.relationship_owner == world.teammate and person.last_contact_on is None
    entry = AuditEntry.objects.get(action="stakeholder.create", target_id=str(person.pk))
    assert entry.account_id == world.account.pk and entry.actor == world.teammate
    assert entry.changes["email"] == entry.changes["phone"] == entry.changes["notes"] == MASK
    assert entry.changes["reports_to"] == "Gabi Geiger"
    assert entry.changes["buying_roles"] == "influencer, user"
    assert entry.changes["relationship_owner"] == "Tom Teich"
    assert "Tennis" not in str(AuditEntry.objects.values_list("changes", flat=True))


def test_notes_are_masked_when_they_change(world):
    services.stakeholder_update(actor=world.owner, stakeholder=world.stakeholder, notes="Wechselt bald.")

    assert AuditEntry.objects.get(action="stakeholder.update").changes == {"notes": [MASK, MASK]}


def test_a_cycle_is_refused_and_the_error_names_both_people(world):
    ceo = _person(world, "Clara", "Chef")
    head = _person(world, "Hugo", "Haupt", reports_to=ceo)
    lead = _person(world, "Lea", "Leiter", reports_to=head)

    with pytest.raises(ValidationError) as exc:
        services.stakeholder_update(actor=world.owner, stakeholder=ceo, reports_to=lead)

    (message,) = exc.value.message_dict["reports_to"]
    assert message == (
        "Clara Chef cannot report to Lea Leiter: Lea Leiter already reports to Clara Chef, directly or through others."
    )
    ceo.refresh_from_db()
    assert ceo.reports_to is None and ceo.version == 1
    assert not AuditEntry.objects.filter(action="stakeholder.update").exists()


def test_nobody_reports_to_themselves(world):
    with pytest.raises(ValidationError) as exc:
        services.stakeholder_update(
            actor=world.owner, stakeholder=world.stakeholder, reports_to=world.stakeholder
        )

    assert exc.value.message_dict["reports_to"] == [f"{world.stakeholder} cannot report to themselves."]


def test_a_boss_of_another_account_is_refused_by_name(world):
    with pytest.raises(ValidationError) as exc:
        _person(world, "Fritz", "Fremd", reports_to=world.other_stakeholder)

    assert exc.value.message_dict["reports_to"] == [
        f"{world.other_stakeholder} belongs to another key account. Choose a person of this account."
    ]
    assert not Stakeholder.objects.filter(last_name="Fremd").exists()


@pytest.mark.parametrize(
    ("roles", "fragment"),
    [
        (["decision_maker", "saboteur"], "Unknown role(s): saboteur."),
        ("decision_maker", "Give the roles as a list of role names."),
        ([1, 2], "Give the roles as a list of role names."),
    ],
)
def test_an_unknown_buying_role_is_refused_naming_it(world, roles, fragment):
    with pytest.raises(ValidationError) as exc:
        services.stakeholder_update(actor=world.owner, stakeholder=world.stakeholder, buying_roles=roles)

    assert fragment in exc.value.message_dict["buying_roles"][0]
    world.stakeholder.refresh_from_db()
    assert world.stakeholder.buying_roles == []


def test_the_relationship_owner_must_be_the_kam_or_on_the_team(world):
    outsider = UserFactory(first_name="Olaf", last_name="Außen")

    with pytest.raises(ValidationError) as exc:
        services.stakeholder_update(
            actor=world.owner, stakeholder=world.stakeholder, relationship_owner=outsider
        )
    assert exc.value.message_dict["relationship_owner"][0].startswith(
        "Olaf Außen is neither the key account manager nor on the team of this account."
    )
    with pytest.raises(ValidationError):
        services.stakeholder_update(
            actor=world.owner, stakeholder=world.stakeholder, relationship_owner=world.other_kam
        )

    # The KAM, the core team and the extended team may all own relationships.
    for colleague in (world.owner, world.teammate, world.extended):
        services.stakeholder_update(
            actor=world.owner, stakeholder=world.stakeholder, relationship_owner=colleague
        )
        world.stakeholder.refresh_from_db()
        assert world.stakeholder.relationship_owner == colleague


def test_an_owner_who_left_the_team_stays_until_someone_chooses_another(world):
    colleague = TeamMembershipFactory(account=world.account).user
    services.stakeholder_update(
        actor=world.owner, stakeholder=world.stakeholder, relationship_owner=colleague
    )
    colleague.team_memberships.all().delete()

    services.stakeholder_update(actor=world.owner, stakeholder=world.stakeholder, function="Einkaufsdirektor")

    world.stakeholder.refresh_from_db()
    assert world.stakeholder.relationship_owner == colleague
    assert world.stakeholder.function == "Einkaufsdirektor"


def test_two_edits_from_the_same_version_conflict_and_a_resubmission_succeeds(world):
    stakeholder = world.stakeholder
    services.stakeholder_update(
        actor=world.owner, stakeholder=stakeholder, version=1, function="Geschäftsführer"
    )

    with pytest.raises(EditConflict) as exc:
        services.stakeholder_update(
            actor=world.teammate, stakeholder=stakeholder, version=1, function="Prokurist"
        )
    assert exc.value.current.version == 2
    assert exc.value.theirs == {"function": "Geschäftsführer"}

    services.stakeholder_update(
        actor=world.teammate, stakeholder=stakeholder, version=2, function="Prokurist"
    )
    stakeholder.refresh_from_db()
    assert (stakeholder.function, stakeholder.version) == ("Prokurist", 3)


def test_saving_what_is_stored_is_no_conflict_and_leaves_no_trace(world):
    services.stakeholder_update(actor=world.owner, stakeholder=world.stakeholder, function="Geschäftsführer")

    services.stakeholder_update(
        actor=world.teammate, stakeholder=world.stakeholder, version=1, function="Geschäftsführer"
    )

    assert AuditEntry.objects.filter(action="stakeholder.update").count() == 1


def test_an_anonymised_stakeholder_can_no_longer_be_changed(world):
    Stakeholder.objects.filter(pk=world.stakeholder.pk).update(anonymised_at=timezone.now())
    world.stakeholder.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        services.stakeholder_update(actor=world.owner, stakeholder=world.stakeholder, function="Neu")

    assert "has been anonymised" in exc.value.messages[0]
    world.stakeholder.refresh_from_db()
    assert world.stakeholder.function == "Einkaufsleiter"


def test_last_contact_belongs_to_the_contact_log(world):
    with pytest.raises(TypeError):
        services.stakeholder_update(actor=world.owner, stakeholder=world.stakeholder, last_contact_on=None)


def test_removing_a_boss_leaves_their_reports_without_one_and_outdates_open_forms(world):
    boss = _person(world, "Bea", "Boss")
    report = BuyingCenterMemberFactory(account=world.account, reports_to=boss)

    services.stakeholder_delete(actor=world.owner, stakeholder=boss)

    report.refresh_from_db()
    assert report.reports_to is None and report.version == 2
    with pytest.raises(EditConflict):
        services.stakeholder_update(
            actor=world.owner, stakeholder=report, version=1, reports_to=world.stakeholder
        )


def test_the_extended_team_management_and_outsiders_cannot_change_the_buying_center(world):
    for actor in (world.extended, world.manager, world.other_kam, world.admin):
        with pytest.raises(PermissionDenied):
            services.stakeholder_update(actor=actor, stakeholder=world.stakeholder, is_coach=True)
        with pytest.raises(PermissionDenied):
            services.stakeholder_delete(actor=actor, stakeholder=world.stakeholder)
    assert not Stakeholder.objects.get(pk=world.stakeholder.pk).is_coach


def test_a_stakeholder_factory_is_not_assessed_by_default():
    person = StakeholderFactory()
    assert (person.hierarchy_level, person.attitude, person.buying_roles) == ("", None, [])

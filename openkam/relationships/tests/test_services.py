"""The writes of the relationships app: last contact, people on a contact, audit, locking, plans."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.core.services import MASK
from openkam.relationships import services
from openkam.relationships.choices import Cadence, ContactStatus, TouchpointKind
from openkam.relationships.models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint
from openkam.testing.factories import StakeholderFactory, UserFactory

from .factories import ContactFactory, FollowUpFactory, RelationshipLinkFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _last_contact(stakeholder):
    stakeholder.refresh_from_db()
    return stakeholder.last_contact_on


def _log(world, *, stakeholders=None, days_ago=3, status=ContactStatus.HELD, actor=None, **values):
    return services.contact_create(
        actor=actor or world.owner,
        account=world.account,
        title=values.pop("title", "Delivery performance review"),
        date=_today() - days_ago * DAY,
        status=status,
        stakeholders=[world.stakeholder] if stakeholders is None else stakeholders,
        participants=values.pop("participants", [world.owner]),
        **values,
    )


# Last contact ------------------------------------------------------------------------------------


def test_a_held_contact_sets_the_last_contact_and_a_planned_one_does_not(world):
    _log(world, status=ContactStatus.PLANNED, days_ago=-5)
    assert _last_contact(world.stakeholder) is None

    _log(world, days_ago=20)
    _log(world, days_ago=6)
    _log(world, days_ago=40)

    assert _last_contact(world.stakeholder) == _today() - 6 * DAY


def test_a_held_contact_cannot_lie_in_the_future(world):
    with pytest.raises(ValidationError) as error:
        _log(world, days_ago=-1)

    assert "date" in error.value.message_dict
    assert not Contact.objects.exists()
    # Today is fine.
    _log(world, days_ago=0)
    assert _last_contact(world.stakeholder) == _today()


def test_updates_and_deletes_recompute_the_last_contact_of_everyone_concerned(world):
    colleague = StakeholderFactory(account=world.account)
    older = _log(world, days_ago=30, stakeholders=[world.stakeholder, colleague])
    newer = _log(world, days_ago=5)
    assert (_last_contact(world.stakeholder), _last_contact(colleague)) == (
        _today() - 5 * DAY,
        _today() - 30 * DAY,
    )

    # Cancelling the newer one makes the older one the last contact again.
    services.contact_update(actor=world.owner, contact=newer, status=ContactStatus.CANCELLED)
    assert _last_contact(world.stakeholder) == _today() - 30 * DAY

    # Taking the colleague off the older contact leaves them without a contact.
    services.contact_update(actor=world.owner, contact=older, stakeholders=[world.stakeholder])
    assert _last_contact(colleague) is None

    # Moving the date moves the last contact; deleting the contact clears it.
    services.contact_update(actor=world.owner, contact=older, date=_today() - 2 * DAY)
    assert _last_contact(world.stakeholder) == _today() - 2 * DAY
    services.contact_delete(actor=world.owner, contact=older)
    assert _last_contact(world.stakeholder) is None


def test_planning_a_held_contact_again_withdraws_it_from_the_last_contact(world):
    contact = _log(world, days_ago=1)
    services.contact_update(
        actor=world.owner, contact=contact, status=ContactStatus.PLANNED, date=_today() + 3 * DAY
    )
    assert _last_contact(world.stakeholder) is None


# People on a contact -----------------------------------------------------------------------------


def test_customer_participants_must_be_stakeholders_of_the_account_and_not_anonymised(world):
    with pytest.raises(ValidationError) as error:
        _log(world, stakeholders=[world.other_stakeholder])
    assert "stakeholders" in error.value.message_dict

    gone = StakeholderFactory(account=world.account, anonymised_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        _log(world, stakeholders=[gone])
    assert error.value.message_dict["stakeholders"] == ["An anonymised stakeholder cannot be added."]
    assert not Contact.objects.exists()


def test_a_contact_keeps_a_participant_who_was_anonymised_or_left_the_team_since(world):
    contact = _log(world, participants=[world.owner, world.teammate])
    world.stakeholder.anonymised_at = timezone.now()
    world.stakeholder.save()
    world.teammate_membership.delete()

    contact = services.contact_update(
        actor=world.owner,
        contact=contact,
        title="Delivery review (minutes corrected)",
        stakeholders=[world.stakeholder],
        participants=[world.owner, world.teammate],
    )

    assert contact.title == "Delivery review (minutes corrected)"
    assert set(contact.participants.all()) == {world.owner, world.teammate}
    # But nobody new may join who is anonymised or off the team.
    with pytest.raises(ValidationError):
        services.contact_update(actor=world.owner, contact=contact, participants=[world.other_kam])


def test_our_participants_must_be_the_owner_or_on_the_team(world):
    with pytest.raises(ValidationError) as error:
        _log(world, participants=[world.owner, world.other_kam])
    assert "participants" in error.value.message_dict
    # The extended team may take part.
    contact = _log(world, participants=[world.extended])
    assert list(contact.participants.all()) == [world.extended]


def test_only_the_owner_and_the_core_team_log_contacts(world):
    for reader in (world.extended, world.manager):
        with pytest.raises(PermissionDenied):
            _log(world, actor=reader)
    assert not AuditEntry.objects.exists()
    _log(world, actor=world.teammate)
    assert Contact.objects.count() == 1


# Audit -------------------------------------------------------------------------------------------


def test_the_audit_trail_masks_topics_outcomes_and_customer_participants(world):
    contact = _log(
        world,
        topics="Herr Huber will switch suppliers after his promotion",
        outcomes="He asked us not to tell his boss",
        participants=[world.owner, world.teammate],
    )
    services.contact_update(
        actor=world.owner, contact=contact, version=contact.version, outcomes="Keep quiet"
    )

    created, updated = AuditEntry.objects.filter(target_type="relationships.contact").order_by("pk")
    assert created.action == "relationships.contact.create" and created.account_id == world.account.pk
    assert created.changes["topics"] == MASK and created.changes["outcomes"] == MASK
    assert created.changes["stakeholders"] == MASK
    assert created.changes["participants"] == "Katrin Amann, Tom Teich"
    assert created.changes["title"] == "Delivery performance review"
    assert updated.changes == {"outcomes": [MASK, MASK]}
    assert "Huber" not in str(created.changes) + str(updated.changes)


def test_deleting_a_contact_is_audited_with_its_follow_ups_gone(world):
    contact = _log(world, follow_ups=[{"description": "Send the price list", "owner": world.teammate}])
    services.contact_delete(actor=world.teammate, contact=contact)

    assert not FollowUp.objects.exists()
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "relationships.contact.create",
        "relationships.follow_up.create",
        "relationships.contact.delete",
    ]


# Locking ------------------------------------------------------------------------------------------


def test_two_edits_from_the_same_version_conflict_and_a_resubmission_succeeds(world):
    contact = _log(world)
    version = contact.version

    services.contact_update(actor=world.owner, contact=contact, version=version, location="Heilbronn")
    with pytest.raises(EditConflict) as conflict:
        services.contact_update(actor=world.teammate, contact=contact, version=version, location="Bruchsal")
    assert conflict.value.theirs == {"location": "Heilbronn"}

    services.contact_update(
        actor=world.teammate, contact=contact, version=conflict.value.current.version, location="Bruchsal"
    )
    contact.refresh_from_db()
    assert (contact.location, contact.version) == ("Bruchsal", version + 2)


def test_changing_only_the_people_makes_a_new_version_and_conflicts_like_a_field(world):
    contact = _log(world)
    version = contact.version
    services.contact_update(
        actor=world.owner, contact=contact, version=version, participants=[world.owner, world.teammate]
    )
    assert Contact.objects.get().version == version + 1

    with pytest.raises(EditConflict) as conflict:
        services.contact_update(
            actor=world.teammate, contact=contact, version=version, participants=[world.extended]
        )
    assert conflict.value.theirs == {"participants": "Katrin Amann, Tom Teich"}


def test_submitting_what_is_stored_is_no_conflict(world):
    contact = _log(world)
    services.contact_update(actor=world.owner, contact=contact, version=contact.version, location="Ulm")
    services.contact_update(actor=world.teammate, contact=contact, version=1, location="Ulm")
    assert Contact.objects.get().version == 2


# Counterparts -------------------------------------------------------------------------------------


def test_counterparts_pair_our_participants_with_theirs(world):
    colleague = StakeholderFactory(account=world.account)
    contact = _log(
        world,
        status=ContactStatus.PLANNED,
        days_ago=-7,
        stakeholders=[world.stakeholder, colleague],
        participants=[world.owner, world.teammate],
    )
    with pytest.raises(ValidationError):
        services.counterparts_set(
            actor=world.owner, contact=contact, assignments={world.stakeholder: world.extended}
        )
    with pytest.raises(ValidationError):
        services.counterparts_set(
            actor=world.owner, contact=contact, assignments={world.other_stakeholder: world.owner}
        )

    services.counterparts_set(
        actor=world.owner,
        contact=contact,
        version=contact.version,
        assignments={world.stakeholder: world.owner, colleague: world.teammate},
    )
    assert dict(Counterpart.objects.values_list("stakeholder_id", "user_id")) == {
        world.stakeholder.pk: world.owner.pk,
        colleague.pk: world.teammate.pk,
    }
    assert AuditEntry.objects.filter(action="relationships.counterparts.update").get().changes == {
        "counterparts": [0, 2]
    }

    # A counterpart goes with the participant who leaves the contact.
    services.contact_update(actor=world.owner, contact=contact, participants=[world.owner])
    assert list(Counterpart.objects.values_list("stakeholder_id", "user_id")) == [
        (world.stakeholder.pk, world.owner.pk)
    ]


def test_two_people_assigning_counterparts_from_the_same_version_conflict(world):
    contact = _log(
        world, status=ContactStatus.PLANNED, days_ago=-7, participants=[world.owner, world.teammate]
    )
    version = contact.version
    services.counterparts_set(
        actor=world.owner, contact=contact, version=version, assignments={world.stakeholder: world.owner}
    )
    with pytest.raises(EditConflict):
        services.counterparts_set(
            actor=world.teammate,
            contact=contact,
            version=version,
            assignments={world.stakeholder: world.teammate},
        )


# Follow-up actions --------------------------------------------------------------------------------


def test_a_follow_up_owner_must_be_on_the_team_and_may_tick_it_off(world):
    contact = _log(world)
    with pytest.raises(ValidationError) as error:
        services.follow_up_create(
            actor=world.owner, contact=contact, description="Call back", owner=world.other_kam
        )
    assert "owner" in error.value.message_dict

    follow_up = services.follow_up_create(
        actor=world.owner,
        contact=contact,
        description="Send the 3D data",
        owner=world.extended,
        due_on=_today(),
    )
    # The extended-team owner ticks it off but may not change anything else.
    with pytest.raises(PermissionDenied):
        services.follow_up_update(actor=world.extended, follow_up=follow_up, description="Send nothing")
    services.follow_up_update(actor=world.extended, follow_up=follow_up, version=follow_up.version, done=True)
    assert FollowUp.objects.get().done is True
    with pytest.raises(PermissionDenied):
        services.follow_up_update(actor=world.manager, follow_up=follow_up, done=False)


def test_follow_up_edits_conflict_from_the_same_version(world):
    follow_up = FollowUpFactory(contact=ContactFactory(account=world.account), owner=world.owner)
    services.follow_up_update(actor=world.owner, follow_up=follow_up, version=1, description="Send the offer")
    with pytest.raises(EditConflict):
        services.follow_up_update(actor=world.teammate, follow_up=follow_up, version=1, done=True)
    services.follow_up_update(actor=world.teammate, follow_up=follow_up, version=2, done=True)
    assert FollowUp.objects.get().version == 3


# Relationship plan and touchpoints ---------------------------------------------------------------


def test_a_relationship_plan_has_one_entry_per_pair_of_people_of_this_account(world):
    services.relationship_link_create(
        actor=world.owner, account=world.account, user=world.owner, stakeholder=world.stakeholder
    )
    with pytest.raises(ValidationError) as error:
        services.relationship_link_create(
            actor=world.owner, account=world.account, user=world.owner, stakeholder=world.stakeholder
        )
    assert "stakeholder" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.relationship_link_create(
            actor=world.owner, account=world.account, user=world.owner, stakeholder=world.other_stakeholder
        )
    assert "stakeholder" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.relationship_link_create(
            actor=world.owner, account=world.account, user=UserFactory(), stakeholder=world.stakeholder
        )
    assert "user" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.relationship_link_create(
            actor=world.extended, account=world.account, user=world.extended, stakeholder=world.stakeholder
        )
    assert RelationshipLink.objects.count() == 1


def test_relationship_plan_edits_are_versioned_and_audited(world):
    link = RelationshipLinkFactory(account=world.account, user=world.owner, stakeholder=world.stakeholder)
    services.relationship_link_update(actor=world.owner, link=link, version=1, cadence=Cadence.MONTHLY)
    with pytest.raises(EditConflict):
        services.relationship_link_update(actor=world.teammate, link=link, version=1, aim="Win the tender")
    services.relationship_link_update(actor=world.teammate, link=link, version=2, aim="Win the tender")
    services.relationship_link_delete(actor=world.owner, link=link)

    entries = AuditEntry.objects.filter(target_type="relationships.relationshiplink").order_by("pk")
    assert [(e.action, e.changes) for e in entries] == [
        ("relationships.link.update", {"cadence": ["quarterly", "monthly"]}),
        (
            "relationships.link.update",
            {"aim": ["Understand the plans for the new assembly line", "Win the tender"]},
        ),
        ("relationships.link.delete", {}),
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"quarter": 5}, "quarter"),
        ({"quarter": 0}, "quarter"),
        ({"year": 1999}, "year"),
        ({"year": 2101}, "year"),
        ({"kind": "lunch"}, "kind"),
    ],
)
def test_a_touchpoint_needs_a_year_a_quarter_and_a_known_kind(world, values, field):
    arguments = {"year": _today().year, "quarter": 2, "kind": TouchpointKind.ARTICLE} | values
    with pytest.raises(ValidationError) as error:
        services.touchpoint_create(
            actor=world.owner, account=world.account, stakeholder=world.stakeholder, **arguments
        )
    assert field in error.value.message_dict
    assert not Touchpoint.objects.exists()


def test_a_touchpoint_is_for_a_person_of_this_account_and_owned_by_the_team(world):
    with pytest.raises(ValidationError) as error:
        services.touchpoint_create(
            actor=world.owner,
            account=world.account,
            stakeholder=world.other_stakeholder,
            year=2026,
            quarter=1,
            kind=TouchpointKind.GIFT,
        )
    assert "stakeholder" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.touchpoint_create(
            actor=world.owner,
            account=world.account,
            stakeholder=world.stakeholder,
            year=2026,
            quarter=1,
            kind=TouchpointKind.GIFT,
            owner=world.other_kam,
        )
    assert "owner" in error.value.message_dict

    touchpoint = TouchpointFactory(account=world.account, stakeholder=world.stakeholder)
    services.touchpoint_update(actor=world.owner, touchpoint=touchpoint, version=1, quarter=3)
    with pytest.raises(EditConflict):
        services.touchpoint_update(actor=world.teammate, touchpoint=touchpoint, version=1, quarter=4)
    with pytest.raises(ValidationError):
        services.touchpoint_update(actor=world.teammate, touchpoint=touchpoint, version=2, quarter=7)
    assert Touchpoint.objects.get().quarter == 3

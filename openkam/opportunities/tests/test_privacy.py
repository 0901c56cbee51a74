"""A stakeholder's part in opportunities' buying decisions, under the data-protection rights."""

from openkam.opportunities.models import DecisionParticipant
from openkam.privacy.erasure import stakeholder_anonymise, stakeholder_erase
from openkam.privacy.services import personal_data_export
from openkam.stakeholders.choices import BuyingRole

from .factories import DecisionParticipantFactory, OpportunityFactory


def _participant(world):
    opportunity = OpportunityFactory(account=world.account, owner=world.owner, title="Retrofit line 3")
    return DecisionParticipantFactory(
        opportunity=opportunity,
        stakeholder=world.stakeholder,
        roles=[BuyingRole.DECISION_MAKER, BuyingRole.BLOCKER],
        note="Prefers the old supplier, plays golf",
    )


def test_the_export_lists_the_decisions_the_person_takes_part_in(world):
    _participant(world)
    sections = {s.key: s for s in personal_data_export(actor=world.owner, stakeholder=world.stakeholder)}
    rows = sections["opportunity_decisions"].rows
    assert rows == [
        {
            "opportunity": "Retrofit line 3",
            "stage": "Identified",
            "roles": ["Decision maker", "Blocker"],
            "note": "Prefers the old supplier, plays golf",
        }
    ]


def test_anonymising_keeps_the_roles_and_clears_our_note(world):
    participant = _participant(world)
    stakeholder_anonymise(actor=world.owner, stakeholder=world.stakeholder)
    participant.refresh_from_db()
    assert participant.roles == [BuyingRole.DECISION_MAKER, BuyingRole.BLOCKER]
    assert participant.note == ""


def test_erasing_removes_the_person_from_the_buying_center_of_the_decision(world):
    participant = _participant(world)
    stakeholder_erase(actor=world.owner, stakeholder=world.stakeholder)
    assert not DecisionParticipant.objects.filter(pk=participant.pk).exists()

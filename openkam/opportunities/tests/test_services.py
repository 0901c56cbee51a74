"""The services of opportunities: access, validation, the checklist rule, moves, links, audit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openkam.business.choices import CellStatus
from openkam.business.tests.factories import WhitespaceCellFactory
from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.opportunities import services
from openkam.opportunities.choices import QUALIFICATION, CloseReason, Stage
from openkam.opportunities.models import DecisionParticipant, Opportunity, QualificationCheck, StageChange
from openkam.opportunities.rules import missing_checks, weighted_value
from openkam.plans.tests.factories import GoalFactory, PlanFactory
from openkam.stakeholders.choices import BuyingRole
from openkam.testing.factories import StakeholderFactory, UserFactory

from .factories import DecisionParticipantFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


_OWNER = object()


def _create(world, actor=_OWNER, **kwargs):
    values = {
        "actor": world.owner if actor is _OWNER else actor,
        "account": world.account,
        "title": "Antriebspaket Linie 4",
        "value": Decimal("180000"),
        "expected_close": date(2026, 10, 31),
    } | kwargs
    return services.opportunity_create(**values)


def _items(stage):
    return [key for key, _label in QUALIFICATION[stage]]


def _tick(actor, opportunity, stage):
    for item in _items(stage):
        services.check_set(actor=actor, opportunity=opportunity, item=item, checked=True)


# Creation -----------------------------------------------------------------------------------------


def test_it_creates_an_opportunity_with_the_stage_default_and_a_first_stage_change(world):
    opp = _create(world, actor=world.extended, stage=Stage.QUALIFIED)

    assert opp.owner == world.extended
    assert opp.probability == 25
    assert opp.created_by == world.extended
    change = StageChange.objects.get(opportunity=opp)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", Stage.QUALIFIED, world.extended)
    entry = AuditEntry.objects.get(action="opportunities.opportunity.create")
    assert entry.account_id == world.account.pk
    assert entry.changes["value"] == "180000.00 EUR"
    assert entry.changes["probability"] == "25 %"
    assert entry.changes["stage"] == "qualified"


def test_the_system_creates_opportunities_for_the_account_kam(world):
    opp = _create(world, actor=None)
    assert opp.owner == world.account.owner
    assert opp.created_by is None


@pytest.mark.parametrize("persona", ["owner", "teammate", "extended"])
def test_every_team_member_may_create_opportunities(world, persona):
    assert _create(world, actor=world.persona(persona)).pk


@pytest.mark.parametrize("persona", ["other_kam", "manager", "admin"])
def test_people_off_the_team_may_not_create_opportunities(world, persona):
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.persona(persona))
    assert not Opportunity.objects.exists()


def test_the_owner_must_be_on_the_team(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, owner=world.other_kam)
    assert "owner" in exc.value.message_dict


def test_a_colleague_who_left_the_team_may_stay_the_owner(world):
    opp = _create(world, owner=world.teammate)
    world.teammate_membership.delete()
    updated = services.opportunity_update(actor=world.owner, opportunity=opp, title="Neuer Titel")
    assert updated.owner == world.teammate
    with pytest.raises(ValidationError):
        services.opportunity_update(actor=world.owner, opportunity=updated, owner=UserFactory())


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"value": Decimal("-1")}, "value"),
        ({"value": Decimal("1000000000000")}, "value"),
        ({"probability": 101}, "probability"),
        ({"title": "   "}, "title"),
    ],
)
def test_it_refuses_invalid_values(world, values, field):
    with pytest.raises(ValidationError) as exc:
        _create(world, **values)
    assert field in exc.value.message_dict


def test_a_plan_goal_of_another_account_is_refused(world):
    foreign = GoalFactory(plan=PlanFactory(account=world.other_account))
    with pytest.raises(ValidationError) as exc:
        _create(world, plan_goal=foreign)
    assert "plan_goal" in exc.value.message_dict
    own = GoalFactory(plan=PlanFactory(account=world.account))
    assert _create(world, plan_goal=own).plan_goal == own


def test_the_whitespace_cell_must_be_an_opportunity_cell_of_the_account(world):
    foreign = WhitespaceCellFactory(unit__account=world.other_account, status=CellStatus.OPPORTUNITY)
    no_need = WhitespaceCellFactory(unit__account=world.account, status=CellStatus.NO_NEED)
    good = WhitespaceCellFactory(
        unit__account=world.account, status=CellStatus.OPPORTUNITY, potential=Decimal("50000")
    )
    for cell in (foreign, no_need):
        with pytest.raises(ValidationError) as exc:
            _create(world, whitespace_cell=cell)
        assert "whitespace_cell" in exc.value.message_dict
    opp = _create(world, whitespace_cell=good)
    assert list(good.opportunities.all()) == [opp]
    # The link stays when the cell's mark changes later.
    good.status = CellStatus.NO_NEED
    good.save()
    assert (
        services.opportunity_update(actor=world.owner, opportunity=opp, title="Anders").whitespace_cell
        == good
    )


def test_unknown_fields_are_a_programming_error(world):
    with pytest.raises(TypeError):
        _create(world, colour="blue")
    opp = _create(world)
    with pytest.raises(TypeError):
        services.opportunity_update(actor=world.owner, opportunity=opp, stage=Stage.WON)


# Updates ------------------------------------------------------------------------------------------


def test_an_update_is_audited_readably_and_versioned(world):
    opp = _create(world)
    updated = services.opportunity_update(
        actor=world.teammate, opportunity=opp, version=opp.version, value=Decimal("200000"), probability=30
    )
    assert updated.version == opp.version + 1
    entry = AuditEntry.objects.get(action="opportunities.opportunity.update")
    assert entry.changes == {"value": ["180000.00 EUR", "200000.00 EUR"], "probability": ["10 %", "30 %"]}


def test_two_edits_from_the_same_version_conflict(world):
    opp = _create(world)
    version = opp.version
    services.opportunity_update(actor=world.owner, opportunity=opp, version=version, title="Erster")
    with pytest.raises(EditConflict) as exc:
        services.opportunity_update(actor=world.teammate, opportunity=opp, version=version, title="Zweiter")
    assert exc.value.theirs == {"title": "Erster"}
    assert Opportunity.objects.get().title == "Erster"


def test_an_open_opportunity_has_no_close_reason(world):
    opp = _create(world)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_update(actor=world.owner, opportunity=opp, close_reason=CloseReason.PRICE)
    assert "close_reason" in exc.value.message_dict


# Moves and the checklist --------------------------------------------------------------------------


def test_moving_forwards_needs_the_checklist_of_the_stage_being_left(world):
    opp = _create(world)
    services.check_set(actor=world.owner, opportunity=opp, item="need_confirmed", checked=True)

    with pytest.raises(ValidationError) as exc:
        services.opportunity_move(actor=world.owner, opportunity=opp, stage=Stage.QUALIFIED)

    [message] = exc.value.message_dict["stage"]
    assert "Identified" in message
    assert "fits the account plan" in message
    assert "Value and expected close date are estimated." in message
    assert "confirmed a need" not in message
    assert Opportunity.objects.get().stage == Stage.IDENTIFIED

    _tick(world.owner, opp, Stage.IDENTIFIED)
    moved = services.opportunity_move(actor=world.extended, opportunity=opp, stage=Stage.QUALIFIED)
    assert (moved.stage, moved.probability) == (Stage.QUALIFIED, 25)
    assert [(c.from_stage, c.to_stage) for c in StageChange.objects.filter(opportunity=opp)] == [
        ("", Stage.IDENTIFIED),
        (Stage.IDENTIFIED, Stage.QUALIFIED),
    ]
    assert AuditEntry.objects.get(action="opportunities.opportunity.move").changes["stage"] == [
        "identified",
        "qualified",
    ]


def test_skipping_stages_needs_the_checklists_of_every_stage_in_between(world):
    opp = _create(world)
    _tick(world.owner, opp, Stage.IDENTIFIED)
    missing = missing_checks(opp, Stage.PROPOSAL)
    assert [(stage, key) for stage, key, _label in missing] == [
        *((Stage.QUALIFIED, key) for key in _items(Stage.QUALIFIED)),
        *((Stage.SOLUTION, key) for key in _items(Stage.SOLUTION)),
    ]
    with pytest.raises(ValidationError) as exc:
        services.opportunity_move(actor=world.owner, opportunity=opp, stage=Stage.PROPOSAL)
    [message] = exc.value.message_dict["stage"]
    assert "Qualified:" in message and "Solution development:" in message


def test_moving_backwards_is_always_allowed_and_resets_the_probability(world):
    opp = OpportunityFactory(account=world.account, stage=Stage.PROPOSAL, probability=70)
    moved = services.opportunity_move(actor=world.owner, opportunity=opp, stage=Stage.QUALIFIED)
    assert (moved.stage, moved.probability) == (Stage.QUALIFIED, 25)


def test_a_given_probability_overrides_the_default(world):
    opp = OpportunityFactory(account=world.account, stage=Stage.SOLUTION, all_checked=True)
    _tick(world.owner, opp, Stage.SOLUTION)
    moved = services.opportunity_move(
        actor=world.owner, opportunity=opp, stage=Stage.PROPOSAL, probability=55
    )
    assert moved.probability == 55


def test_winning_needs_a_reason_and_the_remaining_checklist(world):
    opp = OpportunityFactory(account=world.account, stage=Stage.NEGOTIATION, all_checked=True)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_move(actor=world.owner, opportunity=opp, stage=Stage.WON)
    assert "Negotiation" in exc.value.message_dict["stage"][0]

    _tick(world.owner, opp, Stage.NEGOTIATION)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_move(actor=world.owner, opportunity=opp, stage=Stage.WON)
    assert "close_reason" in exc.value.message_dict

    won = services.opportunity_move(
        actor=world.owner,
        opportunity=opp,
        stage=Stage.WON,
        close_reason=CloseReason.SOLUTION_FIT,
        close_note="Referenzbesuch hat überzeugt",
    )
    assert (won.stage, won.probability, won.closed_on) == (Stage.WON, 100, timezone.localdate())
    assert weighted_value(won) == won.value


def test_lost_works_from_any_open_stage_without_the_checklist(world):
    opp = _create(world)
    lost = services.opportunity_move(
        actor=world.owner,
        opportunity=opp,
        stage=Stage.LOST,
        close_reason=CloseReason.PRICE,
        closed_on=date(2026, 1, 15),
    )
    assert (lost.stage, lost.probability, lost.closed_on, lost.close_reason) == (
        Stage.LOST,
        0,
        date(2026, 1, 15),
        CloseReason.PRICE,
    )
    assert weighted_value(lost) == 0


def test_the_close_date_cannot_lie_in_the_future(world):
    opp = _create(world)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_move(
            actor=world.owner,
            opportunity=opp,
            stage=Stage.LOST,
            close_reason=CloseReason.PRICE,
            closed_on=timezone.localdate() + timedelta(days=1),
        )
    assert "closed_on" in exc.value.message_dict


def test_reopening_clears_the_close_fields(world):
    opp = _create(world)
    services.opportunity_move(
        actor=world.owner,
        opportunity=opp,
        stage=Stage.LOST,
        close_reason=CloseReason.TIMING,
        close_note="Zu spät",
    )
    reopened = services.opportunity_move(actor=world.owner, opportunity=opp, stage=Stage.SOLUTION)
    assert (reopened.stage, reopened.close_reason, reopened.close_note, reopened.closed_on) == (
        Stage.SOLUTION,
        "",
        "",
        None,
    )
    assert reopened.probability == 40


def test_winning_a_lost_opportunity_needs_the_whole_checklist(world):
    opp = _create(world)
    services.opportunity_move(
        actor=world.owner, opportunity=opp, stage=Stage.LOST, close_reason=CloseReason.PRICE
    )
    assert len(missing_checks(opp, Stage.WON)) == sum(len(items) for items in QUALIFICATION.values())


def test_a_move_from_an_old_version_conflicts(world):
    opp = _create(world)
    version = opp.version
    services.opportunity_update(actor=world.owner, opportunity=opp, version=version, title="Geändert")
    with pytest.raises(EditConflict):
        services.opportunity_move(
            actor=world.owner,
            opportunity=opp,
            stage=Stage.LOST,
            version=version,
            close_reason=CloseReason.PRICE,
        )


def test_moves_are_refused_to_people_off_the_team(world):
    opp = _create(world)
    with pytest.raises(PermissionDenied):
        services.opportunity_move(
            actor=world.manager, opportunity=opp, stage=Stage.LOST, close_reason="price"
        )


def test_checks_are_ticked_and_unticked_with_audit(world):
    opp = _create(world)
    services.check_set(actor=world.extended, opportunity=opp, item="need_confirmed", checked=True)
    services.check_set(actor=world.extended, opportunity=opp, item="need_confirmed", checked=True)
    assert QualificationCheck.objects.get().checked_by == world.extended
    services.check_set(actor=world.owner, opportunity=opp, item="need_confirmed", checked=False)
    assert not QualificationCheck.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="opportunities.check")
        .order_by("pk")
        .values_list("action", "target_repr")
    )
    label = "The customer has confirmed a need or a problem we can solve."
    assert actions == [
        ("opportunities.check.tick", f"Antriebspaket Linie 4: {label}"),
        ("opportunities.check.untick", f"Antriebspaket Linie 4: {label}"),
    ]
    with pytest.raises(ValidationError):
        services.check_set(actor=world.owner, opportunity=opp, item="no_such_item", checked=True)


def test_deleting_removes_the_history_but_keeps_the_cell(world):
    cell = WhitespaceCellFactory(unit__account=world.account, status=CellStatus.OPPORTUNITY, potential=1)
    opp = _create(world, whitespace_cell=cell)
    DecisionParticipantFactory(opportunity=opp, stakeholder=world.stakeholder)
    services.opportunity_delete(actor=world.teammate, opportunity=opp)
    assert not Opportunity.objects.exists()
    assert not StageChange.objects.exists()
    cell.refresh_from_db()
    assert AuditEntry.objects.filter(
        action="opportunities.opportunity.delete", account_id=world.account.pk
    ).exists()


# Buying center of the decision --------------------------------------------------------------------


def test_participants_are_added_with_their_roles_in_this_decision(world):
    opp = _create(world)
    participant = services.participant_set(
        actor=world.extended,
        opportunity=opp,
        stakeholder=world.stakeholder,
        roles=["influencer", "decision_maker"],
        note="Entscheidet mit dem Werkleiter",
    )
    assert participant.roles == [BuyingRole.DECISION_MAKER, BuyingRole.INFLUENCER]
    entry = AuditEntry.objects.get(action="opportunities.participant.add")
    assert entry.changes == {"roles": "decision_maker, influencer", "note": "•••"}

    changed = services.participant_set(
        actor=world.owner, opportunity=opp, stakeholder=world.stakeholder, roles=["user"]
    )
    assert changed.pk == participant.pk
    assert DecisionParticipant.objects.get().roles == ["user"]
    assert AuditEntry.objects.get(action="opportunities.participant.update").changes["roles"] == [
        "decision_maker, influencer",
        "user",
    ]

    services.participant_remove(actor=world.owner, participant=changed)
    assert not DecisionParticipant.objects.exists()


def test_a_stakeholder_of_another_account_is_refused(world):
    opp = _create(world)
    with pytest.raises(ValidationError) as exc:
        services.participant_set(
            actor=world.owner, opportunity=opp, stakeholder=world.other_stakeholder, roles=[]
        )
    assert "stakeholder" in exc.value.message_dict


def test_unknown_roles_and_anonymised_people_are_refused(world):
    opp = _create(world)
    with pytest.raises(ValidationError) as exc:
        services.participant_set(
            actor=world.owner, opportunity=opp, stakeholder=world.stakeholder, roles=["king"]
        )
    assert "roles" in exc.value.message_dict
    gone = StakeholderFactory(account=world.account, anonymised_at=timezone.now())
    with pytest.raises(ValidationError):
        services.participant_set(actor=world.owner, opportunity=opp, stakeholder=gone, roles=["user"])


def test_participants_are_refused_to_management(world):
    opp = _create(world)
    with pytest.raises(PermissionDenied):
        services.participant_set(
            actor=world.manager, opportunity=opp, stakeholder=world.stakeholder, roles=[]
        )


def test_weighted_value_rounds_to_the_cent(world):
    opp = OpportunityFactory.build(value=Decimal("333.33"), probability=25)
    assert weighted_value(opp) == Decimal("83.33")

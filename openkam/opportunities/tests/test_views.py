"""The account's opportunity pages: list, detail with checklist and moves, forms, links."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openkam.business.choices import CellStatus
from openkam.business.tests.factories import WhitespaceCellFactory
from openkam.opportunities import services
from openkam.opportunities.choices import QUALIFICATION, CloseReason, Stage
from openkam.opportunities.models import DecisionParticipant, Opportunity, QualificationCheck
from openkam.plans.tests.factories import GoalFactory, PlanFactory
from openkam.testing.factories import StakeholderFactory

from .factories import DecisionParticipantFactory, OpportunityFactory, StageChangeFactory

pytestmark = pytest.mark.django_db


def _url(name, world, *args):
    return reverse(f"opportunities:{name}", args=[world.account.pk, *args])


def _form(opp, **changes):
    data = {
        "version": opp.version,
        "title": opp.title,
        "value": str(opp.value),
        "probability": opp.probability,
        "expected_close": opp.expected_close.isoformat(),
        "owner": opp.owner_id,
        "product_group": opp.product_group,
        "competitive_position": opp.competitive_position,
        "main_competitor": opp.main_competitor,
        "selling_approach": opp.selling_approach,
        "sales_strategy": opp.sales_strategy,
        "next_steps": opp.next_steps,
        "next_step_due": "",
        "plan_goal": "",
        "whitespace_cell": "",
        "description": opp.description,
    }
    return data | changes


# List -----------------------------------------------------------------------------------------------


def test_the_list_groups_open_ones_by_stage_and_sums_the_pipeline(client, world):
    OpportunityFactory(
        account=world.account, title="Servoachsen", stage=Stage.QUALIFIED, value=Decimal("100000")
    )
    OpportunityFactory(account=world.account, title="Getriebe", stage=Stage.PROPOSAL, value=Decimal("200000"))
    OpportunityFactory(
        account=world.account,
        title="Rahmenvertrag",
        stage=Stage.WON,
        value=Decimal("50000"),
        close_reason=CloseReason.RELATIONSHIP,
        closed_on=timezone.localdate(),
    )
    OpportunityFactory(account=world.other_account, title="Fremd", value=Decimal("999999"))
    client.force_login(world.extended)

    response = client.get(_url("list", world))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Servoachsen" in content and "Getriebe" in content and "Fremd" not in content
    totals = response.context["pipeline"].totals
    assert (totals.open_value, totals.weighted_value, totals.won_value) == (
        Decimal("300000.00"),
        Decimal("145000.00"),
        Decimal("50000.00"),
    )
    groups = response.context["pipeline"].groups
    assert [(g.stage, [o.title for o in g.opportunities]) for g in groups] == [
        (Stage.QUALIFIED, ["Servoachsen"]),
        (Stage.PROPOSAL, ["Getriebe"]),
    ]
    assert [o.title for o in response.context["pipeline"].closed] == ["Rahmenvertrag"]
    assert "Relationship" in content  # the close reason's label
    assert _url("create", world) in content  # the extended team may add opportunities


def test_management_reads_the_list_without_buttons(client, world):
    OpportunityFactory(account=world.account, title="Servoachsen")
    client.force_login(world.manager)
    content = client.get(_url("list", world)).content.decode()
    assert "Servoachsen" in content and _url("create", world) not in content


def test_a_former_team_member_is_flagged_as_owner(client, world):
    OpportunityFactory(account=world.account, owner=world.teammate)
    world.teammate_membership.delete()
    client.force_login(world.owner)
    assert "no longer on the team" in client.get(_url("list", world)).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_detail_need_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    opp = OpportunityFactory(account=world.account, stage=Stage.SOLUTION, all_checked=True)
    DecisionParticipantFactory(opportunity=opp, stakeholder=world.stakeholder)
    StageChangeFactory(opportunity=opp)
    client.force_login(world.owner)
    client.get(_url("list", world))  # the first request of a session does some bookkeeping
    list_url, detail_url = _url("list", world), _url("detail", world, opp.pk)
    list_before = _queries(client, list_url)
    detail_before = _queries(client, detail_url)
    for n in range(3):
        other = OpportunityFactory(
            account=world.account,
            stage=Stage.PROPOSAL,
            owner=world.teammate,
            plan_goal=GoalFactory(plan=PlanFactory(account=world.account, fiscal_year=2020 + n)),
            all_checked=True,
        )
        OpportunityFactory(
            account=world.account,
            stage=Stage.LOST,
            close_reason=CloseReason.PRICE,
            closed_on=date(2026, 1, 2),
        )
        DecisionParticipantFactory(opportunity=opp, stakeholder=StakeholderFactory(account=world.account))
        StageChangeFactory(opportunity=opp, from_stage=Stage.QUALIFIED, to_stage=Stage.SOLUTION)
        QualificationCheck.objects.create(opportunity=opp, item=QUALIFICATION[Stage.PROPOSAL][n % 3][0])
        DecisionParticipantFactory(opportunity=other, stakeholder=world.stakeholder)
    with django_assert_num_queries(list_before):
        client.get(list_url)
    with django_assert_num_queries(detail_before):
        client.get(detail_url)
    assert list_before <= 12 and detail_before <= 22


# Create, edit, delete -------------------------------------------------------------------------------


def test_an_opportunity_is_created_from_an_opportunity_cell(client, world):
    cell = WhitespaceCellFactory(
        unit__account=world.account,
        unit__name="Werk Eisenach",
        product_group="Servomotoren",
        status=CellStatus.OPPORTUNITY,
        potential=Decimal("75000"),
    )
    client.force_login(world.teammate)

    response = client.get(_url("create", world) + f"?cell={cell.pk}")

    form = response.context["form"]
    assert form.initial["title"] == "Servomotoren for Werk Eisenach"
    assert form.initial["value"] == Decimal("75000")
    assert form.initial["whitespace_cell"] == cell.pk
    assert "From the opportunity cell" in response.content.decode()

    data = {
        "title": "Servomotoren for Werk Eisenach",
        "value": "75000",
        "stage": Stage.IDENTIFIED,
        "probability": "",
        "expected_close": "2026-12-31",
        "owner": world.teammate.pk,
        "product_group": "Servomotoren",
        "competitive_position": "unknown",
        "main_competitor": "",
        "selling_approach": "need",
        "sales_strategy": "",
        "next_steps": "",
        "next_step_due": "",
        "plan_goal": "",
        "whitespace_cell": cell.pk,
        "description": "",
    }
    response = client.post(_url("create", world) + f"?cell={cell.pk}", data)

    opp = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == _url("detail", world, opp.pk)
    assert (opp.whitespace_cell, opp.probability, opp.owner) == (cell, 10, world.teammate)


@pytest.mark.parametrize("status", [CellStatus.NO_NEED, CellStatus.COMPETITOR])
def test_only_opportunity_cells_of_the_account_start_an_opportunity(client, world, status):
    other = WhitespaceCellFactory(
        unit__account=world.other_account, status=CellStatus.OPPORTUNITY, potential=1
    )
    wrong = WhitespaceCellFactory(unit__account=world.account, status=status)
    client.force_login(world.owner)
    assert client.get(_url("create", world) + f"?cell={other.pk}").status_code == 404
    assert client.get(_url("create", world) + f"?cell={wrong.pk}").status_code == 404
    assert client.get(_url("create", world) + "?cell=x").status_code == 404


def test_the_goal_select_offers_the_account_goals_newest_plan_first(client, world):
    old = GoalFactory(plan=PlanFactory(account=world.account, fiscal_year=2025), title="Alt")
    new = GoalFactory(plan=PlanFactory(account=world.account, fiscal_year=2026), title="Neu")
    foreign = GoalFactory(plan=PlanFactory(account=world.other_account, fiscal_year=2026), title="Fremd")
    client.force_login(world.owner)
    form = client.get(_url("create", world)).context["form"]
    assert list(form.fields["plan_goal"].queryset) == [new, old]
    assert foreign not in form.fields["plan_goal"].queryset


def test_two_edits_from_the_same_version_meet_a_conflict(client, world):
    opp = OpportunityFactory(account=world.account, title="Alt")
    client.force_login(world.owner)
    first = client.post(_url("edit", world, opp.pk), _form(opp, title="Erster"))
    assert first.status_code == 302

    second = client.post(_url("edit", world, opp.pk), _form(opp, title="Zweiter"))

    assert second.status_code == 200
    assert "Someone else saved this in the meantime" in second.content.decode()
    assert second.context["form"].conflict == {"title": "Erster"}
    assert Opportunity.objects.get().title == "Erster"


def test_the_owner_must_be_on_the_team(client, world):
    opp = OpportunityFactory(account=world.account)
    client.force_login(world.owner)
    response = client.post(_url("edit", world, opp.pk), _form(opp, owner=world.other_kam.pk))
    assert response.status_code == 200 and response.context["form"].errors["owner"]


def test_deleting_goes_back_to_the_list(client, world):
    opp = OpportunityFactory(account=world.account)
    client.force_login(world.extended)
    response = client.post(_url("delete", world, opp.pk))
    assert response.url == _url("list", world)
    assert not Opportunity.objects.exists()


# Detail: stages and checklist -----------------------------------------------------------------------


def test_a_refused_move_names_the_missing_items(client, world):
    opp = OpportunityFactory(account=world.account, stage=Stage.QUALIFIED, checked=["budget_known"])
    client.force_login(world.extended)

    response = client.post(_url("move", world, opp.pk), {"stage": Stage.SOLUTION, "version": opp.version})

    assert response.status_code == 200
    content = response.content.decode()
    assert "cannot move to “Solution development” yet" in content
    assert "We know who else competes for it." in content
    assert Opportunity.objects.get().stage == Stage.QUALIFIED


def test_an_opportunity_moves_forwards_once_ticked_and_backwards_always(client, world):
    opp = OpportunityFactory(account=world.account, stage=Stage.QUALIFIED, all_checked=True)
    client.force_login(world.teammate)
    for key, _label in QUALIFICATION[Stage.QUALIFIED]:
        client.post(_url("check", world, opp.pk), {"item": key, "checked": "on"})

    response = client.post(_url("move", world, opp.pk), {"stage": Stage.SOLUTION, "version": opp.version})

    assert response.status_code == 302
    opp.refresh_from_db()
    assert (opp.stage, opp.probability) == (Stage.SOLUTION, 40)
    response = client.post(_url("move", world, opp.pk), {"stage": Stage.IDENTIFIED, "version": opp.version})
    opp.refresh_from_db()
    assert opp.stage == Stage.IDENTIFIED


def test_closing_needs_a_reason(client, world):
    opp = OpportunityFactory(account=world.account)
    client.force_login(world.owner)
    response = client.post(_url("move", world, opp.pk), {"stage": Stage.LOST, "version": opp.version})
    assert response.status_code == 200
    assert response.context["close_form"].errors["close_reason"]

    response = client.post(
        _url("move", world, opp.pk),
        {"stage": Stage.LOST, "version": opp.version, "close_reason": "budget", "close_note": "Gekürzt"},
    )
    opp.refresh_from_db()
    assert (opp.stage, opp.close_reason, opp.closed_on) == (Stage.LOST, "budget", timezone.localdate())


def test_a_move_from_an_old_version_shows_the_conflict(client, world):
    opp = OpportunityFactory(account=world.account)
    services.opportunity_update(actor=world.owner, opportunity=opp, version=opp.version, title="Neu")
    client.force_login(world.owner)
    response = client.post(
        _url("move", world, opp.pk), {"stage": Stage.LOST, "version": 1, "close_reason": "price"}
    )
    assert response.status_code == 200
    assert "Someone else saved this in the meantime" in response.content.decode()
    assert Opportunity.objects.get().stage == Stage.IDENTIFIED


def test_ticking_with_htmx_answers_the_checklist(client, world):
    opp = OpportunityFactory(account=world.account)
    client.force_login(world.extended)

    response = client.post(
        _url("check", world, opp.pk),
        {"item": "need_confirmed", "checked": "on"},
        headers={"HX-Request": "true"},
    )

    # Only the item's label comes back: a whole-list swap would undo boxes ticked meanwhile.
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<span class="check-text"><label for="check-need_confirmed">The customer has confirmed a need or a '
        'problem we can solve.</label><span class="visually-hidden" role="status">Saved</span></span>'
    )
    assert QualificationCheck.objects.get().checked_by == world.extended

    response = client.post(_url("check", world, opp.pk), {"item": "need_confirmed"})
    assert response.status_code == 302 and response.url.endswith("#checklist")
    assert not QualificationCheck.objects.exists()
    assert client.post(_url("check", world, opp.pk), {"item": "nonsense", "checked": "on"}).status_code == 400


def test_unticking_an_item_of_a_stage_left_marks_its_label_open(client, world):
    opp = OpportunityFactory(account=world.account, stage=Stage.QUALIFIED, checked=["need_confirmed"])
    client.force_login(world.owner)

    response = client.post(
        _url("check", world, opp.pk), {"item": "need_confirmed"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert '<label for="check-need_confirmed" class="item-open">' in response.content.decode()
    assert not QualificationCheck.objects.exists()


def test_the_detail_shows_links_history_and_the_missing_decision_maker(client, world):
    goal = GoalFactory(
        plan=PlanFactory(account=world.account, fiscal_year=2026), title="Servicegeschäft ausbauen"
    )
    cell = WhitespaceCellFactory(unit__account=world.account, status=CellStatus.OPPORTUNITY, potential=10)
    opp = services.opportunity_create(
        actor=world.owner,
        account=world.account,
        title="Wartungsvertrag",
        value=Decimal("90000"),
        expected_close=date(2026, 12, 1),
        plan_goal=goal,
        whitespace_cell=cell,
    )
    DecisionParticipantFactory(opportunity=opp, stakeholder=world.stakeholder, roles=["influencer"])
    client.force_login(world.owner)

    content = client.get(_url("detail", world, opp.pk)).content.decode()

    assert "Servicegeschäft ausbauen" in content
    assert reverse("plans:detail", args=[world.account.pk, goal.plan_id]) in content
    assert reverse("business:cell", args=[world.account.pk]) in content
    assert 'id="no-decision-maker"' in content
    assert "Created in" in content  # the stage history
    DecisionParticipant.objects.update(roles=["decision_maker"])
    assert 'id="no-decision-maker"' not in client.get(_url("detail", world, opp.pk)).content.decode()


def test_management_sees_the_detail_without_forms(client, world):
    opp = OpportunityFactory(account=world.account)
    client.force_login(world.manager)
    content = client.get(_url("detail", world, opp.pk)).content.decode()
    assert _url("move", world, opp.pk) not in content and _url("check", world, opp.pk) not in content


# Buying center of the decision ----------------------------------------------------------------------


def test_people_are_added_with_their_roles_and_edited(client, world):
    opp = OpportunityFactory(account=world.account)
    client.force_login(world.extended)

    response = client.post(
        _url("participant-add", world, opp.pk),
        {"stakeholder": world.stakeholder.pk, "roles": ["decision_maker", "buyer"], "note": "Budget"},
    )

    assert response.status_code == 302
    participant = DecisionParticipant.objects.get()
    assert participant.roles == ["decision_maker", "buyer"]
    response = client.post(
        _url("participant-edit", world, opp.pk, participant.pk), {"roles": ["influencer"], "note": ""}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.roles == ["influencer"]
    client.post(_url("participant-remove", world, opp.pk, participant.pk))
    assert not DecisionParticipant.objects.exists()


def test_a_stakeholder_of_another_account_cannot_be_added(client, world):
    opp = OpportunityFactory(account=world.account)
    client.force_login(world.owner)
    response = client.post(
        _url("participant-add", world, opp.pk), {"stakeholder": world.other_stakeholder.pk, "roles": ["user"]}
    )
    assert response.status_code == 200
    assert response.context["participant_form"].errors["stakeholder"]
    assert not DecisionParticipant.objects.exists()


# Elsewhere: whitespace cell and plan goals ----------------------------------------------------------


def test_an_opportunity_cell_shows_its_opportunities_and_the_create_link(client, world):
    from django.core.cache import cache

    from openkam.business.tests.ledger import alpha_rows, register_ledger

    cache.clear()  # the ledger aggregates are cached per ledger state
    register_ledger(alpha_rows(world.account.customer.number, "X-1", world.other_account.customer.number))
    cell = WhitespaceCellFactory(
        unit__account=world.account,
        unit__name="Werk Eisenach",
        product_group="Servomotoren",
        status=CellStatus.OPPORTUNITY,
        potential=Decimal("30000"),
    )
    OpportunityFactory(account=world.account, title="Servos Eisenach", whitespace_cell=cell)
    client.force_login(world.teammate)

    response = client.get(
        reverse("business:cell", args=[world.account.pk]),
        {"unit": "Werk Eisenach", "product_group": "Servomotoren"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Servos Eisenach" in content
    assert f"{_url('create', world)}?cell={cell.pk}" in content


def test_a_plan_goal_shows_the_opportunities_serving_it(client, world):
    plan = PlanFactory(account=world.account, fiscal_year=2026)
    goal = GoalFactory(plan=plan)
    GoalFactory(plan=plan)
    OpportunityFactory(account=world.account, title="Antriebspaket", plan_goal=goal)
    OpportunityFactory(account=world.account, title="Umrüstung", plan_goal=goal)
    client.force_login(world.manager)

    content = client.get(reverse("plans:detail", args=[world.account.pk, plan.pk])).content.decode()

    assert "served by 2 opportunities" in content
    assert "Antriebspaket" in content and "Umrüstung" in content

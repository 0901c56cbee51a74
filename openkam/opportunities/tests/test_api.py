"""The opportunities API of a key account: CRUD, moves, checklist, buying center, rule breaks."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from openkam.business.choices import CellStatus
from openkam.business.tests.factories import WhitespaceCellFactory
from openkam.opportunities.choices import QUALIFICATION, Stage
from openkam.opportunities.models import DecisionParticipant, Opportunity, QualificationCheck
from openkam.plans.tests.factories import GoalFactory, PlanFactory

from .factories import DecisionParticipantFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _call(client, method, path, body=None):
    return client.generic(
        method,
        "/api/v1" + path,
        data=b"" if body is None else json.dumps(body),
        content_type="application/json",
    )


def _base(world):
    return f"/accounts/{world.account.pk}/opportunities"


def test_an_opportunity_is_created_read_and_listed(world):
    client = _client(world.extended)
    goal = GoalFactory(plan=PlanFactory(account=world.account))

    response = _call(
        client,
        "POST",
        _base(world),
        {
            "title": "Servoachsen Roboterzelle",
            "value": "120000.00",
            "expected_close": "2026-10-31",
            "stage": "qualified",
            "plan_goal_id": goal.pk,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"]["id"] == world.extended.pk
    assert (body["probability"], body["weighted_value"], body["plan_goal"]["id"]) == (25, "30000.00", goal.pk)
    assert len(body["checklist"]) == sum(len(items) for items in QUALIFICATION.values())
    assert body["missing_for_next_stage"] == [key for key, _label in QUALIFICATION[Stage.QUALIFIED]]
    assert [c["to_stage"] for c in body["stage_changes"]] == ["qualified"]
    assert body["has_decision_maker"] is False

    OpportunityFactory(account=world.account, stage=Stage.LOST, close_reason="price", closed_on="2026-01-10")
    listed = _call(_client(world.manager), "GET", _base(world) + "?status=open").json()
    assert [o["title"] for o in listed] == ["Servoachsen Roboterzelle"]
    assert len(_call(client, "GET", _base(world)).json()) == 2
    assert _call(client, "GET", _base(world) + "?colour=red").status_code == 422


def test_an_opportunity_is_created_from_a_whitespace_cell(world):
    cell = WhitespaceCellFactory(
        unit__account=world.account,
        unit__name="Werk Brünn",
        product_group="Frequenzumrichter",
        status=CellStatus.OPPORTUNITY,
        potential=Decimal("45000"),
    )
    response = _call(
        _client(world.owner),
        "POST",
        _base(world),
        {"whitespace_cell_id": cell.pk, "expected_close": "2026-09-30"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["product_group"], body["value"]) == (
        "Frequenzumrichter for Werk Brünn",
        "Frequenzumrichter",
        "45000.00",
    )
    assert body["whitespace_cell"] == {"id": cell.pk, "name": "Werk Brünn × Frequenzumrichter"}


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (
            lambda w: {"plan_goal_id": GoalFactory(plan=PlanFactory(account=w.other_account)).pk},
            "plan_goal_id",
        ),
        (
            lambda w: {
                "whitespace_cell_id": WhitespaceCellFactory(
                    unit__account=w.other_account, status=CellStatus.OPPORTUNITY, potential=1
                ).pk
            },
            "whitespace_cell_id",
        ),
        (lambda w: {"owner_id": w.other_kam.pk}, "owner_id"),
        (lambda w: {"value": "-5"}, "value"),
        (lambda w: {"colour": "blue"}, "colour"),
    ],
)
def test_rule_breaks_answer_422_with_the_field(world, make, field):
    body = {"title": "Getriebe", "value": "1000", "expected_close": "2026-09-30"} | make(world)
    response = _call(_client(world.owner), "POST", _base(world), body)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not Opportunity.objects.exists()


def test_a_patch_from_an_old_version_answers_409(world):
    opp = OpportunityFactory(account=world.account, title="Alt")
    client = _client(world.teammate)
    path = f"{_base(world)}/{opp.pk}"

    first = _call(client, "PATCH", path, {"version": opp.version, "title": "Erster"})
    second = _call(client, "PATCH", path, {"version": opp.version, "title": "Zweiter"})

    assert first.status_code == 200 and first.json()["version"] == opp.version + 1
    assert second.status_code == 409
    assert second.json()["error"]["theirs"] == {"title": "Erster"}
    assert _call(client, "PATCH", path, {"stage": "won"}).status_code == 422


def test_moves_follow_the_checklist(world):
    opp = OpportunityFactory(account=world.account, stage=Stage.NEGOTIATION, all_checked=True)
    client = _client(world.extended)
    path = f"{_base(world)}/{opp.pk}"

    refused = _call(client, "POST", f"{path}/move", {"stage": "won", "close_reason": "solution_fit"})
    assert refused.status_code == 422
    [message] = refused.json()["error"]["fields"]["stage"]
    assert "Negotiation" in message and "Commercial and legal terms are agreed." in message

    for key, _label in QUALIFICATION[Stage.NEGOTIATION]:
        assert _call(client, "PUT", f"{path}/checks/{key}").status_code == 200
    assert _call(client, "POST", f"{path}/move", {"stage": "won"}).status_code == 422  # no reason
    won = _call(client, "POST", f"{path}/move", {"stage": "won", "close_reason": "solution_fit"})
    assert won.status_code == 200
    assert (won.json()["stage"], won.json()["probability"], won.json()["close_reason"]) == (
        "won",
        100,
        "solution_fit",
    )

    back = _call(client, "POST", f"{path}/move", {"stage": "proposal", "version": won.json()["version"]})
    assert back.status_code == 200
    assert (back.json()["stage"], back.json()["close_reason"], back.json()["closed_on"]) == (
        "proposal",
        None,
        None,
    )
    stale = _call(client, "POST", f"{path}/move", {"stage": "lost", "close_reason": "price", "version": 1})
    assert stale.status_code == 409


def test_checks_are_ticked_and_unticked(world):
    opp = OpportunityFactory(account=world.account)
    client = _client(world.owner)
    path = f"{_base(world)}/{opp.pk}/checks"
    response = _call(client, "PUT", f"{path}/need_confirmed")
    assert response.status_code == 200
    assert [c["item"] for c in response.json() if c["checked"]] == ["need_confirmed"]
    assert _call(client, "DELETE", f"{path}/need_confirmed").status_code == 204
    assert not QualificationCheck.objects.exists()
    assert _call(client, "PUT", f"{path}/unknown_item").status_code == 422
    assert _call(_client(world.manager), "PUT", f"{path}/need_confirmed").status_code == 403


def test_the_buying_center_of_the_decision(world):
    opp = OpportunityFactory(account=world.account)
    client = _client(world.extended)
    path = f"{_base(world)}/{opp.pk}/participants"

    added = _call(client, "POST", path, {"stakeholder_id": world.stakeholder.pk, "roles": ["decision_maker"]})
    assert added.status_code == 201, added.content
    participant_id = added.json()["id"]
    assert added.json()["name"] == str(world.stakeholder)

    changed = _call(client, "PATCH", f"{path}/{participant_id}", {"roles": ["user", "influencer"]})
    assert changed.json()["roles"] == ["influencer", "user"]
    assert [p["id"] for p in _call(client, "GET", path).json()] == [participant_id]
    assert _call(client, "GET", f"{_base(world)}/{opp.pk}").json()["has_decision_maker"] is False

    foreign = _call(client, "POST", path, {"stakeholder_id": world.other_stakeholder.pk, "roles": []})
    assert foreign.status_code == 422 and "stakeholder_id" in foreign.json()["error"]["fields"]
    bad_role = _call(client, "POST", path, {"stakeholder_id": world.stakeholder.pk, "roles": ["king"]})
    assert bad_role.status_code == 422

    assert _call(client, "DELETE", f"{path}/{participant_id}").status_code == 204
    assert not DecisionParticipant.objects.exists()


def test_another_account_opportunity_is_not_found(world):
    foreign = OpportunityFactory(account=world.other_account)
    participant = DecisionParticipantFactory(opportunity=foreign, stakeholder=world.other_stakeholder)
    client = _client(world.owner)
    assert _call(client, "GET", f"{_base(world)}/{foreign.pk}").status_code == 404
    assert (
        _call(client, "DELETE", f"{_base(world)}/{foreign.pk}/participants/{participant.pk}").status_code
        == 404
    )
    other_base = f"/accounts/{world.other_account.pk}/opportunities"
    assert _call(client, "GET", other_base).status_code == 404

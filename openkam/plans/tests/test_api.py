"""The account-plan API: reads, writes, rigour, locking and access through the account."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from openkam.plans import services
from openkam.plans.choices import Step
from openkam.plans.models import Action, Plan

from .factories import ActionFactory, GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/plans"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _call(client, method, path, body=None):
    return client.generic(
        method,
        API + path,
        data=json.dumps(body) if body is not None else b"",
        content_type="application/json",
    )


@pytest.fixture
def plan(world):
    return services.plan_create(actor=world.owner, account=world.account, fiscal_year=2026)


def test_a_plan_is_created_and_read_with_steps_and_elements(world):
    client = _client(world.owner)
    response = _call(
        client, "POST", f"/accounts/{world.account.pk}", {"fiscal_year": 2026, "vision": "Partner"}
    )
    assert response.status_code == 201
    body = response.json()
    assert [s["step"] for s in body["steps"]] == Step.values
    assert body["steps"][0]["requirements"][0] == {
        "key": "vision",
        "label": "Vision for the account written",
        "met": True,
        "detail": "",
    }
    assert len(body["elements"]) == 7 and body["plan_type"] == "existing" and body["version"] == 1

    listing = _call(client, "GET", f"/accounts/{world.account.pk}").json()
    assert [(p["fiscal_year"], p["steps"][0]) for p in listing] == [
        (2026, {"step": "strategy", "state": "not_started"})
    ]


def test_a_plan_of_an_invisible_account_is_404(world):
    foreign = PlanFactory(account=world.other_account)
    client = _client(world.owner)
    assert _call(client, "GET", f"/{foreign.pk}").status_code == 404
    assert _call(client, "PATCH", f"/{foreign.pk}", {"vision": "x"}).status_code == 404
    assert _call(client, "GET", "/999999").status_code == 404
    assert Plan.objects.get(pk=foreign.pk).vision == ""


def test_two_patches_from_one_version_conflict_and_the_second_can_retry(world, plan):
    katrin, tom = _client(world.owner), _client(world.teammate)
    assert _call(katrin, "PATCH", f"/{plan.pk}", {"version": 1, "vision": "Partner Nr. 1"}).status_code == 200

    conflict = _call(tom, "PATCH", f"/{plan.pk}", {"version": 1, "vision": "Lieferant der Wahl"})

    assert conflict.status_code == 409
    error = conflict.json()["error"]
    assert (error["code"], error["current_version"], error["theirs"]) == (
        "edit_conflict",
        2,
        {"vision": "Partner Nr. 1"},
    )
    retry = _call(tom, "PATCH", f"/{plan.pk}", {"version": 2, "vision": "Lieferant der Wahl"})
    assert retry.status_code == 200 and retry.json()["version"] == 3
    assert Plan.objects.get(pk=plan.pk).vision == "Lieferant der Wahl"


def test_a_step_is_done_only_with_its_items_and_the_api_names_what_is_missing(world, plan):
    client = _client(world.owner)
    refused = _call(client, "PATCH", f"/{plan.pk}/steps/strategy", {"state": "done"})
    assert refused.status_code == 422
    assert "Strategy for the account written" in refused.json()["error"]["fields"]["state"][0]

    _call(client, "PATCH", f"/{plan.pk}", {"vision": "V", "strategy": "S"})
    done = _call(client, "PATCH", f"/{plan.pk}/steps/strategy", {"state": "done", "version": 1})
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["version"]) == ("done", 2)
    assert _call(client, "PATCH", f"/{plan.pk}/steps/planning", {"notes": "x"}).status_code == 404


def test_unknown_fields_and_null_are_refused(world, plan):
    client = _client(world.owner)
    assert _call(client, "PATCH", f"/{plan.pk}", {"visoin": "x"}).status_code == 422
    assert _call(client, "PATCH", f"/{plan.pk}", {"vision": None}).status_code == 422
    assert _call(client, "GET", f"/{plan.pk}/compare?a=current&c=1").status_code == 422


def test_actions_need_an_owner_on_the_team(world, plan):
    client = _client(world.teammate)
    body = {"title": "Werksbesuch", "owner_id": world.other_kam.pk, "due_date": "2026-05-01"}
    refused = _call(client, "POST", f"/{plan.pk}/actions", body)
    assert refused.status_code == 422 and "owner_id" in refused.json()["error"]["fields"]
    refused = _call(client, "POST", f"/{plan.pk}/actions", body | {"owner_id": 999999})
    assert refused.status_code == 422 and "owner_id" in refused.json()["error"]["fields"]
    created = _call(client, "POST", f"/{plan.pk}/actions", body | {"owner_id": world.extended.pk})
    assert created.status_code == 201 and created.json()["owner"]["id"] == world.extended.pk

    # The extended member closes their own action, but may not rename it.
    action_id = created.json()["id"]
    extended = _client(world.extended)
    assert _call(extended, "PATCH", f"/{plan.pk}/actions/{action_id}", {"title": "Neu"}).status_code == 403
    assert _call(extended, "PATCH", f"/{plan.pk}/actions/{action_id}", {"status": "done"}).status_code == 200
    assert Action.objects.get(pk=action_id).status == "done"


def test_my_tasks_lists_my_open_actions_overdue_first(world, plan):
    today = date.today()
    later = ActionFactory(plan=plan, owner=world.teammate, due_date=today + timedelta(days=4))
    late = ActionFactory(plan=plan, owner=world.teammate, due_date=today - timedelta(days=4))
    ActionFactory(plan=plan, owner=world.owner, due_date=today - timedelta(days=4))

    rows = _call(_client(world.teammate), "GET", "/tasks/mine").json()

    assert [(r["id"], r["overdue"]) for r in rows] == [(late.pk, True), (later.pk, False)]
    assert rows[0]["account_id"] == world.account.pk and rows[0]["account_name"] == "Alpha Maschinenbau GmbH"
    assert _call(_client(world.admin), "GET", "/tasks/mine").json() == []


def test_versions_compare_and_the_annual_review(world, plan):
    client = _client(world.owner)
    goal = GoalFactory(plan=plan, title="Umsatz", current_value=None)
    first = _call(client, "POST", f"/{plan.pk}/versions", {"label": "Start"}).json()
    assert first["number"] == 1 and first["snapshot"]["goals"][0]["title"] == "Umsatz"
    _call(client, "PATCH", f"/{plan.pk}/goals/{goal.pk}", {"current_value": "1250000", "version": 1})

    compared = _call(client, "GET", f"/{plan.pk}/compare?a={first['id']}&b=current").json()
    assert compared["goals"] == [
        {
            "title": "Umsatz",
            "target_value": "1200000.00",
            "value_a": None,
            "value_b": "1250000.00",
            "reached_a": False,
            "reached_b": True,
            "newly_reached": True,
        }
    ]

    review = _call(
        client, "POST", f"/{plan.pk}/reviews", {"date": "2026-11-20", "agenda": "Rückblick"}
    ).json()
    agreed = _call(
        client,
        "POST",
        f"/{plan.pk}/reviews/{review['id']}/actions",
        {"title": "Pilot", "owner_id": world.teammate.pk, "due_date": "2027-01-31"},
    )
    assert agreed.status_code == 201 and agreed.json()["source"] == "review"
    assert _call(client, "POST", f"/{plan.pk}/reviews/{review['id']}/complete", {}).status_code == 422
    _call(client, "PATCH", f"/{plan.pk}/reviews/{review['id']}", {"results": "Verlängert", "version": 1})
    completed = _call(client, "POST", f"/{plan.pk}/reviews/{review['id']}/complete", {"version": 2})
    assert completed.status_code == 200
    assert completed.json()["review"]["status"] == "completed"
    assert completed.json()["frozen_version"]["number"] == 2
    detail = _call(client, "GET", f"/{plan.pk}/reviews/{review['id']}").json()
    assert [a["title"] for a in detail["agreed_actions"]] == ["Pilot"]


def test_the_next_cycle_through_the_api(world, plan):
    GoalFactory(plan=plan, title="Offen")
    response = _call(_client(world.owner), "POST", f"/{plan.pk}/next-cycle", {})
    assert response.status_code == 201
    body = response.json()
    assert (body["fiscal_year"], body["previous_id"], [g["title"] for g in body["goals"]]) == (
        2027,
        plan.pk,
        ["Offen"],
    )

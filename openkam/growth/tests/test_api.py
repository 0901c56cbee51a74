"""The growth-plan operations of the REST API (who may call them: the matrix in core/tests)."""

import json

import pytest
from django.test import Client

from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.growth.models import Answer, Question
from openkam.plans.choices import ActionSource
from openkam.plans.models import Action
from openkam.testing.factories import UserFactory
from openkam.users.choices import Role

from .factories import plan_of

pytestmark = pytest.mark.django_db


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client, method, url, body):
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def _answer_path(world, key):
    return api_path("growth_answer_put", plan_id=plan_of(world).pk, question_key=key)


# The question bank ------------------------------------------------------------------------------


def test_everybody_who_sees_an_account_reads_the_bank_in_category_order(world):
    response = _client_for(world.extended).get(api_path("growth_questions_list"))

    assert response.status_code == 200
    body = response.json()
    assert len(body) == 57
    assert [q["category"] for q in body[:8]] == ["team"] * 7 + ["people"]
    assert body[0] == {
        "key": "team-core-team",
        "category": "team",
        "position": 1,
        "text_en": "Who belongs to our core team for this account, and whom can we call on from the extended team?",
        "text_de": "Wer gehört zu unserem Kernteam für diesen Kunden, und wen können wir aus dem erweiterten "
        "Team hinzuziehen?",
        "help_en": "",
        "help_de": "",
        "is_active": True,
        "version": 1,
    }


def test_the_bank_filters_by_category_and_shows_inactive_questions_on_request(world):
    client = _client_for(world.owner)
    _send(
        _client_for(world.admin),
        "PATCH",
        api_path("growth_question_update", question_key="trends-economy"),
        {"is_active": False},
    )

    trends = client.get(api_path("growth_questions_list") + "?category=trends").json()
    everything = client.get(
        api_path("growth_questions_list") + "?category=trends&include_inactive=true"
    ).json()

    assert [q["key"] for q in trends] == [
        "trends-market",
        "trends-end-customers",
        "trends-technology",
        "trends-regulation",
        "trends-sustainability",
        "trends-consolidation",
    ]
    assert len(everything) == 7 and everything[5]["is_active"] is False
    assert client.get(api_path("growth_questions_list") + "?categroy=team").status_code == 422


def test_a_user_without_any_account_does_not_see_the_bank():
    loner = UserFactory(role=Role.MEMBER)

    assert _client_for(loner).get(api_path("growth_questions_list")).status_code == 404


def test_an_administrator_adds_changes_and_moves_questions(world):
    admin = _client_for(world.admin)
    created = _send(
        admin,
        "POST",
        api_path("growth_questions_list"),
        {
            "key": "needs-incoming-inspection",
            "category": "needs",
            "text_en": "What is checked?",
            "text_de": "Was wird geprüft?",
        },
    )
    assert created.status_code == 201
    assert (created.json()["position"], created.json()["version"]) == (9, 1)

    path = api_path("growth_question_update", question_key="needs-incoming-inspection")
    changed = _send(
        admin,
        "PATCH",
        path,
        {"help_en": "Ask quality.", "help_de": "Die QS fragen.", "version": 1, "position": 1},
    )
    assert changed.status_code == 200
    assert changed.json()["help_de"] == "Die QS fragen."
    assert changed.json()["position"] == 1 and changed.json()["version"] == 2
    assert Question.objects.get(key="needs-strategy").position == 2

    stale = _send(admin, "PATCH", path, {"text_en": "Which goods are inspected?", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 2
    assert (
        _send(admin, "PATCH", path, {"text_en": "Which goods are inspected?", "version": 2}).status_code
        == 200
    )


def test_kams_may_not_change_the_bank_and_bad_bodies_are_refused(world):
    path = api_path("growth_question_update", question_key="team-capacity")
    assert _send(_client_for(world.owner), "PATCH", path, {"text_en": "Mine?"}).status_code == 403

    admin = _client_for(world.admin)
    assert _send(admin, "PATCH", path, {"text_en": None}).status_code == 422
    assert _send(admin, "PATCH", path, {"wording": "x"}).status_code == 422
    assert (
        _send(
            admin,
            "POST",
            api_path("growth_questions_list"),
            {"category": "elsewhere", "text_en": "A?", "text_de": "B?"},
        ).status_code
        == 422
    )
    assert Question.objects.get(key="team-capacity").text_en.startswith("Do the team members")
    assert not AuditEntry.objects.exists()


# Answers ----------------------------------------------------------------------------------------


def test_the_answers_of_a_plan_list_every_active_question_with_version_zero_when_open(world):
    _send(
        _client_for(world.owner),
        "PUT",
        _answer_path(world, "people-coach"),
        {"status": "answered", "text": "Frau Berger", "version": 0},
    )

    body = _client_for(world.manager).get(api_path("growth_answers_list", plan_id=plan_of(world).pk)).json()

    assert len(body) == 57
    coach = next(item for item in body if item["question_key"] == "people-coach")
    assert coach["status"] == "answered" and coach["version"] == 1
    assert coach["updated_by"] == {"id": world.owner.pk, "name": "Katrin Amann"}
    first = body[0]
    assert (first["question_key"], first["status"], first["version"], first["action"]) == (
        "team-core-team",
        "open",
        0,
        None,
    )


def test_put_answers_marks_not_applicable_and_creates_research_actions(world):
    client = _client_for(world.teammate)

    answered = _send(
        client,
        "PUT",
        _answer_path(world, "needs-kpis"),
        {"status": "answered", "text": "OEE", "against_fit": True, "version": 0},
    )
    not_applicable = _send(
        client,
        "PUT",
        _answer_path(world, "trends-regulation"),
        {"status": "not_applicable", "not_applicable_reason": "Keine"},
    )
    research = _send(
        client,
        "PUT",
        _answer_path(world, "people-motives"),
        {
            "status": "research",
            "research_owner_id": world.owner.pk,
            "research_due_date": "2026-05-15",
            "version": 0,
        },
    )

    assert answered.status_code == 200 and answered.json()["against_fit"] is True
    assert not_applicable.status_code == 200 and not_applicable.json()["not_applicable_reason"] == "Keine"
    assert research.status_code == 200
    action = research.json()["action"]
    assert action["owner"] == {"id": world.owner.pk, "name": "Katrin Amann"}
    assert action["due_date"] == "2026-05-15" and action["status"] == "open"
    assert Action.objects.get(pk=action["id"]).source == ActionSource.RESEARCH

    completeness = client.get(api_path("growth_completeness", plan_id=plan_of(world).pk)).json()
    assert completeness["fit_concerns"] == 1
    assert completeness["total"] == {
        "category": "",
        "label": "All questions",
        "total": 57,
        "answered": 1,
        "not_applicable": 1,
        "research": 1,
        "open": 54,
        "percent": 1,
    }
    needs = next(row for row in completeness["categories"] if row["category"] == "needs")
    assert (needs["label"], needs["answered"], needs["percent"]) == ("Their needs", 1, 12)


def test_a_put_from_an_old_version_answers_409_and_the_resubmission_succeeds(world):
    owner, teammate = _client_for(world.owner), _client_for(world.teammate)
    path = _answer_path(world, "needs-strategy")
    assert (
        _send(owner, "PUT", path, {"status": "answered", "text": "Service", "version": 0}).status_code == 200
    )

    conflict = _send(teammate, "PUT", path, {"status": "answered", "text": "Plattformen", "version": 0})

    assert conflict.status_code == 409
    error = conflict.json()["error"]
    assert (error["code"], error["current_version"], error["theirs"]) == (
        "edit_conflict",
        1,
        {"text": "Service"},
    )
    again = _send(teammate, "PUT", path, {"status": "answered", "text": "Service, Plattformen", "version": 1})
    assert again.status_code == 200 and again.json()["version"] == 2


def test_invalid_answers_name_the_field(world):
    client = _client_for(world.owner)
    outsider = UserFactory(role=Role.KAM)

    missing = _send(client, "PUT", _answer_path(world, "people-motives"), {"status": "research"})
    foreign = _send(
        client,
        "PUT",
        _answer_path(world, "people-motives"),
        {"status": "research", "research_owner_id": outsider.pk, "research_due_date": "2026-05-15"},
    )
    unknown = _send(client, "PUT", _answer_path(world, "people-motives"), {"status": "answered", "txt": "x"})
    retired = _send(client, "PUT", _answer_path(world, "no-such-question"), {"status": "open"})

    assert set(missing.json()["error"]["fields"]) == {"research_owner_id", "research_due_date"}
    assert set(foreign.json()["error"]["fields"]) == {"research_owner_id"}
    assert unknown.status_code == 422 and "txt" in unknown.json()["error"]["fields"]
    assert retired.status_code == 404
    assert not Answer.objects.exists() and not Action.objects.exists()


def test_plans_of_accounts_the_caller_cannot_see_answer_404(world):
    plan = plan_of(world)
    other = _client_for(world.other_kam)

    assert other.get(api_path("growth_answers_list", plan_id=plan.pk)).status_code == 404
    assert other.get(api_path("growth_completeness", plan_id=plan.pk)).status_code == 404
    assert _send(other, "PUT", _answer_path(world, "needs-kpis"), {"status": "open"}).status_code == 404
    assert _client_for(world.owner).get(api_path("growth_answers_list", plan_id=999_999)).status_code == 404

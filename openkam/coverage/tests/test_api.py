"""The REST operations of the coverage app: the alerts and the level-selling matrix of an account."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openkam.accounts.choices import InternalRole
from openkam.core.tests.api_matrix import api_path
from openkam.users.services import api_token_create

from .factories import ContactFactory, PersonFactory, RelationshipLinkFactory

pytestmark = pytest.mark.django_db


def _get(user, operation_id, world, query=""):
    client = Client()
    client.force_login(user)
    return client.get(api_path(operation_id, account_id=world.account.pk) + query)


def test_the_alerts_come_with_code_reason_and_fix(world):
    today = timezone.localdate()
    world.stakeholder.delete()
    dreyer = PersonFactory(
        account=world.account,
        first_name="Dora",
        last_name="Dreyer",
        hierarchy_level="executive",
        buying_roles=["decision_maker"],
        attitude=2,
        relationship_owner=world.owner,
        last_contact_on=today - timedelta(days=91),
    )

    response = _get(world.extended, "coverage_alerts", world)

    assert response.status_code == 200, response.content
    body = response.json()
    assert [(a["code"], a["severity"], a["level"]) for a in body] == [
        ("no_coach", "high", ""),
        ("decision_maker_no_contact", "high", "executive"),
        ("level_gap", "medium", "project"),
        ("level_gap", "medium", "operational"),
    ]
    assert body[0]["label"] == "No coach"
    assert body[0]["message"].startswith(
        "Nobody in the buying center is marked as our coach. Dora Dreyer has"
    )
    assert body[0]["fix"] == {
        "label": "Mark Dora Dreyer as coach",
        "url": reverse("stakeholders:edit", args=[world.account.pk, dreyer.pk]),
        "needs_edit": True,
    }
    assert body[0]["stakeholder_ids"] == [dreyer.pk]
    assert "91 days ago" in body[1]["message"]
    assert body[1]["user_id"] is None


def test_the_alerts_answer_in_the_language_of_the_token_owner(world):
    world.owner.language = "de"
    world.owner.save()
    _token, raw = api_token_create(actor=world.owner, name="Test")

    response = Client().get(
        api_path("coverage_alerts", account_id=world.account.pk), HTTP_AUTHORIZATION=f"Bearer {raw}"
    )

    assert response.status_code == 200
    assert response["Content-Language"] == "de"


def test_unknown_query_parameters_are_refused(world):
    response = _get(world.owner, "coverage_alerts", world, "?severity=high")

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"severity": ["Unknown query parameter."]}


def test_the_level_selling_matrix_of_a_year(world):
    sponsor = world.teammate
    world.teammate_membership.internal_role = InternalRole.MANAGEMENT_SPONSOR
    world.teammate_membership.save()
    ceo = PersonFactory(account=world.account, hierarchy_level="executive")
    lead = PersonFactory(account=world.account, hierarchy_level="project")
    RelationshipLinkFactory(stakeholder=ceo, user=sponsor, cadence="quarterly")
    ContactFactory(
        account=world.account,
        date=date(2025, 5, 1),
        stakeholders=[ceo, lead],
        participants=[sponsor, world.owner],
    )

    response = _get(world.manager, "coverage_level_selling", world, "?year=2025")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["year"] == 2025
    assert [(r["level"], r["planned"], r["actual"], r["gap"]) for r in body["rows"]] == [
        ("executive", 4, 2, False),
        ("project", 0, 2, False),
        ("operational", 0, 0, True),
    ]
    assert body["rows"][0]["cells"] == [
        {"our_level": "executive", "planned": 4, "actual": 1, "state": "behind", "counterpart": True},
        {"our_level": "management", "planned": 0, "actual": 1, "state": "unplanned", "counterpart": False},
        {"our_level": "operations", "planned": 0, "actual": 0, "state": "gap", "counterpart": False},
    ]
    assert [(c["level"], c["planned"], c["actual"]) for c in body["columns"]] == [
        ("executive", 4, 2),
        ("management", 0, 2),
        ("operations", 0, 0),
    ]
    assert (body["planned"], body["actual"], body["unplaced_planned"], body["unplaced_actual"]) == (
        4,
        4,
        0,
        0,
    )
    assert body["years"][0] == 2025 and body["years"][-1] == timezone.localdate().year


def test_without_a_year_the_matrix_is_for_the_current_year(world):
    response = _get(world.owner, "coverage_level_selling", world)

    assert response.status_code == 200
    assert response.json()["year"] == timezone.localdate().year


@pytest.mark.parametrize("query", ["?year=1999", "?year=2101", "?year=zwei", "?jahr=2025"])
def test_an_invalid_year_or_parameter_is_refused(world, query):
    response = _get(world.owner, "coverage_level_selling", world, query)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_an_account_the_caller_may_not_see_is_not_found(world):
    for operation_id in ("coverage_alerts", "coverage_level_selling"):
        assert _get(world.other_kam, operation_id, world).status_code == 404
        assert _get(world.admin, operation_id, world).status_code == 404

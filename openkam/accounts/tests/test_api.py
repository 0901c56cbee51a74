"""The key-account operations of the REST API: list, detail, changes, team and timeline."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openkam.accounts.choices import AccountStatus, AccountType, InternalRole, TeamScope
from openkam.accounts.models import TeamMembership
from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.testing.factories import (
    CustomerRevenueFactory,
    KeyAccountFactory,
    StakeholderFactory,
    TeamMembershipFactory,
    UserFactory,
)
from openkam.users.choices import Role


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# List ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", ["account"]),
        ("teammate", ["account"]),
        ("extended", ["account"]),
        ("other_kam", ["other_account"]),
        ("manager", ["account", "other_account"]),
        ("admin", []),
    ],
)
def test_the_list_holds_exactly_the_accounts_a_persona_may_see(world, persona, expected):
    response = _client_for(world.persona(persona)).get(api_path("accounts_list"))

    assert response.status_code == 200
    assert response.json()["count"] == len(expected)
    assert sorted(_ids(response)) == sorted(getattr(world, name).pk for name in expected)


def test_a_list_item_carries_customer_owner_figures_and_rights(world):
    item = _client_for(world.owner).get(api_path("accounts_list")).json()["items"][0]

    customer = world.account.customer
    assert item["customer"] == {
        "id": customer.pk,
        "number": customer.number,
        "name": "Alpha Maschinenbau",
        "city": customer.city,
        "country": "DE",
    }
    assert item["owner"] == {"id": world.owner.pk, "name": "Katrin Amann"}
    assert item["account_type"] == AccountType.EXISTING
    assert item["status"] == AccountStatus.ACTIVE
    assert item["team_size"] == 3  # the KAM, the core and the extended member
    assert item["stakeholder_count"] == 1
    assert item["last_revenue"] == "1250000.00"
    assert item["designated_since"] == "2024-01-01"
    assert item["reason"] == "Größter Kunde im Maschinenbau"
    assert item["can_change"] is True


@pytest.mark.parametrize("persona", ["teammate", "extended", "manager"])
def test_readers_see_that_they_cannot_change_the_account(world, persona):
    item = _client_for(world.persona(persona)).get(api_path("accounts_list")).json()["items"][0]

    assert item["can_change"] is False


def test_the_last_revenue_is_that_of_the_newest_fiscal_year(world):
    CustomerRevenueFactory(customer=world.account.customer, fiscal_year=2026, revenue="99.5")

    item = _client_for(world.owner).get(api_path("account_get", account_id=world.account.pk)).json()

    assert item["last_revenue"] == "99.50"


def test_the_list_filters_by_query_type_status_owner_and_mine(world):
    emerging = KeyAccountFactory(
        owner=world.other_kam, account_type=AccountType.EMERGING, customer__name="Gamma Guss"
    )
    ended = KeyAccountFactory(owner=world.owner, status=AccountStatus.ENDED, customer__name="Delta Druck")
    client = _client_for(world.manager)
    url = api_path("accounts_list")

    assert _ids(client.get(url, {"q": "alpha"})) == [world.account.pk]
    assert _ids(client.get(url, {"q": world.other_account.customer.number})) == [world.other_account.pk]
    assert _ids(client.get(url, {"account_type": "emerging"})) == [emerging.pk]
    assert _ids(client.get(url, {"status": "ended"})) == [ended.pk]
    assert sorted(_ids(client.get(url, {"owner_id": world.other_kam.pk}))) == sorted(
        [world.other_account.pk, emerging.pk]
    )
    assert _ids(client.get(url, {"mine": "true"})) == []
    assert sorted(_ids(_client_for(world.owner).get(url, {"mine": "true"}))) == sorted(
        [world.account.pk, ended.pk]
    )


def test_an_owner_filter_never_reveals_foreign_accounts(world):
    response = _client_for(world.owner).get(api_path("accounts_list"), {"owner_id": world.other_kam.pk})

    assert response.json() == {"items": [], "count": 0}


def test_the_list_is_paginated_by_limit_and_offset_in_customer_name_order(world):
    for name in ("Cäsar Chemie", "Delta Druck", "Epsilon Elektro"):
        KeyAccountFactory(owner=world.owner, customer__name=name)
    client = _client_for(world.owner)
    url = api_path("accounts_list")

    first = client.get(url, {"limit": 2}).json()
    second = client.get(url, {"limit": 2, "offset": 2}).json()
    beyond = client.get(url, {"limit": 2, "offset": 10}).json()

    assert first["count"] == second["count"] == 4
    names = [item["customer"]["name"] for item in first["items"] + second["items"]]
    assert names == ["Alpha Maschinenbau", "Cäsar Chemie", "Delta Druck", "Epsilon Elektro"]
    assert beyond == {"items": [], "count": 4}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"status": "sleeping"}, "status"),
        ({"account_type": "huge"}, "account_type"),
        ({"owner_id": "someone"}, "owner_id"),
        ({"stauts": "ended"}, "stauts"),
    ],
)
def test_bad_list_parameters_get_422_naming_the_parameter(world, query, field):
    response = _client_for(world.owner).get(api_path("accounts_list"), query)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_the_list_needs_the_same_number_of_queries_for_many_accounts(world):
    client = _client_for(world.manager)
    url = api_path("accounts_list")
    client.get(url)  # the first request of a session also writes the session

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        account = KeyAccountFactory(owner=world.owner)
        TeamMembershipFactory(account=account)
        StakeholderFactory(account=account)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.json()["count"] == 7
    # session, user, latest fiscal year, count, rows (team and counts are subqueries of the rows)
    assert len(few.captured_queries) == len(many.captured_queries) == 5


# Detail and changes ----------------------------------------------------------------------------


def test_the_detail_matches_the_list_item(world):
    client = _client_for(world.teammate)

    detail = client.get(api_path("account_get", account_id=world.account.pk)).json()

    assert detail == client.get(api_path("accounts_list")).json()["items"][0]


def test_an_account_that_does_not_exist_answers_404_like_a_foreign_one(world):
    client = _client_for(world.owner)

    missing = client.get(api_path("account_get", account_id=999_999))
    foreign = client.get(api_path("account_get", account_id=world.other_account.pk))

    assert missing.status_code == foreign.status_code == 404
    assert missing.json() == foreign.json()


def test_the_owner_changes_status_and_reason_and_the_type_stays(world):
    response = _client_for(world.owner).patch(
        api_path("account_update", account_id=world.account.pk),
        {"status": "on_hold", "reason": "  Pausiert wegen Umstrukturierung  "},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "on_hold"
    assert response.json()["reason"] == "Pausiert wegen Umstrukturierung"
    world.account.refresh_from_db()
    assert world.account.account_type == AccountType.EXISTING
    assert world.account.status == AccountStatus.ON_HOLD
    entry = AuditEntry.objects.get(action="account.update")
    assert entry.actor == world.owner
    assert entry.account_id == world.account.pk
    assert entry.changes["status"] == ["active", "on_hold"]


def test_an_empty_change_writes_no_audit_entry(world):
    response = _client_for(world.owner).patch(
        api_path("account_update", account_id=world.account.pk), {}, content_type="application/json"
    )

    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "sleeping"}, "status"),
        ({"account_type": "huge"}, "account_type"),
        ({"reason": "   "}, "reason"),
        ({"reason": None}, "reason"),
        ({"owner_id": 5}, "owner_id"),
    ],
)
def test_a_bad_account_change_gets_422_naming_the_field_and_changes_nothing(world, body, field):
    response = _client_for(world.owner).patch(
        api_path("account_update", account_id=world.account.pk), body, content_type="application/json"
    )

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    world.account.refresh_from_db()
    assert world.account.status == AccountStatus.ACTIVE
    assert world.account.reason == "Größter Kunde im Maschinenbau"


# Team ------------------------------------------------------------------------------------------


def test_the_team_lists_core_before_extended_members(world):
    team = _client_for(world.extended).get(api_path("team_list", account_id=world.account.pk)).json()

    assert [(m["user"]["name"], m["scope"]) for m in team] == [
        ("Tom Teich", TeamScope.CORE),
        ("Eva Ebert", TeamScope.EXTENDED),
    ]
    assert team[0]["id"] == world.teammate_membership.pk
    assert team[0]["internal_role"] == InternalRole.INSIDE_SALES


def test_the_owner_adds_a_colleague_to_the_team(world):
    colleague = UserFactory(role=Role.MEMBER, first_name="Lena", last_name="Lang")

    response = _client_for(world.owner).post(
        api_path("team_add", account_id=world.account.pk),
        {"user_id": colleague.pk, "internal_role": "engineering"},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["user"] == {"id": colleague.pk, "name": "Lena Lang"}
    assert body["scope"] == TeamScope.CORE
    membership = TeamMembership.objects.get(pk=body["id"])
    assert membership.account == world.account
    assert membership.internal_role == InternalRole.ENGINEERING
    assert AuditEntry.objects.filter(action="team.add", account_id=world.account.pk).exists()


@pytest.mark.parametrize(
    ("make_user", "field"),
    [
        (lambda w: None, "user_id"),  # does not exist
        (lambda w: UserFactory(role=Role.MANAGEMENT), "user_id"),
        (lambda w: UserFactory(role=Role.MEMBER, is_active=False), "user_id"),
        (lambda w: w.owner, "user_id"),  # leads the team already
        (lambda w: w.teammate, "user_id"),  # on the team already
    ],
)
def test_adding_someone_who_cannot_join_gets_422_on_user_id(world, make_user, field):
    user = make_user(world)

    response = _client_for(world.owner).post(
        api_path("team_add", account_id=world.account.pk),
        {"user_id": user.pk if user else 999_999, "internal_role": "service"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]
    assert TeamMembership.objects.filter(account=world.account).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"internal_role": "boss"}, "internal_role"),
        ({"internal_role": "service", "scope": "inner"}, "scope"),
        ({"internal_role": "service", "nickname": "Lenchen"}, "nickname"),
        ({"internal_role": "service", "user_id": "Lena"}, "user_id"),
    ],
)
def test_a_bad_team_body_gets_422_naming_the_field(world, body, field):
    body.setdefault("user_id", UserFactory(role=Role.MEMBER).pk)

    response = _client_for(world.owner).post(
        api_path("team_add", account_id=world.account.pk), body, content_type="application/json"
    )

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_a_teammate_learns_nothing_about_user_ids_when_adding(world):
    response = _client_for(world.teammate).post(
        api_path("team_add", account_id=world.account.pk),
        {"user_id": 999_999, "internal_role": "service"},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_the_owner_moves_a_member_to_the_extended_team_keeping_the_role(world):
    response = _client_for(world.owner).patch(
        api_path("team_update", account_id=world.account.pk, membership_id=world.teammate_membership.pk),
        {"scope": "extended"},
        content_type="application/json",
    )

    assert response.status_code == 200
    world.teammate_membership.refresh_from_db()
    assert world.teammate_membership.scope == TeamScope.EXTENDED
    assert world.teammate_membership.internal_role == InternalRole.INSIDE_SALES
    assert AuditEntry.objects.get(action="team.update").changes == {"scope": ["core", "extended"]}


def test_the_owner_takes_a_member_off_the_team(world):
    response = _client_for(world.owner).delete(
        api_path("team_remove", account_id=world.account.pk, membership_id=world.teammate_membership.pk)
    )

    assert response.status_code == 204
    assert not TeamMembership.objects.filter(pk=world.teammate_membership.pk).exists()
    assert AuditEntry.objects.filter(action="team.remove", account_id=world.account.pk).exists()


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_membership_of_another_account_answers_404_through_ones_own_account(world, method):
    foreign = TeamMembershipFactory(account=world.other_account)

    response = getattr(_client_for(world.owner), method)(
        api_path("team_update", account_id=world.account.pk, membership_id=foreign.pk),
        {"scope": "extended"},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert TeamMembership.objects.filter(pk=foreign.pk, scope=TeamScope.CORE).exists()


# Timeline --------------------------------------------------------------------------------------


def test_the_timeline_shows_the_api_changes_newest_first(world):
    client = _client_for(world.owner)
    client.patch(
        api_path("account_update", account_id=world.account.pk),
        {"status": "on_hold"},
        content_type="application/json",
    )
    client.delete(
        api_path("team_remove", account_id=world.account.pk, membership_id=world.teammate_membership.pk)
    )

    timeline = _client_for(world.manager).get(api_path("timeline_list", account_id=world.account.pk)).json()

    assert [entry["action"] for entry in timeline] == ["team.remove", "account.update"]
    assert timeline[1]["actor_name"] == "Katrin Amann"
    assert timeline[1]["target_repr"] == "Alpha Maschinenbau"
    assert timeline[1]["changes"] == {"status": ["active", "on_hold"]}
    assert timeline[1]["time"]


def test_the_timeline_holds_only_the_accounts_own_entries(world):
    _client_for(world.other_kam).patch(
        api_path("account_update", account_id=world.other_account.pk),
        {"status": "ended"},
        content_type="application/json",
    )

    timeline = _client_for(world.owner).get(api_path("timeline_list", account_id=world.account.pk)).json()

    assert timeline == []

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.accounts.choices import AccountStatus, TeamScope
from openkam.core.models import AuditEntry
from openkam.testing.factories import (
    CustomerRevenueFactory,
    KeyAccountFactory,
    StakeholderFactory,
    TeamMembershipFactory,
    UserFactory,
)
from openkam.users.choices import Role


def _grow(owner, accounts: int, stakeholders: int) -> None:
    for _ in range(accounts):
        account = KeyAccountFactory(owner=owner)
        CustomerRevenueFactory(customer=account.customer)
        TeamMembershipFactory(account=account)
        TeamMembershipFactory(account=account, scope=TeamScope.EXTENDED)
        StakeholderFactory.create_batch(stakeholders, account=account)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_account_list_needs_the_same_queries_for_3_and_30_accounts(client, world):
    client.force_login(world.owner)
    url = reverse("accounts:list")
    _queries(client, url)  # warm caches (content types, session)
    few = _queries(client, url)
    _grow(world.owner, accounts=30, stakeholders=3)
    many = _queries(client, url)
    # session, user, owner filter, fiscal year, count, rows (teams are a subquery of the rows)
    assert few == many == 6


@pytest.mark.django_db
def test_the_account_page_needs_the_same_queries_for_1_and_40_stakeholders(client, world):
    client.force_login(world.owner)
    url = reverse("accounts:detail", args=[world.account.pk])
    _queries(client, url)
    few = _queries(client, url)
    StakeholderFactory.create_batch(40, account=world.account)
    for _ in range(5):
        TeamMembershipFactory(account=world.account)
    many = _queries(client, url)
    # session, user, account, team, stakeholders, revenues, personality switch (whether the
    # timeline may show personality entries), timeline, overdue plan actions, and the coverage
    # alerts' five (settings, stakeholders, held contacts, relationship plan, team), and the team
    # and pipeline summary's five (role coverage, RACI tasks, letters and team, pipeline sums)
    assert few == many == 19


@pytest.mark.django_db
def test_the_list_shows_only_visible_accounts_with_owner_team_and_revenue(client, world):
    client.force_login(world.teammate)
    response = client.get(reverse("accounts:list"))
    html = response.content.decode()
    assert "Alpha Maschinenbau" in html
    assert "Beta Antriebe" not in html
    assert "Katrin Amann" in html  # owner
    assert "Tom Teich" in html and "Eva Ebert" in html  # team
    assert "€1,250,000" in html  # last revenue, English format


@pytest.mark.django_db
def test_management_sees_all_accounts_and_filters_work(client, world):
    KeyAccountFactory(owner=world.owner, status=AccountStatus.ON_HOLD, customer__name="Gamma Hydraulik")
    client.force_login(world.manager)
    html = client.get(reverse("accounts:list")).content.decode()
    assert all(name in html for name in ("Alpha Maschinenbau", "Beta Antriebe", "Gamma Hydraulik"))
    html = client.get(reverse("accounts:list"), {"status": "on_hold"}).content.decode()
    assert "Gamma Hydraulik" in html and "Alpha Maschinenbau" not in html
    html = client.get(reverse("accounts:list"), {"owner": world.other_kam.pk}).content.decode()
    assert "Beta Antriebe" in html and "Alpha Maschinenbau" not in html


@pytest.mark.django_db
def test_an_invalid_filter_value_is_reported_not_ignored(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("accounts:list"), {"status": "bogus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_htmx_requests_get_only_the_table(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("accounts:list"), {"q": "Alpha"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Alpha Maschinenbau" in html


@pytest.mark.django_db
def test_the_owner_edits_the_account_and_the_timeline_shows_it(client, world):
    client.force_login(world.owner)
    url = reverse("accounts:edit", args=[world.account.pk])
    response = client.post(url, {"account_type": "emerging", "status": "on_hold", "reason": "Neue Strategie"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="account.update")
    assert entry.actor == world.owner
    assert entry.account_id == world.account.pk
    assert entry.changes["status"] == ["active", "on_hold"]
    page = client.get(reverse("accounts:detail", args=[world.account.pk])).content.decode()
    assert "changed the account" in page and "On hold" in page


@pytest.mark.django_db
def test_an_empty_reason_is_refused_with_a_message_and_nothing_changes(client, world):
    client.force_login(world.owner)
    url = reverse("accounts:edit", args=[world.account.pk])
    response = client.post(url, {"account_type": "existing", "status": "active", "reason": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    world.account.refresh_from_db()
    assert world.account.reason == "Größter Kunde im Maschinenbau"
    assert not AuditEntry.objects.filter(action="account.update").exists()


@pytest.mark.django_db
def test_the_owner_manages_the_team(client, world):
    newcomer = UserFactory(role=Role.MEMBER, first_name="Nina", last_name="Neu")
    client.force_login(world.owner)
    response = client.post(
        reverse("accounts:team-add", args=[world.account.pk]),
        {"user": newcomer.pk, "internal_role": "engineering", "scope": "extended"},
    )
    assert response.status_code == 302
    assert world.account.team_memberships.filter(user=newcomer, scope="extended").exists()
    # The owner cannot be added to their own team, nor someone twice, nor management.
    for user in (world.owner, newcomer, world.manager):
        response = client.post(
            reverse("accounts:team-add", args=[world.account.pk]),
            {"user": user.pk, "internal_role": "engineering", "scope": "core"},
        )
        assert response.status_code == 200
    client.post(reverse("accounts:team-remove", args=[world.account.pk, world.teammate_membership.pk]))
    assert not world.account.team_memberships.filter(user=world.teammate).exists()
    actions = list(AuditEntry.objects.filter(account_id=world.account.pk).values_list("action", flat=True))
    assert "team.add" in actions and "team.remove" in actions


@pytest.mark.django_db
def test_a_membership_of_another_account_is_not_found_through_this_one(client, world):
    foreign = TeamMembershipFactory(account=world.other_account)
    client.force_login(world.owner)
    url = reverse("accounts:team-edit", args=[world.account.pk, foreign.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_money_is_formatted_per_language(client, world):
    world.owner.language = "de"
    world.owner.save()
    CustomerRevenueFactory(customer=world.account.customer, fiscal_year=2024, revenue=Decimal("987654.32"))
    client.force_login(world.owner)
    html = client.get(reverse("accounts:detail", args=[world.account.pk])).content.decode()
    assert "987.654\xa0€" in html
    assert "1.250.000\xa0€" in html


def test_the_account_page_shows_overdue_actions_of_its_plans_and_links_its_sections(client, world):
    import datetime

    from openkam.plans.choices import ActionStatus
    from openkam.plans.tests.factories import ActionFactory, PlanFactory

    plan = PlanFactory(account=world.account)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    ActionFactory(plan=plan, title="Rahmenvertrag vorbereiten", due_date=yesterday)
    ActionFactory(plan=plan, title="Schon erledigt", due_date=yesterday, status=ActionStatus.DONE)
    ActionFactory(plan=plan, title="Noch Zeit", due_date=yesterday + datetime.timedelta(days=30))

    client.force_login(world.owner)
    html = client.get(reverse("accounts:detail", args=[world.account.pk])).content.decode()

    assert "Rahmenvertrag vorbereiten" in html
    assert "Schon erledigt" not in html and "Noch Zeit" not in html
    for name in ("profiles:overview", "competition:overview", "business:overview", "plans:list"):
        assert reverse(name, args=[world.account.pk]) in html

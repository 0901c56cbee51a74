"""The coverage page: the explained alerts with their fix links, the level-selling matrix, the
summary for the account's overview page, and the queries the page needs."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openkam.accounts.choices import InternalRole
from openkam.coverage.selectors import coverage_alerts
from openkam.testing.factories import TeamMembershipFactory, UserFactory

from .factories import ContactFactory, PersonFactory, RelationshipLinkFactory

pytestmark = pytest.mark.django_db


def _url(world, **query):
    url = reverse("coverage:overview", args=[world.account.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _alerts(html: str) -> dict[str, str]:
    """The alerts of the page by code (the last one of a code wins; tests use one per code)."""
    return dict(re.findall(r'<li class="coverage-alert" data-code="(\w+)".*?>(.*?)</li>', html, re.S))


@pytest.fixture
def buying_center(world):
    """A buying center without a coach: a supporter, a silent decision maker, an unengaged blocker."""
    world.stakeholder.delete()
    today = timezone.localdate()
    return {
        "supporter": PersonFactory(
            account=world.account,
            first_name="Sabine",
            last_name="Seidel",
            hierarchy_level="executive",
            attitude=1,
            relationship_owner=world.owner,
        ),
        "decider": PersonFactory(
            account=world.account,
            first_name="Dora",
            last_name="Dreyer",
            hierarchy_level="project",
            buying_roles=["decision_maker"],
            relationship_owner=world.teammate,
            last_contact_on=today - timedelta(days=100),
        ),
        "blocker": PersonFactory(
            account=world.account,
            first_name="Bruno",
            last_name="Bock",
            hierarchy_level="operational",
            buying_roles=["blocker"],
            influence=5,
            relationship_owner=world.extended,
        ),
    }


def test_the_page_explains_each_alert_and_links_to_its_fix(client, world, buying_center):
    client.force_login(world.owner)

    html = _html(client.get(_url(world)))
    alerts = _alerts(html)

    assert list(alerts) == ["no_coach", "decision_maker_no_contact", "blocker_not_engaged"]
    supporter = buying_center["supporter"]
    assert "Sabine Seidel has the best attitude towards us (Supporter)" in alerts["no_coach"]
    assert (
        f'href="{reverse("stakeholders:edit", args=[world.account.pk, supporter.pk])}"' in alerts["no_coach"]
    )
    assert ">Mark Sabine Seidel as coach</a>" in alerts["no_coach"]
    assert "Our last contact with Dora Dreyer, a decision maker," in alerts["decision_maker_no_contact"]
    assert "100 days ago" in alerts["decision_maker_no_contact"]
    assert "Bruno Bock can block decisions (influence 5 of 5)" in alerts["blocker_not_engaged"]
    assert "Coverage alerts (3)" in html


def test_readers_see_the_reasons_but_no_links_to_fixes_they_may_not_make(client, world, buying_center):
    client.force_login(world.extended)

    alerts = _alerts(_html(client.get(_url(world))))

    assert "Sabine Seidel has the best attitude towards us" in alerts["no_coach"]
    assert "href=" not in alerts["no_coach"]
    assert "What fixes it: Mark Sabine Seidel as coach" in alerts["no_coach"]


def test_a_covered_account_says_so(client, world, buying_center):
    supporter = buying_center["supporter"]
    supporter.is_coach = True
    supporter.save()
    ContactFactory(
        account=world.account,
        date=timezone.localdate(),
        stakeholders=[buying_center["decider"]],
        participants=[world.teammate],
    )
    RelationshipLinkFactory(stakeholder=buying_center["blocker"], user=world.extended)
    client.force_login(world.manager)

    html = _html(client.get(_url(world)))

    assert _alerts(html) == {}
    assert 'id="no-alerts"' in html


@pytest.fixture
def contacts(world, buying_center):
    """The owner meets the decision maker monthly by plan; two visits this year, one last year."""
    year = timezone.localdate().year
    sponsor = UserFactory(first_name="Sabine", last_name="Sponsor")
    TeamMembershipFactory(account=world.account, user=sponsor, internal_role=InternalRole.MANAGEMENT_SPONSOR)
    RelationshipLinkFactory(stakeholder=buying_center["decider"], user=world.owner, cadence="monthly")
    for month in (1, 2):
        ContactFactory(
            account=world.account,
            date=timezone.localdate().replace(year=year, month=month, day=10),
            stakeholders=[buying_center["decider"]],
            participants=[world.owner],
        )
    ContactFactory(
        account=world.account,
        date=timezone.localdate().replace(year=year - 1, month=6, day=1),
        stakeholders=[buying_center["supporter"]],
        participants=[sponsor],
    )
    return year


def _cell(html: str, their_level: str, our_level: str) -> dict:
    row = re.search(rf'<tr data-level="{their_level}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    cell = re.search(
        rf'<td class="ls-cell ls-(\w+)(?: ls-counterpart)?" data-our-level="{our_level}"[^>]*data-planned="(\d+)" data-actual="(\d+)"',
        row,
    )
    return {"state": cell.group(1), "planned": int(cell.group(2)), "actual": int(cell.group(3))}


def test_the_matrix_shows_planned_and_held_contacts_with_accessible_headers(client, world, contacts):
    year = contacts
    client.force_login(world.teammate)

    html = _html(client.get(_url(world)))

    assert f"Level-selling matrix {year}" in html
    assert '<th scope="colgroup" colspan="3">Our level</th>' in html
    assert re.search(r'<th scope="col" data-our-level="executive">Executive</th>', html)
    assert re.search(r'<th scope="row">Project / middle management', html)
    # Twelve planned a year (monthly), two held; whether that is behind depends on today's date.
    assert _cell(html, "project", "management")["planned"] == 12
    assert _cell(html, "project", "management")["actual"] == 2
    assert _cell(html, "executive", "executive") == {"state": "gap", "planned": 0, "actual": 0}
    # Nobody met the executives or the operational staff this year and nothing is planned there.
    assert re.search(r'<tr data-level="executive" class="ls-row-gap">', html)
    assert re.search(r'<tr data-level="operational" class="ls-row-gap">', html)
    assert f'<option value="{year - 1}">' in html and f'<option value="{year}" selected>' in html


def test_the_year_selector_shows_an_earlier_year(client, world, contacts):
    year = contacts
    client.force_login(world.owner)

    html = _html(client.get(_url(world, year=year - 1)))

    assert f"Level-selling matrix {year - 1}" in html
    assert _cell(html, "executive", "executive") == {"state": "unplanned", "planned": 0, "actual": 1}
    assert _cell(html, "project", "management") == {"state": "behind", "planned": 12, "actual": 0}


@pytest.mark.parametrize("year", ["abc", "1999", "2101", ""])
def test_an_unusable_year_shows_the_current_one(client, world, year):
    client.force_login(world.owner)

    html = _html(client.get(_url(world, year=year)))

    assert f"Level-selling matrix {timezone.localdate().year}" in html


def test_the_page_is_german_for_german_users(client, world, buying_center):
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)

    html = _html(client.get(_url(world)))

    assert '<html lang="de">' in html
    # Dates in the reasons follow the viewer's locale.
    last = (timezone.localdate() - timedelta(days=100)).strftime("%d.%m.%Y")
    assert last in _alerts(html)["decision_maker_no_contact"]


def test_the_page_needs_the_same_queries_for_more_rows(client, world, contacts, buying_center):
    client.force_login(world.owner)
    client.get(_url(world))  # the first request after signing in also saves the session
    with CaptureQueriesContext(connection) as few:
        client.get(_url(world))
    for n in range(4):
        person = PersonFactory(account=world.account, buying_roles=["decision_maker", "blocker"], influence=5)
        RelationshipLinkFactory(stakeholder=person, user=world.teammate)
        ContactFactory(
            account=world.account,
            date=timezone.localdate() - timedelta(days=n),
            stakeholders=[person, buying_center["blocker"]],
            participants=[world.owner, world.teammate],
        )

    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(world))

    assert response.status_code == 200
    # Session, user, account; the settings; four for the alerts and five for the matrix.
    assert len(many.captured_queries) == len(few.captured_queries) == 13


# The summary for the account's overview page ----------------------------------------------------


def _summary(world, user, can_edit) -> str:
    return render_to_string(
        "coverage/_alert_summary.html",
        {
            "account": world.account,
            "alerts": coverage_alerts(world.account),
            "can_edit": can_edit,
            "user": user,
        },
    )


def test_the_summary_shows_the_count_and_the_three_most_severe_alerts(world, buying_center):
    buying_center["supporter"].delete()  # adds a level gap (executive) to the three high alerts
    html = _summary(world, world.owner, can_edit=True)

    assert "Coverage alerts (4)" in html
    assert re.findall(r'<li data-code="(\w+)">', html) == [
        "no_coach",
        "decision_maker_no_contact",
        "blocker_not_engaged",
    ]
    assert "Show 1 more alert</a>" in html
    assert reverse("coverage:overview", args=[world.account.pk]) in html


def test_the_summary_of_a_covered_account(world, buying_center):
    for person in buying_center.values():
        person.delete()
    PersonFactory(
        account=world.account, hierarchy_level="executive", is_coach=True, relationship_owner=world.owner
    )
    PersonFactory(account=world.account, hierarchy_level="project", relationship_owner=world.teammate)
    PersonFactory(account=world.account, hierarchy_level="operational", relationship_owner=world.extended)

    html = _summary(world, world.extended, can_edit=False)

    assert "Coverage alerts (0)" in html
    assert "No coverage alerts" in html

"""The coverage selectors on real rows: what they load, what they leave out, and how many queries."""

from datetime import date, timedelta

import pytest

from openkam.accounts.choices import InternalRole
from openkam.coverage.choices import AlertCode, CellState
from openkam.coverage.selectors import alert_counts, coverage_alerts, level_selling_matrix
from openkam.relationships.choices import Cadence, ContactStatus
from openkam.stakeholders.models import BuyingCenterSettings
from openkam.testing.factories import TeamMembershipFactory, UserFactory

from .factories import ContactFactory, PersonFactory, RelationshipLinkFactory, set_thresholds

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 30)


def codes(alerts):
    return [(a.code, a.stakeholder_ids) for a in alerts]


@pytest.fixture
def covered(world):
    """The world's account with a coach and a relationship at every level."""
    world.stakeholder.delete()
    return [
        PersonFactory(
            account=world.account,
            first_name="Clara",
            last_name="Coach",
            hierarchy_level=level,
            is_coach=level == "executive",
            relationship_owner=owner,
        )
        for level, owner in [
            ("executive", world.owner),
            ("project", world.teammate),
            ("operational", world.extended),
        ]
    ]


def test_a_covered_account_has_no_alerts(world, covered):
    assert coverage_alerts(world.account, TODAY) == []


def test_the_alerts_read_the_rows_of_the_account(world, covered):
    dreyer = PersonFactory(
        account=world.account,
        first_name="Dora",
        last_name="Dreyer",
        buying_roles=["decision_maker"],
        last_contact_on=TODAY - timedelta(days=120),
    )
    bock = PersonFactory(
        account=world.account, first_name="Bruno", last_name="Bock", buying_roles=["blocker"], influence=5
    )
    # Another account's people and contacts do not matter here.
    PersonFactory(account=world.other_account, buying_roles=["decision_maker"])

    found = coverage_alerts(world.account, TODAY)

    assert codes(found) == [
        (AlertCode.DECISION_MAKER_NO_CONTACT, (dreyer.pk,)),
        (AlertCode.BLOCKER_NOT_ENGAGED, (bock.pk,)),
    ]
    assert (
        "Our last contact with Dora Dreyer, a decision maker, was on 03/02/2026, 120 days ago."
        in found[0].message
    )
    assert alert_counts(found) == {"high": 2, "medium": 0}

    # A contact held last week with Dora Dreyer, and a plan line for Bruno Bock, answer both.
    ContactFactory(
        account=world.account,
        date=TODAY - timedelta(days=7),
        stakeholders=[dreyer],
        participants=[world.owner],
    )
    RelationshipLinkFactory(stakeholder=bock, user=world.teammate)
    assert coverage_alerts(world.account, TODAY) == []


def test_planned_and_cancelled_contacts_do_not_count_as_contact(world, covered):
    dreyer = PersonFactory(account=world.account, buying_roles=["decision_maker"])
    for status in (ContactStatus.PLANNED, ContactStatus.CANCELLED):
        ContactFactory(
            account=world.account,
            status=status,
            date=TODAY,
            stakeholders=[dreyer],
            participants=[world.owner],
        )

    assert codes(coverage_alerts(world.account, TODAY)) == [
        (AlertCode.DECISION_MAKER_NO_CONTACT, (dreyer.pk,))
    ]


def test_anonymised_stakeholders_are_ignored(world, covered):
    from django.utils import timezone

    covered[0].is_coach = False
    covered[0].save()
    PersonFactory(
        account=world.account,
        is_coach=True,
        buying_roles=["decision_maker"],
        anonymised_at=timezone.now(),
        first_name="Gelöscht",
        last_name="Gelöscht",
    )

    found = coverage_alerts(world.account, TODAY)

    assert [a.code for a in found] == [AlertCode.NO_COACH]
    assert "Gelöscht" not in found[0].message


def test_the_thresholds_come_from_the_buying_center_settings(world, covered):
    PersonFactory(
        account=world.account, buying_roles=["decision_maker"], last_contact_on=TODAY - timedelta(days=40)
    )
    assert coverage_alerts(world.account, TODAY) == []

    set_thresholds(decision_maker_contact_days=40)
    assert coverage_alerts(world.account, TODAY) == []

    set_thresholds(decision_maker_contact_days=39)
    assert [a.code for a in coverage_alerts(world.account, TODAY)] == [AlertCode.DECISION_MAKER_NO_CONTACT]


def test_single_threaded_names_the_colleague_from_the_held_contacts(world, covered):
    for days in (10, 100, 200):
        ContactFactory(
            account=world.account,
            date=TODAY - timedelta(days=days),
            stakeholders=[covered[1]],
            participants=[world.teammate],
        )

    [alert] = coverage_alerts(world.account, TODAY)

    assert alert.code == AlertCode.SINGLE_THREADED
    assert alert.user_id == world.teammate.pk
    assert alert.message.startswith(
        "Tom Teich took part in 3 of the 3 contacts held in the last 12 months (100 %)."
    )


def test_the_alerts_need_the_same_queries_for_a_larger_buying_center(
    world, covered, django_assert_num_queries
):
    BuyingCenterSettings.current()  # the first call of all creates the settings row
    with django_assert_num_queries(5):
        coverage_alerts(world.account, TODAY)
    for n in range(6):
        person = PersonFactory(account=world.account, buying_roles=["decision_maker", "blocker"], influence=5)
        ContactFactory(
            account=world.account,
            date=TODAY - timedelta(days=n),
            stakeholders=[person],
            participants=[world.owner],
        )
        RelationshipLinkFactory(stakeholder=person, user=world.teammate)

    with django_assert_num_queries(5):
        coverage_alerts(world.account, TODAY)


# Level-selling matrix ---------------------------------------------------------------------------


@pytest.fixture
def team(world):
    """A management sponsor and a service engineer on the account team besides the owner."""
    sponsor = UserFactory(first_name="Sabine", last_name="Sponsor")
    TeamMembershipFactory(account=world.account, user=sponsor, internal_role=InternalRole.MANAGEMENT_SPONSOR)
    service = world.teammate
    world.teammate_membership.internal_role = InternalRole.SERVICE
    world.teammate_membership.save()
    return sponsor, service


def test_the_matrix_counts_plan_lines_and_pairs_of_held_contacts(world, team):
    sponsor, service = team
    ceo = PersonFactory(account=world.account, hierarchy_level="executive")
    lead = PersonFactory(account=world.account, hierarchy_level="project")
    worker = PersonFactory(account=world.account, hierarchy_level="operational")
    RelationshipLinkFactory(stakeholder=ceo, user=sponsor, cadence=Cadence.HALF_YEARLY)
    RelationshipLinkFactory(stakeholder=lead, user=world.owner, cadence=Cadence.MONTHLY)
    # One visit of the owner and the service engineer with the project lead and a worker: four pairs.
    ContactFactory(
        account=world.account,
        date=date(2026, 2, 3),
        stakeholders=[lead, worker],
        participants=[world.owner, service],
    )
    ContactFactory(account=world.account, date=date(2026, 5, 4), stakeholders=[ceo], participants=[sponsor])
    # Not counted: last year, only planned, another account.
    ContactFactory(account=world.account, date=date(2025, 12, 31), stakeholders=[ceo], participants=[sponsor])
    ContactFactory(
        account=world.account,
        status=ContactStatus.PLANNED,
        date=date(2026, 3, 1),
        stakeholders=[ceo],
        participants=[sponsor],
    )
    ContactFactory(
        account=world.other_account,
        date=date(2026, 3, 1),
        stakeholders=[world.other_stakeholder],
        participants=[world.other_kam],
    )

    matrix = level_selling_matrix(world.account, 2026, TODAY)

    figures = {
        (row.level, c.our_level): (c.planned, c.actual, c.state) for row in matrix.rows for c in row.cells
    }
    assert figures[("executive", "executive")] == (2, 1, CellState.ON_TRACK)
    assert figures[("project", "management")] == (12, 1, CellState.BEHIND)  # 6 of 12 due by the end of June
    assert figures[("project", "operations")] == (0, 1, CellState.UNPLANNED)
    assert figures[("operational", "management")] == (0, 1, CellState.UNPLANNED)
    assert figures[("operational", "operations")] == (0, 1, CellState.UNPLANNED)
    assert figures[("executive", "management")] == (0, 0, CellState.GAP)
    assert (matrix.planned, matrix.actual) == (14, 5)
    assert matrix.gap_rows == []
    assert matrix.years == [2025, 2026]

    last_year = level_selling_matrix(world.account, 2025, TODAY)
    assert last_year.actual == 1
    # The plan is the current one in every year: only the operational level has nothing at all.
    assert [r.level for r in last_year.gap_rows] == ["operational"]


def test_the_matrix_needs_the_same_queries_for_more_rows(world, team, django_assert_num_queries):
    sponsor, _service = team
    with django_assert_num_queries(5):
        level_selling_matrix(world.account, 2026, TODAY)
    for level in ("executive", "project", "operational"):
        person = PersonFactory(account=world.account, hierarchy_level=level)
        RelationshipLinkFactory(stakeholder=person, user=sponsor)
        ContactFactory(
            account=world.account,
            date=date(2026, 4, 1),
            stakeholders=[person],
            participants=[sponsor, world.owner],
        )

    with django_assert_num_queries(5):
        matrix = level_selling_matrix(world.account, 2026, TODAY)
    assert matrix.actual == 6


def test_without_a_year_the_matrix_is_for_the_current_year(world):
    assert level_selling_matrix(world.account, None, TODAY).year == 2026

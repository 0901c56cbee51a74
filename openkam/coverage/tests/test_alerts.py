"""The coverage rules on plain data: each alert firing, and not firing, at its boundary."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from openkam.coverage.alerts import (
    CoverageData,
    HeldContact,
    Person,
    Thresholds,
    compute_alerts,
    one_year_before,
)
from openkam.coverage.choices import AlertCode, Severity

TODAY = date(2026, 6, 30)
ACCOUNT = 7
DM = ("decision_maker",)
BLOCKER = ("blocker",)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def person(pk: int, name: str, **values) -> Person:
    """A stakeholder on the project level with a relationship owner, so that by default only the
    rule under test has something to say about it."""
    return Person(
        id=pk,
        name=name,
        **{"hierarchy_level": "project", "is_coach": False, "relationship_owner_id": None, **values},
    )


def covered_levels(start: int = 900) -> list[Person]:
    """A coach and one owned person per level: no coach or level alert of their own."""
    return [
        person(start, "Clara Coach", hierarchy_level="executive", is_coach=True, relationship_owner_id=1),
        person(start + 1, "Paul Projekt", hierarchy_level="project", relationship_owner_id=2),
        person(start + 2, "Olga Betrieb", hierarchy_level="operational", relationship_owner_id=3),
    ]


def alerts(people, contacts=(), planned=(), colleagues=None, **limits):
    data = CoverageData(
        account_id=ACCOUNT,
        people=list(people),
        contacts=list(contacts),
        planned_stakeholder_ids=frozenset(planned),
        colleagues=colleagues or {},
    )
    return compute_alerts(data, Thresholds(**limits), TODAY)


def of(code, found):
    return [a for a in found if a.code == code]


# No coach ---------------------------------------------------------------------------------------


def test_no_coach_names_the_supporter_with_the_best_attitude_and_links_to_their_form():
    people = [
        person(1, "Anna Amsel", attitude=1, influence=5),
        person(2, "Bernd Brandt", attitude=2, influence=2),
        person(3, "Carla Cordes", attitude=None, influence=5),
    ]

    [alert] = of(AlertCode.NO_COACH, alerts(people))

    assert alert.severity == Severity.HIGH
    assert alert.message.startswith(
        "Nobody in the buying center is marked as our coach. Bernd Brandt has the best attitude "
        "towards us (Champion) and is the natural candidate. A coach is a person at the customer"
    )
    assert alert.fix.label == "Mark Bernd Brandt as coach"
    assert alert.fix.url == reverse("stakeholders:edit", args=[ACCOUNT, 2])
    assert alert.fix.needs_edit
    assert alert.stakeholder_ids == (2,)


def test_among_equal_attitudes_the_more_influential_person_is_the_candidate():
    people = [
        person(1, "Anna Amsel", attitude=1, influence=2),
        person(2, "Bernd Brandt", attitude=1, influence=4),
    ]

    [alert] = of(AlertCode.NO_COACH, alerts(people))

    assert alert.stakeholder_ids == (2,)


def test_no_coach_does_not_fire_when_someone_is_our_coach():
    people = [person(1, "Anna Amsel", attitude=-2), person(2, "Bernd Brandt", is_coach=True)]

    assert of(AlertCode.NO_COACH, alerts(people)) == []


def test_an_anonymised_coach_does_not_count():
    people = [
        person(1, "Anna Amsel", attitude=1),
        person(2, "Gelöschte Person", is_coach=True, anonymised=True),
    ]

    [alert] = of(AlertCode.NO_COACH, alerts(people))

    assert alert.stakeholder_ids == (1,)


def test_without_a_supporter_no_coach_points_to_the_buying_center():
    people = [person(1, "Anna Amsel", attitude=0), person(2, "Bernd Brandt", attitude=-1)]

    [alert] = of(AlertCode.NO_COACH, alerts(people))

    assert "none of the 2 people recorded supports us yet" in alert.message
    assert alert.stakeholder_ids == ()
    assert not alert.fix.needs_edit
    assert alert.fix.url == reverse("stakeholders:list", args=[ACCOUNT])


def test_with_an_empty_buying_center_no_coach_asks_for_a_stakeholder():
    [alert] = of(AlertCode.NO_COACH, alerts([]))

    assert alert.message.startswith("No stakeholder is recorded yet, so nobody can act as our coach.")
    assert alert.fix.url == reverse("stakeholders:create", args=[ACCOUNT])


# Decision maker without contact -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "days", "fires"), [(90, 90, False), (90, 91, True), (30, 30, False), (30, 31, True)]
)
def test_a_decision_maker_alert_fires_only_after_more_days_than_the_limit(limit, days, fires):
    people = [*covered_levels(), person(1, "Dora Dreyer", buying_roles=DM, last_contact_on=days_ago(days))]

    found = of(AlertCode.DECISION_MAKER_NO_CONTACT, alerts(people, decision_maker_contact_days=limit))

    assert [a.stakeholder_ids for a in found] == ([(1,)] if fires else [])
    if fires:
        assert found[0].message == (
            f"Our last contact with Dora Dreyer, a decision maker, was on {days_ago(days):%m/%d/%Y}, {days} "
            f"days ago. Decision makers should hear from us at least every {limit} days; otherwise they "
            "decide without our arguments."
        )
        assert found[0].severity == Severity.HIGH
        assert found[0].fix.label == "Log a contact with Dora Dreyer"
        assert found[0].fix.url == reverse("relationships:contact-create", args=[ACCOUNT]) + "?stakeholder=1"


def test_a_decision_maker_never_contacted_is_an_alert():
    people = [*covered_levels(), person(1, "Dora Dreyer", buying_roles=("influencer", "decision_maker"))]

    [alert] = of(AlertCode.DECISION_MAKER_NO_CONTACT, alerts(people))

    assert alert.message.startswith(
        "Nobody of us has been in contact with Dora Dreyer, a decision maker, yet."
    )


def test_a_held_contact_in_the_log_counts_even_when_the_stored_last_contact_is_older():
    people = [*covered_levels(), person(1, "Dora Dreyer", buying_roles=DM, last_contact_on=days_ago(200))]
    contacts = [HeldContact(days_ago(10), frozenset({1}), frozenset({5}))]

    assert of(AlertCode.DECISION_MAKER_NO_CONTACT, alerts(people, contacts)) == []


def test_people_without_the_decision_maker_role_and_anonymised_ones_are_no_decision_maker_alert():
    people = [
        *covered_levels(),
        person(1, "Ina Imhof", buying_roles=("influencer",)),
        person(2, "Gelöscht", buying_roles=DM, anonymised=True),
    ]

    assert of(AlertCode.DECISION_MAKER_NO_CONTACT, alerts(people)) == []


# Blocker not engaged ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("influence", "days", "threshold", "fires"),
    [
        (4, 91, 4, True),  # influence exactly at the threshold counts
        (3, 91, 4, False),
        (4, 90, 4, False),  # exactly the limit of days is still engaged
        (4, 91, 5, False),  # a stricter setting
        (5, 91, 5, True),
    ],
)
def test_an_influential_blocker_without_contact_is_an_alert(influence, days, threshold, fires):
    people = [
        *covered_levels(),
        person(1, "Bruno Bock", buying_roles=BLOCKER, influence=influence, last_contact_on=days_ago(days)),
    ]

    found = of(AlertCode.BLOCKER_NOT_ENGAGED, alerts(people, blocker_influence_threshold=threshold))

    assert [a.stakeholder_ids for a in found] == ([(1,)] if fires else [])
    if fires:
        assert found[0].message.startswith(
            f"Bruno Bock can block decisions (influence {influence} of 5), has had no contact with us for "
            f"{days} days and has no line in the relationship plan."
        )
        assert found[0].fix.label == "Plan who of us meets Bruno Bock"
        assert found[0].fix.url == reverse("relationships:link-create", args=[ACCOUNT]) + "?stakeholder=1"


def test_the_blocker_engagement_days_are_configurable():
    people = [
        *covered_levels(),
        person(1, "Bruno Bock", buying_roles=BLOCKER, influence=5, last_contact_on=days_ago(45)),
    ]

    assert of(AlertCode.BLOCKER_NOT_ENGAGED, alerts(people, blocker_engagement_days=45)) == []
    assert len(of(AlertCode.BLOCKER_NOT_ENGAGED, alerts(people, blocker_engagement_days=44))) == 1


def test_a_blocker_with_a_line_in_the_relationship_plan_is_engaged():
    people = [*covered_levels(), person(1, "Bruno Bock", buying_roles=BLOCKER, influence=5)]

    assert of(AlertCode.BLOCKER_NOT_ENGAGED, alerts(people, planned={1})) == []
    [alert] = of(AlertCode.BLOCKER_NOT_ENGAGED, alerts(people))
    assert "has never been in contact with us and has no line in the relationship plan" in alert.message


# Level-selling gap ------------------------------------------------------------------------------


def test_every_level_without_a_stakeholder_is_a_gap():
    people = [person(1, "Paul Projekt", hierarchy_level="project", relationship_owner_id=1, is_coach=True)]

    found = of(AlertCode.LEVEL_GAP, alerts(people))

    assert [a.level for a in found] == ["executive", "operational"]
    assert found[0].message.startswith("No stakeholder is recorded at the level “Executive”. Executives are")
    assert found[0].fix.label == "Add a stakeholder at this level"
    assert found[0].fix.url == reverse("stakeholders:create", args=[ACCOUNT]) + "?hierarchy_level=executive"
    assert found[0].severity == Severity.MEDIUM


def test_a_level_whose_people_have_no_relationship_is_a_gap_naming_them():
    people = [
        *covered_levels()[1:],
        person(1, "Erik Eck", hierarchy_level="executive", influence=3),
        person(2, "Frida Fuchs", hierarchy_level="executive", influence=5),
    ]

    [alert] = of(AlertCode.LEVEL_GAP, alerts(people))

    assert alert.level == "executive"
    assert alert.message.startswith(
        "Nobody of us has a relationship at the level “Executive”: Erik Eck, Frida Fuchs have no relationship "
        "owner and no contact with us in the last 12 months."
    )
    assert alert.stakeholder_ids == (1, 2)
    assert alert.fix.label == "Assign a relationship owner for Frida Fuchs"
    assert alert.fix.url == reverse("stakeholders:edit", args=[ACCOUNT, 2])


def test_a_relationship_owner_closes_the_level_gap():
    people = [
        *covered_levels()[1:],
        person(1, "Erik Eck", hierarchy_level="executive", relationship_owner_id=4),
    ]

    assert of(AlertCode.LEVEL_GAP, alerts(people)) == []


@pytest.mark.parametrize(
    ("held_on", "gap"), [(one_year_before(TODAY), False), (one_year_before(TODAY) - timedelta(days=1), True)]
)
def test_a_contact_closes_the_level_gap_for_twelve_months(held_on, gap):
    people = [*covered_levels()[1:], person(1, "Erik Eck", hierarchy_level="executive")]
    logged = [HeldContact(held_on, frozenset({1}), frozenset({4}))]
    stored = [
        *covered_levels()[1:],
        person(1, "Erik Eck", hierarchy_level="executive", last_contact_on=held_on),
    ]

    assert len(of(AlertCode.LEVEL_GAP, alerts(people, logged))) == int(gap)
    assert len(of(AlertCode.LEVEL_GAP, alerts(stored))) == int(gap)


def test_one_year_before_a_leap_day_is_the_28th_of_february():
    assert one_year_before(date(2028, 2, 29)) == date(2027, 2, 28)


# Single-threaded account ------------------------------------------------------------------------


def _owned(owners: list[int]) -> list[Person]:
    levels = ["executive", "project", "operational"]
    return [
        person(
            10 + i, f"Person {i}", hierarchy_level=levels[i % 3], relationship_owner_id=owner, is_coach=i == 0
        )
        for i, owner in enumerate(owners)
    ]


NAMES = {1: "Katrin Amann", 2: "Tom Teich", 3: "Eva Ebert"}


@pytest.mark.parametrize(
    ("owners", "share", "fires"),
    [
        ([1] * 7 + [2] * 3, 70, True),  # exactly the limit
        ([1] * 7 + [2] * 3, 71, False),
        ([1] * 4 + [2], 80, True),
        ([1] * 3 + [2], 80, False),
        ([1, 1], 70, False),  # fewer than three relationships say nothing yet
        ([1, 1, 1], 100, True),
    ],
)
def test_one_colleague_owning_most_relationships_is_single_threaded(owners, share, fires):
    found = of(AlertCode.SINGLE_THREADED, alerts(_owned(owners), colleagues=NAMES, single_thread_share=share))

    assert len(found) == int(fires)
    if fires:
        count = owners.count(1)
        assert found[0].message.startswith(
            f"Katrin Amann owns {count} of the {len(owners)} relationships with the customer's people "
            f"({round(count * 100 / len(owners))} %)."
        )
        assert found[0].user_id == 1
        assert not found[0].fix.needs_edit
        assert found[0].fix.url == reverse("relationships:plan", args=[ACCOUNT])


def test_one_colleague_in_most_held_contacts_is_single_threaded():
    people = _owned([1, 2, 3])
    contacts = [
        HeldContact(days_ago(5), frozenset({10}), frozenset({2})),
        HeldContact(days_ago(50), frozenset({11}), frozenset({2, 3})),
        HeldContact(days_ago(300), frozenset({12}), frozenset({2})),
        HeldContact(days_ago(400), frozenset({12}), frozenset({1})),  # older than twelve months
    ]

    [alert] = of(AlertCode.SINGLE_THREADED, alerts(people, contacts, colleagues=NAMES))

    assert alert.message.startswith(
        "Tom Teich took part in 3 of the 3 contacts held in the last 12 months (100 %). When one person"
    )
    assert alert.user_id == 2
    # Two of three contacts is 67 %: below the default of 70 %.
    assert of(AlertCode.SINGLE_THREADED, alerts(people, contacts[1:], colleagues=NAMES)) == []


@pytest.mark.parametrize(("share", "fires"), [(70, True), (71, False)])
def test_the_share_of_held_contacts_fires_at_exactly_the_limit(share, fires):
    people = _owned([1, 2, 3])
    contacts = [HeldContact(days_ago(n), frozenset({10}), frozenset({2 if n < 7 else 3})) for n in range(10)]

    found = of(
        AlertCode.SINGLE_THREADED, alerts(people, contacts, colleagues=NAMES, single_thread_share=share)
    )

    assert [a.user_id for a in found] == ([2] if fires else [])


def test_spread_relationships_and_contacts_are_not_single_threaded():
    people = _owned([1, 2, 3, 1])
    contacts = [HeldContact(days_ago(n), frozenset({10}), frozenset({1 + n % 3})) for n in range(1, 7)]

    assert of(AlertCode.SINGLE_THREADED, alerts(people, contacts, colleagues=NAMES)) == []


# All together -----------------------------------------------------------------------------------


def test_a_covered_account_has_no_alerts():
    assert alerts(covered_levels()) == []


def test_alerts_come_most_severe_first():
    people = [
        person(
            1, "Erik Eck", hierarchy_level="executive", buying_roles=DM, relationship_owner_id=1, attitude=1
        ),
        person(2, "Paul Projekt", relationship_owner_id=1, buying_roles=BLOCKER, influence=5),
        person(3, "Olga Betrieb", hierarchy_level="operational", relationship_owner_id=1),
    ]

    found = alerts(people, colleagues=NAMES)

    assert [a.code for a in found] == [
        AlertCode.NO_COACH,
        AlertCode.DECISION_MAKER_NO_CONTACT,
        AlertCode.BLOCKER_NOT_ENGAGED,
        AlertCode.SINGLE_THREADED,
    ]
    assert [a.severity for a in found] == [Severity.HIGH] * 3 + [Severity.MEDIUM]

"""Reads of the RACI matrix: columns, the rule check, template suggestions and my duties."""

from types import SimpleNamespace

import pytest

from openkam.accounts.choices import InternalRole, TeamScope
from openkam.raci.catalog import GKAM, LEAD, TEMPLATES, TEMPLATES_BY_KEY, Colleague, colleagues_for, suggest
from openkam.raci.selectors import raci_duties_for_user, raci_matrix, raci_problems
from openkam.testing.factories import KeyAccountFactory, TeamMembershipFactory, UserFactory
from openkam.users.choices import Role

from .factories import annual_review


def _kinds(problems):
    return [(p.kind, p.task.title if p.task else p.user.last_name) for p in problems]


@pytest.mark.django_db
def test_the_rule_check_lists_every_kind_of_problem(world):
    leaver = UserFactory(first_name="Lars", last_name="Lenz", role=Role.MEMBER)
    annual_review(world, title="Fine", letters={world.owner: "A", world.teammate: "R"})
    annual_review(world, title="Headless", letters={world.teammate: "R"})
    annual_review(world, title="Two heads", letters={world.owner: "A", world.teammate: "A"})
    annual_review(world, title="Left", letters={world.owner: "A", leaver: "R"})

    problems = raci_problems(world.account)

    assert _kinds(problems) == [
        ("no_accountable", "Headless"),
        ("several_accountable", "Two heads"),
        ("no_responsible", "Two heads"),
        ("former_member", "Lenz"),
        ("no_duty", "Ebert"),
    ]
    assert (
        problems[1].message
        == "“Two heads” has several Accountables (Katrin Amann, Tom Teich); a task has exactly one."
    )
    matrix = raci_matrix(world.account)
    assert [row.problems for row in matrix.rows] == [
        [],
        ["no_accountable"],
        ["several_accountable", "no_responsible"],
        ["former_member"],
    ]
    assert [(c.name, c.on_team) for c in matrix.columns][-1] == ("Lars Lenz", False)


@pytest.mark.django_db
def test_a_matrix_without_tasks_has_no_problems(world):
    assert raci_problems(world.account) == []


@pytest.mark.django_db
def test_columns_are_the_kam_then_the_core_then_the_extended_team(world):
    zora = UserFactory(first_name="Zora", last_name="Zimmer", role=Role.MEMBER)
    anna = UserFactory(first_name="Anna", last_name="Adam", role=Role.MEMBER)
    TeamMembershipFactory(account=world.account, user=zora, scope=TeamScope.CORE)
    TeamMembershipFactory(account=world.account, user=anna, scope=TeamScope.EXTENDED)

    columns = raci_matrix(world.account).columns

    assert [c.user.last_name for c in columns] == ["Amann", "Teich", "Zimmer", "Adam", "Ebert"]
    assert [c.role_label for c in columns][:2] == ["Key account manager", "Inside sales"]


@pytest.mark.django_db
def test_my_duties_are_grouped_by_account_in_the_order_of_the_matrix(world):
    second = KeyAccountFactory(owner=world.owner, customer__name="Zeta Pumpen")
    TeamMembershipFactory(account=second, user=world.teammate)
    annual_review(world, account=second, title="Zeta task", letters={world.teammate: "C"})
    annual_review(world, title="Later", position=5)
    annual_review(world, title="Earlier", position=1, letters={world.teammate: "S", world.owner: "A"})
    hidden = KeyAccountFactory(owner=world.other_kam)
    annual_review(world, account=hidden, title="Hidden", letters={world.teammate: "R"})

    groups = raci_duties_for_user(world.teammate)

    assert [
        (g.account.customer.name, [(d.task.title, d.letter, d.label) for d in g.duties]) for g in groups
    ] == [
        ("Alpha Maschinenbau", [("Earlier", "S", "Supporting"), ("Later", "R", "Responsible")]),
        ("Zeta Pumpen", [("Zeta task", "C", "Consulted")]),
    ]
    # Management sees every account, and with it the duties it still holds anywhere.
    assert raci_duties_for_user(world.manager) == []


# Template suggestions (no database) --------------------------------------------------------------


class _Person:
    """A stand-in for a user: the templates need a primary key and a name."""

    def __init__(self, pk: int, name: str):
        self.pk, self.name = pk, name

    def get_full_name(self) -> str:
        return self.name


def _team(*members, owner="Kim"):
    kam = _Person(0, owner)
    memberships = []
    for pk, (name, role, scope) in enumerate(members, start=1):
        memberships.append(
            SimpleNamespace(user=_Person(pk, name), user_id=pk, internal_role=role, scope=scope)
        )
    return colleagues_for(kam, memberships)


def _by_name(suggestion):
    return {c.name: letter for c, letter in suggestion.letters.items()}


def test_the_kam_counts_as_global_kam_only_while_nobody_else_is():
    alone = _team(("Ina", InternalRole.INSIDE_SALES, "core"))
    assert alone[0].roles == frozenset({LEAD, GKAM})
    with_gkam = _team(("Gero", InternalRole.GKAM, "extended"), ("Ina", InternalRole.INSIDE_SALES, "core"))
    assert with_gkam[0].roles == frozenset({LEAD})
    assert [c.name for c in with_gkam] == ["Kim", "Ina", "Gero"]  # core before extended


def test_national_offers_go_to_the_national_kam_and_the_kam_is_informed():
    team = _team(
        ("Nora", InternalRole.NKAM, "core"),
        ("Ina", InternalRole.INSIDE_SALES, "core"),
        ("Emil", InternalRole.ENGINEERING, "core"),
        ("Sven", InternalRole.MANAGEMENT_SPONSOR, "extended"),
    )
    suggestion = suggest(TEMPLATES_BY_KEY["national_offers"], team)
    assert _by_name(suggestion) == {"Nora": "A", "Ina": "R", "Emil": "S", "Kim": "I", "Sven": "I"}
    assert suggestion.notes == []


def test_without_anyone_for_the_responsible_the_kam_takes_it_if_free():
    team = _team(("Nora", InternalRole.NKAM, "core"), ("Luis", InternalRole.LOGISTICS, "extended"))
    suggestion = suggest(TEMPLATES_BY_KEY["national_offers"], team)
    assert _by_name(suggestion) == {"Nora": "A", "Kim": "R", "Luis": "C"}
    assert suggestion.notes and "Kim is Responsible for now" in suggestion.notes[0]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.key)
def test_every_template_meets_the_rules_for_any_team_of_two_or_more(template):
    for role in InternalRole.values:
        for scope in ("core", "extended"):
            suggestion = suggest(template, _team(("Mia", role, scope)))
            letters = list(suggestion.letters.values())
            assert suggestion.possible
            assert letters.count("A") == 1 and "R" in letters, (template.key, role)
    assert not suggest(template, _team()).possible


def test_colleague_names_fall_back_to_the_login():
    user = SimpleNamespace(get_full_name=lambda: "", get_username=lambda: "jdoe")
    assert Colleague(user, frozenset(), core=True).name == "jdoe"

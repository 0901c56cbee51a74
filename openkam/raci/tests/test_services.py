"""The services of the RACI matrix: the rules of a row, locking, audit and the templates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from openkam.accounts.choices import InternalRole, TeamScope
from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.raci import services
from openkam.raci.catalog import TEMPLATES_BY_KEY
from openkam.raci.models import RaciAssignment, RaciTask
from openkam.testing.factories import KeyAccountFactory, TeamMembershipFactory, UserFactory
from openkam.users.choices import Role

from .factories import annual_review

pytestmark = pytest.mark.django_db


def _letters(task) -> dict[str, str]:
    return {
        a.user.last_name: a.letter for a in RaciAssignment.objects.filter(task=task).select_related("user")
    }


def _message(exc: ValidationError, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


# Creating tasks ----------------------------------------------------------------------------------


def test_a_new_task_gets_its_accountable_and_responsible_and_an_audit_entry_with_readable_letters(world):
    task = services.raci_task_create(
        actor=world.teammate,
        account=world.account,
        title=" Trade fair preparation ",
        description="Hannover Messe stand and customer invitations",
        letters={world.owner: "A", world.teammate: "R", world.extended: "I"},
    )

    assert task.title == "Trade fair preparation"
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "I"}
    entry = AuditEntry.objects.get(action="raci.task.create")
    assert entry.account_id == world.account.pk
    assert entry.actor == world.teammate
    assert entry.changes == {
        "title": "Trade fair preparation",
        "description": "Hannover Messe stand and customer invitations",
        "Tom Teich": "R",
        "Katrin Amann": "A",
        "Eva Ebert": "I",
    }


def test_new_tasks_come_last(world):
    annual_review(world, position=7)
    task = services.raci_task_create(
        actor=world.owner,
        account=world.account,
        title="Escalations",
        letters={world.owner: "A", world.teammate: "R"},
    )
    assert task.position == 8


@pytest.mark.parametrize(
    ("letters", "message"),
    [
        (
            {"owner": "R", "teammate": "R"},
            "“Visit plan” needs an Accountable: give exactly one person the letter A.",
        ),
        (
            {"owner": "A", "teammate": "A", "extended": "R"},
            "“Visit plan” can have only one Accountable, not 2 (Katrin Amann, Tom Teich).",
        ),
        (
            {"owner": "A", "teammate": "C"},
            "“Visit plan” needs at least one Responsible: give someone the letter R.",
        ),
    ],
)
def test_a_new_task_must_meet_the_rules(world, letters, message):
    with pytest.raises(ValidationError) as exc:
        services.raci_task_create(
            actor=world.owner,
            account=world.account,
            title="Visit plan",
            letters={getattr(world, name): letter for name, letter in letters.items()},
        )
    assert _message(exc, "letters") == message
    assert not RaciTask.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="raci.").exists()


def test_letters_go_only_to_people_on_the_team(world):
    with pytest.raises(ValidationError) as exc:
        services.raci_task_create(
            actor=world.owner,
            account=world.account,
            title="Visit plan",
            letters={world.owner: "A", world.other_kam: "R"},
        )
    assert "Otto Ohm is not on the account team" in _message(exc, "letters")


@pytest.mark.parametrize("persona", ["extended", "manager", "other_kam", "admin"])
def test_only_the_owner_and_the_core_team_change_the_matrix(world, persona):
    user = getattr(world, persona)
    task = annual_review(world)
    with pytest.raises(PermissionDenied):
        services.raci_task_create(
            actor=user, account=world.account, title="X", letters={world.owner: "A", world.teammate: "R"}
        )
    with pytest.raises(PermissionDenied):
        services.raci_cell_set(actor=user, task=task, user=world.extended, letter="C")
    with pytest.raises(PermissionDenied):
        services.raci_task_delete(actor=user, task=task)
    assert _letters(task)["Ebert"] == "I"


# Single cells ------------------------------------------------------------------------------------


def test_it_rejects_a_second_accountable_in_raci_and_names_the_task_and_the_accountable(world):
    task = annual_review(world)

    with pytest.raises(ValidationError) as exc:
        services.raci_cell_set(actor=world.owner, task=task, user=world.extended, letter="A", version=1)

    error = exc.value.error_dict["letter"][0]
    assert error.code == "accountable_taken"
    assert _message(exc, "letter").startswith(
        "“Annual review” already has an Accountable: Katrin Amann. A task has exactly one Accountable."
    )
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "I"}
    task.refresh_from_db()
    assert task.version == 1


def test_the_accountable_moves_in_one_edit_and_the_previous_cell_becomes_empty(world):
    task = annual_review(world)

    services.raci_cell_set(
        actor=world.teammate, task=task, user=world.extended, letter="A", version=1, move_accountable=True
    )

    assert _letters(task) == {"Teich": "R", "Ebert": "A"}
    task.refresh_from_db()
    assert task.version == 2
    entry = AuditEntry.objects.get(action="raci.letters.update")
    assert entry.target_repr == "Annual review"
    assert entry.changes == {
        "Katrin Amann": ["A", ""],
        "Eva Ebert": ["I", "A"],
    }


@pytest.mark.parametrize(
    ("person", "letter", "message"),
    [
        ("owner", "R", "Katrin Amann is the Accountable for “Annual review”, and a task needs exactly one."),
        ("owner", "", "Katrin Amann is the Accountable for “Annual review”, and a task needs exactly one."),
        (
            "teammate",
            "C",
            "Tom Teich is the only Responsible for “Annual review”, and a task needs at least one.",
        ),
        (
            "teammate",
            "",
            "Tom Teich is the only Responsible for “Annual review”, and a task needs at least one.",
        ),
    ],
)
def test_a_cell_edit_may_not_take_away_the_only_accountable_or_responsible(world, person, letter, message):
    task = annual_review(world)
    with pytest.raises(ValidationError) as exc:
        services.raci_cell_set(actor=world.owner, task=task, user=getattr(world, person), letter=letter)
    assert _message(exc, "letter").startswith(message)
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "I"}


def test_a_second_responsible_makes_the_first_one_free_to_change(world):
    task = annual_review(world)
    services.raci_cell_set(actor=world.owner, task=task, user=world.extended, letter="R", version=1)
    services.raci_cell_set(actor=world.owner, task=task, user=world.teammate, letter="S", version=2)
    assert _letters(task) == {"Amann": "A", "Teich": "S", "Ebert": "R"}
    changes = [e.changes for e in AuditEntry.objects.filter(action="raci.letters.update").order_by("pk")]
    assert changes == [
        {"Eva Ebert": ["I", "R"]},
        {"Tom Teich": ["R", "S"]},
    ]


def test_two_edits_from_the_same_version_conflict(world):
    task = annual_review(world)
    services.raci_cell_set(actor=world.owner, task=task, user=world.extended, letter="C", version=1)

    with pytest.raises(EditConflict) as exc:
        services.raci_cell_set(actor=world.teammate, task=task, user=world.extended, letter="S", version=1)

    assert exc.value.current.version == 2
    assert _letters(task)["Ebert"] == "C"
    # Submitting what is stored already is no conflict.
    services.raci_cell_set(actor=world.teammate, task=task, user=world.extended, letter="C", version=1)


def test_someone_who_left_the_team_keeps_their_letter_until_it_is_handed_on(world):
    leaver = UserFactory(first_name="Lars", last_name="Lenz", role=Role.MEMBER)
    task = annual_review(world, letters={world.owner: "A", leaver: "R"})

    with pytest.raises(ValidationError) as exc:
        services.raci_cell_set(actor=world.owner, task=task, user=leaver, letter="C")
    assert _message(exc, "letter").startswith("Lars Lenz is not on the account team")
    with pytest.raises(ValidationError):  # the only Responsible
        services.raci_cell_set(actor=world.owner, task=task, user=leaver, letter="")

    services.raci_cell_set(actor=world.owner, task=task, user=world.teammate, letter="R")
    services.raci_cell_set(actor=world.owner, task=task, user=leaver, letter="")
    assert _letters(task) == {"Amann": "A", "Teich": "R"}


def test_a_row_from_before_the_rules_can_be_repaired_cell_by_cell(world):
    task = annual_review(world, letters={world.owner: "A", world.teammate: "A", world.extended: "C"})

    # Not worse: an unrelated edit is allowed; a third Accountable is not.
    services.raci_cell_set(actor=world.owner, task=task, user=world.extended, letter="I")
    with pytest.raises(ValidationError):
        services.raci_cell_set(actor=world.owner, task=task, user=world.extended, letter="A")
    services.raci_cell_set(actor=world.owner, task=task, user=world.teammate, letter="R")

    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "I"}


def test_unknown_letters_are_refused(world):
    task = annual_review(world)
    with pytest.raises(ValidationError):
        services.raci_cell_set(actor=world.owner, task=task, user=world.extended, letter="X")


# Whole rows --------------------------------------------------------------------------------------


def test_a_row_edit_hands_on_the_accountable_and_is_checked_as_a_whole(world):
    task = annual_review(world)

    with pytest.raises(ValidationError) as exc:
        services.raci_row_set(
            actor=world.owner, task=task, letters={world.owner: "A", world.teammate: "A", world.extended: "R"}
        )
    assert "can have only one Accountable" in _message(exc, "letters")

    services.raci_row_set(
        actor=world.owner,
        task=task,
        letters={world.owner: "C", world.teammate: "A", world.extended: "R"},
        version=1,
    )
    assert _letters(task) == {"Amann": "C", "Teich": "A", "Ebert": "R"}
    entry = AuditEntry.objects.get(action="raci.letters.update")
    assert entry.changes == {
        "Katrin Amann": ["A", "C"],
        "Tom Teich": ["R", "A"],
        "Eva Ebert": ["I", "R"],
    }
    with pytest.raises(EditConflict):
        services.raci_row_set(
            actor=world.owner, task=task, letters={world.owner: "A", world.teammate: "R"}, version=1
        )


# Tasks -------------------------------------------------------------------------------------------


def test_renaming_a_task_is_versioned_and_audited(world):
    task = annual_review(world)
    services.raci_task_update(
        actor=world.teammate, task=task, version=1, title="Annual review with the board"
    )
    with pytest.raises(EditConflict):
        services.raci_task_update(actor=world.owner, task=task, version=1, description="Agenda and minutes")
    task.refresh_from_db()
    assert (task.title, task.description, task.version) == ("Annual review with the board", "", 2)
    entry = AuditEntry.objects.get(action="raci.task.update")
    assert entry.changes == {"title": ["Annual review", "Annual review with the board"]}


def test_tasks_move_up_and_down_and_positions_are_renumbered(world):
    a = annual_review(world, title="A", position=5)
    b = annual_review(world, title="B", position=5)
    c = annual_review(world, title="C", position=9)

    services.raci_task_move(actor=world.owner, task=c, direction="up")
    assert list(RaciTask.objects.order_by("position").values_list("title", "position")) == [
        ("A", 0),
        ("C", 1),
        ("B", 2),
    ]
    services.raci_task_move(actor=world.owner, task=a, direction="up")  # first already: nothing happens
    services.raci_task_move(actor=world.owner, task=b, direction="down")  # last already
    assert list(RaciTask.objects.order_by("position").values_list("title", flat=True)) == ["A", "C", "B"]
    assert AuditEntry.objects.filter(action="raci.task.move").count() == 1


def test_deleting_a_task_removes_its_letters(world):
    task = annual_review(world)
    services.raci_task_delete(actor=world.teammate, task=task)
    assert not RaciAssignment.objects.exists()
    assert AuditEntry.objects.get(action="raci.task.delete").target_repr == "Annual review"


# Templates ---------------------------------------------------------------------------------------


def test_templates_give_letters_by_role_and_skip_what_the_matrix_has(world):
    engineer = UserFactory(first_name="Ines", last_name="Ingold", role=Role.MEMBER)
    TeamMembershipFactory(account=world.account, user=engineer, internal_role=InternalRole.ENGINEERING)

    result = services.raci_templates_apply(
        actor=world.owner, account=world.account, keys=["framework_contract"]
    )

    (task,) = result.created
    assert (task.title, task.template_key) == ("Global framework contract", "framework_contract")
    # The KAM counts as GKAM (nobody else is): Accountable; inside sales Responsible; engineering Consulted.
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "R", "Ingold": "C"}
    assert result.notes == []
    again = services.raci_templates_apply(
        actor=world.owner, account=world.account, keys=["framework_contract"]
    )
    assert (again.created, again.skipped) == ([], ["framework_contract"])


def test_a_global_kam_on_the_team_is_accountable_for_the_framework_contract(world):
    gkam = UserFactory(first_name="Gerd", last_name="Glob", role=Role.KAM)
    TeamMembershipFactory(account=world.account, user=gkam, internal_role=InternalRole.GKAM)

    (task,) = services.raci_templates_apply(
        actor=world.owner, account=world.account, keys=["framework_contract"]
    ).created

    assert _letters(task) == {"Glob": "A", "Amann": "R", "Teich": "R", "Ebert": "R"}


def test_where_the_team_lacks_a_role_the_kam_steps_in_and_a_note_says_what_to_adapt(world):
    result = services.raci_templates_apply(
        actor=world.owner, account=world.account, keys=["technical_solutions"]
    )

    (task,) = result.created
    # Nobody in engineering: the KAM is Accountable already, so the core teammate becomes Responsible.
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "S"}
    assert result.notes == [
        "“Technical solution proposals”: nobody on the team has a role the template makes Responsible "
        "(Engineering). Tom Teich is Responsible for now; adapt the row if someone else should be."
    ]


def test_a_kam_without_a_team_gets_no_template_tasks_and_is_told_why(world):
    lonely = KeyAccountFactory(owner=world.owner)
    result = services.raci_templates_apply(actor=world.owner, account=lonely)
    assert result.created == []
    assert len(result.notes) == 8
    assert "the team has nobody besides Katrin Amann" in result.notes[0]


def test_all_templates_are_copied_in_the_language_of_the_actor_in_order(world):
    world.teammate.language = "de"
    world.teammate.save()
    annual_review(world, title="Jahresgespräch", template_key="annual_review")

    with translation.override("en"):
        result = services.raci_templates_apply(actor=world.teammate, account=world.account)

    assert result.skipped == ["annual_review"]
    titles = list(RaciTask.objects.order_by("position").values_list("title", flat=True))
    assert titles[0] == "Jahresgespräch"
    assert len(titles) == 8
    with translation.override("de"):
        assert titles[1] == str(TEMPLATES_BY_KEY["framework_contract"].title)
    for task in result.created:
        letters = list(task.assignments.values_list("letter", flat=True))
        assert letters.count("A") == 1 and "R" in letters
    assert AuditEntry.objects.filter(action="raci.task.create").count() == 7


def test_unknown_templates_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.raci_templates_apply(actor=world.owner, account=world.account, keys=["coffee"])
    assert _message(exc, "keys") == "Unknown template: coffee."


def test_extended_members_count_after_the_core_team_for_a_missing_responsible(world):
    world.teammate_membership.scope = TeamScope.EXTENDED
    world.teammate_membership.save()
    result = services.raci_templates_apply(
        actor=world.owner, account=world.account, keys=["technical_solutions"]
    )
    letters = _letters(result.created[0])
    assert letters["Amann"] == "A"
    assert sorted(letters.values()) == ["A", "R", "S"]

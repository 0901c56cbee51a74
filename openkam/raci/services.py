"""Writes of the RACI matrix: tasks, their letters (cell by cell or a whole row) and the templates.

Every function checks the edit right on the account again (``can_work_on_account``: the owner
and the core team; ``actor=None`` is the system, e.g. the demo generator), validates before
saving (ValidationError → form errors / 422), runs in one transaction and writes an audit entry
on the account timeline in it. Letter changes are recorded on the task, one entry per edit,
with the people's letters as readable "before → after" values.

The rules of a row: exactly one Accountable, at least one Responsible, one letter per person,
letters only for the KAM and team members. A new task and a whole-row edit must meet them. A
single-cell edit must not break a rule the row meets, nor make a broken one worse — so rows from
before the rules (or a task whose Responsible left the team) can be repaired step by step. As a
task has exactly one Accountable, handing it on takes two cells at once: ``raci_cell_set`` with
``move_accountable=True`` gives the Accountable to the chosen person and empties the cell of the
previous one; ``raci_row_set`` changes any number of cells in one go.

Every letter change bumps the task's ``version``; edits carry the version they were based on
and raise ``EditConflict`` when someone else changed the row in between (``None``: not known,
last writer wins).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.accounts.permissions import can_work_on_account
from openkam.core.locking import check_version, save_versioned
from openkam.core.services import apply_changes, audit_record
from openkam.users.models import User

from .catalog import TEMPLATES, TEMPLATES_BY_KEY, suggest
from .choices import Direction, Letter
from .models import RaciAssignment, RaciTask
from .selectors import colleagues_of, person_name

TASK_FIELDS = ("title", "description")
A, R = Letter.ACCOUNTABLE.value, Letter.RESPONSIBLE.value


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need edit rights on the account.
    if actor is not None and not can_work_on_account(actor, account):
        raise PermissionDenied


def _team_ids(account: KeyAccount) -> set[int]:
    return {
        account.owner_id,
        *TeamMembership.objects.filter(account=account).values_list("user_id", flat=True),
    }


def _names(users: Mapping[int, User]) -> dict[int, str]:
    """Readable, distinct names for the audit entry (two people of the same name get their login)."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for pk, user in sorted(users.items()):
        name = person_name(user)
        if name in taken:
            name = f"{name} ({user.get_username()})"
        taken.add(name)
        names[pk] = name
    return names


def _clean_letters(letters: Mapping[User, str], field: str) -> dict[int, str]:
    cleaned: dict[int, str] = {}
    for user, letter in letters.items():
        letter = letter or ""
        if letter and letter not in Letter.values:
            raise ValidationError({field: _("“%(letter)s” is no RACI letter.") % {"letter": letter}})
        if letter:
            cleaned[user.pk] = letter
    return cleaned


def _holders(letters: Mapping[int, str], letter: str, names: Mapping[int, str]) -> str:
    return ", ".join(sorted(names[pk] for pk, held in letters.items() if held == letter))


def _check_team(
    before: Mapping[int, str], after: Mapping[int, str], team: set[int], names: Mapping[int, str], field: str
) -> None:
    """Only people on the team get (new) letters; someone who left keeps theirs until it is cleared."""
    for pk, letter in after.items():
        if pk not in team and before.get(pk) != letter:
            raise ValidationError(
                {
                    field: _(
                        "%(person)s is not on the account team: only the key account manager and team "
                        "members get letters."
                    )
                    % {"person": names[pk]}
                }
            )


def _check_whole_row(title: str, after: Mapping[int, str], names: Mapping[int, str], field: str) -> None:
    """A new task and a whole-row edit meet both rules."""
    accountables = [pk for pk, letter in after.items() if letter == A]
    if not accountables:
        raise ValidationError(
            {
                field: _("“%(task)s” needs an Accountable: give exactly one person the letter A.")
                % {"task": title}
            }
        )
    if len(accountables) > 1:
        raise ValidationError(
            {
                field: _("“%(task)s” can have only one Accountable, not %(count)s (%(names)s).")
                % {"task": title, "count": len(accountables), "names": _holders(after, A, names)}
            }
        )
    if R not in after.values():
        raise ValidationError(
            {
                field: _("“%(task)s” needs at least one Responsible: give someone the letter R.")
                % {"task": title}
            }
        )


def _check_cell(
    title: str,
    before: Mapping[int, str],
    after: Mapping[int, str],
    user_pk: int,
    names: Mapping[int, str],
) -> None:
    """A single-cell edit may not break a rule the row meets, nor make a broken one worse."""
    a_before = sum(1 for letter in before.values() if letter == A)
    a_after = sum(1 for letter in after.values() if letter == A)
    if abs(a_after - 1) > abs(a_before - 1):
        if a_after > a_before:
            others = {pk: letter for pk, letter in before.items() if pk != user_pk}
            raise ValidationError(
                {
                    "letter": ValidationError(
                        _(
                            "“%(task)s” already has an Accountable: %(names)s. A task has exactly one "
                            "Accountable. Move the Accountable to %(person)s (the other cell becomes empty), "
                            "or edit the whole row to give %(names)s another letter in the same edit."
                        ),
                        code="accountable_taken",
                        params={"task": title, "names": _holders(others, A, names), "person": names[user_pk]},
                    )
                }
            )
        raise ValidationError(
            {
                "letter": _(
                    "%(person)s is the Accountable for “%(task)s”, and a task needs exactly one. Make someone "
                    "else Accountable first (choose A in their cell and move it), or edit the whole row."
                )
                % {"task": title, "person": names[user_pk]}
            }
        )
    r_before = sum(1 for letter in before.values() if letter == R)
    r_after = sum(1 for letter in after.values() if letter == R)
    if r_after == 0 and r_before > 0:
        raise ValidationError(
            {
                "letter": _(
                    "%(person)s is the only Responsible for “%(task)s”, and a task needs at least one. Make "
                    "someone else Responsible first, or edit the whole row."
                )
                % {"task": title, "person": names[user_pk]}
            }
        )


def _store_letters(
    task: RaciTask,
    stored: Mapping[int, RaciAssignment],
    after: Mapping[int, str],
    users: Mapping[int, User],
    names: Mapping[int, str],
) -> dict[str, list[str]]:
    """Write the cells that change and return them as readable ``name: [before, after]`` pairs."""
    changes: dict[str, list[str]] = {}
    create, update, delete = [], [], []
    for pk in sorted(set(stored) | set(after)):
        old = stored[pk].letter if pk in stored else ""
        new = after.get(pk, "")
        if old == new:
            continue
        # Letters are stored as codes; the timeline labels them in the reader's language.
        changes[names[pk]] = [old, new]
        if not new:
            delete.append(stored[pk].pk)
        elif not old:
            create.append(RaciAssignment(task=task, user=users[pk], letter=new))
        else:
            stored[pk].letter = new
            update.append(stored[pk])
    if delete:
        RaciAssignment.objects.filter(pk__in=delete).delete()
    if update:
        RaciAssignment.objects.bulk_update(update, ["letter"])
    if create:
        RaciAssignment.objects.bulk_create(create)
    return changes


def _locked_row(task: RaciTask) -> tuple[RaciTask, dict[int, RaciAssignment]]:
    obj = RaciTask.objects.select_for_update().get(pk=task.pk)
    stored = {a.user_id: a for a in RaciAssignment.objects.filter(task=obj).select_related("user")}
    return obj, stored


def _save_row(
    *,
    actor,
    task: RaciTask,
    obj: RaciTask,
    stored: dict[int, RaciAssignment],
    after: dict[int, str],
    extra_users: Mapping[int, User],
    version: int | None,
    validate,
) -> RaciTask:
    before = {pk: a.letter for pk, a in stored.items()}
    if before == after:
        return obj  # nothing changes: no conflict, however old the version
    check_version(obj, version, {})
    users = {pk: a.user for pk, a in stored.items()} | dict(extra_users)
    names = _names(users)
    _check_team(before, after, _team_ids(task.account), names, "letters" if validate is None else "letter")
    if validate is None:
        _check_whole_row(obj.title, after, names, "letters")
    else:
        validate(before, names)
    changes = _store_letters(obj, stored, after, users, names)
    save_versioned(obj, expected_version=version, update_fields=[])
    audit_record(
        actor=actor, action="raci.letters.update", target=obj, account_id=task.account_id, changes=changes
    )
    obj.account = task.account
    return obj


# Letters ----------------------------------------------------------------------------------------


@transaction.atomic
def raci_cell_set(
    *,
    actor,
    task: RaciTask,
    user: User,
    letter: str,
    version: int | None = None,
    move_accountable: bool = False,
) -> RaciTask:
    """Give ``user`` the ``letter`` for ``task`` ("" empties the cell), edited from ``version``.

    With ``move_accountable`` and the letter A, the previous Accountable's cell is emptied in the
    same edit. ValidationError (on ``letter``, code ``accountable_taken`` when someone else is
    Accountable) when the edit breaks a rule; PermissionDenied for readers; EditConflict.
    """
    _check(actor, task.account)
    letter = letter or ""
    if letter and letter not in Letter.values:
        raise ValidationError({"letter": _("“%(letter)s” is no RACI letter.") % {"letter": letter}})
    obj, stored = _locked_row(task)
    after = {pk: a.letter for pk, a in stored.items()}
    if letter:
        if move_accountable and letter == A:
            after = {pk: held for pk, held in after.items() if held != A}
        after[user.pk] = letter
    else:
        after.pop(user.pk, None)

    def validate(before, names):
        _check_cell(obj.title, before, after, user.pk, names)

    return _save_row(
        actor=actor,
        task=task,
        obj=obj,
        stored=stored,
        after=after,
        extra_users={user.pk: user},
        version=version,
        validate=validate,
    )


@transaction.atomic
def raci_row_set(
    *, actor, task: RaciTask, letters: Mapping[User, str], version: int | None = None
) -> RaciTask:
    """Replace all letters of ``task`` with ``letters`` (people left out get an empty cell).

    The row as a whole must meet the rules (ValidationError on ``letters``); someone who left the
    team may keep their letter or lose it, not get another one.
    """
    _check(actor, task.account)
    after = _clean_letters(letters, "letters")
    obj, stored = _locked_row(task)
    return _save_row(
        actor=actor,
        task=task,
        obj=obj,
        stored=stored,
        after=after,
        extra_users={user.pk: user for user in letters},
        version=version,
        validate=None,
    )


# Tasks ------------------------------------------------------------------------------------------


def _next_position(account: KeyAccount) -> int:
    highest = RaciTask.objects.filter(account=account).aggregate(top=Max("position"))["top"]
    return 0 if highest is None else highest + 1


def _create(
    *,
    actor,
    account: KeyAccount,
    title: str,
    description: str,
    after: dict[int, str],
    users: Mapping[int, User],
    template_key: str = "",
    position: int,
) -> RaciTask:
    task = RaciTask(
        account=account,
        title=title.strip(),
        description=description.strip(),
        template_key=template_key,
        position=position,
    )
    task.full_clean()
    names = _names(users)
    _check_team({}, after, _team_ids(account), names, "letters")
    _check_whole_row(task.title, after, names, "letters")
    task.save()
    RaciAssignment.objects.bulk_create(
        [RaciAssignment(task=task, user=users[pk], letter=letter) for pk, letter in after.items()]
    )
    changes: dict[str, object] = {
        f: getattr(task, f) for f in (*TASK_FIELDS, "template_key") if getattr(task, f)
    }
    for pk, letter in sorted(after.items(), key=lambda item: "RASCI".index(item[1])):
        changes[names[pk]] = letter
    audit_record(actor=actor, action="raci.task.create", target=task, account_id=account.pk, changes=changes)
    return task


@transaction.atomic
def raci_task_create(
    *, actor, account: KeyAccount, title: str, letters: Mapping[User, str], description: str = ""
) -> RaciTask:
    """Add a task at the end of the matrix with its letters; the row must meet the rules
    (exactly one Accountable, at least one Responsible, people on the team only)."""
    _check(actor, account)
    return _create(
        actor=actor,
        account=account,
        title=title,
        description=description,
        after=_clean_letters(letters, "letters"),
        users={user.pk: user for user in letters},
        position=_next_position(account),
    )


@transaction.atomic
def raci_task_update(*, actor, task: RaciTask, version: int | None = None, **values) -> RaciTask:
    """Rename or describe a task (``title``, ``description``) edited from ``version``."""
    _check(actor, task.account)
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown task fields: {sorted(unknown)}")
    obj = RaciTask.objects.select_for_update().get(pk=task.pk)
    values = {key: value.strip() for key, value in values.items()}
    if all(getattr(obj, key) == value for key, value in values.items()):
        return obj
    check_version(obj, version, values)
    diff = apply_changes(obj, values)
    obj.full_clean()
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    audit_record(actor=actor, action="raci.task.update", target=obj, account_id=task.account_id, changes=diff)
    obj.account = task.account
    return obj


@transaction.atomic
def raci_task_move(*, actor, task: RaciTask, direction: str) -> RaciTask:
    """Swap the task with its neighbour above or below (nothing happens at the top or bottom).

    Positions are renumbered 0, 1, 2, … on the way, so gaps and ties of older data disappear.
    Moving does not touch the row's letters, so it needs no version.
    """
    _check(actor, task.account)
    if direction not in Direction.values:
        raise ValidationError({"direction": _("Move a task up or down.")})
    tasks = list(
        RaciTask.objects.select_for_update().filter(account_id=task.account_id).order_by("position", "pk")
    )
    index = next(i for i, t in enumerate(tasks) if t.pk == task.pk)
    target = index - 1 if direction == Direction.UP else index + 1
    if not 0 <= target < len(tasks):
        return tasks[index]
    tasks[index], tasks[target] = tasks[target], tasks[index]
    changed = []
    for position, row in enumerate(tasks):
        if row.position != position:
            row.position = position
            changed.append(row)
    RaciTask.objects.bulk_update(changed, ["position"])
    moved = tasks[target]
    audit_record(
        actor=actor,
        action="raci.task.move",
        target=moved,
        account_id=task.account_id,
        changes={"position": [index + 1, target + 1]},
    )
    moved.account = task.account
    return moved


@transaction.atomic
def raci_task_delete(*, actor, task: RaciTask) -> None:
    """Remove a task with its letters."""
    _check(actor, task.account)
    audit_record(actor=actor, action="raci.task.delete", target=task, account_id=task.account_id)
    task.delete()


# Templates --------------------------------------------------------------------------------------


@dataclass
class TemplateApplyResult:
    """What applying templates did: the new tasks, the templates the matrix had already and
    notes on what the team should adapt (or why a task could not be added)."""

    created: list[RaciTask] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@transaction.atomic
def raci_templates_apply(
    *, actor, account: KeyAccount, keys: Sequence[str] | None = None, language: str | None = None
) -> TemplateApplyResult:
    """Copy template tasks (``keys``; None: all) into the account's matrix with the letters they
    suggest for the current team (see ``openkam.raci.catalog.suggest``).

    Titles and descriptions are written in ``language`` (default: the actor's language), so the
    team can adapt them like its own tasks. Templates the matrix has a task of already are
    skipped. ValidationError on ``keys`` for an unknown template.
    """
    _check(actor, account)
    if keys is None:
        chosen = list(TEMPLATES)
    else:
        unknown = sorted(set(keys) - set(TEMPLATES_BY_KEY))
        if unknown:
            raise ValidationError({"keys": _("Unknown template: %(keys)s.") % {"keys": ", ".join(unknown)}})
        chosen = [t for t in TEMPLATES if t.key in set(keys)]
    language = language or getattr(actor, "language", None) or translation.get_language()
    result = TemplateApplyResult()
    have = set(RaciTask.objects.filter(account=account).values_list("template_key", flat=True))
    colleagues = colleagues_of(account)
    position = _next_position(account)
    with translation.override(language):
        for template in chosen:
            if template.key in have:
                result.skipped.append(template.key)
                continue
            suggestion = suggest(template, colleagues)
            result.notes += suggestion.notes
            if not suggestion.possible:
                continue
            letters = suggestion.by_user()
            result.created.append(
                _create(
                    actor=actor,
                    account=account,
                    title=str(template.title),
                    description=str(template.description),
                    after={user.pk: letter for user, letter in letters.items()},
                    users={user.pk: user for user in letters},
                    template_key=template.key,
                    position=position,
                )
            )
            position += 1
    return result

"""Reads of the RACI matrix: the matrix of an account, its rule check, the templates for a team
and each person's duties across their accounts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from openkam.accounts.choices import TeamScope
from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.accounts.permissions import accounts_visible_to
from openkam.accounts.selectors import team_users

from .catalog import TEMPLATES, Colleague, Suggestion, TemplateTask, colleagues_for, suggest, suggested_roles
from .choices import Letter
from .models import RaciAssignment, RaciTask


def person_name(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Column:
    """A person in the matrix: the KAM, a team member, or someone who left the team but still
    holds letters (``on_team`` False)."""

    user: object
    is_kam: bool = False
    membership: TeamMembership | None = None
    on_team: bool = True

    @property
    def name(self) -> str:
        return person_name(self.user)

    @property
    def role_label(self) -> str:
        if self.is_kam:
            return _("Key account manager")
        if self.membership is not None:
            return str(self.membership.get_internal_role_display())
        return ""

    @property
    def extended(self) -> bool:
        return self.membership is not None and self.membership.scope == TeamScope.EXTENDED


@dataclass(frozen=True)
class Cell:
    column: Column
    letter: str  # "" for an empty cell

    @property
    def label(self) -> str:
        return str(Letter(self.letter).label) if self.letter else ""


#: Short labels of a row's rule breaks, shown in the row itself.
ROW_FLAGS = {
    "no_accountable": gettext_lazy("No Accountable"),
    "several_accountable": gettext_lazy("Several Accountables"),
    "no_responsible": gettext_lazy("No Responsible"),
    "former_member": gettext_lazy("Letter of a former team member"),
}


@dataclass
class Row:
    """A task with its letters in column order and the rule breaks of this row."""

    task: RaciTask
    cells: list[Cell]
    problems: list[str] = field(default_factory=list)  # kinds, see RaciProblem
    first: bool = False
    last: bool = False

    @property
    def flags(self) -> list[tuple[str, str]]:
        return [(kind, ROW_FLAGS[kind]) for kind in self.problems]

    def letter_of(self, user) -> str:
        return next((cell.letter for cell in self.cells if cell.column.user.pk == user.pk), "")


@dataclass(frozen=True)
class RaciProblem:
    """A rule break for the header of the matrix (and the account overview).

    ``kind`` is one of ``no_accountable``, ``several_accountable``, ``no_responsible``
    (the rules of a row), ``former_member`` (letters held by someone who left the team) and
    ``no_duty`` (a team member without any letter while the matrix has tasks).
    """

    kind: str
    message: str
    task: RaciTask | None = None
    user: object | None = None


@dataclass
class RaciMatrix:
    account: KeyAccount
    columns: list[Column]
    rows: list[Row]
    problems: list[RaciProblem]

    def row_of(self, task_pk: int) -> Row | None:
        return next((row for row in self.rows if row.task.pk == task_pk), None)

    def column_of(self, user_pk: int) -> Column | None:
        return next((column for column in self.columns if column.user.pk == user_pk), None)


def team_columns(account: KeyAccount) -> list[Column]:
    """The KAM, then the core team, then the extended team (each by name)."""
    memberships = {m.user_id: m for m in TeamMembership.objects.filter(account=account).order_by()}
    kam, core, extended = [], [], []
    for user in team_users(account):
        if user.pk == account.owner_id:
            kam.append(Column(user, is_kam=True))
            continue
        membership = memberships.get(user.pk)
        column = Column(user, membership=membership)
        (extended if column.extended else core).append(column)
    return kam + core + extended


def _row_problems(task: RaciTask, letters: list[tuple[object, str]]) -> list[RaciProblem]:
    counts = Counter(letter for _user, letter in letters)
    problems = []
    if counts[Letter.ACCOUNTABLE] == 0:
        problems.append(
            RaciProblem("no_accountable", _("“%(task)s” has no Accountable.") % {"task": task.title}, task)
        )
    elif counts[Letter.ACCOUNTABLE] > 1:
        names = ", ".join(person_name(user) for user, letter in letters if letter == Letter.ACCOUNTABLE)
        problems.append(
            RaciProblem(
                "several_accountable",
                _("“%(task)s” has several Accountables (%(names)s); a task has exactly one.")
                % {"task": task.title, "names": names},
                task,
            )
        )
    if counts[Letter.RESPONSIBLE] == 0:
        problems.append(
            RaciProblem("no_responsible", _("“%(task)s” has no Responsible.") % {"task": task.title}, task)
        )
    return problems


def _tasks_with_letters(account: KeyAccount) -> list[RaciTask]:
    return list(
        RaciTask.objects.filter(account=account)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RaciAssignment.objects.select_related("user").order_by("pk"),
            )
        )
    )


def raci_matrix(account: KeyAccount) -> RaciMatrix:
    """The account's tasks × people with the letters and the rule check; four queries."""
    columns = team_columns(account)
    tasks = _tasks_with_letters(account)
    on_team = {column.user.pk for column in columns}
    former: dict[int, Column] = {}
    for task in tasks:
        for assignment in task.assignments.all():
            if assignment.user_id not in on_team and assignment.user_id not in former:
                former[assignment.user_id] = Column(assignment.user, on_team=False)
    columns += sorted(former.values(), key=lambda c: (c.user.last_name, c.user.first_name, c.user.pk))

    rows: list[Row] = []
    problems: list[RaciProblem] = []
    held_by: dict[int, list[RaciTask]] = {}
    for index, task in enumerate(tasks):
        letters = {a.user_id: a.letter for a in task.assignments.all()}
        row_problems = _row_problems(task, [(a.user, a.letter) for a in task.assignments.all()])
        problems += row_problems
        for user_pk in letters:
            held_by.setdefault(user_pk, []).append(task)
        rows.append(
            Row(
                task=task,
                cells=[Cell(column, letters.get(column.user.pk, "")) for column in columns],
                problems=[p.kind for p in row_problems]
                + (["former_member"] if any(pk in former for pk in letters) else []),
                first=index == 0,
                last=index == len(tasks) - 1,
            )
        )
    idle: list[RaciProblem] = []
    for column in columns:
        if not column.on_team:
            titles = ", ".join(
                pgettext("quoted task title", "“%(task)s”") % {"task": task.title}
                for task in held_by[column.user.pk]
            )
            problems.append(
                RaciProblem(
                    "former_member",
                    ngettext(
                        "%(person)s is no longer on the team but still holds a letter for %(tasks)s. "
                        "Hand it on to a colleague.",
                        "%(person)s is no longer on the team but still holds letters for %(tasks)s. "
                        "Hand them on to colleagues.",
                        len(held_by[column.user.pk]),
                    )
                    % {"person": column.name, "tasks": titles},
                    user=column.user,
                )
            )
        elif tasks and column.user.pk not in held_by:
            idle.append(
                RaciProblem(
                    "no_duty",
                    _("%(person)s is on the team but has no letter in the matrix yet.")
                    % {"person": column.name},
                    user=column.user,
                )
            )
    return RaciMatrix(account=account, columns=columns, rows=rows, problems=problems + idle)


def raci_problems(account: KeyAccount) -> list[RaciProblem]:
    """The rule breaks of the account's RACI matrix (empty while it has no tasks and nobody
    left the team holding letters): tasks without an Accountable, with several (data from
    before the rules), without a Responsible; letters of people who left the team; team
    members with no duty at all."""
    return raci_matrix(account).problems


def raci_row(task: RaciTask) -> tuple[RaciMatrix, Row]:
    """The matrix of the task's account with the task's row (for re-rendering one row)."""
    matrix = raci_matrix(task.account)
    row = matrix.row_of(task.pk)
    assert row is not None  # the caller loaded the task of this account
    return matrix, row


# Templates ---------------------------------------------------------------------------------------


def colleagues_of(account: KeyAccount) -> list[Colleague]:
    """The account's team as the templates see it (KAM, core team, extended team)."""
    memberships = list(
        TeamMembership.objects.filter(account=account)
        .select_related("user")
        .order_by("scope", "user__last_name", "user__first_name", "pk")
    )
    return colleagues_for(account.owner, memberships)


@dataclass
class TemplatePreview:
    """A template task, the letters it would give the current team and whether the account has it."""

    template: TemplateTask
    suggestion: Suggestion
    applied: bool

    @property
    def roles(self) -> list[tuple[str, str]]:
        return suggested_roles(self.template)

    @property
    def letters(self) -> list[tuple[str, str]]:
        """(letter, names) of the suggestion, in the order of the legend."""
        by_letter: dict[str, list[str]] = {}
        for colleague, letter in self.suggestion.letters.items():
            by_letter.setdefault(letter, []).append(colleague.name)
        order = [Letter.RESPONSIBLE, Letter.ACCOUNTABLE, Letter.SUPPORTING, Letter.CONSULTED, Letter.INFORMED]
        return [(letter, ", ".join(by_letter[letter])) for letter in order if letter in by_letter]


def template_previews(account: KeyAccount) -> list[TemplatePreview]:
    colleagues = colleagues_of(account)
    applied = set(
        RaciTask.objects.filter(account=account)
        .exclude(template_key="")
        .values_list("template_key", flat=True)
    )
    return [TemplatePreview(t, suggest(t, colleagues), t.key in applied) for t in TEMPLATES]


# My RACI duties ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    task: RaciTask
    letter: str

    @property
    def label(self) -> str:
        return str(Letter(self.letter).label)


@dataclass
class AccountDuties:
    account: KeyAccount
    duties: list[Duty]


def raci_duties_for_user(user) -> list[AccountDuties]:
    """The tasks ``user`` holds a letter for, grouped by account (by customer name, tasks in the
    matrix's order), on the accounts ``user`` may see only. One query."""
    rows = (
        RaciAssignment.objects.filter(user=user, task__account__in=accounts_visible_to(user))
        .select_related("task", "task__account", "task__account__customer")
        .order_by("task__account__customer__name", "task__account_id", "task__position", "task__pk")
    )
    groups: list[AccountDuties] = []
    for assignment in rows:
        account = assignment.task.account
        if not groups or groups[-1].account.pk != account.pk:
            groups.append(AccountDuties(account, []))
        groups[-1].duties.append(Duty(assignment.task, assignment.letter))
    return groups

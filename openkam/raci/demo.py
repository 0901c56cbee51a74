"""RACI matrices for the demo company's key accounts.

``seed_raci`` is called by the demo generator after the accounts and their teams exist (after
``seed_teams``). It writes through the services as each account's KAM would, so the timelines
and every rule are those of real use. Every key account (in ``KeyAccount.objects.order_by("pk")``
order) gets:

- the **template tasks** with the letters they suggest for its team, in the KAM's language;
- **one or two own tasks** of the team (trade fair, supplier rating, forecast, spare parts,
  training), with the KAM Accountable and a colleague Responsible;
- a few **adaptations**: some letters changed as the team worked the matrix out together;
- on the second and the fifth account, a **rule problem**: the escalations were in the hands of a
  service colleague who has since moved to other accounts and still holds the only Responsible
  (so the check shows something and the team has something to hand on).

Accounts that have any RACI task already are left alone, so a second call changes nothing. Every
choice comes from ``random.Random(SEED + index)``; no dates are involved.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.users.choices import Role
from openkam.users.models import User

from . import services
from .choices import Letter
from .models import RaciAssignment, RaciTask

SEED = 6161
# Accounts (by index) whose escalations are still with a colleague who left the team.
PROBLEM_ACCOUNTS = (1, 4)


@dataclass
class SeedResult:
    accounts: int = 0
    tasks: int = 0
    own_tasks: int = 0
    adaptations: int = 0
    problems: int = 0


@dataclass(frozen=True)
class _OwnTask:
    title_de: str
    title_en: str
    description_de: str
    description_en: str
    responsible: tuple[str, ...]  # internal roles, the first one on the team is Responsible


OWN_TASKS = (
    _OwnTask(
        "Messeauftritt und Kundeneinladungen",
        "Trade fair and customer invitations",
        "Einladungen der Entscheider zur Hannover Messe, Termine am Stand, Nachbereitung der Gespräche.",
        "Invite the decision makers to Hannover Messe, book meetings at the stand, follow up the talks.",
        ("inside_sales", "country_sales"),
    ),
    _OwnTask(
        "Lieferantenbewertung des Kunden",
        "Customer's supplier rating",
        "Kennzahlen der halbjährlichen Lieferantenbewertung prüfen, Abweichungen erklären, Maßnahmen abstimmen.",
        "Check the figures of the half-yearly supplier rating, explain deviations, agree on measures.",
        ("logistics", "service", "inside_sales"),
    ),
    _OwnTask(
        "Forecast und Abrufplanung",
        "Forecast and call-off planning",
        "Rollierender Forecast der Abrufe je Werk, abgestimmt mit der Disposition des Kunden.",
        "Rolling forecast of call-offs per plant, agreed with the customer's materials planning.",
        ("inside_sales", "logistics"),
    ),
    _OwnTask(
        "Ersatzteilkonzept für alle Werke",
        "Spare-parts concept for all plants",
        "Kritische Ersatzteile je Anlage festlegen, Konsignationslager und Lieferzeiten vereinbaren.",
        "Define the critical spare parts per line, agree on a consignment stock and delivery times.",
        ("service", "engineering"),
    ),
    _OwnTask(
        "Schulungen für die Instandhaltung",
        "Training for the customer's maintenance team",
        "Jährliches Schulungsprogramm zu Inbetriebnahme, Diagnose und Wartung unserer Antriebe.",
        "Yearly training on commissioning, diagnosis and maintenance of our drives.",
        ("service", "engineering"),
    ),
)


def _team(account: KeyAccount) -> list[TeamMembership]:
    return list(
        TeamMembership.objects.filter(account=account)
        .select_related("user")
        .order_by("scope", "user__last_name", "user__first_name", "pk")
    )


def _add_own_tasks(account: KeyAccount, team: list[TeamMembership], rng: random.Random) -> int:
    german = (account.owner.language or "de").startswith("de")
    added = 0
    for own in rng.sample(OWN_TASKS, rng.choice((1, 2))):
        responsible = next(
            (m.user for role in own.responsible for m in team if m.internal_role == role),
            team[0].user,
        )
        letters = {account.owner: Letter.ACCOUNTABLE, responsible: Letter.RESPONSIBLE}
        for member in team:
            if member.user not in letters and rng.random() < 0.6:
                letters[member.user] = rng.choice((Letter.SUPPORTING, Letter.CONSULTED, Letter.INFORMED))
        services.raci_task_create(
            actor=account.owner,
            account=account,
            title=own.title_de if german else own.title_en,
            description=own.description_de if german else own.description_en,
            letters=letters,
        )
        added += 1
    return added


def _adapt(account: KeyAccount, tasks: list[RaciTask], rng: random.Random) -> int:
    """Change one or two Supporting/Consulted/Informed letters, as a team does when it discusses
    the suggestions (the rules are never touched: A and R stay where they are)."""
    cells = [
        (task, assignment)
        for task in tasks
        for assignment in task.assignments.select_related("user").order_by("pk")
        if assignment.letter in (Letter.SUPPORTING, Letter.CONSULTED, Letter.INFORMED)
    ]
    changed = 0
    for task, assignment in rng.sample(cells, min(len(cells), rng.choice((1, 2)))):
        task.refresh_from_db(fields=["version"])
        letter = rng.choice(
            [x for x in (Letter.SUPPORTING, Letter.CONSULTED, Letter.INFORMED) if x != assignment.letter]
        )
        services.raci_cell_set(
            actor=account.owner, task=task, user=assignment.user, letter=letter, version=task.version
        )
        changed += 1
    return changed


def _leave_escalations_with_a_former_colleague(account: KeyAccount, candidates: list[User]) -> bool:
    """The former service colleague still holds the only Responsible for the escalations."""
    task = RaciTask.objects.filter(account=account, template_key="escalations").first()
    on_team = {
        account.owner_id,
        *TeamMembership.objects.filter(account=account).values_list("user_id", flat=True),
    }
    former = next((user for user in candidates if user.pk not in on_team), None)
    if task is None or former is None:
        return False
    # Written as it was before the colleague left: no service may give a letter to someone off the team.
    RaciAssignment.objects.filter(task=task, letter=Letter.RESPONSIBLE).update(letter=Letter.SUPPORTING)
    RaciAssignment.objects.create(task=task, user=former, letter=Letter.RESPONSIBLE)
    return True


@transaction.atomic
def seed_raci(*, users: Mapping[str, User] | None = None) -> SeedResult:
    """Give every key account without a RACI matrix one (see the module docstring)."""
    result = SeedResult()
    people = list(users.values()) if users else list(User.objects.all())
    # Service colleagues first: the escalations were theirs.
    candidates = sorted(
        (u for u in people if u.role == Role.MEMBER and u.is_active),
        key=lambda u: ("service" not in u.job_title.lower(), u.username),
    )
    busy = set(RaciTask.objects.values_list("account_id", flat=True).distinct())
    for index, account in enumerate(KeyAccount.objects.order_by("pk").select_related("owner")):
        if account.pk in busy:
            continue
        team = _team(account)
        if not team:
            continue
        rng = random.Random(SEED + index)
        applied = services.raci_templates_apply(actor=account.owner, account=account)
        result.accounts += 1
        result.tasks += len(applied.created)
        result.own_tasks += _add_own_tasks(account, team, rng)
        result.adaptations += _adapt(account, applied.created, rng)
        if index in PROBLEM_ACCOUNTS and _leave_escalations_with_a_former_colleague(account, candidates):
            result.problems += 1
    return result

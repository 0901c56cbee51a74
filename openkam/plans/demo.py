"""Account plans of the demo company: plans in several states of the five-step process.

``seed_plans`` is called by the demo generator after the key accounts and their teams exist. It
works through the services, as the account teams would, so the account timelines show who did
what. The first key accounts (by primary key) get, in turn:

1. a **completed plan of last year** — all five steps done, goals with their values, an annual
   review with agreed actions and two frozen versions (mid-year and at the review) — and this
   year's plan started from it, in research;
2. a plan of this year **in execution**, with actions done, due and overdue;
3. a **draft** of this year's plan at the strategy step;
4. a plan whose **action plan** is being written.

Dates are relative to ``today`` (default: the current date) and the texts depend only on the
account, so equal databases and an equal ``today`` give equal plans. Steps are marked done by
the account owner where the plan meets the step's rules; where it cannot yet (the growth-plan
answers are seeded by the growth app afterwards) the system records the state.

The growth-plan answers belong to another app, which this one does not import. A frozen version
keeps them, though, and the next cycle's plan takes them over, so the completed plan must be
answered before its versions are frozen: the generator passes ``research``, the growth app's
``seed_growth_for_plan``, which ``seed_plans`` calls for that plan when its research is done.
Without it the versions hold no answers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openkam.accounts.choices import TeamScope
from openkam.accounts.models import KeyAccount
from openkam.users.models import User

from . import services
from .choices import ActionStatus, Element, PlanType, Relevance, Step, StepState, TopicStatus
from .models import Plan
from .rigour import CORE_ELEMENTS

HEAD_OF_KAM = "leitung"

# Answers the growth-plan questions of a plan whose research is done (see the module docstring).
Research = Callable[[Plan], object]


@dataclass
class SeedResult:
    plans: int = 0
    actions: int = 0
    reviews: int = 0
    versions: int = 0


def _d(value: str) -> Decimal:
    return Decimal(value)


def _people(account: KeyAccount) -> tuple[User, User, list[User]]:
    """The owner, a core-team member who helps write the plan (the owner when the core team is
    empty) and everyone on the team (core first), in a stable order."""
    members = list(
        account.team_memberships.filter(user__is_active=True)
        .select_related("user")
        .order_by("scope", "user__last_name", "pk")
    )
    core = [m.user for m in members if m.scope == TeamScope.CORE]
    return account.owner, (core[0] if core else account.owner), [account.owner, *(m.user for m in members)]


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _texts(account: KeyAccount) -> dict:
    name = account.customer.name
    industry = account.customer.industry or "Industrie"
    return {
        "vision": (
            f"{name} sieht uns als ersten Ansprechpartner für Antriebs- und Automatisierungstechnik – "
            "vom Einzelteil bis zur Systemlösung, an allen Standorten."
        ),
        "strategy": (
            "Eigene Stärken: breites Sortiment, Anwendungstechnik vor Ort, Lieferfähigkeit ab Lager.\n"
            f"Geschäftsmodell: Rahmenvertrag mit {name} plus Projektgeschäft für Neuanlagen.\n"
            "Dringendste Probleme des Kunden: Energiekosten, Fachkräftemangel in der Instandhaltung, "
            "kurze Lieferzeiten für Ersatzteile.\n"
            "Innovation: Zustandsüberwachung der Antriebe und Energieberatung als Dienstleistung.\n"
            "Kooperation: gemeinsam mit dem Steuerungshersteller des Kunden Komplettpakete anbieten."
        ),
        Element.FINANCIAL_KPIS: (
            "Umsatz um 12 % steigern, Deckungsbeitrag über 28 % halten; Wachstum vor allem über "
            "Servoantriebe und Serviceverträge."
        ),
        Element.POSITIONING: (
            f"Heute zuverlässiger Teilelieferant; Ziel ist die Rolle als Entwicklungspartner der "
            f"Konstruktion bei {name}."
        ),
        Element.TOPIC_MAP: f"Die Themen der {industry}-Branche, die den Kunden gerade umtreiben, stehen unten.",
        Element.PENETRATION: (
            "Stark im Stammwerk, schwach in den Auslandsstandorten; Getriebemotoren kauft der Kunde "
            "bisher beim Wettbewerb."
        ),
        Element.TEAM_DEVELOPMENT: (
            "Anwendungstechnik früher in Projekte einbinden; Innendienst übernimmt das "
            "Ersatzteilmanagement; Kontakt zur Werksleitung über die Geschäftsführung aufbauen."
        ),
        Element.COMPETITOR_FORECAST: (
            "Der größte Wettbewerber baut ein Servicezentrum in der Region und wird über den Preis "
            "angreifen; unser Partner für Steuerungstechnik bleibt gesetzt."
        ),
        Element.RELATIVE_MARKET_SHARE: (
            "Heute knapp hinter dem Marktführer beim Kunden; Ziel ist die Führung bei Servoantrieben."
        ),
    }


TOPICS = (
    (
        "Energieeffizienz der Anlagen",
        Relevance.HIGH,
        "Hocheffiziente Servoantriebe, Energieberatung",
        TopicStatus.ESTABLISHED,
    ),
    (
        "Ungeplante Stillstände vermeiden",
        Relevance.HIGH,
        "Zustandsüberwachung, Serviceverträge",
        TopicStatus.IN_DISCUSSION,
    ),
    (
        "Standardisierung über alle Werke",
        Relevance.MEDIUM,
        "Rahmenvertrag mit Plattformkatalog",
        TopicStatus.OPPORTUNITY,
    ),
    ("Nachhaltige Lieferkette (CO₂-Bilanz)", Relevance.MEDIUM, "", TopicStatus.NO_OFFERING),
)


def _fill(
    plan: Plan, account: KeyAccount, actor, *, elements: tuple[str, ...] = tuple(Element.values)
) -> None:
    texts = _texts(account)
    for element in plan.elements.order_by("pk"):
        if element.element in elements:
            services.element_update(
                actor=actor, element=element, version=element.version, text=texts[element.element]
            )
    if Element.TOPIC_MAP in elements:
        for topic, relevance, offering, status in TOPICS:
            services.topic_create(
                actor=actor, plan=plan, topic=topic, relevance=relevance, offering=offering, status=status
            )


def _set_step(plan: Plan, step: str, state: str, notes: str, actor) -> None:
    """Mark a step as the owner would; where the plan cannot meet the step's rules yet, the
    system records the state (see the module docstring)."""
    item = plan.steps.get(step=step)
    try:
        with transaction.atomic():
            services.plan_step_update(actor=actor, step=item, version=item.version, state=state, notes=notes)
    except ValidationError:
        item.refresh_from_db()
        services.plan_step_update(
            actor=None, step=item, version=item.version, enforce=False, state=state, notes=notes
        )


def _goals(plan: Plan, actor, year: int, values: tuple[str | None, str | None, str | None]) -> list:
    specs = (
        ("Umsatz mit dem Kunden steigern", "Umsatz", "€", "1800000", "2016000"),
        ("Reklamationsquote senken", "Reklamationsquote", "%", "2.4", "1.5"),
        ("Serviceverträge für Bestandsanlagen abschließen", "Serviceverträge", "Stück", "2", "6"),
    )
    goals = []
    for (title, kpi, unit, baseline, target), current in zip(specs, values, strict=True):
        goals.append(
            services.goal_create(
                actor=actor,
                plan=plan,
                title=title,
                kpi=kpi,
                unit=unit,
                baseline=_d(baseline),
                target_value=_d(target),
                target_date=datetime.date(year, 12, 31),
                current_value=None if current is None else _d(current),
            )
        )
    return goals


def _action(plan, actor, owner, title, due, status=ActionStatus.OPEN, notes="") -> int:
    action = services.action_create(
        actor=actor, plan=plan, title=title, owner=owner, due_date=due, notes=notes
    )
    if status != ActionStatus.OPEN:
        services.action_update(actor=actor, action=action, version=action.version, status=status)
    return 1


def _completed_year(
    account: KeyAccount,
    owner: User,
    helper: User,
    team: list[User],
    today: datetime.date,
    head: User | None,
    research: Research | None,
    result: SeedResult,
) -> None:
    year = today.year - 1
    plan = services.plan_create(actor=owner, account=account, fiscal_year=year)
    texts = _texts(account)
    services.plan_update(
        actor=owner, plan=plan, version=plan.version, vision=texts["vision"], strategy=texts["strategy"]
    )
    _set_step(plan, Step.STRATEGY, StepState.DONE, "Vision und Strategie mit dem Kernteam abgestimmt.", owner)
    _fill(plan, account, helper)
    if research is not None:
        research(plan)
    _set_step(plan, Step.RESEARCH, StepState.DONE, "Kernteam gebildet, Wachstumsfragen bearbeitet.", owner)
    goals = _goals(plan, owner, year, ("1910000", "2.1", "3"))
    for title, who, month, status in (
        ("Energieberatung im Stammwerk durchführen", owner, 3, ActionStatus.DONE),
        ("Pilot Zustandsüberwachung an zwei Linien", helper, 5, ActionStatus.DONE),
        ("Rahmenvertrag für alle Werke verhandeln", owner, 9, ActionStatus.DONE),
        ("Schulung Instandhaltung zu neuen Antrieben", helper, 10, ActionStatus.DONE),
        ("Messeeinladung Geschäftsführung", owner, 6, ActionStatus.CANCELLED),
    ):
        result.actions += _action(plan, owner, who, title, datetime.date(year, month, 15), status)
    _set_step(
        plan,
        Step.ACTION_PLAN,
        StepState.DONE,
        "Ziele und Maßnahmen mit der Geschäftsführung abgestimmt.",
        owner,
    )
    services.version_freeze(actor=owner, plan=plan, label=f"Halbjahresstand {year}")
    result.versions += 1
    # The second half of the year: values reached by the review.
    for goal, value in zip(goals, ("2050000", "1.4", "5"), strict=True):
        services.goal_update(actor=owner, goal=goal, version=goal.version, current_value=_d(value))
    _set_step(plan, Step.EXECUTION, StepState.DONE, "Alle geplanten Maßnahmen umgesetzt.", owner)
    ours = [f"{_name(owner)} (Key Account Management)", *(f"{_name(p)} (Account-Team)" for p in team[1:3])]
    if head is not None:
        ours.append(f"{_name(head)} (Leitung Key Account Management)")
    review = services.review_create(
        actor=owner,
        plan=plan,
        date=datetime.date(year, 11, 20),
        participants_ours="\n".join(ours),
        participants_customer="Leitung Einkauf\nTechnische Leitung\nLeitung Instandhaltung",
        agenda="1. Rückblick auf das Jahr\n2. Zielerreichung und Kennzahlen\n3. Zufriedenheit und Verbesserungen\n"
        "4. Projekte und Ziele für das nächste Jahr",
        results=(
            "Umsatzziel übertroffen, Reklamationsquote deutlich gesenkt. Der Kunde wünscht die Ausweitung "
            "der Zustandsüberwachung auf das zweite Werk und einen gemeinsamen Energie-Workshop."
        ),
    )
    for title, who, days in (
        ("Angebot Zustandsüberwachung Werk 2 erstellen", helper, 30),
        ("Gemeinsamen Energie-Workshop planen", owner, 75),
    ):
        services.review_add_action(
            actor=owner, review=review, title=title, owner=who, due_date=today + datetime.timedelta(days=days)
        )
        result.actions += 1
    services.review_complete(actor=owner, review=review, version=review.version)
    result.reviews += 1
    result.versions += 1
    _set_step(plan, Step.REVIEW, StepState.DONE, "Jahresgespräch geführt, Ergebnisse im Plan.", owner)
    result.plans += 1

    current = services.plan_start_next_cycle(actor=owner, plan=plan)
    _set_step(current, Step.STRATEGY, StepState.DONE, "Strategie aus dem Vorjahr bestätigt.", owner)
    _set_step(
        current, Step.RESEARCH, StepState.IN_PROGRESS, "Wachstumsfragen für das neue Jahr in Arbeit.", owner
    )
    result.plans += 1


def _in_execution(
    account: KeyAccount, owner: User, helper: User, today: datetime.date, result: SeedResult
) -> None:
    plan = services.plan_create(actor=owner, account=account, fiscal_year=today.year)
    texts = _texts(account)
    services.plan_update(
        actor=owner, plan=plan, version=plan.version, vision=texts["vision"], strategy=texts["strategy"]
    )
    _set_step(plan, Step.STRATEGY, StepState.DONE, "Abgestimmt im Kernteam.", owner)
    _fill(plan, account, helper)
    _set_step(plan, Step.RESEARCH, StepState.DONE, "Daten gesammelt, Themenlandkarte erstellt.", owner)
    _goals(plan, owner, today.year, ("1860000", "2.2", "3"))
    day = datetime.timedelta(days=1)
    for title, who, due, status in (
        ("Kick-off mit dem Einkauf", owner, today - 60 * day, ActionStatus.DONE),
        ("Energieberatung Werk Süd", helper, today - 40 * day, ActionStatus.DONE),
        ("Angebot Serviceverträge nachfassen", owner, today - 12 * day, ActionStatus.IN_PROGRESS),
        ("Referenzbesuch mit der Instandhaltung organisieren", helper, today - 25 * day, ActionStatus.OPEN),
        ("Technologietag beim Kunden vorbereiten", owner, today + 20 * day, ActionStatus.OPEN),
        ("Wettbewerbsvergleich Getriebemotoren erstellen", helper, today + 45 * day, ActionStatus.OPEN),
    ):
        result.actions += _action(plan, owner, who, title, due, status)
    _set_step(plan, Step.ACTION_PLAN, StepState.DONE, "Ziele und Maßnahmen stehen.", owner)
    _set_step(
        plan, Step.EXECUTION, StepState.IN_PROGRESS, "Zwei Maßnahmen sind überfällig – nachsteuern.", owner
    )
    result.plans += 1


def _draft(account: KeyAccount, owner: User, today: datetime.date, result: SeedResult) -> None:
    plan = services.plan_create(actor=owner, account=account, fiscal_year=today.year)
    services.plan_update(actor=owner, plan=plan, version=plan.version, vision=_texts(account)["vision"])
    _fill(plan, account, owner, elements=(Element.POSITIONING,))
    _set_step(
        plan,
        Step.STRATEGY,
        StepState.IN_PROGRESS,
        "Vision steht, Strategie wird im Kernteam erarbeitet.",
        owner,
    )
    result.plans += 1


def _action_plan(
    account: KeyAccount, owner: User, helper: User, today: datetime.date, result: SeedResult
) -> None:
    plan = services.plan_create(actor=owner, account=account, fiscal_year=today.year)
    texts = _texts(account)
    services.plan_update(
        actor=owner, plan=plan, version=plan.version, vision=texts["vision"], strategy=texts["strategy"]
    )
    _set_step(plan, Step.STRATEGY, StepState.DONE, "Abgestimmt.", owner)
    # An emerging plan needs the core elements only; an existing one all seven.
    _fill(
        plan,
        account,
        helper,
        elements=CORE_ELEMENTS if plan.plan_type == PlanType.EMERGING else tuple(Element.values),
    )
    _set_step(plan, Step.RESEARCH, StepState.DONE, "Entwicklungsstrategie beschrieben.", owner)
    _goals(plan, owner, today.year, (None, None, None))
    result.actions += _action(
        plan, owner, helper, "Bedarfsanalyse mit der Technik", today + datetime.timedelta(days=14)
    )
    _set_step(
        plan,
        Step.ACTION_PLAN,
        StepState.IN_PROGRESS,
        "Weitere Maßnahmen folgen nach der Bedarfsanalyse.",
        owner,
    )
    result.plans += 1


def _head(users: Mapping[str, User] | None) -> User | None:
    head = (users or {}).get(HEAD_OF_KAM) or User.objects.filter(username=HEAD_OF_KAM, is_active=True).first()
    return head


@transaction.atomic
def seed_plans(
    *,
    users: Mapping[str, User] | None = None,
    today: datetime.date | None = None,
    research: Research | None = None,
) -> SeedResult:
    """Create the demo plans (see the module docstring) for the first four key accounts.

    ``users`` maps demo user names to users (the generator's result); the head of KAM among them
    takes part in the annual review. ``research(plan)`` answers the growth-plan questions of last
    year's plan before its versions are frozen. Does nothing when there are no key accounts, and
    nothing twice: a database that holds plans already is left alone.
    """
    result = SeedResult()
    if Plan.objects.exists():
        return result
    today = today or timezone.localdate()
    head = _head(users)
    recipes = (
        lambda a, owner, helper, team: _completed_year(a, owner, helper, team, today, head, research, result),
        lambda a, owner, helper, team: _in_execution(a, owner, helper, today, result),
        lambda a, owner, helper, team: _draft(a, owner, today, result),
        lambda a, owner, helper, team: _action_plan(a, owner, helper, today, result),
    )
    accounts = KeyAccount.objects.select_related("customer", "owner").order_by("pk")[: len(recipes)]
    for account, recipe in zip(accounts, recipes, strict=False):
        recipe(account, *_people(account))
    return result

"""A pipeline of opportunities for every key account of the demo company.

``seed_opportunities`` is called by the demo generator after the key accounts, their teams,
buying centers, whitespace marks and plans exist. Every account gets, with its own random
generator (seeded with the customer number, so equal demo companies get equal pipelines):

- **open opportunities in every stage** (more early than late), owned by the KAM or a team
  member, with values in proportion to the account's revenue of the last fiscal year, the
  qualification checklist ticked for every stage already left (and partly for the current
  one), next steps — a few of them overdue — and a competitive position that fits the stage;
- **won and lost opportunities of the last 18 months** with their close reason and what made
  the difference;
- up to three opportunities **created from the account's "opportunity" whitespace cells**
  (title "<product group> für <unit>", a value of one to three years of the cell's potential),
  linked to a goal of the account's newest plan like some of the others;
- a **buying center for each decision** from the account's stakeholders: the decision maker
  and one to three others once the opportunity is qualified; some qualified ones still lack the
  decision maker (the detail page warns about it);
- a **stage history** (``StageChange``) whose dates lie in the last 18 months before ``today``.

Rows are written with ``bulk_create`` (the whole demo must stay fast); the history is the
point of the data, so dates are set directly rather than through the services, which would
stamp every move with the time of seeding. The creation of each opportunity is recorded on the
account's timeline (``audit_record``) as its owner's. The texts are German, like the rest of
the demo data.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.business.choices import CellStatus
from openkam.business.models import WhitespaceCell
from openkam.core.services import audit_record
from openkam.plans.models import Goal
from openkam.sales.models import CustomerRevenue
from openkam.stakeholders.choices import BuyingRole, HierarchyLevel
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

from .choices import (
    DEFAULT_PROBABILITY,
    OPEN_STAGES,
    QUALIFICATION,
    CloseReason,
    CompetitivePosition,
    SellingApproach,
    Stage,
)
from .models import DecisionParticipant, Opportunity, QualificationCheck, StageChange
from .services import AUDIT_FIELDS, audit_value

HISTORY_DAYS = 540  # about 18 months
#: Open opportunities per stage (the pipeline narrows towards the close).
OPEN_PLAN = (
    (Stage.IDENTIFIED, 2),
    (Stage.QUALIFIED, 2),
    (Stage.SOLUTION, 1),
    (Stage.PROPOSAL, 1),
    (Stage.NEGOTIATION, 1),
)
WON, LOST = 3, 2
# Where the demo company has no competitor analysis for an account.
COMPETITORS = (
    "Hallberg Antriebstechnik GmbH",
    "Brunnhuber Getriebewerke AG",
    "Kettwig Elektromotoren GmbH",
    "Steinhövel Automation GmbH",
)


@dataclass(frozen=True)
class _Project:
    title: str
    product_group: str
    approach: str
    strategy: str


PROJECTS = (
    _Project(
        "Retrofit Montagelinie {city}",
        "Retrofit",
        SellingApproach.SOLUTION,
        "Stillstandskosten der Altanlage beziffern, Umbau in zwei Wartungsfenstern anbieten.",
    ),
    _Project(
        "Antriebspaket Verpackungsanlage",
        "Getriebemotoren",
        SellingApproach.NEED,
        "Lieferzeit und Variantenvielfalt als Vorteil ausspielen, Standardisierung vorschlagen.",
    ),
    _Project(
        "Rahmenvertrag Getriebemotoren {year}",
        "Getriebemotoren",
        SellingApproach.NEED,
        "Mengenbündelung über alle Werke, Preisgleitklausel statt Rabatt.",
    ),
    _Project(
        "Servoachsen für neue Roboterzelle",
        "Servomotoren",
        SellingApproach.SOLUTION,
        "Gemeinsame Auslegung mit der Konstruktion, Inbetriebnahme aus einer Hand.",
    ),
    _Project(
        "Umrüstung auf IE4-Motoren Werk {city}",
        "Drehstrommotoren IE4",
        SellingApproach.SOLUTION,
        "Energieeinsparung mit Messdaten belegen, Förderprogramm einbinden.",
    ),
    _Project(
        "Zustandsüberwachung Förderanlagen",
        "Zustandsüberwachung",
        SellingApproach.SOLUTION,
        "Pilot an einer kritischen Anlage, Nutzen über vermiedene Ausfälle nachweisen.",
    ),
    _Project(
        "Wartungsvertrag Antriebstechnik",
        "Wartungsverträge",
        SellingApproach.NEED,
        "Reaktionszeiten garantieren, Ersatzteilbevorratung vor Ort anbieten.",
    ),
    _Project(
        "Frequenzumrichter für Pumpenstationen",
        "Frequenzumrichter",
        SellingApproach.NEED,
        "Kompatibilität zur bestehenden Steuerung zeigen, Schulung der Instandhaltung einschließen.",
    ),
    _Project(
        "Steuerungsmodernisierung Presse 3",
        "SPS-Steuerungen",
        SellingApproach.SOLUTION,
        "Migrationspfad ohne Produktionsausfall, Engineering als Festpreis.",
    ),
    _Project(
        "Linearachsen für Handlingsystem",
        "Linearantriebe",
        SellingApproach.SOLUTION,
        "Prototyp im Technikum testen lassen, Taktzeitgewinn dokumentieren.",
    ),
    _Project(
        "Sonderbaugetriebe Walzwerk",
        "Getriebe-Sonderbau",
        SellingApproach.SOLUTION,
        "Konstruktionsleistung früh einbringen, Lebensdauerberechnung als Entscheidungshilfe.",
    ),
    _Project(
        "Schulungsprogramm Instandhaltung",
        "Schulungen",
        SellingApproach.NEED,
        "Modulares Programm für alle Standorte, Zertifikat für die Teilnehmer.",
    ),
    _Project(
        "IIoT-Pilot Energiemonitoring",
        "IIoT-Gateways",
        SellingApproach.SOLUTION,
        "Mit dem Energiemanagement starten, Ausbau auf weitere Linien vorzeichnen.",
    ),
    _Project(
        "Trommelmotoren Förderstrecke Versand",
        "Trommelmotoren",
        SellingApproach.NEED,
        "Hygienische Ausführung und geringe Bauhöhe betonen.",
    ),
)
NEXT_STEPS = {
    Stage.IDENTIFIED: (
        "Bedarf im Gespräch mit der Technik bestätigen",
        "Ansprechpartner im Einkauf klären",
        "Projektumfang und Zeitplan erfragen",
    ),
    Stage.QUALIFIED: (
        "Budgetrahmen mit dem Einkaufsleiter besprechen",
        "Entscheidungsprozess und Beteiligte klären",
        "Wettbewerbssituation einschätzen",
    ),
    Stage.SOLUTION: (
        "Workshop mit Konstruktion und Instandhaltung durchführen",
        "Testaufbau im Technikum vorbereiten",
        "Business Case mit dem Controlling abstimmen",
    ),
    Stage.PROPOSAL: (
        "Angebot mit dem Geschäftsführer durchsprechen",
        "Rückmeldung zum Angebot einholen",
        "Preisfreigabe intern einholen",
    ),
    Stage.NEGOTIATION: (
        "Vertragsentwurf mit der Rechtsabteilung abstimmen",
        "Zahlungs- und Lieferbedingungen finalisieren",
        "Unterschriftstermin vereinbaren",
    ),
}
WON_REASONS = (
    (CloseReason.SOLUTION_FIT, "Testaufbau hat die Technik überzeugt."),
    (CloseReason.RELATIONSHIP, "Langjährige Zusammenarbeit mit der Instandhaltung gab den Ausschlag."),
    (CloseReason.PRICE, "Gesamtkosten über die Laufzeit lagen unter dem Wettbewerb."),
)
LOST_REASONS = (
    (CloseReason.PRICE, "Wettbewerber lag beim Stückpreis rund 12 % darunter."),
    (CloseReason.COMPETITOR, "Wettbewerber hatte die Anlage bereits im Werk stehen."),
    (CloseReason.TIMING, "Projekt wurde ins nächste Geschäftsjahr verschoben."),
    (CloseReason.BUDGET, "Investitionsbudget wurde konzernweit gekürzt."),
    (CloseReason.NO_DECISION, "Projekt nach Wechsel der Werkleitung gestoppt."),
)
POSITIONS = {
    Stage.IDENTIFIED: (CompetitivePosition.UNKNOWN, CompetitivePosition.EVEN),
    Stage.QUALIFIED: (CompetitivePosition.EVEN, CompetitivePosition.BEHIND, CompetitivePosition.UNKNOWN),
    Stage.SOLUTION: (CompetitivePosition.EVEN, CompetitivePosition.LEADING),
    Stage.PROPOSAL: (CompetitivePosition.LEADING, CompetitivePosition.EVEN),
    Stage.NEGOTIATION: (CompetitivePosition.LEADING, CompetitivePosition.SOLE),
    Stage.WON: (CompetitivePosition.LEADING, CompetitivePosition.SOLE),
    Stage.LOST: (CompetitivePosition.BEHIND, CompetitivePosition.EVEN),
}


@dataclass
class SeedResult:
    accounts: int = 0
    opportunities: int = 0
    won: int = 0
    lost: int = 0
    from_cells: int = 0
    with_goal: int = 0
    participants: int = 0


@dataclass
class _Draft:
    """One opportunity before it is written, with what hangs from it."""

    opportunity: Opportunity
    path: list[tuple[str, datetime.date]]  # (stage entered, date), the first one is the creation
    ticked: list[str]
    participants: list[tuple[Stakeholder, list[str]]]


def _round(value: Decimal, step: int = 1000) -> Decimal:
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _aware(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 18), rng.randrange(60)))
    return timezone.make_aware(moment)


def _team(account: KeyAccount) -> list[User]:
    members = [
        m.user
        for m in TeamMembership.objects.filter(account=account, user__is_active=True)
        .select_related("user")
        .order_by("scope", "pk")
    ]
    # The KAM owns about half of the opportunities.
    return [account.owner, account.owner, *members] if members else [account.owner]


def _revenue(account: KeyAccount) -> Decimal:
    row = (
        CustomerRevenue.objects.filter(customer_id=account.customer_id)
        .order_by("-fiscal_year")
        .values_list("revenue", flat=True)
        .first()
    )
    return Decimal(row or 500_000)


def _competitors(account: KeyAccount) -> list[str]:
    from openkam.competition.selectors import competitor_names

    return list(competitor_names(account)) or list(COMPETITORS)


def _path(
    rng: random.Random, final: str, end: datetime.date, today: datetime.date, *, lost_at: str | None = None
) -> list:
    """The stages an opportunity went through to ``final`` with the day it entered each one,
    the last on ``end``, the earlier ones 2–9 weeks apart (never before the history starts)."""
    if final == Stage.WON:
        stages = [*OPEN_STAGES, Stage.WON]
    elif final == Stage.LOST:
        stages = [*OPEN_STAGES[: OPEN_STAGES.index(lost_at) + 1], Stage.LOST]
    else:
        stages = list(OPEN_STAGES[: OPEN_STAGES.index(final) + 1])
    earliest = today - datetime.timedelta(days=HISTORY_DAYS)
    days = [end]
    for _stage in stages[:-1]:
        days.append(max(earliest, days[-1] - datetime.timedelta(days=rng.randrange(14, 63))))
    return list(zip(stages, reversed(days), strict=True))


def _ticked(rng: random.Random, path: list, final: str) -> list[str]:
    """Every item of the stages left forwards, and part of the current stage's."""
    left = [stage for stage, _day in path[:-1] if stage in OPEN_STAGES]
    # A lost opportunity left its last stage without its exit criteria; an open one is in it.
    current = left.pop() if final == Stage.LOST else final if final in OPEN_STAGES else None
    items = [key for stage in left for key, _label in QUALIFICATION[stage]]
    if current is not None:
        own = [key for key, _label in QUALIFICATION[current]]
        items += own[: rng.randrange(len(own))]
    return items


def _buying_center(
    rng: random.Random, people: list[Stakeholder], final: str, path: list
) -> list[tuple[Stakeholder, list[str]]]:
    """Who plays which role in this decision: the decision maker once the buying center was
    mapped (the exit of "qualified"), others as they are usually involved."""
    if not people:
        return []
    deciders = [p for p in people if BuyingRole.DECISION_MAKER in p.buying_roles] or [
        p for p in people if p.hierarchy_level == HierarchyLevel.EXECUTIVE
    ]
    others = [p for p in people if p not in deciders]
    mapped = any(stage == Stage.QUALIFIED for stage, _day in path[:-1])
    chosen: list[tuple[Stakeholder, list[str]]] = []
    if mapped and deciders:
        chosen.append((rng.choice(deciders), [BuyingRole.DECISION_MAKER]))
    count = 0 if final == Stage.IDENTIFIED and rng.random() < 0.5 else rng.randrange(1, 4)
    for person in rng.sample(others, min(count, len(others))):
        usual = [r for r in person.buying_roles if r != BuyingRole.DECISION_MAKER]
        roles = usual[:2] or [rng.choice((BuyingRole.INFLUENCER, BuyingRole.USER, BuyingRole.BUYER))]
        chosen.append((person, roles))
    return chosen


def _draft(
    rng: random.Random,
    account: KeyAccount,
    *,
    final: str,
    end: datetime.date,
    today: datetime.date,
    owner: User,
    project: _Project,
    value: Decimal,
    competitors: list[str],
    people: list[Stakeholder],
    title: str | None = None,
    cell: WhitespaceCell | None = None,
    goal: Goal | None = None,
) -> _Draft:
    lost_at = rng.choice(OPEN_STAGES[1:]) if final == Stage.LOST else None
    path = _path(rng, final, end, today, lost_at=lost_at)
    probability = DEFAULT_PROBABILITY[final]
    if final in OPEN_STAGES and rng.random() < 0.3:
        # The team's own judgement, a little above or below the stage's default.
        probability = max(5, min(95, probability + rng.choice((-10, -5, 5, 10))))
    opp = Opportunity(
        account=account,
        title=title or project.title.format(city=account.customer.city or "Nord", year=end.year + 1),
        description="",
        product_group=project.product_group,
        value=value,
        stage=final,
        probability=probability,
        competitive_position=rng.choice(POSITIONS[final]),
        main_competitor=rng.choice(competitors),
        selling_approach=project.approach,
        sales_strategy=project.strategy,
        owner=owner,
        created_by=owner,
        whitespace_cell=cell,
        plan_goal=goal,
        stage_changed_at=_aware(path[-1][1], rng),
    )
    if final in OPEN_STAGES:
        stage_index = OPEN_STAGES.index(final)
        # Later stages close sooner; a few early ones are past their expected close already.
        # (negotiations within two months, new ones in the next half-year or so).
        ahead = rng.randrange(5, 55) + (len(OPEN_STAGES) - 1 - stage_index) * rng.randrange(15, 40)
        if stage_index < 2 and rng.random() < 0.15:
            ahead = -rng.randrange(5, 40)
        opp.expected_close = today + datetime.timedelta(days=ahead)
        opp.next_steps = rng.choice(NEXT_STEPS[final])
        opp.next_step_due = today + datetime.timedelta(days=rng.randrange(-12, 35))
    else:
        reasons = WON_REASONS if final == Stage.WON else LOST_REASONS
        opp.close_reason, opp.close_note = rng.choice(reasons)
        opp.closed_on = end
        opp.expected_close = end + datetime.timedelta(days=rng.randrange(-20, 30))
        if final == Stage.LOST and opp.close_reason == CloseReason.COMPETITOR:
            opp.competitive_position = CompetitivePosition.BEHIND
    return _Draft(
        opportunity=opp,
        path=path,
        ticked=_ticked(rng, path, final),
        participants=_buying_center(rng, people, final, path),
    )


def _account_drafts(account: KeyAccount, today: datetime.date, result: SeedResult) -> list[_Draft]:
    rng = random.Random(f"openkam-demo-opportunities-{account.customer.number}")
    team = _team(account)
    revenue = _revenue(account)
    competitors = _competitors(account)
    people = list(Stakeholder.objects.filter(account=account, anonymised_at__isnull=True).order_by("pk"))
    goals = list(
        Goal.objects.filter(plan__account=account).select_related("plan").order_by("-plan__fiscal_year", "pk")
    )
    newest_goals = [g for g in goals if goals and g.plan_id == goals[0].plan_id]
    cells = list(
        WhitespaceCell.objects.filter(account=account, status=CellStatus.OPPORTUNITY)
        .select_related("unit")
        .order_by("pk")
    )
    projects = rng.sample(PROJECTS, len(PROJECTS))

    def value() -> Decimal:
        # Single deals of 2–15 % of a year's revenue with the customer, at least 10.000 €.
        return max(Decimal(10_000), _round(revenue * Decimal(rng.uniform(0.02, 0.15))))

    def goal_for(chance: float) -> Goal | None:
        return rng.choice(newest_goals) if newest_goals and rng.random() < chance else None

    drafts = []
    common = {"today": today, "competitors": competitors, "people": people}
    for cell in rng.sample(cells, min(3, len(cells))):
        potential = cell.potential or Decimal(20_000)
        final = rng.choice((Stage.IDENTIFIED, Stage.QUALIFIED, Stage.SOLUTION, Stage.WON))
        project = next((p for p in PROJECTS if p.product_group == cell.product_group), projects[0])
        project = _Project(project.title, cell.product_group, project.approach, project.strategy)
        drafts.append(
            _draft(
                rng,
                account,
                final=final,
                end=today - datetime.timedelta(days=rng.randrange(60 if final == Stage.WON else 3, 120)),
                owner=rng.choice(team),
                project=project,
                value=max(Decimal(5_000), _round(potential * rng.choice((1, 2, 3)))),
                title=f"{cell.product_group} für {cell.unit.name}",
                cell=cell,
                goal=goal_for(0.8),
                **common,
            )
        )
        result.from_cells += 1
    plan = [stage for stage, count in OPEN_PLAN for _i in range(count) if rng.random() < 0.85]
    plan += [Stage.WON] * rng.randrange(1, WON + 1) + [Stage.LOST] * rng.randrange(1, LOST + 1)
    for index, final in enumerate(plan):
        closed = final in (Stage.WON, Stage.LOST)
        end = today - datetime.timedelta(
            days=rng.randrange(15, HISTORY_DAYS - 90) if closed else rng.randrange(2, 45)
        )
        drafts.append(
            _draft(
                rng,
                account,
                final=final,
                end=end,
                owner=rng.choice(team),
                project=projects[index % len(projects)],
                value=value(),
                goal=goal_for(0.3),
                **common,
            )
        )
    return drafts


@transaction.atomic
def seed_opportunities(
    *, users: Mapping[str, User] | None = None, today: datetime.date | None = None
) -> SeedResult:
    """Create the demo pipeline (see the module docstring) for every key account.

    ``users`` is accepted for the generator's uniform call and not needed: the account owners
    and their teams own the opportunities. Does nothing without key accounts, and nothing twice:
    a database that holds opportunities already is left alone.
    """
    result = SeedResult()
    if Opportunity.objects.exists():
        return result
    today = today or timezone.localdate()
    accounts = list(KeyAccount.objects.select_related("customer", "owner").order_by("pk"))
    drafts: list[_Draft] = []
    for account in accounts:
        account_drafts = _account_drafts(account, today, result)
        result.accounts += bool(account_drafts)
        drafts += account_drafts
    if not drafts:
        return result
    Opportunity.objects.bulk_create([d.opportunity for d in drafts])
    rng = random.Random("openkam-demo-opportunity-times")
    changes, checks, participants = [], [], []
    for d in drafts:
        opp = d.opportunity
        opp.created_at = _aware(d.path[0][1], rng)
        previous, moment = "", opp.created_at
        for stage, day in d.path:
            if previous:
                # Moves on the same day follow each other within it.
                moment = max(moment + datetime.timedelta(minutes=30), _aware(day, rng))
            changes.append(
                StageChange(
                    opportunity=opp,
                    from_stage=previous,
                    to_stage=stage,
                    changed_by=opp.owner,
                    changed_at=moment,
                )
            )
            previous = stage
        opp.stage_changed_at = moment
        checks += [QualificationCheck(opportunity=opp, item=item, checked_by=opp.owner) for item in d.ticked]
        participants += [
            DecisionParticipant(opportunity=opp, stakeholder=person, roles=roles)
            for person, roles in d.participants
        ]
        result.opportunities += 1
        result.won += opp.stage == Stage.WON
        result.lost += opp.stage == Stage.LOST
        result.with_goal += opp.plan_goal_id is not None
    # created_at is stamped on insert; the history needs the day the opportunity was recorded.
    Opportunity.objects.bulk_update(
        [d.opportunity for d in drafts], ["created_at", "stage_changed_at"], batch_size=500
    )
    StageChange.objects.bulk_create(changes, batch_size=1000)
    QualificationCheck.objects.bulk_create(checks, batch_size=1000)
    DecisionParticipant.objects.bulk_create(participants, batch_size=1000)
    result.participants = len(participants)
    for d in drafts:
        opp = d.opportunity
        audit_record(
            actor=opp.owner,
            action="opportunities.opportunity.create",
            target=opp,
            account_id=opp.account_id,
            changes={
                field: audit_value(field, getattr(opp, field))
                for field in AUDIT_FIELDS
                if getattr(opp, field) not in (None, "")
            },
        )
    return result

"""Contacts, follow-up actions, relationship plans, touchpoint plans and upcoming meetings for the
demo company's key accounts.

``seed_relationships`` is called by the demo generator after the key accounts, their teams and
their buying centers exist (``seed_stakeholders`` and ``seed_personality`` run first). It writes
through the services, as the account teams would, so the timelines, the last contact of each
stakeholder and every check are exactly those of real use. The first ``ACCOUNTS`` key accounts
(by primary key) get:

- a **relationship plan** of up to five lines: each of the most important people we look after
  (executives first, then purchasing, engineering and operations) with the colleague who owns the
  relationship — quarterly for executives and engineering, monthly for purchasing and operations
  — plus a yearly top-to-top line of the management sponsor with the executive;
- **two years of held contacts** that follow the plan more or less closely: the purchasing line
  falls behind, on every third account the top executive has not been met for eight months (a
  decision maker without recent contact for the coverage alerts), on every third account (another
  one) the last line has not been met at all yet; a few more meetings with other people we look
  after; people nobody of ours looks after were met once more than a year ago, if at all, so the
  coverage alerts that the stakeholders seed sets up (an unengaged blocker, a level without
  relationships) hold;
- **follow-up actions**: those of the last two months open (some overdue), older ones mostly done;
- a **touchpoint plan** of the current year for up to five people;
- **two or three planned meetings** in the coming weeks, with counterparts assigned.

Who looks after whom comes from the relationship owners of the in-depth buying center; without
one (no hierarchy levels recorded), the people are read in the generator's order (managing
director, head of purchasing, head of engineering, then others). Dates are relative to ``today``
(default: the current date) and every choice comes from ``random.Random(SEED + index)``, so equal
databases and an equal ``today`` give equal data. Texts are English, about a German
drive-technology supplier and its industrial customers.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from openkam.accounts.choices import InternalRole
from openkam.accounts.models import KeyAccount
from openkam.stakeholders.choices import BuyingRole, HierarchyLevel
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

from . import services
from .choices import CADENCE_MONTHS, Cadence, ContactKind, ContactStatus, TouchpointKind, TouchpointStatus
from .models import Contact, RelationshipLink, Touchpoint

SEED = 5150
ACCOUNTS = 8
HISTORY_DAYS = 730
# On every third account the executive has not been met for this long (an alert for coverage).
NEGLECT_DAYS = 240
# Follow-up actions of contacts this recent are still open.
RECENT_DAYS = 60


@dataclass
class SeedResult:
    accounts: int = 0
    contacts: int = 0
    planned: int = 0
    follow_ups: int = 0
    links: int = 0
    touchpoints: int = 0


@dataclass(frozen=True)
class _Topic:
    kind: str
    title: str
    topics: str
    outcomes: str
    follow_up: str | None
    location: str


EXECUTIVE, PURCHASING, ENGINEERING, OPERATIONS = "executive", "purchasing", "engineering", "operations"

TOPICS: dict[str, tuple[_Topic, ...]] = {
    EXECUTIVE: (
        _Topic(
            ContactKind.MEETING,
            "Strategy meeting with the management board",
            "Their investment plans for the next three years; our roadmap for drive systems and service; "
            "cooperation on the new plant.",
            "The budget for modernising two plants is approved; a tender is expected in the second half "
            "of the year. They want one contact person for all sites.",
            "Prepare a proposal for a site-wide service agreement",
            "Customer headquarters",
        ),
        _Topic(
            ContactKind.VISIT,
            "Executive visit to our plant",
            "Market situation in mechanical engineering, energy prices, security of supply.",
            "Positive view of our delivery performance; concern about further price increases. "
            "Invitation to their supplier day accepted.",
            "Send the dates of our technology day",
            "Our plant in Bruchsal",
        ),
        _Topic(
            ContactKind.EVENT,
            "Dinner after the supplier day",
            "Personal exchange; plans for the plant in Mexico.",
            "Interested in our international service network; asked for a contact in North America.",
            "Arrange a call with our country manager for Mexico",
            "Stuttgart",
        ),
    ),
    PURCHASING: (
        _Topic(
            ContactKind.MEETING,
            "Annual price negotiation",
            "Price adjustment for geared motors and frequency inverters; payment terms; bonus scale.",
            "Price increase of 2.8 % from April agreed instead of the 4.5 % we asked for; bonus scale "
            "unchanged.",
            "Send the updated price list and the contract amendment",
            "Customer site, purchasing department",
        ),
        _Topic(
            ContactKind.CALL,
            "Delivery performance review",
            "On-time delivery in the last quarter (94 %); two delayed orders for the Heilbronn plant.",
            "Purchasing accepts the explanation and expects 97 % from next quarter; they want a weekly "
            "backlog report.",
            "Set up the weekly backlog report",
            "",
        ),
        _Topic(
            ContactKind.MEETING,
            "Renewal of the framework agreement",
            "Term, volumes and consignment stock of the framework agreement that ends in December.",
            "They want a three-year term with consignment stock at two sites; their legal department "
            "reviews the draft by the end of the month.",
            "Draft the consignment stock clause with our legal department",
            "Customer site, purchasing department",
        ),
        _Topic(
            ContactKind.VIDEO,
            "Onboarding to the supplier portal",
            "Connection to their SAP Ariba supplier portal; order confirmations and invoices by EDI.",
            "Test orders are planned for next month; our IT is to name a contact.",
            "Name an IT contact for the EDI test",
            "",
        ),
    ),
    ENGINEERING: (
        _Topic(
            ContactKind.VISIT,
            "Technical workshop on the new assembly line",
            "Drive concept of the new assembly line: decentralised inverters, IE4 motors, safety functions.",
            "Our concept is on their shortlist; they need 3D data and energy figures for the comparison.",
            "Send CAD data and the energy comparison",
            "Customer site, engineering",
        ),
        _Topic(
            ContactKind.MEETING,
            "Design review of the conveyor drives",
            "Sizing of the conveyor drives, gear ratios, brake motors.",
            "Two drives are oversized and will be resized; a sample delivery for the prototype is agreed.",
            "Revise the drive sizing and confirm the sample date",
            "Customer site, engineering",
        ),
        _Topic(
            ContactKind.VIDEO,
            "Presentation of the new servo generation",
            "Compact servo drives, commissioning software, functional safety.",
            "Strong interest from the design team; they want a test unit for their lab.",
            "Arrange a test unit for their lab",
            "",
        ),
    ),
    OPERATIONS: (
        _Topic(
            ContactKind.VISIT,
            "Plant tour with maintenance",
            "Condition of the installed drives, failures in the last year, spare-parts stock.",
            "Eleven motors are older than fifteen years; they are interested in a retrofit programme "
            "with energy savings.",
            "Prepare a retrofit proposal with the energy savings",
            "Customer plant",
        ),
        _Topic(
            ContactKind.CALL,
            "Breakdown in the paint shop",
            "Failure of a gear unit in the paint shop; repair and root cause.",
            "Repaired within 48 hours; the cause was a lubrication problem. The customer was satisfied "
            "with our response time.",
            None,
            "",
        ),
        _Topic(
            ContactKind.MEETING,
            "Review of the service agreement",
            "Response times, preventive maintenance visits, availability of spare parts.",
            "They want a fixed price for preventive maintenance at all three sites.",
            "Calculate a fixed price for preventive maintenance",
            "Customer plant",
        ),
    ),
}

PLANNED_MEETINGS = (
    ("Quarterly business review", "Delivery performance, open proposals, plans for the next quarter."),
    (
        "Kick-off of the retrofit programme",
        "Scope, schedule and the first plant; energy measurement before the retrofit.",
    ),
    (
        "Proposal for the site-wide service agreement",
        "Present the proposal; response times and fixed prices per site.",
    ),
)

TOUCHPOINTS = {
    TouchpointKind.ARTICLE: (
        "Trade-press article on energy savings with IE4 motors",
        "Article on predictive maintenance of gear units",
    ),
    TouchpointKind.REFERENCE: (
        "Reference story: retrofit at a food producer",
        "Reference story: conveyor drives at an automotive supplier",
    ),
    TouchpointKind.PARTNER_MEETING: ("Meeting with our automation partner about the new line",),
    TouchpointKind.EVENT: ("Invitation to our technology day", "Invitation to our stand at Hannover Messe"),
    TouchpointKind.GIFT: ("Book on energy-efficient production, tied to our sustainability strategy",),
    TouchpointKind.OTHER: ("Visit to our test centre for servo drives",),
}


@dataclass
class _Line:
    user: User
    stakeholder: Stakeholder
    cadence: str
    occasion: str
    aim: str
    attainment: float  # share of the planned contacts that took place
    audience: str
    quiet_since: datetime.date | None = None  # no contacts after this date


# What a line of the relationship plan looks like per audience: cadence, occasion, aim, attainment.
LINES = {
    EXECUTIVE: (
        Cadence.QUARTERLY,
        "Quarterly business review",
        "Learn about investment plans early and keep the executive sponsor informed",
        0.9,
    ),
    PURCHASING: (
        Cadence.MONTHLY,
        "Meeting or call with purchasing",
        "Secure the framework agreement and agree prices before the tender",
        0.55,
    ),
    ENGINEERING: (
        Cadence.QUARTERLY,
        "Technical workshop",
        "Take part in the design of new machines from the start",
        1.0,
    ),
    OPERATIONS: (
        Cadence.MONTHLY,
        "Order and delivery review",
        "Know the order pipeline and solve problems in operation before they escalate",
        0.75,
    ),
}
MAX_LINES = 5


def _weekday(day: datetime.date) -> datetime.date:
    # Meetings happen on working days: a weekend date moves to the Friday before.
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def _team(account: KeyAccount) -> dict[str, list[User]]:
    by_role: dict[str, list[User]] = {}
    for membership in (
        account.team_memberships.filter(user__is_active=True).select_related("user").order_by("scope", "pk")
    ):
        by_role.setdefault(membership.internal_role, []).append(membership.user)
    return by_role


def _audience(stakeholder: Stakeholder) -> str:
    roles = stakeholder.buying_roles or []
    if stakeholder.hierarchy_level == HierarchyLevel.EXECUTIVE:
        return EXECUTIVE
    if BuyingRole.BUYER in roles:
        return PURCHASING
    if stakeholder.hierarchy_level == HierarchyLevel.OPERATIONAL:
        return OPERATIONS
    return ENGINEERING


def _covered(account: KeyAccount) -> tuple[list[tuple[Stakeholder, User, str]], list[Stakeholder]]:
    """Who of us looks after whom: (stakeholder, colleague, audience), most important first, and
    the people nobody of ours looks after.

    With an in-depth buying center (``seed_stakeholders`` ran) the relationship owners decide and
    people without one stay uncovered, so the coverage alerts that the stakeholders seed sets up
    (an unengaged blocker, a level without relationships) hold. Without one, the people are
    read in the generator's order: managing director and head of purchasing with the account
    owner, head of engineering with the engineer, the rest with inside sales.
    """
    people = list(Stakeholder.objects.filter(account=account, anonymised_at__isnull=True).order_by("pk"))
    team = _team(account)
    colleagues = {account.owner.pk: account.owner} | {u.pk: u for users in team.values() for u in users}
    if any(p.hierarchy_level for p in people):
        covered, uncovered = [], []
        for person in people:
            colleague = colleagues.get(person.relationship_owner_id)
            if colleague is None:
                uncovered.append(person)
            else:
                covered.append((person, colleague, _audience(person)))
        rank = {EXECUTIVE: 0, PURCHASING: 1, ENGINEERING: 2, OPERATIONS: 3}
        # Executives first, then the other decision makers, then by audience and influence.
        covered.sort(
            key=lambda c: (
                c[2] != EXECUTIVE,
                BuyingRole.DECISION_MAKER not in (c[0].buying_roles or []),
                rank[c[2]],
                -(c[0].influence or 0),
            )
        )
        return covered, uncovered
    engineer = (team.get(InternalRole.ENGINEERING) or [account.owner])[0]
    inside = (team.get(InternalRole.INSIDE_SALES) or [account.owner])[0]
    audiences = [(account.owner, EXECUTIVE), (account.owner, PURCHASING), (engineer, ENGINEERING)]
    return [
        (person, *(audiences[i] if i < len(audiences) else (inside, OPERATIONS)))
        for i, person in enumerate(people)
    ], []


def _lines(account: KeyAccount, index: int, today: datetime.date) -> list[_Line]:
    """The relationship plan: the most important people we cover, each with their colleague.

    On every third account the top executive has not been met for ``NEGLECT_DAYS``; on every
    third account (another one) the last line has not been met yet at all. The management
    sponsor of the team meets the executive once a year as well (top to top).
    """
    covered, _uncovered = _covered(account)
    neglected = index % 3 == 2
    lines = []
    for person, colleague, audience in covered[:MAX_LINES]:
        cadence, occasion, aim, attainment = LINES[audience]
        quiet = None
        if audience == EXECUTIVE and neglected and not any(line.audience == EXECUTIVE for line in lines):
            quiet = today - datetime.timedelta(days=NEGLECT_DAYS)
        lines.append(_Line(colleague, person, cadence, occasion, aim, attainment, audience, quiet))
    if index % 3 == 1 and len(lines) > 2:
        last = lines[-1]
        last.cadence, last.attainment = Cadence.QUARTERLY, 0.0
    sponsor = (_team(account).get(InternalRole.MANAGEMENT_SPONSOR) or [None])[0]
    executive = next(
        (line for line in lines if line.audience == EXECUTIVE and line.quiet_since is None), None
    )
    if sponsor is not None and executive is not None and executive.user != sponsor:
        lines.append(
            _Line(
                sponsor,
                executive.stakeholder,
                Cadence.YEARLY,
                "Top-to-top meeting",
                "An executive relationship at eye level",
                1.0,
                EXECUTIVE,
            )
        )
    return lines


def _held_dates(line: _Line, rng: random.Random, today: datetime.date) -> list[datetime.date]:
    """The days the pair met in the last two years: one chance per planning interval."""
    interval = CADENCE_MONTHS[line.cadence] * 30
    start = today - datetime.timedelta(days=HISTORY_DAYS)
    dates = []
    period = start
    while period < today:
        if rng.random() < line.attainment:
            day = _weekday(period + datetime.timedelta(days=rng.randrange(interval)))
            if day < today and (line.quiet_since is None or day < line.quiet_since):
                dates.append(day)
        period += datetime.timedelta(days=interval)
    return dates


def _create_contact(
    account: KeyAccount,
    *,
    day: datetime.date,
    topic: _Topic,
    stakeholders: list[Stakeholder],
    participants: list[User],
    rng: random.Random,
    today: datetime.date,
    result: SeedResult,
) -> Contact:
    contact = services.contact_create(
        actor=account.owner,
        account=account,
        kind=topic.kind,
        status=ContactStatus.HELD,
        date=day,
        time=datetime.time(rng.choice((8, 9, 10, 11, 13, 14, 15)), rng.choice((0, 30))),
        title=topic.title,
        location=topic.location,
        topics=topic.topics,
        outcomes=topic.outcomes,
        stakeholders=stakeholders,
        participants=participants,
    )
    result.contacts += 1
    # Every recent contact left work to do; older ones did now and then.
    recent = day >= today - datetime.timedelta(days=RECENT_DAYS)
    if topic.follow_up is not None and (recent or rng.random() < 0.6):
        due = day + datetime.timedelta(days=rng.choice((7, 14, 21)))
        # Old actions are mostly done; recent ones are open, some of them overdue by now.
        done = not recent and rng.random() < 0.9
        services.follow_up_create(
            actor=account.owner,
            contact=contact,
            description=topic.follow_up,
            owner=rng.choice(participants),
            due_on=due,
            done=done,
        )
        result.follow_ups += 1
    return contact


def _seed_account(account: KeyAccount, index: int, today: datetime.date, result: SeedResult) -> None:
    rng = random.Random(SEED + index)
    lines = _lines(account, index, today)
    if not lines:
        return
    covered, uncovered = _covered(account)
    owner = account.owner
    last_met: dict[tuple[int, int], datetime.date] = {}
    for line in lines:
        for day in _held_dates(line, rng, today):
            # The account owner joins a colleague's meetings now and then, not always: a team
            # whose owner is in every meeting would look single-threaded.
            participants = [line.user] if line.user == owner or rng.random() < 0.8 else [line.user, owner]
            _create_contact(
                account,
                day=day,
                topic=rng.choice(TOPICS[line.audience]),
                stakeholders=[line.stakeholder],
                participants=participants,
                rng=rng,
                today=today,
                result=result,
            )
            pair = (line.user.pk, line.stakeholder.pk)
            last_met[pair] = max(day, last_met.get(pair, day))
    # A few meetings beyond the plan with the other people we look after, by their colleague.
    others = covered[MAX_LINES:]
    for _ in range(min(4, len(others))):
        person, colleague, audience = rng.choice(others)
        _create_contact(
            account,
            day=_weekday(today - datetime.timedelta(days=rng.randrange(14, HISTORY_DAYS))),
            topic=rng.choice(TOPICS[audience]),
            stakeholders=[person],
            participants=[colleague],
            rng=rng,
            today=today,
            result=result,
        )
    # People nobody of ours looks after were met once, more than a year ago, if at all.
    for person in uncovered:
        if rng.random() < 0.5:
            _create_contact(
                account,
                day=_weekday(today - datetime.timedelta(days=rng.randrange(400, HISTORY_DAYS))),
                topic=rng.choice(TOPICS[_audience(person)]),
                stakeholders=[person],
                participants=[owner],
                rng=rng,
                today=today,
                result=result,
            )
    for line in lines:
        last = last_met.get((line.user.pk, line.stakeholder.pk))
        months = CADENCE_MONTHS[line.cadence]
        # The next date follows the last meeting by the cadence; behind lines are overdue by now.
        if last is not None:
            next_on = _weekday(last + datetime.timedelta(days=30 * months))
        else:
            next_on = _weekday(today + datetime.timedelta(days=10))
        services.relationship_link_create(
            actor=owner,
            account=account,
            user=line.user,
            stakeholder=line.stakeholder,
            cadence=line.cadence,
            occasion=line.occasion,
            aim=line.aim,
            next_on=next_on,
        )
        result.links += 1
    _planned_meetings(account, lines, rng, today, result)
    _touchpoints(account, [person for person, _colleague, _audience in covered], rng, today, result)
    result.accounts += 1


def _planned_meetings(
    account: KeyAccount, lines: list[_Line], rng: random.Random, today: datetime.date, result: SeedResult
) -> None:
    """Two or three meetings in the coming weeks, each with counterparts for the customer side."""
    count = 2 + (rng.random() < 0.5)
    for number, (title, topics) in enumerate(PLANNED_MEETINGS[:count]):
        chosen = rng.sample(lines, k=min(2, len(lines)))
        stakeholders = list({line.stakeholder.pk: line.stakeholder for line in chosen}.values())
        counterparts = {line.stakeholder: line.user for line in chosen}
        participants = list({u.pk: u for u in [account.owner, *counterparts.values()]}.values())
        day = _weekday(today + datetime.timedelta(days=7 + 9 * number + rng.randrange(5)))
        services.contact_create(
            actor=account.owner,
            account=account,
            kind=ContactKind.MEETING,
            status=ContactStatus.PLANNED,
            date=day,
            time=datetime.time(10, 0),
            title=title,
            location="Customer site",
            topics=topics,
            stakeholders=stakeholders,
            participants=participants,
            counterparts=counterparts,
        )
        result.planned += 1


def _touchpoints(
    account: KeyAccount,
    people: list[Stakeholder],
    rng: random.Random,
    today: datetime.date,
    result: SeedResult,
) -> None:
    """The touchpoint plan of the current year for up to five people: done in past quarters
    (one dropped now and then), planned in the running and coming ones."""
    quarter_now = (today.month - 1) // 3 + 1
    kinds = list(TOUCHPOINTS)
    owners = [account.owner, *(u for users in _team(account).values() for u in users)]
    for stakeholder in people[:5]:
        for quarter in sorted(rng.sample(range(1, 5), k=rng.choice((2, 3)))):
            kind = rng.choice(kinds)
            if quarter < quarter_now:
                status = TouchpointStatus.DROPPED if rng.random() < 0.15 else TouchpointStatus.DONE
            else:
                status = TouchpointStatus.PLANNED
            services.touchpoint_create(
                actor=account.owner,
                account=account,
                stakeholder=stakeholder,
                year=today.year,
                quarter=quarter,
                kind=kind,
                description=rng.choice(TOUCHPOINTS[kind]),
                owner=rng.choice(owners),
                status=status,
            )
            result.touchpoints += 1


def _untouched(account: KeyAccount) -> bool:
    return not (
        Contact.objects.filter(account=account).exists()
        or RelationshipLink.objects.filter(account=account).exists()
        or Touchpoint.objects.filter(account=account).exists()
    )


@transaction.atomic
def seed_relationships(
    *, users: Mapping[str, User] | None = None, today: datetime.date | None = None
) -> SeedResult:
    """Seed the first ``ACCOUNTS`` key accounts (see the module docstring).

    ``users`` is accepted for the generator's uniform call; the people come from each account's
    team. An account that has contacts, plan entries or touchpoints already is left alone, so a
    second call changes nothing.
    """
    result = SeedResult()
    today = today or timezone.localdate()
    accounts = KeyAccount.objects.select_related("customer", "owner").order_by("pk")[:ACCOUNTS]
    for index, account in enumerate(accounts):
        if _untouched(account):
            _seed_account(account, index, today, result)
    return result

"""Buying centers for the demo company's key accounts.

The demo generator (``openkam.demo.programme``) gives every key account 4–10 people with a
name, function and contact details. ``seed_stakeholders`` turns them into a buying center: it
places each person on a hierarchy level below a boss (Geschäftsführung → Einkaufsleitung,
Technische Leitung, Produktionsleitung → Projektleitung, Einkauf, Anwender), gives them roles in
buying decisions, an attitude towards us, influence, relationship strength and a relationship
owner from the account team, and adds people until the buying center has 6–14 members on all
three levels. The existing people are enriched in place, never duplicated; everything is written
through the services as the account owner, so the timeline shows it as real use would.

What an account gets depends only on its place in ``KeyAccount.objects.order_by("pk")`` (and on
the people the generator gave it), so equal demo companies get equal buying centers. The
accounts cycle through five states, so the coverage analysis has something to say:

0. a healthy buying center: a coach, relationships on every level spread over the team;
1. no coach;
2. a blocker with very high influence whom nobody of ours covers;
3. single-threaded: the key account manager owns nearly every relationship;
4. a level-selling gap: nobody of ours has a relationship at the executive level.

The texts are German (English titles at customers outside German-speaking countries), like the
rest of the demo data.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from faker import Faker

from openkam.accounts.choices import InternalRole
from openkam.accounts.models import KeyAccount
from openkam.demo.catalog import COUNTRIES, GERMAN_SPEAKING, STAKEHOLDER_FUNCTIONS, StakeholderFunction
from openkam.demo.programme import company_domain, demo_email
from openkam.users.models import User

from . import services
from .choices import Attitude, BuyingRole, HierarchyLevel, Influence, RelationshipStrength
from .models import Stakeholder

SEED = 20_261_121
STATES = 5
HEALTHY, NO_COACH, BLOCKER, SINGLE_THREADED, LEVEL_GAP = range(STATES)

EXECUTIVE, PROJECT, OPERATIONAL = HierarchyLevel.EXECUTIVE, HierarchyLevel.PROJECT, HierarchyLevel.OPERATIONAL
DM, INF, USER, BUYER, GATE, BLOCK = (
    BuyingRole.DECISION_MAKER,
    BuyingRole.INFLUENCER,
    BuyingRole.USER,
    BuyingRole.BUYER,
    BuyingRole.GATEKEEPER,
    BuyingRole.BLOCKER,
)


@dataclass(frozen=True)
class Slot:
    """A place in a typical buying center: level, whom it reports to (first one present), roles."""

    level: str
    bosses: tuple[str, ...]
    roles: tuple[str, ...]
    influence: int


# Keys: "f<position>" for the generator's functions (openkam.demo.catalog.STAKEHOLDER_FUNCTIONS),
# "a<n>" for the people this module adds. Bosses always sit higher up, so no loop can arise.
SLOTS: dict[str, Slot] = {
    "f0": Slot(EXECUTIVE, (), (DM,), 5),  # Geschäftsführung
    "f4": Slot(EXECUTIVE, ("f0",), (DM, INF), 5),  # Technische Geschäftsführung
    "f14": Slot(EXECUTIVE, ("f0",), (DM,), 4),  # Kaufmännische Leitung
    "f1": Slot(PROJECT, ("f14", "f0"), (BUYER, INF), 4),  # Einkaufsleitung
    "f2": Slot(PROJECT, ("f4", "f0"), (INF,), 4),  # Leitung Konstruktion (technische Leitung)
    "f8": Slot(PROJECT, ("f4", "f0"), (INF, DM), 4),  # Werksleitung
    "f9": Slot(PROJECT, ("f8", "f4", "f0"), (USER, INF), 3),  # Produktionsleitung
    "f6": Slot(PROJECT, ("f2", "f4", "f0"), (INF, USER), 3),
    "f7": Slot(PROJECT, ("f9", "f8", "f4", "f0"), (USER, INF), 3),
    "f10": Slot(PROJECT, ("f8", "f4", "f0"), (INF, GATE), 3),
    "f11": Slot(PROJECT, ("f8", "f14", "f0"), (USER,), 2),
    "f12": Slot(PROJECT, ("f2", "f6", "f4", "f0"), (INF, USER), 3),
    "f13": Slot(PROJECT, ("f4", "f0"), (INF,), 3),
    "f3": Slot(OPERATIONAL, ("f1",), (BUYER, GATE), 3),
    "f5": Slot(OPERATIONAL, ("f2", "f6"), (USER, INF), 2),
    "a0": Slot(PROJECT, ("f2", "f4", "f8", "f0"), (INF, USER), 3),
    "a1": Slot(OPERATIONAL, ("f1", "f3"), (BUYER, GATE), 2),
    "a2": Slot(OPERATIONAL, ("f7", "f9", "f8", "f2"), (USER,), 2),
    "a3": Slot(OPERATIONAL, ("f2", "f6"), (USER, INF), 2),
    "a4": Slot(OPERATIONAL, ("f12", "a0", "f6", "f2"), (USER,), 1),
    "a5": Slot(OPERATIONAL, ("f9", "f8", "f7"), (USER,), 2),
    "a6": Slot(OPERATIONAL, ("f1", "f3"), (BUYER,), 1),
}
_UNKNOWN = Slot(PROJECT, ("f0",), (INF,), 3)

ADDED_FUNCTIONS: dict[str, StakeholderFunction] = {
    "a0": StakeholderFunction(
        "Projektleiter Neuanlagen",
        "Projektleiterin Neuanlagen",
        "Project Manager New Lines",
        "Projekte",
        "Projects",
    ),
    "a1": StakeholderFunction(
        "Einkäufer Antriebstechnik",
        "Einkäuferin Antriebstechnik",
        "Buyer Drive Technology",
        "Einkauf",
        "Purchasing",
    ),
    "a2": StakeholderFunction(
        "Instandhaltungstechniker",
        "Instandhaltungstechnikerin",
        "Maintenance Technician",
        "Instandhaltung",
        "Maintenance",
    ),
    "a3": StakeholderFunction(
        "Konstrukteur Sondermaschinen",
        "Konstrukteurin Sondermaschinen",
        "Design Engineer Special Machines",
        "Konstruktion",
        "Engineering",
    ),
    "a4": StakeholderFunction(
        "Inbetriebnahmetechniker",
        "Inbetriebnahmetechnikerin",
        "Commissioning Engineer",
        "Automatisierung",
        "Automation",
    ),
    "a5": StakeholderFunction(
        "Schichtleiter Montage",
        "Schichtleiterin Montage",
        "Assembly Shift Supervisor",
        "Produktion",
        "Operations",
    ),
    "a6": StakeholderFunction(
        "Sachbearbeiter Einkauf", "Sachbearbeiterin Einkauf", "Purchasing Clerk", "Einkauf", "Purchasing"
    ),
}
# The order in which people are added; the management and production heads only if missing.
_ADDITIONS = ("f0", "f9", "a1", "a0", "a2", "a3", "a4", "a5", "a6")

# Which of our colleagues (by internal role) usually covers a level; the owning KAM fills gaps.
_COVERS = {
    EXECUTIVE: (InternalRole.MANAGEMENT_SPONSOR, InternalRole.GKAM),
    PROJECT: (InternalRole.ENGINEERING, InternalRole.COUNTRY_SALES, InternalRole.INSIDE_SALES),
    OPERATIONAL: (InternalRole.INSIDE_SALES, InternalRole.SERVICE, InternalRole.ENGINEERING),
}

NOTES = {
    "coach": (
        "Erklärt uns offen, wie die Entscheidung über die neue Linie läuft und wer mitredet. "
        "Möchte vor jeder Angebotsabgabe kurz gefragt werden."
    ),
    "blocker": (
        "Hält am bisherigen Lieferanten fest und hat die letzte Freigabe unserer Antriebe gestoppt. "
        "Kein Termin seit der Reklamation im Frühjahr."
    ),
    "f0": "Entscheidet über Investitionen ab 250.000 €; denkt in Gesamtbetriebskosten und Lieferfähigkeit.",
    "f1": "Jahresgespräch im Oktober; vergleicht uns im Lieferantenranking mit zwei Wettbewerbern.",
}


@dataclass
class SeedResult:
    accounts: int = 0
    added: int = 0
    enriched: int = 0


def _function_index() -> dict[str, str]:
    """Slot key of every title the generator uses (male, female and English)."""
    index = {}
    for position, function in enumerate(STAKEHOLDER_FUNCTIONS):
        for title in (function.male, function.female, function.english):
            index.setdefault(title, f"f{position}")
    for key, function in ADDED_FUNCTIONS.items():
        for title in (function.male, function.female, function.english):
            index.setdefault(title, key)
    return index


def _team(account: KeyAccount) -> list[tuple[User, str]]:
    """The owner (as the KAM) and the active team members with their internal role, core first."""
    members = [(account.owner, "kam")]
    for membership in (
        account.team_memberships.filter(user__is_active=True).select_related("user").order_by("scope", "pk")
    ):
        if membership.user_id != account.owner_id:
            members.append((membership.user, membership.internal_role))
    return members


def _faker(country: str, index: int) -> Faker:
    locale = next((c.locale for c in COUNTRIES if c.code == country), "de_DE")
    fake = Faker(locale)
    fake.seed_instance(zlib.crc32(f"{SEED}:{index}:{locale}".encode()))
    return fake


def _add_people(
    account: KeyAccount, index: int, people: list, slots: dict[int, str], rng: random.Random
) -> int:
    """Add people in the order of ``_ADDITIONS`` until the buying center reaches its size."""
    target = max(6, min(14, len(people) + rng.randint(2, 4)))
    present = set(slots.values())
    country = account.customer.country or "DE"
    german = country in GERMAN_SPEAKING
    fake = _faker(country, index)
    domain = company_domain(account.customer.name)
    phones = [p.phone for p in people if "-" in p.phone]
    calling = next((c.calling_code for c in COUNTRIES if c.code == country), "+49")
    switchboard = (
        phones[0].rsplit("-", 1)[0]
        if phones
        else f"{calling} {rng.randint(200, 999)} {rng.randint(1000, 99999)}"
    )
    used = {p.email for p in people}
    added = 0
    for key in _ADDITIONS:
        if len(people) >= target:
            break
        if key == "f0" and "f0" in present:
            continue
        if key == "f9" and present & {"f8", "f9"}:
            continue
        function = STAKEHOLDER_FUNCTIONS[int(key[1:])] if key.startswith("f") else ADDED_FUNCTIONS[key]
        female = rng.random() < 0.35
        if country == "CN":
            first, last = fake.first_romanized_name(), fake.last_romanized_name()
        else:
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
        email = demo_email(first, last, domain)
        if email in used:
            email = demo_email(first, f"{last}{len(used)}", domain)
        used.add(email)
        title = (function.female if female else function.male) if german else function.english
        person = services.stakeholder_create(
            actor=account.owner,
            account=account,
            first_name=first,
            last_name=last,
            function=title,
            business_unit=function.business_unit if german else function.english_unit,
            email=email,
            phone=f"{switchboard}-{rng.randint(10, 400)}",
        )
        people.append(person)
        slots[person.pk] = key
        present.add(key)
        added += 1
    return added


def _attitude(level: str, rng: random.Random) -> int | None:
    weights = {
        EXECUTIVE: (2, 4, 3, 1, 0, 1),
        PROJECT: (2, 4, 3, 2, 1, 1),
        OPERATIONAL: (1, 4, 4, 1, 0, 2),
    }[level]
    return rng.choices(
        [Attitude.CHAMPION, Attitude.SUPPORTER, Attitude.NEUTRAL, Attitude.SCEPTIC, Attitude.OPPONENT, None],
        weights=weights,
    )[0]


def _owner_for(level: str, team: list[tuple[User, str]], rng: random.Random) -> User:
    preferred = [user for role in _COVERS[level] for user, internal in team if internal == role]
    if preferred and rng.random() < 0.75:
        return preferred[0]
    return team[0][0]


def _strength(attitude: int | None, owner: User | None, rng: random.Random) -> int:
    if owner is None:
        return rng.choice([RelationshipStrength.NONE, RelationshipStrength.WEAK])
    base = {2: 4, 1: 3, 0: 2, -1: 2, -2: 1}.get(attitude, 1)
    return max(RelationshipStrength.WEAK, min(RelationshipStrength.TRUSTED, base + rng.choice([-1, 0, 0, 1])))


def _plan(people: list, slots: dict[int, str], state: int, team, rng: random.Random) -> dict[int, dict]:
    """The values of every person of one account (see the module docstring for the states)."""
    by_slot: dict[str, Stakeholder] = {}
    for person in people:
        by_slot.setdefault(slots[person.pk], person)
    plan: dict[int, dict] = {}
    for person in people:
        slot = SLOTS.get(slots[person.pk], _UNKNOWN)
        boss = next((by_slot[key] for key in slot.bosses if key in by_slot), None)
        if boss is None and slot.bosses:
            # Nobody of the usual line is recorded: the person reports to the management.
            boss = by_slot.get("f0")
        if boss is not None and boss.pk == person.pk:
            boss = None
        attitude = _attitude(slot.level, rng)
        influence = max(
            Influence.VERY_LOW, min(Influence.VERY_HIGH, slot.influence + rng.choice([-1, 0, 0, 1]))
        )
        owner = (
            None if slot.level == OPERATIONAL and rng.random() < 0.25 else _owner_for(slot.level, team, rng)
        )
        roles = [
            role
            for role in slot.roles
            if not (role == BuyingRole.DECISION_MAKER and slot.level == OPERATIONAL)
        ]
        plan[person.pk] = {
            "hierarchy_level": slot.level,
            "reports_to": boss,
            "buying_roles": roles,
            "is_coach": False,
            "attitude": attitude,
            "influence": influence,
            "relationship_owner": owner,
            "relationship_strength": _strength(attitude, owner, rng),
            "notes": NOTES.get(slots[person.pk], ""),
        }
    if state != NO_COACH:
        # The coach: a supporter in middle management, ideally engineering or a project lead.
        candidates = sorted(
            (p for p in people if plan[p.pk]["hierarchy_level"] == PROJECT),
            key=lambda p: (slots[p.pk] not in ("f2", "a0", "f12", "f6"), p.pk),
        )
        if candidates:
            coach = plan[candidates[0].pk]
            coach.update(
                is_coach=True,
                attitude=Attitude.CHAMPION,
                relationship_owner=coach["relationship_owner"] or team[0][0],
                relationship_strength=RelationshipStrength.TRUSTED,
                notes=NOTES["coach"],
            )
    # A blocker of little weight below the management is a fact of life at most accounts; we
    # keep in touch with them.
    sceptics = [
        p
        for p in people
        if plan[p.pk]["attitude"] in (Attitude.SCEPTIC, Attitude.OPPONENT)
        and plan[p.pk]["hierarchy_level"] != EXECUTIVE
    ]
    if sceptics and state != BLOCKER:
        values = plan[sceptics[0].pk]
        values["buying_roles"] = [*values["buying_roles"], BLOCK]
        values["influence"] = min(values["influence"], Influence.MEDIUM)
        values["relationship_owner"] = values["relationship_owner"] or team[0][0]
    if state == BLOCKER:
        target = next(
            (p for p in people if slots[p.pk] in ("f10", "f14", "f1") and not plan[p.pk]["is_coach"]),
            next(p for p in people if not plan[p.pk]["is_coach"]),
        )
        plan[target.pk].update(
            buying_roles=sorted({*plan[target.pk]["buying_roles"], BLOCK}, key=BuyingRole.values.index),
            attitude=Attitude.OPPONENT,
            influence=Influence.VERY_HIGH,
            relationship_owner=None,
            relationship_strength=RelationshipStrength.WEAK,
            notes=NOTES["blocker"],
        )
    if state == SINGLE_THREADED:
        kam = team[0][0]
        owned = [p for p in people if plan[p.pk]["relationship_owner"] is not None]
        for person in owned[1:]:
            plan[person.pk]["relationship_owner"] = kam
        if owned and len(team) > 1:
            plan[owned[0].pk]["relationship_owner"] = team[1][0]
    if state == LEVEL_GAP:
        for person in people:
            if plan[person.pk]["hierarchy_level"] == EXECUTIVE:
                plan[person.pk].update(
                    relationship_owner=None, relationship_strength=RelationshipStrength.NONE
                )
    return plan


def _seed_account(account: KeyAccount, index: int, result: SeedResult) -> None:
    rng = random.Random(f"{SEED}:{index}")
    titles = _function_index()
    people = list(Stakeholder.objects.filter(account=account, anonymised_at__isnull=True).order_by("pk"))
    slots = {p.pk: titles.get(p.function, "") for p in people}
    result.added += _add_people(account, index, people, slots, rng)
    plan = _plan(people, slots, index % STATES, _team(account), rng)
    # Bosses first, so each person's boss is in place when the person is linked to them.
    order = {EXECUTIVE: 0, PROJECT: 1, OPERATIONAL: 2}
    for person in sorted(people, key=lambda p: (order[plan[p.pk]["hierarchy_level"]], p.pk)):
        services.stakeholder_update(actor=account.owner, stakeholder=person, **plan[person.pk])
        result.enriched += 1


@transaction.atomic
def seed_stakeholders(*, users: Mapping[str, User] | None = None) -> SeedResult:
    """Give every key account a buying center (see the module docstring).

    ``users`` is accepted for the generator's uniform call and not needed: the account owners
    act, and relationship owners come from each account's team. Does nothing twice: a database
    in which any stakeholder has a hierarchy level already is left alone.
    """
    result = SeedResult()
    if Stakeholder.objects.exclude(hierarchy_level="").exists():
        return result
    accounts = KeyAccount.objects.select_related("customer", "owner").order_by("pk")
    for index, account in enumerate(accounts):
        _seed_account(account, index, result)
        result.accounts += 1
    return result

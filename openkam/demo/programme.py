"""The demo company's KAM programme: its people, its key accounts, their teams and buying centers.

Key accounts are chosen from the generated sales data the way a head of KAM would: most of the
largest customers (not mechanically the top of the list), plus a few mid-sized customers that
grow fast. Every write goes through the services of the owning apps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from openkam.accounts.choices import AccountStatus, AccountType, InternalRole, TeamScope
from openkam.accounts.models import KeyAccount
from openkam.accounts.services import account_designate, team_member_add
from openkam.sales.models import Customer
from openkam.stakeholders.services import stakeholder_create
from openkam.users.choices import Role
from openkam.users.models import User
from openkam.users.services import user_create

from .catalog import (
    BUSINESS_UNITS,
    COUNTRIES,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    DEMO_USERS,
    GERMAN_SPEAKING,
    PRODUCT_GROUPS,
    STAKEHOLDER_FUNCTIONS,
)
from .customers import CHURNED, CustomerBook, fakers, rng_for, transliterate

EXISTING_SHARE = 0.72
EMERGING_MIN_GROWTH = 0.2
EMERGING_MAX_GROWTH = 1.0


class DemoError(Exception):
    """The demo company cannot be created as asked (e.g. the database holds data already)."""


@dataclass
class CustomerFigures:
    """What the ledger says about one customer, per fiscal year and for the last one."""

    index: int
    revenue: dict[int, Decimal] = field(default_factory=dict)
    margin: dict[int, Decimal] = field(default_factory=dict)
    product_groups: dict[int, int] = field(default_factory=dict)
    units: dict[str, Decimal] = field(default_factory=dict)

    def of(self, year: int) -> Decimal:
        return self.revenue.get(year, Decimal(0))


@dataclass
class Choice:
    """A customer chosen as key account, with type, status and the figures behind the choice."""

    figures: CustomerFigures
    account_type: str
    status: str = AccountStatus.ACTIVE


def select_key_accounts(
    book: CustomerBook,
    figures: dict[int, CustomerFigures],
    *,
    count: int,
    seed: int,
    first_year: int,
    last_year: int,
) -> list[Choice]:
    """Pick ``count`` key accounts: ~72 % existing (large) and the rest emerging (fast-growing).

    Subsidiaries are left out because their group parent is the account, and so are customers
    that are leaving. Existing accounts are drawn from the top of the revenue list with weights
    falling by rank; emerging ones from the mid-sized customers growing at least 20 % a year.
    """
    rng = rng_for(seed, "selection")
    eligible = [
        f
        for f in figures.values()
        if book.parent[f.index] < 0 and book.kind[f.index] != CHURNED and f.of(last_year) > 0
    ]
    eligible.sort(key=lambda f: (-f.of(last_year), f.index))
    n_existing = min(len(eligible), round(count * EXISTING_SHARE))
    n_emerging = min(count - n_existing, len(eligible) - n_existing)

    pool = eligible[: max(n_existing + 10, round(n_existing * 1.5))]
    weights = 0.93 ** np.arange(len(pool))
    picked = rng.choice(len(pool), size=n_existing, replace=False, p=weights / weights.sum())
    existing = sorted((pool[i] for i in picked), key=lambda f: -f.of(last_year))

    # Emerging accounts have bought in every year and at most doubled each year: a customer
    # that only just arrived has no track record to judge its potential by.
    mid_sized = [
        f
        for f in eligible[len(pool) : max(len(pool) + 2 * n_emerging, len(eligible) // 5)]
        if 0 < _growth(f, first_year, last_year) <= EMERGING_MAX_GROWTH
    ]
    fast = [f for f in mid_sized if _growth(f, first_year, last_year) >= EMERGING_MIN_GROWTH]
    if len(fast) < n_emerging:
        # With few customers there may be too few fast growers; then the fastest ones will do.
        fast = sorted(mid_sized, key=lambda f: (-_growth(f, first_year, last_year), f.index))[
            : 2 * n_emerging
        ]
    # Picks come from the larger fast growers (``eligible`` is sorted by revenue): potential
    # needs a base to grow from.
    shortlist = fast[: 3 * n_emerging]
    picked = rng.choice(len(shortlist), size=min(n_emerging, len(shortlist)), replace=False)
    emerging = sorted((shortlist[i] for i in picked), key=lambda f: -f.of(last_year))

    choices = [Choice(f, AccountType.EXISTING) for f in existing]
    choices += [Choice(f, AccountType.EMERGING) for f in emerging]
    if len(choices) >= 6:
        # A realistic list has a paused account. Proposals awaiting management's decision are
        # designation proposals (openkam.designations.demo), not accounts.
        choices[max(0, n_existing - 3)].status = AccountStatus.ON_HOLD
    return choices


def _growth(f: CustomerFigures, first_year: int, last_year: int) -> float:
    """Compound yearly growth from the first to the last fiscal year; 0 without a first year."""
    last = float(f.of(last_year))
    first = float(f.of(first_year))
    if first <= 0 or last_year <= first_year:
        return 0.0
    return (last / first) ** (1 / (last_year - first_year)) - 1


def euro(amount: Decimal | float) -> str:
    """German short form of an amount: ``4,2 Mio. €`` or ``850 Tsd. €``."""
    value = float(amount)
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}".replace(".", ",") + " Mio. €"
    return f"{value / 1_000:.0f} Tsd. €"


def percent(rate: float) -> str:
    """A signed German percentage: ``+18 %``, ``-7 %``."""
    return f"{rate * 100:+.0f} %"


def reason_for(choice: Choice, *, subsidiaries: int, first_year: int, last_year: int) -> str:
    """The reason for the designation in German, written from the customer's figures."""
    f = choice.figures
    revenue = f.of(last_year)
    groups = f.product_groups.get(last_year, 0)
    total = len(PRODUCT_GROUPS)
    margin = float(f.margin.get(last_year, 0)) / float(revenue) if revenue else 0.0
    if choice.account_type == AccountType.EXISTING:
        previous = f.of(last_year - 1)
        change = float(revenue) / float(previous) - 1 if previous > 0 else 0.0
        trend = "Wachstum" if change >= 0 else "Rückgang"
        text = (
            f"Umsatz {last_year}: {euro(revenue)}, {trend} {percent(change)} ggü. {last_year - 1}. "
            f"Kauft {groups} von {total} Produktgruppen, Deckungsbeitrag {margin * 100:.0f} %."
        )
        if subsidiaries:
            text += f" Konzern mit {subsidiaries} Tochtergesellschaften in unseren Büchern."
    else:
        growth = _growth(f, first_year, last_year)
        text = (
            f"Wachstum {first_year}–{last_year}: {percent(growth)} p. a. auf {euro(revenue)} "
            f"Umsatz ({last_year})."
        )
        unit_total = sum(f.units.values()) or Decimal(1)
        gaps = [u for u in BUSINESS_UNITS if f.units.get(u, Decimal(0)) / unit_total < Decimal("0.15")]
        potential = f"Potenzial in {' und '.join(gaps)}" if gaps else "Potenzial im Ausbau des Sortiments"
        text += f" Bisher {groups} von {total} Produktgruppen – {potential}."
    if choice.status == AccountStatus.ON_HOLD:
        text += " Zurzeit ruhend: Der Kunde ordnet seinen Einkauf neu."
    return text


def demo_email(first_name: str, last_name: str, domain: str) -> str:
    """``vorname.nachname@domain`` in ASCII, as mail servers of German companies spell it."""
    local = ".".join(
        re.sub(r"[^a-z0-9]+", "-", transliterate(p).lower()).strip("-") for p in (first_name, last_name)
    )
    return f"{local}@{domain}"


def company_domain(name: str) -> str:
    """An e-mail domain derived from a company name, on the reserved ``.example`` TLD."""
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(name).lower()).strip("-")
    return f"{slug[:50].strip('-') or 'kunde'}.example"


def create_users() -> tuple[dict[str, User], int]:
    """Create every demo persona; keeps a user that exists already with the same role.

    Returns the users by user name and how many were created. Raises DemoError when a user
    name is taken by someone with another role, because the demo's accounts would then be
    given to the wrong person.
    """
    users: dict[str, User] = {}
    created = 0
    for persona in DEMO_USERS:
        existing = User.objects.filter(username__iexact=persona.username).first()
        if existing is not None:
            if existing.role != persona.role:
                raise DemoError(
                    f"User {persona.username!r} exists with role {existing.role!r}, not {persona.role!r}."
                )
            users[persona.username] = existing
            continue
        users[persona.username] = user_create(
            actor=None,
            username=persona.username,
            password=DEMO_PASSWORD,
            first_name=persona.first_name,
            last_name=persona.last_name,
            email=demo_email(persona.first_name, persona.last_name, DEMO_EMAIL_DOMAIN),
            role=persona.role,
            language=persona.language,
            job_title=persona.job_title,
            check_password=False,
        )
        created += 1
    return users, created


@dataclass
class ProgrammeResult:
    """How many accounts, team memberships and stakeholders were created."""

    accounts: int = 0
    memberships: int = 0
    stakeholders: int = 0


def create_programme(
    book: CustomerBook,
    choices: list[Choice],
    customers: dict[str, Customer],
    users: dict[str, User],
    *,
    seed: int,
    first_year: int,
    last_year: int,
) -> ProgrammeResult:
    """Designate the chosen key accounts and give each an owner, a team and a buying center."""
    rng = rng_for(seed, "programme")
    fake = fakers(seed, "stakeholders")
    kams = [users[p.username] for p in DEMO_USERS if p.role == Role.KAM]
    subsidiaries = np.bincount(book.parent[book.parent >= 0], minlength=len(book))
    result = ProgrammeResult()
    for rank, choice in enumerate(choices):
        index = choice.figures.index
        customer = customers[book.numbers[index]]
        owner = kams[rank % len(kams)]
        account = account_designate(
            actor=None,
            customer=customer,
            owner=owner,
            account_type=choice.account_type,
            reason=reason_for(
                choice,
                subsidiaries=int(subsidiaries[index]),
                first_year=first_year,
                last_year=last_year,
            ),
            designated_since=_designated_since(choice, rng, last_year),
            status=choice.status,
        )
        result.accounts += 1
        foreign = COUNTRIES[book.country[index]].code != "DE" or bool(
            np.any(book.country[book.parent == index] != 0)
        )
        for username, role, scope in _team(rank, choice, foreign=foreign, rng=rng):
            if users[username].pk == owner.pk:
                continue
            # The owner builds their own team: the service only lets the owning KAM add members.
            team_member_add(
                actor=owner, account=account, user=users[username], internal_role=role, scope=scope
            )
            result.memberships += 1
        result.stakeholders += _buying_center(account, book, index, rank, rng, fake)
    return result


def _designated_since(choice: Choice, rng: np.random.Generator, last_year: int) -> date:
    if choice.account_type == AccountType.EMERGING:
        return date(last_year - int(rng.integers(0, 2)), int(rng.integers(1, 13)), 1)
    # Most KAM programmes review their list once a year, so many designations start in January.
    month = int(rng.choice([1, 1, 1, 4, 7, 10]))
    return date(last_year - int(rng.integers(1, 9)), month, 1)


def _team(
    rank: int, choice: Choice, *, foreign: bool, rng: np.random.Generator
) -> list[tuple[str, str, str]]:
    """Two to five colleagues: inside sales and engineering always, others as the account needs."""
    core, extended = TeamScope.CORE, TeamScope.EXTENDED
    members = [("team" if rank % 2 == 0 else "team8", InternalRole.INSIDE_SALES, core)]
    if rank % 4 == 1:
        # Inside sales stand in for each other; the second one is on the extended team.
        members.append(("team", InternalRole.INSIDE_SALES, extended))
    members.append((("team2", "team6", "team10")[rank % 3], InternalRole.ENGINEERING, core))
    units = choice.figures.units
    service_share = units.get("Service", Decimal(0)) / (sum(units.values()) or Decimal(1))
    if service_share > Decimal("0.08") or rng.random() < 0.4:
        members.append(
            (("team3", "team9")[rank % 2], InternalRole.SERVICE, core if rng.random() < 0.4 else extended)
        )
    if foreign:
        members.append(("team4", InternalRole.COUNTRY_SALES, core))
    if rank < 5 and choice.account_type == AccountType.EXISTING:
        members.append(("team7", InternalRole.MANAGEMENT_SPONSOR, extended))
    if rng.random() < 0.3:
        members.append(("team5", InternalRole.LOGISTICS, extended))
    if foreign and rng.random() < 0.5:
        members.append(("kam5", InternalRole.GKAM, extended))
    return members[:5]


def _buying_center(account: KeyAccount, book: CustomerBook, index: int, rank: int, rng, fake) -> int:
    """Create 4–10 stakeholders; larger accounts have larger buying centers."""
    country = COUNTRIES[book.country[index]]
    german = country.code in GERMAN_SPEAKING
    faker = fake[country.code]
    size = int(np.clip(10 - rank // 3 + rng.integers(-1, 2), 4, 10))
    if account.account_type == AccountType.EMERGING:
        size = int(rng.integers(4, 7))
    others = rng.choice(np.arange(3, len(STAKEHOLDER_FUNCTIONS)), size=size - 3, replace=False)
    domain = company_domain(account.customer.name)
    area = int(rng.integers(200, 1000))
    switchboard = int(rng.integers(1000, 99999))
    used: set[str] = set()
    for position in [0, 1, 2, *others.tolist()]:
        function = STAKEHOLDER_FUNCTIONS[position]
        female = rng.random() < 0.35
        if country.code == "CN":
            first, last = faker.first_romanized_name(), faker.last_romanized_name()
        else:
            first = faker.first_name_female() if female else faker.first_name_male()
            last = faker.last_name()
        email = demo_email(first, last, domain)
        if email in used:
            email = demo_email(first, f"{last}{len(used)}", domain)
        used.add(email)
        if german:
            title, unit = (function.female if female else function.male), function.business_unit
        else:
            title, unit = function.english, function.english_unit
        stakeholder_create(
            actor=None,
            account=account,
            first_name=first,
            last_name=last,
            function=title,
            business_unit=unit,
            email=email,
            phone=f"{country.calling_code} {area} {switchboard}-{int(rng.integers(10, 400))}",
        )
    return size

"""The deterministic demo company: one seed gives the same customers, ledger and KAM programme.

``generate_company`` writes the sales ledger to Parquet, sums it per customer and fiscal year
with DuckDB and fills an empty database through the services of the apps: customers, yearly
revenues, demo users for every persona and ~25 key accounts with teams and stakeholders.
``generate_ledger`` writes only the ledger (for benchmarks with tens of millions of lines).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from openkam.business.demo import seed_business
from openkam.competition.demo import seed_competition
from openkam.designations.demo import seed_designations
from openkam.growth.demo import seed_growth, seed_growth_for_plan
from openkam.imports.services import ledger_register
from openkam.opportunities.demo import seed_opportunities
from openkam.personality.demo import seed_personality
from openkam.plans.demo import seed_plans
from openkam.portfolio.demo import seed_selection
from openkam.privacy.demo import seed_privacy
from openkam.profiles.demo import seed_profiles
from openkam.raci.demo import seed_raci
from openkam.relationships.demo import seed_relationships
from openkam.sales.models import Customer
from openkam.sales.services import customer_revenues_replace, customers_load
from openkam.stakeholders.demo import seed_stakeholders
from openkam.teams.demo import seed_teams
from openkam.users.choices import Role

from .catalog import COUNTRIES, DEMO_PASSWORD, DEMO_USERS, INDUSTRIES
from .customers import AVERAGE_LINE_VALUE, CustomerBook, build_customer_book, build_identities
from .ledger import (
    LedgerResult,
    Progress,
    aggregate_ledger,
    business_unit_revenue,
    default_ledger_path,
    plan_lines,
    write_ledger,
)
from .programme import CustomerFigures, DemoError, create_programme, create_users, select_key_accounts

__all__ = [
    "DEMO_PASSWORD",
    "DemoError",
    "DemoSpec",
    "demo_logins",
    "generate_company",
    "generate_ledger",
]

# Bounds that keep the generated company meaningful (a Pareto curve needs customers, key
# accounts need a list to choose from) and the ledger's invoice numbers within their range.
MIN_CUSTOMERS = 50
MAX_LINES = 1_000_000_000
REVENUE_BATCH = 2_000


@dataclass(frozen=True)
class DemoSpec:
    """What to generate. Equal specs give identical ledgers and databases."""

    seed: int = 2026
    customers: int = 5_000
    lines: int = 1_000_000
    last_year: int = 2025
    years: int = 3
    accounts: int = 25
    chunk_rows: int = 250_000

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    @property
    def source(self) -> str:
        return f"demo_company seed={self.seed}"

    def validate(self) -> None:
        """Raise DemoError for a spec that cannot produce a sensible company."""
        if self.customers < MIN_CUSTOMERS:
            raise DemoError(f"At least {MIN_CUSTOMERS} customers are needed.")
        if not self.customers <= self.lines <= MAX_LINES:
            raise DemoError(f"Lines must be between the number of customers and {MAX_LINES:,}.")
        if not 1 <= self.years <= 10 or not 2000 <= self.last_year <= 2100:
            raise DemoError("Choose 1–10 fiscal years ending between 2000 and 2100.")
        if not 0 <= self.accounts <= self.customers // 10:
            raise DemoError("Key accounts must be at most a tenth of the customers.")
        if self.chunk_rows < 1_000:
            raise DemoError("Chunks must hold at least 1,000 lines.")


def demo_logins() -> list[tuple[str, str]]:
    """The demo user names with their role label, for ``make run`` to print next to the password."""
    return [(persona.username, str(Role(persona.role).label)) for persona in DEMO_USERS]


Report = Callable[[str], None]


@dataclass
class DemoSummary:
    """What a run created and how long each step took (seconds)."""

    ledger: LedgerResult
    customers: int = 0
    revenue_rows: int = 0
    users_created: int = 0
    accounts: int = 0
    memberships: int = 0
    stakeholders: int = 0
    timings: dict[str, float] = field(default_factory=dict)


class _Clock:
    """Times the steps of a run and reports each one as it finishes."""

    def __init__(self, report: Report | None):
        self.report = report or (lambda message: None)
        self.timings: dict[str, float] = {}

    def step(self, name: str, started: float, message: str) -> None:
        self.timings[name] = time.perf_counter() - started
        self.report(f"{message} ({self.timings[name]:.1f} s)")


def generate_ledger(
    spec: DemoSpec,
    *,
    path: Path | None = None,
    progress: Progress | None = None,
    report: Report | None = None,
) -> tuple[CustomerBook, LedgerResult, dict[str, float]]:
    """Draw the customer base and stream the ledger to ``path`` (default: the data directory)."""
    spec.validate()
    clock = _Clock(report)
    started = time.perf_counter()
    book = build_customer_book(
        seed=spec.seed,
        count=spec.customers,
        months=12 * spec.years,
        average_revenue=AVERAGE_LINE_VALUE * spec.lines / (spec.customers * spec.years),
    )
    plan = plan_lines(book, seed=spec.seed, lines=spec.lines, first_year=spec.first_year)
    clock.step("plan", started, f"Planned {spec.lines:,} lines for {spec.customers:,} customers")
    started = time.perf_counter()
    result = write_ledger(
        book,
        plan,
        seed=spec.seed,
        path=Path(path) if path else default_ledger_path(),
        chunk_rows=spec.chunk_rows,
        progress=progress,
    )
    clock.step(
        "ledger", started, f"Wrote {result.lines:,} lines in {result.row_groups} row groups to {result.path}"
    )
    return book, result, clock.timings


def generate_company(
    spec: DemoSpec,
    *,
    ledger_path: Path | None = None,
    progress: Progress | None = None,
    report: Report | None = None,
) -> DemoSummary:
    """Write the ledger and fill the empty database with the demo company.

    The database part runs in one transaction: it either holds the whole demo company
    afterwards or nothing of it. Raises DemoError when customers exist already.
    """
    spec.validate()
    if Customer.objects.exists():
        raise DemoError("The database holds customers already; the demo company needs an empty one.")
    book, ledger, timings = generate_ledger(spec, path=ledger_path, progress=progress, report=report)
    summary = DemoSummary(ledger=ledger)
    clock = _Clock(report)
    clock.timings.update(timings)

    started = time.perf_counter()
    totals = aggregate_ledger(ledger.path)
    units = business_unit_revenue(ledger.path, year=spec.last_year)
    clock.step(
        "aggregate", started, f"Summed the ledger per customer and year with DuckDB ({len(totals):,} rows)"
    )

    started = time.perf_counter()
    identities = build_identities(book, seed=spec.seed)
    clock.step("names", started, "Named the customers")

    with transaction.atomic():
        started = time.perf_counter()
        customers = _load_customers(book, identities, spec)
        summary.customers = len(customers)
        clock.step("customers", started, f"Loaded {len(customers):,} customers")

        started = time.perf_counter()
        index_of = {number: i for i, number in enumerate(book.numbers)}
        figures: dict[int, CustomerFigures] = {}
        rows = []
        for total in totals:
            customer = customers[total.customer_number]
            figure = figures.setdefault(customer.pk, CustomerFigures(index=index_of[total.customer_number]))
            figure.revenue[total.fiscal_year] = total.revenue
            figure.margin[total.fiscal_year] = total.margin
            figure.product_groups[total.fiscal_year] = total.product_groups
            figure.units = units.get(total.customer_number, {})
            rows.append((customer.pk, total.fiscal_year, total.revenue, total.margin, total.lines))
        for batch in _batches_by_customer(rows, REVENUE_BATCH):
            summary.revenue_rows += customer_revenues_replace(actor=None, rows=batch, source=spec.source)
        clock.step("revenues", started, f"Stored {summary.revenue_rows:,} yearly customer revenues")

        # The ledger becomes the first import of the ledger store, where it lies: the selection
        # reads it through openkam.imports.selectors like any imported ledger.
        ledger_register(
            actor=None,
            path=ledger.path,
            rows=ledger.lines,
            sha256=_sha256(ledger.path),
            name=f"{ledger.path.name} ({spec.source})",
        )

        started = time.perf_counter()
        users, summary.users_created = create_users()
        clock.step("users", started, f"Created {summary.users_created} demo users")

        started = time.perf_counter()
        choices = select_key_accounts(
            book,
            {f.index: f for f in figures.values()},
            count=spec.accounts,
            seed=spec.seed,
            first_year=spec.first_year,
            last_year=spec.last_year,
        )
        programme = create_programme(
            book,
            choices,
            customers,
            users,
            seed=spec.seed,
            first_year=spec.first_year,
            last_year=spec.last_year,
        )
        summary.accounts = programme.accounts
        summary.memberships = programme.memberships
        summary.stakeholders = programme.stakeholders
        # Selection criteria, models and ratings, with a run the worker computes after commit;
        # then designation proposals and completed reviews, as a programme in use would have.
        seed_selection(users=users, run_as_of=date(spec.last_year, 12, 31))
        seed_designations(users=users)
        # The key accounts' analysis and plans: profiles, market, SWOT, requirements and
        # competitors, whitespace, then the plans (in several states) and their growth questions.
        # Last year's plan is answered when its research is done, so that its frozen versions
        # and this year's plan started from it hold the answers; the other plans afterwards.
        seed_profiles(users=users)
        seed_competition(users=users)
        seed_business(users=users)
        seed_plans(users=users, research=seed_growth_for_plan)
        seed_growth(users=users)
        # The buying centers in depth (levels, reports-to, roles, attitudes, our relationship
        # owners) of every key account, the designated ones included; personality profiles, two
        # years of contacts with relationship and touchpoint plans, the data-protection records.
        summary.stakeholders += seed_stakeholders(users=users).added
        seed_personality(users=users)
        seed_relationships(users=users)
        seed_privacy(users=users)
        # The selling center at work: account-management roles, member goals and team meetings,
        # the RACI matrices, and the pipeline (from whitespace cells, for plan goals).
        seed_teams(users=users)
        seed_raci(users=users)
        seed_opportunities(users=users)
        clock.step(
            "programme",
            started,
            f"Designated {programme.accounts} key accounts with {programme.memberships} team members "
            f"and {programme.stakeholders} stakeholders",
        )
    summary.timings = clock.timings
    return summary


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(4 * 1024**2):
            digest.update(chunk)
    return digest.hexdigest()


def _load_customers(book: CustomerBook, identities, spec: DemoSpec) -> dict[str, Customer]:
    """Insert group parents and independent customers first, then subsidiaries pointing at them."""

    def build(i: int, parent_id: int | None) -> Customer:
        identity = identities[i]
        return Customer(
            number=book.numbers[i],
            name=identity.name,
            legal_form=identity.legal_form,
            industry=INDUSTRIES[book.industry[i]].name,
            country=COUNTRIES[book.country[i]].code,
            city=identity.city,
            parent_id=parent_id,
        )

    independent = [i for i in range(len(book)) if book.parent[i] < 0]
    customers_load(actor=None, customers=(build(i, None) for i in independent), source=spec.source)
    ids = dict(Customer.objects.values_list("number", "pk"))
    subsidiaries = [i for i in range(len(book)) if book.parent[i] >= 0]
    customers_load(
        actor=None,
        customers=(build(i, ids[book.numbers[book.parent[i]]]) for i in subsidiaries),
        source=spec.source,
    )
    # The database held no customers before this run, so every customer is one of ours.
    return {c.number: c for c in Customer.objects.only("pk", "number", "name")}


def _batches_by_customer(rows: list[tuple], size: int):
    """Split revenue rows into batches of ``size`` customers, keeping each customer's years together."""
    batch: list[tuple] = []
    seen: set[int] = set()
    for row in rows:
        if row[0] not in seen and len(seen) == size:
            yield batch
            batch, seen = [], set()
        seen.add(row[0])
        batch.append(row)
    if batch:
        yield batch

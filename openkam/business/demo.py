"""Whitespace marks for the demo company's key accounts.

``seed_business`` is meant to be called by the demo generator after the key accounts and the
ledger exist (and after ``seed_competition``, so that the competitors named in the matrix are
those of the account's competitor analysis). It works through the services, as the owners and
their core teams would, so the timeline shows who marked what. Which cells an account gets
depends only on the ledger and on the account's place in ``KeyAccount.objects.order_by("pk")``
(random choices are seeded with the customer number), so equal demo companies get equal
matrices. The accounts cycle through four states, like the competitor analysis:

0. analysed thoroughly: a unit the ledger does not know, most open cells marked, and one mark
   where we meanwhile sell (the ledger wins);
1. well along: about half of the open cells marked, many of them opportunities;
2. just started: a handful of marks;
3. nothing yet.

The competitor names are invented, the texts German, like the rest of the demo data.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from openkam.accounts.choices import TeamScope
from openkam.accounts.models import KeyAccount
from openkam.users.models import User

from . import services
from .choices import CellStatus, UnitKind
from .models import CustomerUnit, WhitespaceCell
from .selectors import group_data, whitespace_matrix

# Invented German suppliers, used where the account's competitor analysis names none.
COMPETITORS = (
    "Hallberg Antriebstechnik GmbH",
    "Brunnhuber Getriebewerke AG",
    "Kettwig Elektromotoren GmbH",
    "Steinhövel Automation GmbH",
    "Oberweiler Servotechnik KG",
    "Lindenau Steuerungsbau GmbH",
)
# Units the ledger cannot know: plants that buy through the group's central purchasing.
UNITS = (
    ("Montagewerk Eisenach", UnitKind.SITE, "DE"),
    ("Entwicklungszentrum Ulm", UnitKind.UNIT, "DE"),
    ("Werk Brünn", UnitKind.SITE, "CZ"),
    ("Service-Center Linz", UnitKind.UNIT, "AT"),
)
POTENTIALS = (8_000, 12_000, 15_000, 20_000, 25_000, 35_000, 50_000, 75_000, 120_000)
NOTES = {
    CellStatus.COMPETITOR: (
        "Rahmenvertrag läuft bis Ende nächsten Jahres",
        "Wettbewerber sitzt mit Servicetechniker im Werk",
        "",
        "",
    ),
    CellStatus.NO_NEED: ("Eigenfertigung, kein Zukauf", "Technologie wird dort nicht eingesetzt", "", ""),
    CellStatus.OPPORTUNITY: (
        "Neue Fertigungslinie in Planung",
        "Einkauf fragt nach zweitem Lieferanten",
        "Retrofit der Altanlagen angekündigt",
        "Pilotprojekt mit der Instandhaltung besprochen",
        "",
    ),
}
# Share of the open cells the team has marked, and the most marks, per state.
COVERAGE = {0: (0.7, 30), 1: (0.45, 15), 2: (0.1, 6)}


@dataclass
class SeedResult:
    accounts: int = 0
    units: int = 0
    cells: int = 0
    opportunities: int = 0


def _actors(account: KeyAccount) -> list[User]:
    """The owner and the core team, who maintain the matrix (in a stable order)."""
    core = (
        User.objects.filter(
            team_memberships__account=account, team_memberships__scope=TeamScope.CORE, is_active=True
        )
        .order_by("pk")
        .distinct()
    )
    return [account.owner, *core]


def _competitors(account: KeyAccount) -> list[str]:
    from openkam.competition.selectors import competitor_names

    return list(competitor_names(account)) or list(COMPETITORS)


def _mark(rng: random.Random, account, actor, row: str, group: str, status: str, competitors, result) -> None:
    values: dict = {"status": status, "note": rng.choice(NOTES[status])}
    if status == CellStatus.COMPETITOR:
        values["competitor"] = rng.choice(competitors)
    if status == CellStatus.OPPORTUNITY:
        values["potential"] = Decimal(rng.choice(POTENTIALS))
        result.opportunities += 1
    services.whitespace_cell_set(actor=actor, account=account, unit=row, product_group=group, **values)
    result.cells += 1


def _seed_account(account: KeyAccount, state: int, year: int, result: SeedResult) -> None:
    rng = random.Random(f"openkam-demo-business-{account.customer.number}")
    actors = _actors(account)
    if state == 0:
        name, kind, country = UNITS[rng.randrange(len(UNITS))]
        services.customer_unit_create(
            actor=account.owner, account=account, name=name, kind=kind, country=country
        )
        result.units += 1
    matrix = whitespace_matrix(account, year=year)
    open_cells = [
        (row.name, cell.product_group) for row in matrix.rows for cell in row.cells if not cell.sold
    ]
    share, most = COVERAGE[state]
    chosen = rng.sample(open_cells, min(most, len(open_cells), max(1, round(len(open_cells) * share))))
    weights = [0.35, 0.3, 0.35] if state == 1 else [0.4, 0.35, 0.25]
    statuses = [CellStatus.COMPETITOR, CellStatus.NO_NEED, CellStatus.OPPORTUNITY]
    competitors = _competitors(account)
    for row, group in sorted(chosen):
        status = rng.choices(statuses, weights)[0]
        _mark(rng, account, rng.choice(actors), row, group, status, competitors, result)
    sold = sorted((row.name, cell.product_group) for row in matrix.rows for cell in row.cells if cell.sold)
    if state == 0 and sold:
        # Marked as a competitor's before the first order came in: the ledger now wins.
        row, group = rng.choice(sold)
        _mark(rng, account, account.owner, row, group, CellStatus.COMPETITOR, competitors, result)


@transaction.atomic
def seed_business(*, users: Mapping[str, User] | None = None) -> SeedResult:
    """Mark whitespace cells of the demo key accounts (the four states are in the module
    docstring), as of the ledger's last fiscal year.

    ``users`` is accepted for the generator's uniform call and not needed: the account owners
    and their core teams act. Does nothing without a ledger, and nothing twice: a database that
    holds units or marks already is left alone.
    """
    result = SeedResult()
    if CustomerUnit.objects.exists() or WhitespaceCell.objects.exists():
        return result
    accounts = list(KeyAccount.objects.select_related("customer", "owner").order_by("pk"))
    if not accounts:
        return result
    years = group_data(accounts[0]).years
    if not years:
        return result
    for index, account in enumerate(accounts):
        state = index % 4
        if state == 3:
            continue
        result.accounts += 1
        _seed_account(account, state, years[-1], result)
    return result

"""The ledger figures behind the business and whitespace pages, read once and cached.

A page needs two small aggregates, each one DuckDB query over the ledger (read only through
``openkam.imports.selectors.open_ledger``):

- the ledger's *catalogue*: every product group with a line, and the first and last invoice
  date (shared by all accounts);
- the *lines of one customer group* summed per fiscal year, customer, product group, business
  unit and site (a few thousand rows at most), from which every table of the pages is rolled up
  in Python.

Both are cached under the *ledger state* (the ledger files with their size and modification
time), so the next import changes the key and nothing stale is ever shown; the cache is
Django's (per process unless a shared cache is configured). Amounts are exact decimals with two
places; fiscal year = calendar year, as in ``openkam.analytics.metrics``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache

from openkam.imports.selectors import NoLedger, ledger_files, open_ledger

__all__ = ["Catalogue", "GroupLine", "NoLedger", "catalogue", "group_lines", "ledger_state"]

CACHE_SECONDS = 24 * 3600
_PREFIX = "business:ledger:v1"


@dataclass(frozen=True)
class Catalogue:
    """What the whole ledger holds: our product groups (sorted) and its date range."""

    product_groups: tuple[str, ...]
    first_date: date | None
    last_date: date | None

    @property
    def years(self) -> list[int]:
        if self.first_date is None or self.last_date is None:
            return []
        return list(range(self.first_date.year, self.last_date.year + 1))


@dataclass(frozen=True)
class GroupLine:
    """Revenue and cost of one customer in one fiscal year, product group, business unit and site.

    ``product_group``, ``business_unit`` and ``site`` are ``""`` where the ledger has none.
    """

    year: int
    customer_number: str
    product_group: str
    business_unit: str
    site: str
    revenue: Decimal
    cost: Decimal
    lines: int

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost


def ledger_state() -> str:
    """A short fingerprint of the current ledger; raises NoLedger when there is none."""
    files = ledger_files()
    if not files:
        raise NoLedger
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def _money(value) -> Decimal:
    return Decimal("0.00") if value is None else Decimal(value).quantize(Decimal("0.01"))


def _read_catalogue() -> Catalogue:
    ledger = open_ledger()
    table = (
        ledger.group_by("product_group")
        .aggregate(first=ledger.invoice_date.min(), last=ledger.invoice_date.max())
        .to_pyarrow()
        .to_pylist()
    )
    groups = sorted({row["product_group"] for row in table if row["product_group"]}, key=str.casefold)
    firsts = [row["first"] for row in table if row["first"] is not None]
    lasts = [row["last"] for row in table if row["last"] is not None]
    return Catalogue(
        product_groups=tuple(groups),
        first_date=min(firsts) if firsts else None,
        last_date=max(lasts) if lasts else None,
    )


def catalogue(state: str | None = None) -> Catalogue:
    """The product groups and date range of the ledger; raises NoLedger when there is none.

    ``state`` is the caller's :func:`ledger_state` (read again when not given).
    """
    key = f"{_PREFIX}:catalogue:{state or ledger_state()}"
    found = cache.get(key)
    if found is None:
        found = _read_catalogue()
        cache.set(key, found, CACHE_SECONDS)
    return found


def _read_group_lines(numbers: Sequence[str]) -> list[GroupLine]:
    from openkam.analytics.metrics import MONEY, summable_money

    ledger = open_ledger()
    lines = ledger.filter(ledger.customer_number.isin(list(numbers)))
    table = (
        lines.group_by(
            year=lines.invoice_date.year(),
            customer_number=lines.customer_number,
            product_group=lines.product_group.fill_null(""),
            business_unit=lines.business_unit.fill_null(""),
            site=lines.site.strip().fill_null(""),
        )
        .aggregate(
            revenue=summable_money(lines.net_revenue).sum().cast(MONEY),
            cost=summable_money(lines.cost).sum().cast(MONEY),
            lines=lines.count(),
        )
        .to_pyarrow()
        .to_pylist()
    )
    rows = [
        GroupLine(
            year=int(row["year"]),
            customer_number=row["customer_number"],
            product_group=row["product_group"],
            business_unit=row["business_unit"],
            site=row["site"],
            revenue=_money(row["revenue"]),
            cost=_money(row["cost"]),
            lines=int(row["lines"]),
        )
        for row in table
        if row["year"] is not None
    ]
    rows.sort(key=lambda r: (r.year, r.customer_number, r.product_group, r.business_unit, r.site))
    return rows


def group_lines(numbers: Sequence[str], state: str | None = None) -> list[GroupLine]:
    """The ledger of the customers ``numbers`` summed per year, customer, product group, business
    unit and site. Raises NoLedger when no ledger has been imported."""
    wanted = sorted(set(numbers))
    state = state or ledger_state()
    if not wanted:
        return []
    digest = hashlib.sha256("\0".join(wanted).encode()).hexdigest()[:32]
    key = f"{_PREFIX}:group:{state}:{digest}"
    found = cache.get(key)
    if found is None:
        found = _read_group_lines(wanted)
        cache.set(key, found, CACHE_SECONDS)
    return found

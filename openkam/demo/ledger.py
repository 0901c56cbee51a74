"""The demo company's sales ledger: invoice lines streamed to Parquet, and totals read back.

The ledger can be far larger than memory (50 million lines for benchmarks), so lines are drawn
month by month in blocks of customers with numpy and written as Parquet row groups; no step
holds more than about two row groups at a time. The row order is chronological by month, which
keeps the row-group statistics on ``invoice_date`` useful for readers that filter by period.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from .catalog import BUSINESS_UNITS, CURRENCY, PRODUCT_GROUPS, SITES
from .customers import CHURNED, NEW, CustomerBook, rng_for

# Relative monthly demand of German machine builders: slow January, summer break in August,
# busy year end.
SEASON = np.array([0.85, 0.95, 1.10, 1.00, 1.00, 1.05, 0.95, 0.78, 1.05, 1.07, 1.10, 1.10])
SEASON = SEASON / SEASON.mean()
# Big customers place more orders, but not proportionally more: their orders are larger.
LINES_ELASTICITY = 0.85
CREDIT_NOTE_SHARE = 0.012
PRICE_ADJUSTMENT_SHARE = 0.3
LIST_PRICE_INCREASE = 0.04
COST_INCREASE = 0.03
INVOICE_ID_YEAR_FACTOR = 1_000_000_000

SCHEMA = pa.schema(
    [
        ("invoice_id", pa.int64()),
        ("line_no", pa.int16()),
        ("invoice_date", pa.date32()),
        ("customer_number", pa.dictionary(pa.int32(), pa.string())),
        ("product_group", pa.dictionary(pa.int8(), pa.string())),
        ("business_unit", pa.dictionary(pa.int8(), pa.string())),
        ("site", pa.dictionary(pa.int8(), pa.string())),
        ("quantity", pa.int32()),
        ("net_revenue", pa.decimal128(18, 2)),
        ("cost", pa.decimal128(18, 2)),
        ("currency", pa.dictionary(pa.int8(), pa.string())),
    ]
)

Progress = Callable[[int, int], None]


def default_ledger_path() -> Path:
    """Where the demo ledger lives unless told otherwise (inside ``OPENKAM_DATA_DIR``)."""
    return Path(settings.OPENKAM_DATA_DIR) / "demo" / "ledger.parquet"


@dataclass
class LinePlan:
    """How many lines each customer gets per month and how much a line is worth per year."""

    counts: np.ndarray  # customers × months, int64
    line_value: np.ndarray  # customers × years, euros per line
    breadth: np.ndarray  # customers × months, product groups in reach that month
    first_year: int

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def plan_lines(book: CustomerBook, *, seed: int, lines: int, first_year: int) -> LinePlan:
    """Spread exactly ``lines`` invoice lines over customers and months.

    Each customer's monthly demand follows its size, trend, season and churn; growing customers
    also reach more product groups over time (cross-selling). Counts are rounded systematically
    along the cumulative sum, so every cell gets the floor or ceiling of its expectation and the
    total is exact, while even tiny customers order now and then.
    """
    rng = rng_for(seed, "plan")
    count, months = len(book), book.months
    t = np.arange(months)
    years_before_end = (t - (months - 1)) / 12.0
    trend = (1.0 + book.growth[:, None]) ** years_before_end[None, :]
    active = (t[None, :] >= book.start[:, None]) & (t[None, :] < book.end[:, None])
    # New customers take half a year to reach their level; customers that leave fade out first.
    ramp_up = np.where(
        (book.kind == NEW)[:, None], np.clip((t[None, :] - book.start[:, None] + 1) / 6.0, 0.0, 1.0), 1.0
    )
    run_down = np.where(
        (book.kind == CHURNED)[:, None], np.clip((book.end[:, None] - t[None, :]) / 6.0, 0.3, 1.0), 1.0
    )
    level = book.level[:, None] * trend * ramp_up * run_down * active
    demand = level / 12.0 * SEASON[t % 12][None, :] * rng.gamma(4.0, 0.25, size=(count, months))

    weight = demand**LINES_ELASTICITY
    expected = (weight / weight.sum() * lines).ravel()
    offset = rng.random()
    cuts = np.floor(np.cumsum(expected) + offset)
    counts = np.diff(cuts, prepend=np.floor(offset)).astype(np.int64)
    # Floating-point error in the cumulative sum can leave the total off by one.
    counts[np.argmax(expected)] += lines - counts.sum()
    counts = counts.reshape(count, months)

    years = months // 12
    revenue = demand.reshape(count, years, 12).sum(axis=2)
    per_year = counts.reshape(count, years, 12).sum(axis=2)
    line_value = revenue / np.maximum(per_year, 1)

    peak = np.maximum(level.max(axis=1, keepdims=True), 1e-9)
    breadth = np.clip(np.round(book.breadth[:, None] * (level / peak) ** 0.35), 1, book.breadth[:, None])
    return LinePlan(
        counts=counts, line_value=line_value, breadth=breadth.astype(np.int16), first_year=first_year
    )


@dataclass
class LedgerResult:
    """What was written: the file, its size in lines and row groups."""

    path: Path
    lines: int
    row_groups: int


class _Dictionaries:
    """The fixed value lists of the dictionary-encoded columns, built once per ledger."""

    def __init__(self, book: CustomerBook):
        self.customer = pa.array(book.numbers, type=pa.string())
        self.product_group = pa.array([g.name for g in PRODUCT_GROUPS], type=pa.string())
        self.business_unit = pa.array(BUSINESS_UNITS, type=pa.string())
        self.site = pa.array(SITES, type=pa.string())
        self.currency = pa.array([CURRENCY], type=pa.string())


def _decimal(cents: np.ndarray) -> pa.Array:
    """Exact DECIMAL(18, 2) from integer cents, without one Python object per value.

    Arrow stores a decimal128 as a 16-byte little-endian two's complement integer, so the low
    word is the cents and the high word their sign extension.
    """
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(cents), [None, pa.py_buffer(words)])


def _business_days(year: int, month: int) -> np.ndarray:
    start = np.datetime64(f"{year}-{month:02d}-01")
    days = np.arange(start, start + np.timedelta64(31, "D"), dtype="datetime64[D]")
    days = days[days.astype("datetime64[M]") == start.astype("datetime64[M]")]
    return days[np.is_busday(days)]


def _block_lines(
    book: CustomerBook,
    plan: LinePlan,
    *,
    month: int,
    customers: np.ndarray,
    rng: np.random.Generator,
    first_invoice: int,
    dictionaries: _Dictionaries,
) -> tuple[pa.Table, int]:
    """Draw the invoice lines of ``customers`` in one month; returns the table and invoice count."""
    year_index, month_of_year = divmod(month, 12)
    year = plan.first_year + year_index
    n = plan.counts[customers, month]
    total = int(n.sum())
    cust = np.repeat(customers, n)

    # Invoices: a new invoice starts with probability 1 / (lines per invoice) at every line,
    # and always at a customer's first line of the month.
    new_invoice = rng.random(total) < np.repeat(1.0 / book.lines_per_invoice[customers], n)
    new_invoice[np.cumsum(n) - n] = True
    invoice_of_line = np.cumsum(new_invoice) - 1
    first_line = np.flatnonzero(new_invoice)
    invoices = len(first_line)
    days = _business_days(year, month_of_year + 1)
    invoice_day = days[rng.integers(0, len(days), size=invoices)]
    # Number invoices in date order, as an ERP does; ties are broken at random.
    chronological = np.lexsort((rng.random(invoices), invoice_day))
    invoice_seq = np.empty(invoices, dtype=np.int64)
    invoice_seq[chronological] = np.arange(invoices)
    invoice_id = year * INVOICE_ID_YEAR_FACTOR + first_invoice + invoice_seq
    line_no = np.arange(total) - first_line[invoice_of_line] + 1

    # Product group: a customer buys mostly from the first groups of its preference order.
    reach = plan.breadth[cust, month]
    position = np.minimum((reach * rng.random(total) ** 1.6).astype(np.int64), reach - 1)
    group = book.pg_order[cust, position].astype(np.int64)
    list_price = np.array([g.list_price for g in PRODUCT_GROUPS])[group]
    cost_ratio = np.array([g.cost_ratio for g in PRODUCT_GROUPS])[group]
    unit = np.array([g.business_unit for g in PRODUCT_GROUPS], dtype=np.int8)[group]

    years_before_end = year_index - (plan.line_value.shape[1] - 1)
    price_index = (1.0 + LIST_PRICE_INCREASE) ** years_before_end
    cost_index = (1.0 + COST_INCREASE) ** years_before_end
    target = plan.line_value[cust, year_index] * rng.lognormal(-0.405, 0.9, size=total)
    unit_net = list_price * (1.0 - book.discount[cust]) * price_index * rng.normal(1.0, 0.02, size=total)
    quantity = np.maximum(1, np.rint(target / unit_net)).astype(np.int64)
    revenue = np.rint(quantity * unit_net * 100.0).astype(np.int64)
    cost = np.rint(
        quantity * list_price * cost_ratio * cost_index * rng.normal(1.0, 0.03, size=total) * 100.0
    )
    cost = cost.astype(np.int64)

    # Credit notes: mostly returns (everything negative), some price adjustments (money only).
    credit = (rng.random(invoices) < CREDIT_NOTE_SHARE)[invoice_of_line]
    adjustment = credit & (rng.random(invoices) < PRICE_ADJUSTMENT_SHARE)[invoice_of_line]
    returned = credit & ~adjustment
    quantity = np.where(returned, -quantity, np.where(adjustment, 0, quantity))
    cost = np.where(returned, -cost, np.where(adjustment, 0, cost))
    share = rng.uniform(0.03, 0.15, size=total)
    revenue = np.where(returned, -revenue, np.where(adjustment, -np.rint(revenue * share), revenue))
    revenue = revenue.astype(np.int64)

    order = np.argsort(invoice_id[invoice_of_line], kind="stable")
    table = pa.Table.from_arrays(
        [
            pa.array(invoice_id[invoice_of_line][order]),
            pa.array(line_no[order].astype(np.int16)),
            pa.array(invoice_day[invoice_of_line][order]),
            pa.DictionaryArray.from_arrays(pa.array(cust[order].astype(np.int32)), dictionaries.customer),
            pa.DictionaryArray.from_arrays(
                pa.array(group[order].astype(np.int8)), dictionaries.product_group
            ),
            pa.DictionaryArray.from_arrays(pa.array(unit[order]), dictionaries.business_unit),
            pa.DictionaryArray.from_arrays(
                pa.array(book.site[cust][order].astype(np.int8)), dictionaries.site
            ),
            pa.array(quantity[order].astype(np.int32)),
            _decimal(revenue[order]),
            _decimal(cost[order]),
            pa.DictionaryArray.from_arrays(pa.array(np.zeros(total, dtype=np.int8)), dictionaries.currency),
        ],
        schema=SCHEMA,
    )
    return table, invoices


def _blocks(counts: np.ndarray, chunk_rows: int) -> Iterator[np.ndarray]:
    """Split the customers with lines in one month into blocks of at most ``chunk_rows`` lines.

    A single customer with more lines than that forms a block of its own.
    """
    customers = np.flatnonzero(counts)
    if len(customers) == 0:
        return
    cumulative = np.cumsum(counts[customers])
    block_of = (cumulative - 1) // chunk_rows
    boundaries = np.flatnonzero(np.diff(block_of)) + 1
    yield from np.split(customers, boundaries)


def write_ledger(
    book: CustomerBook,
    plan: LinePlan,
    *,
    seed: int,
    path: Path,
    chunk_rows: int = 250_000,
    progress: Progress | None = None,
) -> LedgerResult:
    """Write the planned invoice lines to ``path`` as Parquet, one row group per ~``chunk_rows`` lines.

    The file is written next to its destination and moved into place at the end, so readers
    never see half a ledger. Raises OSError when the folder cannot be written.
    """
    if sys.byteorder != "little":  # pragma: no cover - every supported platform is little-endian
        raise RuntimeError("The ledger writer builds Arrow decimals for little-endian machines.")
    rng = rng_for(seed, "ledger")
    dictionaries = _Dictionaries(book)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    total, written, row_groups = plan.total, 0, 0
    buffered: list[pa.Table] = []
    buffered_rows = 0
    invoice_seq = 1
    try:
        with pq.ParquetWriter(partial, SCHEMA, compression="zstd") as writer:

            def flush() -> None:
                nonlocal buffered, buffered_rows, written, row_groups
                table = pa.concat_tables(buffered).combine_chunks()
                writer.write_table(table, row_group_size=table.num_rows)
                written += table.num_rows
                row_groups += 1
                buffered, buffered_rows = [], 0
                if progress:
                    progress(written, total)

            for month in range(book.months):
                if month % 12 == 0:
                    invoice_seq = 1
                for customers in _blocks(plan.counts[:, month], chunk_rows):
                    table, invoices = _block_lines(
                        book,
                        plan,
                        month=month,
                        customers=customers,
                        rng=rng,
                        first_invoice=invoice_seq,
                        dictionaries=dictionaries,
                    )
                    invoice_seq += invoices
                    if buffered_rows and buffered_rows + table.num_rows > chunk_rows:
                        flush()
                    buffered.append(table)
                    buffered_rows += table.num_rows
            if buffered:
                flush()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return LedgerResult(path=path, lines=written, row_groups=row_groups)


@dataclass(frozen=True)
class CustomerYear:
    """Totals of one customer in one fiscal year, as summed over the ledger by DuckDB."""

    customer_number: str
    fiscal_year: int
    revenue: Decimal
    margin: Decimal
    lines: int
    product_groups: int


def aggregate_ledger(path: Path) -> list[CustomerYear]:
    """Sum the ledger per customer and fiscal year (the calendar year of the invoice date)."""
    with duckdb.connect() as con:
        rows = con.execute(
            """
            SELECT customer_number, year(invoice_date)::INTEGER, sum(net_revenue),
                   sum(net_revenue - cost), count(*), count(DISTINCT product_group)
            FROM read_parquet($path)
            GROUP BY ALL
            ORDER BY ALL
            """,
            {"path": str(path)},
        ).fetchall()
    return [CustomerYear(*row) for row in rows]


def business_unit_revenue(path: Path, *, year: int) -> dict[str, dict[str, Decimal]]:
    """Revenue per customer and business unit in ``year``, for the reasons of key accounts."""
    with duckdb.connect() as con:
        rows = con.execute(
            """
            SELECT customer_number, business_unit, sum(net_revenue)
            FROM read_parquet($path)
            WHERE year(invoice_date) = $year
            GROUP BY ALL
            """,
            {"path": str(path), "year": year},
        ).fetchall()
    result: dict[str, dict[str, Decimal]] = {}
    for number, unit, revenue in rows:
        result.setdefault(number, {})[unit] = revenue
    return result

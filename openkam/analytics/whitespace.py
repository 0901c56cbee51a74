"""Whitespace: what each of a few customers buys per product group, and where they buy nothing.

The backend computes one small long aggregate (customer, product group, revenue) for the given
customers; it is pivoted here in Python. Ibis' ``pivot_wider`` would compile to one filtered
aggregate per product group, which costs seconds over a large ledger.

Rules:

- Only lines with ``invoice_date <= as_of`` (and ``>= period_start`` when given) count.
- A cell is the sum of the net revenue of all lines of that customer and product group, credit
  notes included, so it can be zero or negative although the customer bought there; a cell
  where the customer has no line at all is 0 too (use :func:`whitespace_long` to tell them apart).
- The columns are the product groups in which at least one of the given customers has a line
  in the period, sorted by name, unless ``product_groups`` fixes them (then lines of other
  groups are ignored). Lines without a product group are ignored.
- One row per requested customer, in the order given, also for customers without any line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import ibis
import pyarrow as pa

from .metrics import MONEY, summable_money

__all__ = ["whitespace_long", "whitespace_matrix"]

ID_COLUMN = "customer_number"
_ARROW_MONEY = pa.decimal128(MONEY.precision, MONEY.scale)


def _check(ledger: ibis.Table, customers: Sequence[str], as_of: date, period_start: date | None) -> list[str]:
    missing = [
        c for c in ("invoice_date", ID_COLUMN, "product_group", "net_revenue") if c not in ledger.columns
    ]
    if missing:
        raise ValueError(f"The ledger lacks the column(s): {', '.join(missing)}.")
    customers = list(customers)
    if any(not isinstance(c, str) for c in customers):
        raise ValueError("Customer numbers must be strings.")
    if len(set(customers)) != len(customers):
        raise ValueError("Each customer may be requested once.")
    if period_start is not None and period_start > as_of:
        raise ValueError(f"The period starts ({period_start}) after as_of ({as_of}).")
    return customers


def whitespace_long_expr(
    ledger: ibis.Table,
    customers: Sequence[str],
    *,
    as_of: date,
    period_start: date | None = None,
    product_groups: Sequence[str] | None = None,
) -> ibis.Table:
    """The Ibis expression of :func:`whitespace_long` (not executed)."""
    condition = (ledger.invoice_date <= as_of) & ledger[ID_COLUMN].isin(list(customers))
    condition &= ledger.product_group.notnull()
    if period_start is not None:
        condition &= ledger.invoice_date >= period_start
    if product_groups is not None:
        condition &= ledger.product_group.isin(list(product_groups))
    lines = ledger.filter(condition)
    return lines.group_by([ID_COLUMN, "product_group"]).aggregate(
        revenue=summable_money(lines.net_revenue).sum().cast(MONEY)
    )


def whitespace_long(
    ledger: ibis.Table,
    customers: Sequence[str],
    *,
    as_of: date,
    period_start: date | None = None,
    product_groups: Sequence[str] | None = None,
) -> pa.Table:
    """Revenue per (customer, product group) with at least one line, as a long pyarrow Table.

    Columns ``customer_number``, ``product_group`` and ``revenue`` (decimal), sorted by
    customer and product group. Arguments and errors as for :func:`whitespace_matrix`.
    """
    customers = _check(ledger, customers, as_of, period_start)
    if not customers:
        return pa.table(
            {
                ID_COLUMN: pa.array([], pa.string()),
                "product_group": pa.array([], pa.string()),
                "revenue": pa.array([], _ARROW_MONEY),
            }
        )
    expr = whitespace_long_expr(
        ledger, customers, as_of=as_of, period_start=period_start, product_groups=product_groups
    )
    table = expr.to_pyarrow()
    return table.sort_by([(ID_COLUMN, "ascending"), ("product_group", "ascending")])


def pivot_whitespace(
    long: pa.Table, customers: Sequence[str], *, product_groups: Sequence[str] | None = None
) -> pa.Table:
    """Pivot a :func:`whitespace_long` result to one row per customer, one column per group.

    Rows follow ``customers``; columns are ``product_groups`` (sorted by name) or the groups
    present in ``long``. Missing cells are 0. Raises ``ValueError`` if a product group is named
    like the id column.
    """
    groups = sorted(
        set(product_groups) if product_groups is not None else set(long.column("product_group").to_pylist())
    )
    if ID_COLUMN in groups:
        raise ValueError(f"A product group must not be called {ID_COLUMN!r}.")
    row_of = {customer: i for i, customer in enumerate(customers)}
    column_of = {group: j for j, group in enumerate(groups)}
    zero = Decimal("0.00")
    cells = [[zero] * len(customers) for _ in groups]
    for customer, group, revenue in zip(
        long.column(ID_COLUMN).to_pylist(),
        long.column("product_group").to_pylist(),
        long.column("revenue").to_pylist(),
        strict=True,
    ):
        if customer in row_of and group in column_of:
            cells[column_of[group]][row_of[customer]] = revenue if revenue is not None else zero
    return pa.table(
        {
            ID_COLUMN: pa.array(list(customers), pa.string()),
            **{group: pa.array(cells[j], _ARROW_MONEY) for group, j in column_of.items()},
        }
    )


def whitespace_matrix(
    ledger: ibis.Table,
    customers: Sequence[str],
    *,
    as_of: date,
    period_start: date | None = None,
    product_groups: Sequence[str] | None = None,
) -> pa.Table:
    """Revenue of each customer per product group, wide: ``customer_number`` then one decimal
    column per product group (rules in the module docstring; one backend query).

    ``customers`` is a list of customer numbers (kept in its order; typically the top of a
    candidate list). Raises ``ValueError`` for missing ledger columns, repeated or non-string
    customer numbers, a period starting after ``as_of`` or a product group called
    ``customer_number``.
    """
    long = whitespace_long(
        ledger, customers, as_of=as_of, period_start=period_start, product_groups=product_groups
    )
    return pivot_whitespace(long, list(customers), product_groups=product_groups)

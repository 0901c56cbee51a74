"""Per-customer metrics over the ledger, computed by the backend through Ibis.

Definitions (all amounts in the ledger currency, no conversion):

- Only lines with ``invoice_date <= as_of`` exist for the computation: nothing later is known.
- Fiscal year = calendar year. ``revenue_<year>``/``margin_<year>`` sum *all* lines of that year
  (credit notes are negative lines and reduce revenue); a year that contains ``as_of`` is
  therefore year-to-date. Customers without lines in a year get 0, not null.
- ``growth`` compares the last two requested fiscal years: ``(last - previous) / previous`` as a
  float; null when the previous year's revenue is zero or negative (no meaningful base).
- The *period* (``period_start``..``period_end``, both inclusive; defaults: the first line and
  ``as_of``) bounds ``revenue``, ``margin``, ``orders``, ``order_value``, ``avg_order_value``,
  ``product_groups`` and ``business_units``.
- An *order* is an invoice (``invoice_id``) whose lines sum to a positive net value; credit notes
  and fully cancelled invoices are not orders. ``order_value`` sums the orders' values,
  ``avg_order_value = order_value / orders`` rounded half up to cents (null without orders); credit
  notes therefore lower ``revenue`` but not the average order value.
- ``product_groups`` and ``business_units`` count distinct values over lines with a positive net
  value in the period (a credit note does not make a product group "bought").
- ``first_purchase``/``last_purchase`` are the first and last order dates up to ``as_of``
  (regardless of the period); ``recency_days = as_of - last_purchase`` in days.

The result is a ``pyarrow.Table`` (one row per customer with any line up to ``as_of``, sorted by
``customer_number``): Arrow keeps money as exact decimals and dates as dates, and converts
cheaply to pandas or Polars. Money columns are decimals with two places where the backend keeps
decimals (DuckDB and PostgreSQL both do).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

REQUIRED_COLUMNS = ("invoice_id", "invoice_date", "customer_number", "product_group", "business_unit")
MONEY = dt.Decimal(38, 2)


def revenue_column(year: int) -> str:
    """Name of the revenue column for a fiscal year (``revenue_2025``)."""
    return f"revenue_{year}"


def margin_column(year: int) -> str:
    """Name of the margin column for a fiscal year (``margin_2025``)."""
    return f"margin_{year}"


def _check_ledger(ledger: ibis.Table) -> None:
    missing = [c for c in (*REQUIRED_COLUMNS, "net_revenue", "cost") if c not in ledger.columns]
    if missing:
        raise ValueError(f"The ledger lacks the column(s): {', '.join(missing)}.")


def ledger_years(ledger: ibis.Table, *, as_of: date) -> list[int]:
    """The calendar years with at least one line up to ``as_of``, ascending (one small query)."""
    _check_ledger(ledger)
    years = ledger.filter(ledger.invoice_date <= as_of).invoice_date.year().name("year").as_table()
    result = years.distinct().order_by("year").to_pyarrow()
    return [int(y) for y in result.column("year").to_pylist()]


def _money(value: ibis.Value) -> ibis.Value:
    return ibis.coalesce(value, ibis.literal(0)).cast(MONEY)


def summable_money(column: ibis.Value) -> ibis.Value:
    """A ledger amount column ready to be summed exactly, the sums then cast to :data:`MONEY`.

    Decimals with at most two places that fit ``MONEY`` are summed as they are: every backend
    sums decimals exactly, so casting each line first would give the same sums, only slower
    (DuckDB then adds 128-bit instead of 64-bit integers for a ``DECIMAL(18, 2)`` ledger).
    Anything else (floats from a CSV, integers, sub-cent decimals) is cast to ``MONEY`` line
    by line, so the sums are sums of cents.
    """
    kind = column.type()
    if (
        kind.is_decimal()
        and kind.precision is not None
        and kind.scale is not None
        and 0 <= kind.scale <= MONEY.scale
        and kind.precision - kind.scale <= MONEY.precision - MONEY.scale
    ):
        return column
    return column.cast(MONEY)


def _average_cents(total: ibis.Value, count: ibis.Value) -> ibis.Value:
    """``total / count`` rounded half up to cents, in exact integer arithmetic on every backend.

    Decimal division returns a double in DuckDB but an exact numeric in PostgreSQL, so rounding
    the quotient would differ between them at half cents; integer cents do not. Assumes
    ``total >= 0`` (order values are positive); null when ``count`` is zero.
    """
    cents = (total * 100).cast("int64")
    count = count.cast("int64")
    rounded = (cents * 2 + count) // (count * 2)
    value = rounded.cast(MONEY) * ibis.literal(Decimal("0.01"), type=MONEY)
    return ibis.ifelse(count > 0, value.cast(MONEY), ibis.null(MONEY))


def customer_metrics_expr(
    ledger: ibis.Table,
    *,
    as_of: date,
    fiscal_years: list[int],
    period_start: date | None = None,
    period_end: date | None = None,
) -> ibis.Table:
    """The Ibis expression behind :func:`customer_metrics` (not executed; for composing further).

    Assumes ``fiscal_years`` is non-empty and already validated.
    """
    end = min(period_end, as_of) if period_end is not None else as_of
    lines = ledger.filter(ledger.invoice_date <= as_of).mutate(
        year=ledger.invoice_date.year(),
        net=summable_money(ledger.net_revenue),
        cost_=summable_money(ledger.cost),
    )

    def within_period(table: ibis.Table) -> ibis.Value:
        condition = table.invoice_date <= end
        if period_start is not None:
            condition &= table.invoice_date >= period_start
        return condition

    in_period = within_period(lines)
    # Without a period of its own, the period is every line up to as_of: nothing to filter.
    whole_period = period_start is None and end == as_of

    # Sums per customer and calendar year first (a few rows per customer), then per customer:
    # cheaper than a filtered sum per fiscal year over every line.
    per_year = lines.group_by(["customer_number", "year"]).aggregate(
        net=lines.net.sum(),
        cost_=lines.cost_.sum(),
        **(
            {}
            if whole_period
            else {
                "net_period": lines.net.sum(where=in_period),
                "cost_period": lines.cost_.sum(where=in_period),
            }
        ),
    )
    yearly: dict[str, ibis.Value] = {}
    for year in fiscal_years:
        in_year = per_year.year == year
        yearly[revenue_column(year)] = _money(per_year.net.sum(where=in_year))
        yearly[f"_cost_{year}"] = _money(per_year.cost_.sum(where=in_year))
    per_customer = per_year.group_by("customer_number").aggregate(
        **yearly,
        revenue=_money((per_year.net if whole_period else per_year.net_period).sum()),
        _cost=_money((per_year.cost_ if whole_period else per_year.cost_period).sum()),
    )

    # Cross-selling breadth: the distinct (product group, business unit) pairs bought first,
    # then both counts from them, instead of two COUNT(DISTINCT) over every line. Taken from a
    # view of the lines so that Ibis keeps reading them from the one shared CTE (the backend
    # scans the ledger once) instead of pushing this filter down into a second scan.
    viewed = lines.view()
    bought = (
        viewed.filter(within_period(viewed) & (viewed.net > 0))
        .select("customer_number", "product_group", "business_unit")
        .distinct()
    )
    breadth = bought.group_by("customer_number").aggregate(
        product_groups=bought.product_group.nunique(),
        business_units=bought.business_unit.nunique(),
    )

    invoices = lines.group_by(["customer_number", "invoice_id"]).aggregate(
        value=lines.net.sum(), invoice_date=lines.invoice_date.min()
    )
    is_order = invoices.value > 0
    order_in_period = is_order & (invoices.invoice_date <= end)
    if period_start is not None:
        order_in_period &= invoices.invoice_date >= period_start
    per_invoice = invoices.group_by("customer_number").aggregate(
        orders=invoices.invoice_id.count(where=order_in_period),
        order_value=_money(invoices.value.sum(where=order_in_period)),
        first_purchase=invoices.invoice_date.min(where=is_order),
        last_purchase=invoices.invoice_date.max(where=is_order),
    )

    joined = per_customer.join(per_invoice, "customer_number").left_join(breadth, "customer_number")
    columns: list[ibis.Value] = [joined.customer_number]
    for year in fiscal_years:
        columns.append(joined[revenue_column(year)])
        columns.append((joined[revenue_column(year)] - joined[f"_cost_{year}"]).name(margin_column(year)))
    if len(fiscal_years) >= 2:
        last = joined[revenue_column(fiscal_years[-1])].cast("float64")
        previous = joined[revenue_column(fiscal_years[-2])].cast("float64")
        columns.append(ibis.ifelse(previous > 0, (last - previous) / previous, ibis.null()).name("growth"))
    else:
        columns.append(ibis.null("float64").name("growth"))
    columns += [
        joined.revenue,
        (joined.revenue - joined._cost).name("margin"),
        joined.orders.cast("int64").name("orders"),
        joined.order_value,
        _average_cents(joined.order_value, joined.orders).name("avg_order_value"),
        ibis.coalesce(joined.product_groups, 0).cast("int64").name("product_groups"),
        ibis.coalesce(joined.business_units, 0).cast("int64").name("business_units"),
        joined.first_purchase,
        joined.last_purchase,
        ibis.literal(as_of).delta(joined.last_purchase, unit="day").cast("int64").name("recency_days"),
    ]
    return joined.select(columns).order_by("customer_number")


def customer_metrics(
    ledger: ibis.Table,
    *,
    as_of: date,
    fiscal_years: list[int] | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> pa.Table:
    """Compute the per-customer metrics (see the module docstring) and return them as Arrow.

    Assumes the ledger columns of ``openkam.demo.ledger.SCHEMA`` (at least ``invoice_id``,
    ``invoice_date``, ``customer_number``, ``product_group``, ``business_unit``, ``net_revenue``,
    ``cost``). ``fiscal_years`` defaults to every year with data up to ``as_of`` (one extra small
    query); they are sorted and de-duplicated. Raises ``ValueError`` for missing columns, an
    empty or implausible year list, years after ``as_of``, or a period that ends before it
    starts (after clipping ``period_end`` to ``as_of``).
    """
    _check_ledger(ledger)
    if fiscal_years is None:
        fiscal_years = ledger_years(ledger, as_of=as_of) or [as_of.year]
    years = sorted(set(fiscal_years))
    if not years:
        raise ValueError("fiscal_years must not be empty.")
    if any(not isinstance(y, int) or not 1900 <= y <= 2200 for y in years):
        raise ValueError(f"Fiscal years must be plain years between 1900 and 2200, got {years}.")
    if years[-1] > as_of.year:
        raise ValueError(f"Fiscal year {years[-1]} lies after as_of {as_of.isoformat()}.")
    end = min(period_end, as_of) if period_end is not None else as_of
    if period_start is not None and period_start > end:
        raise ValueError(f"The period starts ({period_start}) after it ends ({end}).")
    expr = customer_metrics_expr(
        ledger, as_of=as_of, fiscal_years=years, period_start=period_start, period_end=period_end
    )
    return expr.to_pyarrow()

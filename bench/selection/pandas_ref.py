"""The plain-pandas reference: ``python -m bench.selection.pandas_ref LEDGER OUTDIR``.

Reads the columns it needs with pyarrow, turns the two money columns into integer cents (so
sums are exact, as with decimals, and pandas does not hold 50 million ``Decimal`` objects)
and computes the same metrics, scores, ABC classes, quadrants and whitespace with pandas
``groupby``. The criteria come from :mod:`bench.selection.config`; every rule is written out
here, nothing is taken from ``openkam.analytics``. Writes the same two files as
:mod:`bench.selection.ours`.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from scipy.special import ndtr

from bench.selection import config
from bench.selection.finish import finish

COLUMNS = [
    "invoice_id",
    "invoice_date",
    "customer_number",
    "product_group",
    "business_unit",
    "net_revenue",
    "cost",
]
MONEY = pa.decimal128(38, 2)
MONEY_PREFIXES = ("revenue", "margin", "order_value", "avg_order_value")
COUNTS = ("orders", "product_groups", "business_units", "recency_days", "rank")


def _cents(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.multiply(column, pa.scalar(Decimal(100), pa.decimal128(3, 0))).cast(pa.int64())


def _money(cents: pd.Series | np.ndarray) -> pa.Array:
    """Integer cents as exact decimal(38, 2): the same 128-bit integer, read with two places."""
    whole = pa.array(np.asarray(cents, dtype=np.int64)).cast(pa.decimal128(38, 0))
    return pa.Array.from_buffers(MONEY, len(whole), whole.buffers(), null_count=whole.null_count)


def _money_nullable(values: pd.Series) -> pa.Array:
    present = values.notna().to_numpy()
    money = _money(values.fillna(0).astype("int64"))
    return pc.if_else(pa.array(present), money, pa.nulls(len(money), MONEY))


def read_lines(path: str) -> pd.DataFrame:
    table = pq.read_table(path, columns=COLUMNS, filters=[("invoice_date", "<=", config.AS_OF)])
    table = table.set_column(5, "net", _cents(table.column("net_revenue")))
    table = table.set_column(6, "cost", _cents(table.column("cost")))
    return table.to_pandas(date_as_object=False)


def customer_metrics(lines: pd.DataFrame) -> pd.DataFrame:
    customer = lines["customer_number"]
    year = lines["invoice_date"].dt.year
    totals = lines.groupby(customer, observed=True)[["net", "cost"]].sum()
    yearly = lines.groupby([customer, year], observed=True)[["net", "cost"]].sum().unstack(fill_value=0)
    wanted = pd.MultiIndex.from_product([["net", "cost"], config.FISCAL_YEARS])
    yearly = yearly.reindex(index=totals.index, columns=wanted, fill_value=0)
    bought = lines[lines["net"] > 0].groupby("customer_number", observed=True)
    invoices = lines.groupby(["customer_number", "invoice_id"], observed=True).agg(
        value=("net", "sum"), invoice_date=("invoice_date", "min")
    )
    orders = invoices[invoices["value"] > 0].groupby(level="customer_number", observed=True)

    m = pd.DataFrame(index=totals.index.astype(str))
    for y in config.FISCAL_YEARS:
        m[f"revenue_{y}"] = yearly[("net", y)].to_numpy()
        m[f"margin_{y}"] = (yearly[("net", y)] - yearly[("cost", y)]).to_numpy()
    previous, last = (m[f"revenue_{y}"] / 100 for y in config.FISCAL_YEARS[-2:])
    m["growth"] = ((last - previous) / previous).where(previous > 0)
    m["revenue"] = totals["net"].to_numpy()
    m["margin"] = (totals["net"] - totals["cost"]).to_numpy()
    m["orders"] = orders.size().reindex(totals.index, fill_value=0).to_numpy()
    m["order_value"] = orders["value"].sum().reindex(totals.index, fill_value=0).to_numpy()
    # order value / orders rounded half up to cents, in integers
    with np.errstate(divide="ignore", invalid="ignore"):
        average = (m["order_value"] * 2 + m["orders"]) // (m["orders"] * 2)
    m["avg_order_value"] = average.where(m["orders"] > 0)
    m["product_groups"] = bought["product_group"].nunique().reindex(totals.index, fill_value=0).to_numpy()
    m["business_units"] = bought["business_unit"].nunique().reindex(totals.index, fill_value=0).to_numpy()
    m["first_purchase"] = orders["invoice_date"].min().reindex(totals.index).to_numpy()
    m["last_purchase"] = orders["invoice_date"].max().reindex(totals.index).to_numpy()
    m["recency_days"] = (pd.Timestamp(config.AS_OF) - m["last_purchase"]).dt.days
    return m.sort_index()


def normalised(values: pd.Series, criterion) -> pd.Series:
    v = values.astype("float64")
    low, high = v.min(), v.max()
    if criterion.normalisation == "scale":
        x = ((v - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)).clip(0, 1)
    elif v.count() == 0:
        x = v
    elif low == high:
        x = v.where(v.isna(), 0.5)
    elif criterion.normalisation == "minmax":
        x = (v - low) / (high - low)
    elif criterion.normalisation == "rank":
        x = (v.rank(method="average") - 1) / (v.count() - 1)
    else:
        sd = v.std(ddof=0)
        x = pd.Series(ndtr((v - v.mean()) / sd), index=v.index) if sd > 0 else v.where(v.isna(), 0.5)
    if criterion.direction == "lower":
        x = 1 - x
    return x.fillna(0.0 if criterion.missing == "worst" else 0.5)


def score(metrics: pd.DataFrame, criteria) -> pd.Series:
    total = sum(c.weight for c in criteria)
    return 100 * sum(c.weight / total * normalised(metrics[c.key], c) for c in criteria)


def abc_classes(value: pd.Series) -> pd.Series:
    """A/B/C on integer cents: the class of a tie group follows from the positive value above it."""
    positive = value.clip(lower=0)
    ordered = positive.sort_values(ascending=False)
    above = ordered.cumsum() - ordered
    before = above.groupby(value.loc[ordered.index].to_numpy()).transform("first")
    before = before.reindex(value.index)
    total = int(positive.sum())
    a, b = config.ABC_CUTOFFS
    classes = np.where(
        before * 100 < total * round(a * 100), "A", np.where(before * 100 < total * round(b * 100), "B", "C")
    )
    return pd.Series(np.where(value > 0, classes, "C"), index=value.index)


def main(ledger: str, outdir: str) -> None:
    lines = read_lines(ledger)
    m = customer_metrics(lines)
    m["abc_class"] = abc_classes(m[config.ABC_VALUE])
    # The criteria see money in euros, as the other implementations do.
    criteria_frame = m.assign(**{c: m[c] / 100 for c in m.columns if c.startswith(MONEY_PREFIXES)})
    m["score"] = score(criteria_frame, config.RANKING)
    m["rank"] = m["score"].round(9).rank(method="min", ascending=False).astype("int64")
    high = score(criteria_frame, config.ATTRACTIVENESS).round(9) >= config.THRESHOLD
    strong = score(criteria_frame, config.POSITION).round(9) >= config.THRESHOLD
    m["quadrant"] = np.select(
        [high & strong, high, strong], ["invest", "develop", "maintain"], default="efficient"
    )

    top = m.reset_index().sort_values(["rank", "customer_number"]).head(config.WHITESPACE_TOP)
    chosen = lines[lines["customer_number"].isin(top["customer_number"]) & lines["product_group"].notna()]
    cells = (
        chosen.groupby(["customer_number", "product_group"], observed=True)["net"]
        .sum()
        .unstack(fill_value=0)
        .astype("int64")
    )
    cells.index = cells.index.astype(str)
    cells = cells.reindex(index=top["customer_number"], columns=sorted(cells.columns), fill_value=0)

    out = Path(outdir)
    columns = {"customer_number": pa.array(m.index, pa.string())}
    for name in m.columns:
        if name.startswith(MONEY_PREFIXES):
            columns[name] = _money_nullable(m[name])
        elif name in ("first_purchase", "last_purchase"):
            columns[name] = pa.array(m[name], from_pandas=True).cast(pa.date32())
        elif name in COUNTS:
            columns[name] = pa.array(m[name].astype("Int64"), pa.int64(), from_pandas=True)
        else:
            columns[name] = pa.array(m[name], from_pandas=True)
    pq.write_table(pa.table(columns), out / "customers.parquet", use_dictionary=False)
    whitespace = {"customer_number": pa.array(cells.index, pa.string())}
    for group in cells.columns:
        whitespace[str(group)] = _money(cells[group])
    pq.write_table(pa.table(whitespace), out / "whitespace.parquet", use_dictionary=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
    finish()

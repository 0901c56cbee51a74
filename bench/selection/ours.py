"""OpenKAM's selection as one process: ``python -m bench.selection.ours LEDGER OUTDIR``.

Runs :func:`openkam.analytics.selection.run_selection` on the Parquet ledger with the
benchmark configuration and writes what the references must match: ``customers.parquet``
(customer, ABC class, score, rank, quadrant, plus the metrics) and ``whitespace.parquet``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.selection import config
from bench.selection.finish import finish
from openkam.analytics.backends import read_ledger_parquet
from openkam.analytics.selection import run_selection


def main(ledger: str, outdir: str) -> None:
    result = run_selection(
        read_ledger_parquet(ledger),
        as_of=config.AS_OF,
        fiscal_years=config.FISCAL_YEARS,
        ranking=config.RANKING,
        attractiveness=config.ATTRACTIVENESS,
        position=config.POSITION,
        abc_value=config.ABC_VALUE,
        abc_cutoffs=config.ABC_CUTOFFS,
        threshold=config.THRESHOLD,
        whitespace_top=config.WHITESPACE_TOP,
    )
    # One row per customer in the metrics' order, the results looked up by customer number.
    ids = result.metrics.column("customer_number")
    columns = dict(zip(result.metrics.column_names, result.metrics.columns, strict=True))
    for table, names in (
        (result.abc, ["abc_class"]),
        (result.scores, ["score", "rank"]),
        (result.portfolio, ["quadrant"]),
    ):
        position = pc.index_in(ids, value_set=table.column("customer_number").combine_chunks())
        columns.update((name, table.column(name).take(position)) for name in names)
    out = Path(outdir)
    # Read once for the comparison: dictionary encoding would only cost time.
    pq.write_table(pa.table(columns), out / "customers.parquet", use_dictionary=False)
    pq.write_table(result.whitespace, out / "whitespace.parquet", use_dictionary=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
    finish()

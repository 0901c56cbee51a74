"""Where OpenKAM's selection spends its time: ``python -m bench.selection.steps LEDGER``.

Runs the steps of :func:`openkam.analytics.selection.run_selection` one by one through the
same public functions, with the benchmark configuration, and prints one JSON line with the
wall and CPU seconds of each (imports included). Not a measured run: the benchmark calls it
once per ledger size after the measurements, to explain them.
"""

from __future__ import annotations

import json
import resource
import sys
import time

_started = (time.perf_counter(), time.process_time())

from bench.selection import config  # noqa: E402 (the imports are the first step measured)
from openkam.analytics.abc import abc_classes  # noqa: E402
from openkam.analytics.backends import read_ledger_parquet  # noqa: E402
from openkam.analytics.metrics import customer_metrics  # noqa: E402
from openkam.analytics.portfolio import portfolio_positions  # noqa: E402
from openkam.analytics.scoring import score_customers  # noqa: E402
from openkam.analytics.whitespace import whitespace_matrix  # noqa: E402


def main(ledger_path: str) -> None:
    steps: dict[str, tuple[float, float]] = {}
    last = list(_started)

    def step(name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        steps[name] = (round(wall - last[0], 3), round(cpu - last[1], 3))
        last[:] = [wall, cpu]

    step("imports")
    ledger = read_ledger_parquet(ledger_path)
    step("connect")
    metrics = customer_metrics(ledger, as_of=config.AS_OF, fiscal_years=list(config.FISCAL_YEARS))
    step("metrics query")
    abc_classes(metrics, value_column=config.ABC_VALUE, cutoffs=config.ABC_CUTOFFS)
    step("ABC")
    scores = score_customers(metrics, config.RANKING)
    attractiveness = score_customers(metrics, config.ATTRACTIVENESS)
    position = score_customers(metrics, config.POSITION)
    step("scoring (3 models)")
    portfolio_positions(
        attractiveness,
        position,
        size=metrics.select(["customer_number", "revenue"]),
        threshold=config.THRESHOLD,
    )
    step("portfolio")
    top = scores.column("customer_number").slice(0, config.WHITESPACE_TOP).to_pylist()
    whitespace_matrix(ledger, top, as_of=config.AS_OF)
    step("whitespace query")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"steps": steps, "peak_rss_bytes": peak, "customers": metrics.num_rows}))


if __name__ == "__main__":
    main(sys.argv[1])

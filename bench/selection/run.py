"""Selection benchmark: OpenKAM's selection against a hand-written DuckDB script and pandas.

``python -m bench.selection.run`` (``--help`` for the knobs; ``make bench`` runs it with the
defaults through ``bench.run_all``). For each ledger size (1, 10 and 50 million lines by
default) it

1. takes the demo ledger from ``var/bench/ledgers/`` or writes it there first
   (:mod:`bench.selection.ledgers`) and reads the file once, so every run finds it in the
   page cache,
2. runs the three implementations as fresh processes, interleaved and paired: in every round
   each of them once, in an order that rotates from round to round — OpenKAM
   (:mod:`bench.selection.ours`), the DuckDB script (:mod:`bench.selection.sql`) and pandas
   (:mod:`bench.selection.pandas_ref`; ``--pandas-rounds-largest`` limits its runs at the
   largest size),
3. measures each run's wall time, peak resident memory and CPU (:mod:`bench.selection.measure`)
   and the CPU other processes used meanwhile,
4. compares every result with OpenKAM's first one (:mod:`bench.selection.compare`): every
   customer's metrics, ABC class, score (±1e-6), rank and quadrant, and the whitespace
   table; any difference fails the benchmark,
5. runs OpenKAM's steps once more, one by one, to show where its time goes
   (:mod:`bench.selection.steps`, not measured).

The machine should be quiet: before every round the benchmark waits (up to
``--quiet-wait`` seconds) until other processes leave the CPUs idle, and it reports how
much CPU they took during the measured runs.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import shutil
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.load.run import pin_cpus, wait_for_quiet
from bench.selection import config as selection_config
from bench.selection.compare import compare
from bench.selection.ledgers import LedgerSpec, ensure_ledger
from bench.selection.measure import (
    Measurement,
    child_env,
    code_paths,
    fmt_mib,
    fmt_s,
    log,
    median,
    run_child,
    warm_page_cache,
)

IMPLEMENTATIONS = {
    "ours": ("OpenKAM (`run_selection`)", "bench.selection.ours"),
    "sql": ("DuckDB SQL script", "bench.selection.sql"),
    "pandas": ("pandas", "bench.selection.pandas_ref"),
}
SIZES = (1_000_000, 10_000_000, 50_000_000)
# Targets per size: OpenKAM's time and peak memory at most this multiple of the SQL script's.
SQL_FACTOR = {10_000_000: 1.5, 50_000_000: 1.25}
# ... and at least this many times faster than pandas.
PANDAS_SPEEDUP = {50_000_000: 3.0}
# A round in which other processes took more than this share of the CPUs during a run is repeated.
DISTURBED_PCT = 10.0


NAME = "selection"


@dataclass
class Config:
    sizes: tuple[int, ...] = SIZES
    rounds: int = 3
    rounds_largest: int = 3
    # pandas takes about a minute at 50 million lines; fewer runs of it there keep the benchmark short.
    pandas_rounds_largest: int = 3
    cpus: int = 2
    quiet_wait: int = 120
    keep: bool = False

    def rounds_for(self, lines: int) -> int:
        return self.rounds_largest if lines == max(self.sizes) and len(self.sizes) > 1 else self.rounds

    def command(self) -> str:
        default, parts = Config(), ["python", "-m", "bench.selection.run"]
        for key, value in asdict(self).items():
            if value != getattr(default, key):
                flag = "--" + key.replace("_", "-")
                if isinstance(value, bool):
                    parts.append(flag)
                elif isinstance(value, tuple):
                    parts += [flag, ",".join(str(v) for v in value)]
                else:
                    parts += [flag, str(value)]
        return " ".join(parts)


@dataclass
class Round:
    """One run of each implementation (pandas may sit out at the largest size)."""

    runs: dict[str, Measurement] = field(default_factory=dict)

    @property
    def disturbed(self) -> bool:
        return any(m.others_pct > DISTURBED_PCT for m in self.runs.values())


@dataclass
class SizeResult:
    lines: int
    customers: int = 0
    generated_s: float | None = None
    rounds: list[Round] = field(default_factory=list)
    wanted_rounds: int = 0
    problems: list[str] = field(default_factory=list)
    agreement: str = ""
    steps: dict = field(default_factory=dict)

    @property
    def counted(self) -> list[Round]:
        """The rounds the figures come from: the undisturbed ones, or all when too few were."""
        quiet = [r for r in self.rounds if not r.disturbed]
        return quiet if len(quiet) >= self.wanted_rounds or len(quiet) == len(self.rounds) else self.rounds

    @property
    def on_busy_machine(self) -> bool:
        return any(r.disturbed for r in self.counted)

    def runs_of(self, key: str) -> list[Measurement]:
        return [r.runs[key] for r in self.counted if key in r.runs and r.runs[key].ok]

    def median_of(self, key: str, attribute: str) -> float | None:
        return median([getattr(m, attribute) for m in self.runs_of(key)])

    def paired_ratio(self, key: str, other: str, attribute: str) -> float | None:
        """Median over the counted rounds of ``key / other`` within a round."""
        ratios = [
            getattr(r.runs[key], attribute) / getattr(r.runs[other], attribute)
            for r in self.counted
            if key in r.runs and other in r.runs and r.runs[key].ok and r.runs[other].ok
        ]
        return statistics.median(ratios) if ratios else None

    def targets(self) -> list[tuple[str, float | None, str, bool]]:
        """(what, measured, target text, met) for this size's targets."""
        out = []
        if self.lines in SQL_FACTOR:
            limit = SQL_FACTOR[self.lines]
            for attribute, what in (("wall_s", "time"), ("peak_rss_bytes", "peak memory")):
                ratio = self.paired_ratio("ours", "sql", attribute)
                met = ratio is not None and ratio <= limit
                out.append((f"OpenKAM {what} ÷ SQL script", ratio, f"≤ {limit:g}×", met))
        if self.lines in PANDAS_SPEEDUP:
            need = PANDAS_SPEEDUP[self.lines]
            ratio = self.paired_ratio("pandas", "ours", "wall_s")
            out.append(
                ("pandas time ÷ OpenKAM time", ratio, f"≥ {need:g}×", ratio is not None and ratio >= need)
            )
        return out

    @property
    def passed(self) -> bool:
        return not self.problems and all(met for *_, met in self.targets())


@dataclass
class Outcome:
    config: Config
    started: str
    finished: str = ""
    cpus_used: int = 0
    sizes: list[SizeResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.sizes) and all(s.passed for s in self.sizes)


def _run_one(
    result: SizeResult, key: str, ledger: Path, out: Path, expected: Path, logfile: Path
) -> Measurement:
    label, module = IMPLEMENTATIONS[key]
    out.mkdir(parents=True, exist_ok=True)
    m = run_child(key, ["-m", module, str(ledger), str(out)], env=child_env(), logfile=logfile)
    log(NAME, f"  {label}: {m.wall_s:.2f} s, {m.peak_rss_mib:,.0f} MiB, other processes {m.others_pct:.0f} %")
    if not m.ok:
        result.problems.append(f"{label} failed (exit {m.returncode}):\n{m.log_tail}")
    elif out != expected and (expected / "customers.parquet").exists():
        differences = compare(expected, out)
        if differences:
            result.problems.append(f"{label} disagrees with OpenKAM: " + "; ".join(differences))
        shutil.rmtree(out, ignore_errors=True)
    return m


def _measure_size(config: Config, lines: int, work: Path) -> SizeResult:
    spec = LedgerSpec.for_lines(lines)
    result = SizeResult(lines=lines, customers=spec.customers, wanted_rounds=config.rounds_for(lines))
    ledger, result.generated_s = ensure_ledger(spec, log=lambda m: log(NAME, m))
    warm_page_cache(ledger)
    expected = work / f"{lines}-expected"
    keys = list(IMPLEMENTATIONS)
    largest = lines == max(config.sizes)
    # A round disturbed by other processes is repeated, up to as many extra rounds as wanted.
    while (
        len([r for r in result.rounds if not r.disturbed]) < result.wanted_rounds
        and len(result.rounds) < 2 * result.wanted_rounds
    ):
        number = len(result.rounds)
        if config.quiet_wait:
            wait_for_quiet(config.quiet_wait)
        this = Round()
        result.rounds.append(this)
        pandas_done = len([r for r in result.rounds if "pandas" in r.runs and not r.disturbed])
        log(NAME, f"{lines:,} lines, round {number + 1}")
        for key in keys[number % len(keys) :] + keys[: number % len(keys)]:
            if key == "pandas" and largest and pandas_done >= config.pandas_rounds_largest:
                continue
            out = expected if key == "ours" and not expected.exists() else work / f"{lines}-{key}-{number}"
            # Before every run, not once: this VM pages out file pages left unread for ~30 s
            # (DAMON), so the run after pandas' long compute would otherwise read the ledger
            # and its libraries from disk.
            warm_page_cache(ledger, *code_paths())
            this.runs[key] = _run_one(
                result, key, ledger, out, expected, work / f"{lines}-{key}-{number}.log"
            )
        if result.problems:
            break
    if (expected / "customers.parquet").exists():
        shape = result_shape(expected)
        compared = sum(len(r.runs) for r in result.rounds) - 1
        result.customers = shape["customers"]
        result.agreement = (
            f"every run ({compared} compared with OpenKAM's first) agrees on all {shape['customers']:,} "
            f"customers (metrics, ABC class, score ±1e-6, rank, quadrant) and on the whitespace table "
            f"({shape['rows']} customers × {shape['groups']} product groups)"
            if not result.problems
            else "the results disagree or a run failed (see the problems below)"
        )
    steps_log = work / f"{lines}-steps.log"
    m = run_child("steps", ["-m", "bench.selection.steps", str(ledger)], env=child_env(), logfile=steps_log)
    if m.ok:
        result.steps = json.loads(steps_log.read_text().strip().splitlines()[-1])
    return result


def result_shape(folder: Path) -> dict:
    import pyarrow.parquet as pq

    customers = pq.read_metadata(folder / "customers.parquet").num_rows
    ws = pq.read_metadata(folder / "whitespace.parquet")
    return {"customers": customers, "rows": ws.num_rows, "groups": ws.num_columns - 1}


def run(config: Config) -> Outcome:
    outcome = Outcome(config=config, started=datetime.now(UTC).isoformat(timespec="seconds"))
    outcome.cpus_used = pin_cpus(config.cpus)
    work = Path(tempfile.mkdtemp(prefix="openkam-bench-selection-"))
    try:
        # Unmeasured warm-up on the smallest ledger: fills the bytecode cache and loads the libraries.
        smallest, _ = ensure_ledger(LedgerSpec.for_lines(min(config.sizes)), log=lambda m: log(NAME, m))
        for key, (_, module) in IMPLEMENTATIONS.items():
            (work / "warmup").mkdir(exist_ok=True)
            run_child(
                key,
                ["-m", module, str(smallest), str(work / "warmup")],
                env=child_env(),
                logfile=work / "warmup.log",
            )
        for lines in config.sizes:
            outcome.sizes.append(_measure_size(config, lines, work))
    finally:
        if config.keep:
            log(NAME, f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    outcome.finished = datetime.now(UTC).isoformat(timespec="seconds")
    return outcome


# --- reporting -------------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def size_table(size: SizeResult) -> str:
    lines = [
        "| Implementation | Runs | Time s (median) | Time s (all runs) | Peak RSS MiB (median) | CPU s (median) | Time ÷ SQL | Memory ÷ SQL |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for key, (label, _) in IMPLEMENTATIONS.items():
        runs = size.runs_of(key)
        if not runs:
            continue
        time_ratio = size.paired_ratio(key, "sql", "wall_s") if key != "sql" else 1.0
        memory_ratio = size.paired_ratio(key, "sql", "peak_rss_bytes") if key != "sql" else 1.0
        lines.append(
            f"| {label} | {len(runs)} | {fmt_s(size.median_of(key, 'wall_s'))} | "
            f"{', '.join(fmt_s(m.wall_s) for m in runs)} | "
            f"{fmt_mib(median([m.peak_rss_mib for m in runs]))} | {fmt_s(size.median_of(key, 'cpu_s'))} | "
            f"{_ratio(time_ratio)} | {_ratio(memory_ratio)} |"
        )
    return "\n".join(lines)


def steps_line(size: SizeResult) -> str:
    if not size.steps:
        return ""
    steps = size.steps["steps"]
    total = sum(wall for wall, _ in steps.values())
    parts = ", ".join(f"{name} {wall:.2f} s" for name, (wall, _) in steps.items())
    return f"OpenKAM step by step (one extra, unmeasured run; {total:.1f} s in all): {parts}."


def quietness(size: SizeResult) -> str:
    """How much other processes took from the measured runs, in one sentence."""
    counted = [m.others_pct for r in size.counted for m in r.runs.values()]
    repeated = len(size.rounds) - len([r for r in size.rounds if not r.disturbed])
    text = (
        f"during the counted runs they used {min(counted):.0f}–{max(counted):.0f} % of the CPUs"
        if counted
        else "no run was counted"
    )
    if repeated:
        text += f"; {repeated} round(s) with more than {DISTURBED_PCT:.0f} % were repeated and not counted"
    if size.on_busy_machine:
        text += (
            f" — **the machine stayed busy: these figures include disturbed rounds** "
            f"({len(size.rounds)} rounds in all)"
        )
    return text + "."


def render_size(size: SizeResult) -> str:
    title = f"#### {size.lines:,} lines ({size.customers:,} customers)"
    targets = size.targets()
    verdict = "targets met" if size.passed else "**targets missed**"
    if not targets:
        verdict = "no target at this size" if not size.problems else "**failed**"
    parts = [title, "", size_table(size), ""]
    for what, value, target, met in targets:
        parts.append(f"- {what}: {_ratio(value)} (target {target}) {'✓' if met else '✗'}")
    parts.append(f"- Result: {verdict}; {size.agreement}.")
    if size.generated_s is not None:
        parts.append(
            f"- The ledger was written for this run ({size.generated_s:.0f} s); otherwise it is reused."
        )
    parts.append(f"- Other processes: {quietness(size)}")
    if size.steps:
        parts.append(f"- {steps_line(size)}")
    for problem in size.problems:
        parts.append(f"- Problem: {problem}")
    return "\n".join(parts)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def render_markdown(outcome: Outcome, machine: dict, command: str) -> str:
    cfg = outcome.config
    verdict = "**all targets met**" if outcome.passed else "**targets missed** (see below)"
    software = ", ".join(
        f"{name} {_version(dist)}"
        for name, dist in (
            ("DuckDB", "duckdb"),
            ("Ibis", "ibis-framework"),
            ("pyarrow", "pyarrow"),
            ("pandas", "pandas"),
            ("NumPy", "numpy"),
            ("SciPy", "scipy"),
        )
    )
    body = [
        f"Last run: {outcome.started} to {outcome.finished} (UTC) — {verdict}.",
        "",
        f"- Command: `{command}` (reproduces this section: `{cfg.command()}`)",
        f"- Machine: {machine['summary']}; benchmark pinned to {outcome.cpus_used} CPUs; DuckDB with its default threads.",
        f"- Software: Python {sys.version.split()[0]}, {software}.",
        f"- Selection: {selection_config.describe()}",
        f"- Rounds: {cfg.rounds} per size ({cfg.rounds_largest} at {max(cfg.sizes):,} lines, pandas there "
        f"{cfg.pandas_rounds_largest}×); medians of the runs; the ratios are medians of the ratios within a round.",
        "",
    ]
    for size in outcome.sizes:
        body += [render_size(size), ""]
    return "\n".join(body)


TITLE = "Selection: metrics, ABC, scoring, portfolio and whitespace over 1–50 million ledger lines"
DESCRIPTION = """\
The full key-account selection — per-customer metrics over the ledger, ABC on revenue, three
scoring models (ranking, attractiveness, position), the portfolio quadrants and the whitespace
of the top 200 by product group — as a head of KAM runs it, measured as a whole process from
start to exit (interpreter start-up and imports included), on demo ledgers of 1, 10 and 50
million lines with 5,000 customers per million lines. OpenKAM's `run_selection` (Ibis on DuckDB
over the Parquet file, `bench/selection/ours.py`) runs against two references that compute the
same result in the same run:

- a hand-written DuckDB SQL script (`bench/selection/selection.sql`), one script as a DuckDB
  expert would write it — one CTE of the needed columns read once, pre-aggregations per
  (customer, year), per (customer, invoice) and of the distinct (customer, product group,
  business unit) triples bought, `FILTER` aggregates, window functions for the
  normalisations, ranks and ABC, a macro for the normal distribution function DuckDB lacks,
  `PIVOT` for the whitespace — the practical limit;
- plain pandas (`bench/selection/pandas_ref.py`): the columns read with pyarrow, money as
  integer cents, `groupby`/`unstack`, SciPy's `ndtr` for the z-scores.

Each writes its per-customer result and the whitespace table to Parquet, and the benchmark
fails unless every run agrees with OpenKAM's first one on every customer's metrics (exact
decimals and counts), ABC class, score (±1e-6 points), rank and quadrant, and on every cell of
the whitespace table.

Why it is fair: the three run one after another in rounds whose order rotates, on the same
file, read right before every run — with the standard library, the packages the three import and
the bytecode cache — so every run finds its data and code in the page cache (this VM pages out
file pages nobody read for ~30 s, so a run following pandas' minute of computing would otherwise
load the ledger and its libraries from disk), pinned to the same 2 CPUs,
both DuckDB runs with DuckDB's default threads. Time is the child's wall time from spawn to
exit, memory its peak resident set (`ru_maxrss` from `wait4`); the ratios are medians of the
ratios within a round. Before each round the benchmark waits for the machine to be idle, and a
round in which other processes took more than 10 % of the CPUs is repeated (at most as many
times as there are rounds) and left out. Every child finds compiled bytecode (a cache under
`var/bench/pycache`, as an installed OpenKAM has), because these machines set
`PYTHONDONTWRITEBYTECODE`, which would otherwise charge OpenKAM several seconds of compiling
Ibis, SciPy and Django on every start. Every child ends with `os._exit(0)` once its result
files are written and closed (`bench/selection/finish.py`), as one-shot batch tools do: the
interpreter's teardown — a final garbage collection over the objects of every imported module,
~0.4 s for the Ibis, sqlglot and pandas stack whatever the ledger size — is no part of the
computation compared, and a worker running selections never pays it. The ledgers are generated once with the demo generator
and cached under `var/bench/ledgers/` (written again when the generator or its parameters
change; 50 million lines take about 40 s).
"""


def benchmark(machine: dict, command: str) -> tuple[str, bool]:
    """Entry point for bench.run_all: run with the defaults; (markdown section body, passed)."""
    outcome = run(Config())
    body = render_markdown(outcome, machine, command)
    print(body)
    return body, outcome.passed


def parse_args(argv: list[str] | None = None) -> Config:
    d = Config()
    parser = argparse.ArgumentParser(
        prog="python -m bench.selection.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sizes", default=",".join(map(str, d.sizes)), help="ledger lines, comma-separated")
    parser.add_argument("--rounds", type=int, default=d.rounds, help="rounds per size")
    parser.add_argument(
        "--rounds-largest", type=int, default=d.rounds_largest, help="rounds at the largest size"
    )
    parser.add_argument(
        "--pandas-rounds-largest",
        type=int,
        default=d.pandas_rounds_largest,
        help="pandas runs at the largest size",
    )
    parser.add_argument("--cpus", type=int, default=d.cpus, help="pin everything to this many CPUs; 0: all")
    parser.add_argument(
        "--quiet-wait", type=int, default=d.quiet_wait, help="seconds to wait for an idle machine"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary results and logs")
    args = parser.parse_args(argv)
    sizes = tuple(sorted({int(float(s)) for s in args.sizes.split(",") if s.strip()}))
    if not sizes or min(sizes) < 10_000:
        parser.error("--sizes takes line counts of at least 10,000")
    return Config(
        sizes=sizes,
        rounds=args.rounds,
        rounds_largest=args.rounds_largest,
        pandas_rounds_largest=args.pandas_rounds_largest,
        cpus=args.cpus,
        quiet_wait=args.quiet_wait,
        keep=args.keep,
    )


def main(argv: list[str] | None = None) -> int:
    outcome = run(parse_args(argv))
    from bench.run_all import machine_info

    print(render_markdown(outcome, machine_info(), "python -m bench.selection.run"))
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main())

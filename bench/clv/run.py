"""CLV benchmark: fitting BG/NBD and Gamma-Gamma on 200,000 customers.

``python -m bench.clv.run`` (``make bench`` runs it through ``bench.run_all``). Runs
:mod:`bench.clv.fit` as a fresh process a few times (waiting for a quiet machine before
each), and reports the fit time (both models, the simulation excluded), the whole process's
time and peak memory, and whether the fitted parameters recover the true ones: every
parameter within three standard errors (from the observed information) of its true value and
both fits converged.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.load.run import pin_cpus, wait_for_quiet
from bench.selection.measure import Measurement, child_env, fmt_mib, fmt_s, log, run_child

NAME = "clv"
FIT_TARGET_S = 10.0
MAX_Z = 3.0


@dataclass
class Config:
    customers: int = 200_000
    seed: int = 2026
    runs: int = 3
    cpus: int = 2
    quiet_wait: int = 120

    def command(self) -> str:
        default, parts = Config(), ["python", "-m", "bench.clv.run"]
        for key in ("customers", "seed", "runs", "cpus", "quiet_wait"):
            if getattr(self, key) != getattr(default, key):
                parts += ["--" + key.replace("_", "-"), str(getattr(self, key))]
        return " ".join(parts)


@dataclass
class Outcome:
    config: Config
    started: str
    finished: str = ""
    cpus_used: int = 0
    runs: list[tuple[Measurement, dict]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def results(self) -> list[dict]:
        return [r for m, r in self.runs if m.ok and r]

    @property
    def fit_s(self) -> float | None:
        times = [r["timings"]["fit"] for r in self.results]
        return statistics.median(times) if times else None

    @property
    def recovered(self) -> bool:
        if not self.results:
            return False
        r = self.results[0]  # every run fits the same seeded data
        converged = r["bgnbd"]["converged"] and r["gamma_gamma"]["converged"]
        return converged and all(abs(p["z"]) <= MAX_Z for p in r["parameters"].values())

    @property
    def passed(self) -> bool:
        return not self.problems and self.fit_s is not None and self.fit_s <= FIT_TARGET_S and self.recovered


def run(config: Config) -> Outcome:
    outcome = Outcome(config=config, started=datetime.now(UTC).isoformat(timespec="seconds"))
    outcome.cpus_used = pin_cpus(config.cpus)
    args = ["-m", "bench.clv.fit", "--customers", str(config.customers), "--seed", str(config.seed)]
    with tempfile.TemporaryDirectory(prefix="openkam-bench-clv-") as tmp:
        logfile = Path(tmp) / "fit.log"
        run_child("warm-up", args, env=child_env(), logfile=logfile)  # fills the bytecode cache
        for number in range(config.runs):
            if config.quiet_wait:
                wait_for_quiet(config.quiet_wait)
            log(NAME, f"fit {number + 1} of {config.runs}: {config.customers:,} customers")
            m = run_child("fit", args, env=child_env(), logfile=logfile)
            result = {}
            if m.ok:
                result = json.loads(logfile.read_text().strip().splitlines()[-1])
                log(
                    NAME,
                    f"  fit {result['timings']['fit']:.2f} s, process {m.wall_s:.2f} s, {m.peak_rss_mib:,.0f} MiB",
                )
            else:
                outcome.problems.append(f"the fit failed (exit {m.returncode}):\n{m.log_tail}")
            outcome.runs.append((m, result))
    outcome.finished = datetime.now(UTC).isoformat(timespec="seconds")
    return outcome


def render_markdown(outcome: Outcome, machine: dict, command: str) -> str:
    cfg = outcome.config
    verdict = "**all targets met**" if outcome.passed else "**targets missed** (see below)"
    lines = [
        f"Last run: {outcome.started} to {outcome.finished} (UTC) — {verdict}.",
        "",
        f"- Command: `{command}` (reproduces this section: `{cfg.command()}`)",
        f"- Machine: {machine['summary']}; benchmark pinned to {outcome.cpus_used} CPUs.",
        f"- Data: {cfg.customers:,} customers simulated from the BG/NBD and Gamma-Gamma processes (seed "
        f"{cfg.seed}), continuous time in weeks, observed 52–104 weeks each.",
    ]
    for problem in outcome.problems:
        lines.append(f"- Problem: {problem}")
    if not outcome.results:
        return "\n".join(lines)
    r = outcome.results[0]
    measurements = [m for m, res in outcome.runs if m.ok and res]
    fits = [res["timings"]["fit"] for res in outcome.results]
    others = [m.others_pct for m in measurements]
    lines += [
        f"- Repeat buyers (the Gamma-Gamma sample): {r['repeat_buyers']:,}; correlation of frequency and "
        f"mean value {r['gamma_gamma']['frequency_value_correlation']:.3f}.",
        "",
        "| | Median | All runs |",
        "|---|---:|---|",
        f"| Fit, both models (s) | {fmt_s(outcome.fit_s)} | {', '.join(fmt_s(f) for f in fits)} |",
        "| of it BG/NBD (s) | "
        + fmt_s(statistics.median(x["timings"]["fit_bgnbd"] for x in outcome.results))
        + " | |",
        "| of it Gamma-Gamma (s) | "
        + fmt_s(statistics.median(x["timings"]["fit_gamma_gamma"] for x in outcome.results))
        + " | |",
        f"| Whole process: imports, simulation, fit, standard errors (s) | "
        f"{fmt_s(statistics.median(m.wall_s for m in measurements))} | "
        f"{', '.join(fmt_s(m.wall_s) for m in measurements)} |",
        f"| Peak RSS of the process (MiB) | {fmt_mib(statistics.median(m.peak_rss_mib for m in measurements))} | |",
        "",
        "| Parameter | True | Fitted | Error | Standard error (log) | z |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, p in r["parameters"].items():
        lines.append(
            f"| {name} | {p['true']:g} | {p['fitted']:.4f} | {100 * p['relative_error']:+.2f} % | "
            f"{p['se_log']:.4f} | {p['z']:+.2f} |"
        )
    lines += [
        "",
        f"- BG/NBD: log-likelihood {r['bgnbd']['log_likelihood']:,.1f}, {r['bgnbd']['method']}, "
        f"{r['bgnbd']['iterations']} iterations, converged: {'yes' if r['bgnbd']['converged'] else 'no'}. "
        f"Gamma-Gamma: log-likelihood {r['gamma_gamma']['log_likelihood']:,.1f}, {r['gamma_gamma']['method']}, "
        f"{r['gamma_gamma']['iterations']} iterations, converged: {'yes' if r['gamma_gamma']['converged'] else 'no'}.",
        f"- Fit time: {fmt_s(outcome.fit_s)} s (target ≤ {FIT_TARGET_S:g} s) "
        f"{'✓' if outcome.fit_s is not None and outcome.fit_s <= FIT_TARGET_S else '✗'}; parameters recovered "
        f"(every |z| ≤ {MAX_Z:g}, both fits converged): {'yes ✓' if outcome.recovered else 'no ✗'}.",
        f"- Other processes used {min(others):.0f}–{max(others):.0f} % of the CPUs during the runs.",
    ]
    return "\n".join(lines)


TITLE = "CLV: BG/NBD and Gamma-Gamma fitted on 200,000 customers"
DESCRIPTION = """\
Fits the customer-value models of `openkam.analytics.clv` — BG/NBD (purchase and drop-out) and
Gamma-Gamma (spend) — on 200,000 customers, the size of a large customer base, and checks that
they find the parameters the data were made with. The data are simulated from the two models'
generative processes with known parameters (the published CDNOW estimates: r = 0.243,
α = 4.414, a = 0.793, b = 2.426; p = 6.25, q = 3.74, v = 15.44; seeded), rather than derived
from the demo ledger, whose customers do not follow these models and so have no true
parameters to recover. Times are continuous (weeks), so no two customers share a summary and
the fit cannot shortcut by grouping identical ones: every likelihood evaluation covers all
200,000 customers (weekly summaries from `rfm_summary` group, and fit faster).

The fit time is that of `fit_bgnbd` plus `fit_gamma_gamma`, measured inside a fresh process
(`bench/clv/fit.py`), median of the runs; the whole process (imports, simulation, the fit and
the standard errors for the check) is reported too. Recovery: every fitted parameter lies
within three standard errors of the true value, on the log scale the optimiser works on, with
the standard errors from the observed information (the inverse Hessian of the negative
log-likelihood at the optimum).
"""


def benchmark(machine: dict, command: str) -> tuple[str, bool]:
    """Entry point for bench.run_all: run with the defaults; (markdown section body, passed)."""
    outcome = run(Config())
    body = render_markdown(outcome, machine, command)
    print(body)
    return body, outcome.passed


def main(argv: list[str] | None = None) -> int:
    d = Config()
    parser = argparse.ArgumentParser(prog="python -m bench.clv.run", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=d.customers)
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument("--runs", type=int, default=d.runs)
    parser.add_argument("--cpus", type=int, default=d.cpus, help="pin everything to this many CPUs; 0: all")
    parser.add_argument(
        "--quiet-wait", type=int, default=d.quiet_wait, help="seconds to wait for an idle machine"
    )
    args = parser.parse_args(argv)
    config = Config(args.customers, args.seed, args.runs, args.cpus, args.quiet_wait)
    outcome = run(config)
    from bench.run_all import machine_info

    print(render_markdown(outcome, machine_info(), "python -m bench.clv.run"))
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main())

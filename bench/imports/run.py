"""Import benchmark: OpenKAM's validated import of a 10-million-line German CSV file.

``python -m bench.imports.run`` (``make bench`` runs it through ``bench.run_all``). It

1. writes the German ledger CSV and the customer master CSV from the 10-million-line demo
   ledger (:mod:`bench.imports.files`, cached under ``var/bench/imports/``),
2. builds a throw-away installation in a temporary folder (``OPENKAM_VAR_DIR``, SQLite,
   production settings): ``migrate`` and the customer master through the customer import,
3. measures in rounds, paired and in alternating order: (a) a bare DuckDB ``read_csv`` of the
   file into a table (:mod:`bench.imports.bare`) and (b) ``manage.py import_ledger`` of the
   same file into a fresh copy of the installation — the whole command as an operator runs
   it: Django start-up, storing the upload, detection, conversion and validation of every
   value, the checks against the customer master and earlier imports, writing the ledger
   file and committing the yearly revenue,
4. checks that the import succeeded and that its ledger file holds what (a) read: the same
   lines, revenue, cost and date range (:mod:`bench.imports.check`).
"""

from __future__ import annotations

import argparse
import json
import secrets
import shlex
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.imports.files import ensure_files
from bench.load.run import pin_cpus, wait_for_quiet
from bench.selection.measure import (
    REPO,
    Measurement,
    child_env,
    code_paths,
    fmt_mib,
    fmt_s,
    log,
    run_child,
    warm_page_cache,
)

NAME = "imports"
TARGET_FACTOR = 2.0
DISTURBED_PCT = 10.0
IMPORT_OPTIONS = ["--kind", "ledger", "--delimiter", ";", "--decimal", ",", "--date-format", "%d.%m.%Y"]


@dataclass
class Config:
    lines: int = 10_000_000
    rounds: int = 3
    cpus: int = 2
    quiet_wait: int = 120
    keep: bool = False

    def command(self) -> str:
        default, parts = Config(), ["python", "-m", "bench.imports.run"]
        for key in ("lines", "rounds", "cpus", "quiet_wait"):
            if getattr(self, key) != getattr(default, key):
                parts += ["--" + key.replace("_", "-"), str(getattr(self, key))]
        if self.keep:
            parts.append("--keep")
        return " ".join(parts)


@dataclass
class Round:
    bare: Measurement | None = None
    imported: Measurement | None = None

    @property
    def runs(self) -> list[Measurement]:
        return [m for m in (self.bare, self.imported) if m is not None]

    @property
    def disturbed(self) -> bool:
        return any(m.others_pct > DISTURBED_PCT for m in self.runs)

    @property
    def ok(self) -> bool:
        return self.bare is not None and self.imported is not None and self.bare.ok and self.imported.ok


@dataclass
class Outcome:
    config: Config
    started: str
    finished: str = ""
    cpus_used: int = 0
    csv_bytes: int = 0
    customers: int = 0
    setup_s: float = 0.0
    rounds: list[Round] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def counted(self) -> list[Round]:
        quiet = [r for r in self.rounds if r.ok and not r.disturbed]
        return quiet or [r for r in self.rounds if r.ok]

    @property
    def ratio(self) -> float | None:
        ratios = [r.imported.wall_s / r.bare.wall_s for r in self.counted]
        return statistics.median(ratios) if ratios else None

    @property
    def passed(self) -> bool:
        return not self.problems and self.ratio is not None and self.ratio <= TARGET_FACTOR


class Installation:
    """The template installation (migrated, customer master imported) and fresh copies of it."""

    def __init__(self, root: Path):
        self.root = root
        self.secret = "bench-" + secrets.token_urlsafe(48)

    def env(self, var: Path) -> dict[str, str]:
        return child_env(
            DJANGO_SETTINGS_MODULE="config.settings",
            OPENKAM_VAR_DIR=str(var),
            OPENKAM_SECRET_KEY=self.secret,
            OPENKAM_ALLOWED_HOSTS="127.0.0.1",
            OPENKAM_LOG_LEVEL="WARNING",
        )

    @property
    def template(self) -> Path:
        return self.root / "template" / "var"

    def manage(self, var: Path, *args: str, logfile: Path) -> Measurement:
        return run_child("manage", [str(REPO / "manage.py"), *args], env=self.env(var), logfile=logfile)

    def build(self, customers_csv: Path) -> None:
        self.template.mkdir(parents=True)
        for args in (
            ("migrate", "--noinput"),
            ("import_ledger", str(customers_csv), "--kind", "customers", "--delimiter", ";"),
        ):
            m = self.manage(self.template, *args, logfile=self.root / f"setup-{args[0]}.log")
            if not m.ok:
                raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{m.log_tail}")

    def copy(self, name: str) -> Path:
        var = self.root / name / "var"
        shutil.copytree(self.template, var)
        return var


def _last_json(log: Path) -> dict:
    return json.loads(log.read_text().strip().splitlines()[-1])


def run(config: Config) -> Outcome:
    outcome = Outcome(config=config, started=datetime.now(UTC).isoformat(timespec="seconds"))
    outcome.cpus_used = pin_cpus(config.cpus)
    csv_path, customers_csv, _, _ = ensure_files(config.lines, log=lambda m: log(NAME, m))
    outcome.csv_bytes = csv_path.stat().st_size
    outcome.customers = sum(1 for _ in customers_csv.open()) - 1
    root = Path(tempfile.mkdtemp(prefix="openkam-bench-imports-"))
    try:
        started = datetime.now(UTC)
        log(NAME, f"building the installation in {root} (migrate, {outcome.customers:,} customers)")
        inst = Installation(root)
        inst.build(customers_csv)
        outcome.setup_s = (datetime.now(UTC) - started).total_seconds()
        # Unmeasured warm-up: bytecode cache, the file in the page cache.
        run_child(
            "warm-up", ["-m", "bench.imports.bare", str(csv_path)], env=child_env(), logfile=root / "warm.log"
        )
        while (
            len([r for r in outcome.rounds if r.ok and not r.disturbed]) < config.rounds
            and len(outcome.rounds) < 2 * config.rounds
        ):
            number = len(outcome.rounds)
            if config.quiet_wait:
                wait_for_quiet(config.quiet_wait)
            this = Round()
            outcome.rounds.append(this)
            var = inst.copy(f"round-{number}")
            for which in ("bare", "import") if number % 2 == 0 else ("import", "bare"):
                logfile = root / f"{which}-{number}.log"
                # This VM pages out file pages left unread for ~30 s (DAMON): warm the file and
                # the libraries before each run.
                warm_page_cache(csv_path, *code_paths())
                log(
                    NAME,
                    f"round {number + 1}: {'bare DuckDB read_csv' if which == 'bare' else 'manage.py import_ledger'}",
                )
                if which == "bare":
                    this.bare = run_child(
                        "bare", ["-m", "bench.imports.bare", str(csv_path)], env=child_env(), logfile=logfile
                    )
                    m = this.bare
                else:
                    this.imported = run_child(
                        "import",
                        [str(REPO / "manage.py"), "import_ledger", str(csv_path), *IMPORT_OPTIONS],
                        env=inst.env(var),
                        logfile=logfile,
                        stamp_lines=True,
                    )
                    m = this.imported
                log(
                    NAME,
                    f"  {m.wall_s:.2f} s, {m.peak_rss_mib:,.0f} MiB, other processes {m.others_pct:.0f} %",
                )
                if not m.ok:
                    outcome.problems.append(f"{which} failed (exit {m.returncode}):\n{m.log_tail}")
            if this.ok:
                bare = _last_json(root / f"bare-{number}.log")
                check = run_child(
                    "check", ["-m", "bench.imports.check"], env=inst.env(var), logfile=root / "check.log"
                )
                stored = _last_json(root / "check.log") if check.ok else {}
                if stored.get("files") != 1 or any(stored.get(k) != bare[k] for k in bare):
                    outcome.problems.append(
                        f"the import's ledger differs from the file as DuckDB reads it: {stored} against {bare}"
                    )
                outcome.figures = bare
            shutil.rmtree(var.parent, ignore_errors=True)
            if outcome.problems:
                break
    finally:
        if config.keep:
            log(NAME, f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    outcome.finished = datetime.now(UTC).isoformat(timespec="seconds")
    return outcome


def phases(m: Measurement) -> list[tuple[str, float]]:
    """(what, seconds) of the import from its progress lines."""
    marks = [(t, line.strip()) for t, line in m.lines if line.strip()]
    if not marks:
        return []
    result = [("start-up, storing the upload (copy and SHA-256), detecting the format", marks[0][0])]
    progress = [
        (t, line) for t, line in marks if "%" in line.split(" ", 2)[:2] or line.startswith("Imported")
    ]
    for (t, line), (t_next, _) in zip(progress, [*progress[1:], (m.wall_s, "")], strict=True):
        text = line.split("%", 1)[1].strip() if "%" in line and not line.startswith("Imported") else "exit"
        result.append((text, t_next - t))
    return result


def render_markdown(outcome: Outcome, machine: dict, command: str) -> str:
    cfg = outcome.config
    verdict = "**all targets met**" if outcome.passed else "**targets missed** (see below)"
    lines = [
        f"Last run: {outcome.started} to {outcome.finished} (UTC) — {verdict}.",
        "",
        f"- Command: `{command}` (reproduces this section: `{cfg.command()}`)",
        f"- Machine: {machine['summary']}; benchmark pinned to {outcome.cpus_used} CPUs; DuckDB with its default "
        "threads in both; the import with its default memory limit.",
        f"- File: {cfg.lines:,} lines, {outcome.csv_bytes / 2**20:,.0f} MiB, UTF-8, `;`, decimal comma, "
        f"`DD.MM.YYYY`, credit notes as negative lines; customer master of {outcome.customers:,} customers "
        f"imported first (set-up {outcome.setup_s:.0f} s, not measured).",
        f"- Import command: `manage.py import_ledger FILE {shlex.join(IMPORT_OPTIONS)}` in a fresh copy of the "
        "installation (SQLite, production settings).",
    ]
    counted = outcome.counted
    if counted:
        bare = [r.bare for r in counted]
        imported = [r.imported for r in counted]
        lines += [
            "",
            "| | Runs | Time s (median) | Time s (all runs) | Peak RSS MiB (median) | CPU s (median) | ÷ bare read_csv |",
            "|---|---:|---:|---|---:|---:|---:|",
        ]
        for label, runs, ratio in (
            ("(a) DuckDB `read_csv` into a table", bare, 1.0),
            ("(b) OpenKAM's validated import", imported, outcome.ratio),
        ):
            lines.append(
                f"| {label} | {len(runs)} | {fmt_s(statistics.median(m.wall_s for m in runs))} | "
                f"{', '.join(fmt_s(m.wall_s) for m in runs)} | "
                f"{fmt_mib(statistics.median(m.peak_rss_mib for m in runs))} | "
                f"{fmt_s(statistics.median(m.cpu_s for m in runs))} | {ratio:.2f}× |"
            )
        typical = sorted(imported, key=lambda m: m.wall_s)[len(imported) // 2]
        steps = "; ".join(f"{what} {seconds:.1f} s" for what, seconds in phases(typical))
        others = [m.others_pct for r in counted for m in r.runs]
        quiet = [r for r in outcome.rounds if r.ok and not r.disturbed]
        if len(quiet) == len(counted):
            busy = f"; {len(outcome.rounds) - len(quiet)} disturbed round(s) were repeated and not counted"
        else:
            busy = " — **the machine stayed busy: these figures include disturbed rounds**"
        busy = busy if len(outcome.rounds) > len(quiet) else ""
        lines += [
            "",
            f"- Import time ÷ bare `read_csv`: {outcome.ratio:.2f}× (target ≤ {TARGET_FACTOR:g}×) "
            f"{'✓' if outcome.passed else '✗'} (median of the ratios within a round).",
            f"- Both read the same data: {outcome.figures.get('lines', 0):,} lines, revenue "
            f"{outcome.figures.get('revenue')}, cost {outcome.figures.get('cost')}, "
            f"{outcome.figures.get('first')} to {outcome.figures.get('last')} — in the import's ledger file as in "
            "DuckDB's table.",
            f"- The import's phases (from its progress output, median run): {steps}.",
            f"- Other processes used {min(others):.0f}–{max(others):.0f} % of the CPUs during the counted runs"
            + busy
            + ".",
        ]
    for problem in outcome.problems:
        lines.append(f"- Problem: {problem}")
    return "\n".join(lines)


TITLE = "Import: a 10-million-line German CSV ledger"
DESCRIPTION = """\
How long OpenKAM's validated, all-or-nothing import of a large ledger takes, compared with the
fastest way to merely read the same file: a bare DuckDB `read_csv` into a table with the right
options (`delim ';'`, `decimal_separator ','`, `dateformat '%d.%m.%Y'`, money as
`DECIMAL(18,2)`, the rest as DuckDB detects it). The file is the 10-million-line demo ledger as
a German ERP exports it (semicolons, decimal commas, `DD.MM.YYYY`, German headers, 1.2 % credit
notes), 50,000 customers. The import runs as an operator runs it, `manage.py import_ledger`
with the same options, in a throw-away installation (temporary `OPENKAM_VAR_DIR`, SQLite,
production settings) whose customer master was imported first; each round imports into a
fresh copy of it, since a second import of the same file is refused as a duplicate. Both are
measured as whole processes, in rounds in alternating order, with the file and the libraries
read into the page cache right before every run; the benchmark checks that the import succeeded and that its ledger file holds the same
lines, revenue, cost and dates as DuckDB's table.

The import does more than reading: it keeps a copy of the upload and its SHA-256 (duplicate
detection), converts and checks every cell with a reason per invalid value, checks customers
against the master and invoice lines against earlier imports, writes the ledger Parquet file
durably and refreshes the yearly revenue per customer in the database, in one transaction.
"""


def benchmark(machine: dict, command: str) -> tuple[str, bool]:
    """Entry point for bench.run_all: run with the defaults; (markdown section body, passed)."""
    outcome = run(Config())
    body = render_markdown(outcome, machine, command)
    print(body)
    return body, outcome.passed


def main(argv: list[str] | None = None) -> int:
    d = Config()
    parser = argparse.ArgumentParser(prog="python -m bench.imports.run", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=d.lines, help="lines of the demo ledger to import")
    parser.add_argument("--rounds", type=int, default=d.rounds)
    parser.add_argument("--cpus", type=int, default=d.cpus, help="pin everything to this many CPUs; 0: all")
    parser.add_argument(
        "--quiet-wait", type=int, default=d.quiet_wait, help="seconds to wait for an idle machine"
    )
    parser.add_argument("--keep", action="store_true", help="keep the installation and logs")
    args = parser.parse_args(argv)
    outcome = run(Config(args.lines, args.rounds, args.cpus, args.quiet_wait, args.keep))
    from bench.run_all import machine_info

    print(render_markdown(outcome, machine_info(), "python -m bench.imports.run"))
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main())

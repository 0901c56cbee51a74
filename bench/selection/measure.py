"""Measuring one benchmark step as a whole process: wall time, peak memory, CPU, other load.

Shared by the selection, CLV and import benchmarks. A step runs as a fresh
``python -m <module>`` child, started and reaped with ``os.wait4`` by a small spawner process
(:mod:`bench.selection.spawner`), which takes its peak resident memory (``ru_maxrss``) and CPU
time from the kernel's accounting of that child, and the CPU that *other* processes used
meanwhile from ``/proc/stat``.

Children get a bytecode cache under ``var/bench/pycache``: these machines set
``PYTHONDONTWRITEBYTECODE=1``, which would make every child compile every module it imports
(seconds for Ibis, SciPy and Django), while an installed OpenKAM has compiled bytecode.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYCACHE = REPO / "var" / "bench" / "pycache"
SPAWNER = Path(__file__).with_name("spawner.py")


def log(name: str, message: str) -> None:
    print(f"[bench.{name} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a measured child: no OpenKAM/Django settings of the caller, bytecode cache on."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENKAM_", "DJANGO_", "BENCH_")) and k not in ("DATABASE_URL", "PYTHONPATH")
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update({"PYTHONPATH": str(REPO), "PYTHONPYCACHEPREFIX": str(PYCACHE)})
    env.update(extra)
    return env


@dataclass
class Measurement:
    """One run of one child process."""

    label: str
    wall_s: float
    peak_rss_bytes: int
    cpu_s: float
    others_pct: float  # CPU used by other processes during the run, in % of all CPUs
    returncode: int
    log_tail: str = ""
    # (seconds since the start, line) of every output line, when asked for with ``stamp_lines``
    lines: list[tuple[float, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_bytes / 2**20


def run_child(
    label: str,
    args: list[str],
    *,
    env: dict[str, str],
    logfile: Path,
    timeout: float = 3600,
    stamp_lines: bool = False,
) -> Measurement:
    """Run ``python <args>`` in the repository and measure it (see the module docstring).

    The child is started by :mod:`bench.selection.spawner`, a small process of its own, so
    that its peak memory is not inflated by this (possibly large) process's. ``stamp_lines``
    records when each output line arrives, to show the phases of a process that reports its
    progress.
    """
    request = {
        "argv": [sys.executable, *args],
        "env": env,
        "cwd": str(REPO),
        "logfile": str(logfile),
        "timeout": timeout,
        "stamp_lines": stamp_lines,
    }
    spawner = subprocess.run(
        [sys.executable, "-S", "-E", str(SPAWNER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout + 60,
        check=False,
    )
    if spawner.returncode:
        raise RuntimeError(f"The spawner failed:\n{spawner.stderr[-2000:]}")
    result = json.loads(spawner.stdout.strip().splitlines()[-1])
    others = max(0.0, result["machine_busy_s"] - result["cpu_s"])
    tail = ""
    if result["returncode"]:
        tail = "\n".join(logfile.read_text(errors="replace").splitlines()[-25:])
    return Measurement(
        label=label,
        wall_s=result["wall_s"],
        peak_rss_bytes=result["peak_rss_bytes"],
        cpu_s=result["cpu_s"],
        others_pct=100 * others / result["machine_total_s"] if result["machine_total_s"] > 0 else 0.0,
        returncode=result["returncode"],
        log_tail=tail,
        lines=[tuple(item) for item in result["lines"]],
    )


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


#: The libraries the measured children load (OpenKAM, the SQL script and pandas together).
WARM_PACKAGES = ("duckdb", "pyarrow", "numpy", "pandas", "ibis", "sqlglot", "scipy", "django")


def code_paths() -> list[Path]:
    """The files every child reads on start: the standard library, the packages it imports
    (with their bundled shared libraries) and the bytecode cache."""
    import importlib.util
    import sysconfig

    paths = [Path(sysconfig.get_paths()["stdlib"]), PYCACHE]
    for name in WARM_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin:
            continue
        folder = Path(spec.origin).parent
        paths.append(folder)
        paths.extend(folder.parent.glob(f"{name}.libs"))
        paths.extend(folder.parent.glob(f"_{name}*.so"))  # DuckDB's extension module sits beside it
    return paths


def warm_page_cache(*paths: Path) -> None:
    """Read files (and every file in folders) so that no measured run pays for the disk.

    Called right before every run, not once: this VM pages out file pages nobody read for
    ~30 s (DAMON proactive reclaim), so a run that follows a long computation would otherwise
    read its data and its libraries from disk.
    """
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            try:
                with file.open("rb") as handle:
                    while handle.read(16 * 2**20):
                        pass
            except OSError:
                continue


def fmt_s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def fmt_mib(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"

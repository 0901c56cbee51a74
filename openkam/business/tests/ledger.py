"""A small ledger for the business tests, registered the way the demo registers its ledger.

The file is real Parquet in ``OPENKAM_DATA_DIR`` and becomes part of the ledger through
``openkam.imports.services.ledger_register`` (a succeeded import), so the pages read it through
``openkam.imports.selectors.open_ledger`` exactly as they read an imported ledger.

``alpha_rows`` is the scenario most tests use (amounts in whole euros, so the expectations can
be summed by hand):

- the key account's customer (site Stuttgart): 2024 Getriebemotoren 10,000 (cost 6,000) and
  Servomotoren 5,000 (3,000); 2025 Getriebemotoren 12,000 (7,000), Frequenzumrichter 4,000
  (2,500), and Servomotoren 1,000 (600) cancelled by a credit note, so 0 in 2025;
- its subsidiary (site Posen): 2025 Getriebemotoren 3,000 (2,000), and Frequenzumrichter 1,000
  (600) on a line without a site, which counts for a row named after the subsidiary;
- another customer: Ersatzteile in 2023 (500) and 2025 (800) at Hamburg, which makes
  Ersatzteile a product group of the ledger and 2023 one of its years.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from openkam.imports import conf
from openkam.imports.services import ledger_register

BUSINESS_UNIT = {
    "Getriebemotoren": "Antriebe",
    "Servomotoren": "Antriebe",
    "Frequenzumrichter": "Steuerungen",
    "Ersatzteile": "Service",
}
PRODUCT_GROUPS = ["Ersatzteile", "Frequenzumrichter", "Getriebemotoren", "Servomotoren"]


def alpha_rows(parent: str, subsidiary: str | None = None, other: str | None = None) -> list[tuple]:
    """(date, customer number, product group, site, net, cost) of the scenario above."""
    rows = [
        (date(2024, 3, 4), parent, "Getriebemotoren", "Stuttgart", 10_000, 6_000),
        (date(2024, 6, 10), parent, "Servomotoren", "Stuttgart", 5_000, 3_000),
        (date(2025, 2, 3), parent, "Getriebemotoren", "Stuttgart", 12_000, 7_000),
        (date(2025, 4, 7), parent, "Frequenzumrichter", "Stuttgart", 4_000, 2_500),
        (date(2025, 5, 5), parent, "Servomotoren", "Stuttgart", 1_000, 600),
        (date(2025, 5, 20), parent, "Servomotoren", "Stuttgart", -1_000, -600),
    ]
    if subsidiary:
        rows += [
            (date(2025, 9, 1), subsidiary, "Getriebemotoren", "Posen", 3_000, 2_000),
            (date(2025, 10, 1), subsidiary, "Frequenzumrichter", None, 1_000, 600),
        ]
    if other:
        rows += [
            (date(2023, 5, 2), other, "Ersatzteile", "Hamburg", 500, 250),
            (date(2025, 11, 3), other, "Ersatzteile", "Hamburg", 800, 400),
        ]
    return rows


def write_ledger(path: Path, rows: list[tuple]) -> Path:
    """Write ``rows`` as a Parquet ledger with the columns an import produces."""
    n = len(rows)
    table = pa.table(
        {
            "invoice_id": pa.array([f"R-{i:05d}" for i in range(n)], pa.string()),
            "line_id": pa.array(["1"] * n, pa.string()),
            "invoice_date": pa.array([r[0] for r in rows], pa.date32()),
            "customer_number": pa.array([r[1] for r in rows], pa.string()),
            "product": pa.array([None] * n, pa.string()),
            "product_group": pa.array([r[2] for r in rows], pa.string()),
            "business_unit": pa.array([BUSINESS_UNIT.get(r[2], "Antriebe") for r in rows], pa.string()),
            "site": pa.array([r[3] for r in rows], pa.string()),
            "quantity": pa.array([Decimal(1)] * n, pa.decimal128(18, 3)),
            "net_revenue": pa.array([Decimal(r[4]) for r in rows], pa.decimal128(18, 2)),
            "cost": pa.array([Decimal(r[5]) for r in rows], pa.decimal128(18, 2)),
            "currency": pa.array(["EUR"] * n, pa.string()),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def register_ledger(rows: list[tuple]) -> Path:
    """Write ``rows`` into the data folder and record the file as a succeeded ledger import."""
    path = write_ledger(conf.data_dir() / "test-ledgers" / f"{uuid.uuid4().hex}.parquet", rows)
    ledger_register(
        actor=None,
        path=path,
        rows=len(rows),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        name=path.name,
    )
    return path

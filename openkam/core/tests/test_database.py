import os

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.utils import ConnectionHandler

from config.settings import sqlite_database


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_asked_for():
    """Guards against a PostgreSQL run that silently fell back to SQLite."""
    expected = {"sqlite": "sqlite", "postgres": "postgresql"}[os.environ.get("OPENKAM_TEST_DB", "sqlite")]
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            assert int(cursor.fetchone()[0].split(".")[0]) >= 15


def test_the_embedded_sqlite_database_uses_wal_and_immediate_transactions(tmp_path, django_db_blocker):
    """The settings' SQLite configuration applied to a real file (the test database is in memory)."""
    handler = ConnectionHandler({"default": sqlite_database(str(tmp_path / "openkam.sqlite3"))})
    wrapper: DatabaseWrapper = handler["default"]
    with django_db_blocker.unblock():
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA synchronous")
                assert cursor.fetchone()[0] == 1  # NORMAL
                cursor.execute("PRAGMA foreign_keys")
                assert cursor.fetchone()[0] == 1
            assert wrapper.transaction_mode == "IMMEDIATE"
        finally:
            wrapper.close()

"""Reads of the import app: the ledger for the analytics, and imports and profiles for screens.

The ledger interface (``ledger_files``, ``open_ledger``, ``ledger_summary``, ``NoLedger``) is
what the selection code builds on: the ledger is exactly the files of succeeded ledger imports,
oldest first, read as one table with the canonical column types (see ``store.CANONICAL``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from . import conf, store
from .choices import ImportKind, ImportStatus
from .messages import reason_text
from .models import ImportRun, MappingProfile
from .permissions import imports_visible_to, profiles_visible_to
from .readers import quote_ident

if TYPE_CHECKING:
    import ibis

logger = logging.getLogger(__name__)


class NoLedger(Exception):
    """No ledger has been imported yet (no succeeded ledger import with a file)."""


def resolve_stored(run: ImportRun) -> Path:
    """The uploaded file of ``run`` (absolute)."""
    return Path(run.stored_path)


def stored_ledger_name(path: Path) -> str:
    """How a ledger file is recorded: relative to ``OPENKAM_DATA_DIR`` when inside it."""
    path = Path(path).resolve()
    base = conf.data_dir().resolve()
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)


def _ledger_runs() -> QuerySet[ImportRun]:
    return (
        ImportRun.objects.filter(kind=ImportKind.LEDGER, status=ImportStatus.SUCCEEDED)
        .exclude(ledger_file="")
        .order_by("finished_at", "created_at")
    )


def ledger_files() -> list[Path]:
    """The Parquet files of the ledger: those of succeeded ledger imports, oldest first.

    A file in the store that no succeeded import references (a crashed import's) is not part
    of it. A referenced file that has disappeared is left out and logged as an error.
    """
    files = []
    for name in _ledger_runs().values_list("ledger_file", flat=True):
        path = conf.data_dir() / name  # an absolute name stays absolute
        if path.is_file():
            files.append(path)
        else:
            logger.error("The ledger file %s of a succeeded import is missing.", path)
    return files


def open_ledger(con=None, *, table_name: str = "ledger") -> ibis.Table:
    """The whole ledger as one Ibis table on DuckDB, with the canonical column types.

    ``con`` is an Ibis DuckDB connection (default: a new in-memory one from
    ``openkam.analytics.backends.duckdb_connect``). Nothing is copied: the ledger is a temporary
    view ``table_name`` on ``con`` (replacing one of that name) that reads the Parquet files on
    every query, each cast to the canonical types and combined with ``UNION ALL``.
    Raises NoLedger when no ledger has been imported.
    """
    files = ledger_files()
    if not files:
        raise NoLedger
    if con is None:
        from openkam.analytics.backends import duckdb_connect

        con = duckdb_connect()
    # A view rather than ``con.sql()``: Ibis 12 infers the schema of SQL text with a DuckDB call
    # that DuckDB 2 no longer has; a view's schema is read from the catalog.
    con.raw_sql(f"CREATE OR REPLACE TEMP VIEW {quote_ident(table_name)} AS {store.union_sql(files)}")
    return con.table(table_name)


def ledger_summary() -> dict:
    """``{"files", "lines", "first_date", "last_date", "customers"}`` of the ledger (zeros and
    ``None`` when there is none)."""
    return store.summary(ledger_files())


# Screens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportFilter:
    kind: str = ""
    status: str = ""


def imports_for_list(user, filters: ImportFilter | None = None) -> QuerySet[ImportRun]:
    """The imports ``user`` may see, newest first, with profile and creator (one query per page)."""
    filters = filters or ImportFilter()
    qs = (
        imports_visible_to(user).select_related("profile", "created_by").defer("errors", "columns", "options")
    )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-created_at")


def profiles_for_list(user, kind: str = "") -> QuerySet[MappingProfile]:
    qs = profiles_visible_to(user).select_related("created_by")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "name")


def errors_for_display(run: ImportRun) -> list[dict]:
    """The stored first errors with their reason in the active language."""
    return [error | {"reason": reason_text(error["code"], error.get("param"))} for error in run.errors]


def ledger_totals() -> dict:
    """Lines and files of the ledger from the database alone (cheap enough for every page)."""
    runs = _ledger_runs()
    return {"files": runs.count(), "lines": sum(runs.values_list("rows_imported", flat=True))}

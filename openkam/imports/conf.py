"""Settings of the import app, with their defaults.

Every value is read from Django settings at call time (``getattr(settings, NAME, default)``), so
tests can override them and an installation can set them without code changes. The folders live
under ``VAR_DIR`` unless configured otherwise; see docs/imports.md for what each limit protects.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .readers import Limits

DEFAULT_MAX_BYTES = 2 * 1024**3
# The first errors of a rejected import are stored with the run and shown on its page; the
# downloadable report lists more, up to what one XLSX sheet holds.
STORED_ERRORS = 1_000
REPORT_MAX_ERRORS = 1_000_000
PREVIEW_ROWS = 20


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_bytes() -> int:
    """The largest file accepted, in bytes (``OPENKAM_IMPORT_MAX_BYTES``, default 2 GiB)."""
    return int(_setting("OPENKAM_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def limits() -> Limits:
    """The limits that make hostile files harmless (sizes, columns, cells, XLSX archives)."""
    return Limits(
        max_bytes=max_bytes(),
        max_columns=int(_setting("OPENKAM_IMPORT_MAX_COLUMNS", 500)),
        max_cell_chars=int(_setting("OPENKAM_IMPORT_MAX_CELL_CHARS", 10_000)),
        max_line_bytes=int(_setting("OPENKAM_IMPORT_MAX_LINE_BYTES", 1024**2)),
        xlsx_max_members=int(_setting("OPENKAM_IMPORT_XLSX_MAX_MEMBERS", 1_000)),
        xlsx_max_uncompressed=int(_setting("OPENKAM_IMPORT_XLSX_MAX_UNCOMPRESSED", 4 * 1024**3)),
        xlsx_max_ratio=int(_setting("OPENKAM_IMPORT_XLSX_MAX_RATIO", 200)),
        xlsx_max_shared_strings=int(_setting("OPENKAM_IMPORT_XLSX_MAX_SHARED_STRINGS", 256 * 1024**2)),
    )


def upload_dir() -> Path:
    """Where uploaded files wait for and stay with their import (``OPENKAM_UPLOAD_DIR``)."""
    return Path(_setting("OPENKAM_UPLOAD_DIR", Path(settings.VAR_DIR) / "uploads"))


def data_dir() -> Path:
    return Path(settings.OPENKAM_DATA_DIR)


def ledger_dir() -> Path:
    """The ledger store: one Parquet file per succeeded ledger import."""
    return data_dir() / "ledger"


def report_dir() -> Path:
    """Error reports live with the exports, so the job download serves them like any export."""
    return Path(settings.OPENKAM_EXPORT_DIR) / "imports"


def work_dir() -> Path:
    """Scratch space for transcoded files, converted workbooks and DuckDB's spill files."""
    return Path(_setting("OPENKAM_IMPORT_WORK_DIR", Path(settings.VAR_DIR) / "tmp" / "imports"))


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit during an import; beyond it DuckDB spills to ``work_dir()``."""
    return str(_setting("OPENKAM_IMPORT_MEMORY_LIMIT", "2GB"))


def duckdb_threads() -> int | None:
    value = _setting("OPENKAM_IMPORT_THREADS", None)
    return int(value) if value else None


def default_currency() -> str:
    return str(_setting("OPENKAM_CURRENCY", "EUR"))

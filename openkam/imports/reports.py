"""The downloadable error report of a rejected import, as CSV and XLSX (formula-safe exporters)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openkam.core.exporters import write_csv, write_xlsx

from . import conf
from .messages import reason_text

FORMATS = ("csv", "xlsx")


def report_paths(run_id) -> dict[str, Path]:
    folder = conf.report_dir()
    return {fmt: folder / f"{run_id}-errors.{fmt}" for fmt in FORMATS}


def _rows(file_name: str, errors: Iterable[dict]):
    for error in errors:
        yield [
            file_name,
            error["row"],
            error["column"],
            error["value"],
            reason_text(error["code"], error["param"]),
        ]


def write_reports(run_id, file_name: str, errors: Callable[[], Iterable[dict]]) -> dict[str, Path]:
    """Write the CSV and the XLSX report; ``errors()`` yields the errors afresh for each file.

    Text is in the active language; cells that start like a formula are neutralised by the
    exporters, so a hostile value cannot run in the reader's spreadsheet program.
    """
    header = [_("File"), _("Row"), _("Column"), _("Value"), _("Reason")]
    paths = report_paths(run_id)
    write_csv(paths["csv"], header, _rows(file_name, errors()), language=get_language() or "de")
    write_xlsx(paths["xlsx"], header, _rows(file_name, errors()), sheet_title=_("Errors"))
    return paths


def download_name(original_name: str, fmt: str) -> str:
    stem = Path(original_name).stem or "import"
    return _("%(name)s-errors.%(format)s") % {"name": stem[:100], "format": fmt}

"""Running an import: read → validate → write → commit, all or nothing.

``import_execute`` is the one service both the background job (``imports.run``) and
``manage.py import_ledger`` call. It holds the ledger store's lock for the whole run, so imports
run one after the other (each reads the customer master and the ledger the previous one may
change) and a run found "running" under the lock was interrupted (its process died).

Crash safety: nothing in the database changes before the commit, and the commit is one
transaction; a ledger file moved into the store before that transaction committed is not part
of the ledger (``store``) and is removed by the next import.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.services import audit_record
from openkam.sales.models import CustomerRevenue
from openkam.sales.services import customer_revenues_replace

from . import conf, store
from .choices import FileFormat, ImportKind, ImportStatus
from .customers import customer_ids, customers_upsert, master_parents, missing_customers
from .fields import DATE, DECIMAL, fields_for
from .messages import refusal_message
from .models import ImportRun
from .permissions import can_import
from .readers import (
    FileRefused,
    FormatOptions,
    needs_transcoding,
    parquet_schema,
    transcode_to_utf8,
    xlsx_to_parquet,
)
from .reports import write_reports
from .selectors import ledger_files, resolve_stored, stored_ledger_name
from .services import import_label
from .validation import Checks, Validator, connect, csv_source, parquet_source, workbook_source

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
REVENUE_BATCH = 2_000


def _step_text(step: str) -> str:
    return {
        "convert": _("Converting and checking every value"),
        "collect": _("Collecting every invalid value"),
        "check": _("Checking customers, duplicates and earlier imports"),
        "write": _("Writing the ledger file"),
    }.get(step, step)


class _Lock:
    """The store's lock, reporting when the run has to wait for another import."""

    def __init__(self, folder: Path, say: Progress):
        self.folder, self.say, self.handle = folder, say, None

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.handle = (self.folder / ".lock").open("a")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.say(1, _("Waiting for another import to finish"))
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def import_execute(*, actor, run: ImportRun, progress: Progress | None = None) -> ImportRun:
    """Import a queued run completely or not at all; returns it succeeded, rejected or failed.

    Rejection (invalid values, a refused file, a file imported meanwhile) is a normal outcome
    with an error report. Unexpected errors mark the run failed and propagate, so a job shows
    them as well. PermissionDenied for people who may not import; ValidationError for a run
    that is not queued.
    """
    if actor is not None and not can_import(actor):
        raise PermissionDenied
    if run.status != ImportStatus.QUEUED:
        raise ValidationError(_("Only a queued import can be run."))
    say = progress or (lambda percent, message="": None)
    work = conf.work_dir() / str(run.pk)
    try:
        with _Lock(conf.ledger_dir(), say):
            _fail_interrupted(run, actor)
            _mark_running(run)
            say(5, _("Reading the file"))
            work.mkdir(parents=True, exist_ok=True)
            with connect(
                work_dir=work, memory_limit=conf.duckdb_memory_limit(), threads=conf.duckdb_threads()
            ) as con:
                _execute(con, run, actor, work, say)
    except FileRefused as exc:
        _reject(run, actor, message=refusal_message(exc.code, exc.params))
    except Exception as exc:
        logger.exception("Import %s failed", run.pk)
        _fail(
            run,
            actor,
            _("The import failed unexpectedly; nothing was imported. (%(error)s)") % {"error": exc},
        )
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return run


def _execute(con, run: ImportRun, actor, work: Path, say: Progress) -> None:
    earlier = (
        ImportRun.objects.filter(kind=run.kind, sha256=run.sha256, status=ImportStatus.SUCCEEDED)
        .exclude(pk=run.pk)
        .first()
    )
    if earlier is not None:
        raise FileRefused("duplicate_file", earlier=import_label(earlier))
    limits = conf.limits()
    options = FormatOptions.from_dict(run.options)
    path = resolve_stored(run)
    if run.file_format == FileFormat.CSV:
        if needs_transcoding(run.encoding):
            say(8, _("Converting the file to UTF-8"))
            path = transcode_to_utf8(path, run.encoding, work / "utf8.csv")
        source = csv_source(path, delimiter=run.delimiter, columns=run.columns, limits=limits)
    elif run.file_format == FileFormat.XLSX:
        say(8, _("Reading the workbook"))
        position = {name: i for i, name in enumerate(run.columns)}
        kinds = {
            position[run.mapping[f.name]]: f.type
            for f in fields_for(run.kind)
            if f.name in run.mapping and f.type in (DATE, DECIMAL)
        }
        converted = work / "sheet.parquet"
        xlsx_to_parquet(path, converted, options=options, kinds=kinds, limits=limits)
        source = workbook_source(converted, run.columns)
    else:
        source = parquet_source(path, parquet_schema(path, limits))

    checks = Checks()
    folder = conf.ledger_dir()
    if run.kind == ImportKind.LEDGER:
        files = ledger_files()
        store.remove_orphans(folder, files)
        checks.missing_customers = missing_customers
        if files:
            checks.existing_keys = store.union_sql(files, ("invoice_id", "line_id"), tag=True)
            labels = _labels_by_file()
            checks.existing_labels = [labels.get(str(f.resolve()), f.name) for f in files]
        output = store.partial_path(folder, run.pk)
    else:
        checks.master_parents = master_parents
        output = work / "customers.parquet"

    validator = Validator(
        con,
        kind=run.kind,
        source=source,
        mapping=run.mapping,
        options=options,
        limits=limits,
        checks=checks,
    )
    outcome = validator.run(output, progress=lambda percent, step: say(percent, _step_text(step)))
    run.rows_read = outcome.rows_read
    if outcome.error_count or not outcome.rows_read:
        output.unlink(missing_ok=True)
        _reject_with_errors(run, actor, validator, outcome.error_count)
        return
    if run.kind == ImportKind.LEDGER:
        _commit_ledger(con, run, actor, outcome.output, files, say)
    else:
        say(85, _("Updating the customer master"))
        with transaction.atomic():
            created, changed = customers_upsert(
                actor=actor, con=con, path=outcome.output, mapping=run.mapping
            )
            _succeed(
                run,
                actor,
                outcome.rows_read,
                _("%(created)s customers created, %(changed)s changed.")
                % {
                    "created": created,
                    "changed": changed,
                },
            )


def _labels_by_file() -> dict[str, str]:
    runs = ImportRun.objects.filter(kind=ImportKind.LEDGER, status=ImportStatus.SUCCEEDED).exclude(
        ledger_file=""
    )
    return {str((conf.data_dir() / r.ledger_file).resolve()): import_label(r) for r in runs}


def _commit_ledger(con, run: ImportRun, actor, partial: Path, files: list[Path], say: Progress) -> None:
    say(85, _("Updating the yearly revenue"))
    totals = store.yearly_revenue([*files, partial], con)
    ids = customer_ids(row[0] for row in totals)
    rows = [(ids[n], year, revenue, margin, lines) for n, year, revenue, margin, lines in totals if n in ids]
    rows = _changed_customers(rows)
    final = store.final_path(partial.parent, run.pk)
    say(95, _("Committing"))
    store.publish(partial, final)
    try:
        with transaction.atomic():
            run.ledger_file = stored_ledger_name(final)
            _succeed(
                run, actor, run.rows_read, _("%(rows)s ledger lines imported.") % {"rows": run.rows_read}
            )
            source = f"import {run.pk}"
            for batch in _batches_by_customer(rows):
                customer_revenues_replace(actor=actor, rows=batch, source=source)
    except BaseException:
        # Not committed: the file must not become part of the ledger by accident later.
        final.unlink(missing_ok=True)
        run.ledger_file = ""
        raise


def _changed_customers(rows: list[tuple]) -> list[tuple]:
    """The revenue rows of customers whose yearly figures differ from those stored.

    The totals are recomputed from the whole ledger, but an import usually touches few
    customers and years; rewriting only those keeps the commit short.
    """
    stored: dict[int, set[tuple]] = {}
    for customer_id, year, revenue, margin, lines in CustomerRevenue.objects.values_list(
        "customer_id", "fiscal_year", "revenue", "margin", "invoice_lines"
    ):
        stored.setdefault(customer_id, set()).add((year, revenue, margin, lines))
    if not stored:
        return rows
    wanted: dict[int, set[tuple]] = {}
    for customer_id, year, revenue, margin, lines in rows:
        wanted.setdefault(customer_id, set()).add((year, revenue, margin, lines))
    changed = {c for c, years in wanted.items() if stored.get(c) != years}
    return [row for row in rows if row[0] in changed]


def _batches_by_customer(rows: list[tuple]):
    """Revenue rows in batches of ``REVENUE_BATCH`` customers, each customer's years together."""
    batch: list[tuple] = []
    seen: set[int] = set()
    for row in sorted(rows, key=lambda r: (r[0], r[1])):
        if row[0] not in seen and len(seen) == REVENUE_BATCH:
            yield batch
            batch, seen = [], set()
        seen.add(row[0])
        batch.append(row)
    if batch:
        yield batch


# Status changes -----------------------------------------------------------------------------


def _mark_running(run: ImportRun) -> None:
    run.status = ImportStatus.RUNNING
    run.save(update_fields=["status"])


def _succeed(run: ImportRun, actor, rows: int, message: str) -> None:
    run.status = ImportStatus.SUCCEEDED
    run.rows_imported = rows
    run.error_count = 0
    run.errors = []
    run.message = message
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=actor,
        action="import.succeed",
        target=run,
        changes={"kind": run.kind, "file": run.original_name, "rows": rows},
    )


def _reject_with_errors(run: ImportRun, actor, validator: Validator, count: int) -> None:
    if not run.rows_read and not count:
        _reject(run, actor, message=refusal_message("no_rows"))
        return
    limit = min(count, conf.REPORT_MAX_ERRORS)
    paths = write_reports(run.pk, run.original_name, lambda: validator.iter_errors(limit))
    run.report_path = str(paths["csv"])
    run.errors = list(validator.iter_errors(conf.STORED_ERRORS))
    run.error_count = count
    message = _("%(count)s invalid values: nothing was imported.") % {"count": count}
    if count > conf.REPORT_MAX_ERRORS:
        message += " " + _("The report lists the first %(limit)s.") % {"limit": conf.REPORT_MAX_ERRORS}
    _reject(run, actor, message=message)


@transaction.atomic
def _reject(run: ImportRun, actor, *, message: str) -> None:
    run.status = ImportStatus.REJECTED
    run.rows_imported = 0
    run.message = message
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=actor,
        action="import.reject",
        target=run,
        changes={
            "kind": run.kind,
            "file": run.original_name,
            "errors": run.error_count,
            "reason": message[:300],
        },
    )


@transaction.atomic
def _fail(run: ImportRun, actor, message: str) -> None:
    run.status = ImportStatus.FAILED
    run.rows_imported = 0
    run.message = message[:2000]
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=actor, action="import.fail", target=run, changes={"kind": run.kind, "file": run.original_name}
    )


def _fail_interrupted(current: ImportRun, actor) -> None:
    """Runs still "running" while we hold the lock died with their process: mark them failed."""
    for stale in ImportRun.objects.filter(status=ImportStatus.RUNNING).exclude(pk=current.pk):
        _fail(stale, None, _("The import was interrupted (its process stopped); nothing was imported."))

"""Writes of the import app: mapping profiles, imports from upload to commit, and the ledger store.

Every function checks the permission again (PermissionDenied for people who may not import;
``actor=None`` is the system: the demo generator and commands run without ``--user``), runs
its database work in a transaction and leaves an audit entry. The long work of an import
(reading, validating, writing Parquet) runs outside any transaction; only its commit is one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.services import apply_changes, audit_record, job_create

from . import conf
from .choices import (
    DateFormat,
    DecimalSeparator,
    Delimiter,
    Encoding,
    ImportKind,
    ImportSource,
    ImportStatus,
    ThousandsSeparator,
)
from .fields import fields_for, guess_mapping, mapping_problems
from .messages import refusal_message
from .models import ImportRun, MappingProfile
from .permissions import can_import
from .readers import Detection, FileRefused, FormatOptions, detect
from .selectors import stored_ledger_name
from .uploads import StoredFile

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
PROFILE_FIELDS = (
    "name",
    "source_system",
    "mapping",
    "delimiter",
    "encoding",
    "decimal_separator",
    "thousands_separator",
    "date_format",
    "sheet_name",
    "default_currency",
)
OPTION_CHOICES = {
    "delimiter": Delimiter.values,
    "encoding": Encoding.values,
    "decimal_separator": DecimalSeparator.values,
    "thousands_separator": ThousandsSeparator.values,
    "date_format": DateFormat.values,
}


def _check(actor) -> None:
    if actor is not None and not can_import(actor):
        raise PermissionDenied


def clean_options(options: dict | None) -> dict[str, str]:
    """Validated format options; ValidationError names the option that is not valid.

    Empty values are allowed everywhere (detect / default); the currency must be three letters.
    """
    options = {k: ("" if v is None else str(v)) for k, v in (options or {}).items()}
    errors: dict[str, str] = {}
    for name in options:
        if name not in FormatOptions.__dataclass_fields__:
            errors[name] = _("Unknown format option.")
    for name, allowed in OPTION_CHOICES.items():
        if options.get(name) and options[name] not in allowed:
            errors[name] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(repr(v) for v in allowed)}
    currency = options.get("default_currency", "")
    if currency and not (len(currency) == 3 and currency.isalpha() and currency.isascii()):
        errors["default_currency"] = _("Enter a currency code of three letters, e.g. EUR.")
    if len(options.get("sheet_name", "")) > 100:
        errors["sheet_name"] = _("A sheet name has at most 100 characters.")
    if errors:
        raise ValidationError(errors)
    if currency:
        options["default_currency"] = currency.upper()
    return options


# Mapping profiles ---------------------------------------------------------------------------


def _validate_profile(profile: MappingProfile) -> None:
    if not profile.name.strip():
        raise ValidationError({"name": _("Give the profile a name.")})
    if profile.kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose a valid kind.")})
    if not isinstance(profile.mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in profile.mapping.items()
    ):
        raise ValidationError({"mapping": _("The mapping assigns column names (text) to field names.")})
    unknown = set(profile.mapping) - {f.name for f in fields_for(profile.kind)}
    if unknown:
        raise ValidationError(
            {"mapping": _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))}}
        )
    clean_options(
        {name: getattr(profile, name) for name in OPTION_CHOICES}
        | {"default_currency": profile.default_currency}
    )
    duplicate = MappingProfile.objects.filter(kind=profile.kind, name=profile.name).exclude(pk=profile.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("A profile of this name exists already for this kind.")})


@transaction.atomic
def profile_create(*, actor, kind: str, name: str, mapping: dict | None = None, **values) -> MappingProfile:
    """Create a mapping profile; ValidationError for a duplicate name or invalid options."""
    _check(actor)
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    profile = MappingProfile(
        kind=kind,
        name=name.strip(),
        mapping={k: v for k, v in (mapping or {}).items() if v},
        created_by=actor,
        **values,
    )
    if profile.default_currency:
        profile.default_currency = profile.default_currency.upper()
    _validate_profile(profile)
    profile.save()
    audit_record(
        actor=actor,
        action="profile.create",
        target=profile,
        changes={"kind": kind, "name": profile.name, "mapping": profile.mapping},
    )
    return profile


@transaction.atomic
def profile_update(*, actor, profile: MappingProfile, **values) -> MappingProfile:
    """Change a profile's name, source system, mapping or options (fields left out stay)."""
    _check(actor)
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "mapping" in values:
        values["mapping"] = {k: v for k, v in (values["mapping"] or {}).items() if v}
    if values.get("default_currency"):
        values["default_currency"] = values["default_currency"].upper()
    diff = apply_changes(profile, values)
    if diff:
        _validate_profile(profile)
        profile.save()
        audit_record(actor=actor, action="profile.update", target=profile, changes=diff)
    return profile


@transaction.atomic
def profile_delete(*, actor, profile: MappingProfile) -> None:
    """Delete a profile; imports that used it keep their own copy of mapping and options."""
    _check(actor)
    audit_record(actor=actor, action="profile.delete", target=profile, changes={"name": profile.name})
    profile.delete()


# Upload and preview -------------------------------------------------------------------------


def merged_options(profile: MappingProfile | None, options: dict | None) -> FormatOptions:
    """The profile's options overridden by explicit ones (empty values do not override)."""
    values = (
        profile.format_options() if profile is not None else {"default_currency": conf.default_currency()}
    )
    values.update({k: v for k, v in clean_options(options).items() if v})
    return FormatOptions.from_dict(values)


def _options_after_detection(options: FormatOptions, detection: Detection) -> dict[str, str]:
    result = options.as_dict()
    result.update(
        delimiter=detection.delimiter,
        encoding=detection.encoding,
        decimal_separator=detection.decimal_separator,
        date_format=detection.date_format,
        sheet_name=detection.sheet_name,
    )
    return result


def proposed_mapping(kind: str, columns: list[str], *preferred: dict | None) -> dict[str, str]:
    """The first of ``preferred`` mappings' columns that the file has, completed by guessing."""
    guessed = guess_mapping(kind, columns)
    known = {f.name for f in fields_for(kind)}
    for mapping in preferred:
        if mapping:
            usable = {k: v for k, v in mapping.items() if k in known and v in columns}
            if usable:
                taken = set(usable.values())
                return usable | {k: v for k, v in guessed.items() if k not in usable and v not in taken}
    return guessed


def _earlier_import(kind: str, sha256: str, exclude=None) -> ImportRun | None:
    runs = ImportRun.objects.filter(kind=kind, sha256=sha256, status=ImportStatus.SUCCEEDED)
    if exclude is not None:
        runs = runs.exclude(pk=exclude)
    return runs.order_by("finished_at").first()


def import_label(run: ImportRun) -> str:
    """How messages name an import: when it was committed and its file name."""
    when = timezone.localtime(run.finished_at or run.created_at)
    return f"{when:%Y-%m-%d %H:%M} {run.original_name}"


@dataclass
class Upload:
    """A stored upload and what ``import_upload`` found; ``preview`` holds the first rows."""

    run: ImportRun
    preview: list[list[str | None]]


def import_upload(
    *,
    actor,
    kind: str,
    stored: StoredFile,
    original_name: str,
    source: str = ImportSource.UPLOAD,
    profile: MappingProfile | None = None,
    mapping: dict | None = None,
    options: dict | None = None,
) -> Upload:
    """Register an uploaded file as an import, detect how it reads and propose a mapping.

    Takes ownership of ``stored``. A file that cannot be imported (hostile, empty, too large,
    imported before) still becomes an import, ``rejected`` with the reason as its message, and
    its stored copy is deleted. Raises ValidationError only for invalid arguments (kind,
    options), PermissionDenied for people who may not import.
    """
    _check(actor)
    if kind not in ImportKind.values:
        stored.discard()
        raise ValidationError({"kind": _("Choose a valid kind.")})
    try:
        format_options = merged_options(profile, options)
    except ValidationError:
        stored.discard()
        raise
    run = ImportRun(
        kind=kind,
        source=source,
        original_name=(original_name or stored.path.name)[:255],
        stored_path=str(stored.path),
        size=stored.size,
        sha256=stored.sha256,
        profile=profile,
        options=format_options.as_dict(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    preview: list = []
    refusal: str | None = None
    earlier = _earlier_import(kind, stored.sha256)
    if earlier is not None:
        refusal = refusal_message("duplicate_file", {"earlier": import_label(earlier)})
    elif stored.size > conf.max_bytes():
        refusal = refusal_message("too_large", {"size": stored.size, "limit": conf.max_bytes()})
    else:
        try:
            detection = detect(stored.path, format_options, limits=conf.limits(), rows=conf.PREVIEW_ROWS)
        except FileRefused as exc:
            refusal = refusal_message(exc.code, exc.params)
        else:
            run.file_format = detection.file_format
            run.encoding = detection.encoding
            run.delimiter = detection.delimiter
            run.columns = detection.columns
            run.options = _options_after_detection(format_options, detection) | {
                "sheet_names": detection.sheet_names
            }
            run.mapping = proposed_mapping(
                kind, detection.columns, mapping, profile.mapping if profile else None
            )
            preview = detection.rows
    with transaction.atomic():
        if refusal is not None:
            stored.discard()
            run.stored_path = ""
            run.status = ImportStatus.REJECTED
            run.message = refusal
            run.finished_at = timezone.now()
            run.save()
            audit_record(
                actor=actor,
                action="import.reject",
                target=run,
                changes={"kind": kind, "file": run.original_name, "reason": refusal},
            )
        else:
            run.save()
    return Upload(run=run, preview=preview)


def import_preview(run: ImportRun, options: dict | None = None) -> Detection:
    """Read the beginning of a stored upload again, with changed options (delimiter, sheet…)."""
    values = {k: v for k, v in run.options.items() if k in FormatOptions.__dataclass_fields__}
    values.update({k: v for k, v in (options or {}).items() if k in FormatOptions.__dataclass_fields__})
    return detect(
        Path(run.stored_path), FormatOptions.from_dict(values), limits=conf.limits(), rows=conf.PREVIEW_ROWS
    )


@transaction.atomic
def import_configure(
    *,
    actor,
    run: ImportRun,
    mapping: dict,
    options: dict | None = None,
    profile: MappingProfile | None = None,
    save_profile_as: str = "",
    source_system: str = "",
    start: bool = True,
) -> ImportRun:
    """Fix mapping and options of an uploaded import and queue it (as a job when ``start``).

    Validates the mapping against the file's columns (ValidationError naming the fields) and
    re-reads the file's header when the options change how it reads. ``save_profile_as``
    stores mapping and options as a profile of that name (an existing one of the same kind is
    updated). ``start=False`` leaves the run queued for a caller that executes it itself
    (``manage.py import_ledger``).
    """
    _check(actor)
    if not can_configure(run):
        raise ValidationError(_("This import cannot be started: it has run already or its file was refused."))
    values = {k: v for k, v in run.options.items() if k in FormatOptions.__dataclass_fields__}
    # Empty options keep what was detected or chosen before.
    values.update({k: v for k, v in clean_options(options).items() if v})
    changed_reading = any(
        values.get(k) != run.options.get(k) for k in ("delimiter", "encoding", "sheet_name")
    )
    if changed_reading:
        try:
            detection = import_preview(run, values)
        except FileRefused as exc:
            raise ValidationError(refusal_message(exc.code, exc.params)) from exc
        run.columns, run.encoding, run.delimiter = detection.columns, detection.encoding, detection.delimiter
        values.update(
            delimiter=detection.delimiter, encoding=detection.encoding, sheet_name=detection.sheet_name
        )
    mapping = {k: v for k, v in (mapping or {}).items() if v}
    problems = mapping_problems(run.kind, mapping, run.columns)
    if problems:
        raise ValidationError(problems)
    run.mapping = mapping
    run.options = values | {"sheet_names": run.options.get("sheet_names", [])}
    if save_profile_as.strip():
        profile = _save_profile(actor, run, save_profile_as.strip(), source_system, values)
    if profile is not None:
        run.profile = profile
    if run.status == ImportStatus.REJECTED:
        _forget_result(run)
    run.status = ImportStatus.QUEUED
    if start:
        run.job = job_create(actor=actor, kind="imports.run", params={"import_id": str(run.pk)})
    run.save()
    audit_record(
        actor=actor,
        action="import.queue",
        target=run,
        changes={"kind": run.kind, "file": run.original_name, "mapping": mapping},
    )
    return run


def can_configure(run: ImportRun) -> bool:
    """Whether the mapping of ``run`` can be set and the import started (again).

    An uploaded import waits for its mapping. A rejected one whose file is still stored can be
    started again, e.g. with another decimal separator; files refused outright are not kept.
    """
    if run.status == ImportStatus.UPLOADED:
        return True
    return run.status == ImportStatus.REJECTED and bool(run.stored_path) and Path(run.stored_path).is_file()


def _forget_result(run: ImportRun) -> None:
    """Clear the outcome of a rejected attempt before the import runs again (the audit trail keeps it)."""
    from .reports import report_paths

    for path in report_paths(run.pk).values():
        path.unlink(missing_ok=True)
    run.errors, run.error_count, run.report_path = [], 0, ""
    run.rows_read = run.rows_imported = 0
    run.message, run.finished_at = "", None


def _save_profile(actor, run: ImportRun, name: str, source_system: str, options: dict) -> MappingProfile:
    fields = {k: options.get(k, "") for k in OPTION_CHOICES} | {
        "sheet_name": options.get("sheet_name", ""),
        "default_currency": options.get("default_currency") or conf.default_currency(),
    }
    existing = MappingProfile.objects.filter(kind=run.kind, name=name).first()
    if existing is not None:
        changes = {"mapping": run.mapping, **fields}
        if source_system:
            changes["source_system"] = source_system
        return profile_update(actor=actor, profile=existing, **changes)
    return profile_create(
        actor=actor, kind=run.kind, name=name, source_system=source_system, mapping=run.mapping, **fields
    )


# Demo ledger --------------------------------------------------------------------------------


@transaction.atomic
def ledger_register(
    *, actor, path: Path, rows: int, sha256: str, name: str, source: str = ImportSource.DEMO
) -> ImportRun:
    """Record a ledger file written elsewhere (the demo company's) as a succeeded import.

    The file stays where it is and becomes part of ``selectors.ledger_files()``; the caller is
    responsible for the yearly revenue it implies (the demo generator stores it itself).
    """
    _check(actor)
    now = timezone.now()
    run = ImportRun.objects.create(
        kind=ImportKind.LEDGER,
        source=source,
        status=ImportStatus.SUCCEEDED,
        original_name=name[:255],
        size=path.stat().st_size,
        sha256=sha256,
        file_format="parquet",
        rows_read=rows,
        rows_imported=rows,
        ledger_file=stored_ledger_name(path),
        created_by=actor if getattr(actor, "pk", None) else None,
        finished_at=now,
        message=_("Registered %(rows)s ledger lines.") % {"rows": rows},
    )
    audit_record(actor=actor, action="import.succeed", target=run, changes={"source": source, "rows": rows})
    return run

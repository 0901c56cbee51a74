"""Import a ledger or customer-master file from the command line, synchronously.

``manage.py import_ledger PATH --kind ledger|customers [--profile NAME] [--mapping JSON]
[--delimiter ;] [--encoding cp1252] [--decimal ,] [--thousands .] [--date-format %d.%m.%Y]
[--sheet NAME] [--currency EUR] [--user USERNAME]``

Runs the same services as an upload in the browser (store, detect, validate, commit) and
prints the progress and the first errors. Exits with status 1 when the file is rejected or the
import fails. Messages are for operators and stay in English, like the other commands.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from openkam.imports import services
from openkam.imports.choices import ImportKind, ImportSource, ImportStatus
from openkam.imports.messages import reason_text
from openkam.imports.models import MappingProfile
from openkam.imports.pipeline import import_execute
from openkam.imports.uploads import FileTooLarge, store_local_file
from openkam.users.models import User

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Import a sales ledger or customer master file (CSV, XLSX, Parquet) synchronously."
    # The system checks load every URL pattern and the whole API (~1.7 s) and find nothing an
    # import needs: the deployment is checked by `manage.py check --deploy`, like Django's own
    # shell and dbshell commands, which skip them too.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to import.")
        parser.add_argument("--kind", required=True, choices=ImportKind.values, help="What the file holds.")
        parser.add_argument("--profile", default="", help="Name of a mapping profile of this kind.")
        parser.add_argument(
            "--mapping",
            default="",
            help='Column mapping as JSON, e.g. \'{"invoice_id": "Belegnr"}\' (default: profile, then guessing).',
        )
        parser.add_argument("--delimiter", default="", help="CSV delimiter (; , | or \\t); default: detect.")
        parser.add_argument(
            "--encoding", default="", help="utf-8, utf-8-sig, cp1252 or utf-16; default: detect."
        )
        parser.add_argument("--decimal", default="", help="Decimal separator , or . (default: detect).")
        parser.add_argument("--thousands", default="", help="Thousands separator . , ' or none.")
        parser.add_argument(
            "--date-format", default="", help="strftime pattern, e.g. %%d.%%m.%%Y (default: detect)."
        )
        parser.add_argument("--sheet", default="", help="Sheet of a workbook (default: the first).")
        parser.add_argument("--currency", default="", help="Currency of lines without one (default: EUR).")
        parser.add_argument(
            "--user", default="", help="Run as this user (head of KAM or administrator); default: the system."
        )

    def handle(self, *args, **options):
        with translation.override("en"):
            self._import(options)

    def _import(self, options) -> None:
        actor = self._actor(options["user"])
        kind = options["kind"]
        profile = None
        if options["profile"]:
            profile = MappingProfile.objects.filter(kind=kind, name=options["profile"]).first()
            if profile is None:
                raise CommandError(f"There is no {kind} mapping profile named {options['profile']!r}.")
        try:
            mapping = json.loads(options["mapping"]) if options["mapping"] else None
        except ValueError as exc:
            raise CommandError("--mapping must be a JSON object.") from exc
        format_options = {
            "delimiter": "\t" if options["delimiter"] in ("\\t", "tab") else options["delimiter"],
            "encoding": options["encoding"],
            "decimal_separator": options["decimal"],
            "thousands_separator": options["thousands"],
            "date_format": options["date_format"],
            "sheet_name": options["sheet"],
            "default_currency": options["currency"],
        }
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            stored = store_local_file(path)
        except FileTooLarge as exc:
            raise CommandError(f"The file is larger than the limit of {exc.limit:,} bytes.") from exc
        try:
            upload = services.import_upload(
                actor=actor,
                kind=kind,
                stored=stored,
                original_name=path.name,
                source=ImportSource.COMMAND,
                profile=profile,
                mapping=mapping,
                options=format_options,
            )
            run = upload.run
            if run.status == ImportStatus.REJECTED:
                raise CommandError(f"Refused: {run.message}")
            self.stdout.write(
                f"Read {path.name}: {run.file_format}, {run.encoding or '-'}, delimiter {run.delimiter!r}, "
                f"{len(run.columns)} columns."
            )
            self.stdout.write("Mapping: " + ", ".join(f"{k} <- {v}" for k, v in run.mapping.items()))
            run = services.import_configure(
                actor=actor,
                run=run,
                mapping=run.mapping,
                options=format_options,
                profile=profile,
                start=False,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(_messages(exc))) from exc
        except PermissionDenied as exc:
            raise CommandError("This user may not import (only heads of KAM and administrators).") from exc
        try:
            run = import_execute(actor=actor, run=run, progress=self._progress)
        except Exception as exc:
            raise CommandError(f"The import failed: {exc}") from exc
        if run.status != ImportStatus.SUCCEEDED:
            self._print_errors(run)
            raise CommandError(f"Rejected: {run.message}")
        self.stdout.write(self.style.SUCCESS(f"Imported: {run.message} (import {run.pk})"))

    def _actor(self, username: str) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user

    def _progress(self, percent: int, message: str = "") -> None:
        self.stdout.write(f"  {percent:3d} % {message}")
        self.stdout.flush()

    def _print_errors(self, run) -> None:
        if not run.errors:
            return
        self.stdout.write(f"First errors ({min(len(run.errors), SHOWN_ERRORS)} of {run.error_count:,}):")
        for error in run.errors[:SHOWN_ERRORS]:
            reason = reason_text(error["code"], error.get("param"))
            self.stdout.write(
                f"  row {error['row']}, column {error['column']!r}, value {error['value']!r}: {reason}"
            )
        if run.report_path:
            self.stdout.write(f"Full report: {run.report_path} (and .xlsx)")


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()]
    return exc.messages

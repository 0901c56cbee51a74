"""Compile the translation catalogs when they changed, or (``--check``) verify them.

``make run`` calls it so a fresh checkout works without gettext tools when the compiled ``.mo``
files (committed) are current. The quality gate calls it with ``--check``: every message in the
code is in the German catalog, translated and not fuzzy, and the ``.mo`` files match the ``.po``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LANGUAGES = ("de", "en")


def _catalogs() -> list[Path]:
    root = Path(settings.LOCALE_PATHS[0])
    return sorted(root.glob("*/LC_MESSAGES/*.po"))


def _entries(po_path: Path) -> dict[tuple[str | None, str], object]:
    import polib

    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(po_path)) if not e.obsolete}


class Command(BaseCommand):
    help = "Compile .po catalogs that changed; with --check, verify that translations are complete."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Verify instead of compiling.")

    def handle(self, *args, check: bool = False, **options):
        if check:
            self._check()
            return
        stale = [
            po
            for po in _catalogs()
            if not po.with_suffix(".mo").exists()
            or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
        ]
        if not stale:
            return
        if shutil.which("msgfmt") is None:
            raise CommandError("The translations need compiling but gettext's msgfmt is not installed.")
        call_command("compilemessages", verbosity=0, ignore_patterns=[".venv", "var", "node_modules"])

    def _check(self) -> None:
        problems: list[str] = []
        before = {po: _entries(po) for po in _catalogs()}
        if not before:
            raise CommandError("No translation catalogs found under locale/.")
        # makemessages rewrites the catalogs in place; keep the originals and restore them after.
        with tempfile.TemporaryDirectory() as tmp:
            backup = {po: Path(tmp) / f"{i}.po" for i, po in enumerate(before)}
            for po, copy in backup.items():
                shutil.copy2(po, copy)
            try:
                call_command("makemessages", locale=list(LANGUAGES), verbosity=0, no_obsolete=True)
                after = {po: _entries(po) for po in _catalogs()}
            finally:
                for po, copy in backup.items():
                    shutil.copy2(copy, po)
        for po, entries in after.items():
            missing = set(entries) - set(before.get(po, {}))
            for _ctxt, msgid in sorted(missing, key=str):
                problems.append(f"{po}: message not in catalog (run makemessages): {msgid!r}")
        for po, entries in before.items():
            if "/de/" not in str(po):
                continue
            for (_ctxt, msgid), entry in entries.items():
                if "fuzzy" in entry.flags:
                    problems.append(f"{po}: fuzzy translation: {msgid!r}")
                elif not (entry.msgstr or any(entry.msgstr_plural.values())):
                    problems.append(f"{po}: untranslated: {msgid!r}")
        for po in before:
            mo = po.with_suffix(".mo")
            if not mo.exists():
                problems.append(f"{mo}: not compiled")
                continue
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "fresh.mo"
                subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)  # noqa: S603, S607
                if _mo_catalog(fresh) != _mo_catalog(mo):
                    problems.append(f"{mo}: out of date (run manage.py compilemessages)")
        if problems:
            raise CommandError("Translation check failed:\n" + "\n".join(problems))
        self.stdout.write("Translations complete and compiled.")


def _mo_catalog(path: Path) -> dict:
    import gettext

    with path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]

"""Run the retention job for stakeholder data once (daily from cron or a systemd timer)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from openkam.privacy.retention import retention_run


class Command(BaseCommand):
    help = (
        "Flag stakeholders nobody has had contact with for longer than the retention period, lift "
        "flags after a contact and anonymise flagged people whose grace period is over."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run as if today were this day (YYYY-MM-DD), e.g. to catch up after downtime.",
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        summary = retention_run(today)
        self.stdout.write(
            f"checked={summary.checked} flagged={summary.flagged} unflagged={summary.unflagged} "
            f"purged={summary.purged} failed={summary.failed}"
        )
        if summary.failed:
            raise CommandError(f"{summary.failed} stakeholder(s) could not be processed; see the log")

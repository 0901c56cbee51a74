"""Create the deterministic demo company: ``manage.py demo_company [--if-empty] [--ledger-only]``.

``make run`` calls it with ``--if-empty`` so a fresh installation shows a populated product and a
second start changes nothing. ``--ledger-only --lines 50000000`` writes a benchmark ledger
without touching the database. Messages are for developers and stay in English, like the other
management commands.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openkam.demo.generator import (
    DEMO_PASSWORD,
    DemoError,
    DemoSpec,
    demo_logins,
    generate_company,
    generate_ledger,
)
from openkam.sales.models import Customer


class Command(BaseCommand):
    help = (
        "Generate the demo company OpenKAM Demo Antriebstechnik GmbH: a seeded sales ledger "
        "(Parquet), customers, yearly revenues, demo users and key accounts."
    )

    def add_arguments(self, parser):
        defaults = DemoSpec()
        parser.add_argument(
            "--seed", type=int, default=defaults.seed, help="Random seed (default %(default)s)."
        )
        parser.add_argument(
            "--customers",
            type=int,
            default=defaults.customers,
            help="Number of customers (default %(default)s).",
        )
        parser.add_argument(
            "--lines",
            type=int,
            default=defaults.lines,
            help="Invoice lines in the ledger (default %(default)s).",
        )
        parser.add_argument(
            "--last-year",
            type=int,
            default=defaults.last_year,
            help="Last of the three fiscal years (default %(default)s).",
        )
        parser.add_argument(
            "--accounts",
            type=int,
            default=defaults.accounts,
            help="Key accounts to designate (default %(default)s).",
        )
        parser.add_argument(
            "--ledger",
            type=Path,
            default=None,
            help="Parquet file to write (default: OPENKAM_DATA_DIR/demo/ledger.parquet).",
        )
        parser.add_argument(
            "--chunk-rows",
            type=int,
            default=defaults.chunk_rows,
            help="Lines per Parquet row group, which bounds memory (default %(default)s).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when the database holds customers already.",
        )
        parser.add_argument(
            "--ledger-only", action="store_true", help="Only write the ledger; leave the database alone."
        )

    def handle(self, *args, **options):
        spec = DemoSpec(
            seed=options["seed"],
            customers=options["customers"],
            lines=options["lines"],
            last_year=options["last_year"],
            accounts=options["accounts"],
            chunk_rows=options["chunk_rows"],
        )
        started = time.perf_counter()
        try:
            if options["ledger_only"]:
                generate_ledger(spec, path=options["ledger"], progress=self._progress(), report=self._say)
            else:
                if Customer.objects.exists():
                    if options["if_empty"]:
                        self._say("The database holds customers already; the demo company is not created.")
                        return
                    raise CommandError(
                        "The database holds customers already. The demo company needs an empty "
                        "database; use --if-empty to skip this step when data exists."
                    )
                summary = generate_company(
                    spec, ledger_path=options["ledger"], progress=self._progress(), report=self._say
                )
                self._say(
                    f"Demo company ready: {summary.customers:,} customers, {summary.ledger.lines:,} ledger lines, "
                    f"{summary.accounts} key accounts."
                )
                if not options["if_empty"]:  # `manage.py serve` (make run) prints them on every start
                    self._print_logins()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))

    def _say(self, message: str) -> None:
        self.stdout.write(message)

    def _progress(self):
        """Report the ledger in steps of about 10 %, so 50 million lines do not flood the terminal."""
        state = {"next": 0.1, "started": time.perf_counter()}

        def progress(done: int, total: int) -> None:
            if done / total >= state["next"] or done == total:
                elapsed = time.perf_counter() - state["started"]
                self._say(f"  ledger: {done:,} / {total:,} lines ({done / total:.0%}, {elapsed:.1f} s)")
                while state["next"] <= done / total:
                    state["next"] += 0.1

        return progress

    def _print_logins(self) -> None:
        self._say(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in demo_logins():
            self._say(f"  {username:<10} {role}")

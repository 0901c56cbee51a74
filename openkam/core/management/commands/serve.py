"""``manage.py serve``: what ``make run`` starts — the web server and the background worker.

Prepares the embedded database first (migrations, compiled messages, the demo company on first
start), prints the demo logins, then runs both processes until Ctrl-C, which stops both cleanly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start OpenKAM: web server and background worker (development / evaluation)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address and port of the web server.")
        parser.add_argument("--no-demo", action="store_true", help="Do not generate the demo company.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("demo_company", if_empty=True)
            from openkam.demo.generator import DEMO_PASSWORD, demo_logins

            self.stdout.write(self.style.SUCCESS(f"\nDemo logins — password for all: {DEMO_PASSWORD}"))
            for username, role in demo_logins():
                self.stdout.write(f"  {username:<10} {role}")
        url = f"http://{options['addr']}/"
        self.stdout.write(self.style.SUCCESS(f"OpenKAM runs on {url} — press Ctrl-C to stop.\n"))

        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        env = os.environ.copy()
        procs = [
            subprocess.Popen([*manage, "runserver", options["addr"], "--noreload"], env=env),
            subprocess.Popen([*manage, "db_worker", "--no-reload", "--interval", "1"], env=env),
        ]
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in procs):
                time.sleep(0.3)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for p in procs:
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
        self.stdout.write("OpenKAM stopped.")

"""Queries and time per page, in-process: ``python -m bench.load.queries`` in a benchmark installation.

run.py calls it (settings from the environment, like the server) before starting the server,
so the report shows next to the latencies how many SQL queries each page makes and how its time
splits into database and Python (templates, serialisation). For each browsing role it takes the
demo person who sees the most accounts and requests every page ``--repeat`` times through
Django's test client (signed in without password hashing); times are medians.

By hand, against an installation kept with ``run.py --keep``::

    OPENKAM_VAR_DIR=/tmp/openkam-bench-sqlite-…/var OPENKAM_DEBUG=1 .venv/bin/python -m bench.load.queries
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

ROLES = ("management", "kam", "member")


class _QueryRecorder:
    """Counts and times every query exactly (CaptureQueriesContext rounds to whole milliseconds)."""

    def __init__(self):
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, (time.perf_counter() - started) * 1000))


def profile(repeat: int = 20, show_sql: bool = False) -> list[dict]:
    from django.db import connection
    from django.test import Client

    from openkam.accounts.permissions import accounts_visible_to
    from openkam.users.models import User

    rows = []
    for role in ROLES:
        users = [(accounts_visible_to(u).count(), u.username, u) for u in User.objects.filter(role=role)]
        if not users:
            continue
        visible, _, user = max(users, key=lambda t: (t[0], t[1]))
        account = accounts_visible_to(user).order_by("pk").first()
        client = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        client.force_login(user)
        pages = [("GET /accounts/", "/accounts/"), ("GET /api/v1/accounts", "/api/v1/accounts")]
        if account is not None:
            pages += [
                ("GET /accounts/[id]/", f"/accounts/{account.pk}/"),
                ("GET /api/v1/accounts/[id]", f"/api/v1/accounts/{account.pk}"),
            ]
        pages.append(("floor: GET /healthz", "/healthz"))
        for name, url in pages:
            client.get(url)  # warm caches (templates, URL resolver, prepared statements)
            totals, sql_times, counts, status = [], [], [], None
            queries = []
            for _ in range(repeat):
                recorder = _QueryRecorder()
                with connection.execute_wrapper(recorder):
                    started = time.perf_counter()
                    response = client.get(url)
                    totals.append((time.perf_counter() - started) * 1000)
                status = response.status_code
                counts.append(len(recorder.queries))
                sql_times.append(sum(ms for _, ms in recorder.queries))
                queries = recorder.queries
            row = {
                "role": role,
                "user": user.username,
                "visible_accounts": visible,
                "page": name,
                "status": status,
                "queries": max(counts),
                "total_ms": round(statistics.median(totals), 1),
                "sql_ms": round(statistics.median(sql_times), 1),
                "bytes": len(response.content),
            }
            if show_sql:
                row["sql"] = [[sql, round(ms, 3)] for sql, ms in queries]
            rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| Role (login, visible accounts) | Page | Queries | Total ms | of it SQL ms | Bytes |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['role']} ({r['user']}, {r['visible_accounts']}) | {r['page']} | {r['queries']} | "
            f"{r['total_ms']} | {r['sql_ms']} | {r['bytes']:,} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load.queries", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--sql", action="store_true", help="include the SQL of each page (with --json)")
    args = parser.parse_args()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    rows = profile(args.repeat, args.sql)
    print(json.dumps(rows) if args.json else table(rows))


if __name__ == "__main__":
    main()

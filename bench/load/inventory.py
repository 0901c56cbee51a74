"""What the benchmark installation holds: ``python -m bench.load.inventory [--analyze]`` prints it as JSON.

run.py calls it in the benchmark's environment (settings from env vars, like the server) to get
the demo logins for the simulated users, how many accounts each of them sees, the size of the
data set and the database version for the report.
"""

from __future__ import annotations

import json
import os
import sys
from itertools import zip_longest

BROWSING_ROLES = ("management", "kam", "member")  # administrators do not work with accounts


def _demo_logins() -> tuple[list[str], str]:
    """The demo people's user names and their shared password, from the demo generator."""
    try:
        from openkam.demo import generator

        logins = generator.demo_logins()
        password = getattr(generator, "DEMO_PASSWORD", None)
        if isinstance(logins, dict):  # {"users": [(username, role), ...], "password": ...}
            password = logins.get("password", password)
            logins = logins["users"]
        usernames = [str(entry[0] if isinstance(entry, list | tuple) else entry) for entry in logins]
        if usernames and password:
            return usernames, str(password)
    except (ImportError, AttributeError, KeyError, TypeError):
        pass
    # An older or changed generator: the catalogue holds the same facts.
    from openkam.demo.catalog import DEMO_PASSWORD, DEMO_USERS

    return [u.username for u in DEMO_USERS], DEMO_PASSWORD


def _spread(logins: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """Interleave the roles (management, KAM, team member, KAM, …) so any prefix mixes them."""
    by_role = {role: [login for login in logins if login[1] == role] for role in BROWSING_ROLES}
    order = [by_role["management"], by_role["kam"], by_role["member"]]
    return [login for group in zip_longest(*order) for login in group if login is not None]


def inventory() -> dict:
    from django.db import connection

    from openkam.accounts.models import KeyAccount, TeamMembership
    from openkam.accounts.permissions import accounts_visible_to
    from openkam.core.models import AuditEntry
    from openkam.sales.models import Customer, CustomerRevenue
    from openkam.stakeholders.models import Stakeholder
    from openkam.users.models import User

    demo, password = _demo_logins()
    users = {u.username: u for u in User.objects.filter(username__in=demo)}
    logins = []
    for username in demo:
        user = users.get(username)
        if user is None or not user.is_active or user.role not in BROWSING_ROLES:
            continue
        logins.append((username, str(user.role), accounts_visible_to(user).count()))
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.parameter_status("server_version")
    else:
        version = connection.Database.sqlite_version
    return {
        "logins": _spread(logins),
        "password": password,
        "counts": {
            "customers": Customer.objects.count(),
            "key_accounts": KeyAccount.objects.count(),
            "team_memberships": TeamMembership.objects.count(),
            "stakeholders": Stakeholder.objects.count(),
            "revenue_rows": CustomerRevenue.objects.count(),
            "audit_entries": AuditEntry.objects.count(),
            "users": User.objects.count(),
        },
        "database": {"vendor": connection.vendor, "version": version},
    }


def analyze() -> None:
    """Refresh the planner statistics after the bulk load, as autovacuum would in a running system.

    Without it PostgreSQL plans the first minutes after ``demo_company`` with default estimates
    (e.g. a sequential scan of all customers for four accounts), and whether autovacuum has run
    yet when the measurement starts would decide the result.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if "--analyze" in sys.argv[1:]:
        analyze()
    print(json.dumps(inventory()))


if __name__ == "__main__":
    main()

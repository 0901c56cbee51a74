"""Designation data for the demo company: proposals in every state and a review history.

``seed_designations`` is called by the demo generator (``manage.py demo_company``) after the key
accounts exist. It works through the services, as a person would, so the audit trail and the
history pages look exactly as they will in real use. Which customers and accounts it picks
depends only on the database (revenue ranking, customer numbers), so equal demo companies get
equal designations; the texts are German, like the rest of the demo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery

from openkam.accounts.choices import AccountType
from openkam.accounts.models import KeyAccount
from openkam.sales.models import Customer, CustomerRevenue
from openkam.users.choices import Role
from openkam.users.models import User

from . import services
from .choices import ReviewOutcome
from .models import DesignationProposal
from .selectors import due_reviews_for_user

# The demo personas (openkam/demo/catalog.py) who act here.
HEAD_OF_KAM = "leitung"
KAMS = ("kam", "kam2", "kam3", "kam4")


@dataclass
class SeedResult:
    open: int = 0
    approved: int = 0
    rejected: int = 0
    withdrawn: int = 0
    reviews: int = 0


def _candidates(count: int) -> list[Customer]:
    """The largest customers of the latest fiscal year that are neither key accounts nor proposed,
    nor subsidiaries (their group would be the account)."""
    latest = CustomerRevenue.objects.order_by("-fiscal_year").values("fiscal_year")[:1]
    revenue = CustomerRevenue.objects.filter(customer=OuterRef("pk"), fiscal_year=Subquery(latest)).values(
        "revenue"
    )[:1]
    return list(
        Customer.objects.filter(
            parent__isnull=True, key_account__isnull=True, designation_proposals__isnull=True
        )
        .annotate(last_revenue=Subquery(revenue))
        .filter(last_revenue__isnull=False)
        .order_by("-last_revenue", "number")[:count]
    )


def _people(users: Mapping[str, User] | None) -> tuple[User | None, list[User]]:
    names = (HEAD_OF_KAM, *KAMS)
    found = dict(users or {})
    missing = [n for n in names if n not in found]
    if missing:
        found |= {u.username: u for u in User.objects.filter(username__in=missing, is_active=True)}
    head = found.get(HEAD_OF_KAM)
    kams = [found[n] for n in KAMS if n in found and found[n].role == Role.KAM]
    return (head if head is not None and head.role == Role.MANAGEMENT else None), kams


@transaction.atomic
def seed_designations(*, users: Mapping[str, User] | None = None, reviews: int = 8) -> SeedResult:
    """Create two open proposals, one approved, one rejected and one withdrawn, and complete the
    overdue reviews of up to ``reviews`` key accounts (one of them changes the account's type).

    ``users`` maps demo user names to users (the generator's ``create_users`` result); missing
    ones are looked up by name. Does nothing when the head of KAM or the KAMs are missing, and
    nothing twice: a database that holds proposals already is left alone.
    """
    result = SeedResult()
    head, kams = _people(users)
    if head is None or len(kams) < 2 or DesignationProposal.objects.exists():
        return result
    customers = _candidates(5)
    plans = [
        # (proposer, proposed owner, type, reason, decision)
        (
            kams[0],
            kams[0],
            AccountType.EMERGING,
            "Wächst seit drei Jahren deutlich und kauft bisher nur einen Teil unseres Sortiments. "
            "Der Einkauf bündelt Lieferanten – jetzt ist der Zeitpunkt, uns als Partner zu positionieren.",
            None,
        ),
        (
            head,
            kams[1],
            AccountType.EXISTING,
            "Einer unserer größten Kunden ohne Key-Account-Betreuung. Mehrere Standorte bestellen "
            "unabhängig voneinander; ein Rahmenvertrag würde beide Seiten entlasten.",
            None,
        ),
        (
            kams[-1],
            kams[-1],
            AccountType.EMERGING,
            "Neues Werk in Planung, großer Bedarf an Antriebstechnik in den nächsten zwei Jahren.",
            ("approve", "Strategisch wichtig; Werksplanung bietet die Chance, früh dabei zu sein."),
        ),
        (
            kams[1],
            kams[1],
            AccountType.EXISTING,
            "Hoher Umsatz im letzten Jahr.",
            ("reject", "Der Umsatz stammt aus einem einmaligen Großauftrag; kein erkennbares Potenzial."),
        ),
        (
            kams[0],
            kams[0],
            AccountType.EMERGING,
            "Interessanter Neukunde mit Wachstumsplänen.",
            ("withdraw", "Kunde wurde von einem Wettbewerber übernommen."),
        ),
    ]
    for customer, (proposer, owner, account_type, reason, decision) in zip(customers, plans, strict=False):
        proposal = services.proposal_create(
            actor=proposer, customer=customer, account_type=account_type, reason=reason, proposed_owner=owner
        )
        if decision is None:
            result.open += 1
        elif decision[0] == "approve":
            services.proposal_approve(
                actor=head, proposal=proposal, cap_justification=decision[1], note=decision[1]
            )
            result.approved += 1
        elif decision[0] == "reject":
            services.proposal_reject(actor=head, proposal=proposal, note=decision[1])
            result.rejected += 1
        else:
            services.proposal_withdraw(actor=proposer, proposal=proposal, note=decision[1])
            result.withdrawn += 1
    result.reviews = _complete_reviews(head, limit=reviews)
    return result


def _complete_reviews(head: User, *, limit: int) -> int:
    """Let owners review the longest-overdue designations, so the review list shows both overdue
    and completed reviews."""
    overdue = [row for row in due_reviews_for_user(head, state="overdue") if row.account.owner.is_active]
    overdue.sort(key=lambda row: (row.due_date, row.account.customer.number))
    done = 0
    type_changed = False
    for row in overdue[:limit]:
        account = KeyAccount.objects.select_related("customer", "owner").get(pk=row.account.pk)
        if not type_changed and account.account_type == AccountType.EMERGING:
            type_changed = True
            outcome, note = (
                ReviewOutcome.CHANGE_TYPE,
                "Umsatz hat das Niveau unserer Bestandskunden erreicht; künftig als bestehender Key Account geführt.",
            )
        else:
            outcome, note = (
                ReviewOutcome.CONFIRM,
                "Potenzial und Beziehung bestätigt; Account-Plan wird fortgeschrieben.",
            )
        services.review_complete(actor=account.owner, account=account, outcome=outcome, note=note)
        done += 1
    return done

"""Selection data for the demo company: rating criteria, three scoring models and ratings.

``seed_selection`` is called by the demo generator (``manage.py demo_company``) after customers,
revenues and users exist. It works through the services as the head of KAM would, so the audit
trail looks as it will in real use. The ratings depend only on the customer numbers and the
revenue ranking, so equal demo companies get equal ratings; names and texts are German, like
the rest of the demo.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery

from openkam.sales.models import Customer, CustomerRevenue
from openkam.users.choices import Role
from openkam.users.models import User

from .models import RatingCriterion, ScoringModel, SelectionRun
from .services import (
    CriterionInput,
    RatingChange,
    rating_criterion_create,
    ratings_update,
    scoring_model_create,
    selection_run_start,
)

# The demo persona who acts here (openkam/demo/catalog.py).
HEAD_OF_KAM = "leitung"

RATING_CRITERIA = (
    (
        "fit",
        "Passung zu unserem Angebot",
        "Fit with our offering",
        "1 = wir lösen kaum ein Problem des Kunden, 5 = unser Angebot passt genau.",
    ),
    (
        "logo",
        "Referenzwert des Logos",
        "Reference value of the logo",
        "1 = unbekannt, 5 = Referenz, die in der ganzen Branche zählt.",
    ),
    (
        "relationship",
        "Stärke der Beziehung",
        "Relationship strength",
        "1 = nur Einkauf kennt uns, 5 = Vertrauen bis in die Geschäftsführung.",
    ),
    (
        "strategic",
        "Strategische Bedeutung",
        "Strategic importance",
        "1 = Standardkunde, 5 = entscheidend für unsere Strategie 2026+.",
    ),
)


def _metric(key: str, weight: str, **options) -> CriterionInput:
    return CriterionInput(source="metric", metric=key, weight=Decimal(weight), **options)


def _rating(criterion: RatingCriterion, weight: str) -> CriterionInput:
    # A customer nobody has rated yet is neither rewarded nor punished for it.
    return CriterionInput(
        source="rating",
        rating_criterion=criterion,
        weight=Decimal(weight),
        normalisation="scale",
        missing="neutral",
    )


def _models(criteria: Mapping[str, RatingCriterion]) -> list[dict]:
    return [
        {
            "name": "Key-Account-Kandidaten",
            "purpose": "ranking",
            "description": "Umsatz und Deckungsbeitrag zählen, aber auch Wachstum, Breite und Urteil des Teams.",
            "criteria": [
                _metric("revenue", "30"),
                _metric("margin", "20"),
                _metric("growth", "15", normalisation="rank", missing="neutral"),
                _metric("product_groups", "10"),
                _rating(criteria["fit"], "10"),
                _rating(criteria["strategic"], "15"),
            ],
        },
        {
            "name": "Kundenattraktivität",
            "purpose": "attractiveness",
            "description": "Wie attraktiv ist der Kunde für uns: Wachstum, Ertrag, Bestellgröße, Logo und Strategie.",
            "criteria": [
                _metric("growth", "30", normalisation="rank", missing="neutral"),
                _metric("margin", "20", normalisation="rank"),
                _metric("avg_order_value", "15", normalisation="rank"),
                _rating(criteria["logo"], "15"),
                _rating(criteria["strategic"], "20"),
            ],
        },
        {
            "name": "Unsere Position",
            "purpose": "position",
            "description": "Wie stark stehen wir beim Kunden: Umsatz, Breite, Beziehung und Aktualität.",
            "criteria": [
                _metric("revenue", "30", normalisation="rank"),
                _metric("product_groups", "25", normalisation="rank"),
                _metric("business_units", "15", normalisation="rank"),
                _rating(criteria["relationship"], "20"),
                _metric("recency_days", "10", direction="lower", normalisation="rank"),
            ],
        },
    ]


def _top_customers(count: int) -> list[Customer]:
    """The largest customers of the latest fiscal year, largest first (ties by number)."""
    latest = CustomerRevenue.objects.order_by("-fiscal_year").values("fiscal_year")[:1]
    revenue = CustomerRevenue.objects.filter(customer=OuterRef("pk"), fiscal_year=Subquery(latest)).values(
        "revenue"
    )[:1]
    return list(
        Customer.objects.annotate(last_revenue=Subquery(revenue))
        .filter(last_revenue__isnull=False)
        .order_by("-last_revenue", "number")[:count]
    )


def demo_rating(number: str, key: str, position: int, count: int) -> int:
    """A rating 1–5 that leans towards the top of the revenue ranking, with a stable spread.

    The spread comes from a hash of customer number and criterion, so it is the same in every
    run and on every machine (no random generator state involved).
    """
    digest = hashlib.sha256(f"{number}:{key}".encode()).digest()
    spread = int.from_bytes(digest[:4], "big") / 2**32 * 2.4 - 1.2  # -1.2 .. 1.2
    lean = 1.0 - position / max(count - 1, 1)  # 1 for the largest customer, 0 for the last rated
    return max(1, min(5, round(2.6 + 1.6 * lean + spread)))


@dataclass
class SeedResult:
    criteria: int = 0
    models: int = 0
    ratings: int = 0
    run: SelectionRun | None = None


@transaction.atomic
def seed_selection(
    *, users: Mapping[str, User] | None = None, top: int = 60, run_as_of: date | None = None
) -> SeedResult:
    """Create four rating criteria, a ranking, an attractiveness and a position model, and
    ratings of the ``top`` largest customers; with ``run_as_of``, start a selection run too.

    ``users`` maps demo user names to users (the generator's ``create_users`` result); the head
    of KAM (``leitung``) is looked up by name when missing. Does nothing when the head of KAM is
    missing, and nothing twice: a database that holds scoring models already is left alone.
    The run (if asked for) is computed by the background worker after the transaction commits.
    """
    result = SeedResult()
    head = (users or {}).get(HEAD_OF_KAM) or User.objects.filter(username=HEAD_OF_KAM, is_active=True).first()
    if head is None or head.role != Role.MANAGEMENT or ScoringModel.objects.exists():
        return result
    criteria = {}
    for key, label_de, label_en, description in RATING_CRITERIA:
        criteria[key] = RatingCriterion.objects.filter(key=key).first() or rating_criterion_create(
            actor=head, key=key, label_de=label_de, label_en=label_en, description=description
        )
        result.criteria += 1
    models = {}
    for spec in _models(criteria):
        models[spec["purpose"]] = scoring_model_create(actor=head, **spec)
        result.models += 1
    customers = _top_customers(top)
    changes = [
        RatingChange(
            customer=customer,
            criterion=criterion,
            value=demo_rating(customer.number, key, position, len(customers)),
        )
        for position, customer in enumerate(customers)
        for key, criterion in criteria.items()
    ]
    result.ratings = ratings_update(actor=head, changes=changes)
    if run_as_of is not None:
        result.run = selection_run_start(
            actor=head,
            as_of=run_as_of,
            ranking_model=models["ranking"],
            attractiveness_model=models["attractiveness"],
            position_model=models["position"],
        )
    return result

"""Factories for the whole suite (factory_boy + Faker de_DE). Objects are built through the ORM
here because factories describe states; behaviour under test always goes through services."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from openkam.accounts.choices import AccountStatus, AccountType, InternalRole, TeamScope
from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.sales.models import Customer, CustomerRevenue
from openkam.stakeholders.models import Stakeholder
from openkam.users.choices import Role
from openkam.users.models import User

factory.Faker._DEFAULT_LOCALE = "de_DE"

PASSWORD = "Sicheres-Passwort-2026"

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})


def ascii_local_part(name: str) -> str:
    """German names as they appear in e-mail addresses (Jürgen Weiß → juergen.weiss)."""
    folded = name.lower().translate(_FOLD)
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in "-."))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.KAM
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"K{n:06d}")
    name = factory.Faker("company")
    legal_form = "GmbH"
    industry = "Maschinenbau"
    country = "DE"
    city = factory.Faker("city")


class CustomerRevenueFactory(DjangoModelFactory):
    class Meta:
        model = CustomerRevenue

    customer = factory.SubFactory(CustomerFactory)
    fiscal_year = 2025
    revenue = Decimal("1250000.00")
    margin = Decimal("312500.00")
    invoice_lines = 120


class KeyAccountFactory(DjangoModelFactory):
    class Meta:
        model = KeyAccount

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SubFactory(UserFactory, role=Role.KAM)
    account_type = AccountType.EXISTING
    status = AccountStatus.ACTIVE
    reason = "Größter Kunde im Maschinenbau"
    designated_since = date(2024, 1, 1)


class TeamMembershipFactory(DjangoModelFactory):
    class Meta:
        model = TeamMembership

    account = factory.SubFactory(KeyAccountFactory)
    user = factory.SubFactory(UserFactory, role=Role.MEMBER)
    internal_role = InternalRole.INSIDE_SALES
    scope = TeamScope.CORE


class StakeholderFactory(DjangoModelFactory):
    class Meta:
        model = Stakeholder

    account = factory.SubFactory(KeyAccountFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    function = "Einkaufsleiter"
    business_unit = "Einkauf"
    email = factory.LazyAttribute(
        lambda s: f"{ascii_local_part(s.first_name)}.{ascii_local_part(s.last_name)}@kunde.example"
    )
    phone = "+49 711 123456"


# Key-account selection (openkam.portfolio) ------------------------------------------------------

from django.utils import timezone  # noqa: E402  (the selection app's section is appended)

from openkam.portfolio.models import (  # noqa: E402
    CustomerRating,
    RatingCriterion,
    ScoringCriterion,
    ScoringModel,
    SelectionResult,
    SelectionRun,
)


class RatingCriterionFactory(DjangoModelFactory):
    class Meta:
        model = RatingCriterion
        django_get_or_create = ("key",)

    key = "fit"
    label_de = "Passung zu unserem Angebot"
    label_en = "Fit with our offering"
    description = "1 = passt kaum, 5 = passt genau"
    scale_min = 1
    scale_max = 5


class CustomerRatingFactory(DjangoModelFactory):
    class Meta:
        model = CustomerRating

    customer = factory.SubFactory(CustomerFactory)
    criterion = factory.SubFactory(RatingCriterionFactory)
    value = Decimal("4")
    rated_at = factory.LazyFunction(timezone.now)


class ScoringModelFactory(DjangoModelFactory):
    class Meta:
        model = ScoringModel

    name = factory.Sequence(lambda n: f"Scoring model {n}")
    purpose = "ranking"


class ScoringCriterionFactory(DjangoModelFactory):
    class Meta:
        model = ScoringCriterion

    model = factory.SubFactory(ScoringModelFactory)
    position = factory.Sequence(int)
    source = "metric"
    metric = "revenue"
    weight = Decimal("1")


class SelectionRunFactory(DjangoModelFactory):
    """A finished run with the settings a default run would freeze (no results; add them)."""

    class Meta:
        model = SelectionRun

    as_of = date(2025, 12, 31)
    fiscal_years = [2024, 2025]
    status = "done"
    result_count = 0
    snapshot = factory.LazyFunction(
        lambda: {
            "abc_value": "revenue",
            "abc_cutoffs": [0.8, 0.95],
            "threshold": 50.0,
            "variation": 0.2,
            "draws": 100,
            "top_n": 25,
            "period_start": "2025-01-01",
            "seed": 0,
            "clv": {"time_unit": "W", "horizon_months": 12, "monthly_discount_rate": 0.01},
            "whitespace_top": 200,
            "models": {
                purpose: {
                    "id": None,
                    "name": f"{purpose.title()} model",
                    "description": "",
                    "purpose": purpose,
                    "criteria": [
                        {
                            "key": "revenue",
                            "source": "metric",
                            "metric": "revenue",
                            "weight": 2.0,
                            "direction": "higher",
                            "normalisation": "minmax",
                            "scale_min": None,
                            "scale_max": None,
                            "missing": "worst",
                        },
                        {
                            "key": "growth",
                            "source": "metric",
                            "metric": "growth",
                            "weight": 1.0,
                            "direction": "higher",
                            "normalisation": "rank",
                            "scale_min": None,
                            "scale_max": None,
                            "missing": "neutral",
                        },
                    ],
                }
                for purpose in ("ranking", "attractiveness", "position")
            },
        }
    )
    summary = factory.LazyFunction(
        lambda: {
            "customers": 2,
            "classes": {"A": 1, "B": 1},
            "quadrants": {"invest": 1, "efficient": 1},
            "robust": 2,
            "total_revenue": "2000000.00",
            "total_margin": "500000.00",
            "skipped_unknown": 0,
            "skipped_revenue": "0.00",
            "fiscal_years": [2024, 2025],
            "clv": {
                "time_unit": "W",
                "horizon_months": 12,
                "monthly_discount_rate": 0.01,
                "customers": 2,
                "repeat_customers": 2,
                "bgnbd": {
                    "params": {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43},
                    "log_likelihood": -9582.43,
                    "n_customers": 2,
                    "converged": True,
                    "method": "L-BFGS-B",
                    "iterations": 20,
                    "message": "CONVERGENCE",
                },
                "gamma_gamma": {
                    "params": {"p": 6.25, "q": 3.74, "v": 15.44},
                    "log_likelihood": -4000.1,
                    "n_customers": 2,
                    "converged": True,
                    "method": "L-BFGS-B",
                    "iterations": 15,
                    "message": "CONVERGENCE",
                    "frequency_value_correlation": 0.11,
                    "population_mean_value": 35.2,
                },
            },
        }
    )


class SelectionResultFactory(DjangoModelFactory):
    class Meta:
        model = SelectionResult

    run = factory.SubFactory(SelectionRunFactory)
    customer = factory.SubFactory(CustomerFactory)
    customer_number = factory.LazyAttribute(lambda r: r.customer.number)
    revenue = Decimal("1250000.00")
    margin = Decimal("312500.00")
    growth = 0.1
    abc_class = "A"
    abc_rank = 1
    abc_share = 0.625
    abc_cumulative_share = 0.625
    score = 80.0
    rank = 1
    contributions = factory.LazyFunction(lambda: {"revenue": 60.0, "growth": 20.0})
    criterion_values = factory.LazyFunction(lambda: {"revenue": "1250000.00", "growth": 0.1})
    best_rank = 1
    worst_rank = 1
    median_rank = 1.0
    p05_rank = 1.0
    p95_rank = 1.0
    top_share = 1.0
    robust = True
    attractiveness = 80.0
    position = 70.0
    quadrant = "invest"
    probability_alive = 0.93
    expected_purchases = 8.4
    expected_spend = Decimal("95000.00")
    clv = Decimal("91000.00")
    clv_rank = 1


# Key-account designation (openkam.designations) -------------------------------------------------

from openkam.designations.models import DesignationProposal, DesignationReview  # noqa: E402


class DesignationProposalFactory(DjangoModelFactory):
    """An open proposal made by a KAM for a customer who is no key account yet."""

    class Meta:
        model = DesignationProposal

    customer = factory.SubFactory(CustomerFactory)
    account_type = AccountType.EMERGING
    reason = "Wächst seit drei Jahren zweistellig und kauft erst zwei Produktgruppen"
    proposed_owner = factory.SubFactory(UserFactory, role=Role.KAM)
    proposed_by = factory.SelfAttribute("proposed_owner")
    evidence = factory.LazyFunction(lambda: {"revenues": [], "selection": None})


class DesignationReviewFactory(DjangoModelFactory):
    """A scheduled (open) review of a key account."""

    class Meta:
        model = DesignationReview

    account = factory.SubFactory(KeyAccountFactory)
    due_date = date(2025, 1, 1)


class MappingProfileFactory(DjangoModelFactory):
    class Meta:
        model = "imports.MappingProfile"

    name = factory.Sequence(lambda n: f"ERP-Export {n}")
    kind = "ledger"
    source_system = "SAP S/4HANA"
    mapping = factory.LazyFunction(
        lambda: {
            "invoice_id": "Rechnungsnummer",
            "line_id": "Position",
            "invoice_date": "Rechnungsdatum",
            "customer_number": "Kundennummer",
            "product_group": "Warengruppe",
            "business_unit": "Sparte",
            "net_revenue": "Nettoumsatz",
            "cost": "Kosten",
        }
    )
    delimiter = ";"
    decimal_separator = ","
    date_format = "%d.%m.%Y"


class ImportRunFactory(DjangoModelFactory):
    """An import in any state; files (upload, report, ledger) are the test's business."""

    class Meta:
        model = "imports.ImportRun"

    kind = "ledger"
    status = "uploaded"
    source = "upload"
    original_name = factory.Sequence(lambda n: f"umsatz-{n}.csv")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size = 1234
    file_format = "csv"
    encoding = "utf-8"
    delimiter = ";"

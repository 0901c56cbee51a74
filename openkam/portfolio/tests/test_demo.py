"""The demo company's selection data: criteria, models and deterministic ratings."""

from datetime import date
from decimal import Decimal

import pytest

from openkam.portfolio.demo import demo_rating, seed_selection
from openkam.portfolio.models import CustomerRating, RatingCriterion, ScoringModel
from openkam.testing.factories import CustomerRevenueFactory, UserFactory
from openkam.users.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def head():
    return UserFactory(username="leitung", role=Role.MANAGEMENT)


def _customers(count: int):
    return [
        CustomerRevenueFactory(fiscal_year=2025, revenue=Decimal(1_000_000 - 10_000 * i)).customer
        for i in range(count)
    ]


def test_it_creates_criteria_three_models_and_ratings_of_the_largest_customers(head):
    customers = _customers(12)

    result = seed_selection(top=10, run_as_of=date(2025, 12, 31))

    assert (result.criteria, result.models, result.ratings) == (4, 3, 40)
    assert set(RatingCriterion.objects.values_list("key", flat=True)) == {
        "fit",
        "logo",
        "relationship",
        "strategic",
    }
    assert sorted(ScoringModel.objects.values_list("purpose", flat=True)) == [
        "attractiveness",
        "position",
        "ranking",
    ]
    rated = set(CustomerRating.objects.values_list("customer_id", flat=True))
    assert rated == {c.pk for c in customers[:10]}
    assert all(1 <= r.value <= 5 and r.rated_by == head for r in CustomerRating.objects.all())
    assert result.run.status == "queued" and result.run.created_by == head


def test_it_is_deterministic_and_runs_only_once(head):
    _customers(5)
    seed_selection(top=5)
    first = sorted(CustomerRating.objects.values_list("customer__number", "criterion__key", "value"))

    again = seed_selection(top=5)

    assert again.models == 0
    assert sorted(CustomerRating.objects.values_list("customer__number", "criterion__key", "value")) == first
    assert demo_rating("K000001", "fit", 0, 5) == demo_rating("K000001", "fit", 0, 5)


def test_it_leans_towards_the_largest_customers():
    top = [demo_rating(f"K{i:06d}", "fit", 0, 100) for i in range(200)]
    bottom = [demo_rating(f"K{i:06d}", "fit", 99, 100) for i in range(200)]
    assert sum(top) / len(top) > sum(bottom) / len(bottom) + 1


def test_without_the_head_of_kam_it_does_nothing():
    _customers(3)
    assert seed_selection().models == 0
    assert not ScoringModel.objects.exists()

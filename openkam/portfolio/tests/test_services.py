"""Services of the selection: validation, permissions, audit and the frozen settings of a run."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from openkam.core.models import AuditEntry
from openkam.portfolio.models import CustomerRating, ScoringModel
from openkam.portfolio.services import (
    RatingChange,
    default_period_start,
    rating_criterion_create,
    rating_criterion_delete,
    rating_criterion_update,
    ratings_update,
    scoring_model_create,
    scoring_model_delete,
    scoring_model_update,
    selection_run_start,
)
from openkam.testing.factories import ScoringModelFactory

from .conftest import criterion


@pytest.fixture(autouse=True)
def _english():
    # The messages asserted below are the English originals; the default language is German.
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


# Rating criteria and ratings -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "teammate", "extended", "other_kam"])
def test_only_management_and_administrators_define_rating_criteria(world, persona):
    with pytest.raises(PermissionDenied):
        rating_criterion_create(actor=world.persona(persona), key="fit", label_de="Passung", label_en="Fit")


def test_a_rating_criterion_needs_an_ordered_scale_and_a_free_key(world, fit):
    with pytest.raises(ValidationError) as exc:
        rating_criterion_create(
            actor=world.admin, key="logo", label_de="L", label_en="L", scale_min=5, scale_max=5
        )
    assert "scale_max" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        rating_criterion_create(actor=world.admin, key="fit", label_de="P", label_en="F")
    assert "key" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        rating_criterion_create(actor=world.admin, key="9lives", label_de="P", label_en="F")
    assert "key" in _errors(exc)


def test_ratings_are_set_changed_and_cleared_with_an_audit_entry_each(world, master, fit):
    customer = master["K001"]  # the owner's key account
    ratings_update(
        actor=world.manager, changes=[RatingChange(customer=customer, criterion=fit, value="4.5", note="Gut")]
    )
    ratings_update(
        actor=world.manager, changes=[RatingChange(customer=customer, criterion=fit, value=Decimal("4.50"))]
    )
    ratings_update(actor=world.admin, changes=[RatingChange(customer=customer, criterion=fit, value=3)])
    rating = CustomerRating.objects.get(customer=customer, criterion=fit)
    assert (rating.value, rating.note, rating.rated_by) == (Decimal("3"), "Gut", world.admin)
    ratings_update(actor=world.admin, changes=[RatingChange(customer=customer, criterion=fit, value=None)])

    assert not CustomerRating.objects.filter(customer=customer).exists()
    actions = list(
        AuditEntry.objects.filter(account_id=world.account.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["rating.set", "rating.set", "rating.clear"]  # the unchanged value left none


@pytest.mark.parametrize("value", ["0", "5.01", "4.555", "viel", "NaN"])
def test_a_rating_must_lie_on_the_scale_with_at_most_two_decimals(world, master, fit, value):
    with pytest.raises(ValidationError) as exc:
        ratings_update(
            actor=world.manager, changes=[RatingChange(customer=master["K003"], criterion=fit, value=value)]
        )
    assert "fit" in _errors(exc)
    assert not CustomerRating.objects.exists()


def test_one_invalid_rating_saves_none_of_the_others(world, master, fit):
    changes = [
        RatingChange(customer=master["K003"], criterion=fit, value=4),
        RatingChange(customer=master["K004"], criterion=fit, value=6),
    ]
    with pytest.raises(ValidationError):
        ratings_update(actor=world.manager, changes=changes)
    assert not CustomerRating.objects.exists()
    assert not AuditEntry.objects.filter(action="rating.set").exists()


def test_a_kam_may_not_rate_even_their_own_customer(world, master, fit):
    with pytest.raises(PermissionDenied):
        ratings_update(
            actor=world.owner, changes=[RatingChange(customer=master["K001"], criterion=fit, value=5)]
        )


def test_an_inactive_criterion_cannot_be_rated_and_a_narrower_scale_must_fit_the_ratings(
    world, master, fit, ratings
):
    with pytest.raises(ValidationError) as exc:
        rating_criterion_update(
            actor=world.admin,
            criterion=fit,
            label_de="P",
            label_en="F",
            description="",
            scale_min=1,
            scale_max=4,
            active=True,
        )
    assert "1 rating lies outside this scale" in str(exc.value)
    rating_criterion_update(
        actor=world.admin,
        criterion=fit,
        label_de="P",
        label_en="F",
        description="",
        scale_min=1,
        scale_max=5,
        active=False,
    )
    with pytest.raises(ValidationError):
        ratings_update(
            actor=world.manager, changes=[RatingChange(customer=master["K003"], criterion=fit, value=3)]
        )


def test_a_rating_criterion_in_use_cannot_be_deleted(world, models, fit):
    with pytest.raises(ValidationError, match="scoring model uses"):
        rating_criterion_delete(actor=world.admin, criterion=fit)


# Scoring models --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ([], "criteria"),
        ([criterion(metric="turnover")], "criteria.0.metric"),
        ([criterion(metric="revenue", weight="0")], "criteria.0.weight"),
        ([criterion(metric="revenue", weight="1000.01")], "criteria.0.weight"),
        ([criterion(metric="revenue"), criterion(metric="revenue")], "criteria.1.metric"),
        ([criterion(metric="revenue", normalisation="scale")], "criteria.0.scale_min"),
        ([criterion(metric="revenue", direction="up")], "criteria.0.direction"),
        ([criterion(source="rating")], "criteria.0.rating_criterion"),
    ],
)
def test_invalid_criteria_are_refused_naming_the_row(world, criteria, field):
    with pytest.raises(ValidationError) as exc:
        scoring_model_create(actor=world.manager, name="Test", purpose="ranking", criteria=criteria)
    assert field in _errors(exc)
    assert not ScoringModel.objects.exists()


def test_a_rating_criterion_on_the_fixed_scale_brings_its_own_bounds(world, fit):
    model = scoring_model_create(
        actor=world.manager,
        name="Passung",
        purpose="ranking",
        criteria=[
            criterion(source="rating", rating=fit, normalisation="scale"),
            criterion(metric="orders", scale_min=1),
        ],
    )
    rating, orders = model.criteria.all()
    assert (rating.scale_min, rating.scale_max) == (1, 5)
    assert orders.scale_min is None  # bounds mean nothing without the fixed scale
    assert rating.key == "rating_fit"


def test_model_names_are_unique_whatever_the_case(world, models):
    with pytest.raises(ValidationError) as exc:
        scoring_model_create(
            actor=world.manager, name="kandidaten", purpose="ranking", criteria=[criterion(metric="orders")]
        )
    assert "name" in _errors(exc)


def test_only_management_and_administrators_change_models(world, models):
    with pytest.raises(PermissionDenied):
        scoring_model_update(
            actor=world.owner,
            model=models["ranking"],
            name="x",
            purpose="ranking",
            description="",
            active=True,
        )
    with pytest.raises(PermissionDenied):
        scoring_model_delete(actor=world.teammate, model=models["ranking"])


# Runs ------------------------------------------------------------------------------------------


def _start(world, models, **overrides):
    arguments = {
        "actor": world.manager,
        "as_of": date(2025, 12, 31),
        "ranking_model": models["ranking"],
        "attractiveness_model": models["attractiveness"],
        "position_model": models["position"],
        **overrides,
    }
    return selection_run_start(**arguments)


def test_a_run_freezes_its_models_and_settings(world, models):
    run = _start(world, models, abc_cutoffs=(0.7, 0.9), threshold=60, variation=0.1, draws=500, top_n=10)
    scoring_model_update(
        actor=world.manager,
        model=models["ranking"],
        name="Kandidaten",
        purpose="ranking",
        description="",
        active=True,
        criteria=[criterion(metric="orders")],
    )

    ranking = run.snapshot["models"]["ranking"]
    assert [c["key"] for c in ranking["criteria"]] == ["revenue", "product_groups", "rating_fit"]
    assert ranking["criteria"][0]["weight"] == 3.0
    assert ranking["criteria"][2]["rating"]["label_en"] == "Fit"
    assert run.snapshot["abc_cutoffs"] == [0.7, 0.9] and run.snapshot["threshold"] == 60.0
    assert (run.snapshot["variation"], run.snapshot["draws"], run.snapshot["top_n"]) == (0.1, 500, 10)
    assert run.snapshot["clv"] == {"time_unit": "W", "horizon_months": 12, "monthly_discount_rate": 0.01}
    assert run.snapshot["period_start"] == "2025-01-01"
    assert run.status == "queued" and run.job.kind == "portfolio.run_selection"


@pytest.mark.parametrize("persona", ["owner", "teammate", "extended", "other_kam"])
def test_only_management_and_administrators_start_runs(world, models, persona):
    with pytest.raises(PermissionDenied):
        _start(world, models, actor=world.persona(persona))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"as_of": timezone.localdate() + timedelta(days=1)}, "as_of"),
        ({"abc_cutoffs": (0.95, 0.8)}, "abc_cutoffs"),
        ({"abc_cutoffs": (0.8, 1.2)}, "abc_cutoffs"),
        ({"threshold": 0}, "threshold"),
        ({"variation": 1.0}, "variation"),
        ({"draws": 9}, "draws"),
        ({"top_n": 0}, "top_n"),
        ({"abc_value": "profit"}, "abc_value"),
        ({"period_start": date(2026, 1, 1)}, "period_start"),
    ],
)
def test_run_settings_outside_their_bounds_are_refused(world, models, overrides, field):
    with pytest.raises(ValidationError) as exc:
        _start(world, models, **overrides)
    assert field in _errors(exc)


def test_models_must_suit_their_purpose_be_active_and_have_criteria(world, models):
    with pytest.raises(ValidationError) as exc:
        _start(world, models, ranking_model=models["position"])
    assert "ranking_model" in _errors(exc)
    empty = ScoringModelFactory(name="Leer", purpose="position")
    with pytest.raises(ValidationError) as exc:
        _start(world, models, position_model=empty)
    assert "“Leer” has no criteria yet" in str(exc.value)
    models["attractiveness"].active = False
    models["attractiveness"].save()
    with pytest.raises(ValidationError) as exc:
        _start(world, models)
    assert "attractiveness_model" in _errors(exc)


def test_the_default_period_is_the_twelve_months_up_to_the_as_of_date():
    assert default_period_start(date(2025, 12, 31)) == date(2025, 1, 1)
    assert default_period_start(date(2025, 6, 30)) == date(2024, 7, 1)
    assert default_period_start(date(2024, 2, 29)) == date(2023, 3, 1)

"""Fixtures of the selection tests: the test ledger, its customer master, models and a finished run."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openkam.core.tasks import run_job
from openkam.portfolio import engine
from openkam.portfolio.services import (
    CriterionInput,
    RatingChange,
    rating_criterion_create,
    ratings_update,
    scoring_model_create,
    selection_run_start,
)
from openkam.sales.models import Customer
from openkam.testing.factories import CustomerFactory

from .ledger import AS_OF, PLAN, UNKNOWN, open_test_ledger, write_ledger


@pytest.fixture
def ledger_file(tmp_path):
    return write_ledger(tmp_path / "ledger.parquet")


@pytest.fixture
def use_ledger(monkeypatch, ledger_file):
    """Point selection runs at the test ledger instead of the imported ones."""
    monkeypatch.setattr(engine, "load_ledger", lambda: open_test_ledger(ledger_file))
    return ledger_file


@pytest.fixture
def master(world) -> dict[str, Customer]:
    """K001–K008 in the customer master: K001 is the owner's key account, K002 the other KAM's."""
    customers = {}
    for number in PLAN:
        if number == UNKNOWN:
            continue
        if number == "K001":
            customer = world.account.customer
        elif number == "K002":
            customer = world.other_account.customer
        else:
            customer = CustomerFactory(name=f"Kunde {number}")
        customer.number = number
        customer.save(update_fields=["number"])
        customers[number] = customer
    return customers


def criterion(source="metric", metric="", rating=None, weight="1", **options) -> CriterionInput:
    return CriterionInput(
        source=source, metric=metric, rating_criterion=rating, weight=Decimal(weight), **options
    )


@pytest.fixture
def fit(world):
    return rating_criterion_create(
        actor=world.admin, key="fit", label_de="Passung", label_en="Fit", scale_min=1, scale_max=5
    )


@pytest.fixture
def models(world, fit):
    """A ranking, an attractiveness and a position model of the head of KAM."""
    ranking = scoring_model_create(
        actor=world.manager,
        name="Kandidaten",
        purpose="ranking",
        criteria=[
            criterion(metric="revenue", weight="3"),
            criterion(metric="product_groups", weight="1"),
            criterion(source="rating", rating=fit, weight="1", normalisation="scale"),
        ],
    )
    attractiveness = scoring_model_create(
        actor=world.manager,
        name="Attraktivität",
        purpose="attractiveness",
        criteria=[
            criterion(metric="growth", weight="1", normalisation="rank", missing="neutral"),
            criterion(source="rating", rating=fit, weight="1", normalisation="scale", missing="neutral"),
        ],
    )
    position = scoring_model_create(
        actor=world.manager,
        name="Position",
        purpose="position",
        criteria=[
            criterion(metric="revenue", weight="1"),
            criterion(metric="recency_days", weight="1", direction="lower"),
        ],
    )
    return {"ranking": ranking, "attractiveness": attractiveness, "position": position}


@pytest.fixture
def ratings(world, master, fit):
    ratings_update(
        actor=world.manager,
        changes=[
            RatingChange(customer=master["K001"], criterion=fit, value=5),
            RatingChange(customer=master["K002"], criterion=fit, value=2),
            RatingChange(customer=master["K004"], criterion=fit, value=4, note="Neues Werk in Planung"),
        ],
    )


def start_and_run(world, models, **settings):
    """Start a run as the head of KAM and execute its job as the worker would."""
    run = selection_run_start(
        actor=world.manager,
        as_of=settings.pop("as_of", AS_OF),
        ranking_model=models["ranking"],
        attractiveness_model=models["attractiveness"],
        position_model=models["position"],
        draws=settings.pop("draws", 200),
        **settings,
    )
    # The test transaction never commits, so on_commit never enqueues: run what the worker would.
    run_job.call(str(run.job_id))
    run.refresh_from_db()
    return run


@pytest.fixture
def done_run(world, master, models, ratings, use_ledger):
    run = start_and_run(world, models)
    assert run.status == "done", run.error
    return run

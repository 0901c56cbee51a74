"""Permission-matrix entries of the selection pages and API (see openkam/testing/matrix.py).

Everyone signed in reads runs, models and rating criteria (a KAM's pages are scoped to the
customers of their accounts); only management and administrators change the configuration,
rate customers and start runs: the others get 403 there. A customer's ratings follow the
customer's visibility (404 for the KAM of another account).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from openkam.testing.factories import (
    RatingCriterionFactory,
    ScoringCriterionFactory,
    ScoringModelFactory,
    SelectionResultFactory,
    SelectionRunFactory,
)
from openkam.testing.matrix import EVERYONE, READERS, SIGNED_IN, Case, post_ok

# Management and administrators configure; everyone else may read but not change (403).
CONFIGURE = dict.fromkeys(SIGNED_IN, 403) | {"manager": 200, "admin": 200}
CUSTOMER_READERS = READERS | {"admin": 200}


def finished_run(world):
    """A finished run with a result for the customer of each world account."""
    run = SelectionRunFactory(created_by=world.manager, result_count=2)
    SelectionResultFactory(run=run, customer=world.account.customer)
    SelectionResultFactory(
        run=run,
        customer=world.other_account.customer,
        abc_class="B",
        abc_rank=2,
        rank=2,
        score=40.0,
        quadrant="efficient",
        clv_rank=2,
    )
    return run


def scoring_model(world, purpose="ranking"):
    model = ScoringModelFactory(purpose=purpose, created_by=world.manager)
    ScoringCriterionFactory(model=model, metric="revenue", weight=Decimal("2"), position=0)
    ScoringCriterionFactory(model=model, metric="growth", weight=Decimal("1"), position=1)
    return model


def _run_url(name, *extra):
    return lambda w, u: reverse(name, args=[finished_run(w).pk, *extra])


HTML_CASES: dict[str, Case] = {
    "portfolio:home": Case(lambda w, u: reverse("portfolio:home"), EVERYONE),
    # An empty POST shows the form again with its errors (200); starting is for management.
    "portfolio:run-start": Case(lambda w, u: reverse("portfolio:run-start"), CONFIGURE, method="post"),
    "portfolio:run-detail": Case(_run_url("portfolio:run-detail"), EVERYONE),
    "portfolio:run-status": Case(_run_url("portfolio:run-status"), EVERYONE),
    "portfolio:run-abc": Case(_run_url("portfolio:run-abc"), EVERYONE),
    "portfolio:run-matrix": Case(_run_url("portfolio:run-matrix"), EVERYONE),
    "portfolio:run-clv": Case(_run_url("portfolio:run-clv"), EVERYONE),
    "portfolio:run-compare": Case(_run_url("portfolio:run-compare"), EVERYONE),
    "portfolio:run-chart": Case(_run_url("portfolio:run-chart", "matrix", "svg"), EVERYONE),
    "portfolio:export": Case(
        lambda w, u: reverse("portfolio:export"),
        post_ok(EVERYONE),
        method="post",
        data={"list": "runs", "format": "csv"},
    ),
    "portfolio:models": Case(lambda w, u: reverse("portfolio:models"), EVERYONE),
    "portfolio:model-create": Case(lambda w, u: reverse("portfolio:model-create"), CONFIGURE),
    "portfolio:model-criterion-row": Case(lambda w, u: reverse("portfolio:model-criterion-row"), CONFIGURE),
    "portfolio:model-edit": Case(
        lambda w, u: reverse("portfolio:model-edit", args=[scoring_model(w).pk]), CONFIGURE
    ),
    "portfolio:model-delete": Case(
        lambda w, u: reverse("portfolio:model-delete", args=[scoring_model(w).pk]),
        post_ok(CONFIGURE),
        method="post",
    ),
    "portfolio:rating-criteria": Case(lambda w, u: reverse("portfolio:rating-criteria"), EVERYONE),
    "portfolio:rating-criterion-create": Case(
        lambda w, u: reverse("portfolio:rating-criterion-create"), CONFIGURE
    ),
    "portfolio:rating-criterion-edit": Case(
        lambda w, u: reverse("portfolio:rating-criterion-edit", args=[RatingCriterionFactory().pk]), CONFIGURE
    ),
    "portfolio:rating-criterion-delete": Case(
        lambda w, u: reverse(
            "portfolio:rating-criterion-delete", args=[RatingCriterionFactory(key="unused").pk]
        ),
        post_ok(CONFIGURE),
        method="post",
    ),
    "portfolio:ratings": Case(lambda w, u: reverse("portfolio:ratings"), EVERYONE),
    "portfolio:customer-ratings": Case(
        lambda w, u: reverse("portfolio:customer-ratings", args=[w.account.customer_id]), CUSTOMER_READERS
    ),
}


API_OPERATIONS: dict[str, tuple[str, str]] = {
    "selection_runs_list": ("GET", "/selection/runs"),
    "selection_run_create": ("POST", "/selection/runs"),
    "selection_run_get": ("GET", "/selection/runs/{selection_run_id}"),
    "selection_results_list": ("GET", "/selection/runs/{selection_run_id}/results"),
    "scoring_models_list": ("GET", "/selection/models"),
    "scoring_model_create": ("POST", "/selection/models"),
    "scoring_model_get": ("GET", "/selection/models/{scoring_model_id}"),
    "scoring_model_update": ("PATCH", "/selection/models/{scoring_model_id}"),
    "scoring_model_delete": ("DELETE", "/selection/models/{scoring_model_id}"),
    "scoring_criteria_list": ("GET", "/selection/models/{scoring_model_id}/criteria"),
    "scoring_criterion_create": ("POST", "/selection/models/{scoring_model_id}/criteria"),
    "scoring_criterion_update": (
        "PATCH",
        "/selection/models/{scoring_model_id}/criteria/{scoring_criterion_id}",
    ),
    "scoring_criterion_delete": (
        "DELETE",
        "/selection/models/{scoring_model_id}/criteria/{scoring_criterion_id}",
    ),
    "rating_criteria_list": ("GET", "/selection/rating-criteria"),
    "rating_criterion_create": ("POST", "/selection/rating-criteria"),
    "rating_criterion_get": ("GET", "/selection/rating-criteria/{rating_criterion_id}"),
    "rating_criterion_update": ("PATCH", "/selection/rating-criteria/{rating_criterion_id}"),
    "rating_criterion_delete": ("DELETE", "/selection/rating-criteria/{rating_criterion_id}"),
    "ratings_list": ("GET", "/selection/ratings"),
    "customer_ratings_get": ("GET", "/selection/customers/{customer_id}/ratings"),
    "customer_ratings_upsert": ("PUT", "/selection/customers/{customer_id}/ratings"),
}

API_SUCCESS = {"selection_run_create": 202}

_READS = {
    "selection_runs_list",
    "selection_run_get",
    "selection_results_list",
    "scoring_models_list",
    "scoring_model_get",
    "scoring_criteria_list",
    "rating_criteria_list",
    "rating_criterion_get",
    "ratings_list",
}
_SUCCESS = {"POST": 201, "DELETE": 204, "PATCH": 200, "PUT": 200, "GET": 200}


def api_expected_status(operation_id: str, persona: str) -> int:
    ok = API_SUCCESS.get(operation_id) or _SUCCESS[API_OPERATIONS[operation_id][0]]
    if operation_id in _READS:
        return ok
    if operation_id.startswith("customer_ratings_") and persona == "other_kam":
        return 404  # the customer is not theirs
    if operation_id == "customer_ratings_get":
        return ok
    return ok if persona in ("manager", "admin") else 403


def api_path_ids(world) -> dict:
    model = scoring_model(world)
    return {
        "selection_run_id": finished_run(world).pk,
        "scoring_model_id": model.pk,
        "scoring_criterion_id": model.criteria.order_by("position").first().pk,
        "rating_criterion_id": RatingCriterionFactory(key="strategic", label_en="Strategic importance").pk,
    }


def api_sample_body(operation_id: str, world) -> dict | None:
    if operation_id == "selection_run_create":
        return {
            "as_of": "2025-12-31",
            "ranking_model_id": scoring_model(world).pk,
            "attractiveness_model_id": scoring_model(world, "attractiveness").pk,
            "position_model_id": scoring_model(world, "position").pk,
        }
    if operation_id == "scoring_model_create":
        return {
            "name": "API-Modell",
            "purpose": "ranking",
            "criteria": [{"source": "metric", "metric": "revenue", "weight": "2"}],
        }
    if operation_id == "scoring_model_update":
        return {"description": "Gewichte nach dem Strategieworkshop"}
    if operation_id == "scoring_criterion_create":
        return {"source": "metric", "metric": "orders", "weight": "1"}
    if operation_id == "scoring_criterion_update":
        return {"weight": "5"}
    if operation_id == "rating_criterion_create":
        return {"key": "reference", "label_de": "Referenzwert", "label_en": "Reference value"}
    if operation_id == "rating_criterion_update":
        return {"label_en": "Strategic importance for us"}
    if operation_id == "customer_ratings_upsert":
        RatingCriterionFactory(key="fit")
        return {"ratings": [{"criterion": "fit", "value": "4", "note": "Passt zum Portfolio"}]}
    return None

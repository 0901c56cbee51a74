"""The selection API: runs and results scoped like the pages, models, rating criteria and ratings."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.portfolio.models import CustomerRating, ScoringModel, SelectionRun

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client, method, path, body=None):
    return client.generic(
        method, path, json.dumps(body) if body is not None else b"", content_type="application/json"
    )


# Runs ------------------------------------------------------------------------------------------


def _run_body(models, **extra) -> dict:
    return {
        "as_of": "2025-12-31",
        "ranking_model_id": models["ranking"].pk,
        "attractiveness_model_id": models["attractiveness"].pk,
        "position_model_id": models["position"].pk,
        **extra,
    }


def test_management_starts_a_run_and_gets_the_job_to_poll(world, models):
    response = _send(
        _client(world.manager), "POST", api_path("selection_run_create"), _run_body(models, draws=50)
    )

    assert response.status_code == 202, response.content
    body = response.json()
    run = SelectionRun.objects.get(pk=body["run"]["id"])
    assert body["job"]["id"] == str(run.job_id) and body["job"]["status"] == "queued"
    assert body["run"]["settings"]["draws"] == 50
    assert body["run"]["settings"]["models"]["ranking"]["name"] == "Kandidaten"


def test_a_kam_may_not_start_a_run(world, models):
    response = _send(_client(world.owner), "POST", api_path("selection_run_create"), _run_body(models))

    assert response.status_code == 403
    assert not SelectionRun.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"draws": 5}, "draws"),
        ({"abc_cutoffs": [0.9, 0.8]}, "abc_cutoffs"),
        ({"drawz": 100}, "drawz"),
        ({"threshold": 100}, "threshold"),
    ],
)
def test_invalid_run_settings_are_refused_naming_the_field(world, models, extra, field):
    response = _send(
        _client(world.manager), "POST", api_path("selection_run_create"), _run_body(models, **extra)
    )

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not SelectionRun.objects.exists()


def test_a_model_of_the_wrong_purpose_is_refused_with_the_request_s_field_name(world, models):
    body = _run_body(models, ranking_model_id=models["position"].pk)
    response = _send(_client(world.manager), "POST", api_path("selection_run_create"), body)

    assert response.status_code == 422
    assert "ranking_model_id" in response.json()["error"]["fields"]


def test_the_run_shows_management_the_whole_summary_and_a_kam_only_the_model_fit(world, done_run):
    path = api_path("selection_run_get", selection_run_id=done_run.pk)
    full = _client(world.manager).get(path).json()
    scoped = _client(world.owner).get(path).json()

    assert full["candidates"] == 8 and full["summary"]["skipped_unknown"] == 1
    assert full["whitespace"]["rows"][0]["customer_number"] == "K001"
    assert scoped["candidates"] is None and scoped["whitespace"] is None
    assert set(scoped["summary"]) == {"clv"}
    assert "n_customers" not in scoped["summary"]["clv"]["bgnbd"]
    assert scoped["summary"]["clv"]["bgnbd"]["params"] == full["summary"]["clv"]["bgnbd"]["params"]


def test_results_are_scoped_and_a_kam_gets_no_shares_of_the_base(world, done_run):
    path = api_path("selection_results_list", selection_run_id=done_run.pk)
    full = _client(world.manager).get(path).json()
    scoped = _client(world.owner).get(path).json()
    other = _client(world.other_kam).get(path).json()

    assert full["count"] == 8
    assert [item["customer"]["number"] for item in full["items"][:3]] == ["K001", "K004", "K002"]
    first = full["items"][0]
    assert first["contributions"] == pytest.approx(
        {"revenue": 60.0, "product_groups": 15.0, "rating_fit": 20.0}
    )
    assert first["sensitivity"]["robust"] is True and first["abc_share"] > 0.5
    assert first["customer_value"]["clv"] is not None
    assert [item["customer"]["number"] for item in scoped["items"]] == ["K001"]
    assert scoped["items"][0]["abc_share"] is None and scoped["items"][0]["abc_cumulative_share"] is None
    assert [item["customer"]["number"] for item in other["items"]] == ["K002"]


def test_results_filter_by_quadrant_and_class_and_refuse_unknown_parameters(world, done_run):
    client = _client(world.manager)
    path = api_path("selection_results_list", selection_run_id=done_run.pk)

    invest = client.get(path, {"quadrant": "invest"}).json()
    class_c = client.get(path, {"abc_class": "C", "order": "clv"}).json()
    unknown = client.get(path, {"quadrnt": "invest"})
    bad = client.get(path, {"quadrant": "stars"})

    assert {i["customer"]["number"] for i in invest["items"]} == {"K001", "K003", "K004"}
    assert [i["customer"]["number"] for i in class_c["items"]] == ["K006", "K007", "K008"]
    assert unknown.status_code == 422 and "quadrnt" in unknown.json()["error"]["fields"]
    assert bad.status_code == 422


def test_a_run_that_does_not_exist_answers_404(world):
    path = api_path("selection_run_get", selection_run_id="00000000-0000-0000-0000-000000000000")
    assert _client(world.manager).get(path).status_code == 404


# Scoring models --------------------------------------------------------------------------------


def test_a_model_is_created_with_a_rating_criterion_by_key_and_shares_are_reported(world, fit):
    body = {
        "name": "Potenzial",
        "purpose": "attractiveness",
        "criteria": [
            {"source": "metric", "metric": "growth", "weight": "3", "normalisation": "rank"},
            {"source": "rating", "rating_criterion": "fit", "weight": "1", "normalisation": "scale"},
        ],
    }
    response = _send(_client(world.admin), "POST", api_path("scoring_model_create"), body)

    assert response.status_code == 201, response.content
    criteria = response.json()["criteria"]
    assert [(c["key"], c["share"]) for c in criteria] == [("growth", 0.75), ("rating_fit", 0.25)]
    assert criteria[1]["scale_min"] == "1.00" and criteria[1]["scale_max"] == "5.00"


@pytest.mark.parametrize(
    ("criterion", "field"),
    [
        ({"source": "metric", "metric": "turnover", "weight": "1"}, "criteria.0.metric"),
        ({"source": "rating", "rating_criterion": "nope", "weight": "1"}, "criteria.0.rating_criterion"),
        ({"source": "metric", "metric": "revenue", "weight": "0"}, "criteria.0.weight"),
        (
            {"source": "metric", "metric": "revenue", "weight": "1", "normalisation": "scale"},
            "criteria.0.scale_min",
        ),
        ({"source": "metric", "metric": "revenue", "weight": "1", "colour": "red"}, "criteria.0.colour"),
    ],
)
def test_invalid_criteria_are_refused_naming_the_row_and_field(world, criterion, field):
    body = {"name": "Fehlerhaft", "purpose": "ranking", "criteria": [criterion]}
    response = _send(_client(world.manager), "POST", api_path("scoring_model_create"), body)

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not ScoringModel.objects.exists()


def test_patching_a_model_replaces_its_criteria_only_when_sent(world, models):
    model = models["ranking"]
    client = _client(world.manager)
    path = api_path("scoring_model_update", scoring_model_id=model.pk)

    renamed = _send(client, "PATCH", path, {"description": "Nach dem Workshop"}).json()
    replaced = _send(
        client, "PATCH", path, {"criteria": [{"source": "metric", "metric": "orders", "weight": "2"}]}
    )

    assert len(renamed["criteria"]) == 3
    assert replaced.status_code == 200
    assert [c["key"] for c in replaced.json()["criteria"]] == ["orders"]
    assert AuditEntry.objects.filter(action="scoring_model.update", target_id=str(model.pk)).count() == 2


def test_criteria_are_added_changed_and_removed_one_at_a_time(world, models):
    model = models["position"]
    client = _client(world.admin)
    created = _send(
        client,
        "POST",
        api_path("scoring_criterion_create", scoring_model_id=model.pk),
        {"source": "metric", "metric": "orders", "weight": "2"},
    )
    assert created.status_code == 201 and created.json()["share"] == 0.5
    criterion_id = created.json()["id"]

    changed = _send(
        client,
        "PATCH",
        api_path("scoring_criterion_update", scoring_model_id=model.pk, scoring_criterion_id=criterion_id),
        {"weight": "0"},
    )
    assert changed.status_code == 422 and "weight" in changed.json()["error"]["fields"]

    listed = client.get(api_path("scoring_criteria_list", scoring_model_id=model.pk)).json()
    for item in listed[:-1]:
        path = api_path(
            "scoring_criterion_delete", scoring_model_id=model.pk, scoring_criterion_id=item["id"]
        )
        assert _send(client, "DELETE", path).status_code == 204
    last = listed[-1]["id"]
    path = api_path("scoring_criterion_delete", scoring_model_id=model.pk, scoring_criterion_id=last)
    response = _send(client, "DELETE", path)
    assert response.status_code == 422  # a model keeps at least one criterion


def test_a_criterion_of_another_model_is_not_found_through_this_one(world, models):
    other = models["ranking"].criteria.first()
    path = api_path(
        "scoring_criterion_update", scoring_model_id=models["position"].pk, scoring_criterion_id=other.pk
    )
    assert _send(_client(world.manager), "PATCH", path, {"weight": "2"}).status_code == 404


# Rating criteria and ratings -------------------------------------------------------------------


def test_rating_criteria_keep_their_key_unique_and_their_scale_around_the_ratings(world, ratings, fit):
    client = _client(world.admin)
    duplicate = _send(
        client, "POST", api_path("rating_criterion_create"), {"key": "fit", "label_de": "x", "label_en": "x"}
    )
    narrower = _send(
        client, "PATCH", api_path("rating_criterion_update", rating_criterion_id=fit.pk), {"scale_max": 3}
    )
    in_use = _send(client, "DELETE", api_path("rating_criterion_delete", rating_criterion_id=fit.pk))

    assert duplicate.status_code == 422 and "key" in duplicate.json()["error"]["fields"]
    assert narrower.status_code == 422 and "scale_min" in narrower.json()["error"]["fields"]
    assert in_use.status_code == 422


def test_ratings_are_listed_for_the_customers_one_may_see(world, ratings):
    full = _client(world.manager).get(api_path("ratings_list")).json()
    scoped = _client(world.owner).get(api_path("ratings_list")).json()
    filtered = (
        _client(world.manager)
        .get(api_path("ratings_list"), {"criterion": "fit", "customer_id": world.account.customer_id})
        .json()
    )

    assert full["count"] == 3
    assert [(r["customer"]["number"], r["value"]) for r in scoped["items"]] == [("K001", "5.00")]
    assert filtered["count"] == 1


def test_ratings_of_a_customer_are_set_and_cleared_all_or_nothing(world, master, ratings, fit):
    from openkam.testing.factories import RatingCriterionFactory

    RatingCriterionFactory(key="logo", label_en="Logo", scale_min=1, scale_max=3)
    client = _client(world.manager)
    customer = master["K002"]
    path = api_path("customer_ratings_upsert", customer_id=customer.pk)

    refused = _send(
        client,
        "PUT",
        path,
        {"ratings": [{"criterion": "fit", "value": "4"}, {"criterion": "logo", "value": "7"}]},
    )
    assert refused.status_code == 422 and "ratings.1.value" in refused.json()["error"]["fields"]
    assert CustomerRating.objects.get(customer=customer, criterion=fit).value == 2

    saved = _send(
        client,
        "PUT",
        path,
        {
            "ratings": [
                {"criterion": "fit", "value": None},
                {"criterion": "logo", "value": "3", "note": "Bekannte Marke"},
            ]
        },
    )
    assert saved.status_code == 200
    assert [(r["criterion"], r["value"], r["note"]) for r in saved.json()] == [
        ("logo", "3.00", "Bekannte Marke")
    ]
    assert not CustomerRating.objects.filter(customer=customer, criterion=fit).exists()
    assert AuditEntry.objects.filter(action="rating.clear", account_id=world.other_account.pk).exists()


def test_an_unknown_criterion_key_in_ratings_is_refused(world, master):
    path = api_path("customer_ratings_upsert", customer_id=master["K003"].pk)
    response = _send(_client(world.admin), "PUT", path, {"ratings": [{"criterion": "mood", "value": "3"}]})

    assert response.status_code == 422
    assert "ratings.0.criterion" in response.json()["error"]["fields"]


def test_the_openapi_document_forbids_unknown_fields_in_every_selection_input(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    for name in (
        "RunIn",
        "ScoringModelIn",
        "ScoringModelPatch",
        "ScoringCriterionIn",
        "ScoringCriterionPatch",
        "RatingCriterionIn",
        "RatingCriterionPatch",
        "RatingsIn",
        "RatingValueIn",
    ):
        assert schemas[name]["additionalProperties"] is False, name

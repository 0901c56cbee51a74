"""The selection pages: scoping per persona, forms that write through services, exports, query counts."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.core.models import AuditEntry, Job
from openkam.core.tasks import run_job
from openkam.portfolio.models import CustomerRating, ScoringModel, SelectionRun
from openkam.testing.factories import (
    CustomerFactory,
    RatingCriterionFactory,
    ScoringCriterionFactory,
    ScoringModelFactory,
    SelectionResultFactory,
    SelectionRunFactory,
)

from .ledger import PLAN

pytestmark = pytest.mark.django_db

RUN_PAGES = ("run-detail", "run-abc", "run-matrix", "run-clv", "run-compare")
OTHER_CUSTOMERS = [f"Kunde K00{i}" for i in range(3, 9)]


def _html(client, name, *args, **params) -> str:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def _chart_spec(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def _chart_ids(spec: dict) -> set[str]:
    """Customer ids among the data of a (layered) Vega-Lite spec."""
    ids = set()
    for layer in spec.get("layer", [spec]):
        for value in (layer.get("data") or {}).get("values", []):
            if "id" in value:
                ids.add(value["id"])
    for dataset in spec.get("datasets", {}).values():
        ids |= {v["id"] for v in dataset if "id" in v}
    return ids


# Scoping ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "teammate", "extended"])
def test_a_kam_and_the_team_see_only_the_customers_of_their_account_on_every_run_page(
    client, world, done_run, persona
):
    client.force_login(world.persona(persona))
    for page in RUN_PAGES:
        html = _html(client, f"portfolio:{page}", done_run.pk)
        assert "Alpha Maschinenbau" in html, page
        assert "Beta Antriebe" not in html, page
        assert not any(name in html for name in OTHER_CUSTOMERS), page
        assert "Only the customers of your key accounts are shown." in html


def test_a_kam_gets_no_figure_of_the_whole_base(client, world, done_run):
    client.force_login(world.owner)
    abc = _html(client, "portfolio:run-abc", done_run.pk)
    assert 'id="pareto-spec"' not in abc
    assert "Cumulative share" not in abc and "Share of customers" not in abc
    assert "are not in the customer master" not in _html(client, "portfolio:run-detail", done_run.pk)
    compare = _html(client, "portfolio:run-compare", done_run.pk)
    assert "overlap" not in compare
    matrix = _html(client, "portfolio:run-matrix", done_run.pk)
    assert _chart_ids(_chart_spec(matrix, "matrix-spec")) == {"K001"}
    home = _html(client, "portfolio:home")
    assert "Candidates" not in home
    assert client.get(reverse("portfolio:run-chart", args=[done_run.pk, "pareto", "svg"])).status_code == 404


def test_management_sees_every_customer_and_the_totals(client, world, done_run):
    client.force_login(world.manager)
    detail = _html(client, "portfolio:run-detail", done_run.pk)
    assert all(name in detail for name in ["Alpha Maschinenbau", "Beta Antriebe", *OTHER_CUSTOMERS])
    assert "1 customer of the ledger is not in the customer master and was left out" in detail
    abc = _html(client, "portfolio:run-abc", done_run.pk)
    assert _chart_spec(abc, "pareto-spec")
    assert "Share of customers" in abc
    matrix = _html(client, "portfolio:run-matrix", done_run.pk)
    assert _chart_ids(_chart_spec(matrix, "matrix-spec")) == {n for n in PLAN if n != "X999"}
    compare = _html(client, "portfolio:run-compare", done_run.pk)
    assert "overlap" in compare


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"), [("pareto", "svg", "image/svg+xml"), ("matrix", "png", "image/png")]
)
def test_chart_images_download_for_management(client, world, done_run, name, fmt, content_type):
    client.force_login(world.manager)
    response = client.get(reverse("portfolio:run-chart", args=[done_run.pk, name, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"<svg" if fmt == "svg" else b"\x89PNG")


def test_an_unknown_chart_or_format_is_not_found(client, world, done_run):
    client.force_login(world.manager)
    assert client.get(reverse("portfolio:run-chart", args=[done_run.pk, "radar", "svg"])).status_code == 404
    assert client.get(reverse("portfolio:run-chart", args=[done_run.pk, "matrix", "pdf"])).status_code == 404


def test_the_contribution_bars_and_sensitivity_show_in_the_ranking(client, world, done_run):
    client.force_login(world.manager)
    html = _html(client, "portfolio:run-detail", done_run.pk)
    row = html[html.index('data-customer="K001"') :]
    row = row[: row.index("</tr>")]
    assert 'width="60.000"' in row and 'x="60.000"' in row  # revenue bar, then the next one behind it
    assert "60.0 points" in row and "robust" in row
    assert "median rank 1 (90 %: 1–1)" in row
    spec = _chart_spec(html, "contributions-spec")
    assert spec["usermeta"]["embedOptions"]["formatLocale"]


def test_numbers_follow_the_language(client, world, done_run):
    world.manager.language = "de"
    world.manager.save()
    client.force_login(world.manager)
    html = _html(client, "portfolio:run-detail", done_run.pk)
    assert "95,0" in html
    abc = _html(client, "portfolio:run-abc", done_run.pk)
    assert "51,5\xa0%" in abc  # K001's share of the revenue
    assert "130.000\xa0€" in abc


# ABC with other cut-offs -----------------------------------------------------------------------


def test_other_cut_offs_recompute_the_classes_without_changing_the_run(client, world, done_run):
    client.force_login(world.manager)
    html = _html(client, "portfolio:run-abc", done_run.pk, a="50", b="60")
    assert "Classes recomputed" in html
    k002 = html[html.index('data-customer="K002"') :]
    assert 'badge-class-B">B' in k002[: k002.index("</tr>")]  # 51.5 % lie above it: B with A = 50 %
    assert done_run.results.get(customer_number="K002").abc_class == "A"  # the run keeps its own


def test_a_b_cut_off_below_the_a_cut_off_is_reported(client, world, done_run):
    client.force_login(world.manager)
    html = _html(client, "portfolio:run-abc", done_run.pk, a="90", b="80")
    assert "The B cut-off must be above the A cut-off." in html


# Starting runs ---------------------------------------------------------------------------------


def test_the_head_of_kam_starts_a_run_and_follows_it(client, world, master, models, use_ledger):
    client.force_login(world.manager)
    response = client.post(
        reverse("portfolio:run-start"),
        {
            "as_of": "2025-12-31",
            "period_start": "",
            "ranking_model": models["ranking"].pk,
            "attractiveness_model": models["attractiveness"].pk,
            "position_model": models["position"].pk,
            "abc_value": "revenue",
            "abc_a": "80",
            "abc_b": "95",
            "threshold": "50",
            "variation": "20",
            "draws": "100",
            "top_n": "5",
        },
    )
    run = SelectionRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("portfolio:run-detail", args=[run.pk])
    assert run.snapshot["top_n"] == 5 and run.snapshot["variation"] == pytest.approx(0.2)
    assert run.snapshot["period_start"] == "2025-01-01"
    status = client.get(reverse("portfolio:run-status", args=[run.pk]), headers={"HX-Request": "true"})
    assert 'data-status="queued"' in status.content.decode() and "HX-Refresh" not in status
    run_job.call(str(run.job_id))
    status = client.get(reverse("portfolio:run-status", args=[run.pk]), headers={"HX-Request": "true"})
    assert status["HX-Refresh"] == "true"


def test_invalid_run_settings_are_shown_on_the_form(client, world, models):
    client.force_login(world.manager)
    response = client.post(
        reverse("portfolio:run-start"),
        {"as_of": "2025-12-31", "ranking_model": models["attractiveness"].pk, "abc_a": "95", "abc_b": "80"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html  # an attractiveness model cannot rank
    assert "The B cut-off must be above the A cut-off." in html
    assert not SelectionRun.objects.exists()


# Scoring models --------------------------------------------------------------------------------


def _model_post(name="Strategie 2026", rows=(), **extra) -> dict:
    data = {
        "name": name,
        "description": "",
        "purpose": "ranking",
        "active": "on",
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
    }
    for i, row in enumerate(rows):
        values = {"direction": "higher", "normalisation": "minmax", "missing": "worst", **row}
        data |= {f"criteria-{i}-{k}": v for k, v in values.items()}
    return data | extra


def test_the_head_of_kam_creates_a_model_and_sees_the_weights_as_shares(client, world, fit):
    client.force_login(world.manager)
    response = client.post(
        reverse("portfolio:model-create"),
        _model_post(
            rows=[
                {"criterion": "metric:revenue", "weight": "3"},
                {"criterion": f"rating:{fit.pk}", "weight": "1", "normalisation": "scale"},
            ]
        ),
    )
    assert response.status_code == 302
    model = ScoringModel.objects.get(name="Strategie 2026")
    assert [c.key for c in model.criteria.all()] == ["revenue", "rating_fit"]
    assert model.criteria.get(source="rating").scale_max == 5  # from the rating criterion's scale
    html = _html(client, "portfolio:models")
    assert "75.0%" in html and "25.0%" in html
    assert AuditEntry.objects.filter(action="scoring_model.create", actor=world.manager).exists()


def test_editing_weights_replaces_the_criteria_and_audits_the_change(client, world, models):
    model = models["ranking"]
    client.force_login(world.manager)
    html = _html(client, "portfolio:model-edit", model.pk)
    assert 'name="criteria-2-weight"' in html and "60.0%" in html
    response = client.post(
        reverse("portfolio:model-edit", args=[model.pk]),
        _model_post(
            name=model.name,
            rows=[
                {"criterion": "metric:revenue", "weight": "1"},
                {"criterion": "metric:product_groups", "weight": "1"},
                {
                    "criterion": f"rating:{model.criteria.get(source='rating').rating_criterion_id}",
                    "weight": "2",
                    "normalisation": "scale",
                    "DELETE": "on",
                },
            ],
        ),
    )
    assert response.status_code == 302
    assert [(c.key, c.weight) for c in model.criteria.all()] == [("revenue", 1), ("product_groups", 1)]
    entry = AuditEntry.objects.filter(action="scoring_model.update").latest("id")
    assert entry.changes["criteria"][0] != entry.changes["criteria"][1]


def test_model_form_errors_land_on_the_row_and_nothing_is_saved(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("portfolio:model-create"),
        _model_post(
            rows=[
                {"criterion": "metric:revenue", "weight": "1"},
                {"criterion": "metric:revenue", "weight": "2"},
            ]
        ),
    )
    assert response.status_code == 200
    assert "Each criterion may appear only once." in response.content.decode()
    assert not ScoringModel.objects.exists()
    response = client.post(reverse("portfolio:model-create"), _model_post(rows=[]))
    assert "A scoring model needs at least one criterion." in response.content.decode()


def test_an_unknown_field_in_the_model_form_is_refused(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("portfolio:model-create"),
        _model_post(rows=[{"criterion": "metric:revenue", "weight": "1"}], wieght="3"),
    )
    assert response.status_code == 200
    assert "Unknown field(s): wieght" in response.content.decode()
    assert not ScoringModel.objects.exists()


def test_the_add_row_endpoint_returns_the_next_row_and_the_new_row_count(client, world):
    client.force_login(world.manager)
    html = client.get(
        reverse("portfolio:model-criterion-row"), {"criteria-TOTAL_FORMS": "2"}
    ).content.decode()
    assert 'name="criteria-2-criterion"' in html
    assert 'id="id_criteria-TOTAL_FORMS" value="3" hx-swap-oob="true"' in html


def test_a_kam_reads_models_but_cannot_change_them(client, world, models):
    client.force_login(world.owner)
    html = _html(client, "portfolio:models")
    assert "Kandidaten" in html and "New scoring model" not in html
    assert client.post(reverse("portfolio:model-delete", args=[models["ranking"].pk])).status_code == 403
    assert ScoringModel.objects.filter(pk=models["ranking"].pk).exists()


# Rating criteria and ratings -------------------------------------------------------------------


def test_rating_criteria_are_created_edited_and_deleted_while_unused(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("portfolio:rating-criterion-create"),
        {
            "key": "logo",
            "label_de": "Logo-Wert",
            "label_en": "Logo value",
            "description": "",
            "scale_min": "1",
            "scale_max": "10",
            "active": "on",
        },
    )
    assert response.status_code == 302
    criterion = RatingCriterionFactory._meta.model.objects.get(key="logo")
    response = client.post(
        reverse("portfolio:rating-criterion-edit", args=[criterion.pk]),
        {
            "label_de": "Referenzwert",
            "label_en": "Reference value",
            "description": "",
            "scale_min": "1",
            "scale_max": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.label_de, criterion.scale_max) == ("Referenzwert", 5)
    response = client.post(reverse("portfolio:rating-criterion-delete", args=[criterion.pk]))
    assert response.status_code == 302 and not type(criterion).objects.filter(pk=criterion.pk).exists()


def test_a_key_with_capitals_or_hyphens_is_refused(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("portfolio:rating-criterion-create"),
        {
            "key": "Logo-Wert",
            "label_de": "Logo",
            "label_en": "Logo",
            "description": "",
            "scale_min": "1",
            "scale_max": "5",
        },
    )
    assert "Use lower-case letters, digits and underscores" in response.content.decode()


def test_the_ratings_table_saves_changed_cells_and_the_account_timeline_shows_it(
    client, world, done_run, fit
):
    client.force_login(world.manager)
    html = _html(client, "portfolio:ratings")
    k001 = world.account.customer
    name = f"r_{k001.pk}_{fit.pk}"
    assert f'name="{name}"' in html and 'value="5' in html
    data = {name: "3"}
    k003 = done_run.results.get(customer_number="K003").customer
    data[f"r_{k003.pk}_{fit.pk}"] = "4"
    response = client.post(reverse("portfolio:ratings"), data)
    assert response.status_code == 302
    assert CustomerRating.objects.get(customer=k001, criterion=fit).value == 3
    assert CustomerRating.objects.get(customer=k003, criterion=fit).rated_by == world.manager
    entry = AuditEntry.objects.filter(action="rating.set", account_id=world.account.pk).latest("id")
    assert entry.changes["value"] == ["5.00", "3"]


def test_a_rating_outside_the_scale_is_refused_and_nothing_changes(client, world, done_run, fit):
    client.force_login(world.manager)
    k001 = world.account.customer
    response = client.post(reverse("portfolio:ratings"), {f"r_{k001.pk}_{fit.pk}": "9"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 5" in response.content.decode()
    assert CustomerRating.objects.get(customer=k001, criterion=fit).value == 5


def test_a_kam_reads_the_ratings_of_their_customer_but_cannot_enter_any(client, world, done_run, fit):
    client.force_login(world.owner)
    html = _html(client, "portfolio:ratings")
    assert "Alpha Maschinenbau" in html and "Beta Antriebe" not in html
    assert "<input" not in html.split("ratings-grid")[1].split("</table>")[0]
    k001 = world.account.customer
    assert client.post(reverse("portfolio:ratings"), {f"r_{k001.pk}_{fit.pk}": "1"}).status_code == 403
    assert (
        client.get(reverse("portfolio:customer-ratings", args=[world.other_account.customer_id])).status_code
        == 404
    )


def test_one_customer_s_ratings_are_saved_with_a_note(client, world, master, fit):
    client.force_login(world.manager)
    customer = master["K003"]
    response = client.post(
        reverse("portfolio:customer-ratings", args=[customer.pk]),
        {f"value_{fit.pk}": "2", f"note_{fit.pk}": "Wettbewerber sitzt fest im Sattel"},
    )
    assert response.status_code == 302
    rating = CustomerRating.objects.get(customer=customer, criterion=fit)
    assert (rating.value, rating.note) == (Decimal("2"), "Wettbewerber sitzt fest im Sattel")
    html = _html(client, "portfolio:customer-ratings", customer.pk)
    assert "Wettbewerber sitzt fest im Sattel" in html and "Hanna Haupt" in html


# Exports ---------------------------------------------------------------------------------------


def _export(client, **data) -> Job:
    response = client.post(reverse("portfolio:export"), data)
    assert response.status_code == 302, response.content
    job = Job.objects.latest("created_at")
    assert response.url == reverse("core:job-detail", args=[job.pk])
    run_job.call(str(job.pk))  # the test transaction never commits: run what the worker would
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


def test_the_results_export_is_an_xlsx_with_the_contribution_chart(client, world, done_run):
    client.force_login(world.manager)
    job = _export(client, list="results", format="xlsx", run=str(done_run.pk))
    workbook = openpyxl.load_workbook(job.result_file)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Customer number", "Customer", "Score")
    assert "Points: Revenue in the period" in rows[0]
    assert [r[1] for r in rows[1:4]] == ["K001", "K004", "K002"]
    assert len(rows) == 9
    assert len(workbook.worksheets[1]._images) == 1
    assert job.result_name == "candidates.xlsx"


@pytest.mark.parametrize("list_name", ["results", "abc", "matrix", "clv", "compare"])
def test_a_kam_s_export_holds_only_the_customers_of_their_accounts(client, world, done_run, list_name):
    client.force_login(world.owner)
    job = _export(client, list=list_name, format="csv", run=str(done_run.pk))
    text = Path(job.result_file).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=","))
    numbers = {cell for row in rows[1:] for cell in row if re.fullmatch(r"[KX]\d{3}", cell)}
    assert numbers == {"K001"}, list_name


def test_the_abc_export_of_management_has_the_pareto_chart_and_the_shares(client, world, done_run):
    client.force_login(world.manager)
    job = _export(client, list="abc", format="xlsx", run=str(done_run.pk), a="50", b="60")
    workbook = openpyxl.load_workbook(job.result_file)
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert "Cumulative share" in header
    assert workbook.sheetnames[1] == "Pareto curve"


def test_runs_and_models_export_without_a_run(client, world, done_run):
    client.force_login(world.manager)
    job = _export(client, list="models", format="csv")
    text = Path(job.result_file).read_text(encoding="utf-8-sig")
    assert "Kandidaten" in text and "Revenue in the period" in text
    job = _export(client, list="runs", format="xlsx")
    assert openpyxl.load_workbook(job.result_file).worksheets[0].max_row == 2


def test_an_export_of_a_run_needs_the_run(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("portfolio:export"), {"list": "results", "format": "csv"})
    assert response.status_code == 302 and response.url == reverse("portfolio:home")
    assert not Job.objects.exists()


# Query counts ----------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(run, count: int) -> None:
    start = run.results.count()
    for i in range(count):
        SelectionResultFactory(
            run=run,
            customer=CustomerFactory(),
            rank=start + i + 1,
            abc_rank=start + i + 1,
            clv_rank=start + i + 1,
            abc_class="C",
            quadrant="develop",
        )


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # session, user, run, count, rows (+ the contribution chart's rows on the ranking)
        ("run-detail", 6),
        ("run-abc", 5),  # + the class totals
        ("run-matrix", 6),  # + the chart's rows
        ("run-clv", 5),
        ("run-compare", 8),  # + the four top lists of the overlap table
    ],
)
def test_run_pages_need_the_same_queries_for_3_and_40_results(client, world, page, expected):
    run = SelectionRunFactory(created_by=world.manager)
    _grow(run, 3)
    client.force_login(world.manager)
    url = reverse(f"portfolio:{page}", args=[run.pk])
    _queries(client, url)
    few = _queries(client, url)
    _grow(run, 37)
    many = _queries(client, url)
    assert few == many == expected


def test_the_scoped_ranking_needs_the_same_queries_as_the_full_one(client, world):
    run = SelectionRunFactory(created_by=world.manager)
    SelectionResultFactory(run=run, customer=world.account.customer)
    _grow(run, 20)
    client.force_login(world.owner)
    url = reverse("portfolio:run-detail", args=[run.pk])
    _queries(client, url)
    assert _queries(client, url) == 6


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("portfolio:home", 8),  # session, user, runs count + page, latest run, the form's three model lists
        ("portfolio:models", 4),  # session, user, models, their criteria with rating criteria
        ("portfolio:rating-criteria", 3),
    ],
)
def test_list_pages_need_the_same_queries_for_few_and_many_entries(client, world, name, expected):
    client.force_login(world.manager)
    for i in range(2):
        SelectionRunFactory(created_by=world.manager)
        model = ScoringModelFactory()
        ScoringCriterionFactory(model=model, metric="revenue")
        RatingCriterionFactory(key=f"k{i}")
    url = reverse(name)
    _queries(client, url)
    few = _queries(client, url)
    for i in range(10):
        SelectionRunFactory(created_by=world.manager)
        model = ScoringModelFactory()
        ScoringCriterionFactory(model=model, metric="orders")
        ScoringCriterionFactory(
            model=model, source="rating", metric="", rating_criterion=RatingCriterionFactory(key=f"r{i}")
        )
    many = _queries(client, url)
    assert few == many == expected


def test_the_ratings_table_needs_the_same_queries_for_few_and_many_candidates(client, world, fit):
    run = SelectionRunFactory(created_by=world.manager)
    _grow(run, 3)
    client.force_login(world.manager)
    url = reverse("portfolio:ratings")
    _queries(client, url)
    few = _queries(client, url)
    _grow(run, 30)
    RatingCriterionFactory(key="logo")
    many = _queries(client, url)
    # session, user, criteria, latest run, its best-ranked candidates, their ratings
    assert few == many == 6


def test_the_as_of_field_keeps_the_iso_date_a_date_input_needs_in_german(client, world):
    world.manager.language = "de"
    world.manager.save()
    client.force_login(world.manager)
    html = _html(client, "portfolio:home")
    assert re.search(r'type="date" name="as_of" value="\d{4}-\d{2}-\d{2}"', html)


def test_candidates_that_are_no_key_account_link_to_the_proposal_for_those_who_propose(
    client, world, done_run, master
):
    url = f"{reverse('designations:proposal-create')}?customer={master['K003'].pk}"
    client.force_login(world.manager)
    html = _html(client, "portfolio:run-compare", done_run.pk)
    assert url in html
    assert f"?customer={world.account.customer_id}" not in html  # a key account already
    client.force_login(world.admin)  # administrators configure, they do not propose
    assert "Propose" not in _html(client, "portfolio:run-compare", done_run.pk)


def test_the_pareto_image_follows_the_cut_offs_of_the_page(client, world, done_run):
    client.force_login(world.manager)
    url = reverse("portfolio:run-chart", args=[done_run.pk, "pareto", "svg"])
    stored = client.get(url).content
    other = client.get(url, {"a": "50", "b": "60"}).content
    assert stored.startswith(b"<svg") and other.startswith(b"<svg")
    assert stored != other

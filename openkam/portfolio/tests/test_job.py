"""The selection job end to end on the small test ledger, checked against hand computations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openkam.core.models import AuditEntry, Job
from openkam.portfolio import engine
from openkam.portfolio.models import SelectionResult
from openkam.portfolio.services import selection_run_fail, selection_run_store
from openkam.sales.models import Customer

from .conftest import start_and_run
from .ledger import AS_OF, PLAN, ROWS, period_figures

pytestmark = pytest.mark.django_db


def _results(run) -> dict[str, SelectionResult]:
    return {r.customer_number: r for r in SelectionResult.objects.filter(run=run)}


def _week(day: date) -> int:
    """ISO week number since 1970 (weeks start on Monday), as the CLV summary counts periods."""
    return ((day - date(1970, 1, 1)).days + 3) // 7


def test_revenue_and_margin_are_those_of_the_period_summed_by_hand(done_run):
    results = _results(done_run)

    for number in ("K001", "K002", "K004", "K007", "K008"):
        revenue, margin = period_figures(number)
        assert results[number].revenue == revenue, number
        assert results[number].margin == margin, number
    # Hand check of the rule itself: K002's credit note lowers its revenue, K007's line after the
    # as-of date does not count, K008 stopped buying in 2024.
    assert results["K002"].revenue == Decimal(12 * 4000 - 1000)  # invoices 13–24 fall in 2025
    assert results["K007"].revenue == Decimal(7 * 300)
    assert results["K008"].revenue == 0


def test_abc_classes_follow_the_cumulative_shares_computed_by_hand(done_run):
    results = _results(done_run)
    revenues = {n: period_figures(n)[0] for n in PLAN if n != "X999"}
    total = sum(revenues.values())
    ordered = sorted(revenues, key=lambda n: (-revenues[n], n))
    cumulative, expected = Decimal(0), {}
    for number in ordered:
        # A customer is A while the customers above it hold less than 80 %, B below 95 %.
        expected[number] = (
            "A"
            if cumulative < Decimal("0.8") * total
            else "B"
            if cumulative < Decimal("0.95") * total
            else "C"
        )
        cumulative += revenues[number]

    assert {n: r.abc_class for n, r in results.items()} == expected
    assert results["K001"].abc_share == pytest.approx(float(revenues["K001"] / total))
    assert [
        n for n, _ in sorted(((n, r.abc_rank) for n, r in results.items()), key=lambda x: x[1])
    ] == ordered


def test_scores_and_contributions_match_a_hand_computation(done_run):
    results = _results(done_run)
    # Ranking model: revenue (min–max, weight 3), product groups (min–max, 1), fit rating (scale 1–5, 1).
    # Revenue runs from 0 (K008) to 130,000 (K001); product groups from 0 (K008) to 4 (K004).
    k001, k004 = results["K001"], results["K004"]
    assert k001.contributions == pytest.approx({"revenue": 60.0, "product_groups": 15.0, "rating_fit": 20.0})
    assert k001.score == pytest.approx(95.0)
    assert k004.contributions["revenue"] == pytest.approx(60.0 * 30000 / 130000)
    assert k004.contributions["product_groups"] == pytest.approx(20.0)
    assert k004.contributions["rating_fit"] == pytest.approx(20.0 * 3 / 4)  # rated 4 of 1..5
    assert k004.score == pytest.approx(60.0 * 30000 / 130000 + 20.0 + 15.0)
    # K003 has no fit rating: "worst" gives it no points there, and the row says which is missing.
    assert results["K003"].contributions["rating_fit"] == 0.0
    assert results["K003"].missing == ["rating_fit"]
    assert [n for n, r in sorted(results.items(), key=lambda item: item[1].rank)][:3] == [
        "K001",
        "K004",
        "K002",
    ]
    # The raw values each criterion read stay with the result.
    assert k004.criterion_values["rating_fit"] == 4.0
    assert k004.criterion_values["product_groups"] == 4


def test_the_portfolio_quadrants_match_a_hand_computation(done_run):
    results = _results(done_run)
    # Attractiveness: growth (percentile rank, missing neutral) and fit (scale, missing neutral).
    # Growth values ascending: K008 −1, K005, K002, K001 = K006 = 0 (average rank 4.5), K003.
    assert results["K001"].attractiveness == pytest.approx(100 * ((4.5 - 1) / 5 + 1.0) / 2)
    # Position: revenue (min–max) and days since the last order (lower is better, min–max 9..439).
    assert results["K001"].position == pytest.approx(100.0)
    k002_position = (47000 / 130000 + (1 - (51 - 9) / (439 - 9))) / 2 * 100
    assert results["K002"].position == pytest.approx(k002_position)
    assert results["K002"].attractiveness == pytest.approx(100 * ((3 - 1) / 5 + 0.25) / 2)
    assert results["K001"].quadrant == "invest"
    assert results["K002"].quadrant == "maintain"  # strong position, less attractive
    assert results["K008"].quadrant == "efficient"


def test_sensitivity_is_stored_for_every_candidate(done_run):
    results = _results(done_run)
    k001 = results["K001"]
    assert (k001.best_rank, k001.worst_rank, k001.median_rank) == (1, 1, 1.0)
    assert k001.robust is True and k001.top_share == 1.0
    assert all(r.p05_rank is not None and r.p95_rank is not None for r in results.values())


def test_clv_values_agree_with_the_published_formulas_and_the_stored_fit(done_run):
    report = done_run.summary["clv"]
    bg, gg = report["bgnbd"], report["gamma_gamma"]
    assert bg["converged"] and gg["converged"]
    assert bg["log_likelihood"] < 0 and gg["log_likelihood"] < 0
    r, alpha, a, b = (bg["params"][k] for k in ("r", "alpha", "a", "b"))
    p, q, v = (gg["params"][k] for k in ("p", "q", "v"))
    # K008: 10 invoices of 2,500 € every 30 days from 22 Jan 2024, each in another ISO week.
    first, count, step = date(2024, 1, 22), 10, 30
    last = date.fromordinal(first.toordinal() + step * (count - 1))
    x, t_x, big_t = count - 1, _week(last) - _week(first), _week(AS_OF) - _week(first)
    alive = 1 / (1 + a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** (r + x))
    k008 = _results(done_run)["K008"]
    assert k008.probability_alive == pytest.approx(alive, rel=1e-9)
    assert k008.probability_alive < 0.05  # nothing bought for over a year
    spend_per_purchase = p * (v + x * 2500) / (p * x + q - 1)  # Fader & Hardie (2013), eq. (5)
    assert float(k008.expected_spend) == pytest.approx(k008.expected_purchases * spend_per_purchase, abs=0.01)
    assert k008.clv < k008.expected_spend  # discounted
    ranks = sorted((r.clv_rank, r.clv) for r in _results(done_run).values())
    assert [c for _rank, c in ranks] == sorted((c for _rank, c in ranks), reverse=True)


def test_customers_missing_from_the_master_are_left_out_and_counted(done_run):
    assert "X999" not in _results(done_run)
    assert done_run.summary["skipped_unknown"] == 1
    assert Decimal(done_run.summary["skipped_revenue"]) == 24 * 9000
    assert sum(row[6] for row in ROWS if row[3] == "X999") == 24 * 9000
    assert done_run.result_count == 8
    job = Job.objects.get(pk=done_run.job_id)
    assert job.status == "succeeded"
    assert "1 customer of the ledger is not in the customer master" in job.message


def test_the_run_and_its_completion_are_audited(done_run, world):
    actions = list(AuditEntry.objects.filter(target_id=str(done_run.pk)).values_list("action", "actor"))
    assert ("selection.start", world.manager.pk) in actions
    assert ("selection.done", world.manager.pk) in actions


def test_a_finished_run_cannot_be_changed(done_run):
    with pytest.raises(ValidationError):
        selection_run_store(run=done_run, results=[], summary={}, whitespace={}, fiscal_years=[])
    selection_run_fail(run=done_run, error="too late")
    done_run.refresh_from_db()
    assert done_run.status == "done" and done_run.error == ""
    assert SelectionResult.objects.filter(run=done_run).count() == 8


def test_the_whitespace_of_the_top_candidates_is_stored(done_run):
    whitespace = done_run.whitespace
    assert whitespace["product_groups"] == ["Antriebe", "Sensorik", "Service", "Steuerungen"]
    first = whitespace["rows"][0]
    assert first["customer_number"] == "K001"
    assert sum(Decimal(v) for v in first["values"]) == period_figures("K001")[0]


# Failures --------------------------------------------------------------------------------------


def test_without_an_imported_ledger_the_run_fails_with_a_clear_message(world, master, models):
    run = start_and_run(world, models)

    assert run.status == "failed"
    assert "No sales ledger has been imported yet" in run.error
    assert not SelectionResult.objects.filter(run=run).exists()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == "failed" and "No sales ledger" in job.error


def test_the_run_reads_the_ledger_of_the_imports(world, master, models, ratings, ledger_file):
    from openkam.imports.models import ImportRun

    ImportRun.objects.create(
        kind="ledger",
        status="succeeded",
        original_name="ledger.parquet",
        sha256="0" * 64,
        ledger_file=str(ledger_file),
    )
    run = start_and_run(world, models)

    assert run.status == "done", run.error
    assert _results(run)["K001"].revenue == period_figures("K001")[0]


def test_a_ledger_of_customers_unknown_to_the_master_fails_naming_the_count(world, models, use_ledger):
    # No ``master`` fixture: the world's customers have other numbers than the ledger's.
    assert not Customer.objects.filter(number__in=list(PLAN)).exists()
    run = start_and_run(world, models)

    assert run.status == "failed"
    assert "None of the 9 customers in the ledger is in the customer master" in run.error


def test_a_run_before_the_first_invoice_fails_saying_so(world, master, models, use_ledger):
    run = start_and_run(world, models, as_of=date(2023, 6, 30))

    assert run.status == "failed"
    assert "no invoices up to 06/30/2023" in run.error  # in the English of the head of KAM


def test_a_snapshot_without_criteria_fails_the_run(world, master, models, use_ledger, monkeypatch):
    original = engine.compute

    def compute_without_criteria(run, ledger, progress):
        run.snapshot["models"]["position"]["criteria"] = []
        return original(run, ledger, progress)

    monkeypatch.setattr(engine, "compute", compute_without_criteria)
    run = start_and_run(world, models)

    assert run.status == "failed"
    assert "“Position” has no criteria" in run.error

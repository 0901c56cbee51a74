"""The computation of a selection run: ledger in, result rows and summary out.

This is the bridge between the stored configuration (a run's snapshot, the ratings) and the
pure analytics package: it builds the criterion specs and the ratings table, calls
``run_selection``, the sensitivity analysis and the CLV models, and turns their Arrow tables
into ``SelectionResult`` rows. It writes nothing; the job stores the outcome through services.

Rules (docs/selection.md):

- Only customers of the customer master are analysed. Ledger lines of customer numbers the
  master does not know are left out before anything is computed, so shares, ranks and classes
  are those of the customers a decision can be taken on; how many were left out, and their
  revenue, is reported in the summary.
- The CLV models are fitted on the whole transaction history up to the as-of date, one
  transaction per invoice with a positive value, aggregated per ISO week (BG/NBD + Gamma-Gamma),
  with a 12-month horizon and 1 % monthly discount. A fit that does not converge is reported as
  such; its values are still stored (and shown with that warning). A fit that fails leaves the
  CLV fields empty and says why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import ibis
import numpy as np
import pyarrow as pa
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openkam.analytics import clv
from openkam.analytics.abc import pareto_curve
from openkam.analytics.metrics import MONEY
from openkam.analytics.scoring import CriterionSpec, competition_rank
from openkam.analytics.selection import run_selection
from openkam.analytics.sensitivity import sensitivity
from openkam.sales.models import Customer

from .models import CustomerRating, SelectionResult, SelectionRun

ID = "customer_number"
CENT = Decimal("0.01")
Progress = Callable[[int, str], None]


class SelectionError(Exception):
    """A run cannot be computed for a reason its owner can fix (no ledger, no customers, …).

    The message is shown to people as it is: translated, without technical detail.
    """


def load_ledger() -> ibis.Table:
    """The ledger a run reads: every imported ledger file (the demo company's included).

    The one place the ledger comes from, so tests can point runs at a small ledger. Raises
    ``SelectionError`` when nothing has been imported yet.
    """
    from openkam.imports.selectors import NoLedger, open_ledger

    try:
        return open_ledger()
    except NoLedger as exc:
        raise SelectionError(
            _("No sales ledger has been imported yet: import one, then start the run.")
        ) from exc


def criterion_specs(model: dict) -> list[CriterionSpec]:
    """The analytics specs of a model as the run's snapshot stores it."""
    if not model or not model.get("criteria"):
        name = (model or {}).get("name", "?")
        raise SelectionError(_("The scoring model “%(name)s” has no criteria.") % {"name": name})
    specs = []
    for c in model["criteria"]:
        scale = c["normalisation"] == "scale"
        specs.append(
            CriterionSpec(
                key=c["key"],
                weight=float(c["weight"]),
                direction=c["direction"],
                normalisation=c["normalisation"],
                scale_min=float(c["scale_min"]) if scale else None,
                scale_max=float(c["scale_max"]) if scale else None,
                missing=c["missing"],
            )
        )
    return specs


def ratings_table(snapshot: dict) -> pa.Table | None:
    """``customer_number`` and a ``rating_<key>`` column per rating criterion the run's models use.

    Ratings are read when the run computes; the values each criterion read are kept with the
    results (``criterion_values``), so the run stays explainable after ratings change.
    """
    keys = sorted(
        {
            c["rating"]["key"]
            for model in snapshot["models"].values()
            if model
            for c in model["criteria"]
            if c.get("rating")
        }
    )
    if not keys:
        return None
    values: dict[str, dict[str, float]] = {}
    for number, key, value in CustomerRating.objects.filter(criterion__key__in=keys).values_list(
        "customer__number", "criterion__key", "value"
    ):
        values.setdefault(number, {})[key] = float(value)
    numbers = sorted(values)
    columns = {ID: pa.array(numbers, pa.string())}
    for key in keys:
        columns[f"rating_{key}"] = pa.array([values[n].get(key) for n in numbers], pa.float64())
    return pa.table(columns)


@dataclass
class Outcome:
    """What a run computed: result rows (unsaved), the summary and the whitespace pivot."""

    results: list[SelectionResult]
    summary: dict
    whitespace: dict
    fiscal_years: list[int]


def _money(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _rows(table: pa.Table) -> dict[str, dict]:
    return {row[ID]: row for row in table.to_pylist()}


def _restrict(ledger: ibis.Table, known: list[str]) -> tuple[ibis.Table, ibis.Table]:
    """The ledger of the customer master's customers, and the lines of everyone else."""
    master = ibis.memtable(pa.table({ID: pa.array(known, pa.string())}))
    return ledger.semi_join(master, ID), ledger.anti_join(master, ID)


def _unknown_customers(others: ibis.Table, as_of: date) -> tuple[int, Decimal]:
    lines = others.filter(others.invoice_date <= as_of)
    counted = lines.aggregate(
        customers=lines[ID].nunique(), revenue=lines.net_revenue.cast(MONEY).sum()
    ).to_pyarrow()
    row = counted.to_pylist()[0] if counted.num_rows else {}
    return int(row.get("customers") or 0), _money(row.get("revenue")) or Decimal("0.00")


def _transactions(ledger: ibis.Table, as_of: date) -> pa.Table:
    """One transaction per invoice with a positive net value, up to ``as_of``."""
    lines = ledger.filter(ledger.invoice_date <= as_of)
    invoices = lines.group_by([ID, "invoice_id"]).aggregate(
        value=lines.net_revenue.cast(MONEY).sum(), invoice_date=lines.invoice_date.min()
    )
    invoices = invoices.filter(invoices.value > 0).select(ID, "invoice_date", "value")
    return invoices.to_pyarrow()


def _fit_report(fit) -> dict:
    report = {
        "params": {k: _finite(v) for k, v in fit.params.items()},
        "log_likelihood": _finite(fit.log_likelihood),
        "n_customers": fit.n_customers,
        "converged": bool(fit.converged),
        "method": fit.method,
        "iterations": fit.iterations,
        "message": fit.message,
    }
    if hasattr(fit, "frequency_value_correlation"):
        report["frequency_value_correlation"] = _finite(fit.frequency_value_correlation)
        report["population_mean_value"] = _finite(fit.population_mean_value)
    return report


@dataclass
class ClvOutcome:
    values: dict[str, dict] = field(default_factory=dict)
    report: dict = field(default_factory=dict)


def customer_values(ledger: ibis.Table, *, as_of: date, settings: dict) -> ClvOutcome:
    """Fit BG/NBD and Gamma-Gamma on the transaction history and value every customer.

    Never raises for data the models cannot fit: the report says what failed and why.
    """
    time_unit = settings["time_unit"]
    horizon = int(settings["horizon_months"])
    discount = float(settings["monthly_discount_rate"])
    outcome = ClvOutcome(
        report={"time_unit": time_unit, "horizon_months": horizon, "monthly_discount_rate": discount}
    )
    transactions = _transactions(ledger, as_of)
    if transactions.num_rows == 0:
        outcome.report["error"] = _("No invoices with a positive value up to the as-of date.")
        return outcome
    summary = clv.rfm_summary(
        transactions,
        customer_col=ID,
        date_col="invoice_date",
        value_col="value",
        observation_end=as_of,
        time_unit=time_unit,
    )
    ids = summary.column(ID).to_pylist()
    x = summary.column("frequency").to_numpy()
    t_x = summary.column("recency").to_numpy()
    age = summary.column("T").to_numpy()
    m = summary.column("monetary_value").to_numpy()
    outcome.report["customers"] = len(ids)
    outcome.report["repeat_customers"] = int((x > 0).sum())
    try:
        bgnbd = clv.fit_bgnbd(x, t_x, age)
    except ValueError as exc:
        outcome.report["error"] = _("The purchase model (BG/NBD) could not be fitted: %(reason)s") % {
            "reason": exc
        }
        return outcome
    outcome.report["bgnbd"] = _fit_report(bgnbd)
    horizon_periods = horizon * clv.DAYS_PER_MONTH / (7.0 if time_unit == "W" else 1.0)
    alive = clv.probability_alive(bgnbd, x, t_x, age)
    purchases = clv.expected_purchases(bgnbd, horizon_periods, x, t_x, age)
    spend = value = None
    try:
        gamma_gamma = clv.fit_gamma_gamma(x, m)
        outcome.report["gamma_gamma"] = _fit_report(gamma_gamma)
        average = clv.expected_average_value(gamma_gamma, x, m)
        spend = purchases * average
        value = clv.customer_lifetime_value(
            bgnbd,
            gamma_gamma,
            x,
            t_x,
            age,
            m,
            time_unit=time_unit,
            horizon_months=horizon,
            monthly_discount_rate=discount,
        )
    except ValueError as exc:
        outcome.report["spend_error"] = _("The spend model (Gamma-Gamma) could not be fitted: %(reason)s") % {
            "reason": exc
        }
    ranks = competition_rank(np.nan_to_num(value, nan=-np.inf)) if value is not None else None
    for i, number in enumerate(ids):
        outcome.values[number] = {
            "probability_alive": _finite(alive[i]),
            "expected_purchases": _finite(purchases[i]),
            "expected_spend": _money(_finite(spend[i])) if spend is not None else None,
            "clv": _money(_finite(value[i])) if value is not None else None,
            "clv_rank": int(ranks[i]) if ranks is not None and math.isfinite(value[i]) else None,
        }
    return outcome


def _whitespace(table: pa.Table) -> dict:
    groups = [c for c in table.column_names if c != ID]
    rows = []
    for row in table.to_pylist():
        rows.append({ID: row[ID], "values": [str(row[g]) for g in groups]})
    return {"product_groups": groups, "rows": rows}


def _counts(results: list[SelectionResult]) -> dict:
    classes: dict[str, int] = {}
    quadrants: dict[str, int] = {}
    robust = 0
    for r in results:
        classes[r.abc_class] = classes.get(r.abc_class, 0) + 1
        if r.quadrant:
            quadrants[r.quadrant] = quadrants.get(r.quadrant, 0) + 1
        robust += bool(r.robust)
    return {"customers": len(results), "classes": classes, "quadrants": quadrants, "robust": robust}


def compute(run: SelectionRun, ledger: ibis.Table, progress: Progress) -> Outcome:
    """Compute a run on ``ledger`` (rules in the module docstring).

    Raises ``SelectionError`` when there is nothing to select from, and lets ``ValueError``
    of the analytics package through for configurations it refuses.
    """
    snapshot = run.snapshot
    models = snapshot["models"]
    ranking = criterion_specs(models.get("ranking"))
    attractiveness = criterion_specs(models.get("attractiveness"))
    position = criterion_specs(models.get("position"))
    as_of = run.as_of
    period_start = date.fromisoformat(snapshot["period_start"]) if snapshot.get("period_start") else None

    master = dict(Customer.objects.values_list("number", "pk"))
    known, others = _restrict(ledger, list(master))
    skipped, skipped_revenue = _unknown_customers(others, as_of)
    lines = known.filter(known.invoice_date <= as_of).count().to_pyarrow().as_py()
    if not lines:
        if skipped:
            raise SelectionError(
                _(
                    "None of the %(count)s customers in the ledger is in the customer master: "
                    "import the customer master first."
                )
                % {"count": skipped}
            )
        raise SelectionError(
            _("The ledger has no invoices up to %(date)s.")
            % {"date": date_format(as_of, "SHORT_DATE_FORMAT")}
        )
    progress(15, _("Computing metrics, ABC classes, scores and the portfolio matrix"))
    selection = run_selection(
        known,
        as_of=as_of,
        fiscal_years=run.fiscal_years or None,
        period_start=period_start,
        ratings=ratings_table(snapshot),
        ranking=ranking,
        attractiveness=attractiveness,
        position=position,
        abc_value=snapshot["abc_value"],
        abc_cutoffs=tuple(snapshot["abc_cutoffs"]),
        threshold=float(snapshot["threshold"]),
        whitespace_top=int(snapshot["whitespace_top"]),
    )
    progress(45, _("Testing how stable the ranking is when weights vary"))
    stability = sensitivity(
        selection.metrics,
        ranking,
        variation=float(snapshot["variation"]),
        draws=int(snapshot["draws"]),
        seed=int(snapshot["seed"]),
        top_n=int(snapshot["top_n"]),
    )
    progress(65, _("Fitting the customer-lifetime-value models"))
    value = customer_values(known, as_of=as_of, settings=snapshot["clv"])
    progress(80, _("Preparing the results"))

    metrics, abc, scores = _rows(selection.metrics), _rows(selection.abc), _rows(selection.scores)
    stable, matrix = _rows(stability), _rows(selection.portfolio)
    used_keys = list(dict.fromkeys(c.key for specs in (ranking, attractiveness, position) for c in specs))
    ranking_keys = [c.key for c in ranking]
    results = []
    for number, metric in metrics.items():
        a, s, st, pf = abc[number], scores[number], stable.get(number, {}), matrix.get(number, {})
        cv = value.values.get(number, {})
        results.append(
            SelectionResult(
                customer_id=master[number],
                customer_number=number,
                revenue=_money(metric["revenue"]),
                margin=_money(metric["margin"]),
                growth=_finite(metric.get("growth")),
                abc_class=a["abc_class"],
                abc_rank=a["rank"],
                abc_share=a["share"],
                abc_cumulative_share=a["cumulative_share"],
                score=_finite(s["score"]),
                rank=s["rank"],
                contributions={k: round(float(s[f"contrib_{k}"]), 6) for k in ranking_keys},
                criterion_values={k: _plain(metric.get(k)) for k in used_keys},
                missing=[k for k in ranking_keys if metric.get(k) is None],
                best_rank=st.get("best_rank"),
                worst_rank=st.get("worst_rank"),
                median_rank=_finite(st.get("median_rank")),
                p05_rank=_finite(st.get("p05_rank")),
                p95_rank=_finite(st.get("p95_rank")),
                top_share=_finite(st.get("top_share")),
                robust=st.get("robust"),
                sensitive_to=st.get("sensitive_to") or "",
                sensitive_share=_finite(st.get("sensitive_share")),
                attractiveness=_finite(pf.get("attractiveness")),
                position=_finite(pf.get("position")),
                quadrant=pf.get("quadrant") or "",
                probability_alive=cv.get("probability_alive"),
                expected_purchases=cv.get("expected_purchases"),
                expected_spend=cv.get("expected_spend"),
                clv=cv.get("clv"),
                clv_rank=cv.get("clv_rank"),
            )
        )
    total_revenue = sum((r.revenue for r in results), Decimal("0.00"))
    total_margin = sum((r.margin for r in results), Decimal("0.00"))
    summary = {
        **_counts(results),
        "total_revenue": str(total_revenue),
        "total_margin": str(total_margin),
        "skipped_unknown": skipped,
        "skipped_revenue": str(skipped_revenue),
        "fiscal_years": list(selection.fiscal_years),
        # The curve of the run's ABC value, thinned for charts: the ABC page needs no recomputation.
        "pareto": pareto_curve(selection.abc, value_column="value", max_points=201).to_pylist(),
        "clv": value.report,
    }
    return Outcome(
        results=results,
        summary=summary,
        whitespace=_whitespace(selection.whitespace),
        fiscal_years=list(selection.fiscal_years),
    )


def _plain(value):
    """A criterion value as JSON can hold it (decimals as text to stay exact)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int | str | bool):
        return value
    return str(value)

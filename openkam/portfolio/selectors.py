"""Reads for the selection screens, endpoints and exports.

Every function starts from the access helpers in ``permissions`` (runs, results scoped to the
viewer, models, ratings). Functions that add up the whole customer base (class totals, the
Pareto curve, overlaps of the procedures) return them only for people who see the whole base.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow as pa
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse

from openkam.analytics.abc import abc_classes, pareto_curve
from openkam.sales.permissions import customers_visible_to

from .choices import AbcValue, CompareBy, ModelPurpose
from .criteria import criterion_label, metric_label
from .models import (
    CustomerRating,
    RatingCriterion,
    ScoringCriterion,
    ScoringModel,
    SelectionResult,
    SelectionRun,
)
from .permissions import (
    rating_criteria_visible_to,
    ratings_visible_to,
    results_visible_to,
    runs_visible_to,
    scoring_models_visible_to,
    sees_whole_base,
)

# Portfolio quadrants in the order a candidate list ranks them: attractive customers first.
QUADRANT_ORDER = ("invest", "develop", "maintain", "efficient")


# Runs ------------------------------------------------------------------------------------------


def runs_for_list(user) -> QuerySet[SelectionRun]:
    """Runs newest first with who started them; the large JSON columns stay in the database."""
    return (
        runs_visible_to(user)
        .select_related("created_by")
        .defer("summary", "whitespace", "created_by__password", "created_by__last_login")
        .order_by("-created_at")
    )


def latest_done_run(user) -> SelectionRun | None:
    return (
        runs_visible_to(user)
        .filter(status="done")
        .select_related("created_by")
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class CriterionColumn:
    """A criterion of a run's model as the pages show it: label and share of the total weight."""

    key: str
    label: str
    weight: float
    share: float
    direction: str
    normalisation: str
    missing: str
    source: str


def model_columns(run: SelectionRun, purpose: str = ModelPurpose.RANKING) -> list[CriterionColumn]:
    """The criteria of the run's model for ``purpose``, from its frozen snapshot (no query)."""
    model = (run.snapshot.get("models") or {}).get(purpose) or {}
    criteria = model.get("criteria") or []
    total = sum(float(c["weight"]) for c in criteria) or 1.0
    return [
        CriterionColumn(
            key=c["key"],
            label=criterion_label(c),
            weight=float(c["weight"]),
            share=float(c["weight"]) / total,
            direction=c["direction"],
            normalisation=c["normalisation"],
            missing=c["missing"],
            source=c["source"],
        )
        for c in criteria
    ]


@dataclass(frozen=True)
class ResultFilter:
    query: str = ""
    abc_class: str = ""
    quadrant: str = ""


_RESULT_DEFER = (
    "customer__legal_form",
    "customer__industry",
    "customer__parent",
    "customer__created_at",
)


def results_for_list(user, run: SelectionRun, filters: ResultFilter | None = None, *, order: str = "rank"):
    """The run's results the user may see, filtered, with customer and key account in one query."""
    filters = filters or ResultFilter()
    qs = (
        results_visible_to(user, run)
        .select_related("customer", "customer__key_account")
        .defer(*_RESULT_DEFER)
    )
    if filters.query:
        q = filters.query.strip()
        qs = qs.filter(Q(customer__name__icontains=q) | Q(customer_number__icontains=q))
    if filters.abc_class:
        qs = qs.filter(abc_class=filters.abc_class)
    if filters.quadrant:
        qs = qs.filter(quadrant=filters.quadrant)
    orderings = {
        "rank": ("rank", "abc_rank", "customer_number"),
        "abc": ("abc_rank", "customer_number"),
        "clv": ("clv_rank", "abc_rank", "customer_number"),
        "attractiveness": ("-attractiveness", "-position", "customer_number"),
    }
    return qs.order_by(*orderings[order])


def with_bars(results, columns: list[CriterionColumn]) -> list:
    """Attach ``bars`` (criterion, points, x offset) to each result for the stacked contribution bar."""
    rows = list(results)
    for result in rows:
        offset = 0.0
        bars = []
        for number, column in enumerate(columns):
            points = float((result.contributions or {}).get(column.key) or 0.0)
            bars.append({"column": column, "points": points, "x": offset, "colour": number})
            offset += points
        result.bars = bars
    return rows


# ABC -------------------------------------------------------------------------------------------


@dataclass
class AbcView:
    value: str
    cutoffs: tuple[float, float]
    recomputed: bool
    rows: list
    whole_base: bool
    classes: list[dict] = field(default_factory=list)
    curve: list[dict] = field(default_factory=list)


def _value_field(value: str) -> str:
    return "margin" if value == AbcValue.MARGIN else "revenue"


def abc_view(
    user, run: SelectionRun, *, value: str | None = None, cutoffs: tuple[float, float] | None = None
) -> AbcView:
    """ABC classes of the run, with other cut-offs or the other value recomputed on its stored values.

    The classes are always computed over the whole base (a class is a position in the whole
    base); people who see only their own customers get only those rows, and no totals or curve.
    """
    stored_value = run.snapshot.get("abc_value", AbcValue.REVENUE)
    stored_cutoffs = tuple(float(c) for c in run.snapshot.get("abc_cutoffs", (0.8, 0.95)))
    value = value or stored_value
    cutoffs = cutoffs or stored_cutoffs
    whole = sees_whole_base(user)
    recomputed = value != stored_value or cutoffs != stored_cutoffs
    visible = (
        results_visible_to(user, run)
        .select_related("customer", "customer__key_account")
        .defer(*_RESULT_DEFER)
    )
    view = AbcView(value=value, cutoffs=cutoffs, recomputed=recomputed, rows=[], whole_base=whole)
    if not recomputed:
        view.rows = list(visible.order_by("abc_rank", "customer_number"))
        if whole:
            view.classes = _class_summary_stored(run, _value_field(value))
            view.curve = run.summary.get("pareto") or []
        return view
    values = list(SelectionResult.objects.filter(run=run).values_list("customer_number", _value_field(value)))
    if not values:
        return view
    table = pa.table(
        {
            "customer_number": pa.array([v[0] for v in values], pa.string()),
            "value": pa.array([v[1] for v in values], pa.decimal128(18, 2)),
        }
    )
    classes = {
        row["customer_number"]: row
        for row in abc_classes(table, value_column="value", cutoffs=cutoffs).to_pylist()
    }
    rows = []
    for result in visible:
        row = classes[result.customer_number]
        result.abc_class, result.abc_rank = row["abc_class"], row["rank"]
        result.abc_share, result.abc_cumulative_share = row["share"], row["cumulative_share"]
        rows.append(result)
    rows.sort(key=lambda r: (r.abc_rank, r.customer_number))
    view.rows = rows
    if whole:
        view.classes = _class_summary(classes.values(), dict(values))
        view.curve = pareto_curve(table, value_column="value", max_points=201).to_pylist()
    return view


def _class_summary_stored(run: SelectionRun, value_field: str) -> list[dict]:
    rows = (
        SelectionResult.objects.filter(run=run)
        .values("abc_class")
        .annotate(customers=Count("pk"), value=Sum(value_field))
        .order_by("abc_class")
    )
    return _with_shares([dict(r) for r in rows])


def _class_summary(classified, values: dict) -> list[dict]:
    totals: dict[str, dict] = {}
    for row in classified:
        entry = totals.setdefault(
            row["abc_class"], {"abc_class": row["abc_class"], "customers": 0, "value": Decimal(0)}
        )
        entry["customers"] += 1
        entry["value"] += values[row["customer_number"]] or Decimal(0)
    return _with_shares(sorted(totals.values(), key=lambda r: r["abc_class"]))


def _with_shares(rows: list[dict]) -> list[dict]:
    customers = sum(r["customers"] for r in rows) or 1
    positive = sum(max(r["value"] or Decimal(0), Decimal(0)) for r in rows) or Decimal(1)
    for r in rows:
        r["customer_share"] = r["customers"] / customers
        r["value_share"] = float(max(r["value"] or Decimal(0), Decimal(0)) / positive)
    return rows


# Comparison ------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What one procedure says about one candidate."""

    procedure: str
    candidate: bool | None  # None: the procedure has no value for this customer


@dataclass
class Comparison:
    by: str
    n: int
    rows: list
    overlaps: list[dict] = field(default_factory=list)


PROCEDURES = (CompareBy.ABC, CompareBy.SCORE, CompareBy.QUADRANT, CompareBy.CLV)


def _procedure_says(result: SelectionResult, procedure: str, n: int) -> bool | None:
    """Whether a procedure names the customer a key-account candidate (rules in docs/selection.md)."""
    if procedure == CompareBy.ABC:
        return result.abc_class == "A"
    if procedure == CompareBy.SCORE:
        return None if result.rank is None else result.rank <= n
    if procedure == CompareBy.QUADRANT:
        return None if not result.quadrant else result.quadrant in ("invest", "develop")
    return None if result.clv_rank is None else result.clv_rank <= n


def _top(qs, by: str):
    if by == CompareBy.SCORE:
        return qs.filter(rank__isnull=False).order_by("rank", "customer_number")
    if by == CompareBy.ABC:
        return qs.order_by("abc_rank", "customer_number")
    if by == CompareBy.CLV:
        return qs.filter(clv_rank__isnull=False).order_by("clv_rank", "customer_number")
    # Portfolio: attractive customers first (invest, develop), then by attractiveness and position.
    return qs.exclude(quadrant="").order_by("-attractiveness", "-position", "customer_number")


def comparison(user, run: SelectionRun, *, by: str = CompareBy.SCORE, n: int = 25) -> Comparison:
    """The top ``n`` candidates by one procedure with what every procedure says about each.

    A procedure names a customer a candidate when: ABC — class A; scoring — rank within the top
    ``n``; portfolio — quadrant invest or develop (attractive customers); CLV — CLV rank within
    the top ``n``. ``agreement`` counts the procedures that agree. People who see the whole base
    also get how far the four top-``n`` lists overlap.
    """
    base = (
        results_visible_to(user, run)
        .select_related("customer", "customer__key_account")
        .defer(*_RESULT_DEFER)
    )
    top = _top(base, by)
    if by == CompareBy.QUADRANT:
        rows = sorted(
            top[: max(n * 4, n)],
            key=lambda r: (QUADRANT_ORDER.index(r.quadrant), -(r.attractiveness or 0), r.customer_number),
        )[:n]
    else:
        rows = list(top[:n])
    for result in rows:
        result.verdicts = [Verdict(p, _procedure_says(result, p, n)) for p in PROCEDURES]
        said = [v.candidate for v in result.verdicts if v.candidate is not None]
        result.agreement = sum(said)
        result.procedures = len(said)
    view = Comparison(by=by, n=n, rows=rows)
    if sees_whole_base(user):
        view.overlaps = _overlaps(run, n)
    return view


def _overlaps(run: SelectionRun, n: int) -> list[dict]:
    """For each pair of procedures: how many of their top-``n`` candidates are the same."""
    base = SelectionResult.objects.filter(run=run)
    sets = {
        CompareBy.ABC: set(base.order_by("abc_rank", "customer_number").values_list("pk", flat=True)[:n]),
        CompareBy.SCORE: set(_top(base, CompareBy.SCORE).values_list("pk", flat=True)[:n]),
        CompareBy.CLV: set(_top(base, CompareBy.CLV).values_list("pk", flat=True)[:n]),
    }
    portfolio = list(_top(base, CompareBy.QUADRANT).values_list("pk", "quadrant")[: n * 4])
    portfolio.sort(key=lambda item: QUADRANT_ORDER.index(item[1]))
    sets[CompareBy.QUADRANT] = {pk for pk, _q in portfolio[:n]}
    pairs = []
    for i, first in enumerate(PROCEDURES):
        for second in PROCEDURES[i + 1 :]:
            pairs.append(
                {
                    "first": first,
                    "second": second,
                    "common": len(sets[first] & sets[second]),
                    "size": min(len(sets[first]), len(sets[second])),
                }
            )
    return pairs


def can_propose(user) -> bool:
    """Whether the designation workflow lets ``user`` propose key accounts (KAMs and management)."""
    try:
        from openkam.designations.permissions import can_propose as designations_can_propose
    except ImportError:  # the designation app is optional for the selection
        return False
    return designations_can_propose(user)


def propose_url(customer_id: int) -> str | None:
    """The designation workflow's "propose as key account" page for a customer, if it is installed."""
    for name in ("designations:proposal-create", "designations:propose"):
        try:
            return f"{reverse(name)}?customer={customer_id}"
        except NoReverseMatch:
            continue
    return None


# Scoring models, rating criteria, ratings ------------------------------------------------------


def scoring_models_for_list(user) -> QuerySet[ScoringModel]:
    """Models with their criteria (and rating criteria) in two queries."""
    return (
        scoring_models_visible_to(user)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=ScoringCriterion.objects.select_related("rating_criterion").order_by(
                    "position", "pk"
                ),
            )
        )
        .order_by("purpose", "name")
    )


def criteria_with_shares(model: ScoringModel) -> list[ScoringCriterion]:
    """The model's (prefetched) criteria with ``share`` (of the total weight) and ``label``."""
    criteria = list(model.criteria.all())
    total = sum(c.weight for c in criteria) or Decimal(1)
    for c in criteria:
        c.share = float(c.weight / total)
        c.label = c.rating_criterion.label if c.rating_criterion_id else metric_label(c.metric)
    return criteria


def rating_criteria_for_list(user) -> QuerySet[RatingCriterion]:
    return rating_criteria_visible_to(user).annotate(rated=Count("ratings")).order_by("-active", "key")


def active_rating_criteria(user) -> list[RatingCriterion]:
    return list(rating_criteria_visible_to(user).filter(active=True).order_by("key"))


def ratings_by_cell(user, customers, criteria) -> dict[tuple[int, int], CustomerRating]:
    """The visible ratings of ``customers`` on ``criteria``, by (customer id, criterion id)."""
    ratings = ratings_visible_to(user).filter(
        customer__in=[c.pk for c in customers], criterion__in=[c.pk for c in criteria]
    )
    return {(r.customer_id, r.criterion_id): r for r in ratings}


def rating_candidates(user, *, query: str = "", run: SelectionRun | None = None):
    """Customers for the ratings table: matches of ``query``, else the run's best-ranked candidates.

    Returns a list of customers (the rank order of the run, or by name for a search).
    """
    if query:
        return list(
            customers_visible_to(user)
            .filter(Q(name__icontains=query) | Q(number__icontains=query))
            .order_by("name", "number")[:50]
        )
    if run is None:
        return list(customers_visible_to(user).order_by("name", "number")[:50])
    return [r.customer for r in results_for_list(user, run)[:50]]


def customer_ratings(user, customer) -> dict[int, CustomerRating]:
    """The ratings of one (visible) customer by criterion id, with who rated them."""
    return {
        r.criterion_id: r
        for r in ratings_visible_to(user).filter(customer=customer).select_related("rated_by", "criterion")
    }


def latest_result_for_customer(customer) -> SelectionResult | None:
    """The customer's result in the newest finished run, with its run (for the designation evidence).

    No access check: the caller decides who may see the figures (the designation workflow shows
    them only to people who may see the customer).
    """
    return (
        SelectionResult.objects.filter(customer=customer, run__status="done")
        .select_related("run")
        .order_by("-run__created_at")
        .first()
    )

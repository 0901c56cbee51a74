"""The selection lists as spreadsheet tables: header, rows and (for XLSX) the page's chart.

Each list is read through the same selectors and access helpers as its page, for the person
who started the export, so an export never holds a row its owner could not see on screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _

from . import charts
from .choices import AbcValue, CompareBy, ExportList
from .criteria import quadrant_label
from .models import SelectionRun
from .permissions import get_run_for_user, sees_whole_base
from .selectors import (
    ResultFilter,
    abc_view,
    comparison,
    criteria_with_shares,
    model_columns,
    results_for_list,
    runs_for_list,
    scoring_models_for_list,
)


@dataclass
class Table:
    """One exported list: a sheet title, the header, the rows and optional chart images (PNG)."""

    title: str
    filename: str
    header: list[str]
    rows: Iterable[list]
    images: list[tuple[str, bytes]] = field(default_factory=list)


def _float(value, digits: int = 4):
    return None if value is None else round(float(value), digits)


def _filters(params: dict) -> ResultFilter:
    return ResultFilter(
        query=params.get("q") or "",
        abc_class=params.get("abc_class") or "",
        quadrant=params.get("quadrant") or "",
    )


def _run(user, params: dict) -> SelectionRun:
    run = get_run_for_user(user, UUID(str(params["run"])))
    if not run.is_done:
        raise Http404
    return run


def _customer_columns() -> list[str]:
    return [_("Customer number"), _("Customer")]


def runs_table(user, params: dict, language: str) -> Table:
    whole = sees_whole_base(user)
    header = [_("As of"), _("Status"), _("Scoring model"), _("Started"), _("Started by")]
    if whole:
        header.append(_("Candidates"))

    def rows():
        for run in runs_for_list(user):
            row = [
                run.as_of,
                run.get_status_display(),
                ((run.snapshot.get("models") or {}).get("ranking") or {}).get("name", ""),
                run.created_at.date(),
                str(run.created_by or ""),
            ]
            if whole:
                row.append(run.result_count)
            yield row

    return Table(_("Selection runs"), _("selection-runs"), header, rows())


def models_table(user, params: dict, language: str) -> Table:
    header = [
        _("Scoring model"),
        _("Purpose"),
        _("Active"),
        _("Criterion"),
        _("Weight"),
        _("Share of the total"),
        _("Direction"),
        _("Normalisation"),
        _("Missing values"),
    ]

    def rows():
        for model in scoring_models_for_list(user):
            for c in criteria_with_shares(model):
                yield [
                    model.name,
                    model.get_purpose_display(),
                    _("yes") if model.active else _("no"),
                    c.label,
                    c.weight,
                    _float(c.share),
                    c.get_direction_display(),
                    c.get_normalisation_display(),
                    c.get_missing_display(),
                ]

    return Table(_("Scoring models"), _("scoring-models"), header, rows())


def results_table(user, params: dict, language: str) -> Table:
    run = _run(user, params)
    columns = model_columns(run)
    header = [
        _("Rank"),
        *_customer_columns(),
        _("Score"),
        *[_("Points: %(criterion)s") % {"criterion": c.label} for c in columns],
        _("Median rank"),
        _("5th percentile rank"),
        _("95th percentile rank"),
        _("Share of draws in the top"),
        _("Robust"),
        _("Depends on"),
        _("ABC class"),
        _("Quadrant"),
        _("Net revenue"),
    ]
    labels = {c.key: c.label for c in columns}

    def rows():
        for r in results_for_list(user, run, _filters(params)).iterator(chunk_size=2000):
            yield [
                r.rank,
                r.customer_number,
                r.customer.name,
                _float(r.score),
                *[_float((r.contributions or {}).get(c.key)) for c in columns],
                r.median_rank,
                r.p05_rank,
                r.p95_rank,
                _float(r.top_share),
                None if r.robust is None else (_("yes") if r.robust else _("no")),
                labels.get(r.sensitive_to, r.sensitive_to),
                r.abc_class,
                quadrant_label(r.quadrant),
                r.revenue,
            ]

    image = charts.image(charts.contributions(user, run, language=language), "png", language)
    return Table(
        _("Ranked candidates"), _("candidates"), header, rows(), [(_("Points per criterion"), image)]
    )


def abc_table(user, params: dict, language: str) -> Table:
    run = _run(user, params)
    a, b = params.get("a"), params.get("b")
    stored = run.snapshot.get("abc_cutoffs", (0.8, 0.95))
    cutoffs = (
        float(a) / 100 if a else float(stored[0]),
        float(b) / 100 if b else float(stored[1]),
    )
    value = params.get("value") if params.get("value") in AbcValue.values else None
    view = abc_view(user, run, value=value, cutoffs=cutoffs if cutoffs[0] < cutoffs[1] else None)
    value_title = _("Contribution margin") if view.value == AbcValue.MARGIN else _("Net revenue")
    header = [_("Value rank"), *_customer_columns(), value_title]
    if view.whole_base:
        header += [_("Share"), _("Cumulative share")]
    header.append(_("ABC class"))

    def rows():
        for r in view.rows:
            row = [
                r.abc_rank,
                r.customer_number,
                r.customer.name,
                r.margin if view.value == AbcValue.MARGIN else r.revenue,
            ]
            if view.whole_base:
                row += [_float(r.abc_share, 6), _float(r.abc_cumulative_share, 6)]
            row.append(r.abc_class)
            yield row

    images = []
    if view.whole_base and view.curve:
        images.append(
            (
                _("Pareto curve"),
                charts.image(charts.pareto(user, run, language=language, view=view), "png", language),
            )
        )
    return Table(_("ABC analysis"), _("abc-analysis"), header, rows(), images)


def matrix_table(user, params: dict, language: str) -> Table:
    run = _run(user, params)
    header = [
        *_customer_columns(),
        _("Attractiveness"),
        _("Our position"),
        _("Net revenue"),
        _("Quadrant"),
        _("Rank"),
    ]

    def rows():
        qs = results_for_list(user, run, _filters(params), order="attractiveness").exclude(quadrant="")
        for r in qs.iterator(chunk_size=2000):
            yield [
                r.customer_number,
                r.customer.name,
                _float(r.attractiveness),
                _float(r.position),
                r.revenue,
                quadrant_label(r.quadrant),
                r.rank,
            ]

    image = charts.image(charts.matrix(user, run, language=language), "png", language)
    return Table(
        _("Portfolio matrix"), _("portfolio-matrix"), header, rows(), [(_("Portfolio matrix"), image)]
    )


def clv_table(user, params: dict, language: str) -> Table:
    run = _run(user, params)
    header = [
        _("CLV rank"),
        *_customer_columns(),
        _("Probability alive"),
        _("Expected purchases (12 months)"),
        _("Expected spend (12 months)"),
        _("CLV"),
        _("Net revenue"),
    ]

    def rows():
        for r in results_for_list(user, run, _filters(params), order="clv").iterator(chunk_size=2000):
            yield [
                r.clv_rank,
                r.customer_number,
                r.customer.name,
                _float(r.probability_alive),
                _float(r.expected_purchases),
                r.expected_spend,
                r.clv,
                r.revenue,
            ]

    return Table(_("Customer value"), _("customer-value"), header, rows())


def compare_table(user, params: dict, language: str) -> Table:
    run = _run(user, params)
    by = params.get("by") if params.get("by") in CompareBy.values else CompareBy.SCORE
    try:
        n = min(max(int(params.get("n") or 25), 5), 200)
    except ValueError:
        n = 25
    view = comparison(user, run, by=by, n=n)
    header = [
        *_customer_columns(),
        _("ABC class"),
        _("Value rank"),
        _("Scoring rank"),
        _("Quadrant"),
        _("CLV rank"),
        *[_("Candidate by: %(procedure)s") % {"procedure": CompareBy(p).label} for p in CompareBy.values],
        _("Procedures that agree"),
    ]
    order = list(CompareBy.values)

    def verdict(value):
        return "" if value is None else (_("yes") if value else _("no"))

    def rows():
        for r in view.rows:
            says = {v.procedure: v.candidate for v in r.verdicts}
            yield [
                r.customer_number,
                r.customer.name,
                r.abc_class,
                r.abc_rank,
                r.rank,
                quadrant_label(r.quadrant),
                r.clv_rank,
                *[verdict(says.get(p)) for p in order],
                f"{r.agreement}/{r.procedures}",
            ]

    return Table(_("Comparison"), _("comparison"), header, rows())


BUILDERS = {
    ExportList.RUNS: runs_table,
    ExportList.MODELS: models_table,
    ExportList.RESULTS: results_table,
    ExportList.ABC: abc_table,
    ExportList.MATRIX: matrix_table,
    ExportList.CLV: clv_table,
    ExportList.COMPARE: compare_table,
}


def build(list_name: str, user, params: dict, language: str) -> Table:
    """The table of one list for ``user``; Http404 for an unknown list or a run they may not see."""
    builder = BUILDERS.get(list_name)
    if builder is None:
        raise Http404
    return builder(user, params, language)

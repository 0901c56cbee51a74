"""Writes of selection runs: starting one (which freezes its settings) and storing its outcome.

The background job stores results through ``selection_run_store``/``selection_run_fail``; a run
that has finished is never changed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.models import Job
from openkam.core.services import audit_record, job_create
from openkam.users.models import User

from ..choices import (
    AbcValue,
    ModelPurpose,
    RunStatus,
)
from ..models import (
    ScoringModel,
    SelectionResult,
    SelectionRun,
)
from ..permissions import can_start_run, require

RUN_JOB_KIND = "portfolio.run_selection"
# Bounds of the run settings; the analytics functions refuse anything outside them as well.
MIN_DRAWS, MAX_DRAWS = 10, 20_000
DEFAULT_SETTINGS = {
    "abc_value": AbcValue.REVENUE,
    "abc_cutoffs": [0.8, 0.95],
    "threshold": 50.0,
    "variation": 0.2,
    "draws": 1000,
    "top_n": 25,
}
# What the run fixes without asking: the CLV model's periods and horizon, the sensitivity seed
# (a run must be reproducible) and the size of the whitespace pivot.
FIXED_SETTINGS = {
    "seed": 0,
    "clv": {"time_unit": "W", "horizon_months": 12, "monthly_discount_rate": 0.01},
    "whitespace_top": 200,
}


# Selection runs --------------------------------------------------------------------------------


def model_snapshot(model: ScoringModel) -> dict:
    """A frozen copy of a model and its criteria, as a run stores it."""
    criteria = []
    for c in model.criteria.select_related("rating_criterion").order_by("position", "pk"):
        entry = {
            "key": c.key,
            "source": c.source,
            "metric": c.metric,
            "weight": float(c.weight),
            "direction": c.direction,
            "normalisation": c.normalisation,
            "scale_min": None if c.scale_min is None else float(c.scale_min),
            "scale_max": None if c.scale_max is None else float(c.scale_max),
            "missing": c.missing,
        }
        if c.rating_criterion is not None:
            entry["rating"] = {
                "key": c.rating_criterion.key,
                "label_de": c.rating_criterion.label_de,
                "label_en": c.rating_criterion.label_en,
                "scale_min": c.rating_criterion.scale_min,
                "scale_max": c.rating_criterion.scale_max,
            }
        criteria.append(entry)
    return {
        "id": model.pk,
        "name": model.name,
        "description": model.description,
        "purpose": model.purpose,
        "updated_at": model.updated_at.isoformat() if model.updated_at else None,
        "criteria": criteria,
    }


def _check_run_model(model: ScoringModel | None, purpose: str, field: str) -> None:
    if model is None:
        raise ValidationError({field: _("Choose a scoring model.")})
    if model.purpose != purpose:
        raise ValidationError({field: _("Choose a model made for this purpose.")})
    if not model.active:
        raise ValidationError({field: _("This scoring model is inactive.")})
    if not model.criteria.exists():
        raise ValidationError(
            {field: _("The scoring model “%(name)s” has no criteria yet.") % {"name": model.name}}
        )


def _check_run_settings(values: dict, as_of: date) -> None:
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("The as-of date cannot lie in the future.")})
    if as_of.year < 1900:
        raise ValidationError({"as_of": _("Enter a plausible date.")})
    if values["abc_value"] not in AbcValue.values:
        raise ValidationError({"abc_value": _("Choose revenue or margin.")})
    a, b = values["abc_cutoffs"]
    if not 0 < a < b <= 1:
        raise ValidationError(
            {
                "abc_cutoffs": _(
                    "The A cut-off must be above 0 % and below the B cut-off, which is at most 100 %."
                )
            }
        )
    if not 0 < values["threshold"] < 100:
        raise ValidationError({"threshold": _("The threshold must lie between 0 and 100 points.")})
    if not 0 < values["variation"] < 1:
        raise ValidationError({"variation": _("The weight variation must lie between 0 % and 100 %.")})
    if not MIN_DRAWS <= values["draws"] <= MAX_DRAWS:
        raise ValidationError(
            {"draws": _("Use between %(min)s and %(max)s draws.") % {"min": MIN_DRAWS, "max": MAX_DRAWS}}
        )
    if not 1 <= values["top_n"] <= 1000:
        raise ValidationError({"top_n": _("The top group must hold between 1 and 1,000 candidates.")})


@transaction.atomic
def selection_run_start(
    *,
    actor: User,
    as_of: date,
    ranking_model: ScoringModel,
    attractiveness_model: ScoringModel,
    position_model: ScoringModel,
    period_start: date | None = None,
    abc_value: str = DEFAULT_SETTINGS["abc_value"],
    abc_cutoffs: Sequence[float] = tuple(DEFAULT_SETTINGS["abc_cutoffs"]),
    threshold: float = DEFAULT_SETTINGS["threshold"],
    variation: float = DEFAULT_SETTINGS["variation"],
    draws: int = DEFAULT_SETTINGS["draws"],
    top_n: int = DEFAULT_SETTINGS["top_n"],
    fiscal_years: Sequence[int] | None = None,
) -> SelectionRun:
    """Freeze the settings of a selection run and start its background job (management, admins).

    ``period_start`` bounds revenue, margin, orders and breadth (default: the 12 months up to
    ``as_of``). Raises ValidationError for a missing model, a model of the wrong purpose,
    inactive or without criteria, and for settings outside their bounds.
    """
    require(can_start_run(actor))
    for field, model, purpose in (
        ("ranking_model", ranking_model, ModelPurpose.RANKING),
        ("attractiveness_model", attractiveness_model, ModelPurpose.ATTRACTIVENESS),
        ("position_model", position_model, ModelPurpose.POSITION),
    ):
        _check_run_model(model, purpose, field)
    values = {
        "abc_value": abc_value,
        "abc_cutoffs": [float(c) for c in abc_cutoffs],
        "threshold": float(threshold),
        "variation": float(variation),
        "draws": int(draws),
        "top_n": int(top_n),
    }
    if len(values["abc_cutoffs"]) != 2:
        raise ValidationError({"abc_cutoffs": _("Give the A and the B cut-off.")})
    _check_run_settings(values, as_of)
    if period_start is None:
        period_start = default_period_start(as_of)
    if period_start > as_of:
        raise ValidationError({"period_start": _("The period must start on or before the as-of date.")})
    years = sorted({int(y) for y in fiscal_years}) if fiscal_years else []
    if any(y > as_of.year or y < 1900 for y in years):
        raise ValidationError({"fiscal_years": _("Fiscal years must lie before the as-of date.")})
    snapshot = {
        **values,
        "period_start": period_start.isoformat(),
        **FIXED_SETTINGS,
        "models": {
            "ranking": model_snapshot(ranking_model),
            "attractiveness": model_snapshot(attractiveness_model),
            "position": model_snapshot(position_model),
        },
    }
    run = SelectionRun.objects.create(created_by=actor, as_of=as_of, fiscal_years=years, snapshot=snapshot)
    run.job = job_create(actor=actor, kind=RUN_JOB_KIND, params={"run_id": str(run.pk)})
    run.save(update_fields=["job"])
    audit_record(
        actor=actor,
        action="selection.start",
        target=run,
        changes={
            "as_of": as_of.isoformat(),
            "period_start": period_start.isoformat(),
            "ranking_model": ranking_model.name,
            "attractiveness_model": attractiveness_model.name,
            "position_model": position_model.name,
            **{k: v for k, v in values.items() if k != "abc_cutoffs"},
            "abc_cutoffs": ", ".join(f"{c:g}" for c in values["abc_cutoffs"]),
        },
    )
    return run


def default_period_start(as_of: date) -> date:
    """The first day of the 12 months that end on ``as_of``."""
    try:
        return as_of.replace(year=as_of.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - 1, day=28) + timedelta(days=1)


def _refuse_finished(run: SelectionRun) -> None:
    # A run is the evidence of a decision: once it has an outcome it must stay as it is.
    if run.is_finished:
        raise ValidationError(_("This selection run has finished and cannot change any more."))


@transaction.atomic
def selection_run_mark_running(*, run: SelectionRun) -> None:
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    _refuse_finished(run)
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status"])


@transaction.atomic
def selection_run_store(
    *,
    run: SelectionRun,
    results: Iterable[SelectionResult],
    summary: dict,
    whitespace: dict,
    fiscal_years: Sequence[int],
) -> SelectionRun:
    """Store the results of a run and mark it done, in one transaction (the background job).

    The job acts on behalf of the person who started the run; the audit entry names them.
    """
    locked = SelectionRun.objects.select_for_update().get(pk=run.pk)
    _refuse_finished(locked)
    count = 0
    batch: list[SelectionResult] = []
    for result in results:
        result.run_id = run.pk
        batch.append(result)
        if len(batch) >= 2000:
            SelectionResult.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        SelectionResult.objects.bulk_create(batch)
        count += len(batch)
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.summary = summary
    run.whitespace = whitespace
    run.fiscal_years = list(fiscal_years)
    run.result_count = count
    run.error = ""
    run.save(
        update_fields=[
            "status",
            "finished_at",
            "summary",
            "whitespace",
            "fiscal_years",
            "result_count",
            "error",
        ]
    )
    audit_record(
        actor=run.created_by,
        action="selection.done",
        target=run,
        changes={"candidates": count, "skipped_unknown": summary.get("skipped_unknown", 0)},
    )
    return run


@transaction.atomic
def selection_run_fail(*, run: SelectionRun, error: str) -> None:
    """Record why a run could not finish; a failed run keeps no results."""
    locked = SelectionRun.objects.select_for_update().get(pk=run.pk)
    if locked.is_finished:
        return
    run.status = RunStatus.FAILED
    run.error = error[:5000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    audit_record(
        actor=run.created_by, action="selection.fail", target=run, changes={"error": run.error[:300]}
    )


def selection_export_start(*, actor: User, params: dict) -> Job:
    """Start an export of a selection list as a background job (its handler checks access again)."""
    return job_create(actor=actor, kind="portfolio.export", params=params)

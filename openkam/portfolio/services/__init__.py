"""Writes of the selection: rating criteria, ratings, scoring models and selection runs.

Every function checks the actor's permission (403), validates before saving (ValidationError,
named by field), runs in one transaction and leaves an audit entry. Runs are written by the
background job through ``selection_run_*`` functions; a finished run is never changed again.
The functions live in three modules by subject and are all importable from here.
"""

from .ratings import (
    RatingChange,
    rating_criterion_create,
    rating_criterion_delete,
    rating_criterion_update,
    ratings_update,
)
from .runs import (
    DEFAULT_SETTINGS,
    FIXED_SETTINGS,
    MAX_DRAWS,
    MIN_DRAWS,
    RUN_JOB_KIND,
    default_period_start,
    model_snapshot,
    selection_export_start,
    selection_run_fail,
    selection_run_mark_running,
    selection_run_start,
    selection_run_store,
)
from .scoring import (
    MAX_WEIGHT,
    CriterionInput,
    scoring_criterion_add,
    scoring_criterion_remove,
    scoring_criterion_update,
    scoring_model_create,
    scoring_model_delete,
    scoring_model_update,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "FIXED_SETTINGS",
    "MAX_DRAWS",
    "MAX_WEIGHT",
    "MIN_DRAWS",
    "RUN_JOB_KIND",
    "CriterionInput",
    "RatingChange",
    "default_period_start",
    "model_snapshot",
    "rating_criterion_create",
    "rating_criterion_delete",
    "rating_criterion_update",
    "ratings_update",
    "scoring_criterion_add",
    "scoring_criterion_remove",
    "scoring_criterion_update",
    "scoring_model_create",
    "scoring_model_delete",
    "scoring_model_update",
    "selection_export_start",
    "selection_run_fail",
    "selection_run_mark_running",
    "selection_run_start",
    "selection_run_store",
]

"""Access to the selection: runs, their results, scoring models, rating criteria and ratings.

One access path per protected object (docs/permissions.md, docs/selection.md):

- Management and administrators see the whole customer base: every run with every result,
  the whole-base totals and charts, every rating.
- KAMs and team members see every run, but only the result rows and ratings of the customers
  behind the key accounts they own or work on (``customers_visible_to``), and nothing that
  adds up the rest of the base (shares, totals, Pareto curve, whitespace, counts).
- Scoring models and rating criteria are readable by everyone signed in (they explain a
  rank); only management and administrators define them, enter ratings and start runs.

Objects a person may not see answer 404; writes they may not make answer 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from openkam.sales.models import Customer
from openkam.sales.permissions import customers_visible_to
from openkam.users.choices import Role

from .models import (
    CustomerRating,
    RatingCriterion,
    ScoringCriterion,
    ScoringModel,
    SelectionResult,
    SelectionRun,
)

_WHOLE_BASE = (Role.MANAGEMENT, Role.ADMIN)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def sees_whole_base(user) -> bool:
    """Management and administrators see every customer's results and the base-wide totals."""
    return _signed_in(user) and user.role in _WHOLE_BASE


def can_configure(user) -> bool:
    """Define scoring models and rating criteria, and enter ratings."""
    return _signed_in(user) and user.role in _WHOLE_BASE


def can_start_run(user) -> bool:
    return _signed_in(user) and user.role in _WHOLE_BASE


def require(allowed: bool) -> None:
    """Refuse a write with 403 when the user may read the object but not change it."""
    if not allowed:
        raise PermissionDenied


def runs_visible_to(user) -> QuerySet[SelectionRun]:
    """Every run for everyone signed in; what a run shows is scoped by ``results_visible_to``."""
    if not _signed_in(user):
        return SelectionRun.objects.none()
    return SelectionRun.objects.all()


def get_run_for_user(user, run_id) -> SelectionRun:
    """The run with its creator and job, or Http404 when it does not exist or the user may not see it."""
    return get_object_or_404(runs_visible_to(user).select_related("created_by", "job"), pk=run_id)


def results_visible_to(user, run: SelectionRun) -> QuerySet[SelectionResult]:
    """The result rows of ``run`` the user may see: all, or those of the customers behind their accounts."""
    results = SelectionResult.objects.filter(run=run)
    if sees_whole_base(user):
        return results
    if not _signed_in(user):
        return results.none()
    return results.filter(customer__in=customers_visible_to(user).values("pk"))


def scoring_models_visible_to(user) -> QuerySet[ScoringModel]:
    if not _signed_in(user):
        return ScoringModel.objects.none()
    return ScoringModel.objects.all()


def get_scoring_model_for_user(user, pk) -> ScoringModel:
    return get_object_or_404(scoring_models_visible_to(user), pk=pk)


def get_scoring_criterion_for_user(user, model_pk, pk) -> ScoringCriterion:
    """A criterion of a visible model; 404 also when it belongs to another model."""
    model = get_scoring_model_for_user(user, model_pk)
    criterion = get_object_or_404(
        ScoringCriterion.objects.select_related("rating_criterion"), pk=pk, model=model
    )
    criterion.model = model
    return criterion


def rating_criteria_visible_to(user) -> QuerySet[RatingCriterion]:
    if not _signed_in(user):
        return RatingCriterion.objects.none()
    return RatingCriterion.objects.all()


def get_rating_criterion_for_user(user, pk) -> RatingCriterion:
    return get_object_or_404(rating_criteria_visible_to(user), pk=pk)


def ratings_visible_to(user) -> QuerySet[CustomerRating]:
    """Ratings of the customers the user may see."""
    ratings = CustomerRating.objects.all()
    if sees_whole_base(user):
        return ratings
    if not _signed_in(user):
        return ratings.none()
    return ratings.filter(customer__in=customers_visible_to(user).values("pk"))


def get_rated_customer_for_user(user, pk) -> Customer:
    """The customer whose ratings are read or written; Http404 when the user may not see it."""
    return get_object_or_404(customers_visible_to(user), pk=pk)

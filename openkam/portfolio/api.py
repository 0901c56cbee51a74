"""API operations of the key-account selection (mounted under /api/v1/selection).

See openkam/api.py for authentication and the error format. Runs, results, models, rating
criteria and ratings are loaded only through the access helpers in ``permissions``: everyone
signed in reads runs and models, but a KAM or team member gets only the result rows and ratings
of the customers behind their key accounts, and no figure that adds up the rest of the base.
Writes go through the services, which answer 403 to anyone but management and administrators
and 422 (naming the field, ``criteria.<n>.<field>`` for a criterion row) for invalid data.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from openkam.core.api import (
    InputSchema,
    JobOut,
    PatchSchema,
    UserRef,
    money,
    refuse_unknown_query,
    with_errors,
)

from . import services
from .choices import (
    AbcValue,
    CriterionSource,
    Direction,
    MissingPolicy,
    ModelPurpose,
    Normalisation,
    RunStatus,
)
from .criteria import metric_label
from .models import RatingCriterion, ScoringCriterion, ScoringModel
from .permissions import (
    can_configure,
    can_start_run,
    get_rated_customer_for_user,
    get_rating_criterion_for_user,
    get_run_for_user,
    get_scoring_criterion_for_user,
    get_scoring_model_for_user,
    rating_criteria_visible_to,
    ratings_visible_to,
    require,
    sees_whole_base,
)
from .selectors import (
    ResultFilter,
    customer_ratings,
    results_for_list,
    runs_for_list,
    scoring_models_for_list,
)

router = Router(tags=["selection"])


def _viewer_sees_all(context) -> bool:
    return sees_whole_base(context["request"].auth)


def _api_fields(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's ValidationError with its field names as the request names them."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


# Runs ------------------------------------------------------------------------------------------


class RunOut(Schema):
    id: UUID
    as_of: date
    fiscal_years: list[int]
    status: RunStatus
    created_at: datetime
    finished_at: datetime | None
    created_by: UserRef | None
    error: str
    settings: dict[str, Any]
    candidates: int | None

    @staticmethod
    def resolve_settings(obj) -> dict:
        return obj.snapshot

    @staticmethod
    def resolve_candidates(obj, context) -> int | None:
        # The size of the whole base is a figure of the whole base.
        return obj.result_count if _viewer_sees_all(context) else None


class RunDetail(RunOut):
    summary: dict[str, Any]
    whitespace: dict[str, Any] | None

    @staticmethod
    def resolve_summary(obj, context) -> dict:
        """Everything for the whole base; for others only the CLV model's parameters and fit."""
        if _viewer_sees_all(context):
            return obj.summary
        report = dict((obj.summary or {}).get("clv") or {})
        for key in ("customers", "repeat_customers"):
            report.pop(key, None)
        for fit in ("bgnbd", "gamma_gamma"):
            if isinstance(report.get(fit), dict):
                report[fit] = {k: v for k, v in report[fit].items() if k != "n_customers"}
        return {"clv": report}

    @staticmethod
    def resolve_whitespace(obj, context) -> dict | None:
        return obj.whitespace if _viewer_sees_all(context) else None


class RunIn(InputSchema):
    as_of: date
    ranking_model_id: int
    attractiveness_model_id: int
    position_model_id: int
    period_start: date | None = None
    abc_value: AbcValue = AbcValue.REVENUE
    abc_cutoffs: list[float] = Field(default=[0.8, 0.95], min_length=2, max_length=2)
    threshold: float = 50.0
    variation: float = 0.2
    draws: int = 1000
    top_n: int = 25


class RunStarted(Schema):
    run: RunOut
    job: JobOut


@router.get(
    "/runs",
    response=with_errors({200: list[RunOut]}, 401, 422),
    operation_id="selection_runs_list",
    summary=_("List selection runs"),
)
@paginate(LimitOffsetPagination)
def runs_list(request):
    """Every run, newest first, with the settings it froze; candidates only for the whole base."""
    refuse_unknown_query(request, LimitOffsetPagination.Input)
    return runs_for_list(request.auth)


@router.post(
    "/runs",
    response=with_errors({202: RunStarted}, 401, 403, 422),
    operation_id="selection_run_create",
    summary=_("Start a selection run"),
)
def run_create(request, payload: RunIn):
    """Management and administrators start a run; poll the job (or the run) until it has finished.

    The three models must be active, have criteria and be made for their purpose.
    """
    user = request.auth
    require(can_start_run(user))
    data = payload.model_dump()
    models = {}
    for field in ("ranking_model_id", "attractiveness_model_id", "position_model_id"):
        model = ScoringModel.objects.filter(pk=data.pop(field)).first()
        if model is None:
            raise ValidationError({field: gettext("No scoring model with this id.")})
        models[field.removesuffix("_id")] = model
    try:
        run = services.selection_run_start(actor=user, **models, **data)
    except ValidationError as exc:
        raise _api_fields(exc, {name: f"{name}_id" for name in models}) from exc
    return Status(202, {"run": run, "job": run.job})


@router.get(
    "/runs/{selection_run_id}",
    response=with_errors({200: RunDetail}, 401, 404),
    operation_id="selection_run_get",
    summary=_("Show a selection run"),
)
def run_get(request, selection_run_id: UUID):
    """The run with its status, frozen settings and summary (CLV fit, counts, skipped customers)."""
    return get_run_for_user(request.auth, selection_run_id)


class CustomerRef(Schema):
    id: int
    number: str
    name: str


class Sensitivity(Schema):
    median_rank: float | None
    p05_rank: float | None
    p95_rank: float | None
    best_rank: int | None
    worst_rank: int | None
    top_share: float | None
    robust: bool | None
    sensitive_to: str
    sensitive_share: float | None


class CustomerValue(Schema):
    probability_alive: float | None
    expected_purchases: float | None
    expected_spend: Decimal | None
    clv: Decimal | None
    clv_rank: int | None


class ResultOut(Schema):
    customer: CustomerRef
    revenue: Decimal
    margin: Decimal
    growth: float | None
    abc_class: str
    abc_rank: int
    abc_share: float | None
    abc_cumulative_share: float | None
    score: float | None
    rank: int | None
    contributions: dict[str, float]
    criterion_values: dict[str, Any]
    missing: list[str]
    sensitivity: Sensitivity
    attractiveness: float | None
    position: float | None
    quadrant: str
    customer_value: CustomerValue

    @staticmethod
    def resolve_abc_share(obj, context) -> float | None:
        return obj.abc_share if _viewer_sees_all(context) else None

    @staticmethod
    def resolve_abc_cumulative_share(obj, context) -> float | None:
        return obj.abc_cumulative_share if _viewer_sees_all(context) else None

    @staticmethod
    def resolve_sensitivity(obj) -> dict:
        return {name: getattr(obj, name) for name in Sensitivity.model_fields}

    @staticmethod
    def resolve_customer_value(obj) -> dict:
        values = {name: getattr(obj, name) for name in CustomerValue.model_fields}
        values["expected_spend"] = money(values["expected_spend"])
        values["clv"] = money(values["clv"])
        return values


class ResultFilters(InputSchema):
    q: str = ""
    abc_class: Literal["A", "B", "C"] | None = None
    quadrant: Literal["invest", "develop", "maintain", "efficient"] | None = None
    order: Literal["rank", "abc", "clv", "attractiveness"] = "rank"


@router.get(
    "/runs/{selection_run_id}/results",
    response=with_errors({200: list[ResultOut]}, 401, 404, 422),
    operation_id="selection_results_list",
    summary=_("List the results of a selection run"),
)
@paginate(LimitOffsetPagination)
def results_list(request, selection_run_id: UUID, filters: Query[ResultFilters]):
    """The candidates by rank (or ``order``): management and administrators get every customer, a
    KAM or team member the customers of their key accounts, without shares of the whole base."""
    refuse_unknown_query(request, ResultFilters, LimitOffsetPagination.Input)
    run = get_run_for_user(request.auth, selection_run_id)
    filters_ = ResultFilter(
        query=filters.q, abc_class=filters.abc_class or "", quadrant=filters.quadrant or ""
    )
    return results_for_list(request.auth, run, filters_, order=filters.order)


# Scoring models --------------------------------------------------------------------------------


class ScoringCriterionOut(Schema):
    id: int
    position: int
    key: str
    label: str
    source: CriterionSource
    metric: str
    rating_criterion: str | None
    weight: Decimal
    share: float
    direction: Direction
    normalisation: Normalisation
    scale_min: Decimal | None
    scale_max: Decimal | None
    missing: MissingPolicy

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.rating_criterion.label if obj.rating_criterion_id else metric_label(obj.metric)

    @staticmethod
    def resolve_rating_criterion(obj) -> str | None:
        return obj.rating_criterion.key if obj.rating_criterion_id else None

    @staticmethod
    def resolve_share(obj) -> float:
        return getattr(obj, "share", 0.0)


class ScoringModelOut(Schema):
    id: int
    name: str
    description: str
    purpose: ModelPurpose
    active: bool
    created_at: datetime
    updated_at: datetime
    criteria: list[ScoringCriterionOut]

    @staticmethod
    def resolve_criteria(obj) -> list:
        return _criteria_with_shares(obj)


def _criteria_with_shares(model: ScoringModel) -> list[ScoringCriterion]:
    criteria = list(model.criteria.select_related("rating_criterion").order_by("position", "pk"))
    total = sum(c.weight for c in criteria) or Decimal(1)
    for c in criteria:
        c.share = float(c.weight / total)
    return criteria


class ScoringCriterionIn(InputSchema):
    source: CriterionSource
    metric: str = ""
    rating_criterion: str | None = Field(default=None, description="The key of a rating criterion.")
    weight: Decimal
    direction: Direction = Direction.HIGHER
    normalisation: Normalisation = Normalisation.MINMAX
    scale_min: Decimal | None = None
    scale_max: Decimal | None = None
    missing: MissingPolicy = MissingPolicy.WORST


class ScoringCriterionPatch(PatchSchema):
    source: CriterionSource | None = None
    metric: str | None = None
    rating_criterion: str | None = None
    weight: Decimal | None = None
    direction: Direction | None = None
    normalisation: Normalisation | None = None
    scale_min: Decimal | None = None
    scale_max: Decimal | None = None
    missing: MissingPolicy | None = None


class ScoringModelIn(InputSchema):
    name: str
    description: str = ""
    purpose: ModelPurpose
    active: bool = True
    criteria: list[ScoringCriterionIn]


class ScoringModelPatch(PatchSchema):
    name: str | None = None
    description: str | None = None
    purpose: ModelPurpose | None = None
    active: bool | None = None
    criteria: list[ScoringCriterionIn] | None = None


def _criterion_input(data: dict, field: str) -> services.CriterionInput:
    rating = None
    if data.get("source") == CriterionSource.RATING:
        key = data.get("rating_criterion") or ""
        rating = RatingCriterion.objects.filter(key=key).first()
        if rating is None:
            raise ValidationError(
                {f"{field}.rating_criterion": gettext("No rating criterion with this key.")}
            )
    return services.CriterionInput(
        source=data["source"],
        metric=data.get("metric") or "",
        rating_criterion=rating,
        weight=data["weight"],
        direction=data.get("direction") or Direction.HIGHER,
        normalisation=data.get("normalisation") or Normalisation.MINMAX,
        scale_min=data.get("scale_min"),
        scale_max=data.get("scale_max"),
        missing=data.get("missing") or MissingPolicy.WORST,
    )


def _existing_input(criterion: ScoringCriterion) -> dict:
    return {
        "source": criterion.source,
        "metric": criterion.metric,
        "rating_criterion": criterion.rating_criterion.key if criterion.rating_criterion_id else None,
        "weight": criterion.weight,
        "direction": criterion.direction,
        "normalisation": criterion.normalisation,
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "missing": criterion.missing,
    }


def _model_row(user, pk: int) -> ScoringModel:
    return get_object_or_404(scoring_models_for_list(user), pk=pk)


@router.get(
    "/models",
    response=with_errors({200: list[ScoringModelOut]}, 401),
    operation_id="scoring_models_list",
    summary=_("List scoring models"),
)
def models_list(request):
    """Every scoring model with its criteria and each weight's share of the total."""
    return list(scoring_models_for_list(request.auth))


@router.post(
    "/models",
    response=with_errors({201: ScoringModelOut}, 401, 403, 422),
    operation_id="scoring_model_create",
    summary=_("Create a scoring model"),
)
def model_create(request, payload: ScoringModelIn):
    require(can_configure(request.auth))
    data = payload.model_dump()
    criteria = [_criterion_input(c, f"criteria.{i}") for i, c in enumerate(data.pop("criteria"))]
    model = services.scoring_model_create(actor=request.auth, criteria=criteria, **data)
    return Status(201, model)


@router.get(
    "/models/{scoring_model_id}",
    response=with_errors({200: ScoringModelOut}, 401, 404),
    operation_id="scoring_model_get",
    summary=_("Show a scoring model"),
)
def model_get(request, scoring_model_id: int):
    return _model_row(request.auth, scoring_model_id)


@router.patch(
    "/models/{scoring_model_id}",
    response=with_errors({200: ScoringModelOut}, 401, 403, 404, 422),
    operation_id="scoring_model_update",
    summary=_("Change a scoring model"),
)
def model_update(request, scoring_model_id: int, payload: ScoringModelPatch):
    """Fields left out stay unchanged; ``criteria``, when sent, replace the model's criteria."""
    model = get_scoring_model_for_user(request.auth, scoring_model_id)
    require(can_configure(request.auth))
    changed = payload.changed()
    criteria = None
    if "criteria" in changed:
        criteria = [
            _criterion_input(c.model_dump(), f"criteria.{i}") for i, c in enumerate(payload.criteria or [])
        ]
    values = {
        "name": model.name,
        "purpose": model.purpose,
        "description": model.description,
        "active": model.active,
        **{k: v for k, v in changed.items() if k != "criteria"},
    }
    services.scoring_model_update(actor=request.auth, model=model, criteria=criteria, **values)
    return _model_row(request.auth, model.pk)


@router.delete(
    "/models/{scoring_model_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="scoring_model_delete",
    summary=_("Delete a scoring model"),
)
def model_delete(request, scoring_model_id: int):
    """Runs that used the model keep their copy of it."""
    model = get_scoring_model_for_user(request.auth, scoring_model_id)
    services.scoring_model_delete(actor=request.auth, model=model)
    return Status(204, None)


@router.get(
    "/models/{scoring_model_id}/criteria",
    response=with_errors({200: list[ScoringCriterionOut]}, 401, 404),
    operation_id="scoring_criteria_list",
    summary=_("List the criteria of a scoring model"),
)
def criteria_list(request, scoring_model_id: int):
    return _criteria_with_shares(get_scoring_model_for_user(request.auth, scoring_model_id))


def _criterion_row(model: ScoringModel, pk: int) -> ScoringCriterion:
    return next(c for c in _criteria_with_shares(model) if c.pk == pk)


@router.post(
    "/models/{scoring_model_id}/criteria",
    response=with_errors({201: ScoringCriterionOut}, 401, 403, 404, 422),
    operation_id="scoring_criterion_create",
    summary=_("Add a criterion to a scoring model"),
)
def criterion_create(request, scoring_model_id: int, payload: ScoringCriterionIn):
    model = get_scoring_model_for_user(request.auth, scoring_model_id)
    require(can_configure(request.auth))
    index = model.criteria.count()
    try:
        criterion = services.scoring_criterion_add(
            actor=request.auth, model=model, criterion=_criterion_input(payload.model_dump(), "criterion")
        )
    except ValidationError as exc:
        raise _api_fields(exc, _row_fields(index)) from exc
    return Status(201, _criterion_row(model, criterion.pk))


def _row_fields(index: int) -> dict[str, str]:
    """Service errors of row ``index`` named by the field of the single-criterion request."""
    fields = ("source", "metric", "rating_criterion", "weight", "direction", "normalisation")
    fields += ("scale_min", "scale_max", "missing")
    return {f"criteria.{index}.{name}": name for name in fields}


@router.patch(
    "/models/{scoring_model_id}/criteria/{scoring_criterion_id}",
    response=with_errors({200: ScoringCriterionOut}, 401, 403, 404, 422),
    operation_id="scoring_criterion_update",
    summary=_("Change a criterion of a scoring model"),
)
def criterion_update(
    request, scoring_model_id: int, scoring_criterion_id: int, payload: ScoringCriterionPatch
):
    criterion = get_scoring_criterion_for_user(request.auth, scoring_model_id, scoring_criterion_id)
    require(can_configure(request.auth))
    index = list(criterion.model.criteria.order_by("position", "pk").values_list("pk", flat=True)).index(
        criterion.pk
    )
    values = {**_existing_input(criterion), **payload.changed()}
    try:
        updated = services.scoring_criterion_update(
            actor=request.auth, criterion=criterion, values=_criterion_input(values, "criterion")
        )
    except ValidationError as exc:
        raise _api_fields(exc, _row_fields(index)) from exc
    return _criterion_row(criterion.model, updated.pk)


@router.delete(
    "/models/{scoring_model_id}/criteria/{scoring_criterion_id}",
    response=with_errors({204: None}, 401, 403, 404, 422),
    operation_id="scoring_criterion_delete",
    summary=_("Remove a criterion from a scoring model"),
)
def criterion_delete(request, scoring_model_id: int, scoring_criterion_id: int):
    """The last criterion of a model cannot be removed (422)."""
    criterion = get_scoring_criterion_for_user(request.auth, scoring_model_id, scoring_criterion_id)
    services.scoring_criterion_remove(actor=request.auth, criterion=criterion)
    return Status(204, None)


# Rating criteria -------------------------------------------------------------------------------


class RatingCriterionOut(Schema):
    id: int
    key: str
    label_de: str
    label_en: str
    description: str
    scale_min: int
    scale_max: int
    active: bool


class RatingCriterionIn(InputSchema):
    key: str
    label_de: str
    label_en: str
    description: str = ""
    scale_min: int = 1
    scale_max: int = 5
    active: bool = True


class RatingCriterionPatch(PatchSchema):
    label_de: str | None = None
    label_en: str | None = None
    description: str | None = None
    scale_min: int | None = None
    scale_max: int | None = None
    active: bool | None = None


@router.get(
    "/rating-criteria",
    response=with_errors({200: list[RatingCriterionOut]}, 401),
    operation_id="rating_criteria_list",
    summary=_("List rating criteria"),
)
def rating_criteria_list(request):
    return list(rating_criteria_visible_to(request.auth).order_by("key"))


@router.post(
    "/rating-criteria",
    response=with_errors({201: RatingCriterionOut}, 401, 403, 422),
    operation_id="rating_criterion_create",
    summary=_("Create a rating criterion"),
)
def rating_criterion_create(request, payload: RatingCriterionIn):
    return Status(201, services.rating_criterion_create(actor=request.auth, **payload.model_dump()))


@router.get(
    "/rating-criteria/{rating_criterion_id}",
    response=with_errors({200: RatingCriterionOut}, 401, 404),
    operation_id="rating_criterion_get",
    summary=_("Show a rating criterion"),
)
def rating_criterion_get(request, rating_criterion_id: int):
    return get_rating_criterion_for_user(request.auth, rating_criterion_id)


@router.patch(
    "/rating-criteria/{rating_criterion_id}",
    response=with_errors({200: RatingCriterionOut}, 401, 403, 404, 422),
    operation_id="rating_criterion_update",
    summary=_("Change a rating criterion"),
)
def rating_criterion_update(request, rating_criterion_id: int, payload: RatingCriterionPatch):
    """The key never changes; a scale that would exclude existing ratings is refused."""
    criterion = get_rating_criterion_for_user(request.auth, rating_criterion_id)
    values = {
        "label_de": criterion.label_de,
        "label_en": criterion.label_en,
        "description": criterion.description,
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "active": criterion.active,
        **payload.changed(),
    }
    return services.rating_criterion_update(actor=request.auth, criterion=criterion, **values)


@router.delete(
    "/rating-criteria/{rating_criterion_id}",
    response=with_errors({204: None}, 401, 403, 404, 422),
    operation_id="rating_criterion_delete",
    summary=_("Delete a rating criterion"),
)
def rating_criterion_delete(request, rating_criterion_id: int):
    """Only a criterion nobody has rated and no model uses; deactivate it otherwise (422)."""
    criterion = get_rating_criterion_for_user(request.auth, rating_criterion_id)
    services.rating_criterion_delete(actor=request.auth, criterion=criterion)
    return Status(204, None)


# Ratings ---------------------------------------------------------------------------------------


class RatingOut(Schema):
    customer: CustomerRef
    criterion: str
    value: Decimal
    note: str
    rated_by: UserRef | None
    rated_at: datetime

    @staticmethod
    def resolve_criterion(obj) -> str:
        return obj.criterion.key


class RatingFilters(InputSchema):
    customer_id: int | None = None
    criterion: str = ""


@router.get(
    "/ratings",
    response=with_errors({200: list[RatingOut]}, 401, 422),
    operation_id="ratings_list",
    summary=_("List ratings"),
)
@paginate(LimitOffsetPagination)
def ratings_list(request, filters: Query[RatingFilters]):
    """The ratings of the customers you may see, by customer and criterion."""
    refuse_unknown_query(request, RatingFilters, LimitOffsetPagination.Input)
    ratings = ratings_visible_to(request.auth).select_related("customer", "criterion", "rated_by")
    if filters.customer_id is not None:
        ratings = ratings.filter(customer_id=filters.customer_id)
    if filters.criterion:
        ratings = ratings.filter(criterion__key=filters.criterion)
    return ratings.order_by("customer__name", "customer_id", "criterion__key")


@router.get(
    "/customers/{customer_id}/ratings",
    response=with_errors({200: list[RatingOut]}, 401, 404),
    operation_id="customer_ratings_get",
    summary=_("List the ratings of a customer"),
)
def customer_ratings_get(request, customer_id: int):
    customer = get_rated_customer_for_user(request.auth, customer_id)
    ratings = customer_ratings(request.auth, customer)
    for rating in ratings.values():
        rating.customer = customer
    return sorted(ratings.values(), key=lambda r: r.criterion.key)


class RatingValueIn(InputSchema):
    criterion: str = Field(description="The key of a rating criterion.")
    value: Decimal | None = Field(description="The rating on the criterion's scale; null clears it.")
    note: str | None = Field(default=None, description="Left out: the note stays as it is.")


class RatingsIn(InputSchema):
    ratings: list[RatingValueIn] = Field(min_length=1, max_length=100)


@router.put(
    "/customers/{customer_id}/ratings",
    response=with_errors({200: list[RatingOut]}, 401, 403, 404, 422),
    operation_id="customer_ratings_upsert",
    summary=_("Set or clear ratings of a customer"),
)
def customer_ratings_upsert(request, customer_id: int, payload: RatingsIn):
    """Sets each named criterion's rating (a null value clears it); criteria not named stay.

    All or nothing: one invalid value (outside the scale, unknown or inactive criterion) changes
    nothing. Management and administrators only.
    """
    customer = get_rated_customer_for_user(request.auth, customer_id)
    require(can_configure(request.auth))
    criteria = {
        c.key: c for c in RatingCriterion.objects.filter(key__in=[r.criterion for r in payload.ratings])
    }
    changes = []
    for index, item in enumerate(payload.ratings):
        criterion = criteria.get(item.criterion)
        if criterion is None:
            raise ValidationError(
                {f"ratings.{index}.criterion": gettext("No rating criterion with this key.")}
            )
        changes.append(
            services.RatingChange(customer=customer, criterion=criterion, value=item.value, note=item.note)
        )
    try:
        services.ratings_update(actor=request.auth, changes=changes)
    except ValidationError as exc:
        names = {item.criterion: f"ratings.{i}.value" for i, item in enumerate(payload.ratings)}
        raise _api_fields(exc, names) from exc
    return customer_ratings_get(request, customer_id)

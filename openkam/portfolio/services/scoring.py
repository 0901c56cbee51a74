"""Writes of scoring models and their criteria (management and administrators).

A model's criteria are validated as a whole on every change (at least one, each at most once,
valid metric or active rating criterion, weights above 0); each change leaves an audit entry.
Runs keep their own copy of a model, so no change here alters a past result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.core.services import apply_changes, audit_record
from openkam.users.models import User

from ..choices import (
    CriterionSource,
    Direction,
    MissingPolicy,
    ModelPurpose,
    Normalisation,
)
from ..criteria import metric_keys
from ..models import (
    RatingCriterion,
    ScoringCriterion,
    ScoringModel,
)
from ..permissions import can_configure, require

MAX_WEIGHT = Decimal("1000")


# Scoring models --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    """One criterion of a scoring model as entered in a form or an API body."""

    source: str
    weight: Decimal
    metric: str = ""
    rating_criterion: RatingCriterion | None = None
    direction: str = Direction.HIGHER
    normalisation: str = Normalisation.MINMAX
    scale_min: Decimal | None = None
    scale_max: Decimal | None = None
    missing: str = MissingPolicy.WORST


def _clean_criterion(data: CriterionInput, index: int) -> dict:
    """Validate one criterion; errors name the row (``criteria.<index>.<field>``)."""

    def error(field: str, message: str) -> ValidationError:
        return ValidationError({f"criteria.{index}.{field}": message})

    if data.source not in CriterionSource.values:
        raise error("source", _("Choose a ledger metric or a rating criterion."))
    if data.direction not in Direction.values:
        raise error("direction", _("Choose a valid direction."))
    if data.normalisation not in Normalisation.values:
        raise error("normalisation", _("Choose a valid normalisation."))
    if data.missing not in MissingPolicy.values:
        raise error("missing", _("Choose how missing values count."))
    try:
        weight = Decimal(str(data.weight))
    except (InvalidOperation, TypeError, ValueError):
        weight = Decimal(0)
    if not weight.is_finite() or not Decimal(0) < weight <= MAX_WEIGHT:
        raise error("weight", _("The weight must be above 0 and at most 1,000."))
    metric, rating = "", None
    scale_min, scale_max = data.scale_min, data.scale_max
    if data.source == CriterionSource.METRIC:
        if data.metric not in metric_keys():
            raise error("metric", _("Choose one of the offered ledger metrics."))
        metric = data.metric
    else:
        rating = data.rating_criterion
        if rating is None:
            raise error("rating_criterion", _("Choose a rating criterion."))
        if not rating.active:
            raise error("rating_criterion", _("This rating criterion is inactive."))
    if data.normalisation == Normalisation.SCALE:
        if rating is not None:
            scale_min = Decimal(rating.scale_min) if scale_min is None else scale_min
            scale_max = Decimal(rating.scale_max) if scale_max is None else scale_max
        if scale_min is None or scale_max is None:
            raise error("scale_min", _("The fixed-scale normalisation needs a minimum and a maximum."))
        if scale_min >= scale_max:
            raise error("scale_max", _("The maximum must be greater than the minimum."))
    else:
        # Bounds mean something only for the fixed scale; dropped rather than kept misleadingly.
        scale_min = scale_max = None
    return {
        "source": data.source,
        "metric": metric,
        "rating_criterion": rating,
        "weight": weight.quantize(Decimal("0.01")),
        "direction": data.direction,
        "normalisation": data.normalisation,
        "scale_min": scale_min,
        "scale_max": scale_max,
        "missing": data.missing,
    }


def _clean_criteria(criteria: Sequence[CriterionInput]) -> list[dict]:
    if not criteria:
        raise ValidationError({"criteria": _("A scoring model needs at least one criterion.")})
    if len(criteria) > 30:
        raise ValidationError({"criteria": _("Use at most 30 criteria.")})
    cleaned = [_clean_criterion(c, i) for i, c in enumerate(criteria)]
    keys = [c["metric"] or f"rating_{c['rating_criterion'].key}" for c in cleaned]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            field = "metric" if cleaned[index]["metric"] else "rating_criterion"
            raise ValidationError({f"criteria.{index}.{field}": _("Each criterion may appear only once.")})
    return cleaned


def _criteria_summary(model: ScoringModel) -> list[str]:
    """The criteria of a model in one line each, for the audit trail."""
    return [
        f"{c.key} ×{c.weight} {c.direction} {c.normalisation}"
        for c in model.criteria.select_related("rating_criterion").order_by("position", "pk")
    ]


def _replace_criteria(model: ScoringModel, cleaned: list[dict]) -> None:
    model.criteria.all().delete()
    ScoringCriterion.objects.bulk_create(
        [ScoringCriterion(model=model, position=i, **values) for i, values in enumerate(cleaned)]
    )


def _validate_model(name: str, purpose: str, *, exclude_pk: int | None = None) -> None:
    if not name.strip():
        raise ValidationError({"name": _("Give the model a name.")})
    if purpose not in ModelPurpose.values:
        raise ValidationError({"purpose": _("Choose what the model scores.")})
    if ScoringModel.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": _("A scoring model with this name exists already.")})


@transaction.atomic
def scoring_model_create(
    *,
    actor: User,
    name: str,
    purpose: str,
    criteria: Sequence[CriterionInput],
    description: str = "",
    active: bool = True,
) -> ScoringModel:
    """Define a scoring model with its criteria (management and administrators only)."""
    require(can_configure(actor))
    _validate_model(name, purpose)
    cleaned = _clean_criteria(criteria)
    model = ScoringModel(
        name=name.strip(), description=description.strip(), purpose=purpose, active=active, created_by=actor
    )
    model.full_clean()
    model.save()
    _replace_criteria(model, cleaned)
    audit_record(
        actor=actor,
        action="scoring_model.create",
        target=model,
        changes={"purpose": purpose, "criteria": _criteria_summary(model)},
    )
    return model


@transaction.atomic
def scoring_model_update(
    *,
    actor: User,
    model: ScoringModel,
    name: str,
    purpose: str,
    description: str,
    active: bool,
    criteria: Sequence[CriterionInput] | None = None,
) -> ScoringModel:
    """Change a model; ``criteria`` (when given) replace the model's criteria as a whole.

    Runs keep the copy of the model they used, so changing it never alters a past result.
    """
    require(can_configure(actor))
    _validate_model(name, purpose, exclude_pk=model.pk)
    diff = apply_changes(
        model,
        {"name": name.strip(), "purpose": purpose, "description": description.strip(), "active": active},
    )
    if criteria is not None:
        cleaned = _clean_criteria(criteria)
        before = _criteria_summary(model)
        _replace_criteria(model, cleaned)
        after = _criteria_summary(model)
        if before != after:
            diff["criteria"] = (before, after)
    if diff:
        model.full_clean()
        model.save()
        audit_record(actor=actor, action="scoring_model.update", target=model, changes=diff)
    return model


@transaction.atomic
def scoring_model_delete(*, actor: User, model: ScoringModel) -> None:
    """Delete a model; runs that used it keep their copy of it."""
    require(can_configure(actor))
    audit_record(
        actor=actor,
        action="scoring_model.delete",
        target=model,
        changes={"name": model.name, "criteria": _criteria_summary(model)},
    )
    model.delete()


def _criterion_inputs(model: ScoringModel) -> list[CriterionInput]:
    return [
        CriterionInput(
            source=c.source,
            metric=c.metric,
            rating_criterion=c.rating_criterion,
            weight=c.weight,
            direction=c.direction,
            normalisation=c.normalisation,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            missing=c.missing,
        )
        for c in model.criteria.select_related("rating_criterion").order_by("position", "pk")
    ]


def _change_criteria(*, actor: User, model: ScoringModel, inputs: list[CriterionInput], apply) -> None:
    """Validate the model's criteria as they will be, apply one change, audit it as a model update."""
    cleaned = _clean_criteria(inputs)
    before = _criteria_summary(model)
    apply(cleaned)
    after = _criteria_summary(model)
    if before != after:
        model.save(update_fields=["updated_at"])
        audit_record(
            actor=actor, action="scoring_model.update", target=model, changes={"criteria": (before, after)}
        )


@transaction.atomic
def scoring_criterion_add(*, actor: User, model: ScoringModel, criterion: CriterionInput) -> ScoringCriterion:
    """Append one criterion to a model (the API's criterion operations); other rows keep their ids."""
    require(can_configure(actor))
    created: list[ScoringCriterion] = []
    last = model.criteria.order_by("-position").values_list("position", flat=True).first()

    def apply(cleaned):
        created.append(ScoringCriterion.objects.create(model=model, position=(last or 0) + 1, **cleaned[-1]))

    _change_criteria(actor=actor, model=model, inputs=[*_criterion_inputs(model), criterion], apply=apply)
    return created[0]


@transaction.atomic
def scoring_criterion_update(
    *, actor: User, criterion: ScoringCriterion, values: CriterionInput
) -> ScoringCriterion:
    """Change one criterion of a model in place, validated together with the model's other criteria."""
    require(can_configure(actor))
    model = criterion.model
    ordered = list(model.criteria.order_by("position", "pk").values_list("pk", flat=True))
    index = ordered.index(criterion.pk)
    inputs = _criterion_inputs(model)
    inputs[index] = values

    def apply(cleaned):
        for field, value in cleaned[index].items():
            setattr(criterion, field, value)
        criterion.save()

    _change_criteria(actor=actor, model=model, inputs=inputs, apply=apply)
    return criterion


@transaction.atomic
def scoring_criterion_remove(*, actor: User, criterion: ScoringCriterion) -> None:
    """Remove one criterion; the last one cannot go (a model needs at least one)."""
    require(can_configure(actor))
    model = criterion.model
    ordered = list(model.criteria.order_by("position", "pk"))
    inputs = [i for c, i in zip(ordered, _criterion_inputs(model), strict=True) if c.pk != criterion.pk]
    _change_criteria(actor=actor, model=model, inputs=inputs, apply=lambda cleaned: criterion.delete())

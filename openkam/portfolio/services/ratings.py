"""Writes of rating criteria and customer ratings (management and administrators).

Every function checks the permission (403), validates (ValidationError by field), runs in one
transaction and leaves an audit entry; rating changes show on the key account's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.accounts.models import KeyAccount
from openkam.core.services import apply_changes, audit_record
from openkam.sales.models import Customer
from openkam.users.models import User

from ..models import (
    CustomerRating,
    RatingCriterion,
)
from ..permissions import can_configure, require


def _account_id(customer: Customer) -> int | None:
    """The key account of a customer, so that changes to it show on the account's timeline."""
    return KeyAccount.objects.filter(customer=customer).values_list("pk", flat=True).first()


# Rating criteria -------------------------------------------------------------------------------


def _validate_scale(scale_min: int, scale_max: int) -> None:
    if scale_min >= scale_max:
        raise ValidationError({"scale_max": _("The maximum must be greater than the minimum.")})
    if scale_min < -1000 or scale_max > 1000:
        raise ValidationError({"scale_max": _("Use a scale between -1000 and 1000.")})


@transaction.atomic
def rating_criterion_create(
    *,
    actor: User,
    key: str,
    label_de: str,
    label_en: str,
    description: str = "",
    scale_min: int = 1,
    scale_max: int = 5,
    active: bool = True,
) -> RatingCriterion:
    """Define a new rating criterion (management and administrators only)."""
    require(can_configure(actor))
    key = key.strip().lower()
    if RatingCriterion.objects.filter(key=key).exists():
        raise ValidationError({"key": _("A rating criterion with this key exists already.")})
    _validate_scale(scale_min, scale_max)
    criterion = RatingCriterion(
        key=key,
        label_de=label_de.strip(),
        label_en=label_en.strip(),
        description=description.strip(),
        scale_min=scale_min,
        scale_max=scale_max,
        active=active,
    )
    criterion.full_clean()
    criterion.save()
    audit_record(
        actor=actor,
        action="rating_criterion.create",
        target=criterion,
        changes={"key": key, "scale_min": scale_min, "scale_max": scale_max},
    )
    return criterion


@transaction.atomic
def rating_criterion_update(
    *,
    actor: User,
    criterion: RatingCriterion,
    label_de: str,
    label_en: str,
    description: str,
    scale_min: int,
    scale_max: int,
    active: bool,
) -> RatingCriterion:
    """Change labels, description, scale or the active flag; the key never changes.

    A narrower scale is refused while ratings lie outside it.
    """
    require(can_configure(actor))
    _validate_scale(scale_min, scale_max)
    outside = criterion.ratings.exclude(value__gte=scale_min, value__lte=scale_max).count()
    if outside:
        raise ValidationError(
            {
                "scale_min": ngettext(
                    "%(count)s rating lies outside this scale; change it first.",
                    "%(count)s ratings lie outside this scale; change them first.",
                    outside,
                )
                % {"count": outside}
            }
        )
    diff = apply_changes(
        criterion,
        {
            "label_de": label_de.strip(),
            "label_en": label_en.strip(),
            "description": description.strip(),
            "scale_min": scale_min,
            "scale_max": scale_max,
            "active": active,
        },
    )
    if diff:
        criterion.full_clean()
        criterion.save()
        audit_record(actor=actor, action="rating_criterion.update", target=criterion, changes=diff)
    return criterion


@transaction.atomic
def rating_criterion_delete(*, actor: User, criterion: RatingCriterion) -> None:
    """Delete a criterion nobody has rated yet and no scoring model uses; otherwise deactivate it."""
    require(can_configure(actor))
    if criterion.scoring_criteria.exists():
        raise ValidationError(_("A scoring model uses this criterion; remove it from the model first."))
    if criterion.ratings.exists():
        raise ValidationError(_("Customers have been rated on this criterion; deactivate it instead."))
    audit_record(
        actor=actor, action="rating_criterion.delete", target=criterion, changes={"key": criterion.key}
    )
    criterion.delete()


# Ratings ---------------------------------------------------------------------------------------


def _rating_value(criterion: RatingCriterion, value) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or not criterion.scale_min <= number <= criterion.scale_max:
        raise ValidationError(
            {
                criterion.key: _("Rate %(label)s from %(min)s to %(max)s.")
                % {"label": criterion.label, "min": criterion.scale_min, "max": criterion.scale_max}
            }
        )
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({criterion.key: _("Use at most two decimal places.")})
    return number


@dataclass(frozen=True)
class RatingChange:
    """One cell of the ratings table: a new value (None clears the rating) and its note."""

    customer: Customer
    criterion: RatingCriterion
    value: Decimal | float | int | str | None
    note: str | None = None


@transaction.atomic
def ratings_update(*, actor: User, changes: Iterable[RatingChange]) -> int:
    """Set, change or clear ratings; all or nothing. Returns how many ratings changed.

    Only management and administrators rate. Unchanged cells leave no audit entry; a value of
    ``None`` deletes the rating. A ``note`` of ``None`` keeps the note. Raises ValidationError
    (keyed by criterion) for a value outside the criterion's scale or an inactive criterion.
    """
    require(can_configure(actor))
    changes = list(changes)
    existing = {
        (r.customer_id, r.criterion_id): r
        for r in CustomerRating.objects.filter(
            customer__in=[c.customer for c in changes], criterion__in=[c.criterion for c in changes]
        )
    }
    changed = 0
    now = timezone.now()
    for change in changes:
        customer, criterion = change.customer, change.criterion
        rating = existing.get((customer.pk, criterion.pk))
        if change.value is None or change.value == "":
            if rating is not None:
                audit_record(
                    actor=actor,
                    action="rating.clear",
                    target=rating,
                    account_id=_account_id(customer),
                    changes={"criterion": criterion.key, "value": [str(rating.value), None]},
                )
                rating.delete()
                changed += 1
            continue
        if not criterion.active:
            raise ValidationError({criterion.key: _("This rating criterion is inactive.")})
        value = _rating_value(criterion, change.value)
        note = (change.note if change.note is not None else (rating.note if rating else "")).strip()
        if len(note) > 2000:
            raise ValidationError({criterion.key: _("Keep the note under 2,000 characters.")})
        if rating is None:
            rating = CustomerRating.objects.create(
                customer=customer, criterion=criterion, value=value, note=note, rated_by=actor, rated_at=now
            )
            diff = {"criterion": criterion.key, "value": str(value)}
            if note:
                diff["note"] = note
        else:
            diff = apply_changes(rating, {"value": value, "note": note})
            if not diff:
                continue
            rating.rated_by = actor
            rating.rated_at = now
            rating.save()
            diff = {"criterion": criterion.key, **{k: [str(o), str(n)] for k, (o, n) in diff.items()}}
        audit_record(
            actor=actor, action="rating.set", target=rating, account_id=_account_id(customer), changes=diff
        )
        changed += 1
    return changed

"""The business rules of opportunities that screens, services and the pipeline share: which
qualification items still block a move, and what an opportunity is worth weighted by its
probability. Pure functions over an opportunity; no writes."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .choices import OPEN_STAGES, QUALIFICATION, STAGE_ORDER, Stage

CENT = Decimal("0.01")


def stages_left(current: str, target: str) -> list[str]:
    """The open stages an opportunity leaves *forwards* when it moves from ``current`` to ``target``.

    Moving to an open stage further on, or to won, leaves the current stage and every one in
    between. Moving backwards, to lost, or reopening a won or lost one leaves none. Winning an
    opportunity that was lost goes through the whole pipeline again: every open stage is left.
    """
    if target not in OPEN_STAGES and target != Stage.WON:
        return []
    if current in OPEN_STAGES:
        start = STAGE_ORDER[current]
    elif current == Stage.LOST and target == Stage.WON:
        start = 0
    else:
        return []
    end = STAGE_ORDER[target]
    return [stage for stage in OPEN_STAGES if start <= STAGE_ORDER[stage] < end]


def checked_items(opportunity) -> set[str]:
    """The ticked checklist items of ``opportunity`` (uses prefetched ``checks`` if there)."""
    if opportunity.pk is None:
        return set()
    cache = getattr(opportunity, "_prefetched_objects_cache", {})
    if "checks" in cache:
        return {check.item for check in cache["checks"]}
    return set(opportunity.checks.values_list("item", flat=True))


def missing_checks(opportunity, target_stage: str) -> list[tuple[str, str, object]]:
    """``(stage, key, label)`` of every qualification item that must be ticked before
    ``opportunity`` may move to ``target_stage`` (empty: the move is allowed), in pipeline and
    checklist order. Only forward moves have exit criteria (see ``stages_left``)."""
    stages = stages_left(opportunity.stage, target_stage)
    if not stages:
        return []
    ticked = checked_items(opportunity)
    return [
        (stage, key, label) for stage in stages for key, label in QUALIFICATION[stage] if key not in ticked
    ]


def weighted_value(opportunity) -> Decimal:
    """``value × probability`` in euros, rounded to the cent (a won one counts fully, a lost one 0)."""
    value = Decimal(opportunity.value or 0)
    return (value * Decimal(opportunity.probability or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)

"""Labels of the things a selection shows by key: ledger metrics, criteria of a run and quadrants.

The analytics package owns the offered metrics (``METRIC_CRITERIA``) and the quadrants
(``QUADRANTS``) with their translated labels; this module is the one place the selection pages
turn a stored key into a label, so a run's snapshot stays readable after models changed.
"""

from __future__ import annotations

from django.utils.translation import get_language

from openkam.analytics.portfolio import QUADRANTS
from openkam.analytics.selection import METRIC_CRITERIA


def metric_keys() -> list[str]:
    """The ledger metrics a scoring criterion may use (stable keys, no per-year columns)."""
    return list(METRIC_CRITERIA)


def metric_label(key: str) -> str:
    """The label of a metric in the active language (its key when the metric is unknown)."""
    entry = METRIC_CRITERIA.get(key)
    return str(entry.label) if entry else key


def metric_direction(key: str) -> str:
    entry = METRIC_CRITERIA.get(key)
    return entry.direction if entry else "higher"


def metric_choices() -> list[tuple[str, str]]:
    return [(key, metric_label(key)) for key in METRIC_CRITERIA]


def _german() -> bool:
    return (get_language() or "de").startswith("de")


def criterion_label(entry: dict) -> str:
    """The label of a criterion as a run's snapshot stores it (a metric or a rating)."""
    rating = entry.get("rating")
    if rating:
        return rating["label_de"] if _german() else rating["label_en"]
    return metric_label(entry.get("metric") or entry["key"])


def quadrant_choices() -> list[tuple[str, str]]:
    return [(key, str(q.label)) for key, q in QUADRANTS.items()]


def quadrant_label(key: str) -> str:
    quadrant = QUADRANTS.get(key)
    return str(quadrant.label) if quadrant else ""

"""Small pieces every service that edits account objects uses: normalising the submitted values,
refusing unknown fields, describing a new object for its audit entry, and the versioned update
(validate, then save only if the stored version is still the one edited)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .locking import check_version, save_versioned
from .services import apply_changes


def stripped(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with surrounding blanks removed from every text."""
    return {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}


def refuse_unknown(values: Mapping[str, Any], known: Iterable[str], what: str) -> None:
    """A programming error, not user input: a service was called with a field it does not edit."""
    unknown = set(values) - set(known)
    if unknown:
        raise TypeError(f"Unknown {what} fields: {sorted(unknown)}")


def created_values(obj, fields: Iterable[str]) -> dict[str, Any]:
    """What a new object holds, for its audit entry (empty fields left out)."""
    return {f: getattr(obj, f) for f in fields if getattr(obj, f) not in (None, "")}


def joined_names(people: Iterable) -> str:
    """People as one sorted string for an audit entry.

    One string, not a list: the timeline reads a two-element list as (old, new).
    """
    return ", ".join(sorted(str(p) for p in people))


def update_versioned(
    obj,
    *,
    version: int | None,
    values: dict[str, Any],
    validate: Callable[[], None],
    exclude: Iterable[str] | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply ``values`` to ``obj`` edited from ``version``; validate and save if anything changed.

    Submitting what is stored already is no conflict, however old the version: nothing would be
    overwritten. ``validate`` runs the business rules after the field checks (``exclude``: fields
    ``full_clean`` skips, e.g. relations loaded for display). The services name constraint
    violations on their field themselves. Returns the diff (empty: nothing saved).
    """
    if all(getattr(obj, field) == value for field, value in values.items()):
        return {}
    check_version(obj, version, values)
    diff = apply_changes(obj, values)
    obj.full_clean(exclude=list(exclude) if exclude else None, validate_constraints=False)
    validate()
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    return diff

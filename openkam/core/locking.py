"""Optimistic locking: two people editing the same object never overwrite each other silently.

Every editable object of an account (profile, whitespace cell, plan, goal, …) inherits
``Versioned``. A form or API request sends the ``version`` it was based on; the service saves
through ``save_versioned``, which updates the row only if its version is still that one (one
``UPDATE … WHERE version = n``, so it is race-free without locks). Otherwise it raises
``EditConflict``: the HTML view shows the second person what was saved meanwhile next to their
own input and lets them save again on top of it (merge); the API answers 409 with the current
state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """Adds the ``version`` counter that ``save_versioned`` compares and increments."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class EditConflict(Exception):
    """Someone else saved ``current`` after the editor loaded ``expected_version``.

    ``theirs`` maps each field the caller wanted to change and that now differs from what was
    submitted to the value saved meanwhile; ``current`` is the object as stored now.
    """

    def __init__(self, current: models.Model, *, expected_version: int, theirs: Mapping[str, Any]):
        self.current = current
        self.expected_version = expected_version
        self.theirs = dict(theirs)
        super().__init__(
            f"{current._meta.label} {current.pk}: version {current.version} is stored, "
            f"the edit was based on version {expected_version}"
        )


def check_version(instance: Versioned, expected_version: int | None, values: Mapping[str, Any]) -> None:
    """Raise ``EditConflict`` if ``instance`` (freshly loaded) is no longer at ``expected_version``.

    ``None`` means the caller did not say which version it edited (e.g. an API client that does
    not send one): last writer wins, as it would without this module. Used by services that
    validate first and then call ``save_versioned``.
    """
    if expected_version is None or instance.version == expected_version:
        return
    theirs = {
        field: getattr(instance, field)
        for field, value in values.items()
        if getattr(instance, field) != value
    }
    raise EditConflict(instance, expected_version=expected_version, theirs=theirs)


def save_versioned(
    instance: Versioned, *, expected_version: int | None, update_fields: list[str] | tuple[str, ...]
) -> None:
    """Write ``update_fields`` of ``instance`` if the stored row is still at ``expected_version``.

    Increments the version on success (also on ``instance``). Raises ``EditConflict`` with the
    stored state if another save came first. Call inside the service's transaction, after
    ``full_clean``.
    """
    model = type(instance)
    values = {field: getattr(instance, field) for field in update_fields}
    if "updated_at" in {f.name for f in model._meta.concrete_fields} and "updated_at" not in values:
        from django.utils import timezone

        values["updated_at"] = timezone.now()
    rows = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(**values, version=F("version") + 1) == 0:
        current = model._default_manager.get(pk=instance.pk)
        check_version(current, expected_version, {f: getattr(instance, f) for f in update_fields})
        # The version matched on reading but not on writing: a save slipped in between.
        raise EditConflict(current, expected_version=expected_version or 0, theirs={})
    instance.version = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)
    for field, value in values.items():
        setattr(instance, field, value)

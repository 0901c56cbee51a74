"""The free-text columns that hang from a key account, found by looking at the models.

Erasure must reach every place a person's name was typed, including fields other apps add
later, so the columns are not listed by hand: every model of an OpenKAM app that leads to a key
account (a foreign key ``account``, or a foreign key to a model that has one) contributes its
text and JSON columns. Columns with choices hold codes, not text, and are skipped; so are the
identity columns of stakeholders (other people's names, addresses and numbers).

The apps in ``SCRUBBED_APPS`` belong to the buying center; erasure rewrites their texts. The
texts of all other apps (account plans, profile, competition, …) are only searched, and the
places are listed for the owner to edit (``openkam.privacy.erasure.mentions_elsewhere``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models

from openkam.accounts.models import KeyAccount

SCRUBBED_APPS = ("stakeholders", "personality", "relationships", "privacy")
# The stakeholder's own identity columns: never rewritten in other people's rows.
_IDENTITY = {("stakeholders", "stakeholder"): {"first_name", "last_name", "email", "phone"}}
_SKIPPED_APPS = {"core", "users", "sales", "imports", "demo"}


@dataclass(frozen=True)
class TextModel:
    model: type[models.Model]
    account_path: str
    fields: tuple[str, ...]
    versioned: bool


def _account_path(model: type[models.Model]) -> str | None:
    fks = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for field in fks:
        if field.related_model is KeyAccount:
            return field.name
    for field in fks:
        for inner in field.related_model._meta.concrete_fields:
            if isinstance(inner, models.ForeignKey) and inner.related_model is KeyAccount:
                return f"{field.name}__{inner.name}"
    return None


def _text_fields(model: type[models.Model]) -> tuple[str, ...]:
    skip = _IDENTITY.get((model._meta.app_label, model._meta.model_name), set())
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not isinstance(field, models.EmailField)
        and not field.choices
        and field.name not in skip
    )


@cache
def text_models() -> tuple[TextModel, ...]:
    """Every model with free text that belongs to a key account (computed once per process)."""
    found = []
    for model in apps.get_models():
        config = apps.get_app_config(model._meta.app_label)
        if not config.name.startswith("openkam.") or model._meta.app_label in _SKIPPED_APPS:
            continue
        path = _account_path(model)
        fields = _text_fields(model)
        if path and fields:
            versioned = any(f.name == "version" for f in model._meta.concrete_fields)
            found.append(TextModel(model, path, fields, versioned))
    return tuple(found)


def rows_of(text_model: TextModel, account: KeyAccount) -> list[tuple]:
    """``(pk, value, value, …)`` for every row of ``account``, in primary-key order.

    A list rather than an iterator: erasure updates rows of the same table while going through
    them, which SQLite does not allow on an open cursor.
    """
    return list(
        text_model.model._default_manager.filter(**{text_model.account_path: account})
        .order_by("pk")
        .values_list("pk", *text_model.fields)
    )

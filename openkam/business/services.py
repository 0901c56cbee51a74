"""Writes of the business app: the team's units and its marks in the whitespace matrix.

Every function checks the permission (the owner and the core team work on an account:
``can_work_on_account``; ``actor=None`` is the system, e.g. the demo), validates before saving,
runs in one transaction, saves through optimistic locking (``openkam.core.locking``) and leaves
an audit entry for the account timeline.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_work_on_account
from openkam.core.locking import EditConflict, check_version, save_versioned
from openkam.core.services import apply_changes, audit_record

from .choices import CellStatus, UnitKind
from .models import CustomerUnit, WhitespaceCell
from .selectors import _key, group_data, ledger_sites

UNIT_FIELDS = ("name", "kind", "country")
CELL_FIELDS = ("status", "competitor", "potential", "note")


def _check(actor, account: KeyAccount) -> None:
    if actor is not None and not can_work_on_account(actor, account):
        raise PermissionDenied


def _person(actor):
    return actor if getattr(actor, "pk", None) else None


def _clean_text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _changes(instance, values: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in values.items())


def _same_name(account: KeyAccount, name: str, *, exclude: int | None = None) -> CustomerUnit | None:
    # Compared in Python: casefold() knows umlauts, SQLite's LOWER() does not.
    for unit in CustomerUnit.objects.filter(account=account).exclude(pk=exclude):
        if _key(unit.name) == _key(name):
            return unit
    return None


def _refuse_duplicate(account: KeyAccount, name: str, *, exclude: int | None = None) -> None:
    if _same_name(account, name, exclude=exclude) is not None:
        raise ValidationError({"name": _("The matrix has a unit or site of this name already.")})


# Units ------------------------------------------------------------------------------------------


@transaction.atomic
def customer_unit_create(
    *, actor, account: KeyAccount, name: str, kind: str = UnitKind.UNIT, country: str = ""
) -> CustomerUnit:
    """Add a unit or site of the customer group as a row of the whitespace matrix.

    A name that matches a site of the ledger (regardless of case) describes that site. Raises
    ValidationError for an empty or duplicate name, an unknown kind or country.
    """
    _check(actor, account)
    unit = CustomerUnit(
        account=account, name=_clean_text(name), kind=kind, country=_clean_text(country).upper()
    )
    unit.full_clean(validate_constraints=False)
    _refuse_duplicate(account, unit.name)
    unit.save()
    audit_record(
        actor=actor,
        action="business.unit.create",
        target=unit,
        account_id=account.pk,
        changes={f: getattr(unit, f) for f in UNIT_FIELDS if getattr(unit, f)},
    )
    return unit


@transaction.atomic
def customer_unit_update(
    *, actor, unit: CustomerUnit, version: int | None = None, **values: Any
) -> CustomerUnit:
    """Change a unit's name, kind or country (only the fields given).

    ``version`` is the version the editor started from (``None``: last writer wins); a newer
    stored version raises EditConflict. A row that is a site of the ledger keeps its name: the
    ledger's lines are matched to it by that name. Raises ValidationError for invalid values.
    """
    account = unit.account
    _check(actor, account)
    unknown = set(values) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown unit fields: {sorted(unknown)}")
    cleaned = {k: _clean_text(v) for k, v in values.items()}
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
    current = CustomerUnit.objects.select_for_update().get(pk=unit.pk)
    if not _changes(current, cleaned):
        return current
    check_version(current, version, cleaned)
    diff = apply_changes(current, cleaned)
    if "name" in diff:
        old_name = diff["name"][0]
        if _key(old_name) != _key(current.name) and _key(old_name) in ledger_sites(group_data(account)):
            raise ValidationError(
                {"name": _("This row is a site from the ledger; it keeps the name the ledger gives it.")}
            )
        _refuse_duplicate(account, current.name, exclude=current.pk)
    current.full_clean(validate_constraints=False)
    save_versioned(current, expected_version=version, update_fields=list(diff))
    audit_record(
        actor=actor, action="business.unit.update", target=current, account_id=account.pk, changes=diff
    )
    return current


@transaction.atomic
def customer_unit_delete(*, actor, unit: CustomerUnit) -> None:
    """Remove a unit and the team's marks in its row.

    A site of the ledger stays in the matrix as a row (its revenue comes from the ledger); only
    what the team recorded about it goes.
    """
    _check(actor, unit.account)
    marks = unit.cells.count()
    audit_record(
        actor=actor,
        action="business.unit.delete",
        target=unit,
        account_id=unit.account_id,
        changes={"name": unit.name, "cells": marks} if marks else {"name": unit.name},
    )
    unit.delete()


# Cells ------------------------------------------------------------------------------------------


def _resolve(account: KeyAccount, unit_name: str, product_group: str) -> tuple[CustomerUnit, str]:
    """The unit record of a matrix row and the product group, both checked against the matrix.

    A ledger site nobody has described yet gets its record now (kind "site").
    """
    data = group_data(account)
    if not data.has_ledger:
        raise ValidationError(
            {"product_group": _("There is no ledger yet: the matrix has no product groups to mark.")}
        )
    if product_group not in data.catalogue.product_groups:
        raise ValidationError({"product_group": _("The ledger has no product group of this name.")})
    unit = _same_name(account, unit_name)
    if unit is not None:
        return unit, product_group
    site = ledger_sites(data).get(_key(unit_name))
    if site is None:
        raise ValidationError({"unit": _("The matrix has no unit or site of this name.")})
    try:
        with transaction.atomic():
            unit = CustomerUnit.objects.create(account=account, name=site, kind=UnitKind.SITE)
    except IntegrityError:
        # Someone else marked the first cell of this site at the same moment.
        unit = _same_name(account, site)
    return unit, product_group


def _normalise(values: dict[str, Any], status: str) -> dict[str, Any]:
    """Clean the submitted values; fields the new status does not use are cleared unless given."""
    cleaned = dict(values)
    for name in ("competitor", "note"):
        if name in cleaned:
            cleaned[name] = _clean_text(cleaned[name])
    if "potential" in cleaned and cleaned["potential"] not in (None, ""):
        try:
            cleaned["potential"] = Decimal(str(cleaned["potential"]))
        except ArithmeticError:
            raise ValidationError({"potential": _("Enter an amount.")}) from None
    elif "potential" in cleaned:
        cleaned["potential"] = None
    if status != CellStatus.COMPETITOR and "competitor" not in values:
        cleaned["competitor"] = ""
    if status != CellStatus.OPPORTUNITY and "potential" not in values:
        cleaned["potential"] = None
    return cleaned


def _write_cell(
    actor, account: KeyAccount, unit_name: str, product_group: str, version, values
) -> WhitespaceCell:
    _check(actor, account)
    unit, product_group = _resolve(account, _clean_text(unit_name), product_group)
    cell = WhitespaceCell.objects.select_for_update().filter(unit=unit, product_group=product_group).first()
    if cell is None:
        return _create_cell(actor, account, unit, product_group, version, values)
    values = _normalise(values, values.get("status", cell.status))
    if not _changes(cell, values):
        return cell
    check_version(cell, version, values)
    diff = apply_changes(cell, values)
    cell.updated_by = _person(actor)
    cell.full_clean(validate_constraints=False)
    save_versioned(cell, expected_version=version, update_fields=[*diff, "updated_by"])
    audit_record(actor=actor, action="business.cell.update", target=cell, account_id=account.pk, changes=diff)
    return cell


def _create_cell(actor, account, unit, product_group, version, values) -> WhitespaceCell:
    values = _normalise(values, values.get("status", CellStatus.UNKNOWN))
    cell = WhitespaceCell(account=account, unit=unit, product_group=product_group, updated_by=_person(actor))
    for name, value in values.items():
        setattr(cell, name, value)
    cell.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            cell.save()
    except IntegrityError:
        # Marked by someone else since the editor loaded the (then empty) cell.
        if version is None:
            return _write_cell(actor, account, unit.name, product_group, None, values)
        current = WhitespaceCell.objects.get(unit=unit, product_group=product_group)
        check_version(current, version, values)
        raise EditConflict(current, expected_version=version, theirs={}) from None
    audit_record(
        actor=actor,
        action="business.cell.update",
        target=cell,
        account_id=account.pk,
        changes={f: getattr(cell, f) for f in CELL_FIELDS if getattr(cell, f) not in ("", None)},
    )
    return cell


@transaction.atomic
def whitespace_cell_set(
    *,
    actor,
    account: KeyAccount,
    unit: str,
    product_group: str,
    status: str,
    competitor: str = "",
    potential: Decimal | None = None,
    note: str = "",
    version: int | None = None,
) -> WhitespaceCell:
    """Mark one cell of the whitespace matrix (all of its fields at once).

    ``unit`` names the row (a unit of the team or a site of the ledger, regardless of case),
    ``product_group`` one of the ledger's product groups. ``version`` is the version of the mark
    the editor saw, 0 for a cell that had none (``None``: last writer wins); if the mark has
    changed since, EditConflict is raised. The mark is stored also where we sell; the matrix
    then shows "we sell" (the ledger wins). Raises ValidationError for an unknown row or group,
    an opportunity without potential, a negative potential, a competitor named for another
    status, and PermissionDenied for anyone but the owner and the core team.
    """
    values = {"status": status, "competitor": competitor, "potential": potential, "note": note}
    return _write_cell(actor, account, unit, product_group, version, values)


@transaction.atomic
def whitespace_cell_update(
    *, actor, account: KeyAccount, unit: str, product_group: str, version: int | None = None, **values: Any
) -> WhitespaceCell:
    """Change some fields of one cell's mark (``status``, ``competitor``, ``potential``, ``note``).

    Fields the new status does not use are cleared unless given. Otherwise as
    ``whitespace_cell_set``.
    """
    unknown = set(values) - set(CELL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown cell fields: {sorted(unknown)}")
    return _write_cell(actor, account, unit, product_group, version, values)

"""The writes of the business app: permissions, validation, the audit trail and optimistic locking."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openkam.accounts.permissions import get_account_for_user
from openkam.business.choices import CellStatus, UnitKind
from openkam.business.models import CustomerUnit, WhitespaceCell
from openkam.business.selectors import whitespace_matrix
from openkam.business.services import (
    customer_unit_create,
    customer_unit_delete,
    customer_unit_update,
    whitespace_cell_set,
    whitespace_cell_update,
)
from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry

from .factories import CustomerUnitFactory

pytestmark = pytest.mark.django_db


def _set(actor, account, unit="Stuttgart", group="Servomotoren", **values):
    values.setdefault("status", CellStatus.OPPORTUNITY)
    if values["status"] == CellStatus.OPPORTUNITY:
        values.setdefault("potential", Decimal("25000"))
    return whitespace_cell_set(actor=actor, account=account, unit=unit, product_group=group, **values)


# Cells ------------------------------------------------------------------------------------------


def test_a_mark_is_saved_with_its_author_and_appears_on_the_account_timeline(alpha, world):
    cell = _set(world.teammate, alpha.account, note="Neue Verpackungslinie ab 2027")

    assert (cell.status, cell.potential, cell.version, cell.updated_by) == (
        CellStatus.OPPORTUNITY,
        Decimal("25000"),
        1,
        world.teammate,
    )
    entry = AuditEntry.objects.get(action="business.cell.update")
    assert entry.account_id == alpha.account.pk and entry.actor == world.teammate
    assert entry.target_repr == "Stuttgart × Servomotoren"
    assert entry.changes == {
        "status": "opportunity",
        "potential": "25000",
        "note": "Neue Verpackungslinie ab 2027",
    }

    whitespace_cell_set(
        actor=world.owner,
        account=alpha.account,
        unit="stuttgart",
        product_group="Servomotoren",
        status=CellStatus.COMPETITOR,
        competitor="  Kraemer   Antriebe ",
        version=1,
    )

    cell.refresh_from_db()
    assert (cell.status, cell.competitor, cell.potential, cell.note, cell.version) == (
        CellStatus.COMPETITOR,
        "Kraemer Antriebe",
        None,
        "",
        2,
    )
    change = AuditEntry.objects.filter(action="business.cell.update").latest("pk")
    assert change.changes["status"] == ["opportunity", "competitor"]
    assert change.changes["potential"] == ["25000.00", None]


@pytest.mark.parametrize("persona", ["extended", "manager"])
def test_readers_cannot_mark_cells(alpha, world, persona):
    with pytest.raises(PermissionDenied):
        _set(getattr(world, persona), alpha.account)

    assert not WhitespaceCell.objects.exists() and not CustomerUnit.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="business.").exists()


def test_the_first_mark_of_a_ledger_site_creates_its_row_record(alpha, world):
    _set(world.owner, alpha.account, unit="posen")

    unit = CustomerUnit.objects.get(account=alpha.account)
    assert (unit.name, unit.kind) == ("Posen", UnitKind.SITE)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"status": CellStatus.OPPORTUNITY, "potential": None}, "potential"),
        ({"status": CellStatus.OPPORTUNITY, "potential": Decimal("-1")}, "potential"),
        ({"status": CellStatus.OPPORTUNITY, "potential": Decimal("10.005")}, "potential"),
        ({"status": CellStatus.NO_NEED, "potential": Decimal("100")}, "potential"),
        ({"status": CellStatus.NO_NEED, "competitor": "Nordgetriebe"}, "competitor"),
        ({"status": "maybe"}, "status"),
        ({"status": CellStatus.NO_NEED, "unit": "Berlin"}, "unit"),
        ({"status": CellStatus.NO_NEED, "group": "Kaffeemaschinen"}, "product_group"),
    ],
)
def test_invalid_marks_are_refused_on_the_field(alpha, world, values, field):
    with pytest.raises(ValidationError) as refused:
        _set(world.owner, alpha.account, **values)

    assert field in refused.value.message_dict
    assert not WhitespaceCell.objects.exists()


def test_without_a_ledger_there_is_nothing_to_mark(world):
    CustomerUnitFactory(account=world.account, name="Werk Nord")

    with pytest.raises(ValidationError) as refused:
        _set(world.owner, world.account, unit="Werk Nord")

    assert "product_group" in refused.value.message_dict


def test_a_second_edit_from_the_same_version_is_told_and_can_save_on_top(alpha, world):
    # Both opened the empty cell (version 0); the teammate saves first.
    _set(world.teammate, alpha.account, version=0, potential=Decimal("30000"))

    with pytest.raises(EditConflict) as conflict:
        _set(world.owner, alpha.account, version=0, status=CellStatus.NO_NEED)

    assert conflict.value.current.version == 1
    assert conflict.value.theirs == {"status": CellStatus.OPPORTUNITY, "potential": Decimal("30000.00")}
    # The owner has seen the teammate's values and saves again on top of version 1.
    cell = _set(world.owner, alpha.account, version=1, potential=Decimal("45000"))
    assert (cell.version, cell.potential) == (2, Decimal("45000"))
    with pytest.raises(EditConflict):
        _set(world.teammate, alpha.account, version=1, potential=Decimal("50000"))
    assert WhitespaceCell.objects.get().potential == Decimal("45000.00")


def test_saving_what_is_stored_already_is_no_conflict_and_no_change(alpha, world):
    _set(world.owner, alpha.account)
    _set(world.teammate, alpha.account, version=0)  # the same values from an older page

    assert WhitespaceCell.objects.get().version == 1
    assert AuditEntry.objects.filter(action="business.cell.update").count() == 1


def test_a_partial_update_clears_what_the_new_status_does_not_use(alpha, world):
    _set(world.owner, alpha.account)

    cell = whitespace_cell_update(
        actor=world.owner,
        account=alpha.account,
        unit="Stuttgart",
        product_group="Servomotoren",
        status=CellStatus.NO_NEED,
        version=1,
    )

    assert (cell.status, cell.potential, cell.version) == (CellStatus.NO_NEED, None, 2)
    cell = whitespace_cell_update(
        actor=world.owner,
        account=alpha.account,
        unit="Stuttgart",
        product_group="Servomotoren",
        note="geprüft",
    )
    assert (cell.status, cell.note, cell.version) == (CellStatus.NO_NEED, "geprüft", 3)
    with pytest.raises(ValidationError):
        whitespace_cell_update(
            actor=world.owner,
            account=alpha.account,
            unit="Stuttgart",
            product_group="Servomotoren",
            status=CellStatus.OPPORTUNITY,
        )
    with pytest.raises(TypeError):
        whitespace_cell_update(
            actor=world.owner,
            account=alpha.account,
            unit="Stuttgart",
            product_group="Servomotoren",
            colour="red",
        )


# Units ------------------------------------------------------------------------------------------


def test_units_are_added_once_per_name_regardless_of_case(alpha, world):
    unit = customer_unit_create(
        actor=world.teammate,
        account=alpha.account,
        name=" Werk  Überlingen ",
        kind=UnitKind.UNIT,
        country="de",
    )

    assert (unit.name, unit.country, unit.version) == ("Werk Überlingen", "DE", 1)
    entry = AuditEntry.objects.get(action="business.unit.create")
    assert entry.account_id == alpha.account.pk and entry.changes["name"] == "Werk Überlingen"
    with pytest.raises(ValidationError) as refused:
        customer_unit_create(actor=world.owner, account=alpha.account, name="WERK ÜBERLINGEN")
    assert "name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        customer_unit_create(actor=world.owner, account=alpha.account, name="Werk Süd", country="XX")
    assert "country" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        customer_unit_create(actor=world.extended, account=alpha.account, name="Werk Süd")


def test_a_unit_is_changed_with_locking_and_a_ledger_site_keeps_its_name(alpha, world):
    unit = customer_unit_create(actor=world.owner, account=alpha.account, name="Werk Süd")
    customer_unit_update(actor=world.teammate, unit=unit, version=1, country="AT")

    with pytest.raises(EditConflict) as conflict:
        customer_unit_update(actor=world.owner, unit=unit, version=1, country="CH")
    assert conflict.value.theirs == {"country": "AT"}
    renamed = customer_unit_update(actor=world.owner, unit=unit, version=2, name="Werk Graz")
    assert (renamed.name, renamed.country, renamed.version) == ("Werk Graz", "AT", 3)
    assert AuditEntry.objects.filter(action="business.unit.update").count() == 2

    _set(world.owner, alpha.account, unit="Stuttgart")
    site = CustomerUnit.objects.get(name="Stuttgart")
    with pytest.raises(ValidationError) as refused:
        customer_unit_update(actor=world.owner, unit=site, name="Werk Stuttgart")
    assert "name" in refused.value.message_dict
    # Describing the site is fine, as is a change of the name's case.
    customer_unit_update(actor=world.owner, unit=site, country="DE", name="STUTTGART")
    assert whitespace_matrix(alpha.account).row("Stuttgart").unit.country == "DE"


def test_removing_a_unit_removes_its_marks_but_a_ledger_site_stays_a_row(alpha, world):
    _set(world.owner, alpha.account, unit="Stuttgart")
    site = CustomerUnit.objects.get(name="Stuttgart")

    with pytest.raises(PermissionDenied):
        customer_unit_delete(actor=world.manager, unit=site)
    customer_unit_delete(actor=world.teammate, unit=site)

    assert not WhitespaceCell.objects.exists()
    entry = AuditEntry.objects.get(action="business.unit.delete")
    assert entry.changes == {"name": "Stuttgart", "cells": 1}
    row = whitespace_matrix(alpha.account).row("Stuttgart")
    assert row.unit is None and row.in_ledger


def test_services_accept_the_account_as_the_access_helper_loads_it(alpha, world):
    # Views pass the account from get_account_for_user (with the viewer's team scope).
    account = get_account_for_user(world.teammate, alpha.account.pk)

    assert _set(world.teammate, account).pk
    with pytest.raises(PermissionDenied):
        _set(world.extended, get_account_for_user(world.extended, alpha.account.pk), group="Ersatzteile")

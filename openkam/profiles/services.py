"""Writes of the profiles app: the key account profile, its entries, the market and the SWOT.

Every function checks the edit right on the account (PermissionDenied → 403; ``actor=None`` is
the system, e.g. the demo generator), validates with ``full_clean`` (ValidationError → form
errors / 422), runs in one transaction and writes an audit entry on the account timeline in it.
Updates take the ``version`` the editor started from and raise ``EditConflict`` when someone
else saved in between (``openkam.core.locking``); ``None`` means last writer wins.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.core.editing import created_values, refuse_unknown, stripped
from openkam.core.locking import check_version, save_versioned
from openkam.core.services import apply_changes, audit_record

from .choices import FactKind, MoveDirection
from .models import AccountProfile, MarketEntry, ProfileFact, SwotItem
from .permissions import can_edit_profile

PROFILE_FIELDS = tuple(
    name for fields, source, as_of in AccountProfile.SECTIONS.values() for name in (*fields, source, as_of)
)
FACT_FIELDS = ("kind", "title", "details", "source", "as_of")
MARKET_FIELDS = ("kind", "title", "details", "source", "as_of", "initiative", "how_we_help")
SWOT_FIELDS = ("quadrant", "text", "position")


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need the right to work on the account.
    if actor is not None and not can_edit_profile(actor, account):
        raise PermissionDenied


# The profile --------------------------------------------------------------------------------------


@transaction.atomic
def profile_update(*, actor, account: KeyAccount, version: int | None, **values: Any) -> AccountProfile:
    """Change the profile's legal entity, industry, size and strategy, edited from ``version``.

    Creates the profile on its first save (it starts at version 1, the version the empty form
    carries). Only the fields in ``PROFILE_FIELDS`` are accepted. Raises ValidationError when a
    section with content has no source or a date lies in the future, EditConflict when someone
    saved the profile after ``version``.
    """
    _check(actor, account)
    refuse_unknown(values, PROFILE_FIELDS, "profile")
    values = stripped(values)
    profile, _created_now = AccountProfile.objects.select_for_update().get_or_create(account=account)
    profile.account = account
    check_version(profile, version, values)
    diff = apply_changes(profile, values)
    if not diff:
        return profile
    profile.full_clean()
    save_versioned(profile, expected_version=version, update_fields=list(diff))
    audit_record(
        actor=actor, action="profiles.profile.update", target=profile, account_id=account.pk, changes=diff
    )
    return profile


# Profile entries (sites, countries, business units, initiatives, key facts) ------------------------


@transaction.atomic
def fact_create(
    *,
    actor,
    account: KeyAccount,
    kind: str,
    title: str,
    source: str,
    details: str = "",
    as_of: date | None = None,
) -> ProfileFact:
    """Add an entry to the profile. Raises ValidationError for a missing title or source, an
    unknown kind or a future date."""
    _check(actor, account)
    fact = ProfileFact(
        account=account,
        kind=kind,
        title=title.strip(),
        details=details.strip(),
        source=source.strip(),
        as_of=as_of,
    )
    fact.full_clean()
    fact.save()
    audit_record(
        actor=actor,
        action="profiles.fact.create",
        target=fact,
        account_id=account.pk,
        changes=created_values(fact, FACT_FIELDS),
    )
    return fact


def _refuse_if_initiative_has_hurdles(fact: ProfileFact, field: str) -> None:
    if fact.kind == FactKind.STRATEGIC_INITIATIVE and fact.hurdles.exists():
        raise ValidationError(
            {
                field: _(
                    "Hurdles on the account's market belong to this strategic initiative. "
                    "Link them to another initiative or remove them first."
                )
            }
        )


@transaction.atomic
def fact_update(*, actor, fact: ProfileFact, version: int | None, **values: Any) -> ProfileFact:
    """Change a profile entry edited from ``version`` (fields of ``FACT_FIELDS``).

    An initiative that hurdles belong to keeps its kind (ValidationError on ``kind``).
    """
    account = fact.account
    _check(actor, account)
    refuse_unknown(values, FACT_FIELDS, "profile entry")
    values = stripped(values)
    fact = ProfileFact.objects.select_for_update().get(pk=fact.pk)
    fact.account = account
    check_version(fact, version, values)
    if values.get("kind", fact.kind) != fact.kind:
        _refuse_if_initiative_has_hurdles(fact, "kind")
    diff = apply_changes(fact, values)
    if not diff:
        return fact
    fact.full_clean()
    save_versioned(fact, expected_version=version, update_fields=list(diff))
    audit_record(actor=actor, action="profiles.fact.update", target=fact, account_id=account.pk, changes=diff)
    return fact


@transaction.atomic
def fact_delete(*, actor, fact: ProfileFact) -> None:
    """Remove a profile entry; a strategic initiative with hurdles is refused (ValidationError)."""
    _check(actor, fact.account)
    _refuse_if_initiative_has_hurdles(fact, "__all__")
    audit_record(
        actor=actor,
        action="profiles.fact.delete",
        target=fact,
        account_id=fact.account_id,
        changes={"kind": fact.kind},
    )
    fact.delete()


# The account's market ------------------------------------------------------------------------------


@transaction.atomic
def market_entry_create(
    *,
    actor,
    account: KeyAccount,
    kind: str,
    title: str,
    source: str,
    details: str = "",
    as_of: date | None = None,
    initiative: ProfileFact | None = None,
    how_we_help: str = "",
) -> MarketEntry:
    """Add an entry on the account's market. A hurdle needs a strategic initiative of the same
    account and may say how we help; other kinds have neither (ValidationError)."""
    _check(actor, account)
    entry = MarketEntry(
        account=account,
        kind=kind,
        title=title.strip(),
        details=details.strip(),
        source=source.strip(),
        as_of=as_of,
        initiative=initiative,
        how_we_help=how_we_help.strip(),
    )
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="profiles.market.create",
        target=entry,
        account_id=account.pk,
        changes=created_values(entry, MARKET_FIELDS),
    )
    return entry


@transaction.atomic
def market_entry_update(*, actor, entry: MarketEntry, version: int | None, **values: Any) -> MarketEntry:
    """Change a market entry edited from ``version`` (fields of ``MARKET_FIELDS``)."""
    account = entry.account
    _check(actor, account)
    refuse_unknown(values, MARKET_FIELDS, "market entry")
    values = stripped(values)
    entry = MarketEntry.objects.select_for_update().get(pk=entry.pk)
    entry.account = account
    check_version(entry, version, values)
    diff = apply_changes(entry, values)
    if not diff:
        return entry
    entry.full_clean()
    save_versioned(entry, expected_version=version, update_fields=list(diff))
    audit_record(
        actor=actor, action="profiles.market.update", target=entry, account_id=account.pk, changes=diff
    )
    return entry


@transaction.atomic
def market_entry_delete(*, actor, entry: MarketEntry) -> None:
    """Remove a market entry."""
    _check(actor, entry.account)
    audit_record(
        actor=actor,
        action="profiles.market.delete",
        target=entry,
        account_id=entry.account_id,
        changes={"kind": entry.kind},
    )
    entry.delete()


# SWOT ---------------------------------------------------------------------------------------------
# Positions run 1…n within each list. Reordering is not an edit of the item's content, so it does
# not count up the version: someone editing an item's text is not told of a conflict because a
# colleague moved it meanwhile.


def _order(account_id: int, quadrant: str, *, without: int | None = None) -> list[int]:
    """The ids of one list in their order, locked until the transaction ends."""
    items = SwotItem.objects.select_for_update().filter(account_id=account_id, quadrant=quadrant)
    if without is not None:
        items = items.exclude(pk=without)
    return list(items.order_by("position", "pk").values_list("pk", flat=True))


def _write_order(pks: list[int]) -> None:
    for position, pk in enumerate(pks, start=1):
        SwotItem.objects.filter(pk=pk).exclude(position=position).update(position=position)


def _check_position(position: int | None) -> None:
    if position is not None and position < 1:
        raise ValidationError({"position": _("Positions start at 1.")})


def _place(item: SwotItem, position: int | None) -> None:
    """Put ``item`` at ``position`` (1-based; None or beyond the end: last) of its list."""
    order = _order(item.account_id, item.quadrant, without=item.pk)
    index = len(order) if position is None else min(position - 1, len(order))
    order.insert(index, item.pk)
    _write_order(order)
    item.position = index + 1


@transaction.atomic
def swot_item_create(
    *, actor, account: KeyAccount, quadrant: str, text: str, position: int | None = None
) -> SwotItem:
    """Add an item to one SWOT list, at ``position`` (1-based) or at its end."""
    _check(actor, account)
    _check_position(position)
    item = SwotItem(account=account, quadrant=quadrant, text=text.strip(), position=1)
    item.full_clean()
    item.save()
    _place(item, position)
    audit_record(
        actor=actor,
        action="profiles.swot.create",
        target=item,
        account_id=account.pk,
        changes={"quadrant": item.quadrant, "text": item.text, "position": item.position},
    )
    return item


@transaction.atomic
def swot_item_update(*, actor, item: SwotItem, version: int | None, **values: Any) -> SwotItem:
    """Change an item's text or list, or move it to ``position``, edited from ``version``.

    An item moved to another list goes to its end unless a position is given.
    """
    account = item.account
    _check(actor, account)
    refuse_unknown(values, SWOT_FIELDS, "SWOT item")
    values = stripped(values)
    position = values.pop("position", None)
    _check_position(position)
    item = SwotItem.objects.select_for_update().get(pk=item.pk)
    item.account = account
    check_version(item, version, values)
    old_quadrant, old_position = item.quadrant, item.position
    diff: dict[str, Any] = apply_changes(item, values)
    if diff:
        item.full_clean()
        save_versioned(item, expected_version=version, update_fields=list(diff))
    if "quadrant" in diff or (position is not None and position != old_position):
        if "quadrant" in diff:
            _write_order(_order(account.pk, old_quadrant, without=item.pk))
        _place(item, position)
        if "quadrant" in diff or item.position != old_position:
            diff["position"] = (old_position, item.position)
    if diff:
        audit_record(
            actor=actor, action="profiles.swot.update", target=item, account_id=account.pk, changes=diff
        )
    return item


@transaction.atomic
def swot_item_move(*, actor, item: SwotItem, direction: str) -> SwotItem:
    """Move an item one place ``"up"`` or ``"down"`` in its list; at the edge nothing changes."""
    account = item.account
    _check(actor, account)
    if direction not in MoveDirection.values:
        raise ValidationError({"direction": _("Move an item up or down.")})
    order = _order(account.pk, item.quadrant)
    index = order.index(item.pk)
    target = index - 1 if direction == MoveDirection.UP else index + 1
    if not 0 <= target < len(order):
        return item
    order[index], order[target] = order[target], order[index]
    _write_order(order)
    old_position, item.position = index + 1, target + 1
    audit_record(
        actor=actor,
        action="profiles.swot.move",
        target=item,
        account_id=account.pk,
        changes={"position": (old_position, item.position)},
    )
    return item


@transaction.atomic
def swot_item_delete(*, actor, item: SwotItem) -> None:
    """Remove an item; the items after it move up."""
    account = item.account
    _check(actor, account)
    audit_record(
        actor=actor,
        action="profiles.swot.delete",
        target=item,
        account_id=account.pk,
        changes={"quadrant": item.quadrant},
    )
    item.delete()
    _write_order(_order(account.pk, item.quadrant))

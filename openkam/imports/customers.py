"""The customer master as imports see it: lookups for validation and the upsert of an import.

The upsert writes ``sales.Customer`` rows in bulk, because a customer master has tens of
thousands of rows, and records one audit entry per customer it creates or changes (on the key
account's timeline when the customer is one).
"""

# Every SQL text here is built from quote_ident/quote_literal or from our own constants; values
# read from files never become SQL text, they only flow through DuckDB's columns.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
from django.db import transaction

from openkam.accounts.models import KeyAccount
from openkam.core.services import audit_record
from openkam.sales.models import Customer

from .readers import quote_literal

BATCH = 1_000
MASTER_FIELDS = ("name", "legal_form", "industry", "country", "city")


def customer_ids(numbers: Iterable[str]) -> dict[str, int]:
    """``{number: primary key}`` of those of ``numbers`` that are in the customer master.

    A file usually names a good part of the master (a ledger: every active customer), and then
    one query over the whole master is far cheaper than one per batch of numbers; a few
    numbers are looked up in batches.
    """
    numbers = list(dict.fromkeys(numbers))
    if not numbers:
        return {}
    if len(numbers) >= BATCH and 4 * len(numbers) >= Customer.objects.count():
        wanted = set(numbers)
        return {n: pk for n, pk in Customer.objects.values_list("number", "pk").iterator() if n in wanted}
    found: dict[str, int] = {}
    for start in range(0, len(numbers), BATCH):
        batch = numbers[start : start + BATCH]
        found.update(Customer.objects.filter(number__in=batch).values_list("number", "pk"))
    return found


def missing_customers(numbers: Iterable[str]) -> set[str]:
    """Those of ``numbers`` that are not in the customer master."""
    numbers = set(numbers)
    return numbers - set(customer_ids(numbers))


def master_parents() -> dict[str, str | None]:
    """``{customer number: parent's number or None}`` of the whole customer master."""
    return dict(Customer.objects.values_list("number", "parent__number"))


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def customers_upsert(
    *, actor, con: duckdb.DuckDBPyConnection, path: Path, mapping: dict[str, str]
) -> tuple[int, int]:
    """Create or update the customers of a validated file by number; returns (created, changed).

    Only mapped fields are written; an empty optional cell clears the field. Parents are set
    after every customer of the file exists, so a subsidiary may come before its parent. The
    file has been validated (numbers unique, parents known, no cycles), so this does not
    check again. All or nothing: it runs in the caller's transaction.
    """
    fields = [f for f in MASTER_FIELDS if f in mapping]
    with_parent = "parent_number" in mapping
    rows = con.execute(
        f"SELECT number, {', '.join(fields) or 'NULL'}, parent_number FROM read_parquet({quote_literal(str(path))})"
    ).fetchall()
    wanted = {row[0]: dict(zip(fields, row[1 : 1 + len(fields)], strict=True)) for row in rows}
    parents = {row[0]: row[-1] for row in rows}

    existing: dict[str, Customer] = {}
    for batch in _chunks(list(wanted)):
        existing.update(
            {c.number: c for c in Customer.objects.filter(number__in=batch).select_related("parent")}
        )
    diffs: dict[str, dict] = {}
    to_update: list[Customer] = []
    new: list[Customer] = []
    for number, values in wanted.items():
        values = {k: (v or "") for k, v in values.items()}
        customer = existing.get(number)
        if customer is None:
            new.append(Customer(number=number, **values))
            diffs[number] = {"number": number, **{k: v for k, v in values.items() if v}}
            continue
        diff = {k: (getattr(customer, k), v) for k, v in values.items() if getattr(customer, k) != v}
        if diff:
            for k, (_old, v) in diff.items():
                setattr(customer, k, v)
            to_update.append(customer)
            diffs[number] = diff
    # SQLite (3.35+) and PostgreSQL return the new primary keys.
    Customer.objects.bulk_create(new, batch_size=BATCH)
    objects = existing | {c.number: c for c in new}

    if with_parent:
        referenced = sorted({p for p in parents.values() if p} - set(objects))
        ids = {number: c.pk for number, c in objects.items()}
        for batch in _chunks(referenced):
            ids.update(Customer.objects.filter(number__in=batch).values_list("number", "pk"))
        numbers_by_id = {pk: number for number, pk in ids.items()}
        updating = {c.number for c in to_update}
        for number, parent in parents.items():
            customer = objects[number]
            target = ids.get(parent) if parent else None
            if customer.parent_id == target:
                continue
            if number in existing:
                before = numbers_by_id.get(customer.parent_id) or (
                    customer.parent.number if customer.parent_id else None
                )
                diffs.setdefault(number, {})["parent"] = (before, parent)
            else:
                diffs[number]["parent"] = parent
            customer.parent_id = target
            if number not in updating:
                to_update.append(customer)
                updating.add(number)
    if to_update:
        update_fields = fields + (["parent"] if with_parent else [])
        Customer.objects.bulk_update(to_update, update_fields, batch_size=BATCH)

    changed = [n for n in diffs if n in existing]
    accounts = dict(
        KeyAccount.objects.filter(customer_id__in=[existing[n].pk for n in changed]).values_list(
            "customer_id", "pk"
        )
    )
    for number, diff in diffs.items():
        customer = objects[number]
        audit_record(
            actor=actor,
            action="customer.update" if number in existing else "customer.create",
            target=customer,
            account_id=accounts.get(customer.pk),
            changes=diff,
        )
    return len(new), len(changed)

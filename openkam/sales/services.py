"""Writes of the sales app: the customer master and yearly revenue totals."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from openkam.core.services import audit_record

from .models import Customer, CustomerRevenue


@transaction.atomic
def customer_create(
    *,
    actor,
    number: str,
    name: str,
    country: str,
    legal_form: str = "",
    industry: str = "",
    city: str = "",
    parent: Customer | None = None,
) -> Customer:
    """Create one customer; raises ValidationError for a duplicate number or invalid data."""
    if Customer.objects.filter(number=number).exists():
        raise ValidationError({"number": _("A customer with this number already exists.")})
    customer = Customer(
        number=number,
        name=name,
        country=country.upper(),
        legal_form=legal_form,
        industry=industry,
        city=city,
        parent=parent,
    )
    customer.full_clean()
    customer.save()
    audit_record(actor=actor, action="customer.create", target=customer, changes={"number": number})
    return customer


@transaction.atomic
def customers_load(*, actor, customers: Iterable[Customer], source: str) -> int:
    """Insert many validated customers in one transaction (demo company, later: imports).

    All-or-nothing: the first invalid row raises ValidationError naming the row, and nothing
    is saved. One audit entry records the load as a whole.
    """
    rows = list(customers)
    for index, customer in enumerate(rows, start=1):
        try:
            customer.full_clean(exclude=["parent"], validate_unique=False)
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(row)s (%(number)s): %(errors)s")
                % {"row": index, "number": customer.number, "errors": "; ".join(exc.messages)}
            ) from exc
    created = Customer.objects.bulk_create(rows, batch_size=1000)
    if created:
        audit_record(
            actor=actor,
            action="customer.load",
            target=created[0],
            changes={"source": source, "count": len(created)},
        )
    return len(created)


@transaction.atomic
def customer_revenues_replace(
    *, actor, rows: Iterable[tuple[int, int, Decimal, Decimal, int]], source: str
) -> int:
    """Replace the yearly totals of the customers in ``rows`` (customer_id, year, revenue, margin, lines)."""
    rows = list(rows)
    customer_ids = {row[0] for row in rows}
    CustomerRevenue.objects.filter(customer_id__in=customer_ids).delete()
    # An import writes the totals of every customer at once (150,000 rows for 50,000 customers):
    # one prepared INSERT run over all rows takes a tenth of what bulk_create needs to build and
    # render model instances. The values are checked: ids and years are integers, money Decimal.
    for c, y, r, m, n in rows:
        if not (isinstance(c, int) and isinstance(y, int) and isinstance(n, int)):
            raise TypeError(f"Revenue row with non-integer ids: {(c, y, n)!r}")
        if not (isinstance(r, Decimal) and isinstance(m, Decimal)):
            raise TypeError(f"Revenue row with non-Decimal money: {(r, m)!r}")
    quote = connection.ops.quote_name
    fields = [CustomerRevenue._meta.get_field(n) for n in ("customer", "fiscal_year", "revenue", "margin")]
    fields.append(CustomerRevenue._meta.get_field("invoice_lines"))
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Names come from the model, values are parameters.
    insert = f"INSERT INTO {quote(CustomerRevenue._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    revenue_field, margin_field = fields[2], fields[3]
    adapt = connection.ops.adapt_decimalfield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            insert,
            [
                (
                    c,
                    y,
                    adapt(r, revenue_field.max_digits, revenue_field.decimal_places),
                    adapt(m, margin_field.max_digits, margin_field.decimal_places),
                    n,
                )
                for c, y, r, m, n in rows
            ],
        )
    if rows:
        first = Customer.objects.get(pk=rows[0][0])
        audit_record(
            actor=actor,
            action="revenue.load",
            target=first,
            changes={"source": source, "rows": len(rows), "customers": len(customer_ids)},
        )
    return len(rows)

"""Reads of the sales app, named for the screens and endpoints that use them."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.aggregates import Max

from .models import Customer, CustomerRevenue
from .permissions import customers_visible_to


def latest_fiscal_year() -> int | None:
    """The newest fiscal year with revenue in the books."""
    return CustomerRevenue.objects.aggregate(year=Max("fiscal_year"))["year"]


def revenue_in_year(year: int | None, field: str = "revenue", ref: str = "pk") -> Subquery:
    """A subquery for one customer's revenue (or margin) in ``year``, to annotate querysets."""
    return Subquery(
        CustomerRevenue.objects.filter(customer_id=OuterRef(ref), fiscal_year=year)
        .order_by()
        .values(field)[:1]
    )


def customers_matching(user, query: str = "", *, year: int | None = None) -> QuerySet[Customer]:
    """Customers ``user`` may see whose name, number or city contains ``query``, with the revenue
    of ``year`` (default: the latest fiscal year in the books)."""
    qs = (
        customers_visible_to(user)
        .select_related("parent", "key_account")
        .annotate(last_revenue=revenue_in_year(year or latest_fiscal_year()))
    )
    query = query.strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(number__icontains=query) | Q(city__icontains=query))
    return qs.order_by("name", "number")


def customers_for_search(
    user, query: str = "", *, year: int | None = None, limit: int = 50
) -> QuerySet[Customer]:
    """The first ``limit`` matches for the search page."""
    return customers_matching(user, query, year=year)[:limit]


def customer_revenue_history(customer: Customer) -> list[CustomerRevenue]:
    return list(customer.revenues.order_by("fiscal_year"))

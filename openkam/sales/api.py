"""API operations on the customer master (read only; see openkam/api.py for auth and errors).

Customers are loaded only through ``customers_visible_to`` / ``get_customer_for_user``: KAMs and
team members see the customers behind their accounts, management and administrators all.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from openkam.core.api import InputSchema, money, refuse_unknown_query, with_errors

from .permissions import get_customer_for_user
from .selectors import customer_revenue_history, customers_matching

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    number: str
    name: str
    legal_form: str
    industry: str
    city: str
    country: str


class CustomerListItem(CustomerOut):
    last_revenue: Decimal | None

    @staticmethod
    def resolve_last_revenue(obj) -> Decimal | None:
        return money(obj.last_revenue)


class RevenueOut(Schema):
    fiscal_year: int
    revenue: Decimal
    margin: Decimal


class CustomerDetail(CustomerOut):
    revenues: list[RevenueOut]

    @staticmethod
    def resolve_revenues(obj) -> list:
        return customer_revenue_history(obj)


class CustomerListFilters(InputSchema):
    q: str = ""


@router.get(
    "",
    response=with_errors({200: list[CustomerListItem]}, 401, 422),
    operation_id="customers_list",
    summary=_("List customers"),
)
@paginate(LimitOffsetPagination)
def customers_list(request, filters: Query[CustomerListFilters]):
    """Customers you may see whose name, number or city contains ``q``, with the last year's revenue."""
    refuse_unknown_query(request, CustomerListFilters, LimitOffsetPagination.Input)
    return customers_matching(request.auth, filters.q)


@router.get(
    "/{customer_id}",
    response=with_errors({200: CustomerDetail}, 401, 404),
    operation_id="customer_get",
    summary=_("Show a customer with its revenue history"),
)
def customer_get(request, customer_id: int):
    """The customer with net revenue and contribution margin per fiscal year, oldest first."""
    return get_customer_for_user(request.auth, customer_id)

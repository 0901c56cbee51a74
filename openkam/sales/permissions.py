"""Access to customers: the one path every view, API operation and export uses."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from openkam.users.choices import Role

from .models import Customer


def customers_visible_to(user) -> QuerySet[Customer]:
    """Customers ``user`` may see.

    Management and administrators see the whole customer base; KAMs and team members only the
    customers behind the key accounts they own or work on.
    """
    if not user.is_authenticated or not user.is_active:
        return Customer.objects.none()
    if user.role in (Role.MANAGEMENT, Role.ADMIN):
        return Customer.objects.all()
    return Customer.objects.filter(
        Q(key_account__owner=user) | Q(key_account__team_memberships__user=user)
    ).distinct()


def get_customer_for_user(user, pk: int) -> Customer:
    """The customer, or Http404 if it does not exist or ``user`` may not see it."""
    return get_object_or_404(customers_visible_to(user), pk=pk)

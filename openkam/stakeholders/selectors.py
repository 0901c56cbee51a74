"""Reads of the stakeholders app."""

from django.db.models import QuerySet

from .models import Stakeholder


def stakeholders_for_account(account) -> QuerySet[Stakeholder]:
    """The stakeholders of an account the caller has already loaded through its access helper."""
    return Stakeholder.objects.filter(account=account).order_by("last_name", "first_name")

"""Factories of the business app (states for tests; behaviour goes through the services)."""

import factory
from factory.django import DjangoModelFactory

from openkam.business.choices import CellStatus, UnitKind
from openkam.business.models import CustomerUnit, WhitespaceCell
from openkam.testing.factories import KeyAccountFactory


class CustomerUnitFactory(DjangoModelFactory):
    class Meta:
        model = CustomerUnit

    account = factory.SubFactory(KeyAccountFactory)
    name = factory.Sequence(lambda n: f"Werk {n}")
    kind = UnitKind.UNIT
    country = "DE"


class WhitespaceCellFactory(DjangoModelFactory):
    class Meta:
        model = WhitespaceCell

    unit = factory.SubFactory(CustomerUnitFactory)
    account = factory.LazyAttribute(lambda cell: cell.unit.account)
    product_group = "Servomotoren"
    status = CellStatus.NO_NEED

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openkam.accounts.choices import AccountStatus, AccountType
from openkam.accounts.services import account_designate
from openkam.core.models import AuditEntry
from openkam.testing.factories import CustomerFactory, KeyAccountFactory, UserFactory
from openkam.users.choices import Role

pytestmark = pytest.mark.django_db


def test_designation_creates_the_account_and_records_it():
    head = UserFactory(role=Role.MANAGEMENT)
    kam = UserFactory(role=Role.KAM)
    customer = CustomerFactory()

    account = account_designate(
        actor=head,
        customer=customer,
        owner=kam,
        account_type=AccountType.EMERGING,
        reason=" Growth in automation ",
        designated_since=date(2026, 1, 1),
    )

    assert (account.owner, account.status, account.reason) == (
        kam,
        AccountStatus.ACTIVE,
        "Growth in automation",
    )
    assert AuditEntry.objects.filter(action="account.designate", account_id=account.pk).count() == 1


def test_a_current_key_account_cannot_be_designated_twice():
    account = KeyAccountFactory(status=AccountStatus.ON_HOLD)
    with pytest.raises(ValidationError) as error:
        account_designate(
            actor=None,
            customer=account.customer,
            owner=UserFactory(role=Role.KAM),
            account_type=AccountType.EXISTING,
            reason="again",
            designated_since=date(2026, 1, 1),
        )
    assert "customer" in error.value.message_dict


def test_an_ended_designation_is_reactivated_with_the_new_owner_and_reason():
    account = KeyAccountFactory(status=AccountStatus.ENDED, account_type=AccountType.EXISTING)
    new_owner = UserFactory(role=Role.KAM)

    again = account_designate(
        actor=UserFactory(role=Role.MANAGEMENT),
        customer=account.customer,
        owner=new_owner,
        account_type=AccountType.EMERGING,
        reason="New plant in Zwickau",
        designated_since=date(2026, 11, 1),
    )

    assert again.pk == account.pk
    again.refresh_from_db()
    assert (again.owner, again.status, again.account_type) == (new_owner, AccountStatus.ACTIVE, "emerging")
    assert (again.reason, again.designated_since) == ("New plant in Zwickau", date(2026, 11, 1))


def test_only_management_administrators_or_the_system_designate():
    with pytest.raises(PermissionDenied):
        account_designate(
            actor=UserFactory(role=Role.KAM),
            customer=CustomerFactory(),
            owner=UserFactory(role=Role.KAM),
            account_type=AccountType.EXISTING,
            reason="mine",
            designated_since=date(2026, 1, 1),
        )

"""The data-protection records of the demo company."""

import datetime

import pytest

from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.privacy.demo import seed_privacy
from openkam.privacy.models import InformationRecord, RetentionFlag
from openkam.privacy.selectors import privacy_status
from openkam.testing.factories import StakeholderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 4)


@pytest.fixture
def buying_centers(world):
    """Seven people on the world's account, six on the other one (the world brings one each)."""
    for _ in range(6):
        StakeholderFactory(account=world.account)
    for _ in range(5):
        StakeholderFactory(account=world.other_account)
    return world


def _records():
    return sorted(
        InformationRecord.objects.values_list(
            "stakeholder_id", "informed_on", "channel", "note", "recorded_by"
        )
    )


def test_most_people_are_informed_a_few_are_not_and_the_forgotten_ones_are_flagged(buying_centers):
    world = buying_centers
    accounts = list(KeyAccount.objects.order_by("pk"))

    result = seed_privacy(today=TODAY)

    assert (result.records, result.not_informed, result.forgotten, result.flagged) == (11, 2, 2, 2)
    first = privacy_status(accounts[0], today=TODAY)
    uninformed = [row for row in first if not row.informed_on]
    assert len(uninformed) == 1 and uninformed[0].information_overdue
    assert {r.recorded_by for r in InformationRecord.objects.filter(account=accounts[0])} == {world.owner}
    assert all(
        TODAY - datetime.timedelta(days=180) <= r.informed_on < TODAY for r in InformationRecord.objects.all()
    )
    flags = list(RetentionFlag.objects.order_by("account"))
    assert [flag.account_id for flag in flags] == [accounts[0].pk, accounts[1].pk]
    assert {(flag.flagged_at, flag.purge_after) for flag in flags} == {
        (TODAY, TODAY + datetime.timedelta(days=30))
    }
    assert [row.retention for row in first].count("flagged") == 1
    # Through the services: the account timelines show who recorded what.
    assert AuditEntry.objects.filter(action="privacy.informed.record", actor=world.owner).count() == 6


def test_the_demo_is_deterministic_and_a_second_call_changes_nothing(buying_centers):
    seed_privacy(today=TODAY)
    first = _records()

    assert seed_privacy(today=TODAY) == type(seed_privacy(today=TODAY))()
    assert _records() == first
    InformationRecord.objects.all().delete()
    RetentionFlag.objects.all().delete()
    seed_privacy(today=TODAY)
    assert _records() == first

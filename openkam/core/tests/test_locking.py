"""Optimistic locking (openkam.core.locking) on a real versioned model, the account plan."""

import os
import threading

import pytest
from django.db import connection, transaction

from openkam.core.locking import EditConflict, check_version, save_versioned
from openkam.plans.choices import PlanType
from openkam.plans.models import Plan
from openkam.testing.factories import KeyAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return Plan.objects.create(account=KeyAccountFactory(), fiscal_year=2026, plan_type=PlanType.EXISTING)


def test_a_save_from_the_current_version_writes_and_counts_up(plan):
    plan.vision = "Bevorzugter Partner für Antriebstechnik"
    save_versioned(plan, expected_version=1, update_fields=["vision"])

    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.vision, stored.version, plan.version) == ("Bevorzugter Partner für Antriebstechnik", 2, 2)


def test_the_second_save_from_the_same_version_is_told_what_the_first_one_wrote(plan):
    first, second = Plan.objects.get(pk=plan.pk), Plan.objects.get(pk=plan.pk)
    first.vision, first.strategy = "Vision A", "Strategie A"
    save_versioned(first, expected_version=1, update_fields=["vision", "strategy"])

    second.vision, second.strategy = "Vision B", "Strategie A"
    with pytest.raises(EditConflict) as caught:
        save_versioned(second, expected_version=1, update_fields=["vision", "strategy"])

    # Only the field where the stored value differs from the second editor's input is reported.
    assert caught.value.theirs == {"vision": "Vision A"}
    assert caught.value.current.version == 2
    assert Plan.objects.get(pk=plan.pk).vision == "Vision A"  # nothing overwritten

    # Merging: the second editor saves again on top of version 2.
    save_versioned(second, expected_version=2, update_fields=["vision"])
    assert Plan.objects.values_list("vision", "version").get(pk=plan.pk) == ("Vision B", 3)


def test_without_a_version_the_last_writer_wins(plan):
    plan.vision = "Ohne Version"
    save_versioned(plan, expected_version=None, update_fields=["vision"])
    assert Plan.objects.values_list("vision", "version").get(pk=plan.pk) == ("Ohne Version", 2)


def test_check_version_passes_the_current_version_and_refuses_an_old_one(plan):
    check_version(plan, 1, {"vision": "x"})
    check_version(plan, None, {"vision": "x"})
    with pytest.raises(EditConflict):
        check_version(plan, 0, {"vision": "x"})


# Real concurrent transactions need PostgreSQL: the in-memory SQLite test database locks whole
# tables between threads. The suite runs on both, so this is collected in the PostgreSQL run.
if os.environ.get("OPENKAM_TEST_DB") == "postgres":

    @pytest.mark.django_db(transaction=True)
    def test_two_concurrent_saves_from_one_version_never_both_succeed():
        _race()


def _race():
    plan = Plan.objects.create(account=KeyAccountFactory(), fiscal_year=2026, plan_type=PlanType.EXISTING)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def edit(text: str) -> None:
        try:
            mine = Plan.objects.get(pk=plan.pk)
            mine.vision = text
            barrier.wait()
            with transaction.atomic():
                save_versioned(mine, expected_version=1, update_fields=["vision"])
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Plan.objects.get(pk=plan.pk).version == 2

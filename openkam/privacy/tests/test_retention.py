"""The retention job: flagging at the boundary, lifting flags, keeping, purging after the grace period."""

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.privacy.models import RetentionFlag
from openkam.privacy.retention import add_months, retention_refresh, retention_run
from openkam.privacy.services import retention_keep
from openkam.privacy.tasks import stakeholder_retention
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder
from openkam.testing.factories import StakeholderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 15)
CUTOFF = datetime.date(2024, 3, 15)  # 24 months back: the default retention period
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _recorded_on(stakeholder: Stakeholder, day: datetime.date) -> Stakeholder:
    """Backdate when the person was recorded (``created_at`` is set by the database)."""
    moment = datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=BERLIN)
    Stakeholder.objects.filter(pk=stakeholder.pk).update(created_at=moment)
    stakeholder.refresh_from_db()
    return stakeholder


@pytest.fixture
def people(world):
    """Everyone relative to the cut-off: on it, one day before it, never met and new."""
    account = world.account
    world.stakeholder.delete()  # the world's stakeholder was recorded today; keep the counts plain
    return {
        "on_cutoff": StakeholderFactory(account=account, last_contact_on=CUTOFF),
        "day_before": StakeholderFactory(
            account=account, last_contact_on=CUTOFF - datetime.timedelta(days=1)
        ),
        "never_met_old": _recorded_on(
            StakeholderFactory(account=account), CUTOFF - datetime.timedelta(days=1)
        ),
        "never_met_on_cutoff": _recorded_on(StakeholderFactory(account=account), CUTOFF),
        "recent": StakeholderFactory(account=account, last_contact_on=TODAY - datetime.timedelta(days=3)),
    }


def test_months_are_added_and_clamped_to_the_end_of_the_month():
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 1, 15), -24) == datetime.date(2024, 1, 15)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


def test_people_older_than_the_retention_period_are_flagged_and_those_on_the_day_are_not(world, people):
    summary = retention_run(TODAY)

    flagged = {flag.stakeholder_id: flag for flag in RetentionFlag.objects.all()}
    assert set(flagged) == {people["day_before"].pk, people["never_met_old"].pk}
    flag = flagged[people["day_before"].pk]
    assert (flag.basis_on, flag.flagged_at, flag.purge_after) == (
        CUTOFF - datetime.timedelta(days=1),
        TODAY,
        TODAY + datetime.timedelta(days=30),
    )
    # Recorded late in the evening in Berlin: the local date counts, not UTC's.
    assert flagged[people["never_met_old"].pk].basis_on == CUTOFF - datetime.timedelta(days=1)
    # Five people here and the other account's stakeholder, recorded today.
    assert (summary.checked, summary.flagged, summary.unflagged, summary.purged) == (6, 2, 0, 0)
    entry = AuditEntry.objects.get(action="privacy.retention.flag", target_id=str(flag.pk))
    assert entry.actor is None and entry.account_id == world.account.pk
    assert entry.changes["purge_after"] == "2026-04-14"


def test_the_settings_decide_the_period_and_the_grace(world, people):
    settings = BuyingCenterSettings.current()
    settings.retention_months, settings.purge_grace_days = 12, 7
    settings.save()

    retention_run(TODAY)

    assert RetentionFlag.objects.count() == 5 - 1  # everyone but the recent contact
    assert {f.purge_after for f in RetentionFlag.objects.all()} == {TODAY + datetime.timedelta(days=7)}


def test_a_second_run_on_the_same_day_changes_nothing(people):
    retention_run(TODAY)
    entries = AuditEntry.objects.count()

    summary = retention_run(TODAY)

    assert (summary.flagged, summary.unflagged, summary.purged) == (0, 0, 0)
    assert AuditEntry.objects.count() == entries
    assert RetentionFlag.objects.count() == 2


def test_a_contact_after_the_flag_lifts_it(world, people):
    retention_run(TODAY)
    person = people["day_before"]
    flag = RetentionFlag.objects.get(stakeholder=person)
    # What the contact log does when a contact is held.
    Stakeholder.objects.filter(pk=person.pk).update(last_contact_on=TODAY + datetime.timedelta(days=2))

    summary = retention_run(TODAY + datetime.timedelta(days=3))

    assert summary.unflagged == 1
    assert not RetentionFlag.objects.filter(stakeholder=person).exists()
    assert RetentionFlag.objects.filter(stakeholder=people["never_met_old"]).exists()
    entry = AuditEntry.objects.get(action="privacy.retention.unflag")
    assert entry.target_id == str(flag.pk) and entry.changes["basis_on"] == ["2024-03-14", "2026-03-17"]


def test_refreshing_one_person_lifts_the_flag_at_once_but_never_purges(people):
    retention_run(TODAY)
    met_again, forgotten = people["day_before"], people["never_met_old"]
    Stakeholder.objects.filter(pk=met_again.pk).update(last_contact_on=TODAY)

    summary = retention_refresh(
        stakeholders=[met_again, forgotten], today=TODAY + datetime.timedelta(days=60)
    )

    assert (summary.checked, summary.unflagged, summary.purged) == (2, 1, 0)
    assert list(RetentionFlag.objects.values_list("stakeholder", flat=True)) == [forgotten.pk]
    assert Stakeholder.objects.get(pk=forgotten.pk).anonymised_at is None


def test_a_flagged_person_is_anonymised_on_the_first_run_after_the_grace_period(world, people):
    retention_run(TODAY)
    person = people["day_before"]
    purge_after = TODAY + datetime.timedelta(days=30)

    on_the_day = retention_run(purge_after)
    person.refresh_from_db()
    assert on_the_day.purged == 0 and person.anonymised_at is None

    after = retention_run(purge_after + datetime.timedelta(days=1))

    person.refresh_from_db()
    assert after.purged == 2  # both flagged people
    assert person.anonymised_at is not None and person.email == ""
    assert not RetentionFlag.objects.filter(stakeholder=person).exists()
    entry = AuditEntry.objects.get(action="privacy.anonymise", target_id=str(person.pk))
    assert entry.actor is None and entry.actor_name == ""
    # Anonymised people are left alone from now on.
    assert retention_run(purge_after + datetime.timedelta(days=400)).checked == 6 - 2


def test_the_owner_keeps_a_person_for_another_period_and_the_job_respects_it(world, people):
    retention_run(TODAY)
    person = people["day_before"]
    flag = RetentionFlag.objects.get(stakeholder=person)
    flag.account = world.account

    retention_keep(
        actor=world.owner,
        flag=flag,
        keep_reason="Laufende Ausschreibung der Motorenplattform",
        version=flag.version,
        today=TODAY + datetime.timedelta(days=5),
    )

    flag.refresh_from_db()
    kept_until = datetime.date(2028, 3, 20)
    assert (flag.kept_until, flag.kept_by, flag.version) == (kept_until, world.owner, 2)
    entry = AuditEntry.objects.get(action="privacy.retention.keep")
    assert entry.changes["keep_reason"] == ["•••", "•••"] and entry.changes["kept_until"] == [
        None,
        "2028-03-20",
    ]
    # Long after the grace period the kept person stays; the other one is purged.
    summary = retention_run(TODAY + datetime.timedelta(days=100))
    assert summary.purged == 1
    assert Stakeholder.objects.get(pk=person.pk).anonymised_at is None
    # When the keep period is over and nobody met the person, they are flagged again.
    retention_run(kept_until)
    flag.refresh_from_db()
    assert (flag.flagged_at, flag.purge_after, flag.kept_until, flag.keep_reason) == (
        kept_until,
        kept_until + datetime.timedelta(days=30),
        None,
        "",
    )


def test_keeping_needs_the_owner_a_reason_and_the_current_version(world, people):
    retention_run(TODAY)
    flag = RetentionFlag.objects.get(stakeholder=people["day_before"])
    flag.account = world.account

    with pytest.raises(PermissionDenied):
        retention_keep(actor=world.teammate, flag=flag, keep_reason="Brauchen wir noch")
    with pytest.raises(ValidationError) as error:
        retention_keep(actor=world.owner, flag=flag, keep_reason="  ")
    assert "keep_reason" in error.value.message_dict

    retention_keep(actor=world.owner, flag=flag, keep_reason="Ausschreibung", version=1)
    stale = RetentionFlag.objects.get(pk=flag.pk)
    stale.account, stale.version = world.account, 1
    with pytest.raises(EditConflict):
        retention_keep(actor=world.owner, flag=stale, keep_reason="Anderer Grund", version=1)


def test_the_management_command_runs_the_job_for_a_given_day(people):
    out = io.StringIO()

    call_command("stakeholder_retention", "--date", TODAY.isoformat(), stdout=out)

    assert out.getvalue().strip() == "checked=6 flagged=2 unflagged=0 purged=0 failed=0"
    with pytest.raises(CommandError):
        call_command("stakeholder_retention", "--date", "15.03.2026")


def test_the_task_runs_the_job_for_today(people):
    result = stakeholder_retention.call()

    # The fixed dates lie years back today: at least the two people due on TODAY are flagged.
    assert result["checked"] == 6 and result["flagged"] >= 2

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from openkam.accounts.services import account_update
from openkam.core.choices import JobStatus
from openkam.core.exporters import safe_cell
from openkam.core.jobs import register
from openkam.core.models import AuditEntry, Job
from openkam.core.services import job_create
from openkam.core.tasks import run_job
from openkam.core.templatetags.openkam import money


@pytest.mark.parametrize("text", ["=1+1", "+49 711", "-5", "@SUM(A1)", "\tx"])
def test_exported_text_that_a_spreadsheet_would_run_is_defused(text):
    assert safe_cell(text).startswith("'")


def test_money_follows_the_active_language():
    with translation.override("de"):
        assert money(1234567) == "1.234.567\xa0€"
        assert money("12.5", 2) == "12,50\xa0€"
    with translation.override("en"):
        assert money(1234567) == "€1,234,567"
    assert money(None) == "–" and money("x") == "–"


@pytest.mark.django_db
def test_a_refused_change_leaves_no_audit_entry(world):
    with pytest.raises(PermissionDenied):
        account_update(
            actor=world.manager, account=world.account, account_type="existing", status="ended", reason="x"
        )
    assert not AuditEntry.objects.filter(action="account.update").exists()


@pytest.mark.django_db
def test_an_unchanged_save_writes_no_audit_entry(world):
    account_update(
        actor=world.owner,
        account=world.account,
        account_type=world.account.account_type,
        status=world.account.status,
        reason=world.account.reason,
    )
    assert not AuditEntry.objects.filter(action="account.update").exists()


@pytest.mark.django_db
def test_the_export_job_reports_progress_and_writes_only_visible_accounts(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(actor=world.teammate, kind="accounts.export_csv", params={"language": "de"})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    content = Path(job.result_file).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("Kundennummer;") or ";" in content.splitlines()[0]
    assert "Alpha Maschinenbau" in content and "Beta Antriebe" not in content


@register("tests.failing", "failing job")
def _failing(job, progress):
    progress(10, "starting")
    raise RuntimeError("disk full")


@pytest.mark.django_db
def test_a_failing_job_is_marked_failed_with_its_reason(world):
    job = Job.objects.create(kind="tests.failing", created_by=world.owner)
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "disk full" in job.error
    assert job.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_job(world, settings):
    """The real backend: the job is stored as a task row and executed by ``db_worker``."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    job = job_create(actor=world.owner, kind="accounts.export_csv", params={"language": "en"})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert "Alpha Maschinenbau" in Path(job.result_file).read_text(encoding="utf-8-sig")


def test_filter_controls_render_selected_values_and_escape_text():
    from django import forms

    from openkam.core.templatetags.openkam import control

    class Filters(forms.Form):
        status = forms.ChoiceField(choices=[("", "All"), ("a", "<A>"), ("b", "B")], required=False)
        mine = forms.BooleanField(required=False)
        q = forms.CharField(required=False, max_length=5)

    form = Filters({"status": "a", "mine": "on", "q": '"><script>'})
    html = control(form["status"]) + control(form["mine"]) + control(form["q"])
    assert '<option value="a" selected>&lt;A&gt;</option>' in html
    assert '<option value="b">B</option>' in html
    assert 'type="checkbox" id="id_mine" name="mine" checked' in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html and 'maxlength="5"' in html


def test_the_timeline_labels_stored_codes_in_the_readers_language():
    from openkam.core.templatetags.openkam import audit_changes

    roles = AuditEntry(
        target_type="opportunities.decisionparticipant",
        changes={"roles": ["decision_maker, influencer", "user, Entscheider"]},
    )
    letters = AuditEntry(
        target_type="raci.racitask", changes={"Eva Ebert": ["I", "R"], "title": "I", "position": [1, 2]}
    )
    stakeholder = AuditEntry(target_type="stakeholders.stakeholder", changes={"buying_roles": ""})

    with translation.override("de"):
        assert audit_changes(roles) == [
            ("Rollen in dieser Entscheidung", "Entscheider, Beeinflusser", "Anwender, Entscheider")
        ]
        # Letters are labelled for the people (keys that are no field), a title stays as written.
        assert audit_changes(letters)[0] == ("Eva Ebert", "Informiert", "Durchführungsverantwortlich")
        assert audit_changes(letters)[1][2] == "I"
        assert audit_changes(stakeholder)[0][2] == ""
    with translation.override("en"):
        assert audit_changes(roles)[0][1:] == ("Decision maker, Influencer", "User, Entscheider")


def test_audited_keys_that_are_no_field_are_named_in_the_readers_language():
    from openkam.core.templatetags.openkam import audit_changes

    entry = AuditEntry(target_type="plans.plan", changes={"answers": 5, "unregistered": 1})
    with translation.override("de"):
        assert audit_changes(entry) == [
            ("übernommene Antworten zum Wachstumsplan", None, 5),
            ("unregistered", None, 1),
        ]

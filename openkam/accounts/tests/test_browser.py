"""The pages people use, in a real Chromium."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from openkam.core.models import AuditEntry
from openkam.stakeholders.models import Stakeholder
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_finds_an_account_and_adds_a_stakeholder(page, world):
    login(page, "kam", PASSWORD)
    expect(page.locator("h1")).to_have_text("My accounts")
    assert_accessible(page)
    # Typing in the search box filters the table without a page load (htmx).
    page.fill("#id_q", "Alpha")
    expect(page.locator("#account-table tbody tr")).to_have_count(1)
    page.click("text=Alpha Maschinenbau")
    expect(page.locator("h1")).to_contain_text("Alpha Maschinenbau")
    assert_accessible(page)

    page.click("text=Add stakeholder")
    page.fill("#id_first_name", "Jana")
    page.fill("#id_last_name", "Jung")
    page.fill("#id_function", "Leiterin Einkauf")
    page.fill("#id_email", "not-an-email")
    page.click("button:has-text('Save')")
    expect(page.locator(".errorlist")).to_contain_text("valid email")
    assert not Stakeholder.objects.filter(last_name="Jung").exists()

    page.fill("#id_email", "jana.jung@alpha.example")
    page.click("button:has-text('Save')")
    # Saving leads to the buying center; the account page shows the change on its timeline.
    expect(page.locator("#stakeholder-table")).to_contain_text("Jana Jung")
    page.goto(f"/accounts/{world.account.pk}/")
    expect(page.locator("#account-timeline")).to_contain_text("added a stakeholder")
    entry = AuditEntry.objects.get(action="stakeholder.create", target_repr="Jana Jung")
    assert entry.changes["email"] == "•••"


def test_the_language_switch_changes_the_interface_and_number_format(page, world):
    login(page, "kam", PASSWORD)
    expect(page.locator("h1")).to_have_text("My accounts")
    page.select_option("#lang-select", "de")
    expect(page.locator("h1")).to_have_text("Meine Accounts")
    expect(page.locator("#account-table")).to_contain_text(re.compile(r"1\.250\.000\s€"))
    world.owner.refresh_from_db()
    assert world.owner.language == "de"
    page.select_option("#lang-select", "en")
    expect(page.locator("#account-table")).to_contain_text(re.compile(r"€1,250,000"))


def test_management_reads_every_account_but_cannot_edit(page, world):
    login(page, "head", PASSWORD)
    expect(page.locator("#account-table tbody tr")).to_have_count(2)
    page.click("text=Beta Antriebe")
    expect(page.locator("h1")).to_contain_text("Beta Antriebe")
    expect(page.locator("text=Edit account")).to_have_count(0)
    expect(page.locator("text=Add stakeholder")).to_have_count(0)


def test_an_export_runs_as_a_job_with_progress_and_a_download(page, world):
    login(page, "kam", PASSWORD)
    page.click("text=Export (CSV)")
    expect(page.locator("#job-status")).to_have_attribute("data-status", "succeeded", timeout=15_000)
    with page.expect_download() as info:
        page.click("text=Download")
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "Alpha Maschinenbau" in content
    assert "Beta Antriebe" not in content


def test_other_pages_are_accessible(page, world):
    page.goto("/login/")
    assert_accessible(page)
    login(page, "kam", PASSWORD)
    for url in ("/customers/?q=Alpha", "/me/", f"/accounts/{world.account.pk}/edit/"):
        page.goto(url)
        assert_accessible(page)


def test_a_foreign_account_is_not_found(page, world):
    login(page, "kam", PASSWORD)
    response = page.goto(f"/accounts/{world.other_account.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    page.openkam_errors.clear()  # the browser logs the 404 itself as a console error

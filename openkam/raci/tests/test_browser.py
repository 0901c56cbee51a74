"""A KAM edits the RACI matrix in place in a real Chromium."""

import pytest
from playwright.sync_api import expect

from openkam.raci.models import RaciAssignment
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

from .factories import annual_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _letters(task) -> dict[str, str]:
    return {
        a.user.last_name: a.letter for a in RaciAssignment.objects.filter(task=task).select_related("user")
    }


def test_a_cell_edit_that_breaks_a_rule_is_refused_in_place_and_a_valid_one_sticks(page, world):
    task = annual_review(world)
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/raci/")
    expect(page.locator("h1")).to_have_text("RACI matrix")
    row = page.locator(f"#task-{task.pk}")
    teammate = row.locator(f"td[data-user='{world.teammate.pk}']")
    extended = row.locator(f"td[data-user='{world.extended.pk}']")
    expect(teammate.locator(".raci-letter")).to_have_text("R")
    assert_accessible(page)

    # Tom is the only Responsible: making him Consulted would leave the task without one.
    teammate.locator("a").click()
    select = page.locator(f"#raci-letter-{task.pk}-{world.teammate.pk}")
    expect(select).to_be_visible()
    select.select_option("C")
    teammate.get_by_role("button", name="Save").click()
    alert = teammate.get_by_role("alert")
    expect(alert).to_contain_text("Tom Teich is the only Responsible for “Annual review”")
    expect(teammate.locator(".raci-current")).to_have_text("Stored: R")
    assert_accessible(page)
    teammate.get_by_role("link", name="Cancel").click()
    expect(teammate.locator(".raci-letter")).to_have_text("R")
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "I"}

    # A valid edit: Eva becomes Responsible too; the row re-renders and the letter stays after reload.
    extended.locator("a").click()
    page.locator(f"#raci-letter-{task.pk}-{world.extended.pk}").select_option("R")
    extended.get_by_role("button", name="Save").click()
    expect(extended.locator(".raci-letter")).to_have_text("R")
    expect(row).to_have_attribute("data-version", "2")
    page.reload()
    expect(page.locator(f"#task-{task.pk} td[data-user='{world.extended.pk}'] .raci-letter")).to_have_text(
        "R"
    )
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "R"}

    # Now Tom is free to change, in the same way.
    page.locator(f"#task-{task.pk} td[data-user='{world.teammate.pk}'] a").click()
    page.locator(f"#raci-letter-{task.pk}-{world.teammate.pk}").select_option("C")
    page.locator(f"#task-{task.pk} td[data-user='{world.teammate.pk}']").get_by_role(
        "button", name="Save"
    ).click()
    expect(page.locator(f"#task-{task.pk} td[data-user='{world.teammate.pk}'] .raci-letter")).to_have_text(
        "C"
    )
    assert _letters(task) == {"Amann": "A", "Teich": "C", "Ebert": "R"}

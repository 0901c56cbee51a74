"""A KAM works through the strategy step of an account plan in a real Chromium, and finds an
overdue action on the personal task list."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from openkam.plans.choices import StepState
from openkam.plans.models import Action, Plan
from openkam.testing.browser import assert_accessible, login
from openkam.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_fills_the_strategy_step_and_marks_it_done(page, world):
    login(page, "kam", PASSWORD)
    page.goto(f"/accounts/{world.account.pk}/plans/")
    expect(page.locator("h1")).to_have_text("Account plans")
    assert_accessible(page)

    page.click("text=New account plan")
    page.fill("#id_fiscal_year", "2026")
    page.select_option("#id_plan_type", "existing")
    page.click("button:has-text('Create the plan')")
    expect(page.locator("h1")).to_have_text("Account plan 2026")
    plan = Plan.objects.get()
    page.reload()  # without the one-time message (base.html's role="status" list, see designations)
    assert_accessible(page)

    # Marking the step done too early names what is missing.
    page.click("#step-strategy >> text=Update the step")
    expect(page.locator("#requirements")).to_contain_text("Vision for the account written")
    page.select_option("#id_state", "done")
    page.click("button:has-text('Save')")
    expect(page.locator("#id_state ~ [role=alert] .errorlist")).to_contain_text("cannot be marked done yet")
    # Not checked with axe here: core/_form_fields.html puts role="alert" on the <ul> of field
    # errors, which axe reports (listitem), as it does for base.html's messages.
    page.click("text=Cancel")

    page.click("text=Edit vision and strategy")
    expect(page.locator("#id_strategy_helptext")).to_contain_text("cooperation with other problem solvers")
    page.fill("#id_vision", "Bevorzugter Partner für Antriebstechnik in allen Werken")
    page.fill(
        "#id_strategy",
        "Vom Teilelieferanten zum Systempartner: Energieeffizienz-Projekte gemeinsam umsetzen.",
    )
    assert_accessible(page)
    page.click("button:has-text('Save')")
    expect(page.locator("#plan-vision")).to_have_text(
        "Bevorzugter Partner für Antriebstechnik in allen Werken"
    )

    page.click("#element-positioning >> text=Edit")
    page.fill("#id_text", "Heute Teilelieferant, morgen Entwicklungspartner der Konstruktion.")
    page.click("button:has-text('Save')")
    expect(page.locator("#element-positioning")).to_contain_text("Entwicklungspartner der Konstruktion")

    page.click("text=Add a goal")
    page.fill("#id_title", "Umsatz mit Servoantrieben steigern")
    page.fill("#id_kpi", "Umsatz")
    page.fill("#id_unit", "€")
    page.fill("#id_baseline", "800000")
    page.fill("#id_target_value", "1000000")
    page.fill("#id_target_date", "2026-12-31")
    page.click("button:has-text('Save')")
    expect(page.locator("#goal-table")).to_contain_text("Umsatz mit Servoantrieben steigern")

    overdue = (date.today() - timedelta(days=3)).isoformat()
    page.click("text=Add an action")
    page.fill("#id_title", "Termin mit der Konstruktionsleitung")
    page.select_option("#id_owner", label="Katrin Amann")
    page.fill("#id_due_date", overdue)
    assert_accessible(page)
    page.click("button:has-text('Save')")
    expect(page.locator("#action-table")).to_contain_text("Termin mit der Konstruktionsleitung")
    expect(page.locator("#overdue")).to_contain_text("1 overdue action")

    page.click("#step-strategy >> text=Update the step")
    expect(page.locator("#requirements li[data-met='no']")).to_have_count(0)
    page.select_option("#id_state", "done")
    page.fill("#id_notes", "Mit dem Kernteam abgestimmt")
    page.click("button:has-text('Save')")
    expect(page.locator("#step-strategy [data-state]")).to_have_text("Done")
    expect(page.locator("#steps")).to_contain_text("Current step: Research")
    page.reload()
    assert_accessible(page)
    assert plan.steps.get(step="strategy").state == StepState.DONE

    page.goto("/tasks/")
    expect(page.locator("h1")).to_have_text("My tasks")
    row = page.locator(f"tr[data-action='{Action.objects.get().pk}']")
    expect(row).to_contain_text("Termin mit der Konstruktionsleitung")
    expect(row).to_contain_text("Overdue")
    assert_accessible(page)
    row.locator("button:has-text('Done')").click()
    expect(page.locator(".messages")).to_contain_text("is done")
    expect(page.locator("#task-table")).to_have_count(0)

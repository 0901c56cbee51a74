"""The interactive API docs in a real Chromium, under the product's Content Security Policy."""

import pytest
from playwright.sync_api import expect

from openkam.testing.browser import login
from openkam.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_offline_without_csp_violations(page, world):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, "kam", PASSWORD)

    page.goto("/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("OpenKAM API")
    expect(page.locator(".opblock-summary-description", has_text="List key accounts")).to_be_visible()
    base = page.url.split("/api/")[0]
    assert all(url.startswith(base) or url.startswith("data:") for url in requested), requested


def _open_docs(page):
    # Swagger UI renders every operation of a large OpenAPI document in the browser; on a busy
    # machine that takes longer than Playwright's default wait, which is not what is tested here.
    page.set_default_timeout(30_000)
    page.goto("/api/v1/docs")


def test_try_it_out_calls_the_api_with_the_session(page, world):
    login(page, "kam", PASSWORD)
    _open_docs(page)

    page.click("#operations-me-me_get .opblock-summary")
    page.click("#operations-me-me_get button.try-out__btn")
    page.click("#operations-me-me_get button.execute")

    live = page.locator("#operations-me-me_get .live-responses-table")
    expect(live).to_contain_text('"username": "kam"')
    expect(live.locator("tr.response .response-col_status")).to_contain_text("200")


def test_try_it_out_sends_the_csrf_token_for_session_writes(page, world):
    login(page, "kam", PASSWORD)
    _open_docs(page)

    page.click("#operations-me-me_update .opblock-summary")
    page.click("#operations-me-me_update button.try-out__btn")
    page.fill("#operations-me-me_update textarea.body-param__text", '{"language": "de"}')
    page.click("#operations-me-me_update button.execute")

    live = page.locator("#operations-me-me_update .live-responses-table")
    expect(live.locator("tr.response .response-col_status")).to_contain_text("200")
    world.owner.refresh_from_db()
    assert world.owner.language == "de"

"""The API as a whole: its OpenAPI document and docs page, authentication, CSRF, errors and jobs."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from openkam.core.choices import JobStatus
from openkam.core.models import Job
from openkam.users.models import ApiToken
from openkam.users.services import api_token_create

from .api_matrix import API_OPERATIONS, PREFIX, api_path


def _client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _token_client(user, **kwargs) -> tuple[Client, ApiToken]:
    token, raw = api_token_create(actor=user, name="Skript")
    return Client(headers={"authorization": f"Bearer {raw}"}, **kwargs), token


# OpenAPI and docs ------------------------------------------------------------------------------


def test_the_openapi_document_lists_exactly_the_known_operations(client):
    response = client.get(f"{PREFIX}/openapi.json")

    assert response.status_code == 200
    documented = {
        operation["operationId"]: (method.upper(), path.removeprefix(PREFIX))
        for path, operations in response.json()["paths"].items()
        for method, operation in operations.items()
    }
    assert documented == API_OPERATIONS


def test_every_operation_has_a_summary_and_documents_its_errors(client):
    paths = client.get(f"{PREFIX}/openapi.json").json()["paths"]

    for operations in paths.values():
        for operation in operations.values():
            assert operation["summary"]
            assert "401" in operation["responses"], operation["operationId"]


def test_input_schemas_forbid_unknown_fields_in_the_openapi_document(client):
    schemas = client.get(f"{PREFIX}/openapi.json").json()["components"]["schemas"]

    for name in ("AccountPatch", "TeamMemberIn", "TeamMemberPatch", "StakeholderIn", "MePatch", "JobIn"):
        assert schemas[name]["additionalProperties"] is False, name


def test_the_docs_page_loads_only_local_assets_and_no_inline_script(client):
    response = client.get(f"{PREFIX}/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for url in assets:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    # Scripts either load a file or carry JSON data; an inline script would be blocked by our CSP.
    for attributes in re.findall(r"<script([^>]*)>", html):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "<style" not in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


# Authentication --------------------------------------------------------------------------------


def test_anonymous_requests_get_401_in_the_error_format(client):
    response = client.get(api_path("accounts_list"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_an_anonymous_write_gets_401_even_when_csrf_is_enforced(world):
    client = Client(enforce_csrf_checks=True)

    response = client.patch(
        api_path("account_update", account_id=world.account.pk),
        {"status": "ended"},
        content_type="application/json",
    )

    assert response.status_code == 401


def test_a_bearer_token_authenticates_reads_and_writes_without_csrf(world):
    client, token = _token_client(world.owner, enforce_csrf_checks=True)

    listed = client.get(api_path("accounts_list"))
    changed = client.patch(
        api_path("account_update", account_id=world.account.pk),
        {"status": "on_hold"},
        content_type="application/json",
    )

    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [world.account.pk]
    assert changed.status_code == 200
    assert changed.json()["status"] == "on_hold"
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer okam_not-a-real-token", "Bearer something-else", "Token okam_x", "Bearer "],
)
def test_an_invalid_token_gets_401(world, header):
    response = Client(headers={"authorization": header}).get(api_path("accounts_list"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_an_expired_token_gets_401(world):
    client, token = _token_client(world.owner)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert client.get(api_path("me_get")).status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(world):
    client, _token = _token_client(world.owner)
    world.owner.is_active = False
    world.owner.save(update_fields=["is_active"])

    assert client.get(api_path("me_get")).status_code == 401


def test_a_deactivated_user_with_a_session_gets_401(world):
    client = _client_for(world.owner)
    type(world.owner).objects.filter(pk=world.owner.pk).update(is_active=False)

    assert client.get(api_path("me_get")).status_code == 401


def test_a_session_write_without_csrf_token_is_refused_and_changes_nothing(world):
    client = _client_for(world.owner, enforce_csrf_checks=True)

    response = client.patch(
        api_path("account_update", account_id=world.account.pk),
        {"status": "ended"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    world.account.refresh_from_db()
    assert world.account.status == "active"


def test_a_session_write_with_csrf_token_succeeds(world):
    client = _client_for(world.owner, enforce_csrf_checks=True)
    csrf = get_token(RequestFactory().get("/"))
    client.cookies["csrftoken"] = csrf

    response = client.patch(
        api_path("account_update", account_id=world.account.pk),
        {"status": "ended"},
        content_type="application/json",
        headers={"x-csrftoken": csrf},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ended"


def test_session_reads_need_no_csrf_token(world):
    client = _client_for(world.owner, enforce_csrf_checks=True)

    assert client.get(api_path("accounts_list")).status_code == 200


# Error format ----------------------------------------------------------------------------------


def test_a_body_that_is_not_json_gets_400_in_the_error_format(world):
    response = _client_for(world.owner).patch(
        api_path("account_update", account_id=world.account.pk), "{oops", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_a_malformed_id_gets_422_naming_the_parameter(world):
    response = _client_for(world.owner).get(api_path("account_get", account_id="abc"))

    assert response.status_code == 422
    assert "account_id" in response.json()["error"]["fields"]


# Jobs ------------------------------------------------------------------------------------------


def test_a_job_exports_the_visible_accounts_and_links_its_download(world, django_capture_on_commit_callbacks):
    # A token client: the whole round trip, download included, must work without a browser session.
    client, _token = _token_client(world.owner)

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            api_path("job_create"),
            {"kind": "accounts.export_csv", "filters": {"status": "active"}},
            content_type="application/json",
        )
    job = client.get(api_path("job_get", job_id=started.json()["id"])).json()

    assert started.status_code == 202
    assert started.json()["status"] == JobStatus.QUEUED
    assert job["status"] == JobStatus.SUCCEEDED
    assert job["progress"] == 100
    assert job["download_url"] == api_path("job_download", job_id=job["id"])
    download = client.get(job["download_url"])
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    assert world.account.customer.name in content
    assert world.other_account.customer.name not in content


def test_a_job_records_the_filters_and_the_language_of_its_creator(world):
    world.owner.language = "de"
    world.owner.save(update_fields=["language"])

    response = _client_for(world.owner).post(
        api_path("job_create"),
        {"kind": "accounts.export_csv", "filters": {"q": "Alpha", "account_type": "emerging"}},
        content_type="application/json",
    )

    assert response.status_code == 202
    assert response.json()["download_url"] is None
    params = Job.objects.get(pk=response.json()["id"]).params
    assert params == {
        "query": "Alpha",
        "account_type": "emerging",
        "status": "",
        "owner_id": None,
        "mine": False,
        "language": "de",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "users.delete_all"}, "kind"),
        ({"kind": "accounts.export_csv", "filters": {"status": "sleeping"}}, "filters.status"),
        ({"kind": "accounts.export_csv", "filters": {"owner": 1}}, "filters.owner"),
        ({"kind": "accounts.export_csv", "priority": "high"}, "priority"),
    ],
)
def test_a_job_with_bad_input_gets_422_naming_the_field(world, body, field):
    response = _client_for(world.owner).post(api_path("job_create"), body, content_type="application/json")

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_a_job_of_someone_else_answers_404(world):
    started = _client_for(world.owner).post(
        api_path("job_create"), {"kind": "accounts.export_csv"}, content_type="application/json"
    )

    response = _client_for(world.teammate).get(api_path("job_get", job_id=started.json()["id"]))

    assert response.status_code == 404

"""Every API operation as every persona: who reads, who writes, who gets 404 and who 401."""

import json

import pytest
from django.test import Client

from openkam.conftest import PERSONAS
from openkam.core.models import AuditEntry
from openkam.core.services import job_create
from openkam.core.tasks import run_job
from openkam.testing.matrix import owning_module

from .api_matrix import API_OPERATIONS, SUCCESS, api_path, sample_body, world_ids

# Operations open to every signed-in person (what they return is scoped to them).
OPEN = {"accounts_list", "customers_list", "me_get", "me_update", "job_create"}
# Reads and writes of one key account and the objects hanging from it.
ACCOUNT_READS = {"account_get", "team_list", "timeline_list", "stakeholders_list", "stakeholder_get"}
ACCOUNT_WRITES = {"account_update", "team_add", "team_update", "team_remove"}
STAKEHOLDER_WRITES = {"stakeholder_create", "stakeholder_update", "stakeholder_delete"}
OTHERS = {"customer_get", "job_get", "job_download"}


def expected_status(operation_id: str, persona: str) -> int:
    ok = SUCCESS[operation_id]
    if persona == "anonymous":
        return 401
    module = owning_module(operation_id)
    if module is not None:
        return module.api_expected_status(operation_id, persona)
    if operation_id in OPEN:
        return ok
    if operation_id in ("job_get", "job_download"):  # the job was started (and run) by the owner
        return ok if persona == "owner" else 404
    if operation_id == "customer_get":  # administrators and management see every customer
        return 404 if persona == "other_kam" else ok
    if persona in ("other_kam", "admin"):
        return 404
    if persona == "owner" or operation_id in ACCOUNT_READS:
        return ok
    if persona == "teammate" and operation_id in STAKEHOLDER_WRITES:
        return ok
    return 403


def test_every_operation_is_classified():
    classified = OPEN | ACCOUNT_READS | ACCOUNT_WRITES | STAKEHOLDER_WRITES | OTHERS
    app_operations = {op for op in API_OPERATIONS if owning_module(op) is not None}
    assert classified | app_operations == set(API_OPERATIONS)
    assert not classified & app_operations


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("operation_id", sorted(API_OPERATIONS))
def test_operation_answers_each_persona_as_the_access_rules_say(world, operation_id, persona):
    user = world.persona(persona)
    client = Client()
    if user is not None:
        client.force_login(user)
    job = job_create(actor=world.owner, kind="accounts.export_csv", params={"language": "en"})
    run_job.call(str(job.pk))  # the test transaction never commits, so run what the worker would
    method, _path = API_OPERATIONS[operation_id]
    body = sample_body(operation_id, world)
    audit_before = AuditEntry.objects.count()

    response = client.generic(
        method,
        api_path(operation_id, **world_ids(world, job)),
        data=b"" if body is None else json.dumps(body),
        content_type="application/json",
    )

    expected = expected_status(operation_id, persona)
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["error"]["code"]
        # A refused write leaves nothing behind, not even an audit entry.
        assert AuditEntry.objects.count() == audit_before

"""The designation operations of the REST API (who may call them: the matrix in core/tests)."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.core.tests.api_matrix import api_path
from openkam.designations.choices import ProposalStatus
from openkam.designations.models import DesignationPolicy, DesignationProposal, DesignationReview
from openkam.designations.selectors import add_months
from openkam.testing.factories import CustomerFactory, CustomerRevenueFactory, DesignationProposalFactory

pytestmark = pytest.mark.django_db


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _proposal_body(world, **changes) -> dict:
    return {
        "customer_number": CustomerFactory().number,
        "account_type": "emerging",
        "reason": "Wächst stark",
        "proposed_owner_id": world.owner.pk,
    } | changes


# Proposals --------------------------------------------------------------------------------------


def test_a_kam_proposes_by_number_and_gets_the_proposal_without_evidence(world):
    customer = CustomerFactory(name="Gamma Hydraulik")
    CustomerRevenueFactory(customer=customer, revenue=Decimal("500000.00"))

    response = _post(
        _client_for(world.owner),
        api_path("designation_proposal_create"),
        _proposal_body(world, customer_number=customer.number),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["customer"] == {"id": customer.pk, "number": customer.number, "name": "Gamma Hydraulik"}
    assert body["status"] == "proposed"
    assert body["proposed_by"] == {"id": world.owner.pk, "name": "Katrin Amann"}
    assert body["evidence"] is None  # the KAM cannot see this customer's figures
    assert body["can_withdraw"] is True and body["can_decide"] is False
    manager_view = _client_for(world.manager).get(
        api_path("designation_proposal_get", proposal_id=body["id"])
    )
    assert manager_view.json()["evidence"]["revenues"][0]["revenue"] == "500000.00"
    assert manager_view.json()["can_decide"] is True


def test_management_may_name_the_customer_by_id(world):
    customer = CustomerFactory()
    body = _proposal_body(world, customer_id=customer.pk)
    del body["customer_number"]

    response = _post(_client_for(world.manager), api_path("designation_proposal_create"), body)

    assert response.status_code == 201
    assert response.json()["customer"]["id"] == customer.pk


def test_unknown_and_hidden_customers_answer_identically(world):
    client = _client_for(world.owner)
    url = api_path("designation_proposal_create")

    unknown = _post(client, url, _proposal_body(world, customer_number="NOPE"))
    hidden = _post(client, url, _proposal_body(world, customer_number=world.other_account.customer.number))
    by_id = _post(
        client,
        url,
        {k: v for k, v in _proposal_body(world).items() if k != "customer_number"}
        | {"customer_id": CustomerFactory().pk},
    )

    assert unknown.status_code == hidden.status_code == 422
    assert unknown.json() == hidden.json()
    assert list(unknown.json()["error"]["fields"]) == ["customer_number"]
    assert by_id.status_code == 422 and list(by_id.json()["error"]["fields"]) == ["customer_id"]
    assert not DesignationProposal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"priority": "high"}, "priority"),
        ({"customer_id": 1}, "__all__"),  # both ways of naming the customer
        ({"account_type": "strategic"}, "account_type"),
        ({"proposed_owner_id": 999999}, "proposed_owner_id"),
        ({"reason": " "}, "reason"),
    ],
)
def test_invalid_proposals_are_refused_naming_the_field(world, changes, field):
    response = _post(
        _client_for(world.manager), api_path("designation_proposal_create"), _proposal_body(world, **changes)
    )

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_a_duplicate_open_proposal_is_refused_for_management_with_the_reason(world):
    existing = DesignationProposalFactory()

    response = _post(
        _client_for(world.manager),
        api_path("designation_proposal_create"),
        _proposal_body(world, customer_number=existing.customer.number),
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"]["customer_number"]


def test_lists_are_scoped_and_filtered_and_refuse_unknown_parameters(world):
    DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    DesignationProposalFactory(proposed_by=world.other_kam, proposed_owner=world.other_kam)
    DesignationProposalFactory(status=ProposalStatus.REJECTED, account_type="existing")

    assert _client_for(world.owner).get(api_path("designation_proposals_list")).json()["count"] == 1
    manager = _client_for(world.manager)
    assert manager.get(api_path("designation_proposals_list")).json()["count"] == 3
    assert manager.get(api_path("designation_proposals_list"), {"status": "rejected"}).json()["count"] == 1
    assert (
        manager.get(api_path("designation_proposals_list"), {"account_type": "emerging"}).json()["count"] == 2
    )
    typo = manager.get(api_path("designation_proposals_list"), {"stauts": "rejected"})
    assert typo.status_code == 422 and "stauts" in typo.json()["error"]["fields"]


# Decisions --------------------------------------------------------------------------------------


def test_approval_over_the_cap_needs_the_justification_and_creates_the_account(world):
    DesignationPolicy.objects.create(pk=1, key_account_cap=2)
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    client = _client_for(world.manager)
    url = api_path("designation_proposal_approve", proposal_id=proposal.pk)

    refused = _post(client, url, {})
    assert refused.status_code == 422
    assert list(refused.json()["error"]["fields"]) == ["cap_justification"]

    response = _post(client, url, {"cap_justification": "Referenzkunde", "note": "Ja"})

    assert response.status_code == 200
    body = response.json()
    account = KeyAccount.objects.get(customer=proposal.customer)
    assert body["status"] == "approved"
    assert body["key_account_id"] == account.pk
    assert (body["key_accounts_at_decision"], body["cap_at_decision"]) == (2, 2)
    assert body["cap_justification"] == "Referenzkunde"
    review = DesignationReview.objects.get(account=account)
    assert review.due_date == add_months(timezone.localdate(), 12)


def test_a_rejection_needs_a_note(world):
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    client = _client_for(world.manager)
    url = api_path("designation_proposal_reject", proposal_id=proposal.pk)

    missing = _post(client, url, {})
    blank = _post(client, url, {"note": "  "})
    response = _post(client, url, {"note": "Zu klein"})

    assert missing.status_code == blank.status_code == 422
    assert "note" in missing.json()["error"]["fields"] and "note" in blank.json()["error"]["fields"]
    assert response.status_code == 200 and response.json()["decision_note"] == "Zu klein"
    again = _post(client, url, {"note": "Nochmal"})
    assert again.status_code == 422


def test_the_proposer_withdraws(world):
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)

    response = _post(
        _client_for(world.owner),
        api_path("designation_proposal_withdraw", proposal_id=proposal.pk),
        {"note": "Doch nicht"},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["can_withdraw"] is False


# Reviews ----------------------------------------------------------------------------------------


def test_the_review_list_shows_open_reviews_by_state_and_completed_ones(world):
    client = _client_for(world.manager)

    open_reviews = client.get(api_path("designation_reviews_list")).json()
    assert open_reviews["count"] == 2
    item = open_reviews["items"][0]
    assert item["state"] == "overdue" and item["due_date"] == "2025-01-01" and item["review_id"] is None
    assert item["account"]["customer"]["name"] in {"Alpha Maschinenbau", "Beta Antriebe"}
    assert client.get(api_path("designation_reviews_list"), {"state": "upcoming"}).json()["count"] == 0

    done = _post(
        _client_for(world.owner),
        api_path("designation_review_complete", account_id=world.account.pk),
        {"outcome": "hold", "note": "Kunde ordnet den Einkauf neu"},
    )

    assert done.status_code == 200
    assert done.json()["state"] == "done"
    assert done.json()["outcome"] == "hold"
    assert done.json()["account"]["status"] == "on_hold"
    completed = client.get(api_path("designation_reviews_list"), {"state": "done"}).json()
    assert completed["count"] == 1 and completed["items"][0]["completed_by"]["id"] == world.owner.pk
    assert (
        _client_for(world.other_kam)
        .get(api_path("designation_reviews_list"), {"state": "done"})
        .json()["count"]
        == 0
    )


def test_a_review_is_validated(world):
    client = _client_for(world.owner)
    url = api_path("designation_review_complete", account_id=world.account.pk)

    no_note = _post(client, url, {"outcome": "end"})
    bad = _post(client, url, {"outcome": "maybe"})
    past = _post(client, url, {"outcome": "confirm", "next_due_date": "2020-01-01"})
    extra = _post(client, url, {"outcome": "confirm", "due_date": "2030-01-01"})

    assert no_note.status_code == bad.status_code == past.status_code == extra.status_code == 422
    assert "note" in no_note.json()["error"]["fields"]
    assert "next_due_date" in past.json()["error"]["fields"]
    assert "due_date" in extra.json()["error"]["fields"]
    assert not DesignationReview.objects.exists()


# Policy and history -----------------------------------------------------------------------------


def test_the_policy_is_read_by_the_area_and_changed_by_management(world):
    body = _client_for(world.owner).get(api_path("designation_policy_get")).json()
    assert body == {
        "key_account_cap": 25,
        "review_interval_months": 12,
        "key_accounts": 2,
        "updated_at": None,
        "updated_by": None,
    }
    client = _client_for(world.admin)

    response = client.patch(
        api_path("designation_policy_update"),
        data=json.dumps({"review_interval_months": 24}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["review_interval_months"] == 24
    assert response.json()["key_account_cap"] == 25
    assert response.json()["updated_by"]["id"] == world.admin.pk
    for bad in ({"key_account_cap": None}, {"key_account_cap": 0}, {"cap": 3}):
        refused = client.patch(
            api_path("designation_policy_update"), data=json.dumps(bad), content_type="application/json"
        )
        assert refused.status_code == 422, bad
    assert AuditEntry.objects.filter(action="designation.policy").count() == 1


def test_the_history_lists_proposals_and_reviews(world):
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    _post(_client_for(world.manager), api_path("designation_proposal_approve", proposal_id=proposal.pk), {})
    account = KeyAccount.objects.get(customer=proposal.customer)
    _post(
        _client_for(world.owner),
        api_path("designation_review_complete", account_id=account.pk),
        {"outcome": "confirm"},
    )

    body = (
        _client_for(world.owner).get(api_path("designation_history", customer_id=proposal.customer_id)).json()
    )

    assert body["account"]["id"] == account.pk
    assert [p["status"] for p in body["proposals"]] == ["approved"]
    assert [r["outcome"] for r in body["reviews"]] == ["confirm"]
    assert body["next_review"]["state"] == "upcoming"
    assert body["next_review"]["review_id"] is not None


def test_the_proposal_list_needs_the_same_queries_for_2_and_20_proposals(world):
    client = _client_for(world.manager)
    url = api_path("designation_proposals_list")
    DesignationProposalFactory.create_batch(2)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    DesignationProposalFactory.create_batch(18, status=ProposalStatus.REJECTED, decided_by=world.manager)
    assert count() == few

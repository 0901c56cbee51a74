"""The designation workflow in the permission matrices (see openkam/testing/matrix.py).

The area exists for KAMs, management and administrators; team members get 404 everywhere. A KAM
sees their own proposals (``owner`` made the one in the matrix, ``other_kam`` gets 404), only
management decides, only the proposer withdraws, only the owning KAM completes a review, and the
policy is changed by management and administrators.
"""

from django.urls import reverse

from openkam.testing.factories import CustomerFactory, DesignationProposalFactory
from openkam.testing.matrix import Case, post_ok

_NOT_HERE = {"teammate": 404, "extended": 404}
AREA = {"owner": 200, "other_kam": 200, "manager": 200, "admin": 200} | _NOT_HERE
PROPOSE = AREA | {"admin": 403}
OWNERS_OWN = {"owner": 200, "other_kam": 404, "manager": 200, "admin": 200} | _NOT_HERE
DECIDE = {"owner": 403, "other_kam": 404, "manager": 200, "admin": 403} | _NOT_HERE
WITHDRAW = {"owner": 200, "other_kam": 404, "manager": 403, "admin": 403} | _NOT_HERE
COMPLETE_REVIEW = {"owner": 200, "other_kam": 404, "manager": 403, "admin": 403} | _NOT_HERE
POLICY = {"owner": 403, "other_kam": 403, "manager": 200, "admin": 200} | _NOT_HERE


def open_proposal(world):
    """An open proposal ``owner`` made for a customer who is no key account."""
    return DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)


def _proposal_url(name):
    return lambda w, u: reverse(name, args=[open_proposal(w).pk])


HTML_CASES = {
    "designations:proposal-list": Case(lambda w, u: reverse("designations:proposal-list"), AREA),
    "designations:proposal-export": Case(
        lambda w, u: reverse("designations:proposal-export") + "?format=xlsx", AREA
    ),
    "designations:proposal-create": Case(lambda w, u: reverse("designations:proposal-create"), PROPOSE),
    "designations:proposal-detail": Case(_proposal_url("designations:proposal-detail"), OWNERS_OWN),
    "designations:proposal-decide": Case(
        _proposal_url("designations:proposal-decide"),
        post_ok(DECIDE),
        method="post",
        data={"decision": "approve"},
    ),
    "designations:proposal-withdraw": Case(
        _proposal_url("designations:proposal-withdraw"), post_ok(WITHDRAW), method="post"
    ),
    "designations:review-list": Case(lambda w, u: reverse("designations:review-list"), AREA),
    "designations:review-export": Case(
        lambda w, u: reverse("designations:review-export") + "?format=csv", AREA
    ),
    "designations:review-complete": Case(
        lambda w, u: reverse("designations:review-complete", args=[w.account.pk]), COMPLETE_REVIEW
    ),
    "designations:policy": Case(lambda w, u: reverse("designations:policy"), POLICY),
    "designations:history": Case(
        lambda w, u: reverse("designations:history", args=[w.account.customer_id]), OWNERS_OWN
    ),
}

API_OPERATIONS = {
    "designation_proposals_list": ("GET", "/designations/proposals"),
    "designation_proposal_create": ("POST", "/designations/proposals"),
    "designation_proposal_get": ("GET", "/designations/proposals/{proposal_id}"),
    "designation_proposal_approve": ("POST", "/designations/proposals/{proposal_id}/approve"),
    "designation_proposal_reject": ("POST", "/designations/proposals/{proposal_id}/reject"),
    "designation_proposal_withdraw": ("POST", "/designations/proposals/{proposal_id}/withdraw"),
    "designation_reviews_list": ("GET", "/designations/reviews"),
    "designation_review_complete": ("POST", "/designations/reviews/{account_id}/complete"),
    "designation_policy_get": ("GET", "/designations/policy"),
    "designation_policy_update": ("PATCH", "/designations/policy"),
    "designation_history": ("GET", "/designations/customers/{customer_id}/history"),
}

# Decisions and completions change an existing object: 200, not 201.
API_SUCCESS = {
    "designation_proposal_approve": 200,
    "designation_proposal_reject": 200,
    "designation_proposal_withdraw": 200,
    "designation_review_complete": 200,
}

_API_EXPECT = {
    "designation_proposals_list": AREA,
    "designation_proposal_create": PROPOSE,
    "designation_proposal_get": OWNERS_OWN,
    "designation_proposal_approve": DECIDE,
    "designation_proposal_reject": DECIDE,
    "designation_proposal_withdraw": WITHDRAW,
    "designation_reviews_list": AREA,
    "designation_review_complete": COMPLETE_REVIEW,
    "designation_policy_get": AREA,
    "designation_policy_update": POLICY,
    "designation_history": OWNERS_OWN,
}


def api_expected_status(operation_id: str, persona: str) -> int:
    status = _API_EXPECT[operation_id][persona]
    if status != 200:
        return status
    method = API_OPERATIONS[operation_id][0]
    return API_SUCCESS.get(operation_id, {"POST": 201, "DELETE": 204}.get(method, 200))


def api_sample_body(operation_id: str, world) -> dict | None:
    if operation_id == "designation_proposal_create":
        return {
            "customer_number": CustomerFactory().number,
            "account_type": "emerging",
            "reason": "Wächst stark in der Antriebstechnik",
            "proposed_owner_id": world.owner.pk,
        }
    if operation_id == "designation_proposal_approve":
        return {"note": "Passt zur Strategie"}
    if operation_id == "designation_proposal_reject":
        return {"note": "Zu wenig Potenzial"}
    if operation_id == "designation_proposal_withdraw":
        return {}
    if operation_id == "designation_review_complete":
        return {"outcome": "confirm"}
    if operation_id == "designation_policy_update":
        return {"key_account_cap": 30}
    return None


def api_path_ids(world) -> dict:
    return {"proposal_id": open_proposal(world).pk}

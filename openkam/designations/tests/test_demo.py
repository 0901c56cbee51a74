"""The designation data of the demo company."""

import pytest

from openkam.accounts.choices import AccountStatus
from openkam.accounts.models import KeyAccount
from openkam.demo.generator import DemoSpec, generate_company
from openkam.designations.choices import ProposalStatus
from openkam.designations.demo import seed_designations
from openkam.designations.models import DesignationProposal, DesignationReview
from openkam.designations.selectors import due_reviews_for_user
from openkam.users.models import User

pytestmark = pytest.mark.django_db

SMALL = DemoSpec(customers=300, lines=20_000, accounts=8, chunk_rows=4_000)


def test_the_demo_company_gets_proposals_in_every_state_and_a_review_history(tmp_path):
    # generate_company seeds the designation workflow itself (openkam.demo.generator).
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")

    statuses = sorted(DesignationProposal.objects.values_list("status", flat=True))
    assert statuses == sorted(["proposed", "proposed", "approved", "rejected", "withdrawn"])
    approved = DesignationProposal.objects.get(status=ProposalStatus.APPROVED)
    assert approved.key_account.status == AccountStatus.ACTIVE
    assert approved.key_account.designation_reviews.filter(completed_at__isnull=True).count() == 1
    # No proposal is for a customer that is already on the list (in any status).
    assert (
        not DesignationProposal.objects.exclude(status=ProposalStatus.APPROVED)
        .filter(customer__key_account__isnull=False)
        .exists()
    )
    assert 1 <= DesignationReview.objects.filter(completed_at__isnull=False).count() <= 8
    head = User.objects.get(username="leitung")
    rows = list(due_reviews_for_user(head))
    # Every current key account has its next review scheduled (or overdue).
    assert len(rows) == SMALL.accounts + 1

    assert seed_designations() == type(seed_designations())()  # a second call changes nothing
    assert DesignationProposal.objects.count() == 5
    assert KeyAccount.objects.filter(status__in=[AccountStatus.ACTIVE, AccountStatus.ON_HOLD]).count() == (
        SMALL.accounts + 1
    )


def test_without_the_demo_personas_nothing_is_seeded(world):
    result = seed_designations()

    assert (result.open, result.approved, result.reviews) == (0, 0, 0)
    assert not DesignationProposal.objects.exists()

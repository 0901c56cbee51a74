"""The rules of the designation workflow, through its services and selectors."""

import sys
import types
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from openkam.accounts.choices import AccountStatus, AccountType
from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.designations import services
from openkam.designations.choices import ProposalStatus, ReviewOutcome, ReviewState
from openkam.designations.models import DesignationPolicy, DesignationProposal, DesignationReview
from openkam.designations.permissions import proposals_visible_to, review_accounts_visible_to
from openkam.designations.selectors import (
    CUSTOMER_NOT_PROPOSABLE,
    add_months,
    cap_status,
    completed_reviews_for_user,
    current_policy,
    due_reviews_for_user,
    find_customer_to_propose,
    history_for_customer,
)
from openkam.testing.factories import (
    CustomerFactory,
    CustomerRevenueFactory,
    DesignationProposalFactory,
    DesignationReviewFactory,
    KeyAccountFactory,
    UserFactory,
)
from openkam.users.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in English; the installation's default language is German.
    with translation.override("en"):
        yield


def _propose(actor, customer, owner, account_type=AccountType.EMERGING, reason="Starkes Wachstum"):
    return services.proposal_create(
        actor=actor, customer=customer, account_type=account_type, reason=reason, proposed_owner=owner
    )


def _messages(exc_info, field="customer") -> list[str]:
    return exc_info.value.message_dict[field]


def _set_cap(cap: int, interval: int = 12) -> None:
    DesignationPolicy.objects.update_or_create(
        pk=1, defaults={"key_account_cap": cap, "review_interval_months": interval}
    )


# Proposals --------------------------------------------------------------------------------------


def test_a_kam_proposes_a_customer_outside_their_accounts_by_its_exact_number(world):
    customer = CustomerFactory(name="Gamma Hydraulik")
    CustomerRevenueFactory(customer=customer, fiscal_year=2023, revenue=Decimal("400000.00"))
    CustomerRevenueFactory(customer=customer, fiscal_year=2024, revenue=Decimal("600000.00"))
    CustomerRevenueFactory(customer=customer, fiscal_year=2025, revenue=Decimal("900000.00"))
    CustomerRevenueFactory(customer=customer, fiscal_year=2022, revenue=Decimal("1.00"))

    found = find_customer_to_propose(world.owner, number=f"  {customer.number} ")
    proposal = _propose(world.owner, found, world.owner, reason="  Wächst jedes Jahr um 50 %  ")

    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.proposed_by == world.owner
    assert proposal.reason == "Wächst jedes Jahr um 50 %"
    # The last three fiscal years, oldest first, as they were when the proposal was made.
    assert [r["fiscal_year"] for r in proposal.evidence["revenues"]] == [2023, 2024, 2025]
    assert proposal.evidence["revenues"][-1]["revenue"] == "900000.00"
    entry = AuditEntry.objects.get(action="designation.propose")
    assert entry.actor == world.owner
    assert entry.account_id is None
    assert entry.changes["reason"] == "Wächst jedes Jahr um 50 %"


def test_an_unknown_number_and_a_hidden_customer_that_may_not_be_proposed_read_the_same(world):
    hidden_account_customer = world.other_account.customer  # Beta: a key account of another KAM
    hidden_open = DesignationProposalFactory(
        proposed_by=world.other_kam, proposed_owner=world.other_kam
    ).customer

    with pytest.raises(ValidationError) as unknown:
        find_customer_to_propose(world.owner, number="K-DOES-NOT-EXIST")
    with pytest.raises(ValidationError) as account:
        _propose(world.owner, hidden_account_customer, world.owner)
    with pytest.raises(ValidationError) as proposed:
        _propose(world.owner, hidden_open, world.owner)

    assert _messages(unknown) == _messages(account) == _messages(proposed) == [str(CUSTOMER_NOT_PROPOSABLE)]


def test_management_sees_why_a_customer_cannot_be_proposed(world):
    open_customer = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner).customer
    ended = KeyAccountFactory(owner=world.owner, status=AccountStatus.ENDED)

    with pytest.raises(ValidationError) as account:
        _propose(world.manager, world.other_account.customer, world.owner)
    with pytest.raises(ValidationError) as proposed:
        _propose(world.manager, open_customer, world.owner)
    with pytest.raises(ValidationError) as ended_error:
        _propose(world.manager, ended.customer, world.owner)

    assert _messages(account) == ["This customer is a key account already."]
    assert _messages(proposed) == ["This customer has an open proposal already."]
    assert "Ended" in _messages(ended_error)[0]


def test_an_on_hold_key_account_cannot_be_proposed_either(world):
    on_hold = KeyAccountFactory(owner=world.owner, status=AccountStatus.ON_HOLD)

    with pytest.raises(ValidationError) as exc:
        _propose(world.owner, on_hold.customer, world.owner)

    assert _messages(exc) == ["This customer is a key account already."]  # the owner sees it anyway


def test_by_id_only_customers_the_person_can_see_are_found(world):
    hidden = CustomerFactory()

    with pytest.raises(ValidationError) as exc:
        find_customer_to_propose(world.owner, pk=hidden.pk)

    assert _messages(exc) == [str(CUSTOMER_NOT_PROPOSABLE)]
    assert find_customer_to_propose(world.manager, pk=hidden.pk) == hidden


def test_a_proposal_needs_a_reason_a_valid_type_and_an_active_kam_as_owner(world):
    customer = CustomerFactory()
    inactive = UserFactory(role=Role.KAM, is_active=False)

    with pytest.raises(ValidationError) as no_reason:
        _propose(world.owner, customer, world.owner, reason="   ")
    with pytest.raises(ValidationError) as bad_type:
        _propose(world.owner, customer, world.owner, account_type="strategic")
    for owner in (world.teammate, world.manager, inactive, None):
        with pytest.raises(ValidationError) as bad_owner:
            _propose(world.owner, customer, owner)
        assert "proposed_owner" in bad_owner.value.message_dict

    assert "reason" in no_reason.value.message_dict
    assert "account_type" in bad_type.value.message_dict
    assert not DesignationProposal.objects.exists()
    assert not AuditEntry.objects.filter(action="designation.propose").exists()


@pytest.mark.parametrize("persona", ["teammate", "extended", "admin"])
def test_only_management_and_kams_propose(world, persona):
    with pytest.raises(PermissionDenied):
        _propose(world.persona(persona), CustomerFactory(), world.owner)


def test_the_database_keeps_at_most_one_open_proposal_per_customer(world):
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    DesignationProposalFactory(customer=proposal.customer, status=ProposalStatus.REJECTED)

    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationProposalFactory(customer=proposal.customer)


def test_proposals_are_visible_to_their_proposer_management_and_administrators(world):
    mine = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    theirs = DesignationProposalFactory(proposed_by=world.other_kam, proposed_owner=world.other_kam)

    assert list(proposals_visible_to(world.owner)) == [mine]
    assert list(proposals_visible_to(world.other_kam)) == [theirs]
    assert set(proposals_visible_to(world.manager)) == {mine, theirs}
    assert set(proposals_visible_to(world.admin)) == {mine, theirs}
    assert not proposals_visible_to(world.teammate).exists()


# Evidence ---------------------------------------------------------------------------------------


def test_the_evidence_keeps_the_latest_selection_result_when_the_portfolio_app_offers_it(world, monkeypatch):
    customer = CustomerFactory()
    result = types.SimpleNamespace(
        abc_class="A",
        score=81.5,
        rank=3,
        quadrant="develop",
        clv=Decimal("123456.78"),
        clv_rank=7,
        run_id="5d0e",
        run=types.SimpleNamespace(as_of=date(2025, 12, 31)),
    )
    module = types.ModuleType("openkam.portfolio.selectors")
    module.latest_result_for_customer = lambda c: result if c == customer else None
    monkeypatch.setitem(sys.modules, "openkam.portfolio.selectors", module)

    proposal = _propose(world.manager, customer, world.owner)

    assert proposal.evidence["selection"] == {
        "abc_class": "A",
        "score": 81.5,
        "score_rank": 3,
        "quadrant": "develop",
        "clv": "123456.78",
        "clv_rank": 7,
        "run_id": "5d0e",
        "as_of": "2025-12-31",
    }


def test_without_the_portfolio_app_the_evidence_has_the_revenue_only(world, monkeypatch):
    monkeypatch.setitem(sys.modules, "openkam.portfolio.selectors", None)  # import raises ImportError

    proposal = _propose(world.manager, CustomerFactory(), world.owner)

    assert proposal.evidence["selection"] is None
    assert proposal.evidence["revenues"] == []


# Decisions --------------------------------------------------------------------------------------


def test_approval_designates_the_key_account_and_schedules_its_first_review(world):
    customer = CustomerFactory(name="Gamma Hydraulik")
    proposal = _propose(world.owner, customer, world.owner, reason="Neues Werk in Planung")
    today = timezone.localdate()

    services.proposal_approve(actor=world.manager, proposal=proposal, note="Passt zur Strategie")

    proposal.refresh_from_db()
    account = KeyAccount.objects.get(customer=customer)
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.key_account == account
    assert proposal.decided_by == world.manager
    assert proposal.decision_note == "Passt zur Strategie"
    assert (proposal.key_accounts_at_decision, proposal.cap_at_decision) == (2, 25)
    assert proposal.cap_justification == ""
    assert account.owner == world.owner
    assert account.account_type == AccountType.EMERGING
    assert account.status == AccountStatus.ACTIVE
    assert account.reason == "Neues Werk in Planung"
    assert account.designated_since == today
    review = DesignationReview.objects.get(account=account)
    assert review.due_date == add_months(today, 12)
    assert review.completed_at is None
    actions = set(AuditEntry.objects.filter(account_id=account.pk).values_list("action", flat=True))
    assert actions == {"designation.approve", "account.designate", "designation.review_schedule"}
    assert AuditEntry.objects.get(action="designation.approve").actor == world.manager


def test_approving_beyond_the_cap_needs_a_justification_and_keeps_it(world):
    _set_cap(2)  # the world has two active key accounts
    proposal = _propose(world.owner, CustomerFactory(), world.owner)
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.proposal_approve(actor=world.manager, proposal=proposal, cap_justification="  ")

    assert "cap_justification" in exc.value.message_dict
    assert "2 of 2" in exc.value.message_dict["cap_justification"][0]
    assert KeyAccount.objects.count() == 2
    assert AuditEntry.objects.count() == audit_before
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED

    services.proposal_approve(
        actor=world.manager, proposal=proposal, cap_justification="Strategischer Referenzkunde"
    )

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.cap_justification == "Strategischer Referenzkunde"
    assert (proposal.key_accounts_at_decision, proposal.cap_at_decision) == (2, 2)
    assert proposal.exceeded_cap
    entry = AuditEntry.objects.get(action="designation.approve")
    assert entry.changes["cap_justification"] == "Strategischer Referenzkunde"
    assert cap_status().count == 3


def test_on_hold_accounts_count_against_the_cap_and_ended_or_proposed_ones_do_not(world):
    KeyAccountFactory(status=AccountStatus.ON_HOLD)
    KeyAccountFactory(status=AccountStatus.ENDED)
    KeyAccountFactory(status=AccountStatus.PROPOSED)
    _set_cap(4)

    assert cap_status().count == 3
    assert not cap_status().approval_exceeds
    _set_cap(3)
    assert cap_status().approval_exceeds


def test_within_the_cap_a_justification_is_not_recorded_as_one(world):
    proposal = _propose(world.owner, CustomerFactory(), world.owner)

    services.proposal_approve(actor=world.manager, proposal=proposal, cap_justification="Vorsorglich")

    proposal.refresh_from_db()
    assert proposal.cap_justification == ""
    assert not proposal.exceeded_cap


@pytest.mark.parametrize("persona", ["owner", "admin", "other_kam", "teammate"])
def test_only_the_head_of_kam_decides(world, persona):
    proposal = _propose(world.owner, CustomerFactory(), world.owner)

    with pytest.raises(PermissionDenied):
        services.proposal_approve(actor=world.persona(persona), proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.proposal_reject(actor=world.persona(persona), proposal=proposal, note="Nein")

    assert DesignationProposal.objects.get().status == ProposalStatus.PROPOSED


def test_a_rejection_needs_a_note_which_is_kept_and_audited(world):
    proposal = _propose(world.owner, CustomerFactory(), world.owner)

    with pytest.raises(ValidationError) as exc:
        services.proposal_reject(actor=world.manager, proposal=proposal, note=" ")
    assert "note" in exc.value.message_dict

    services.proposal_reject(actor=world.manager, proposal=proposal, note="Umsatz war ein Einmaleffekt")

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.decision_note == "Umsatz war ein Einmaleffekt"
    assert proposal.decided_by == world.manager
    assert not KeyAccount.objects.filter(customer=proposal.customer).exists()
    entry = AuditEntry.objects.get(action="designation.reject")
    assert entry.changes == {
        "status": ["proposed", "rejected"],
        "decision_note": "Umsatz war ein Einmaleffekt",
    }
    # A rejected customer can be proposed again later.
    assert _propose(world.owner, proposal.customer, world.owner).is_open


def test_a_decided_proposal_cannot_be_decided_or_withdrawn_again(world):
    proposal = _propose(world.owner, CustomerFactory(), world.owner)
    services.proposal_reject(actor=world.manager, proposal=proposal, note="Nein")

    for attempt in (
        lambda: services.proposal_approve(actor=world.manager, proposal=proposal, cap_justification="x"),
        lambda: services.proposal_reject(actor=world.manager, proposal=proposal, note="Doch nicht"),
        lambda: services.proposal_withdraw(actor=world.owner, proposal=proposal),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert AuditEntry.objects.filter(action__startswith="designation.").count() == 2


def test_only_the_proposer_withdraws_an_open_proposal(world):
    proposal = _propose(world.owner, CustomerFactory(), world.owner)

    for persona in ("manager", "admin", "other_kam"):
        with pytest.raises(PermissionDenied):
            services.proposal_withdraw(actor=world.persona(persona), proposal=proposal)
    services.proposal_withdraw(actor=world.owner, proposal=proposal, note="Kunde wurde übernommen")

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert proposal.decided_by == world.owner
    assert (
        AuditEntry.objects.get(action="designation.withdraw").changes["decision_note"]
        == "Kunde wurde übernommen"
    )


def test_an_approval_that_cannot_designate_leaves_nothing_behind(world):
    kam = UserFactory(role=Role.KAM)
    proposal = _propose(world.manager, CustomerFactory(), kam)
    kam.is_active = False
    kam.save()

    with pytest.raises(ValidationError):
        services.proposal_approve(actor=world.manager, proposal=proposal)

    assert not KeyAccount.objects.filter(customer=proposal.customer).exists()
    assert not DesignationReview.objects.exists()
    assert DesignationProposal.objects.get().status == ProposalStatus.PROPOSED
    assert not AuditEntry.objects.filter(action="designation.approve").exists()


# Reviews ----------------------------------------------------------------------------------------


def test_accounts_designated_before_the_workflow_are_due_one_interval_after_designation(world):
    rows = {row.account: row for row in due_reviews_for_user(world.manager, today=date(2026, 6, 1))}

    assert rows[world.account].due_date == date(2025, 1, 1)  # designated 2024-01-01, never reviewed
    assert rows[world.account].state == ReviewState.OVERDUE
    assert rows[world.account].review_id is None
    _set_cap(25, interval=36)
    assert due_reviews_for_user(world.owner, today=date(2026, 6, 1))[0].due_date == date(2027, 1, 1)


def test_review_states_follow_the_due_date(world):
    today = date(2026, 6, 1)
    DesignationReviewFactory(account=world.account, due_date=today + timedelta(days=60))
    DesignationReviewFactory(account=world.other_account, due_date=today + timedelta(days=61))

    states = {row.account: row.state for row in due_reviews_for_user(world.manager, today=today)}

    assert states == {world.account: ReviewState.DUE, world.other_account: ReviewState.UPCOMING}
    assert [r.account for r in due_reviews_for_user(world.manager, state="due", today=today)] == [
        world.account
    ]


def test_confirming_a_review_keeps_the_account_and_schedules_the_next(world):
    today = timezone.localdate()

    review = services.review_complete(actor=world.owner, account=world.account, outcome=ReviewOutcome.CONFIRM)

    assert review.due_date == date(2025, 1, 1)  # the computed due date of a pre-workflow account
    assert review.completed_by == world.owner
    assert review.next_due_date == add_months(today, 12)
    assert (review.account_type_after, review.status_after) == (AccountType.EXISTING, AccountStatus.ACTIVE)
    nxt = DesignationReview.objects.get(account=world.account, completed_at__isnull=True)
    assert nxt.due_date == add_months(today, 12)
    assert not AuditEntry.objects.filter(action="account.update").exists()  # nothing changed
    entry = AuditEntry.objects.get(action="designation.review")
    assert entry.account_id == world.account.pk
    assert entry.changes["outcome"] == "confirm"
    row = due_reviews_for_user(world.owner)[0]
    assert (row.due_date, row.review_id, row.state) == (nxt.due_date, nxt.pk, ReviewState.UPCOMING)


def test_changing_the_type_switches_existing_and_emerging_through_the_accounts_service(world):
    review = services.review_complete(
        actor=world.owner,
        account=world.account,
        outcome=ReviewOutcome.CHANGE_TYPE,
        note="Wächst nicht mehr; Potenzial liegt in neuen Werken",
    )

    world.account.refresh_from_db()
    assert world.account.account_type == AccountType.EMERGING
    assert world.account.status == AccountStatus.ACTIVE
    assert review.account_type_after == AccountType.EMERGING
    update = AuditEntry.objects.get(action="account.update")
    assert update.changes == {"account_type": ["existing", "emerging"]}


def test_putting_on_hold_and_confirming_later_reactivates(world):
    services.review_complete(
        actor=world.owner,
        account=world.account,
        outcome=ReviewOutcome.HOLD,
        note="Kunde ordnet den Einkauf neu",
    )
    world.account.refresh_from_db()
    assert world.account.status == AccountStatus.ON_HOLD
    assert cap_status().count == 2  # on hold still counts

    services.review_complete(actor=world.owner, account=world.account, outcome=ReviewOutcome.CONFIRM)

    world.account.refresh_from_db()
    assert world.account.status == AccountStatus.ACTIVE
    assert DesignationReview.objects.filter(account=world.account, completed_at__isnull=False).count() == 2
    assert DesignationReview.objects.filter(account=world.account, completed_at__isnull=True).count() == 1


def test_ending_the_designation_schedules_nothing_and_frees_a_place_under_the_cap(world):
    review = services.review_complete(
        actor=world.owner, account=world.account, outcome=ReviewOutcome.END, note="Kein Potenzial mehr"
    )

    world.account.refresh_from_db()
    assert world.account.status == AccountStatus.ENDED
    assert review.next_due_date is None
    assert not DesignationReview.objects.filter(completed_at__isnull=True).exists()
    assert [row.account for row in due_reviews_for_user(world.owner)] == []
    assert list(completed_reviews_for_user(world.owner)) == [review]
    assert cap_status().count == 1
    with pytest.raises(ValidationError):
        services.review_complete(actor=world.owner, account=world.account, outcome=ReviewOutcome.CONFIRM)


def test_a_review_needs_a_note_unless_it_confirms_and_a_future_next_date(world):
    today = timezone.localdate()
    for outcome in (ReviewOutcome.CHANGE_TYPE, ReviewOutcome.HOLD, ReviewOutcome.END):
        with pytest.raises(ValidationError) as exc:
            services.review_complete(actor=world.owner, account=world.account, outcome=outcome, note="")
        assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as past:
        services.review_complete(
            actor=world.owner, account=world.account, outcome=ReviewOutcome.CONFIRM, next_due_date=today
        )
    with pytest.raises(ValidationError) as far:
        services.review_complete(
            actor=world.owner,
            account=world.account,
            outcome=ReviewOutcome.CONFIRM,
            next_due_date=add_months(today, 61),
        )
    with pytest.raises(ValidationError) as ended:
        services.review_complete(
            actor=world.owner,
            account=world.account,
            outcome=ReviewOutcome.END,
            note="Ende",
            next_due_date=add_months(today, 6),
        )
    with pytest.raises(ValidationError) as bogus:
        services.review_complete(actor=world.owner, account=world.account, outcome="maybe")

    assert "next_due_date" in past.value.message_dict
    assert "next_due_date" in far.value.message_dict
    assert "next_due_date" in ended.value.message_dict
    assert "outcome" in bogus.value.message_dict
    assert not DesignationReview.objects.exists()


def test_a_chosen_next_date_is_kept(world):
    chosen = add_months(timezone.localdate(), 6)

    review = services.review_complete(
        actor=world.owner, account=world.account, outcome=ReviewOutcome.CONFIRM, next_due_date=chosen
    )

    assert review.next_due_date == chosen
    assert DesignationReview.objects.get(completed_at__isnull=True).due_date == chosen


@pytest.mark.parametrize("persona", ["manager", "admin", "other_kam", "teammate"])
def test_only_the_owning_kam_completes_a_review(world, persona):
    with pytest.raises(PermissionDenied):
        services.review_complete(
            actor=world.persona(persona), account=world.account, outcome=ReviewOutcome.CONFIRM
        )
    assert not AuditEntry.objects.exists()
    assert not DesignationReview.objects.exists()


def test_kams_see_the_reviews_of_the_accounts_they_own_only(world):
    assert list(review_accounts_visible_to(world.owner)) == [world.account]
    assert list(review_accounts_visible_to(world.other_kam)) == [world.other_account]
    assert set(review_accounts_visible_to(world.manager)) == {world.account, world.other_account}
    assert set(review_accounts_visible_to(world.admin)) == {world.account, world.other_account}
    assert not review_accounts_visible_to(world.teammate).exists()
    assert [r.account for r in due_reviews_for_user(world.owner)] == [world.account]
    assert due_reviews_for_user(world.teammate) == []


# Policy -----------------------------------------------------------------------------------------


def test_the_policy_has_defaults_until_someone_changes_it(world):
    policy = current_policy()

    assert (policy.key_account_cap, policy.review_interval_months) == (25, 12)
    assert policy._state.adding  # nothing was written by reading it
    assert not DesignationPolicy.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_management_and_administrators_change_the_policy_with_an_audit_entry(world, persona):
    services.policy_update(actor=world.persona(persona), key_account_cap=30, review_interval_months=6)
    services.policy_update(actor=world.persona(persona), key_account_cap=30, review_interval_months=6)

    policy = DesignationPolicy.objects.get()
    assert (policy.key_account_cap, policy.review_interval_months) == (30, 6)
    assert policy.updated_by == world.persona(persona)
    entry = AuditEntry.objects.get(action="designation.policy")  # the second call changed nothing
    assert entry.changes == {"key_account_cap": [25, 30], "review_interval_months": [12, 6]}


@pytest.mark.parametrize("persona", ["owner", "teammate"])
def test_kams_and_members_do_not_change_the_policy(world, persona):
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=world.persona(persona), key_account_cap=30, review_interval_months=12)


@pytest.mark.parametrize(
    ("cap", "interval", "field"),
    [(0, 12, "key_account_cap"), (25, 0, "review_interval_months"), (25, 61, "review_interval_months")],
)
def test_the_policy_refuses_values_out_of_range(world, cap, interval, field):
    with pytest.raises(ValidationError) as exc:
        services.policy_update(actor=world.manager, key_account_cap=cap, review_interval_months=interval)
    assert field in exc.value.message_dict


# History and helpers ----------------------------------------------------------------------------


def test_the_history_tells_the_whole_story_in_order(world):
    customer = CustomerFactory()
    first = _propose(world.owner, customer, world.owner)
    services.proposal_reject(actor=world.manager, proposal=first, note="Noch zu früh")
    second = _propose(world.manager, customer, world.owner, account_type=AccountType.EXISTING)
    services.proposal_approve(actor=world.manager, proposal=second)
    account = KeyAccount.objects.get(customer=customer)
    services.review_complete(actor=world.owner, account=account, outcome=ReviewOutcome.CONFIRM)

    history = history_for_customer(customer)

    assert [e.kind for e in history.events] == ["proposed", "rejected", "proposed", "approved", "reviewed"]
    assert history.account == account
    assert history.next_review is not None
    assert [p.pk for p in history.proposals] == [first.pk, second.pk]


def test_the_history_of_a_directly_designated_account_names_who_designated_it(world):
    history = history_for_customer(world.account.customer)

    assert [e.kind for e in history.events] == ["designated"]
    assert history.events[0].date_only
    assert history.next_review.due_date == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 11, 15), 2, date(2026, 1, 15)),
        (date(2025, 5, 1), 12, date(2026, 5, 1)),
        (date(2025, 5, 1), 60, date(2030, 5, 1)),
    ],
)
def test_months_are_added_calendar_wise(day, months, expected):
    assert add_months(day, months) == expected

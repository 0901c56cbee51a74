"""The designation pages: lists, forms, decisions, reviews, policy, history and exports."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from openkam.accounts.choices import AccountStatus, AccountType
from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.designations import services
from openkam.designations.choices import ProposalStatus, ReviewOutcome
from openkam.designations.models import DesignationPolicy, DesignationProposal, DesignationReview
from openkam.designations.selectors import add_months
from openkam.testing.factories import (
    CustomerFactory,
    CustomerRevenueFactory,
    DesignationProposalFactory,
    KeyAccountFactory,
    UserFactory,
)
from openkam.users.choices import Role

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _set_cap(cap: int) -> None:
    DesignationPolicy.objects.update_or_create(pk=1, defaults={"key_account_cap": cap})


# Proposal list ----------------------------------------------------------------------------------


def test_the_list_shows_the_cap_the_counts_and_only_the_kams_own_proposals(client, world):
    mine = DesignationProposalFactory(
        proposed_by=world.owner, proposed_owner=world.owner, customer__name="Gamma"
    )
    DesignationProposalFactory(
        proposed_by=world.other_kam, proposed_owner=world.other_kam, customer__name="Delta"
    )
    DesignationProposalFactory(
        proposed_by=world.owner,
        proposed_owner=world.owner,
        customer__name="Epsilon",
        status=ProposalStatus.REJECTED,
    )
    client.force_login(world.owner)

    html = _html(client.get(reverse("designations:proposal-list")))

    assert "2 of 25 key accounts" in html
    assert "Gamma" in html and "Epsilon" in html and "Delta" not in html
    assert reverse("designations:proposal-detail", args=[mine.pk]) in html
    assert '<dd data-status="proposed">1</dd>' in html
    assert '<dd data-status="rejected">1</dd>' in html


def test_management_filters_by_status_and_type_and_htmx_gets_the_table_only(client, world):
    DesignationProposalFactory(customer__name="Gamma", account_type=AccountType.EMERGING)
    DesignationProposalFactory(customer__name="Delta", account_type=AccountType.EXISTING)
    DesignationProposalFactory(customer__name="Epsilon", status=ProposalStatus.WITHDRAWN)
    client.force_login(world.manager)
    url = reverse("designations:proposal-list")

    html = _html(client.get(url, {"status": "proposed", "account_type": "existing"}))
    assert "Delta" in html and "Gamma" not in html and "Epsilon" not in html
    partial = _html(client.get(url, {"status": "withdrawn"}, headers={"HX-Request": "true"}))
    assert "<html" not in partial and "Epsilon" in partial and "Gamma" not in partial
    assert "status=withdrawn&amp;format=xlsx" in partial  # the export follows the filters


def test_an_invalid_filter_is_reported_not_ignored(client, world):
    client.force_login(world.manager)

    html = _html(client.get(reverse("designations:proposal-list"), {"status": "bogus"}))

    assert "Select a valid choice" in html


def test_the_proposal_list_needs_the_same_queries_for_2_and_40_proposals(client, world):
    client.force_login(world.manager)
    url = reverse("designations:proposal-list")
    DesignationProposalFactory.create_batch(2)
    _queries(client, url)
    few = _queries(client, url)
    DesignationProposalFactory.create_batch(38, status=ProposalStatus.REJECTED, decided_by=world.manager)
    many = _queries(client, url)
    # session, user, policy, cap count, page count, rows, status counts
    assert few == many == 7


# Proposing --------------------------------------------------------------------------------------


def test_a_kam_proposes_by_number_and_sees_the_proposal_without_the_customers_figures(client, world):
    customer = CustomerFactory(name="Gamma Hydraulik")
    CustomerRevenueFactory(customer=customer, revenue=Decimal("987654.00"))
    client.force_login(world.owner)

    form = _html(client.get(reverse("designations:proposal-create")))
    assert f'value="{world.owner.pk}" selected' in form  # the KAM proposes themselves by default
    response = client.post(
        reverse("designations:proposal-create"),
        {
            "customer": customer.number,
            "account_type": "emerging",
            "reason": "Neues Werk",
            "proposed_owner": world.owner.pk,
        },
    )

    proposal = DesignationProposal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("designations:proposal-detail", args=[proposal.pk])
    html = _html(client.get(response.url))
    assert "Gamma Hydraulik" in html
    # The revenue is evidence for those who may see the customer (in any number format).
    assert not any(figure in html for figure in ("987.654", "987,654", "987654"))
    assert "shown to those who may see the customer" in html
    assert "Withdraw" in html and "Approve" not in html


def test_an_unknown_number_and_a_foreign_key_account_give_the_same_answer(client, world):
    client.force_login(world.owner)
    url = reverse("designations:proposal-create")
    data = {"account_type": "existing", "reason": "Groß", "proposed_owner": world.owner.pk}

    unknown = _html(client.post(url, {**data, "customer": "NOPE-1"}))
    foreign = _html(client.post(url, {**data, "customer": world.other_account.customer.number}))

    marker = "No customer with this number can be proposed."
    assert marker in unknown and marker in foreign
    assert "Beta Antriebe" not in foreign
    assert not DesignationProposal.objects.exists()


def test_the_selection_presets_the_customer_for_those_who_may_see_it(client, world):
    customer = CustomerFactory(name="Gamma Hydraulik")
    url = reverse("designations:proposal-create") + f"?customer={customer.pk}"

    client.force_login(world.manager)
    html = _html(client.get(url))
    assert f'value="{customer.number}"' in html and "Gamma Hydraulik" in html

    client.force_login(world.owner)
    html = _html(client.get(url))
    assert customer.number not in html and "Gamma Hydraulik" not in html
    assert _html(client.get(reverse("designations:proposal-create") + "?customer=x"))


def test_the_propose_form_refuses_unknown_fields(client, world):
    client.force_login(world.manager)

    html = _html(
        client.post(
            reverse("designations:proposal-create"),
            {
                "customer": CustomerFactory().number,
                "account_type": "existing",
                "reason": "Groß",
                "proposed_owner": world.owner.pk,
                "status": "approved",
            },
        )
    )

    assert "Unknown field(s): status" in html
    assert not DesignationProposal.objects.exists()


def test_only_active_kams_are_offered_as_owner(client, world):
    UserFactory(role=Role.KAM, is_active=False, first_name="Ina", last_name="Inaktiv")
    client.force_login(world.manager)

    html = _html(client.get(reverse("designations:proposal-create")))
    select = html.split('name="proposed_owner"', 1)[1].split("</select>", 1)[0]

    assert "Katrin Amann" in select and "Otto Ohm" in select
    assert "Ina Inaktiv" not in select and "Hanna Haupt" not in select and "Tom Teich" not in select


# Deciding ---------------------------------------------------------------------------------------


def test_management_sees_the_evidence_and_approves_within_the_cap(client, world):
    customer = CustomerFactory(name="Gamma Hydraulik")
    CustomerRevenueFactory(customer=customer, revenue=Decimal("987654.00"))
    proposal = services.proposal_create(
        actor=world.owner,
        customer=customer,
        account_type="emerging",
        reason="Neues Werk",
        proposed_owner=world.owner,
    )
    client.force_login(world.manager)
    detail = reverse("designations:proposal-detail", args=[proposal.pk])

    html = _html(client.get(detail))
    assert "€987,654" in html
    assert 'name="cap_justification"' not in html  # within the cap: no justification asked
    response = client.post(
        reverse("designations:proposal-decide", args=[proposal.pk]), {"decision": "approve"}
    )

    assert response.status_code == 302
    account = KeyAccount.objects.get(customer=customer)
    assert account.owner == world.owner
    html = _html(client.get(detail))
    assert "Approved" in html and reverse("accounts:detail", args=[account.pk]) in html


def test_over_the_cap_the_justification_is_asked_and_required(client, world):
    _set_cap(2)
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    client.force_login(world.manager)
    decide = reverse("designations:proposal-decide", args=[proposal.pk])

    html = _html(client.get(reverse("designations:proposal-detail", args=[proposal.pk])))
    assert 'name="cap_justification"' in html and 'id="cap-warning"' in html
    refused = _html(client.post(decide, {"decision": "approve", "cap_justification": ""}))
    assert "Explain why this one should be added beyond the cap." in refused
    assert not KeyAccount.objects.filter(customer=proposal.customer).exists()

    response = client.post(decide, {"decision": "approve", "cap_justification": "Referenzkunde"})

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.cap_justification == "Referenzkunde"


def test_a_rejection_without_a_note_is_refused_on_the_page(client, world):
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    client.force_login(world.manager)
    decide = reverse("designations:proposal-decide", args=[proposal.pk])

    html = _html(client.post(decide, {"decision": "reject", "note": ""}))
    assert "Say why the proposal is rejected." in html
    response = client.post(decide, {"decision": "reject", "note": "Zu klein"})

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.decision_note == "Zu klein"


def test_deciding_twice_shows_an_error_instead_of_a_crash(client, world):
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    client.force_login(world.manager)
    decide = reverse("designations:proposal-decide", args=[proposal.pk])
    client.post(decide, {"decision": "reject", "note": "Nein"})

    response = client.post(decide, {"decision": "approve"}, follow=True)

    assert response.redirect_chain[-1][1] == 302
    assert "decided or withdrawn already" in response.content.decode()


def test_the_proposer_withdraws_with_a_note(client, world):
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    client.force_login(world.owner)

    response = client.post(
        reverse("designations:proposal-withdraw", args=[proposal.pk]), {"note": "Kunde wurde übernommen"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    html = _html(client.get(response.url))
    assert "Proposal withdrawn." in html and "Kunde wurde übernommen" in html


# Reviews ----------------------------------------------------------------------------------------


def test_the_review_list_shows_overdue_reviews_and_offers_the_review_to_the_owner_only(client, world):
    client.force_login(world.manager)
    html = _html(client.get(reverse("designations:review-list")))
    assert "Alpha Maschinenbau" in html and "Beta Antriebe" in html
    assert '<dd data-state="overdue">2</dd>' in html
    assert reverse("designations:review-complete", args=[world.account.pk]) not in html

    client.force_login(world.owner)
    html = _html(client.get(reverse("designations:review-list")))
    assert "Alpha Maschinenbau" in html and "Beta Antriebe" not in html
    assert reverse("designations:review-complete", args=[world.account.pk]) in html


def test_the_review_list_needs_the_same_queries_for_2_and_30_accounts(client, world):
    client.force_login(world.manager)
    url = reverse("designations:review-list")
    _queries(client, url)
    few = _queries(client, url)
    for _ in range(28):
        KeyAccountFactory(owner=world.owner)
    many = _queries(client, url)
    # session, user, policy, cap count, open reviews
    assert few == many == 5


def test_the_owner_completes_a_review_and_the_history_shows_it(client, world):
    client.force_login(world.owner)
    url = reverse("designations:review-complete", args=[world.account.pk])
    form = _html(client.get(url))
    assert add_months(timezone.localdate(), 12).isoformat() in form  # the next date is proposed

    response = client.post(
        url,
        {
            "outcome": ReviewOutcome.CHANGE_TYPE,
            "note": "Wächst wieder stark",
            "next_due_date": add_months(timezone.localdate(), 12).isoformat(),
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("designations:history", args=[world.account.customer_id])
    world.account.refresh_from_db()
    assert world.account.account_type == AccountType.EMERGING
    html = _html(client.get(response.url))
    assert "Change the type (existing ↔ emerging)" in html and "Wächst wieder stark" in html


def test_ending_a_designation_ignores_the_prefilled_next_date(client, world):
    client.force_login(world.owner)

    response = client.post(
        reverse("designations:review-complete", args=[world.account.pk]),
        {
            "outcome": ReviewOutcome.END,
            "note": "Kein Potenzial",
            "next_due_date": add_months(timezone.localdate(), 12).isoformat(),
        },
    )

    assert response.status_code == 302
    world.account.refresh_from_db()
    assert world.account.status == AccountStatus.ENDED
    assert not DesignationReview.objects.filter(completed_at__isnull=True).exists()
    html = _html(client.get(reverse("designations:review-complete", args=[world.account.pk])))
    assert "Only active and on-hold key accounts are reviewed." in html
    assert 'name="outcome"' not in html


def test_a_review_without_a_note_is_refused_on_the_page(client, world):
    client.force_login(world.owner)

    html = _html(
        client.post(
            reverse("designations:review-complete", args=[world.account.pk]), {"outcome": "hold", "note": ""}
        )
    )

    assert "Say why the designation changes." in html
    assert not DesignationReview.objects.exists()


def test_the_done_filter_lists_completed_reviews(client, world):
    services.review_complete(actor=world.owner, account=world.account, outcome="confirm")
    client.force_login(world.manager)

    html = _html(client.get(reverse("designations:review-list"), {"state": "done"}))

    assert "Confirm the designation" in html and "Katrin Amann" in html


# Policy and history -----------------------------------------------------------------------------


def test_management_changes_the_policy_on_its_page(client, world):
    client.force_login(world.manager)
    url = reverse("designations:policy")

    assert 'value="25"' in _html(client.get(url))
    response = client.post(url, {"key_account_cap": "30", "review_interval_months": "6"})

    assert response.status_code == 302
    policy = DesignationPolicy.objects.get()
    assert (policy.key_account_cap, policy.review_interval_months) == (30, 6)
    assert AuditEntry.objects.filter(action="designation.policy", actor=world.manager).exists()
    html = _html(client.post(url, {"key_account_cap": "0", "review_interval_months": "6"}))
    assert "greater than or equal to 1" in html


def test_the_history_of_a_directly_designated_account(client, world):
    client.force_login(world.owner)

    html = _html(client.get(reverse("designations:history", args=[world.account.customer_id])))

    assert "without a proposal in OpenKAM" in html
    assert "OpenKAM (automatic)" in html  # the factory designated it, not a person
    assert reverse("designations:review-complete", args=[world.account.pk]) in html
    assert reverse("accounts:detail", args=[world.account.pk]) in html


def test_the_history_shows_decisions_with_who_when_why_and_the_cap(client, world):
    _set_cap(2)
    customer = CustomerFactory(name="Gamma Hydraulik")
    proposal = services.proposal_create(
        actor=world.owner,
        customer=customer,
        account_type="emerging",
        reason="Neues Werk",
        proposed_owner=world.owner,
    )
    services.proposal_approve(actor=world.manager, proposal=proposal, cap_justification="Referenzkunde")
    client.force_login(world.admin)

    html = _html(client.get(reverse("designations:history", args=[customer.pk])))

    assert "Katrin Amann" in html and "Hanna Haupt" in html
    assert "approved the designation." in html
    assert "Key accounts before the decision: 2 of 2" in html
    assert "Referenzkunde" in html
    # Administrators do not see account data: no link to the account page.
    assert reverse("accounts:detail", args=[proposal.key_account_id]) not in html


def test_the_history_of_a_customer_without_designation_offers_a_proposal(client, world):
    customer = CustomerFactory()
    client.force_login(world.manager)

    html = _html(client.get(reverse("designations:history", args=[customer.pk])))

    assert "This customer is not a key account." in html
    assert f"{reverse('designations:proposal-create')}?customer={customer.pk}" in html


# Exports ----------------------------------------------------------------------------------------


def test_the_proposal_export_is_an_xlsx_of_the_visible_filtered_list(client, world):
    DesignationProposalFactory(
        proposed_by=world.owner, proposed_owner=world.owner, customer__name="=Gamma", reason="Wachstum"
    )
    DesignationProposalFactory(
        proposed_by=world.other_kam, proposed_owner=world.other_kam, customer__name="Delta"
    )
    client.force_login(world.owner)

    response = client.get(reverse("designations:proposal-export"), {"format": "xlsx", "status": "proposed"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="designation-proposals.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Customer number", "Customer", "Type", "Status")
    assert len(rows) == 2
    assert rows[1][1] == "'=Gamma"  # no formula from user text
    assert rows[1][3] == "Open"


def test_the_review_export_is_a_german_csv_for_german_users(client, world):
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)

    response = client.get(reverse("designations:review-export"), {"format": "csv"})

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Kundennummer"
    assert [r[1] for r in rows[1:]] == ["Alpha Maschinenbau"]
    assert rows[1][5] == "2025-01-01"


def test_an_export_without_a_valid_format_is_a_bad_request(client, world):
    client.force_login(world.manager)

    assert client.get(reverse("designations:proposal-export"), {"format": "pdf"}).status_code == 400
    assert (
        client.get(reverse("designations:review-export"), {"state": "x", "format": "csv"}).status_code == 400
    )


def test_the_proposal_page_needs_a_fixed_number_of_queries(client, world):
    proposal = DesignationProposalFactory(proposed_by=world.owner, proposed_owner=world.owner)
    client.force_login(world.manager)
    url = reverse("designations:proposal-detail", args=[proposal.pk])
    _queries(client, url)

    # session, user, proposal, policy, cap count
    assert _queries(client, url) == 5


def test_the_history_page_needs_the_same_queries_for_1_and_12_reviews(client, world):
    client.force_login(world.owner)
    url = reverse("designations:history", args=[world.account.customer_id])
    services.review_complete(actor=world.owner, account=world.account, outcome="confirm")
    _queries(client, url)
    few = _queries(client, url)
    for _ in range(11):
        services.review_complete(actor=world.owner, account=world.account, outcome="confirm")
    DesignationProposalFactory.create_batch(
        3, customer=world.account.customer, status=ProposalStatus.REJECTED
    )
    many = _queries(client, url)
    # session, user, customer, account, proposals, reviews, who designated it (audit), policy and
    # next review, the page's policy and cap count, account visible
    assert few == many == 12


def test_links_carry_ids_without_thousands_separators(client, world):
    # Numbers in templates are localised (4.935 / 4,935); ids in URLs must not be.
    customer = CustomerFactory(pk=12345)
    client.force_login(world.manager)

    html = _html(client.get(reverse("designations:history", args=[customer.pk])))

    assert f"{reverse('designations:proposal-create')}?customer=12345" in html

"""The demo pipeline: every key account gets a realistic, consistent, reproducible pipeline."""

import datetime

import pytest

from openkam.accounts.models import KeyAccount
from openkam.business.choices import CellStatus
from openkam.core.models import AuditEntry
from openkam.demo.generator import DemoSpec, generate_company
from openkam.opportunities.choices import CLOSED_STAGES, OPEN_STAGES, QUALIFICATION, Stage
from openkam.opportunities.demo import seed_opportunities
from openkam.opportunities.models import DecisionParticipant, Opportunity, QualificationCheck, StageChange
from openkam.opportunities.rules import missing_checks, stages_left

pytestmark = pytest.mark.django_db

SMALL = DemoSpec(customers=300, lines=20_000, accounts=8, chunk_rows=4_000)
TODAY = datetime.date(2026, 3, 15)


def _signature():
    return sorted(
        Opportunity.objects.values_list(
            "account__customer__number",
            "title",
            "stage",
            "value",
            "probability",
            "expected_close",
            "closed_on",
        )
    )


def test_every_demo_account_gets_a_consistent_pipeline(tmp_path):
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")
    # The generator seeded the pipeline relative to the real date; seed again for a fixed one.
    Opportunity.objects.all().delete()
    AuditEntry.objects.filter(action__startswith="opportunities.").delete()
    result = seed_opportunities(today=TODAY)

    accounts = list(KeyAccount.objects.order_by("pk"))
    assert result.accounts == len(accounts) >= 8
    for account in accounts:
        stages = set(Opportunity.objects.filter(account=account).values_list("stage", flat=True))
        assert stages & set(OPEN_STAGES) and Stage.WON in stages and Stage.LOST in stages, account
    assert result.from_cells > 0 and result.with_goal > 0 and result.participants > 0
    # Links stay within the account.
    for opp in Opportunity.objects.filter(whitespace_cell__isnull=False).select_related("whitespace_cell"):
        assert opp.whitespace_cell.account_id == opp.account_id
        assert opp.whitespace_cell.status == CellStatus.OPPORTUNITY
    for opp in Opportunity.objects.filter(plan_goal__isnull=False).select_related("plan_goal__plan"):
        assert opp.plan_goal.plan.account_id == opp.account_id
    for p in DecisionParticipant.objects.select_related("stakeholder", "opportunity"):
        assert p.stakeholder.account_id == p.opportunity.account_id

    earliest = TODAY - datetime.timedelta(days=550)
    for opp in Opportunity.objects.prefetch_related("checks", "stage_changes"):
        history = list(opp.stage_changes.all())
        # The history starts with the creation and ends in the current stage, within 18 months.
        assert history[0].from_stage == "" and history[-1].to_stage == opp.stage
        assert all(earliest <= c.changed_at.date() <= TODAY for c in history)
        assert [c.changed_at for c in history] == sorted(c.changed_at for c in history)
        # Every forward move had its checklist: replaying the history never meets a missing item.
        for change in history[1:]:
            if change.to_stage != Stage.LOST:
                left = stages_left(change.from_stage, change.to_stage)
                ticked = {c.item for c in opp.checks.all()}
                assert all(key in ticked for s in left for key, _l in QUALIFICATION[s]), opp
        if opp.stage in CLOSED_STAGES:
            assert opp.close_reason and opp.closed_on <= TODAY
        else:
            assert opp.next_steps and not opp.close_reason
            assert missing_checks(opp, Stage.LOST) == []
        if opp.stage in (Stage.SOLUTION, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON):
            assert any("decision_maker" in p.roles for p in opp.participants.all()), opp
    assert QualificationCheck.objects.exists() and StageChange.objects.count() > Opportunity.objects.count()
    assert (
        AuditEntry.objects.filter(action="opportunities.opportunity.create").count()
        == Opportunity.objects.count()
    )

    # Nothing twice; and the same company and date give the same pipeline again.
    first = _signature()
    assert seed_opportunities(today=TODAY) == type(result)()
    Opportunity.objects.all().delete()
    seed_opportunities(today=TODAY)
    assert _signature() == first


def test_without_key_accounts_nothing_is_seeded(db):
    assert seed_opportunities().opportunities == 0
    assert not Opportunity.objects.exists()

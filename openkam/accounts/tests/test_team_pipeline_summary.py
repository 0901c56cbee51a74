"""The account overview sums up the team's role coverage, its RACI matrix and the pipeline."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from openkam.opportunities.choices import CloseReason, Stage
from openkam.opportunities.tests.factories import OpportunityFactory
from openkam.raci.tests.factories import RaciTaskFactory
from openkam.teams.choices import AccountRole
from openkam.teams.tests.factories import RoleAssignmentFactory


def _summary(client, world) -> str:
    client.force_login(world.owner)
    html = client.get(reverse("accounts:detail", args=[world.account.pk])).content.decode()
    start = html.index('id="team-pipeline-summary"')
    return html[start : html.index("</section>", start)]


def test_the_summary_names_uncovered_roles_raci_points_and_the_pipeline(client, world):
    for role in AccountRole.values[:4]:
        RoleAssignmentFactory(account=world.account, role=role, user=world.teammate)
    # Nobody is Accountable; everyone else has a duty, so that is the one point.
    RaciTaskFactory(
        account=world.account,
        title="Escalations",
        letters={world.teammate: "R", world.owner: "C", world.extended: "I"},
    )
    OpportunityFactory(account=world.account, value=Decimal("100000"), stage=Stage.PROPOSAL)  # 60 %
    OpportunityFactory(
        account=world.account,
        value=Decimal("40000"),
        stage=Stage.WON,
        closed_on=timezone.localdate(),
        close_reason=CloseReason.PRICE,
    )
    OpportunityFactory(account=world.other_account, value=Decimal("999000"), stage=Stage.PROPOSAL)

    summary = _summary(client, world)

    assert "Account-management roles nobody covers: Innovator, Results driver" in summary
    assert "The RACI matrix has 1 point to check" in summary
    assert "100,000" in summary and "60,000" in summary and "40,000" in summary
    assert "999,000" not in summary and "999.000" not in summary  # the other account's sum


def test_a_complete_team_says_so(client, world):
    for role in AccountRole.values:
        RoleAssignmentFactory(account=world.account, role=role, user=world.owner)
    summary = _summary(client, world)
    assert "All six account-management roles are covered." in summary
    assert "The RACI matrix meets its rules." in summary

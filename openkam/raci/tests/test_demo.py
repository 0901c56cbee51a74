"""The RACI matrices of the demo company."""

from collections import Counter

import pytest

from openkam.accounts.choices import InternalRole
from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.demo.generator import DemoSpec, generate_company
from openkam.raci.demo import seed_raci
from openkam.raci.models import RaciAssignment, RaciTask
from openkam.raci.selectors import raci_problems
from openkam.testing.factories import KeyAccountFactory, TeamMembershipFactory, UserFactory
from openkam.users.choices import Role

pytestmark = pytest.mark.django_db

SMALL = DemoSpec(customers=300, lines=20_000, accounts=8, chunk_rows=4_000)


def _rules_hold(task) -> bool:
    letters = Counter(task.assignments.values_list("letter", flat=True))
    return letters["A"] == 1 and letters["R"] >= 1


def test_every_account_with_a_team_gets_templates_own_tasks_and_two_get_a_problem(world):
    UserFactory(
        username="service1", first_name="Sven", last_name="Sauer", role=Role.MEMBER, job_title="Service"
    )
    accounts = [world.account, world.other_account]
    for _ in range(3):
        account = KeyAccountFactory(owner=world.other_kam)
        TeamMembershipFactory(account=account, internal_role=InternalRole.ENGINEERING)
        accounts.append(account)
    TeamMembershipFactory(account=world.other_account, internal_role=InternalRole.SERVICE)
    lonely = KeyAccountFactory(owner=world.owner)  # the KAM alone: no valid row possible

    result = seed_raci()

    assert result.accounts == 5 and result.problems == 2
    for account in accounts:
        tasks = list(RaciTask.objects.filter(account=account))
        templates = [t for t in tasks if t.template_key]
        assert len(templates) == 8
        assert 1 <= len(tasks) - len(templates) <= 2
    assert not RaciTask.objects.filter(account=lonely).exists()
    assert result.adaptations >= 1
    # The problems: escalations of the second and fifth account with a colleague who left.
    for index, account in enumerate(KeyAccount.objects.order_by("pk")):
        kinds = {p.kind for p in raci_problems(account) if p.kind != "no_duty"}
        assert kinds == ({"former_member"} if index in (1, 4) else set()), index
    sven = RaciAssignment.objects.filter(user__username="service1").select_related("task")
    assert [(a.task.template_key, a.letter) for a in sven] == [("escalations", "R"), ("escalations", "R")]
    assert all(_rules_hold(task) for task in RaciTask.objects.all())
    # Written by each account's KAM.
    actors = set(AuditEntry.objects.filter(action__startswith="raci.").values_list("actor", flat=True))
    assert actors == {world.owner.pk, world.other_kam.pk}

    counts = (RaciTask.objects.count(), RaciAssignment.objects.count(), AuditEntry.objects.count())
    assert seed_raci() == type(result)()
    assert (RaciTask.objects.count(), RaciAssignment.objects.count(), AuditEntry.objects.count()) == counts


def test_the_demo_company_gets_raci_matrices(tmp_path):
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")
    RaciTask.objects.all().delete()  # the generator may seed the matrices itself

    result = seed_raci()

    with_team = [a for a in KeyAccount.objects.all() if a.team_memberships.exists()]
    assert result.accounts == len(with_team) > 5
    assert result.problems == 2
    german = RaciTask.objects.filter(template_key="annual_review").exclude(account__owner__language="en")
    assert german.exists()

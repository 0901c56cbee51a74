"""The buying centers of the demo company."""

from collections import Counter

import pytest

from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.demo.generator import DemoSpec, generate_company
from openkam.stakeholders.choices import Attitude, BuyingRole, HierarchyLevel, Influence
from openkam.stakeholders.demo import STATES, seed_stakeholders
from openkam.stakeholders.models import Stakeholder
from openkam.stakeholders.selectors import is_relationship_owner_candidate, level_rank

pytestmark = pytest.mark.django_db

SMALL = DemoSpec(customers=300, lines=20_000, accounts=8, chunk_rows=4_000)
LEVELS = set(HierarchyLevel.values)


def _snapshot():
    return sorted(
        (
            s.account_id,
            s.first_name,
            s.last_name,
            s.function,
            s.hierarchy_level,
            str(s.reports_to or ""),
            tuple(s.buying_roles),
            s.is_coach,
            s.attitude,
            s.influence,
            s.relationship_strength,
            s.relationship_owner_id,
        )
        for s in Stakeholder.objects.select_related("reports_to")
    )


def _check_buying_center(account):
    people = list(
        Stakeholder.objects.filter(account=account).select_related("reports_to", "relationship_owner")
    )
    assert 6 <= len(people) <= 14, account
    by_pk = {p.pk: p for p in people}
    for person in people:
        assert person.hierarchy_level in LEVELS
        assert set(person.buying_roles) <= set(BuyingRole.values) and person.buying_roles
        assert person.influence in Influence.values
        if person.reports_to_id is not None:
            boss = by_pk[person.reports_to_id]  # same account
            # A boss sits on the same level or higher; walking up ends at a root (no loop).
            assert level_rank(boss) <= level_rank(person)
            seen, current = set(), person
            while current.reports_to_id is not None:
                assert current.pk not in seen
                seen.add(current.pk)
                current = by_pk[current.reports_to_id]
        if person.relationship_owner is not None:
            assert is_relationship_owner_candidate(account, person.relationship_owner)
    return people


def test_the_world_gets_buying_centers_enriching_who_is_there_and_a_second_call_changes_nothing(world):
    before = world.stakeholder.pk

    result = seed_stakeholders()

    assert result.accounts == 2
    for account in (world.account, world.other_account):
        people = _check_buying_center(account)
        # Every level is staffed and the management sits at the top of the tree.
        assert {p.hierarchy_level for p in people} == LEVELS
        roots = [p for p in people if p.reports_to_id is None]
        assert [r.hierarchy_level for r in roots] == [HierarchyLevel.EXECUTIVE]
    # The stakeholder that was there is enriched in place, not duplicated.
    original = Stakeholder.objects.get(pk=before)
    assert original.hierarchy_level == HierarchyLevel.PROJECT
    assert Stakeholder.objects.filter(account=world.account, last_name=original.last_name).count() == 1
    # Written through the services, as the account owners.
    actors = set(AuditEntry.objects.filter(action__startswith="stakeholder.").values_list("actor", flat=True))
    assert actors == {world.owner.pk, world.other_kam.pk}

    snapshot, entries = _snapshot(), AuditEntry.objects.count()
    assert seed_stakeholders() == type(result)()
    assert _snapshot() == snapshot and AuditEntry.objects.count() == entries


def test_the_same_accounts_get_the_same_buying_centers(world):
    seed_stakeholders()
    first = _snapshot()
    # Back to what the generator left: its stakeholder per account, without the enrichment.
    Stakeholder.objects.exclude(pk__in=[world.stakeholder.pk, world.other_stakeholder.pk]).delete()
    Stakeholder.objects.update(
        hierarchy_level="",
        reports_to=None,
        buying_roles=[],
        is_coach=False,
        attitude=None,
        influence=None,
        relationship_strength=None,
        relationship_owner=None,
        notes="",
    )

    seed_stakeholders()

    assert _snapshot() == first


def test_the_demo_company_has_realistic_buying_centers_with_gaps_for_the_alerts(tmp_path):
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")
    seed_stakeholders()

    accounts = list(KeyAccount.objects.order_by("pk"))
    assert len(accounts) >= STATES
    for index, account in enumerate(accounts):
        people = _check_buying_center(account)
        state = index % STATES
        coaches = [p for p in people if p.is_coach]
        assert len(coaches) == (0 if state == 1 else 1), (index, coaches)
        big_blockers = [
            p
            for p in people
            if BuyingRole.BLOCKER in p.buying_roles
            and p.influence >= Influence.HIGH
            and p.relationship_owner is None
        ]
        assert bool(big_blockers) == (state == 2), index
        owners = Counter(p.relationship_owner_id for p in people if p.relationship_owner_id)
        top_share = max(owners.values()) / sum(owners.values())
        if state == 3:
            assert top_share >= 0.8 and owners.most_common(1)[0][0] == account.owner_id
        executives = [p for p in people if p.hierarchy_level == HierarchyLevel.EXECUTIVE]
        assert executives
        uncovered = all(p.relationship_owner is None for p in executives)
        assert uncovered == (state == 4), index
        if state == 0:
            assert top_share < 0.7
            assert {p.hierarchy_level for p in people if p.relationship_owner_id} == LEVELS
            assert any(p.attitude == Attitude.CHAMPION for p in people)

"""Reads of the stakeholders app, for the buying-center pages, the map, the API and other apps.

Every function takes an account that the caller has already loaded through
``openkam.accounts.permissions.get_account_for_user``; nothing here checks access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.users.models import User

from .choices import HierarchyLevel
from .models import Stakeholder

#: Position of each hierarchy level in lists and the map: the top floor first, unknown last.
LEVEL_ORDER = {level: index for index, level in enumerate(HierarchyLevel.values)}


def stakeholders_for_account(account) -> QuerySet[Stakeholder]:
    """The stakeholders of an account, by last name, with boss and relationship owner joined."""
    return (
        Stakeholder.objects.filter(account=account)
        .select_related("reports_to", "relationship_owner")
        .order_by("last_name", "first_name")
    )


def level_rank(stakeholder: Stakeholder) -> int:
    return LEVEL_ORDER.get(stakeholder.hierarchy_level, len(LEVEL_ORDER))


@dataclass(frozen=True)
class StakeholderFilter:
    """The filters of the buying-center page and the map; empty values do not filter.

    ``owner_id`` 0 means "people nobody of ours owns".
    """

    level: str = ""
    role: str = ""
    attitude: int | None = None
    owner_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.level or self.role or self.attitude is not None or self.owner_id is not None)

    def matches(self, stakeholder: Stakeholder) -> bool:
        if self.level and stakeholder.hierarchy_level != self.level:
            return False
        if self.role and self.role not in (stakeholder.buying_roles or []):
            return False
        if self.attitude is not None and stakeholder.attitude != self.attitude:
            return False
        return self.owner_id is None or (stakeholder.relationship_owner_id or 0) == self.owner_id


def buying_center_for_account(account, filters: StakeholderFilter | None = None) -> list[Stakeholder]:
    """The account's stakeholders matching ``filters``, by hierarchy level and then by name.

    One query. The roles are a JSON list, which SQLite cannot search inside, and a buying center
    has a few dozen people at most: the filters run in Python on the loaded rows.
    """
    filters = filters or StakeholderFilter()
    people = [s for s in stakeholders_for_account(account) if filters.matches(s)]
    return sorted(people, key=lambda s: (level_rank(s), s.last_name, s.first_name, s.pk))


def stakeholder_with_reports(stakeholder: Stakeholder) -> tuple[Stakeholder, list[Stakeholder]]:
    """The stakeholder and the people reporting directly to them, by name (one query)."""
    reports = list(
        Stakeholder.objects.filter(reports_to=stakeholder)
        .select_related("relationship_owner")
        .order_by("last_name", "first_name")
    )
    return stakeholder, reports


def relationship_owner_candidates(account: KeyAccount, *, including: int | None = None) -> QuerySet[User]:
    """Who may own relationships at the account: its key account manager and its team members.

    ``including`` adds one more user (a colleague who owns a relationship and has left the team
    since), so a form can show the value that is stored.
    """
    extra = Q(pk=including) if including is not None else Q(pk__in=[])
    return (
        User.objects.filter(Q(pk=account.owner_id) | Q(team_memberships__account=account) | extra)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def is_relationship_owner_candidate(account: KeyAccount, user) -> bool:
    if user.pk == account.owner_id:
        return True
    return TeamMembership.objects.filter(account=account, user_id=user.pk).exists()

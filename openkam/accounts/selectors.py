"""Reads for the account screens and endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from openkam.core.selectors import timeline_for_account
from openkam.sales.selectors import customer_revenue_history, latest_fiscal_year, revenue_in_year
from openkam.stakeholders.models import Stakeholder
from openkam.stakeholders.selectors import stakeholders_for_account
from openkam.users.models import User

from .models import KeyAccount, TeamMembership
from .permissions import accounts_visible_to, get_account_for_user


@dataclass(frozen=True)
class AccountFilter:
    query: str = ""
    account_type: str = ""
    status: str = ""
    owner_id: int | None = None
    mine: bool = False


def _team_subquery(expression) -> Subquery:
    """One value per account computed over its team (correlated, so no GROUP BY on the list)."""
    return Subquery(
        TeamMembership.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(value=expression)
        .values("value")
    )


def accounts_for_list(
    user, filters: AccountFilter | None = None, *, year: int | None = None
) -> QuerySet[KeyAccount]:
    """The accounts ``user`` may see, filtered, with owner, team and last fiscal year's revenue.

    Adds ``last_revenue``, ``team_names`` (comma-separated, by last name), ``team_size`` (the
    owner included) and ``stakeholder_count``. Every annotation is a correlated subquery rather
    than a join with GROUP BY, so the paginator's COUNT drops them, and a page of rows is one
    query without a model instance per team member.
    """
    filters = filters or AccountFilter()
    year = year or latest_fiscal_year()
    qs = (
        accounts_visible_to(user)
        .select_related("customer", "owner")
        # Lists show a few fields of customer and owner; a page has 50 of each.
        .defer(
            "updated_at",
            "customer__legal_form",
            "customer__industry",
            "customer__parent",
            "customer__created_at",
            "owner__password",
            "owner__last_login",
            "owner__is_superuser",
            "owner__email",
            "owner__is_staff",
            "owner__date_joined",
            "owner__job_title",
        )
        .annotate(
            last_revenue=revenue_in_year(year, ref="customer_id"),
            team_names=_team_subquery(
                StringAgg(
                    Concat("user__first_name", Value(" "), "user__last_name"),
                    Value(", "),
                    # SQLite before 3.44 cannot order inside an aggregate: there the names come
                    # in the order the members joined.
                    order_by=("user__last_name", "user__first_name")
                    if connection.features.supports_aggregate_order_by_clause
                    else None,
                )
            ),
            team_size=Coalesce(_team_subquery(Count("pk")), 0) + 1,
            stakeholder_count=Coalesce(
                Subquery(
                    Stakeholder.objects.filter(account=OuterRef("pk"))
                    .order_by()
                    .values("account")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
    )
    if filters.query:
        q = filters.query.strip()
        qs = qs.filter(
            Q(customer__name__icontains=q) | Q(customer__number__icontains=q) | Q(customer__city__icontains=q)
        )
    if filters.account_type:
        qs = qs.filter(account_type=filters.account_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.owner_id:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.mine:
        qs = qs.filter(owner=user)
    return qs.order_by("customer__name")


def owners_for_filter(user):
    """The KAMs owning accounts visible to ``user``, for the owner filter."""
    return User.objects.filter(owned_accounts__in=accounts_visible_to(user)).distinct().order_by("last_name")


def account_team(account: KeyAccount) -> list[TeamMembership]:
    return list(account.team_memberships.select_related("user").order_by("scope", "user__last_name"))


@dataclass
class AccountDetail:
    account: KeyAccount
    team: list[TeamMembership]
    stakeholders: list
    revenues: list
    timeline: list


def hidden_timeline_prefixes(user, account: KeyAccount) -> tuple[str, ...]:
    """The audit actions ``user`` may not see on the account's timeline.

    Entries about personality profiles and the personality permission carry no profile content,
    but that someone keeps profiles is itself personal data: only viewers with the personality
    permission see them.
    """
    # The personality app builds on accounts: imported here to keep that direction.
    from openkam.personality.permissions import can_see_personality

    return () if can_see_personality(user, account) else ("personality.",)


def timeline_for_viewer(user, account: KeyAccount, *, limit: int = 50):
    """The account's newest audit entries that ``user`` may see (see ``hidden_timeline_prefixes``)."""
    return timeline_for_account(
        account.pk, limit=limit, exclude_action_prefixes=hidden_timeline_prefixes(user, account)
    )


def account_detail_for_user(user, pk) -> AccountDetail:
    """Everything the account page shows, loaded through the access helper in a fixed number of queries."""
    account = get_account_for_user(user, pk)
    return AccountDetail(
        account=account,
        team=account_team(account),
        stakeholders=list(stakeholders_for_account(account)),
        revenues=customer_revenue_history(account.customer),
        timeline=list(timeline_for_viewer(user, account)),
    )


def team_users(account: KeyAccount) -> QuerySet[User]:
    """The account's key account manager and every team member (core and extended)."""
    return (
        User.objects.filter(Q(pk=account.owner_id) | Q(team_memberships__account=account))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def is_on_team(account: KeyAccount, user) -> bool:
    """Whether ``user`` is the account's KAM or on its team (core or extended)."""
    if user.pk == account.owner_id:
        return True
    return TeamMembership.objects.filter(account=account, user_id=user.pk).exists()

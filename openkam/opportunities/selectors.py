"""Reads of the account's opportunity pages and of the places that show opportunities elsewhere
(the whitespace cell, the plan goals, My tasks).

Callers pass an account loaded through the access helper (``get_account_for_user``) or filter
by ``accounts_visible_to``; nothing here checks access itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import accounts_visible_to
from openkam.accounts.selectors import team_users
from openkam.business.choices import CellStatus
from openkam.business.models import WhitespaceCell
from openkam.plans.models import Goal
from openkam.stakeholders.choices import BuyingRole
from openkam.stakeholders.models import Stakeholder
from openkam.stakeholders.selectors import stakeholders_for_account
from openkam.users.models import User

from .choices import CLOSED_STAGES, OPEN_STAGES, QUALIFICATION, STAGE_ORDER, Stage
from .models import DecisionParticipant, Opportunity, StageChange
from .pipeline import PipelineTotals, pipeline_totals
from .rules import missing_checks, weighted_value


def opportunities_for_account(account: KeyAccount) -> QuerySet[Opportunity]:
    """The account's opportunities with owner, cell and goal joined, by expected close."""
    return (
        Opportunity.objects.filter(account=account)
        .select_related("owner", "whitespace_cell", "whitespace_cell__unit", "plan_goal", "plan_goal__plan")
        .order_by("expected_close", "pk")
    )


def in_list_order(opportunities) -> tuple[dict[str, list[Opportunity]], list[Opportunity]]:
    """The order of the account's opportunity list: ``({open stage: its opportunities}, closed)``.

    Open ones keep the order they come in (by expected close) within their stage; the stages
    follow :data:`OPEN_STAGES`; closed ones come last closed first. Used by the list page and its
    export, so both show the same order.
    """
    by_stage: dict[str, list[Opportunity]] = {stage: [] for stage in OPEN_STAGES}
    closed = []
    for opp in opportunities:
        (closed if opp.stage in CLOSED_STAGES else by_stage[opp.stage]).append(opp)
    closed.sort(key=lambda o: (o.closed_on or date.min, o.pk), reverse=True)
    return by_stage, closed


def team_user_ids(account: KeyAccount) -> set[int]:
    """The KAM and team members of the account, to flag people who have left the team."""
    return set(team_users(account).values_list("pk", flat=True))


@dataclass
class StageGroup:
    """The open opportunities of one stage with their sums."""

    stage: str
    label: str
    opportunities: list[Opportunity]

    @property
    def value(self) -> Decimal:
        return sum((o.value for o in self.opportunities), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        return sum((o.weighted for o in self.opportunities), Decimal(0))


@dataclass
class AccountPipeline:
    """What the account's opportunity list shows: open ones by stage, closed ones, totals."""

    groups: list[StageGroup]
    closed: list[Opportunity]
    totals: PipelineTotals
    year: int
    team_ids: set[int] = field(default_factory=set)

    @property
    def open_count(self) -> int:
        return sum(len(group.opportunities) for group in self.groups)


def account_pipeline(account: KeyAccount, *, today: date | None = None) -> AccountPipeline:
    """The account's opportunities for its list page, in three queries (rows, totals, team).

    Every row gets ``weighted`` (value × probability) and ``left_team`` (its owner is no longer
    on the team). Totals: open value and weighted pipeline of every open opportunity, won and
    lost in the current calendar year.
    """
    today = today or timezone.localdate()
    rows = list(opportunities_for_account(account))
    team = team_user_ids(account)
    for opp in rows:
        opp.weighted = weighted_value(opp)
        opp.left_team = opp.owner_id not in team
    by_stage, closed = in_list_order(rows)
    labels = dict(Stage.choices)
    groups = [StageGroup(stage, labels[stage], opps) for stage, opps in by_stage.items() if opps]
    totals = pipeline_totals(
        Opportunity.objects.filter(account=account), closed_from=date(today.year, 1, 1), closed_to=today
    )
    return AccountPipeline(groups=groups, closed=closed, totals=totals, year=today.year, team_ids=team)


# Detail -------------------------------------------------------------------------------------------


@dataclass
class ChecklistItem:
    key: str
    label: object
    checked: bool
    check: object | None


@dataclass
class ChecklistStage:
    """The exit criteria of one open stage and where the opportunity stands with them."""

    stage: str
    label: str
    items: list[ChecklistItem]
    state: str  # "done" (left), "current", "ahead"

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.checked]


def checklist(opportunity: Opportunity) -> list[ChecklistStage]:
    """The qualification checklist per open stage with the ticked items (prefetched ``checks``)."""
    ticked = {check.item: check for check in opportunity.checks.all()}
    labels = dict(Stage.choices)
    current = STAGE_ORDER[opportunity.stage] if opportunity.stage in OPEN_STAGES else None
    stages = []
    for stage in OPEN_STAGES:
        if opportunity.stage == Stage.WON:
            state = "done"
        elif current is None:
            state = "ahead"
        else:
            order = STAGE_ORDER[stage]
            state = "done" if order < current else "current" if order == current else "ahead"
        items = [
            ChecklistItem(key, label, key in ticked, ticked.get(key)) for key, label in QUALIFICATION[stage]
        ]
        stages.append(ChecklistStage(stage, labels[stage], items, state))
    return stages


def opportunity_with_details(opportunity: Opportunity) -> Opportunity:
    """The opportunity with its checks, buying center and stage history prefetched."""
    # Prefetched onto the instance the access helper returned, so it keeps the viewer's annotations.
    prefetch_related_objects(
        [opportunity],
        Prefetch("checks"),
        Prefetch(
            "participants",
            queryset=DecisionParticipant.objects.select_related("stakeholder").order_by(
                "stakeholder__last_name", "stakeholder__first_name"
            ),
        ),
        Prefetch(
            "stage_changes",
            queryset=StageChange.objects.select_related("changed_by").order_by("changed_at", "pk"),
        ),
    )
    return opportunity


def missing_for_next_stage(opportunity: Opportunity) -> list[tuple[str, str, object]]:
    """What still blocks the move to the next stage (won after negotiation); empty for closed ones."""
    if opportunity.stage not in OPEN_STAGES:
        return []
    index = OPEN_STAGES.index(opportunity.stage)
    target = OPEN_STAGES[index + 1] if index + 1 < len(OPEN_STAGES) else Stage.WON
    return missing_checks(opportunity, target)


def has_decision_maker(participants: Iterable[DecisionParticipant]) -> bool:
    return any(BuyingRole.DECISION_MAKER in p.roles for p in participants)


def stakeholders_to_add(
    account: KeyAccount, participants: Iterable[DecisionParticipant]
) -> QuerySet[Stakeholder]:
    """The account's people who may still join the buying center of the decision."""
    taken = [p.stakeholder_id for p in participants]
    return stakeholders_for_account(account).filter(anonymised_at__isnull=True).exclude(pk__in=taken)


# Choices of the forms -----------------------------------------------------------------------------


def owner_choices(account: KeyAccount, *, keep: int | None = None) -> QuerySet[User]:
    """The people who may own the account's opportunities: the KAM and the team, plus ``keep``
    (a stored owner who has left the team since)."""
    condition = Q(pk=account.owner_id) | Q(team_memberships__account=account)
    if keep is not None:
        condition |= Q(pk=keep)
    return User.objects.filter(condition).distinct().order_by("last_name", "first_name", "username")


def goal_choices(account: KeyAccount) -> QuerySet[Goal]:
    """The goals of the account's plans, newest plan first."""
    return (
        Goal.objects.filter(plan__account=account)
        .select_related("plan")
        .order_by("-plan__fiscal_year", "target_date", "pk")
    )


def cell_choices(account: KeyAccount, *, keep: int | None = None) -> QuerySet[WhitespaceCell]:
    """The account's whitespace cells marked "opportunity" (plus ``keep``, the linked one)."""
    condition = Q(status=CellStatus.OPPORTUNITY)
    if keep is not None:
        condition |= Q(pk=keep)
    return (
        WhitespaceCell.objects.filter(condition, account=account)
        .select_related("unit")
        .order_by("unit__name", "product_group")
    )


# Elsewhere ----------------------------------------------------------------------------------------


def opportunities_for_cell(cell: WhitespaceCell) -> list[Opportunity]:
    """The opportunities created from or linked to a whitespace cell (the cell page shows them)."""
    return list(
        Opportunity.objects.filter(whitespace_cell=cell)
        .select_related("owner")
        .order_by("-created_at", "-pk")
    )


def opportunities_by_goal(plan) -> dict[int, list[Opportunity]]:
    """``{goal id: [opportunities serving it]}`` for the goals of ``plan``, in one query whatever
    the number of goals (the plan page lists them per goal)."""
    result: dict[int, list[Opportunity]] = defaultdict(list)
    rows = (
        Opportunity.objects.filter(plan_goal__plan=plan)
        .only("pk", "title", "stage", "account_id", "plan_goal_id", "expected_close")
        .order_by("expected_close", "pk")
    )
    for opp in rows:
        result[opp.plan_goal_id].append(opp)
    return result


def open_next_steps_for_user(user, *, today: date | None = None) -> QuerySet[Opportunity]:
    """Open opportunities ``user`` owns with a next step due, in accounts they may see, soonest
    first, each with ``overdue`` (due before ``today``) — the "My tasks" page."""
    today = today or timezone.localdate()
    return (
        Opportunity.objects.filter(
            owner=user,
            stage__in=OPEN_STAGES,
            next_step_due__isnull=False,
            account__in=accounts_visible_to(user),
        )
        .select_related("account", "account__customer")
        .annotate(overdue=ExpressionWrapper(Q(next_step_due__lt=today), output_field=BooleanField()))
        .order_by("next_step_due", "pk")
    )

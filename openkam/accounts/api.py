"""API operations on key accounts, their teams and timelines, and the start of the account export.

See openkam/api.py for authentication and the error format. Accounts are loaded only through
``get_account_for_user`` / ``accounts_for_list`` (an account the caller may not see answers 404),
team memberships only through their account, and every write goes through a service, which
checks the permission (403) and validates (422).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from openkam.core.api import (
    InputSchema,
    JobOut,
    PatchSchema,
    UserRef,
    money,
    refuse_unknown_query,
    with_errors,
)
from openkam.core.services import job_create
from openkam.users.selectors import assignable_users

from .choices import AccountStatus, AccountType, InternalRole, TeamScope
from .models import KeyAccount, TeamMembership
from .permissions import can_change_account, can_manage_team, get_account_for_user, require
from .selectors import AccountFilter, account_team, accounts_for_list, timeline_for_viewer
from .services import account_update, team_member_add, team_member_remove, team_member_update

router = Router(tags=["accounts"])
# Mounted under /jobs next to the core router, which shows jobs: starting one is the business of
# the app that owns the job kind, and core must not depend on the domain apps.
jobs_router = Router(tags=["jobs"])


class CustomerRef(Schema):
    id: int
    number: str
    name: str
    city: str
    country: str


class AccountOut(Schema):
    id: int
    customer: CustomerRef
    account_type: AccountType
    status: AccountStatus
    owner: UserRef
    team_size: int
    stakeholder_count: int
    last_revenue: Decimal | None
    designated_since: date
    reason: str
    can_change: bool

    @staticmethod
    def resolve_last_revenue(obj) -> Decimal | None:
        return money(obj.last_revenue)

    @staticmethod
    def resolve_can_change(obj, context) -> bool:
        return can_change_account(context["request"].auth, obj)


class AccountListFilters(InputSchema):
    q: str = ""
    account_type: AccountType | None = None
    status: AccountStatus | None = None
    owner_id: int | None = None
    mine: bool = False


class AccountPatch(PatchSchema):
    account_type: AccountType | None = None
    status: AccountStatus | None = None
    reason: str | None = None


class TeamMemberOut(Schema):
    id: int
    user: UserRef
    internal_role: InternalRole
    scope: TeamScope
    joined_at: date


class TeamMemberIn(InputSchema):
    user_id: int
    internal_role: InternalRole
    scope: TeamScope = TeamScope.CORE


class TeamMemberPatch(PatchSchema):
    internal_role: InternalRole | None = None
    scope: TeamScope | None = None


class TimelineEntryOut(Schema):
    time: datetime
    actor_name: str
    action: str
    target_repr: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_time(obj) -> datetime:
        return obj.created_at


def _account_row(user, pk: int) -> KeyAccount:
    """One account with the annotations of the list, from the same visible set (404 otherwise)."""
    return get_object_or_404(accounts_for_list(user), pk=pk)


def _membership(user, account_id: int, membership_id: int) -> TeamMembership:
    """A membership of a visible account; 404 when the account is hidden or it belongs to another."""
    account = get_account_for_user(user, account_id)
    membership = get_object_or_404(
        TeamMembership.objects.select_related("user"), pk=membership_id, account=account
    )
    membership.account = account  # keep the viewer annotations of the access helper
    return membership


def _as_api_fields(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The service's ValidationError with its field names translated to those of the request."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


@router.get(
    "",
    response=with_errors({200: list[AccountOut]}, 401, 422),
    operation_id="accounts_list",
    summary=_("List key accounts"),
)
@paginate(LimitOffsetPagination)
def accounts_list(request, filters: Query[AccountListFilters]):
    """The key accounts you may see, ordered by customer name, with the last fiscal year's revenue."""
    refuse_unknown_query(request, AccountListFilters, LimitOffsetPagination.Input)
    return accounts_for_list(
        request.auth,
        AccountFilter(
            query=filters.q,
            account_type=filters.account_type or "",
            status=filters.status or "",
            owner_id=filters.owner_id,
            mine=filters.mine,
        ),
    )


@router.get(
    "/{account_id}",
    response=with_errors({200: AccountOut}, 401, 404),
    operation_id="account_get",
    summary=_("Show a key account"),
)
def account_get(request, account_id: int):
    return _account_row(request.auth, account_id)


@router.patch(
    "/{account_id}",
    response=with_errors({200: AccountOut}, 401, 403, 404, 422),
    operation_id="account_update",
    summary=_("Change type, status or reason of a key account"),
)
def account_patch(request, account_id: int, payload: AccountPatch):
    """Only the owning KAM may change the account; fields left out stay unchanged."""
    account = get_account_for_user(request.auth, account_id)
    values = {
        "account_type": account.account_type,
        "status": account.status,
        "reason": account.reason,
        **payload.changed(),
    }
    account_update(actor=request.auth, account=account, **values)
    return _account_row(request.auth, account.pk)


@router.get(
    "/{account_id}/team",
    response=with_errors({200: list[TeamMemberOut]}, 401, 404),
    operation_id="team_list",
    summary=_("List the account team"),
)
def team_list(request, account_id: int):
    """The colleagues on the account team, core team first; the owning KAM is the account's owner."""
    return account_team(get_account_for_user(request.auth, account_id))


@router.post(
    "/{account_id}/team",
    response=with_errors({201: TeamMemberOut}, 401, 403, 404, 422),
    operation_id="team_add",
    summary=_("Add a colleague to the account team"),
)
def team_add(request, account_id: int, payload: TeamMemberIn):
    account = get_account_for_user(request.auth, account_id)
    # Checked before the colleague is looked up, so a reader learns nothing about user ids.
    require(can_manage_team(request.auth, account))
    user = assignable_users().filter(pk=payload.user_id).first()
    if user is None:
        raise ValidationError({"user_id": gettext("Choose an active key account manager or team member.")})
    try:
        membership = team_member_add(
            actor=request.auth,
            account=account,
            user=user,
            internal_role=payload.internal_role,
            scope=payload.scope,
        )
    except ValidationError as exc:
        raise _as_api_fields(exc, {"user": "user_id"}) from exc
    return Status(201, membership)


@router.patch(
    "/{account_id}/team/{membership_id}",
    response=with_errors({200: TeamMemberOut}, 401, 403, 404, 422),
    operation_id="team_update",
    summary=_("Change a team member's role or team"),
)
def team_update(request, account_id: int, membership_id: int, payload: TeamMemberPatch):
    membership = _membership(request.auth, account_id, membership_id)
    values = {"internal_role": membership.internal_role, "scope": membership.scope, **payload.changed()}
    return team_member_update(actor=request.auth, membership=membership, **values)


@router.delete(
    "/{account_id}/team/{membership_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="team_remove",
    summary=_("Take a colleague off the account team"),
)
def team_remove(request, account_id: int, membership_id: int):
    team_member_remove(actor=request.auth, membership=_membership(request.auth, account_id, membership_id))
    return Status(204, None)


@router.get(
    "/{account_id}/timeline",
    response=with_errors({200: list[TimelineEntryOut]}, 401, 404),
    operation_id="timeline_list",
    summary=_("List the latest changes of a key account"),
)
def timeline_list(request, account_id: int):
    """The newest 50 audit entries you may see; personal data in them is stored masked, and entries
    about personality profiles appear only for callers with the personality permission."""
    account = get_account_for_user(request.auth, account_id)
    return timeline_for_viewer(request.auth, account)


class AccountExportFilters(InputSchema):
    """The filters of the account list that the CSV export applies."""

    q: str = ""
    account_type: AccountType | None = None
    status: AccountStatus | None = None
    owner_id: int | None = None
    mine: bool = False


class JobIn(InputSchema):
    kind: Literal["accounts.export_csv"]
    filters: AccountExportFilters | None = None


@jobs_router.post(
    "",
    response=with_errors({202: JobOut}, 401, 422),
    operation_id="job_create",
    summary=_("Start a background job"),
)
def job_start(request, payload: JobIn):
    """Start the CSV export of the key accounts you can see; poll the job until it has finished.

    The export is written in your language and applies the same access rules as the list.
    """
    user = request.auth
    filters = payload.filters or AccountExportFilters()
    params = {
        "query": filters.q,
        "account_type": filters.account_type or "",
        "status": filters.status or "",
        "owner_id": filters.owner_id,
        "mine": filters.mine,
        "language": user.language,
    }
    return Status(202, job_create(actor=user, kind=payload.kind, params=params))

"""Access to key accounts — the security spine every other account object hangs from.

One access path per protected object: HTML views, the API and exports load an account only
through ``get_account_for_user`` (or filter by ``accounts_visible_to``), and objects that belong
to an account (team, stakeholders, …) are loaded through the account. An account the user may
not see answers 404, exactly like one that does not exist.

Rules (docs/permissions.md):
- the owning KAM reads and changes the account, its team and its stakeholders;
- core-team members read the account and change its stakeholders and its working material
  (profile, market, requirements, competitors, whitespace, SWOT, plans: ``can_work_on_account``);
  extended-team members read;
- management reads every account and changes nothing;
- administrators manage users and configuration and see no account they are not on the team of.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from openkam.users.choices import Role

from .choices import TeamScope
from .models import KeyAccount, TeamMembership


def accounts_visible_to(user) -> QuerySet[KeyAccount]:
    """Every key account ``user`` may read."""
    if not user.is_authenticated or not user.is_active:
        return KeyAccount.objects.none()
    if user.role == Role.MANAGEMENT:
        return KeyAccount.objects.all()
    return KeyAccount.objects.filter(
        Q(owner=user) | Q(pk__in=TeamMembership.objects.filter(user=user).values("account_id"))
    )


def get_account_for_user(user, pk) -> KeyAccount:
    """The account with its customer and owner, or Http404 if missing or not visible.

    Annotated with ``viewer_scope`` (the user's team scope, None when not on the team), which the
    permission checks below use instead of querying again.
    """
    return get_object_or_404(
        accounts_visible_to(user)
        .select_related("customer", "customer__parent", "owner")
        .annotate(
            viewer_scope=Subquery(
                TeamMembership.objects.filter(account=OuterRef("pk"), user=user)
                .order_by()
                .values("scope")[:1]
            )
        ),
        pk=pk,
    )


def is_owner(user, account: KeyAccount) -> bool:
    return account.owner_id == user.pk


def can_change_account(user, account: KeyAccount) -> bool:
    return is_owner(user, account)


def can_manage_team(user, account: KeyAccount) -> bool:
    return is_owner(user, account)


def can_edit_stakeholders(user, account: KeyAccount) -> bool:
    """The owner and the core team maintain the buying center; everyone else only reads it."""
    if is_owner(user, account):
        return True
    if hasattr(account, "viewer_scope"):  # loaded through get_account_for_user: None = not on the team
        scope = account.viewer_scope
    else:
        scope = (
            TeamMembership.objects.filter(account=account, user=user).values_list("scope", flat=True).first()
        )
    return scope == TeamScope.CORE


def can_work_on_account(user, account: KeyAccount) -> bool:
    """The owner and the core team edit an account's analysis and plans; the rest of the team and
    management only read them. Load the account through ``get_account_for_user`` first."""
    return can_edit_stakeholders(user, account)


def require(allowed: bool) -> None:
    """Refuse a write with 403 when the user may read the object but not change it."""
    if not allowed:
        raise PermissionDenied

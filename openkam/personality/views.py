"""Pages of the personality section of a key account.

Every page answers 404 unless the company has personality profiles switched on and the viewer
holds the personality permission for the account (the owner, or a team member the owner granted
it to): for everyone else the section does not exist. Members with the permission who may not
work on the account (extended team) read; the owner and core-team members with the permission
edit; only the owner grants and revokes the permission. Every page that shows a profile reads
it through ``profiles_for_viewer``, which logs the view.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import can_manage_team, can_work_on_account, require
from openkam.core.forms import add_service_errors, submit_to_service

from . import services
from .choices import ViewChannel
from .forms import GrantForm, ProfileForm
from .hints import COLOUR_HINTS
from .permissions import (
    get_account_with_personality,
    get_profile_for_change,
    get_stakeholder_for_personality,
    profiles_for_viewer,
)
from .selectors import grant_of, profile_rows_for_viewer, team_with_grants, views_for_account

LOG_PAGE_SIZE = 50


# Every view loads the account with ``get_account_with_personality``: the viewer holds the
# permission, so editing and granting depend only on their rights on the account (the owner and
# the core team edit, the owner grants). The services check everything again.
def _can_edit(user, account) -> bool:
    return can_work_on_account(user, account)


def _can_grant(user, account) -> bool:
    return can_manage_team(user, account)


def _page(request, account, **context) -> dict:
    return {
        "account": account,
        "account_section": "stakeholders",
        "active_nav": "accounts",
        "can_edit": _can_edit(request.user, account),
        "can_grant": _can_grant(request.user, account),
        **context,
    }


@login_required
@require_GET
def overview(request, account_pk):
    """Every stakeholder's profile with its communication hints (each profile shown is logged)."""
    account = get_account_with_personality(request.user, account_pk)
    rows = profile_rows_for_viewer(request.user, account, channel=ViewChannel.PAGE)
    return render(
        request,
        "personality/overview.html",
        _page(
            request,
            account,
            profiled=[row for row in rows if row.profile is not None],
            unprofiled=[row for row in rows if row.profile is None],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, account_pk, stakeholder_pk):
    """Record or change one stakeholder's profile (owner and core-team members with the permission)."""
    account = get_account_with_personality(request.user, account_pk)
    stakeholder = get_stakeholder_for_personality(account, stakeholder_pk)
    require(_can_edit(request.user, account))
    profile = profiles_for_viewer(request.user, account, [stakeholder], channel=ViewChannel.EDIT).get(
        stakeholder.pk
    )
    initial = {"version": 1}
    if profile is not None:
        initial = {field: getattr(profile, field) for field in profile.CONTENT_FIELDS}
        initial["version"] = profile.version
    form = ProfileForm(request.POST or None, initial=initial)
    if submit_to_service(
        request,
        form,
        services.personality_profile_save,
        stakeholder=stakeholder,
        success=_("Personality profile saved."),
    ):
        return redirect(reverse("personality:overview", args=[account.pk]) + f"#stakeholder-{stakeholder.pk}")
    return render(
        request,
        "personality/form.html",
        _page(
            request,
            account,
            form=form,
            stakeholder=stakeholder,
            profile=profile,
            colour_hints=list(COLOUR_HINTS.values()),
        ),
    )


@login_required
@require_POST
def delete(request, account_pk, stakeholder_pk):
    account = get_account_with_personality(request.user, account_pk)
    stakeholder = get_stakeholder_for_personality(account, stakeholder_pk)
    profile = get_profile_for_change(request.user, account, stakeholder)
    services.personality_profile_delete(actor=request.user, profile=profile)
    messages.success(request, _("Personality profile deleted."))
    return redirect("personality:overview", account_pk=account.pk)


@login_required
@require_http_methods(["GET", "POST"])
def access(request, account_pk):
    """Who holds the personality permission; the owner grants and revokes it."""
    account = get_account_with_personality(request.user, account_pk)
    team = team_with_grants(account)
    form = None
    if request.method == "POST":
        require(_can_grant(request.user, account))
        form = GrantForm(request.POST, memberships=account.team_memberships.all())
        if form.is_valid() and _apply_grant(request, form):
            return redirect("personality:access", account_pk=account.pk)
    rows = [(membership, grant_of(membership)) for membership in team]
    return render(request, "personality/access.html", _page(request, account, rows=rows, form=form))


def _apply_grant(request, form) -> bool:
    membership = form.cleaned_data["membership"]
    grant = grant_of(membership)
    name = membership.user.get_full_name() or membership.user.get_username()
    try:
        if form.cleaned_data["granted"] and grant is None:
            services.personality_grant_add(actor=request.user, membership=membership)
            messages.success(request, _("%(name)s now holds the personality permission.") % {"name": name})
        elif not form.cleaned_data["granted"] and grant is not None:
            services.personality_grant_remove(actor=request.user, grant=grant)
            messages.success(
                request, _("%(name)s no longer holds the personality permission.") % {"name": name}
            )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


@login_required
@require_GET
def log(request, account_pk):
    """Who saw which profile when, and where."""
    account = get_account_with_personality(request.user, account_pk)
    page = Paginator(views_for_account(account), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "personality/log.html", _page(request, account, page=page))

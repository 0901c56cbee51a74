"""Pages of the buying center of a key account and of the company's buying-center settings.

The list, a person's page and the relationship map are read by everyone who may see the
account; the owner and the core team add, change and remove people (``can_edit_stakeholders``;
others get 403 and see no buttons). The settings page exists for administrators only (404 for
everyone else).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import get_account_for_user
from openkam.core.forms import submit_to_service

from . import services
from .choices import ATTITUDE_SYMBOLS, UNKNOWN_ATTITUDE_SYMBOL, Attitude, BuyingRole, HierarchyLevel
from .filters import StakeholderFilterForm
from .forms import BuyingCenterSettingsForm, StakeholderEditForm, StakeholderForm
from .models import BuyingCenterSettings, Stakeholder
from .orgchart import orgchart_svg, people_from_stakeholders
from .permissions import (
    can_edit_stakeholders,
    get_stakeholder_for_user,
    require,
    require_settings_admin,
)
from .selectors import (
    buying_center_for_account,
    relationship_owner_candidates,
    stakeholder_with_reports,
    stakeholders_for_account,
)

_ATTITUDE_KEYS = {value: Attitude(value).name.lower() for value in Attitude.values}
_ROLE_LABELS = dict(BuyingRole.choices)


def _page(request, account, **context) -> dict:
    # Personality and privacy build on this app; their access rules decide whether the pages'
    # links to them appear (someone without the personality permission sees no trace of it).
    from openkam.personality.permissions import can_see_personality
    from openkam.privacy.permissions import can_see_privacy

    return {
        "account": account,
        "account_section": "stakeholders",
        "active_nav": "accounts",
        "can_edit": can_edit_stakeholders(request.user, account),
        "can_see_personality": can_see_personality(request.user, account),
        "can_see_privacy": can_see_privacy(request.user, account),
        **context,
    }


def _decorate(stakeholder: Stakeholder) -> Stakeholder:
    """Add what the templates show besides the fields: attitude key and symbol, role names."""
    stakeholder.attitude_key = _ATTITUDE_KEYS.get(stakeholder.attitude, "unknown")
    stakeholder.attitude_symbol = ATTITUDE_SYMBOLS.get(stakeholder.attitude, UNKNOWN_ATTITUDE_SYMBOL)
    stakeholder.role_labels = [_ROLE_LABELS.get(role, role) for role in stakeholder.buying_roles or []]
    return stakeholder


def _filter_form(request, account):
    return StakeholderFilterForm(request.GET or None, owners=list(relationship_owner_candidates(account)))


@login_required
@require_GET
def stakeholder_list(request, account_pk):
    """The buying center as a table; htmx swaps only the table when a filter changes."""
    account = get_account_for_user(request.user, account_pk)
    form = _filter_form(request, account)
    filters = form.to_filter()
    people = [_decorate(s) for s in buying_center_for_account(account, filters)]
    context = _page(request, account, form=form, people=people, filtered=filters.active)
    template = (
        "stakeholders/_table.html" if request.htmx and not request.htmx.boosted else "stakeholders/list.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def stakeholder_detail(request, account_pk, pk):
    stakeholder, reports = stakeholder_with_reports(get_stakeholder_for_user(request.user, account_pk, pk))
    return render(
        request,
        "stakeholders/detail.html",
        _page(
            request,
            stakeholder.account,
            stakeholder=_decorate(stakeholder),
            reports=[_decorate(s) for s in reports],
        ),
    )


def _map_svg(request, account, stakeholders, filters, *, links: bool, standalone: bool) -> str:
    people = people_from_stakeholders(
        stakeholders,
        url=lambda s: reverse("stakeholders:detail", args=[account.pk, s.pk]),
        highlighted=filters.matches if filters.active else None,
    )
    return orgchart_svg(
        people,
        language=request.LANGUAGE_CODE,
        title=_("Relationship map of %(account)s") % {"account": account.customer.name},
        links=links,
        standalone=standalone,
    )


@login_required
@require_GET
def stakeholder_map(request, account_pk):
    """The relationship map; filters dim the people who do not match and keep the tree whole."""
    account = get_account_for_user(request.user, account_pk)
    form = _filter_form(request, account)
    stakeholders = list(stakeholders_for_account(account))
    context = _page(
        request,
        account,
        form=form,
        svg=_map_svg(request, account, stakeholders, form.to_filter(), links=True, standalone=False),
        query=request.GET.urlencode(),
        empty=not stakeholders,
    )
    template = (
        "stakeholders/_map.html" if request.htmx and not request.htmx.boosted else "stakeholders/map.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def stakeholder_map_svg(request, account_pk):
    """The relationship map as a static SVG file (same layout as the page, no links)."""
    account = get_account_for_user(request.user, account_pk)
    filters = _filter_form(request, account).to_filter()
    svg = _map_svg(request, account, stakeholders_for_account(account), filters, links=False, standalone=True)
    response = HttpResponse(svg.encode("utf-8"), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="relationship-map-{account.customer.number}.svg"'
    return response


def _form_page(request, account, form, *, stakeholder=None):
    return render(
        request, "stakeholders/form.html", _page(request, account, form=form, stakeholder=stakeholder)
    )


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_edit_stakeholders(request.user, account))
    initial = {}
    # "Add a direct report" on a person's page preselects the boss (only one of this account);
    # the coverage alerts preselect the level that lacks people.
    boss = request.GET.get("reports_to", "")
    if boss.isdigit() and Stakeholder.objects.filter(account=account, pk=int(boss)).exists():
        initial["reports_to"] = int(boss)
    if request.GET.get("hierarchy_level") in HierarchyLevel.values:
        initial["hierarchy_level"] = request.GET["hierarchy_level"]
    form = StakeholderForm(request.POST or None, initial=initial, account=account)
    if submit_to_service(
        request, form, services.stakeholder_create, account=account, success=_("Stakeholder added.")
    ):
        return redirect("stakeholders:list", account_pk=account.pk)
    return _form_page(request, account, form)


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, account_pk, pk):
    stakeholder = get_stakeholder_for_user(request.user, account_pk, pk)
    account = stakeholder.account
    require(can_edit_stakeholders(request.user, account))
    if stakeholder.anonymised_at is not None:
        messages.error(request, _("This stakeholder has been anonymised and can no longer be changed."))
        return redirect("stakeholders:detail", account_pk=account.pk, pk=stakeholder.pk)
    initial = {f: getattr(stakeholder, f) for f in services.FIELDS} | {"version": stakeholder.version}
    form = StakeholderEditForm(
        request.POST or None, initial=initial, account=account, stakeholder=stakeholder
    )
    if submit_to_service(
        request, form, services.stakeholder_update, stakeholder=stakeholder, success=_("Stakeholder saved.")
    ):
        return redirect("stakeholders:detail", account_pk=account.pk, pk=stakeholder.pk)
    return _form_page(request, account, form, stakeholder=stakeholder)


@login_required
@require_POST
def stakeholder_delete(request, account_pk, pk):
    stakeholder = get_stakeholder_for_user(request.user, account_pk, pk)
    require(can_edit_stakeholders(request.user, stakeholder.account))
    services.stakeholder_delete(actor=request.user, stakeholder=stakeholder)
    messages.success(request, _("Stakeholder removed."))
    return redirect("stakeholders:list", account_pk=account_pk)


# Buying-center settings -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request):
    """The company's buying-center settings: administrators only (404 for everyone else)."""
    require_settings_admin(request.user)
    current = BuyingCenterSettings.current()
    profiles = services.personality_profile_count() if current.personality_enabled else 0
    initial = {f: getattr(current, f) for f in services.SETTINGS_FIELDS} | {"version": current.version}
    form = BuyingCenterSettingsForm(request.POST or None, initial=initial, profiles=profiles)
    if submit_to_service(
        request, form, services.buying_center_settings_update, success=_("Buying-center settings saved.")
    ):
        return redirect("buying_center_settings:edit")
    return render(
        request,
        "stakeholders/settings.html",
        {"form": form, "settings": current, "profiles": profiles, "active_nav": "buying-center-settings"},
    )

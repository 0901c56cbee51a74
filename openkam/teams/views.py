"""Pages of the "Team" section of a key account: the team with its account-management roles and
member goals, the team cadence and the team meetings with decisions and actions.

Everyone who may see the account reads; the KAM and the core team change roles, the cadence and
meetings (``can_work_on_account``; others get 403 and see no buttons). Member goals: the KAM edits
all, a team member their own; bonus fields appear only for the goal's member, the KAM and
management. The owner of a meeting action may set its status.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import can_manage_team, get_account_for_user, is_owner
from openkam.core.forms import add_service_errors, submit_to_service
from openkam.core.http import safe_next
from openkam.core.locking import EditConflict
from openkam.users.models import User

from . import selectors, services
from .choices import AccountRole, GoalStatus, MeetingStatus
from .forms import (
    ActionStatusForm,
    DecisionForm,
    LayOutForm,
    MeetingActionEditForm,
    MeetingActionForm,
    MemberGoalEditForm,
    MemberGoalForm,
    RoleAssignForm,
    TeamCadenceForm,
    TeamMeetingEditForm,
    TeamMeetingForm,
    YearForm,
)
from .permissions import (
    can_add_goals,
    can_edit_goal,
    can_see_bonus,
    can_set_action_status,
    can_work_on_account,
    get_action_for_user,
    get_decision_for_user,
    get_goal_for_user,
    get_meeting_for_user,
    get_role_assignment_for_user,
    require,
)

MEETINGS_PER_PAGE = 50


def _page(request, account, section: str, **context) -> dict:
    return {
        "account": account,
        "account_section": "team",
        "team_section": section,
        "active_nav": "accounts",
        "can_edit": can_work_on_account(request.user, account),
        **context,
    }


def _form_page(
    request, account, form, *, section, title, back, intro="", delete_url=None, delete_question=""
):
    return render(
        request,
        "teams/form.html",
        _page(
            request,
            account,
            section,
            form=form,
            title=title,
            back=back,
            intro=intro,
            delete_url=delete_url,
            delete_question=delete_question,
        ),
    )


def _year(request, default: int) -> int:
    form = YearForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404
    return (form.cleaned_data.get("year") if form.is_bound else None) or default


def _with_current(rows, pks):
    """``rows`` plus the people already chosen (e.g. colleagues who have left the team since)."""
    return User.objects.filter(Q(pk__in=rows.values("pk")) | Q(pk__in=[pk for pk in pks if pk])).order_by(
        "last_name", "first_name", "pk"
    )


# The team page ----------------------------------------------------------------------------------


def _overview_url(account, year=None, anchor="") -> str:
    url = reverse("teams:overview", args=[account.pk])
    if year:
        url += f"?year={year}"
    return url + (f"#{anchor}" if anchor else "")


@login_required
@require_GET
def overview(request, account_pk):
    """The team: members with internal role and scope, the six account-management roles with who
    covers them, the members' goals of a year and when the team should meet next."""
    account = get_account_for_user(request.user, account_pk)
    today = selectors.today()
    year = _year(request, today.year)
    coverage = selectors.role_coverage(account)
    members = selectors.team_members(account, coverage.assignments)
    groups = selectors.goals_by_member(account, year)
    viewer = request.user
    for group in groups:
        group.show_bonus = can_see_bonus(viewer, account, group.user.pk)
        group.can_edit = can_edit_goal(viewer, account, group.user.pk)
    can_edit = can_work_on_account(viewer, account)
    return render(
        request,
        "teams/overview.html",
        _page(
            request,
            account,
            "team",
            members=members,
            coverage=coverage,
            goal_groups=groups,
            year=year,
            years=sorted({*selectors.goal_years(account), today.year - 1, today.year, today.year + 1, year}),
            colleagues=list(selectors.colleague_choices(account)) if can_edit else [],
            can_manage_team=can_manage_team(viewer, account),
            can_add_goals=can_add_goals(viewer, account),
            is_kam=is_owner(viewer, account),
            schedule=selectors.meeting_schedule(account, on=today),
            today=today,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_assign(request, account_pk):
    """Let a colleague cover an account-management role (``?role=`` preselects one)."""
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    role = request.GET.get("role", "")
    form = RoleAssignForm(
        request.POST or None,
        initial={"role": role if role in AccountRole.values else None},
        users=selectors.colleague_choices(account),
    )
    if submit_to_service(request, form, services.role_assign, account=account, success=_("Role assigned.")):
        return redirect(_overview_url(account, anchor="roles"))
    return _form_page(
        request,
        account,
        form,
        section="team",
        title=_("Assign an account-management role"),
        back=_overview_url(account, anchor="roles"),
        intro=_(
            "Every account team needs a relationship leader, a technical expert, a collaborator, a project "
            "manager, an innovator and a results driver. One person may cover several roles and a role "
            "may be shared."
        ),
    )


@login_required
@require_POST
def role_unassign(request, account_pk, pk):
    assignment = get_role_assignment_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, assignment.account))
    services.role_unassign(actor=request.user, assignment=assignment)
    messages.success(request, _("Role taken back."))
    return redirect(_overview_url(assignment.account, anchor="roles"))


# Member goals -----------------------------------------------------------------------------------


def _goal_intro():
    return _(
        "A team member's own goal for this account in a year. Bonus terms are seen only by the member, "
        "the key account manager and management."
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request, account_pk):
    """The KAM adds a goal for anyone on the team, a team member for themselves."""
    account = get_account_for_user(request.user, account_pk)
    require(can_add_goals(request.user, account))
    kam = is_owner(request.user, account)
    year = _year(request, selectors.today().year)
    initial = {"year": year, "status": GoalStatus.OPEN}
    if kam and request.GET.get("user", "").isdigit():
        initial["user"] = int(request.GET["user"])
    form = MemberGoalForm(
        request.POST or None, initial=initial, users=selectors.colleague_choices(account) if kam else None
    )
    if submit_to_service(
        request, form, services.member_goal_create, account=account, success=_("Goal added.")
    ):
        return redirect(_overview_url(account, form.cleaned_data["year"], "goals"))
    return _form_page(
        request,
        account,
        form,
        section="team",
        title=_("Add a member goal") if kam else _("Add one of my goals"),
        back=_overview_url(account, year, "goals"),
        intro=_goal_intro(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, account_pk, pk):
    goal = get_goal_for_user(request.user, account_pk, pk)
    account = goal.account
    require(can_edit_goal(request.user, account, goal.user_id))
    kam = is_owner(request.user, account)
    initial = {f: getattr(goal, f) for f in services.GOAL_FIELDS} | {"version": goal.version}
    form = MemberGoalEditForm(
        request.POST or None,
        initial=initial,
        users=_with_current(selectors.colleague_choices(account), [goal.user_id]) if kam else None,
    )
    if submit_to_service(request, form, services.member_goal_update, goal=goal, success=_("Goal saved.")):
        return redirect(_overview_url(account, goal.year, "goals"))
    return _form_page(
        request,
        account,
        form,
        section="team",
        title=_("Edit goal of %(name)s") % {"name": goal.user},
        back=_overview_url(account, goal.year, "goals"),
        intro=_goal_intro(),
        delete_url=reverse("teams:goal-delete", args=[account.pk, goal.pk]),
        delete_question=_("Remove this goal?"),
    )


@login_required
@require_POST
def goal_delete(request, account_pk, pk):
    goal = get_goal_for_user(request.user, account_pk, pk)
    require(can_edit_goal(request.user, goal.account, goal.user_id))
    services.member_goal_delete(actor=request.user, goal=goal)
    messages.success(request, _("Goal removed."))
    return redirect(_overview_url(goal.account, goal.year, "goals"))


# The team cadence and meetings ------------------------------------------------------------------


def _meetings_url(account) -> str:
    return reverse("teams:meetings", args=[account.pk])


def _meeting_url(meeting, anchor="") -> str:
    url = reverse("teams:meeting-detail", args=[meeting.account_id, meeting.pk])
    return url + (f"#{anchor}" if anchor else "")


@login_required
@require_http_methods(["GET", "POST"])
def cadence(request, account_pk):
    """How often the team meets (quarterly until someone chooses otherwise)."""
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    current = selectors.cadence_of(account)
    form = TeamCadenceForm(
        request.POST or None,
        initial={"cadence": current.cadence, "notes": current.notes, "version": current.version},
    )
    if submit_to_service(
        request, form, services.team_cadence_update, account=account, success=_("Cadence saved.")
    ):
        return redirect(_meetings_url(account))
    return _form_page(
        request,
        account,
        form,
        section="meetings",
        title=_("Team meeting cadence"),
        back=_meetings_url(account),
        intro=_(
            "The rhythm of the team's information exchange. “Lay out the year” on the meetings page plans "
            "the meetings of a year from it."
        ),
    )


@login_required
@require_GET
def meetings(request, account_pk):
    """The team meetings, newest first, with the cadence, the next meeting due and open actions."""
    account = get_account_for_user(request.user, account_pk)
    today = selectors.today()
    current = selectors.cadence_of(account)
    page = Paginator(selectors.meetings_for_account(account), MEETINGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "teams/meetings.html",
        _page(
            request,
            account,
            "meetings",
            page=page,
            meetings=page.object_list,
            cadence=current,
            schedule=selectors.meeting_schedule(account, on=today, cadence=current),
            open_actions=list(selectors.open_meeting_actions_for_account(account)),
            lay_out_form=LayOutForm(initial={"year": today.year}),
            today=today,
        ),
    )


@login_required
@require_POST
def lay_out(request, account_pk):
    """Plan the suggested meetings of a year from the cadence, leaving periods that have one."""
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    form = LayOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year between 2000 and 2100."))
        return redirect(_meetings_url(account))
    year = form.cleaned_data["year"]
    created = services.team_meetings_lay_out(actor=request.user, account=account, year=year)
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)d meeting planned for %(year)s.",
                "%(count)d meetings planned for %(year)s.",
                len(created),
            )
            % {"count": len(created), "year": year},
        )
    else:
        messages.success(request, _("Every period of %(year)s has a meeting already.") % {"year": year})
    return redirect(_meetings_url(account))


def _meeting_intro():
    return _(
        "A meeting of the account team (not with the customer): the agenda before, the minutes, "
        "decisions and actions after it."
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    colleagues = selectors.colleague_choices(account)
    form = TeamMeetingForm(
        request.POST or None,
        initial={
            "date": selectors.today(),
            "status": MeetingStatus.PLANNED,
            "participants": list(colleagues.values_list("pk", flat=True)),
        },
        participants=colleagues,
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.team_meeting_create(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Team meeting saved."))
            return redirect(_meeting_url(meeting))
    return _form_page(
        request,
        account,
        form,
        section="meetings",
        title=_("Plan a team meeting"),
        back=_meetings_url(account),
        intro=_meeting_intro(),
    )


@login_required
@require_GET
def meeting_detail(request, account_pk, pk):
    meeting = selectors.meeting_for_page(get_meeting_for_user(request.user, account_pk, pk))
    account = meeting.account
    can_edit = can_work_on_account(request.user, account)
    return render(
        request,
        "teams/meeting_detail.html",
        _page(
            request,
            account,
            "meetings",
            meeting=meeting,
            decision_form=DecisionForm() if can_edit else None,
            action_form=MeetingActionForm(owners=selectors.colleague_choices(account)) if can_edit else None,
            can_set_status={a.pk for a in meeting.actions.all() if can_edit or a.owner_id == request.user.pk},
            today=selectors.today(),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, account_pk, pk):
    meeting = get_meeting_for_user(request.user, account_pk, pk)
    account = meeting.account
    require(can_work_on_account(request.user, account))
    participant_ids = list(meeting.participants.values_list("pk", flat=True))
    initial = {f: getattr(meeting, f) for f in services.MEETING_FIELDS} | {
        "version": meeting.version,
        "participants": participant_ids,
    }
    form = TeamMeetingEditForm(
        request.POST or None,
        initial=initial,
        participants=_with_current(selectors.colleague_choices(account), participant_ids),
    )
    if submit_to_service(
        request, form, services.team_meeting_update, meeting=meeting, success=_("Team meeting saved.")
    ):
        return redirect(_meeting_url(meeting))
    return _form_page(
        request,
        account,
        form,
        section="meetings",
        title=_("Edit team meeting"),
        back=_meeting_url(meeting),
        intro=_meeting_intro(),
        delete_url=reverse("teams:meeting-delete", args=[account.pk, meeting.pk]),
        delete_question=_("Remove this meeting with its decisions and actions?"),
    )


@login_required
@require_POST
def meeting_delete(request, account_pk, pk):
    meeting = get_meeting_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, meeting.account))
    services.team_meeting_delete(actor=request.user, meeting=meeting)
    messages.success(request, _("Team meeting removed."))
    return redirect(_meetings_url(meeting.account))


# Decisions and actions --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request, account_pk, meeting_pk):
    meeting = get_meeting_for_user(request.user, account_pk, meeting_pk)
    account = meeting.account
    require(can_work_on_account(request.user, account))
    form = DecisionForm(request.POST or None)
    if submit_to_service(
        request, form, services.meeting_decision_create, meeting=meeting, success=_("Decision recorded.")
    ):
        return redirect(_meeting_url(meeting, "decisions"))
    return _form_page(
        request,
        account,
        form,
        section="meetings",
        title=_("Record a decision"),
        back=_meeting_url(meeting, "decisions"),
        intro=meeting.title,
    )


@login_required
@require_POST
def decision_delete(request, account_pk, meeting_pk, pk):
    decision = get_decision_for_user(request.user, account_pk, meeting_pk, pk)
    require(can_work_on_account(request.user, decision.meeting.account))
    services.meeting_decision_delete(actor=request.user, decision=decision)
    messages.success(request, _("Decision removed."))
    return redirect(_meeting_url(decision.meeting, "decisions"))


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, account_pk, meeting_pk):
    meeting = get_meeting_for_user(request.user, account_pk, meeting_pk)
    account = meeting.account
    require(can_work_on_account(request.user, account))
    form = MeetingActionForm(request.POST or None, owners=selectors.colleague_choices(account))
    if submit_to_service(
        request, form, services.meeting_action_create, meeting=meeting, success=_("Action added.")
    ):
        return redirect(_meeting_url(meeting, "actions"))
    return _form_page(
        request,
        account,
        form,
        section="meetings",
        title=_("Add an action"),
        back=_meeting_url(meeting, "actions"),
        intro=meeting.title,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, account_pk, meeting_pk, pk):
    action = get_action_for_user(request.user, account_pk, meeting_pk, pk)
    meeting = action.meeting
    account = meeting.account
    require(can_work_on_account(request.user, account))
    initial = {f: getattr(action, f) for f in services.ACTION_FIELDS} | {"version": action.version}
    form = MeetingActionEditForm(
        request.POST or None,
        initial=initial,
        owners=_with_current(selectors.colleague_choices(account), [action.owner_id]),
    )
    if submit_to_service(
        request, form, services.meeting_action_update, action=action, success=_("Action saved.")
    ):
        return redirect(_meeting_url(meeting, "actions"))
    return _form_page(
        request,
        account,
        form,
        section="meetings",
        title=_("Edit action"),
        back=_meeting_url(meeting, "actions"),
        intro=meeting.title,
        delete_url=reverse("teams:action-delete", args=[account.pk, meeting.pk, action.pk]),
        delete_question=_("Remove this action?"),
    )


@login_required
@require_POST
def action_status(request, account_pk, meeting_pk, pk):
    """Set the status of an action: its owner or anyone who works on the account (``next`` may
    lead back to My tasks)."""
    action = get_action_for_user(request.user, account_pk, meeting_pk, pk)
    require(can_set_action_status(request.user, action))
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be changed."))
    else:
        try:
            services.meeting_action_update(
                actor=request.user,
                action=action,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
            )
        except EditConflict:
            messages.error(
                request, _("Someone else changed this action in the meantime. Check it and try again.")
            )
        else:
            messages.success(request, _("Action saved."))
    return redirect(safe_next(request) or _meeting_url(action.meeting, "actions"))


@login_required
@require_POST
def action_delete(request, account_pk, meeting_pk, pk):
    action = get_action_for_user(request.user, account_pk, meeting_pk, pk)
    require(can_work_on_account(request.user, action.meeting.account))
    services.meeting_action_delete(actor=request.user, action=action)
    messages.success(request, _("Action removed."))
    return redirect(_meeting_url(action.meeting, "actions"))

"""The account-plan pages: plan list and page with the five steps, edit pages for every part of
the plan, versions and their comparison, annual reviews, and the personal task list.

Every view loads the plan through its account (``permissions.get_plan_for_user``): a plan of an
account the user may not see answers 404. Writes need ``can_work_on_account`` (403 otherwise)
and go through the services, which check it again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import can_work_on_account, get_account_for_user, require
from openkam.core.forms import add_service_errors, submit_to_service
from openkam.core.http import safe_next
from openkam.core.locking import EditConflict

from . import services
from .choices import ELEMENT_HINTS, STEP_HINTS, ActionStatus, Element, PlanType, Step
from .figures import account_figures
from .forms import (
    ActionEditForm,
    ActionForm,
    ActionStatusForm,
    ElementForm,
    FreezeForm,
    GoalEditForm,
    GoalForm,
    NextCycleForm,
    PlanCreateForm,
    PlanForm,
    ReviewActionForm,
    ReviewEditForm,
    ReviewForm,
    StepForm,
    TopicEditForm,
    TopicForm,
    VersionOnlyForm,
)
from .models import Plan
from .permissions import (
    get_action,
    get_element,
    get_goal,
    get_plan_for_user,
    get_review,
    get_step,
    get_topic,
    get_version,
)
from .rigour import requirements
from .selectors import (
    action_owner_choices,
    actions_for_plan,
    open_actions_for_user,
    plan_facts,
    plan_for_page,
    plan_overview,
    plans_for_account,
    today,
    versions_for_account,
)
from .snapshots import compare_snapshots, plan_snapshot


def _context(plan: Plan, **extra) -> dict:
    return {
        "account": plan.account,
        "plan": plan,
        "account_section": "plans",
        "active_nav": "accounts",
        **extra,
    }


def _to_plan(plan: Plan, anchor: str = ""):
    url = reverse("plans:detail", args=[plan.account_id, plan.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _editable(request, account_pk, plan_pk) -> Plan:
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    require(can_work_on_account(request.user, plan.account))
    return plan


def _form_page(request, plan: Plan, form, *, title: str, intro: str = "", cancel: str = "", **extra):
    return render(
        request,
        "plans/form.html",
        _context(
            plan,
            form=form,
            title=title,
            intro=intro,
            cancel=cancel or reverse("plans:detail", args=[plan.account_id, plan.pk]),
            **extra,
        ),
    )


# Plans --------------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    return render(
        request,
        "plans/plan_list.html",
        {
            "account": account,
            "plans": plans_for_account(account),
            "can_edit": can_work_on_account(request.user, account),
            "account_section": "plans",
            "active_nav": "accounts",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    latest = account.plans.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    initial = {
        "fiscal_year": (latest + 1) if latest else today().year,
        "plan_type": account.account_type if account.account_type in PlanType.values else PlanType.EXISTING,
    }
    form = PlanCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Account plan created."))
            return _to_plan(plan)
    return render(
        request,
        "plans/plan_create.html",
        {"account": account, "form": form, "account_section": "plans", "active_nav": "accounts"},
    )


@login_required
@require_GET
def plan_detail(request, account_pk, plan_pk):
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    overview = plan_overview(plan)
    can_edit = can_work_on_account(request.user, plan.account)
    return render(
        request,
        "plans/plan_detail.html",
        _context(
            overview.plan,
            o=overview,
            can_edit=can_edit,
            growth_url=_growth_url(plan),
        ),
    )


def _growth_url(plan: Plan) -> str | None:
    from django.urls import NoReverseMatch

    try:
        return reverse("growth:answers", args=[plan.account_id, plan.pk])
    except NoReverseMatch:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, account_pk, plan_pk):
    plan = _editable(request, account_pk, plan_pk)
    initial = {
        "version": plan.version,
        "plan_type": plan.plan_type,
        "vision": plan.vision,
        "strategy": plan.strategy,
    }
    form = PlanForm(request.POST or None, initial=initial)
    if submit_to_service(
        request, form, services.plan_update, plan=plan, success=_("Vision and strategy saved.")
    ):
        return _to_plan(plan, "vision")
    return _form_page(request, plan, form, title=_("Vision and strategy"))


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request, account_pk, plan_pk, step):
    plan = _editable(request, account_pk, plan_pk)
    if step not in Step.values:
        raise Http404
    plan_step = get_step(plan_for_page(plan), step)
    plan_step.plan.account = plan.account
    form = StepForm(
        request.POST or None,
        initial={"version": plan_step.version, "state": plan_step.state, "notes": plan_step.notes},
    )
    if submit_to_service(request, form, services.plan_step_update, step=plan_step, success=_("Step saved.")):
        return _to_plan(plan, f"step-{step}")
    facts = plan_facts(plan_step.plan)
    return _form_page(
        request,
        plan,
        form,
        title=_("Step: %(step)s") % {"step": plan_step.get_step_display()},
        intro=str(STEP_HINTS[step]),
        requirements=requirements(plan.plan_type, step, facts),
        plan_type_label=plan.get_plan_type_display(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def element_edit(request, account_pk, plan_pk, element):
    plan = _editable(request, account_pk, plan_pk)
    if element not in Element.values:
        raise Http404
    item = get_element(plan, element)
    form = ElementForm(request.POST or None, initial={"version": item.version, "text": item.text})
    if submit_to_service(request, form, services.element_update, element=item, success=_("Element saved.")):
        return _to_plan(plan, f"element-{element}")
    return _form_page(
        request,
        plan,
        form,
        title=item.get_element_display(),
        intro=str(ELEMENT_HINTS[element]),
        figures=account_figures(plan.account).get(element),
    )


# Topic map ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def topic_create(request, account_pk, plan_pk):
    plan = _editable(request, account_pk, plan_pk)
    form = TopicForm(request.POST or None)
    if submit_to_service(request, form, services.topic_create, plan=plan, success=_("Topic added.")):
        return _to_plan(plan, "topic-map")
    return _form_page(request, plan, form, title=_("Add a topic to the topic map"))


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request, account_pk, plan_pk, pk):
    plan = _editable(request, account_pk, plan_pk)
    topic = get_topic(plan, pk)
    initial = {f: getattr(topic, f) for f in services.TOPIC_FIELDS} | {"version": topic.version}
    form = TopicEditForm(request.POST or None, initial=initial)
    if submit_to_service(request, form, services.topic_update, topic=topic, success=_("Topic saved.")):
        return _to_plan(plan, "topic-map")
    return _form_page(request, plan, form, title=_("Edit the topic"), delete_url=_delete_url("topic", topic))


@login_required
@require_POST
def topic_delete(request, account_pk, plan_pk, pk):
    plan = _editable(request, account_pk, plan_pk)
    services.topic_delete(actor=request.user, topic=get_topic(plan, pk))
    messages.success(request, _("Topic removed."))
    return _to_plan(plan, "topic-map")


def _delete_url(kind: str, obj) -> str:
    return reverse(f"plans:{kind}-delete", args=[obj.plan.account_id, obj.plan_id, obj.pk])


# Goals --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request, account_pk, plan_pk):
    plan = _editable(request, account_pk, plan_pk)
    form = GoalForm(request.POST or None)
    if submit_to_service(request, form, services.goal_create, plan=plan, success=_("Goal added.")):
        return _to_plan(plan, "goals")
    return _form_page(request, plan, form, title=_("Add a goal"))


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, account_pk, plan_pk, pk):
    plan = _editable(request, account_pk, plan_pk)
    goal = get_goal(plan, pk)
    initial = {f: getattr(goal, f) for f in services.GOAL_FIELDS} | {"version": goal.version}
    form = GoalEditForm(request.POST or None, initial=initial)
    if submit_to_service(request, form, services.goal_update, goal=goal, success=_("Goal saved.")):
        return _to_plan(plan, "goals")
    return _form_page(request, plan, form, title=_("Edit the goal"), delete_url=_delete_url("goal", goal))


@login_required
@require_POST
def goal_delete(request, account_pk, plan_pk, pk):
    plan = _editable(request, account_pk, plan_pk)
    services.goal_delete(actor=request.user, goal=get_goal(plan, pk))
    messages.success(request, _("Goal removed."))
    return _to_plan(plan, "goals")


# Actions ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, account_pk, plan_pk):
    plan = _editable(request, account_pk, plan_pk)
    form = ActionForm(
        request.POST or None, owners=action_owner_choices(plan.account), initial={"owner": request.user.pk}
    )
    if submit_to_service(request, form, services.action_create, plan=plan, success=_("Action added.")):
        return _to_plan(plan, "actions")
    return _form_page(request, plan, form, title=_("Add an action"))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, account_pk, plan_pk, pk):
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    action = get_action(plan, pk)
    require(services.may_update_action(request.user, action))
    full = can_work_on_account(request.user, plan.account)
    if full:
        initial = {f: getattr(action, f) for f in services.ACTION_FIELDS} | {"version": action.version}
        form = ActionEditForm(
            request.POST or None, owners=action_owner_choices(plan.account), initial=initial
        )
    else:
        initial = {"status": action.status, "notes": action.notes, "version": action.version}
        form = ActionStatusForm(request.POST or None, initial=initial)
    if submit_to_service(request, form, services.action_update, action=action, success=_("Action saved.")):
        return _back(request, plan, "actions")
    return _form_page(
        request,
        plan,
        form,
        title=_("Edit the action") if full else action.title,
        delete_url=_delete_url("action", action) if full else "",
        next_url=safe_next(request),
    )


@login_required
@require_POST
def action_done(request, account_pk, plan_pk, pk):
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    action = get_action(plan, pk)
    require(services.may_update_action(request.user, action))
    form = VersionOnlyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be marked done. Reload the page and try again."))
        return _back(request, plan, "actions")
    try:
        services.action_update(
            actor=request.user, action=action, version=form.cleaned_data["version"], status=ActionStatus.DONE
        )
    except EditConflict:
        messages.error(
            request, _("Someone else changed this action in the meantime; check it and try again.")
        )
    else:
        messages.success(request, _("“%(title)s” is done.") % {"title": action.title})
    return _back(request, plan, "actions")


@login_required
@require_POST
def action_delete(request, account_pk, plan_pk, pk):
    plan = _editable(request, account_pk, plan_pk)
    services.action_delete(actor=request.user, action=get_action(plan, pk))
    messages.success(request, _("Action removed."))
    return _to_plan(plan, "actions")


def _back(request, plan: Plan, anchor: str):
    target = safe_next(request)
    return redirect(target) if target else _to_plan(plan, anchor)


# Versions -----------------------------------------------------------------------------------------


@login_required
@require_GET
def version_list(request, account_pk, plan_pk):
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    return render(
        request,
        "plans/version_list.html",
        _context(
            plan,
            versions=list(versions_for_account(plan.account)),
            freeze_form=FreezeForm(),
            can_edit=can_work_on_account(request.user, plan.account),
        ),
    )


@login_required
@require_POST
def version_freeze(request, account_pk, plan_pk):
    plan = _editable(request, account_pk, plan_pk)
    form = FreezeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("plans:versions", account_pk, plan.pk)
    version = services.version_freeze(actor=request.user, plan=plan, **form.cleaned_data)
    messages.success(request, _("Version %(number)s frozen.") % {"number": version.number})
    return redirect("plans:versions", account_pk, plan.pk)


@login_required
@require_GET
def version_detail(request, account_pk, plan_pk, pk):
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    version = get_version(plan.account, pk)
    return render(request, "plans/version_detail.html", _context(plan, version=version, s=version.snapshot))


@login_required
@require_GET
def version_compare(request, account_pk, plan_pk):
    """Two versions side by side; ``current`` stands for the plan as it is now. Without choices
    the two latest versions of the plan are compared (or the latest with the current state)."""
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    versions = list(versions_for_account(plan.account))
    own = [v for v in versions if v.plan_id == plan.pk]
    default_a = str(own[1].pk) if len(own) > 1 else (str(own[0].pk) if own else "")
    default_b = str(own[0].pk) if len(own) > 1 else "current"
    a_key, b_key = request.GET.get("a") or default_a, request.GET.get("b") or default_b
    sides = []
    for key in (a_key, b_key):
        if key == "current":
            sides.append((_("Now"), plan_snapshot(plan_for_page(plan))))
        elif key.isdigit():
            version = get_version(plan.account, int(key))
            label = _("Version %(number)s (%(year)s)") % {
                "number": version.number,
                "year": version.plan.fiscal_year,
            }
            sides.append((label, version.snapshot))
        else:
            sides.append(None)
    comparison = compare_snapshots(sides[0][1], sides[1][1]) if all(sides) else None
    return render(
        request,
        "plans/version_compare.html",
        _context(
            plan,
            versions=versions,
            a=a_key,
            b=b_key,
            label_a=sides[0][0] if sides[0] else "",
            label_b=sides[1][0] if sides[1] else "",
            comparison=comparison,
        ),
    )


# Annual reviews -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, account_pk, plan_pk):
    plan = _editable(request, account_pk, plan_pk)
    form = ReviewForm(request.POST or None, initial={"date": today()})
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_create(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Annual review saved."))
            return redirect("plans:review-detail", account_pk, plan.pk, review.pk)
    return _form_page(
        request,
        plan,
        form,
        title=_("Annual review with the customer"),
        intro=_(
            "The KA-Jahresgespräch: look back on the year with the customer, agree on goals and actions "
            "for the next one. Completing it freezes a version of the plan."
        ),
    )


@login_required
@require_GET
def review_detail(request, account_pk, plan_pk, pk):
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    review = get_review(plan, pk)
    can_edit = can_work_on_account(request.user, plan.account)
    return render(
        request,
        "plans/review_detail.html",
        _context(
            plan,
            review=review,
            agreed=list(actions_for_plan(plan).filter(review=review)),
            can_edit=can_edit,
            action_form=ReviewActionForm(owners=action_owner_choices(plan.account)) if can_edit else None,
            complete_form=VersionOnlyForm(initial={"version": review.version}),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, account_pk, plan_pk, pk):
    plan = _editable(request, account_pk, plan_pk)
    review = get_review(plan, pk)
    initial = {f: getattr(review, f) for f in services.REVIEW_FIELDS} | {"version": review.version}
    form = ReviewEditForm(request.POST or None, initial=initial)
    if submit_to_service(
        request, form, services.review_update, review=review, success=_("Annual review saved.")
    ):
        return redirect("plans:review-detail", account_pk, plan.pk, review.pk)
    return _form_page(
        request,
        plan,
        form,
        title=_("Annual review with the customer"),
        cancel=reverse("plans:review-detail", args=[account_pk, plan.pk, review.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_action(request, account_pk, plan_pk, pk):
    plan = _editable(request, account_pk, plan_pk)
    review = get_review(plan, pk)
    form = ReviewActionForm(request.POST or None, owners=action_owner_choices(plan.account))
    if submit_to_service(
        request, form, services.review_add_action, review=review, success=_("Agreed action recorded.")
    ):
        return redirect("plans:review-detail", account_pk, plan.pk, review.pk)
    return _form_page(
        request,
        plan,
        form,
        title=_("Action agreed at the annual review"),
        cancel=reverse("plans:review-detail", args=[account_pk, plan.pk, review.pk]),
    )


@login_required
@require_POST
def review_complete(request, account_pk, plan_pk, pk):
    plan = _editable(request, account_pk, plan_pk)
    review = get_review(plan, pk)
    form = VersionOnlyForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else review.version
    try:
        frozen = services.review_complete(actor=request.user, review=review, version=version)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except EditConflict:
        messages.error(
            request, _("Someone else changed this review in the meantime; check it and try again.")
        )
    else:
        messages.success(
            request,
            _("Annual review completed; version %(number)s of the plan is frozen.")
            % {"number": frozen.number},
        )
    return redirect("plans:review-detail", account_pk, plan.pk, review.pk)


# Next cycle ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def next_cycle(request, account_pk, plan_pk):
    plan = _editable(request, account_pk, plan_pk)
    form = NextCycleForm(
        request.POST or None, initial={"fiscal_year": plan.fiscal_year + 1, "plan_type": plan.plan_type}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.plan_start_next_cycle(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan for %(year)s is started.") % {"year": new.fiscal_year})
            return _to_plan(new)
    return _form_page(
        request,
        plan,
        form,
        title=_("Start the next planning cycle"),
        intro=_(
            "The new plan takes over vision, strategy, the development strategy, the topic map, the goals "
            "not reached yet (starting from the value reached) and the growth-plan answers (questions still "
            "to research start open again). Its steps start again."
        ),
    )


# Personal task list -------------------------------------------------------------------------------


@login_required
@require_GET
def my_tasks(request):
    # The follow-ups of the contact log, the actions of team meetings and the RACI duties are
    # tasks too; imported here because those apps build on plans, not the other way round.
    from openkam.opportunities.selectors import open_next_steps_for_user
    from openkam.raci.selectors import raci_duties_for_user
    from openkam.relationships.selectors import open_follow_ups_for_user
    from openkam.teams.selectors import open_meeting_actions_for_user

    on = today()
    actions = list(open_actions_for_user(request.user))
    for action in actions:
        action.overdue = action.is_overdue(on)
    follow_ups = list(open_follow_ups_for_user(request.user))
    for follow_up in follow_ups:
        follow_up.overdue = follow_up.due_on is not None and follow_up.due_on < on
    meeting_actions = list(open_meeting_actions_for_user(request.user, on=on))
    opportunity_steps = list(open_next_steps_for_user(request.user))
    return render(
        request,
        "plans/my_tasks.html",
        {
            "actions": actions,
            "follow_ups": follow_ups,
            "meeting_actions": meeting_actions,
            "opportunity_steps": opportunity_steps,
            "raci_duties": raci_duties_for_user(request.user),
            "overdue_count": sum(
                1 for t in [*actions, *follow_ups, *meeting_actions, *opportunity_steps] if t.overdue
            ),
            "active_nav": "tasks",
        },
    )

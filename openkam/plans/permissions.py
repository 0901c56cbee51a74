"""Access to account plans: always through their account's access helper.

A plan (and everything hanging from it) is loaded by first loading its account with
``get_account_for_user``; a plan of an account the user may not see answers 404 exactly like a
plan that does not exist. Edit rights are ``can_work_on_account`` (the owner and the core team).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from openkam.accounts.permissions import get_account_for_user

from .models import Action, AnnualReview, Goal, Plan, PlanStep, PlanVersion, StrategyElement, Topic


def get_plan_for_user(user, account_pk, plan_pk) -> Plan:
    """The plan ``plan_pk`` of the visible account ``account_pk``, or Http404."""
    account = get_account_for_user(user, account_pk)
    plan = get_object_or_404(Plan, pk=plan_pk, account=account)
    plan.account = account  # keep the viewer annotations of the access helper
    return plan


def get_plan_by_id_for_user(user, plan_pk) -> Plan:
    """The plan ``plan_pk`` for the API, where the path names only the plan: its account is
    looked up and then loaded through the access helper like everywhere else."""
    account_pk = Plan.objects.filter(pk=plan_pk).values_list("account_id", flat=True).first()
    if account_pk is None:
        raise Http404
    return get_plan_for_user(user, account_pk, plan_pk)


def _child(model, plan: Plan, **lookup):
    obj = get_object_or_404(model, plan=plan, **lookup)
    obj.plan = plan
    return obj


def get_step(plan: Plan, step: str) -> PlanStep:
    return _child(PlanStep, plan, step=step)


def get_element(plan: Plan, element: str) -> StrategyElement:
    return _child(StrategyElement, plan, element=element)


def get_topic(plan: Plan, pk) -> Topic:
    return _child(Topic, plan, pk=pk)


def get_goal(plan: Plan, pk) -> Goal:
    return _child(Goal, plan, pk=pk)


def get_action(plan: Plan, pk) -> Action:
    return _child(Action.objects.select_related("owner"), plan, pk=pk)


def get_review(plan: Plan, pk) -> AnnualReview:
    return _child(AnnualReview, plan, pk=pk)


def get_version(account, pk) -> PlanVersion:
    """A frozen version of any plan of ``account`` (comparisons may span planning cycles)."""
    return get_object_or_404(
        PlanVersion.objects.select_related("plan", "frozen_by"), pk=pk, plan__account=account
    )

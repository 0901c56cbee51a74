"""Access to the growth-plan questions: the question bank and the answers of an account plan.

- The answers belong to an account plan, which is loaded only through the account's access
  helper (``get_plan_for_user``, for the API ``get_plan_by_id_for_user``, of the plans app):
  whoever may read the account reads them, the owner and the core team change them
  (``can_work_on_account``), everyone else gets 404 exactly as for the account.
- The question bank is configuration. Its pages are administration pages and exist only for
  administrators (404 for everyone else, like the user administration); through the API everybody
  who works with key accounts reads it (the answers refer to it), and only administrators change
  it (403 for the other readers).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from openkam.accounts.permissions import accounts_visible_to, can_work_on_account
from openkam.plans.models import Plan
from openkam.plans.permissions import get_plan_by_id_for_user, get_plan_for_user
from openkam.users.choices import Role
from openkam.users.permissions import require_admin

from .models import Question

__all__ = [
    "can_answer",
    "can_edit_bank",
    "can_read_bank",
    "get_plan_by_id_for_user",
    "get_plan_for_user",
    "get_question_for_admin",
    "require_admin",
    "require_bank_editor",
    "require_bank_reader",
]


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_edit_bank(user) -> bool:
    return _active(user) and user.role == Role.ADMIN


def can_read_bank(user) -> bool:
    """Administrators, and everyone who can see at least one key account."""
    return can_edit_bank(user) or (_active(user) and accounts_visible_to(user).exists())


def require_bank_reader(user) -> None:
    if not can_read_bank(user):
        raise Http404


def require_bank_editor(user) -> None:
    """403 for readers of the bank who may not change it (the API's rule)."""
    require_bank_reader(user)
    if not can_edit_bank(user):
        raise PermissionDenied


def get_question_for_admin(user, pk) -> Question:
    """A question of the bank for the administration pages; 404 for anyone but administrators."""
    require_admin(user)
    return get_object_or_404(Question, pk=pk)


def can_answer(user, plan: Plan) -> bool:
    """The owner and the core team answer the questions of a plan."""
    return _active(user) and can_work_on_account(user, plan.account)

"""Access to the RACI matrix of a key account: always through the account.

The account is loaded with ``get_account_for_user`` (Http404 when the user may not see it); a
task is then looked up among that account's tasks, so a task of another account answers 404
exactly like one that does not exist. Who may change the matrix: ``can_work_on_account`` (the
owner and the core team); the extended team and management read it.
"""

from django.shortcuts import get_object_or_404

from openkam.accounts.permissions import can_work_on_account, get_account_for_user, require

from .models import RaciTask

__all__ = ["can_work_on_account", "get_task_for_user", "require"]


def get_task_for_user(user, account_pk, pk) -> RaciTask:
    """The RACI task of a visible account, or Http404."""
    account = get_account_for_user(user, account_pk)
    task = get_object_or_404(RaciTask, pk=pk, account=account)
    task.account = account  # keep the viewer annotations of the access helper
    return task

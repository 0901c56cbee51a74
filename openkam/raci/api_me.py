"""The caller's own RACI duties (mounted under /me; see openkam/api.py)."""

from django.utils.translation import gettext_lazy as _
from ninja import Router

from openkam.core.api import with_errors

from .schemas import RaciAccountDutiesOut
from .selectors import raci_duties_for_user

me_router = Router(tags=["RACI matrix"])


@me_router.get(
    "/raci-duties",
    response=with_errors({200: list[RaciAccountDutiesOut]}, 401),
    operation_id="me_raci_duties",
    summary=_("List my RACI duties"),
)
def raci_duties(request):
    """The tasks you hold a letter for, grouped by key account; only accounts you may see."""
    return [
        {
            "account_id": group.account.pk,
            "account_name": group.account.customer.display_name,
            "duties": [
                {"task_id": duty.task.pk, "title": duty.task.title, "letter": duty.letter}
                for duty in group.duties
            ],
        }
        for group in raci_duties_for_user(request.auth)
    ]

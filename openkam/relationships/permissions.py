"""Access to contacts, follow-ups, relationship plan entries and touchpoints: through their account.

The account is loaded with ``get_account_for_user`` (Http404 when the user may not see it); the
object is then looked up among that account's objects, so one of another account answers 404
exactly like one that does not exist. Who may change them: ``can_work_on_account`` (the owner
and the core team); the extended team and management read only. The owner of a follow-up
action may also mark it done (``can_complete_follow_up``), like the owner of a plan action.
"""

from django.shortcuts import get_object_or_404

from openkam.accounts.permissions import can_work_on_account, get_account_for_user, require

from .models import Contact, FollowUp, RelationshipLink, Touchpoint

__all__ = [
    "can_complete_follow_up",
    "can_work_on_account",
    "get_contact_for_user",
    "get_follow_up_for_user",
    "get_link_for_user",
    "get_touchpoint_for_user",
    "require",
]


def _child(model, user, account_pk, pk, related: tuple[str, ...] = ()):
    account = get_account_for_user(user, account_pk)
    rows = model.objects.select_related(*related) if related else model.objects.all()
    obj = get_object_or_404(rows, pk=pk, account=account)
    obj.account = account  # keep the viewer annotations of the access helper
    return obj


def get_contact_for_user(user, account_pk, pk) -> Contact:
    """The contact of a visible account, or Http404."""
    return _child(Contact, user, account_pk, pk, ("created_by",))


def get_follow_up_for_user(user, account_pk, contact_pk, pk) -> FollowUp:
    """The follow-up action of a contact of a visible account, or Http404."""
    contact = get_contact_for_user(user, account_pk, contact_pk)
    follow_up = get_object_or_404(FollowUp.objects.select_related("owner"), pk=pk, contact=contact)
    follow_up.contact = contact
    return follow_up


def get_link_for_user(user, account_pk, pk) -> RelationshipLink:
    """The relationship plan entry of a visible account, or Http404."""
    return _child(RelationshipLink, user, account_pk, pk, ("user", "stakeholder"))


def get_touchpoint_for_user(user, account_pk, pk) -> Touchpoint:
    """The touchpoint of a visible account, or Http404."""
    return _child(Touchpoint, user, account_pk, pk, ("stakeholder", "owner"))


def can_complete_follow_up(user, follow_up: FollowUp) -> bool:
    """Whether ``user`` may tick a follow-up off: its owner, or anyone who works on the account.

    ``follow_up.contact.account`` must come from the access helper (so the user can see it).
    """
    return follow_up.owner_id == user.pk or can_work_on_account(user, follow_up.contact.account)

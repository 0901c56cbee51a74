"""API operations on the contact log, the relationship plan, the touchpoint plan and the meeting
brief of a key account (mounted under /accounts; see openkam/api.py).

See docs/relationships.md for the rules. Objects are loaded only through their account's access
helper (404 for what the caller may not see); the services decide who may change them (the
owner and the core team: 403 for others) and validate (422, naming the body's fields). PATCH
bodies may carry the ``version`` the client read; when someone else saved in between, the
answer is 409. The brief holds personality profiles only for callers with the personality
permission; for everyone else the ``personality`` key is absent.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import refuse_unknown_query, with_errors
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

from . import selectors, services
from .choices import BRIEF_CHANNEL, ContactStatus
from .models import Contact, RelationshipLink, Touchpoint
from .permissions import (
    get_contact_for_user,
    get_follow_up_for_user,
    get_link_for_user,
    get_touchpoint_for_user,
)
from .schemas import (
    BriefOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactQuery,
    CounterpartIn,
    FollowUpIn,
    FollowUpOut,
    FollowUpPatch,
    LinkIn,
    LinkOut,
    LinkPatch,
    PlanOut,
    PlanQuery,
    TouchpointIn,
    TouchpointOut,
    TouchpointPatch,
    TouchpointQuery,
)

router = Router(tags=["Relationships and contacts"])

# The services name people by model field; the bodies name them by id.
_BODY_FIELDS = {"user": "user_id", "stakeholder": "stakeholder_id", "owner": "owner_id"}


@contextmanager
def _body_field_names() -> Iterator[None]:
    """Re-raise a service's ValidationError with the field names of the request body."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {_BODY_FIELDS.get(name, name): errors for name, errors in exc.error_dict.items()}
        ) from exc


def _user_of(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError({field: gettext("Choose the account owner or a member of the account team.")})
    return user


def _stakeholder_of(account, stakeholder_id: int, field: str) -> Stakeholder:
    stakeholder = Stakeholder.objects.filter(account=account, pk=stakeholder_id).first()
    if stakeholder is None:
        raise ValidationError({field: gettext("Choose a stakeholder of this account.")})
    return stakeholder


def _stakeholders_of(account, ids: list[int]) -> list[Stakeholder]:
    found = list(Stakeholder.objects.filter(account=account, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"stakeholders": gettext("Choose stakeholders of this account.")})
    return found


def _users_of(ids: list[int]) -> list[User]:
    found = list(User.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError(
            {
                "participants": gettext(
                    "Our participants must be the account owner or members of the account team."
                )
            }
        )
    return found


# Turning bodies into service arguments ----------------------------------------------------------


def _contact(contact: Contact) -> Contact:
    return selectors.contact_for_page(contact)


def _counterparts_of(account, items: list[CounterpartIn]) -> dict:
    return {
        _stakeholder_of(account, item.stakeholder_id, "counterparts"): _user_of(item.user_id, "counterparts")
        for item in items
    }


def _follow_up_values(values: dict) -> dict:
    if "owner_id" in values:
        values["owner"] = _user_of(values.pop("owner_id"), "owner_id")
    return values


# Contacts -----------------------------------------------------------------------------------------


@router.get(
    "/{account_id}/contacts",
    response=with_errors({200: list[ContactOut]}, 401, 404, 422),
    operation_id="contacts_list",
    summary=_("List the contacts of a key account"),
)
def contacts_list(request, account_id: int, query: Query[ContactQuery]):
    """Newest first, with participants on both sides, counterparts and follow-up actions."""
    refuse_unknown_query(request, ContactQuery)
    account = get_account_for_user(request.auth, account_id)
    rows = selectors.contacts_for_account(account, status=query.status or "")
    if query.since is not None:
        rows = rows.filter(date__gte=query.since)
    return list(rows.prefetch_related("counterparts", "follow_ups__owner").select_related("created_by"))


@router.post(
    "/{account_id}/contacts",
    response=with_errors({201: ContactOut}, 401, 403, 404, 422),
    operation_id="contact_create",
    summary=_("Log or plan a contact"),
)
def contact_add(request, account_id: int, payload: ContactIn):
    """A held contact may not lie in the future; it updates its participants' last contact."""
    account = get_account_for_user(request.auth, account_id)
    values = payload.model_dump()
    values["stakeholders"] = _stakeholders_of(account, values["stakeholders"])
    values["participants"] = _users_of(values["participants"])
    values["counterparts"] = _counterparts_of(account, payload.counterparts)
    values["follow_ups"] = [_follow_up_values(f.model_dump()) for f in payload.follow_ups]
    with _body_field_names():
        contact = services.contact_create(actor=request.auth, account=account, **values)
    return Status(201, _contact(contact))


@router.get(
    "/{account_id}/contacts/{contact_id}",
    response=with_errors({200: ContactOut}, 401, 404),
    operation_id="contact_get",
    summary=_("Show a contact"),
)
def contact_get(request, account_id: int, contact_id: int):
    return _contact(get_contact_for_user(request.auth, account_id, contact_id))


@router.patch(
    "/{account_id}/contacts/{contact_id}",
    response=with_errors({200: ContactOut}, 401, 403, 404, 409, 422),
    operation_id="contact_update",
    summary=_("Change a contact"),
)
def contact_patch(request, account_id: int, contact_id: int, payload: ContactPatch):
    """Fields left out stay unchanged; ``stakeholders`` and ``participants`` replace the lists."""
    contact = get_contact_for_user(request.auth, account_id, contact_id)
    account = contact.account
    values = payload.changed()
    version = values.pop("version", None)
    if "stakeholders" in values:
        values["stakeholders"] = _stakeholders_of(account, values["stakeholders"])
    if "participants" in values:
        values["participants"] = _users_of(values["participants"])
    if "counterparts" in values:
        values["counterparts"] = _counterparts_of(account, payload.counterparts)
    with _body_field_names():
        contact = services.contact_update(actor=request.auth, contact=contact, version=version, **values)
    return _contact(contact)


@router.delete(
    "/{account_id}/contacts/{contact_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="contact_delete",
    summary=_("Remove a contact"),
)
def contact_remove(request, account_id: int, contact_id: int):
    contact = get_contact_for_user(request.auth, account_id, contact_id)
    services.contact_delete(actor=request.auth, contact=contact)
    return Status(204, None)


# Follow-up actions --------------------------------------------------------------------------------


@router.post(
    "/{account_id}/contacts/{contact_id}/follow-ups",
    response=with_errors({201: FollowUpOut}, 401, 403, 404, 422),
    operation_id="follow_up_create",
    summary=_("Add a follow-up action to a contact"),
)
def follow_up_add(request, account_id: int, contact_id: int, payload: FollowUpIn):
    contact = get_contact_for_user(request.auth, account_id, contact_id)
    with _body_field_names():
        follow_up = services.follow_up_create(
            actor=request.auth, contact=contact, **_follow_up_values(payload.model_dump())
        )
    return Status(201, follow_up)


@router.patch(
    "/{account_id}/contacts/{contact_id}/follow-ups/{follow_up_id}",
    response=with_errors({200: FollowUpOut}, 401, 403, 404, 409, 422),
    operation_id="follow_up_update",
    summary=_("Change a follow-up action"),
)
def follow_up_patch(request, account_id: int, contact_id: int, follow_up_id: int, payload: FollowUpPatch):
    """The owner of a follow-up action may send ``done`` alone without edit rights on the account."""
    follow_up = get_follow_up_for_user(request.auth, account_id, contact_id, follow_up_id)
    values = _follow_up_values(payload.changed())
    version = values.pop("version", None)
    with _body_field_names():
        return services.follow_up_update(actor=request.auth, follow_up=follow_up, version=version, **values)


@router.delete(
    "/{account_id}/contacts/{contact_id}/follow-ups/{follow_up_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="follow_up_delete",
    summary=_("Remove a follow-up action"),
)
def follow_up_remove(request, account_id: int, contact_id: int, follow_up_id: int):
    follow_up = get_follow_up_for_user(request.auth, account_id, contact_id, follow_up_id)
    services.follow_up_delete(actor=request.auth, follow_up=follow_up)
    return Status(204, None)


# The meeting brief --------------------------------------------------------------------------------


def _brief(data: selectors.MeetingBrief) -> dict:
    participants = []
    for p in data.participants:
        s = p.stakeholder
        item = {
            "stakeholder": {
                "id": s.pk,
                "name": str(s),
                "function": s.function,
                "business_unit": s.business_unit,
                "hierarchy_level": s.hierarchy_level,
                "buying_roles": list(s.buying_roles or []),
                "attitude": s.attitude,
                "influence": s.influence,
                "is_coach": s.is_coach,
                "relationship_owner": s.relationship_owner,
                "last_contact_on": s.last_contact_on,
            },
            "counterpart": p.counterpart,
            "last_contacts": [
                {"id": c.pk, "date": c.date, "kind": c.kind, "title": c.title, "outcomes": c.outcomes}
                for c in p.last_contacts
            ],
        }
        if p.profile is not None:
            hints = p.hints
            item["personality"] = {
                "colours": p.colours,
                "strongest_motives": p.strongest,
                "weakest_motives": p.weakest,
                "colour_hints": [
                    {
                        "colour": h.colour.value,
                        **{
                            name: str(getattr(h, name))
                            for name in ("summary", "prepare", "open", "argue", "close", "avoid")
                        },
                    }
                    for h in (hints.colours if hints else [])
                ],
                "motive_hints": [
                    {"motive": h.motive.value, "appeal": str(h.appeal)}
                    for h in (hints.motives if hints else [])
                ],
            }
        participants.append(item)
    return {
        "contact": data.contact,
        "participants": participants,
        "open_follow_ups": data.follow_ups,
        "open_plan_actions": [
            {"id": a.pk, "title": a.title, "owner": a.owner, "due_date": a.due_date, "plan_id": a.plan_id}
            for a in data.plan_actions
        ],
        "open_plan_actions_total": data.plan_actions_total,
    }


@router.get(
    "/{account_id}/contacts/{contact_id}/brief",
    response=with_errors({200: BriefOut}, 401, 404),
    operation_id="contact_brief",
    summary=_("The brief of a planned meeting"),
    exclude_unset=True,
)
def contact_brief(request, account_id: int, contact_id: int):
    """Customer participants with roles, attitude, influence, last contacts and our counterparts;
    open follow-up and plan actions. 404 for a contact that is not planned."""
    contact = get_contact_for_user(request.auth, account_id, contact_id)
    if contact.status != ContactStatus.PLANNED:
        raise Http404
    return _brief(selectors.meeting_brief(contact, request.auth, channel=BRIEF_CHANNEL))


# The relationship plan ----------------------------------------------------------------------------


def _link_values(account, values: dict) -> dict:
    if "user_id" in values:
        values["user"] = _user_of(values.pop("user_id"), "user_id")
    if "stakeholder_id" in values:
        values["stakeholder"] = _stakeholder_of(account, values.pop("stakeholder_id"), "stakeholder_id")
    return values


@router.get(
    "/{account_id}/relationship-links",
    response=with_errors({200: list[LinkOut]}, 401, 404),
    operation_id="relationship_links_list",
    summary=_("List the relationship plan of a key account"),
)
def links_list(request, account_id: int):
    account = get_account_for_user(request.auth, account_id)
    return list(
        RelationshipLink.objects.filter(account=account)
        .select_related("user", "stakeholder")
        .order_by("stakeholder__last_name", "stakeholder__first_name", "user__last_name", "pk")
    )


@router.post(
    "/{account_id}/relationship-links",
    response=with_errors({201: LinkOut}, 401, 403, 404, 422),
    operation_id="relationship_link_create",
    summary=_("Add a relationship plan entry"),
)
def link_add(request, account_id: int, payload: LinkIn):
    """One entry per pair of people: a colleague of the team and a stakeholder of the account."""
    account = get_account_for_user(request.auth, account_id)
    with _body_field_names():
        link = services.relationship_link_create(
            actor=request.auth, account=account, **_link_values(account, payload.model_dump())
        )
    return Status(201, link)


@router.get(
    "/{account_id}/relationship-links/{relationship_link_id}",
    response=with_errors({200: LinkOut}, 401, 404),
    operation_id="relationship_link_get",
    summary=_("Show a relationship plan entry"),
)
def link_get(request, account_id: int, relationship_link_id: int):
    return get_link_for_user(request.auth, account_id, relationship_link_id)


@router.patch(
    "/{account_id}/relationship-links/{relationship_link_id}",
    response=with_errors({200: LinkOut}, 401, 403, 404, 409, 422),
    operation_id="relationship_link_update",
    summary=_("Change a relationship plan entry"),
)
def link_patch(request, account_id: int, relationship_link_id: int, payload: LinkPatch):
    link = get_link_for_user(request.auth, account_id, relationship_link_id)
    values = _link_values(link.account, payload.changed())
    version = values.pop("version", None)
    with _body_field_names():
        return services.relationship_link_update(actor=request.auth, link=link, version=version, **values)


@router.delete(
    "/{account_id}/relationship-links/{relationship_link_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="relationship_link_delete",
    summary=_("Remove a relationship plan entry"),
)
def link_remove(request, account_id: int, relationship_link_id: int):
    link = get_link_for_user(request.auth, account_id, relationship_link_id)
    services.relationship_link_delete(actor=request.auth, link=link)
    return Status(204, None)


@router.get(
    "/{account_id}/relationship-plan",
    response=with_errors({200: PlanOut}, 401, 404, 422),
    operation_id="relationship_plan_status",
    summary=_("Planned against actual contacts of the relationship plan"),
)
def plan_status(request, account_id: int, query: Query[PlanQuery]):
    """Planned: 12 / months of the cadence per year, pro rata up to today in the running year
    (rounded down). Actual: held contacts of the year with both people. Status: on_track,
    behind or no_contact (none held although one was due)."""
    refuse_unknown_query(request, PlanQuery)
    account = get_account_for_user(request.auth, account_id)
    today = selectors.today()
    return selectors.relationship_plan_status(account, query.year or today.year, today=today)


# The touchpoint plan ------------------------------------------------------------------------------


def _touchpoint_values(account, values: dict) -> dict:
    if "owner_id" in values:
        values["owner"] = _user_of(values.pop("owner_id"), "owner_id")
    if "stakeholder_id" in values:
        values["stakeholder"] = _stakeholder_of(account, values.pop("stakeholder_id"), "stakeholder_id")
    return values


@router.get(
    "/{account_id}/touchpoints",
    response=with_errors({200: list[TouchpointOut]}, 401, 404, 422),
    operation_id="touchpoints_list",
    summary=_("List the touchpoint plan of a key account"),
)
def touchpoints_list(request, account_id: int, query: Query[TouchpointQuery]):
    """By year, quarter and stakeholder."""
    refuse_unknown_query(request, TouchpointQuery)
    account = get_account_for_user(request.auth, account_id)
    rows = Touchpoint.objects.filter(account=account).select_related("stakeholder", "owner")
    if query.year is not None:
        rows = rows.filter(year=query.year)
    return list(rows.order_by("year", "quarter", "stakeholder__last_name", "pk"))


@router.post(
    "/{account_id}/touchpoints",
    response=with_errors({201: TouchpointOut}, 401, 403, 404, 422),
    operation_id="touchpoint_create",
    summary=_("Add a touchpoint"),
)
def touchpoint_add(request, account_id: int, payload: TouchpointIn):
    account = get_account_for_user(request.auth, account_id)
    with _body_field_names():
        touchpoint = services.touchpoint_create(
            actor=request.auth, account=account, **_touchpoint_values(account, payload.model_dump())
        )
    return Status(201, touchpoint)


@router.get(
    "/{account_id}/touchpoints/{touchpoint_id}",
    response=with_errors({200: TouchpointOut}, 401, 404),
    operation_id="touchpoint_get",
    summary=_("Show a touchpoint"),
)
def touchpoint_get(request, account_id: int, touchpoint_id: int):
    return get_touchpoint_for_user(request.auth, account_id, touchpoint_id)


@router.patch(
    "/{account_id}/touchpoints/{touchpoint_id}",
    response=with_errors({200: TouchpointOut}, 401, 403, 404, 409, 422),
    operation_id="touchpoint_update",
    summary=_("Change a touchpoint"),
)
def touchpoint_patch(request, account_id: int, touchpoint_id: int, payload: TouchpointPatch):
    touchpoint = get_touchpoint_for_user(request.auth, account_id, touchpoint_id)
    values = _touchpoint_values(touchpoint.account, payload.changed())
    version = values.pop("version", None)
    with _body_field_names():
        return services.touchpoint_update(
            actor=request.auth, touchpoint=touchpoint, version=version, **values
        )


@router.delete(
    "/{account_id}/touchpoints/{touchpoint_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="touchpoint_delete",
    summary=_("Remove a touchpoint"),
)
def touchpoint_remove(request, account_id: int, touchpoint_id: int):
    touchpoint = get_touchpoint_for_user(request.auth, account_id, touchpoint_id)
    services.touchpoint_delete(actor=request.auth, touchpoint=touchpoint)
    return Status(204, None)

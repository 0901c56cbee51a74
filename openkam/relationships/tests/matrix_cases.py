"""The relationships section in the permission matrices (see openkam/testing/matrix.py).

Everyone who may see the account reads (owner, team, management); the owner and the core team
change; the extended team and management get 403 on writes; the other KAM and administrators
who are not on the team get 404. The owner of a follow-up action may also tick it off: in the
matrix it belongs to the teammate, so the extended team and management still get 403.
"""

import datetime

from django.urls import reverse

from openkam.relationships.choices import ContactStatus
from openkam.testing.matrix import CORE_WRITES, READERS, Case, post_ok

from .factories import ContactFactory, FollowUpFactory, RelationshipLinkFactory, TouchpointFactory


def _today():
    return datetime.date.today()


def _contact(world):
    return ContactFactory(
        account=world.account,
        stakeholders=[world.stakeholder],
        participants=[world.owner, world.teammate],
        date=_today() - datetime.timedelta(days=10),
    )


def _planned(world):
    return ContactFactory(
        account=world.account,
        status=ContactStatus.PLANNED,
        stakeholders=[world.stakeholder],
        participants=[world.owner],
        date=_today() + datetime.timedelta(days=10),
    )


def _follow_up(world):
    return FollowUpFactory(contact=_contact(world), owner=world.teammate)


def _link(world):
    return RelationshipLinkFactory(account=world.account, user=world.owner, stakeholder=world.stakeholder)


def _touchpoint(world):
    return TouchpointFactory(account=world.account, stakeholder=world.stakeholder, owner=world.teammate)


def _acc(name, make=None):
    def build(world, user):
        args = [world.account.pk] + ([make(world).pk] if make else [])
        return reverse(name, args=args)

    return build


def _follow_up_url(name):
    def build(world, user):
        follow_up = _follow_up(world)
        return reverse(name, args=[world.account.pk, follow_up.contact_id, follow_up.pk])

    return build


def _follow_up_create(world, user):
    return reverse("relationships:follow-up-create", args=[world.account.pk, _contact(world).pk])


def _export(world, user):
    return reverse("relationships:touchpoints-export", args=[world.account.pk, _today().year])


def _done_data():
    return {"version": "1", "done": "on"}


HTML_CASES = {
    "relationships:overview": Case(_acc("relationships:overview"), READERS),
    "relationships:contact-create": Case(_acc("relationships:contact-create"), CORE_WRITES),
    "relationships:contact-detail": Case(_acc("relationships:contact-detail", _contact), READERS),
    "relationships:contact-edit": Case(_acc("relationships:contact-edit", _contact), CORE_WRITES),
    "relationships:contact-delete": Case(
        _acc("relationships:contact-delete", _contact), post_ok(CORE_WRITES), method="post"
    ),
    "relationships:counterparts": Case(_acc("relationships:counterparts", _planned), CORE_WRITES),
    "relationships:brief": Case(_acc("relationships:brief", _planned), READERS),
    "relationships:brief-pdf": Case(_acc("relationships:brief-pdf", _planned), READERS),
    "relationships:follow-up-create": Case(_follow_up_create, CORE_WRITES),
    "relationships:follow-up-edit": Case(_follow_up_url("relationships:follow-up-edit"), CORE_WRITES),
    "relationships:follow-up-done": Case(
        _follow_up_url("relationships:follow-up-done"), post_ok(CORE_WRITES), method="post", data=_done_data()
    ),
    "relationships:follow-up-delete": Case(
        _follow_up_url("relationships:follow-up-delete"), post_ok(CORE_WRITES), method="post"
    ),
    "relationships:plan": Case(_acc("relationships:plan"), READERS),
    "relationships:link-create": Case(_acc("relationships:link-create"), CORE_WRITES),
    "relationships:link-edit": Case(_acc("relationships:link-edit", _link), CORE_WRITES),
    "relationships:link-delete": Case(
        _acc("relationships:link-delete", _link), post_ok(CORE_WRITES), method="post"
    ),
    "relationships:touchpoints": Case(_acc("relationships:touchpoints"), READERS),
    "relationships:touchpoint-create": Case(_acc("relationships:touchpoint-create"), CORE_WRITES),
    "relationships:touchpoint-edit": Case(_acc("relationships:touchpoint-edit", _touchpoint), CORE_WRITES),
    "relationships:touchpoint-delete": Case(
        _acc("relationships:touchpoint-delete", _touchpoint), post_ok(CORE_WRITES), method="post"
    ),
    "relationships:touchpoints-export": Case(_export, READERS),
}

_ACCOUNT = "/accounts/{account_id}"
_CONTACT = f"{_ACCOUNT}/contacts/{{contact_id}}"
API_OPERATIONS = {
    "contacts_list": ("GET", f"{_ACCOUNT}/contacts"),
    "contact_create": ("POST", f"{_ACCOUNT}/contacts"),
    "contact_get": ("GET", _CONTACT),
    "contact_update": ("PATCH", _CONTACT),
    "contact_delete": ("DELETE", _CONTACT),
    "contact_brief": ("GET", f"{_CONTACT}/brief"),
    "follow_up_create": ("POST", f"{_CONTACT}/follow-ups"),
    "follow_up_update": ("PATCH", f"{_CONTACT}/follow-ups/{{follow_up_id}}"),
    "follow_up_delete": ("DELETE", f"{_CONTACT}/follow-ups/{{follow_up_id}}"),
    "relationship_links_list": ("GET", f"{_ACCOUNT}/relationship-links"),
    "relationship_link_create": ("POST", f"{_ACCOUNT}/relationship-links"),
    "relationship_link_get": ("GET", f"{_ACCOUNT}/relationship-links/{{relationship_link_id}}"),
    "relationship_link_update": ("PATCH", f"{_ACCOUNT}/relationship-links/{{relationship_link_id}}"),
    "relationship_link_delete": ("DELETE", f"{_ACCOUNT}/relationship-links/{{relationship_link_id}}"),
    "relationship_plan_status": ("GET", f"{_ACCOUNT}/relationship-plan"),
    "touchpoints_list": ("GET", f"{_ACCOUNT}/touchpoints"),
    "touchpoint_create": ("POST", f"{_ACCOUNT}/touchpoints"),
    "touchpoint_get": ("GET", f"{_ACCOUNT}/touchpoints/{{touchpoint_id}}"),
    "touchpoint_update": ("PATCH", f"{_ACCOUNT}/touchpoints/{{touchpoint_id}}"),
    "touchpoint_delete": ("DELETE", f"{_ACCOUNT}/touchpoints/{{touchpoint_id}}"),
}


def api_expected_status(operation_id: str, persona: str) -> int:
    method = API_OPERATIONS[operation_id][0]
    status = (READERS if method == "GET" else CORE_WRITES)[persona]
    if status != 200:
        return status
    return {"POST": 201, "DELETE": 204}.get(method, 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    yesterday = (_today() - datetime.timedelta(days=1)).isoformat()
    return {
        "contact_create": {
            "title": "Visit to the assembly plant",
            "date": yesterday,
            "kind": "visit",
            "stakeholders": [world.stakeholder.pk],
            "participants": [world.owner.pk],
            "topics": "Retrofit of the conveyor drives",
        },
        "contact_update": {"outcomes": "Drawings of the retrofit follow next week"},
        "follow_up_create": {"description": "Send the retrofit proposal", "owner_id": world.teammate.pk},
        "follow_up_update": {"done": True},
        "relationship_link_create": {
            "user_id": world.teammate.pk,
            "stakeholder_id": world.stakeholder.pk,
            "cadence": "monthly",
        },
        "relationship_link_update": {"cadence": "half_yearly"},
        "touchpoint_create": {
            "stakeholder_id": world.stakeholder.pk,
            "year": _today().year,
            "quarter": 2,
            "kind": "article",
            "description": "Article on predictive maintenance",
        },
        "touchpoint_update": {"status": "done"},
    }.get(operation_id)


def api_path_ids(world) -> dict:
    # A planned contact, so that its brief exists too.
    follow_up = FollowUpFactory(contact=_planned(world), owner=world.teammate)
    return {
        "contact_id": follow_up.contact_id,
        "follow_up_id": follow_up.pk,
        "relationship_link_id": _link(world).pk,
        "touchpoint_id": _touchpoint(world).pk,
    }

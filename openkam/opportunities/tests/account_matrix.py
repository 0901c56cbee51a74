"""Permission-matrix cases of the account opportunity pages and API (opportunities helper).

Everyone who may see the account reads (owner, team, management). The account's KAM and EVERY
team member — core and extended — change its opportunities; management gets 403 on writes; the
other KAM and administrators who are not on the team get 404.
"""

from django.urls import reverse

from openkam.testing.matrix import READERS, Case, post_ok

from .factories import DecisionParticipantFactory, OpportunityFactory

#: The KAM and the whole team (core and extended) edit; management reads only.
EDITORS = {"owner": 200, "teammate": 200, "extended": 200, "manager": 403, "other_kam": 404, "admin": 404}


def _opportunity(world):
    return OpportunityFactory(account=world.account)


def _participant(world):
    return DecisionParticipantFactory(opportunity=_opportunity(world), stakeholder=world.stakeholder)


def _acc(name, make=None):
    def build(world, user):
        args = [world.account.pk] + ([make(world).pk] if make else [])
        return reverse(name, args=args)

    return build


def _participant_url(name):
    def build(world, user):
        participant = _participant(world)
        return reverse(name, args=[world.account.pk, participant.opportunity_id, participant.pk])

    return build


# The matrix posts a fixed dict; the stakeholder's id is only known once the world exists, so
# the URL builder (called first) fills it in.
_ADD_DATA: dict = {"roles": "decision_maker"}


def _participant_add(world, user):
    _ADD_DATA["stakeholder"] = str(world.stakeholder.pk)
    return reverse("opportunities:participant-add", args=[world.account.pk, _opportunity(world).pk])


HTML_CASES = {
    "opportunities:list": Case(_acc("opportunities:list"), READERS),
    "opportunities:create": Case(_acc("opportunities:create"), EDITORS),
    # Whoever reads the account's opportunities may download them (XLSX without ``?format``).
    "opportunities:export": Case(_acc("opportunities:export"), READERS),
    "opportunities:detail": Case(_acc("opportunities:detail", _opportunity), READERS),
    "opportunities:edit": Case(_acc("opportunities:edit", _opportunity), EDITORS),
    "opportunities:delete": Case(_acc("opportunities:delete", _opportunity), post_ok(EDITORS), method="post"),
    # Lost needs no checklist, only a reason: a move every editor may make from a fresh opportunity.
    "opportunities:move": Case(
        _acc("opportunities:move", _opportunity),
        post_ok(EDITORS),
        method="post",
        data={"stage": "lost", "version": "1", "close_reason": "price"},
    ),
    "opportunities:check": Case(
        _acc("opportunities:check", _opportunity),
        post_ok(EDITORS),
        method="post",
        data={"item": "need_confirmed", "checked": "on"},
    ),
    "opportunities:participant-add": Case(_participant_add, post_ok(EDITORS), method="post", data=_ADD_DATA),
    "opportunities:participant-edit": Case(_participant_url("opportunities:participant-edit"), EDITORS),
    "opportunities:participant-remove": Case(
        _participant_url("opportunities:participant-remove"), post_ok(EDITORS), method="post"
    ),
}

_LIST = "/accounts/{account_id}/opportunities"
_OPP = f"{_LIST}/{{opportunity_id}}"
API_OPERATIONS = {
    "opportunities_list": ("GET", _LIST),
    "opportunity_create": ("POST", _LIST),
    "opportunity_get": ("GET", _OPP),
    "opportunity_update": ("PATCH", _OPP),
    "opportunity_delete": ("DELETE", _OPP),
    "opportunity_move": ("POST", f"{_OPP}/move"),
    "opportunity_check_set": ("PUT", f"{_OPP}/checks/{{check_item}}"),
    "opportunity_check_clear": ("DELETE", f"{_OPP}/checks/{{check_item}}"),
    "opportunity_participants_list": ("GET", f"{_OPP}/participants"),
    "opportunity_participant_add": ("POST", f"{_OPP}/participants"),
    "opportunity_participant_update": ("PATCH", f"{_OPP}/participants/{{participant_id}}"),
    "opportunity_participant_remove": ("DELETE", f"{_OPP}/participants/{{participant_id}}"),
}
API_SUCCESS = {"opportunity_move": 200}


def api_expected_status(operation_id: str, persona: str) -> int:
    method = API_OPERATIONS[operation_id][0]
    status = (READERS if method == "GET" else EDITORS)[persona]
    if status != 200:
        return status
    return API_SUCCESS.get(operation_id) or {"POST": 201, "DELETE": 204}.get(method, 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    return {
        "opportunity_create": {
            "title": "Antriebspaket Verpackungslinie",
            "value": "240000.00",
            "expected_close": "2026-11-30",
            "stage": "identified",
        },
        "opportunity_update": {"next_steps": "Angebot mit der Instandhaltung abstimmen"},
        "opportunity_move": {"stage": "lost", "close_reason": "price"},
        "opportunity_participant_add": {"stakeholder_id": world.stakeholder.pk, "roles": ["influencer"]},
        "opportunity_participant_update": {"roles": ["decision_maker", "buyer"]},
    }.get(operation_id)


def api_path_ids(world) -> dict:
    participant = _participant(world)
    return {
        "opportunity_id": participant.opportunity_id,
        "participant_id": participant.pk,
        "check_item": "need_confirmed",
    }

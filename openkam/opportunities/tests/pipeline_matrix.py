"""Permission-matrix cases of the cross-account pipeline pages and API (pipeline helper).

The board, the list, the exports, the forecast and the API answer every signed-in person: what
they contain is restricted to the accounts the person may see (an administrator on no team gets
an empty pipeline, not a 404; ``test_pipeline_access.py`` checks the contents). Moving a card is
a write on the opportunity's account: its KAM and every team member (core and extended) may;
management reads only (403); another KAM and an administrator off the team get 404.
"""

from django.urls import reverse

from openkam.testing.matrix import EVERYONE, Case, post_ok

from .factories import OpportunityFactory

MOVERS = {"owner": 200, "teammate": 200, "extended": 200, "manager": 403, "other_kam": 404, "admin": 404}


def _url(name, query=""):
    return lambda world, user: reverse(name) + query


def _move(world, user):
    opportunity = OpportunityFactory(account=world.account)
    return reverse("pipeline:move", args=[opportunity.pk])


HTML_CASES = {
    "pipeline:board": Case(_url("pipeline:board"), EVERYONE),
    "pipeline:list": Case(_url("pipeline:list"), EVERYONE),
    "pipeline:export": Case(_url("pipeline:export", "?format=csv"), EVERYONE),
    "pipeline:forecast": Case(_url("pipeline:forecast"), EVERYONE),
    # Lost needs no checklist, only a reason: a move every editor may make from a fresh card.
    "pipeline:move": Case(
        _move, post_ok(MOVERS), method="post", data={"stage": "lost", "version": "1", "close_reason": "price"}
    ),
}

API_OPERATIONS = {
    "pipeline_list": ("GET", "/pipeline"),
    "pipeline_totals": ("GET", "/pipeline/totals"),
    "pipeline_forecast": ("GET", "/pipeline/forecast"),
}


def api_expected_status(operation_id: str, persona: str) -> int:
    return 200


def api_sample_body(operation_id: str, world) -> dict | None:
    return None


def api_path_ids(world) -> dict:
    return {}

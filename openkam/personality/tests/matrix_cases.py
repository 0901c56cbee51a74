"""The personality section in the permission matrices (see openkam/testing/matrix.py).

Every case switches personality profiles on, gives the core teammate the personality
permission and records a profile for the world's stakeholder. Then the owner and the teammate
(core team, with the permission) use everything but the grants, which only the owner manages
(the teammate gets 403 there); the extended team member (no permission), management, the other
KAM and administrators get 404 — for them the section does not exist.
"""

from django.urls import reverse

from openkam.personality.models import PersonalityGrant, PersonalityProfile
from openkam.testing.matrix import Case, post_ok

from .factories import PersonalityProfileFactory, enable_personality

HOLDERS = {"owner": 200, "teammate": 200, "extended": 404, "other_kam": 404, "manager": 404, "admin": 404}
OWNER_ONLY = HOLDERS | {"teammate": 403}


def personality_world(world):
    """Profiles on, the teammate holds the permission, the stakeholder has a profile (idempotent)."""
    enable_personality()
    PersonalityGrant.objects.get_or_create(
        membership=world.teammate_membership, defaults={"granted_by": world.owner}
    )
    if not PersonalityProfile.objects.filter(stakeholder=world.stakeholder).exists():
        PersonalityProfileFactory(stakeholder=world.stakeholder)
    return world


def _url(name, *, stakeholder=False, query=""):
    def build(world, user):
        personality_world(world)
        args = [world.account.pk] + ([world.stakeholder.pk] if stakeholder else [])
        return reverse(name, args=args) + query

    return build


HTML_CASES = {
    "personality:overview": Case(_url("personality:overview"), HOLDERS),
    "personality:edit": Case(_url("personality:edit", stakeholder=True), HOLDERS),
    "personality:delete": Case(_url("personality:delete", stakeholder=True), post_ok(HOLDERS), method="post"),
    "personality:access": Case(_url("personality:access"), HOLDERS),
    "personality:log": Case(_url("personality:log"), HOLDERS),
}

_PROFILES = "/accounts/{account_id}/personality/profiles"
_GRANTS = "/accounts/{account_id}/personality/grants"
API_OPERATIONS = {
    "personality_profiles_list": ("GET", _PROFILES),
    "personality_profile_get": ("GET", _PROFILES + "/{stakeholder_id}"),
    "personality_profile_put": ("PUT", _PROFILES + "/{stakeholder_id}"),
    "personality_profile_delete": ("DELETE", _PROFILES + "/{stakeholder_id}"),
    "personality_grants_list": ("GET", _GRANTS),
    "personality_grant_add": ("POST", _GRANTS),
    "personality_grant_remove": ("DELETE", _GRANTS + "/{user_id}"),
    "personality_views_list": ("GET", "/accounts/{account_id}/personality/views"),
}
_GRANT_WRITES = {"personality_grant_add", "personality_grant_remove"}


def api_expected_status(operation_id: str, persona: str) -> int:
    method = API_OPERATIONS[operation_id][0]
    status = (OWNER_ONLY if operation_id in _GRANT_WRITES else HOLDERS)[persona]
    if status != 200:
        return status
    return {"POST": 201, "DELETE": 204}.get(method, 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    return {
        "personality_profile_put": {
            "primary_colour": "red",
            "secondary_colour": "blue",
            "strongest_motives": ["power", "independence"],
            "weakest_motives": ["family"],
            "observations": "Entscheidet in Terminen schnell und fragt nach dem Ergebnis.",
        },
        # The extended member is on the team without the permission.
        "personality_grant_add": {"user_id": world.extended.pk},
    }.get(operation_id)


def api_path_ids(world) -> dict:
    personality_world(world)
    # The owner takes the permission back from the teammate (who may not do it themselves).
    return {"user_id": world.teammate.pk}

"""The data-protection pages and operations in the permission matrices (openkam/testing/matrix.py).

Personal data stays with the account team: management and administrators who are not on the
team get 404 like the other KAM. Everyone on the team sees the status; the owner and the core
team record that a person was informed (the extended team: 403); only the owner exports,
anonymises, erases and keeps (the rest of the team: 403).
"""

from django.urls import reverse

from openkam.testing.matrix import Case, post_ok

from .factories import RetentionFlagFactory

_OUTSIDERS = {"manager": 404, "other_kam": 404, "admin": 404}
TEAM = {"owner": 200, "teammate": 200, "extended": 200} | _OUTSIDERS
TEAM_CORE = {"owner": 200, "teammate": 200, "extended": 403} | _OUTSIDERS
OWNER = {"owner": 200, "teammate": 403, "extended": 403} | _OUTSIDERS


def _person(name):
    return lambda w, u: reverse(name, args=[w.account.pk, w.stakeholder.pk])


def _flagged(world, user):
    RetentionFlagFactory(stakeholder=world.stakeholder)
    return reverse("privacy:retention-keep", args=[world.account.pk, world.stakeholder.pk])


HTML_CASES = {
    "privacy:overview": Case(lambda w, u: reverse("privacy:overview", args=[w.account.pk]), TEAM),
    "privacy:person": Case(_person("privacy:person"), TEAM),
    "privacy:informed-create": Case(_person("privacy:informed-create"), TEAM_CORE),
    "privacy:export-json": Case(_person("privacy:export-json"), OWNER),
    "privacy:export-pdf": Case(_person("privacy:export-pdf"), OWNER),
    "privacy:anonymise": Case(
        _person("privacy:anonymise"), post_ok(OWNER), method="post", data={"confirm": "on"}
    ),
    "privacy:erase": Case(_person("privacy:erase"), post_ok(OWNER), method="post", data={"confirm": "on"}),
    "privacy:retention-keep": Case(
        _flagged,
        post_ok(OWNER),
        method="post",
        data={"keep_reason": "Laufende Ausschreibung", "version": "1"},
    ),
}

_PERSON = "/accounts/{account_id}/privacy/stakeholders/{stakeholder_id}"
API_OPERATIONS = {
    "privacy_status_list": ("GET", "/accounts/{account_id}/privacy/stakeholders"),
    "privacy_export": ("GET", f"{_PERSON}/export"),
    "privacy_informed_list": ("GET", f"{_PERSON}/informed"),
    "privacy_informed_create": ("POST", f"{_PERSON}/informed"),
    "privacy_anonymise": ("POST", f"{_PERSON}/anonymise"),
    "privacy_erase": ("POST", f"{_PERSON}/erase"),
    "privacy_retention_keep": ("POST", f"{_PERSON}/retention/keep"),
}
API_SUCCESS = {"privacy_anonymise": 200, "privacy_erase": 204, "privacy_retention_keep": 200}
_WHO = {
    "privacy_status_list": TEAM,
    "privacy_export": OWNER,
    "privacy_informed_list": TEAM,
    "privacy_informed_create": TEAM_CORE,
    "privacy_anonymise": OWNER,
    "privacy_erase": OWNER,
    "privacy_retention_keep": OWNER,
}


def api_expected_status(operation_id: str, persona: str) -> int:
    status = _WHO[operation_id][persona]
    if status != 200:
        return status
    method = API_OPERATIONS[operation_id][0]
    return API_SUCCESS.get(operation_id, 201 if method == "POST" else 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    return {
        "privacy_informed_create": {
            "informed_on": "2025-03-01",
            "channel": "email",
            "note": "Hinweis per E-Mail",
        },
        "privacy_anonymise": {"confirm": True},
        "privacy_erase": {"confirm": True},
        "privacy_retention_keep": {"reason": "Laufende Ausschreibung bis Ende des Jahres"},
    }.get(operation_id)


def api_path_ids(world) -> dict:
    # The keep operation needs the world's stakeholder to be flagged; nothing else minds.
    RetentionFlagFactory(stakeholder=world.stakeholder)
    return {}

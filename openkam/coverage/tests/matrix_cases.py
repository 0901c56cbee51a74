"""The coverage section in the permission matrices (see openkam/testing/matrix.py).

Coverage only reads: everyone who may see the account (owner, core and extended team,
management) reads it; the other KAM and administrators who are not on the team get 404.
"""

from django.urls import reverse

from openkam.testing.matrix import READERS, Case

HTML_CASES = {
    "coverage:overview": Case(lambda w, u: reverse("coverage:overview", args=[w.account.pk]), READERS),
}

_ACCOUNT = "/accounts/{account_id}"
API_OPERATIONS = {
    "coverage_alerts": ("GET", f"{_ACCOUNT}/coverage/alerts"),
    "coverage_level_selling": ("GET", f"{_ACCOUNT}/coverage/level-selling"),
}


def api_expected_status(operation_id: str, persona: str) -> int:
    return READERS[persona]


def api_sample_body(operation_id: str, world) -> dict | None:
    return None


def api_path_ids(world) -> dict:
    return {}

"""The buying center and its settings in the permission matrices (see openkam/testing/matrix.py).

Everyone who may see the account reads the buying-center list, a person's page and the
relationship map (also as SVG); the owner and the core team change people (their pages are in the
core matrix: ``stakeholders:create``/``edit``/``delete`` and the ``stakeholder_*`` operations).
The buying-center settings exist for administrators only: everyone else gets 404.
"""

from django.urls import reverse

from openkam.testing.matrix import ADMIN_ONLY, READERS, SIGNED_IN, Case


def _acc(name, with_stakeholder=False):
    def build(world, user):
        args = [world.account.pk] + ([world.stakeholder.pk] if with_stakeholder else [])
        return reverse(name, args=args)

    return build


HTML_CASES = {
    "stakeholders:list": Case(_acc("stakeholders:list"), READERS),
    "stakeholders:detail": Case(_acc("stakeholders:detail", True), READERS),
    "stakeholders:map": Case(_acc("stakeholders:map"), READERS),
    "stakeholders:map-svg": Case(_acc("stakeholders:map-svg"), READERS),
    "buying_center_settings:edit": Case(lambda w, u: reverse("buying_center_settings:edit"), ADMIN_ONLY),
}

API_OPERATIONS = {
    "buying_center_settings_get": ("GET", "/buying-center-settings"),
    "buying_center_settings_update": ("PATCH", "/buying-center-settings"),
}

_SETTINGS_EXPECT = dict.fromkeys(SIGNED_IN, 404) | {"admin": 200}


def api_expected_status(operation_id: str, persona: str) -> int:
    return _SETTINGS_EXPECT[persona]


def api_sample_body(operation_id: str, world) -> dict | None:
    if operation_id == "buying_center_settings_update":
        return {"decision_maker_contact_days": 60}
    return None

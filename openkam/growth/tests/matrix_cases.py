"""The growth-plan questions in the permission matrices (see openkam/testing/matrix.py).

The answers of a plan follow the account: the team and management read them, the owner and the
core team change them, people who do not see the account (another KAM, an administrator who is
not on the team) get 404. The question bank's pages are administration pages (administrators
only, 404 for everyone else, like the user administration); through the API everyone reads the
bank and only administrators change it (403 for the others).
"""

from django.urls import reverse

from openkam.growth.models import Question
from openkam.testing.matrix import ADMIN_ONLY, CORE_WRITES, EVERYONE, READERS, Case, post_ok

from .factories import plan_of

QUESTION_KEY = "team-core-team"  # shipped by the data migration
BANK_WRITES = dict.fromkeys(EVERYONE, 403) | {"admin": 200}


def _plan_url(name, *extra):
    return lambda w, u: reverse(name, args=[w.account.pk, plan_of(w).pk, *extra])


def _question_url(name):
    return lambda w, u: reverse(name, args=[Question.objects.get(key=QUESTION_KEY).pk])


HTML_CASES = {
    "growth:answers": Case(_plan_url("growth:answers"), READERS),
    "growth:answer": Case(_plan_url("growth:answer", QUESTION_KEY), CORE_WRITES),
    "question-bank:list": Case(lambda w, u: reverse("question-bank:list"), ADMIN_ONLY),
    "question-bank:create": Case(lambda w, u: reverse("question-bank:create"), ADMIN_ONLY),
    "question-bank:edit": Case(_question_url("question-bank:edit"), ADMIN_ONLY),
    "question-bank:deactivate": Case(
        _question_url("question-bank:deactivate"), post_ok(ADMIN_ONLY), method="post"
    ),
    "question-bank:reactivate": Case(
        _question_url("question-bank:reactivate"), post_ok(ADMIN_ONLY), method="post"
    ),
    "question-bank:move": Case(
        _question_url("question-bank:move"), post_ok(ADMIN_ONLY), method="post", data={"direction": "down"}
    ),
}

API_OPERATIONS = {
    "growth_questions_list": ("GET", "/growth/questions"),
    "growth_question_create": ("POST", "/growth/questions"),
    "growth_question_get": ("GET", "/growth/questions/{question_key}"),
    "growth_question_update": ("PATCH", "/growth/questions/{question_key}"),
    "growth_answers_list": ("GET", "/growth/plans/{plan_id}/answers"),
    "growth_answer_put": ("PUT", "/growth/plans/{plan_id}/answers/{question_key}"),
    "growth_completeness": ("GET", "/growth/plans/{plan_id}/completeness"),
}

API_SUCCESS: dict[str, int] = {}

_API_EXPECT = {
    "growth_questions_list": EVERYONE,
    "growth_question_create": BANK_WRITES,
    "growth_question_get": EVERYONE,
    "growth_question_update": BANK_WRITES,
    "growth_answers_list": READERS,
    "growth_answer_put": CORE_WRITES,
    "growth_completeness": READERS,
}


def api_expected_status(operation_id: str, persona: str) -> int:
    status = _API_EXPECT[operation_id][persona]
    if status != 200:
        return status
    method = API_OPERATIONS[operation_id][0]
    return API_SUCCESS.get(operation_id, {"POST": 201, "DELETE": 204}.get(method, 200))


def api_sample_body(operation_id: str, world) -> dict | None:
    if operation_id == "growth_question_create":
        return {
            "category": "needs",
            "text_en": "Which deliveries does the customer check on arrival?",
            "text_de": "Welche Lieferungen prüft der Kunde beim Wareneingang?",
        }
    if operation_id == "growth_question_update":
        return {"help_en": "Ask the quality department.", "help_de": "Die Qualitätssicherung fragen."}
    if operation_id == "growth_answer_put":
        return {
            "status": "answered",
            "text": "Kernteam: Vertrieb, Anwendungstechnik, Innendienst.",
            "version": 0,
        }
    return None


def api_path_ids(world) -> dict:
    return {"plan_id": plan_of(world).pk, "question_key": QUESTION_KEY}

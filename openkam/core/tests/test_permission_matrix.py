"""Every HTML view as every persona.

The matrix names each URL pattern of the product; ``test_every_url_is_in_the_matrix`` fails as
soon as a new view is added without deciding who may use it. The API has its own matrix
(``api_matrix.py``) checked the same way.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from openkam.conftest import PERSONAS
from openkam.core.services import job_create
from openkam.core.tasks import run_job
from openkam.testing.matrix import (
    ADMIN_ONLY,
    CORE_WRITES,
    EVERYONE,
    OWNER_WRITES,
    READERS,
    Case,
    merged,
    post_ok,
)
from openkam.users.services import api_token_create


def _job_url(name):
    def build(w, persona_user):
        # The job belongs to the owner; everybody else must get 404.
        job = job_create(actor=w.owner, kind="accounts.export_csv", params={"language": "en"})
        # The test transaction never commits, so run the job the worker would have run.
        run_job.call(str(job.pk))
        return reverse(name, args=[job.pk])

    return build


def _token_url(w, persona_user):
    # Each persona revokes a token of the owner: only the owner may.
    token, _raw = api_token_create(actor=w.owner, name="matrix")
    return reverse("users:token-revoke", args=[token.pk])


def _acc(name, *extra):
    return lambda w, u: reverse(name, args=[w.account.pk, *[e(w) for e in extra]])


MEMBERSHIP = lambda w: w.teammate_membership.pk  # noqa: E731
STAKEHOLDER = lambda w: w.stakeholder.pk  # noqa: E731


MATRIX: dict[str, Case] = {
    "healthz": Case(lambda w, u: reverse("healthz"), dict.fromkeys(PERSONAS, 200), anonymous=200),
    # The chart library script: public like every static file.
    "vega-bundle": Case(lambda w, u: reverse("vega-bundle"), dict.fromkeys(PERSONAS, 200), anonymous=200),
    "home": Case(lambda w, u: reverse("home"), {p: 302 for p in PERSONAS if p != "anonymous"}),
    "login": Case(
        lambda w, u: reverse("login"), {p: 302 for p in PERSONAS if p != "anonymous"}, anonymous=200
    ),
    "logout": Case(lambda w, u: reverse("logout"), dict.fromkeys(PERSONAS, 302), method="post"),
    "users:profile": Case(lambda w, u: reverse("users:profile"), EVERYONE),
    "users:language": Case(
        lambda w, u: reverse("users:language"),
        dict.fromkeys(PERSONAS, 302),
        method="post",
        data={"language": "en", "next": "/"},
    ),
    "users:password": Case(lambda w, u: reverse("users:password"), EVERYONE),
    "users:token-revoke": Case(
        _token_url, {p: 404 for p in PERSONAS if p != "anonymous"} | {"owner": 302}, method="post"
    ),
    "users:admin-list": Case(lambda w, u: reverse("users:admin-list"), ADMIN_ONLY),
    "users:admin-create": Case(lambda w, u: reverse("users:admin-create"), ADMIN_ONLY),
    "users:admin-edit": Case(lambda w, u: reverse("users:admin-edit", args=[w.teammate.pk]), ADMIN_ONLY),
    "accounts:list": Case(lambda w, u: reverse("accounts:list"), EVERYONE),
    "accounts:export": Case(lambda w, u: reverse("accounts:export"), post_ok(EVERYONE), method="post"),
    "accounts:detail": Case(_acc("accounts:detail"), READERS),
    "accounts:edit": Case(_acc("accounts:edit"), OWNER_WRITES),
    "accounts:team-add": Case(_acc("accounts:team-add"), OWNER_WRITES),
    "accounts:team-edit": Case(_acc("accounts:team-edit", MEMBERSHIP), OWNER_WRITES),
    "accounts:team-remove": Case(
        _acc("accounts:team-remove", MEMBERSHIP), post_ok(OWNER_WRITES), method="post"
    ),
    "stakeholders:create": Case(_acc("stakeholders:create"), CORE_WRITES),
    "stakeholders:edit": Case(_acc("stakeholders:edit", STAKEHOLDER), CORE_WRITES),
    "stakeholders:delete": Case(
        _acc("stakeholders:delete", STAKEHOLDER), post_ok(CORE_WRITES), method="post"
    ),
    "sales:search": Case(lambda w, u: reverse("sales:search"), EVERYONE),
    "sales:detail": Case(
        lambda w, u: reverse("sales:detail", args=[w.account.customer.pk]), READERS | {"admin": 200}
    ),
    "core:job-detail": Case(
        _job_url("core:job-detail"), {p: 404 for p in PERSONAS if p != "anonymous"} | {"owner": 200}
    ),
    "core:job-download": Case(
        _job_url("core:job-download"), {p: 404 for p in PERSONAS if p != "anonymous"} | {"owner": 200}
    ),
}
# Each app's own views (openkam/<app>/tests/matrix_cases.py).
MATRIX |= merged("HTML_CASES")


def _named_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _named_patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_url_is_in_the_matrix():
    html_views = {name for name in _named_patterns() if not name.startswith("api:")}
    assert html_views == set(MATRIX), "Add new views to MATRIX with the expected status per persona"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_view_answers_each_persona_as_specified(client, world, name, persona):
    case = MATRIX[name]
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    url = case.url(world, user)
    response = getattr(client, case.method)(url, case.data)
    expected = case.anonymous if persona == "anonymous" else case.expect[persona]
    assert response.status_code == expected, f"{name} as {persona}: {response.status_code} != {expected}"
    if persona == "anonymous" and expected == 302 and name not in {"logout", "users:language"}:
        assert response.url.startswith(reverse("login"))

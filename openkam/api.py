"""The REST API under /api/v1/: one NinjaAPI, with a router per app.

Authentication is the browser session (with CSRF for writes) or a personal bearer token
(``Authorization: Bearer okam_…``, created on the profile page). Every operation loads objects
through the same access helpers as the HTML views, so 404s and 403s agree.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from openkam.core.locking import EditConflict
from openkam.core.services import plain_value
from openkam.users.selectors import user_for_api_token


class CsrfFailed(Exception):
    """A write with a session cookie but without a valid CSRF token."""


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
            # UserLanguageMiddleware ran before the token was known: answer in the user's language.
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser session of an active user; writes must carry the CSRF token.

    Unlike ninja's SessionAuth, CSRF is checked only once a session is known: without one the
    answer is 401, not a CSRF 403 that hides what is actually missing. A failed check raises
    ``CsrfFailed`` so that it is answered in our error format.
    """

    def __call__(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed
        return user


api = NinjaAPI(
    title="OpenKAM API",
    version="1",
    description=gettext_lazy("Key accounts, teams, stakeholders and customers of OpenKAM."),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    # Swagger UI from ninja's static files (served by WhiteNoise): no CDN, and its page has no
    # inline script, so it runs under our CSP. Swagger's online validator badge would call out.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _error(request, status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, "forbidden", _("You may not change this object."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(CsrfFailed)
def csrf_failed(request, exc):
    return _error(
        request,
        403,
        "csrf_failed",
        _("Send the CSRF token in the X-CSRFToken header, or use an API token instead of the session."),
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # Ninja raises these for requests it cannot read (e.g. a body that is not JSON: 400).
    code = "bad_request" if exc.status_code == 400 else "http_error"
    return _error(request, exc.status_code, code, str(exc))


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 422, "invalid", _("The data is not valid."), fields)


@api.exception_handler(EditConflict)
def edit_conflict(request, exc: EditConflict):
    body = {
        "error": {
            "code": "edit_conflict",
            "message": _(
                "Someone else saved this object in the meantime. Load it again and reapply your change."
            ),
            "current_version": exc.current.version,
            "theirs": {field: plain_value(value) for field, value in exc.theirs.items()},
        }
    }
    return api.create_response(request, body, status=409)


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
    return _error(request, 422, "invalid", _("The request is not valid."), fields)


def _register_routers() -> None:
    from openkam.accounts.api import jobs_router as account_jobs_router
    from openkam.accounts.api import router as accounts_router
    from openkam.business.api import router as business_router
    from openkam.competition.api import router as competition_router
    from openkam.core.api import router as core_router
    from openkam.coverage.api import router as coverage_router
    from openkam.designations.api import router as designations_router
    from openkam.growth.api import router as growth_router
    from openkam.imports.api import router as imports_router
    from openkam.opportunities.api import router as opportunities_router
    from openkam.opportunities.pipeline_api import router as pipeline_router
    from openkam.personality.api import router as personality_router
    from openkam.plans.api import router as plans_router
    from openkam.portfolio.api import router as portfolio_router
    from openkam.privacy.api import router as privacy_router
    from openkam.profiles.api import router as profiles_router
    from openkam.raci.api import router as raci_router
    from openkam.raci.api_me import me_router as raci_me_router
    from openkam.relationships.api import router as relationships_router
    from openkam.sales.api import router as sales_router
    from openkam.stakeholders.api import router as stakeholders_router
    from openkam.stakeholders.api import settings_router as buying_center_settings_router
    from openkam.teams.api import router as teams_router
    from openkam.users.api import router as users_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/accounts", stakeholders_router)
    api.add_router("/customers", sales_router)
    api.add_router("/me", users_router)
    api.add_router("/jobs", core_router)
    api.add_router("/jobs", account_jobs_router)
    api.add_router("/imports", imports_router)
    api.add_router("/selection", portfolio_router)
    api.add_router("/designations", designations_router)
    api.add_router("/accounts", profiles_router)
    api.add_router("/accounts", competition_router)
    api.add_router("/accounts", business_router)
    api.add_router("/plans", plans_router)
    api.add_router("/growth", growth_router)
    api.add_router("/accounts", personality_router)
    api.add_router("/accounts", relationships_router)
    api.add_router("/accounts", coverage_router)
    api.add_router("/accounts", privacy_router)
    api.add_router("/buying-center-settings", buying_center_settings_router)
    api.add_router("/accounts", teams_router)
    api.add_router("/accounts", raci_router)
    api.add_router("/me", raci_me_router)
    api.add_router("/accounts", opportunities_router)
    api.add_router("/pipeline", pipeline_router)


_register_routers()

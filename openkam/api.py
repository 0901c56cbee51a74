"""The REST API under /api/v1/: one NinjaAPI, with a router per app.

Authentication is the browser session (with CSRF for writes) or a personal bearer token
(``Authorization: Bearer okam_…``, created on the profile page). Every operation loads objects
through the same access helpers as the HTML views, so 404s and 403s agree.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from openkam.users.selectors import user_for_api_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api = NinjaAPI(
    title="OpenKAM API",
    version="1",
    description=_("Key accounts, teams, stakeholders and customers of OpenKAM."),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
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


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 422, "invalid", _("The data is not valid."), fields)


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
    return _error(request, 422, "invalid", _("The request is not valid."), fields)


def _register_routers() -> None:
    from openkam.accounts.api import router as accounts_router
    from openkam.core.api import router as core_router
    from openkam.sales.api import router as sales_router
    from openkam.stakeholders.api import router as stakeholders_router
    from openkam.users.api import router as users_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/accounts", stakeholders_router)
    api.add_router("/customers", sales_router)
    api.add_router("/me", users_router)
    api.add_router("/jobs", core_router)


_register_routers()

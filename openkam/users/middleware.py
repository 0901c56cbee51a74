"""Per-user language and the idle session timeout."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation


class UserLanguageMiddleware:
    """Show a signed-in person OpenKAM in the language of their profile.

    Runs after LocaleMiddleware, which chose from the cookie/browser for anonymous visitors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Content-Language", user.language)
        return response


class IdleTimeoutMiddleware:
    """Sign a person out after ``OPENKAM_IDLE_TIMEOUT`` seconds without a request.

    The last-seen time is written at most once a minute, so browsing does not turn every page
    view into a session write.
    """

    key = "_openkam_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.key)
            if last is not None and now - last > settings.OPENKAM_IDLE_TIMEOUT:
                logout(request)
            elif last is None or now - last > 60:
                request.session[self.key] = now
        return self.get_response(request)

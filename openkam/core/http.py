"""Request helpers shared by the views of every app."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "") -> str:
    """The ``next`` address of the request (POST before GET) if it stays on this site, else
    ``default``: a link or form must not send people to another host after they acted."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default

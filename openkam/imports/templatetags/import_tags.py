"""Template helpers of the import pages."""

from django import template
from django.utils.translation import gettext as _

from openkam.imports.choices import ImportStatus

register = template.Library()

# Status colours reuse the badge styles of app.css; the text says the status in any case.
_BADGES = {
    ImportStatus.SUCCEEDED: "badge-active",
    ImportStatus.REJECTED: "badge-on_hold",
    ImportStatus.FAILED: "badge-ended",
}


@register.filter
def status_badge(status: str) -> str:
    return _BADGES.get(status, "badge-proposed")


@register.filter
def delimiter_label(delimiter: str) -> str:
    """A delimiter as people name it; the tab is invisible otherwise."""
    if delimiter == "\t":
        return _("Tab")
    return delimiter or "–"

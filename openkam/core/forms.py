"""Form helpers shared by all apps."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Sent by the browser with every form but not part of any form's fields.
_TRANSPORT_FIELDS = {"csrfmiddlewaretoken", "next"}


class StrictFormMixin:
    """Reject submitted fields the form does not know, instead of silently ignoring them.

    A misspelt field name from a script or an outdated client is a bug its author must see.
    ``allowed_extra`` names parameters a view reads besides the form (e.g. ``page``).
    """

    allowed_extra: frozenset[str] = frozenset()

    def clean(self):
        cleaned = super().clean()
        if self.is_bound:
            unknown = sorted(set(self.data) - set(self.fields) - _TRANSPORT_FIELDS - set(self.allowed_extra))
            if unknown:
                raise ValidationError(
                    _("Unknown field(s): %(fields)s"),
                    code="unknown_fields",
                    params={"fields": ", ".join(unknown)},
                )
        return cleaned


class StrictForm(StrictFormMixin, forms.Form):
    """A plain form that refuses unknown fields."""


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named fields where the form has them."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def submit_to_service(request, form, service, *, success: str, **arguments) -> bool:
    """For a valid POST, call ``service(actor=request.user, **arguments, **form.cleaned_data)``.

    Returns True when the service succeeded (and shows ``success`` as a message); a service's
    ValidationError lands on the form and False is returned, so the view re-renders it.
    PermissionDenied passes through and becomes a 403.
    """
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        service(actor=request.user, **arguments, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, success)
    return True

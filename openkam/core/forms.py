"""Form helpers shared by all apps."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .locking import EditConflict

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


class VersionedFormMixin(forms.Form):
    """Carries the ``version`` of the object being edited (see ``openkam.core.locking``).

    Build the form with ``initial={"version": obj.version, ...}``; the service receives
    ``version`` with the cleaned data and passes it to ``save_versioned``. After a conflict,
    ``show_conflict`` moves the form onto the stored version, so saving again merges on top.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    conflict: dict[str, str] | None = None

    def show_conflict(self, exc: EditConflict) -> None:
        data = self.data.copy()
        data["version"] = str(exc.current.version)
        self.data = data
        self.conflict = {}
        for name, value in exc.theirs.items():
            if name in self.fields:
                field = self.fields[name]
                choices = dict(getattr(field, "choices", ()) or ())
                if isinstance(value, list | tuple):  # multi-select fields
                    shown = ", ".join(str(choices.get(v, v)) for v in value)
                else:
                    shown = choices.get(value, value)
                self.conflict[name] = "–" if shown in (None, "") else str(shown)
        self.add_error(
            None,
            _(
                "Someone else saved this in the meantime. Their values are shown below your input; "
                "check them, adjust yours and save again to keep both."
            ),
        )


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
    except EditConflict as exc:
        if not hasattr(form, "show_conflict"):
            raise
        form.show_conflict(exc)
        return False
    messages.success(request, success)
    return True


def date_field(label, *, required: bool = True, help_text="") -> forms.DateField:
    """A date typed in the browser's date picker (ISO on the wire, shown in the user's locale)."""
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=help_text,
    )


def person_label(user) -> str:
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    """A colleague chosen by full name."""

    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Colleagues chosen by full name."""

    def label_from_instance(self, obj) -> str:
        return person_label(obj)

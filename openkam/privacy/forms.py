"""Forms of the privacy app."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.core.forms import StrictForm, VersionedFormMixin

from .choices import InformationChannel


class InformationRecordForm(StrictForm):
    informed_on = forms.DateField(label=_("Informed on"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("How"), choices=InformationChannel.choices)
    note = forms.CharField(
        label=pgettext_lazy("information record", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example which version of the privacy notice was sent. Not shown in the audit trail."
        ),
    )


class RetentionKeepForm(VersionedFormMixin, StrictForm):
    keep_reason = forms.CharField(
        label=_("Why is the data still needed?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person is kept for another retention period and then checked again."),
    )


class ConfirmForm(StrictForm):
    """The explicit confirmation an irreversible step asks for."""

    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."), required=True)

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm, VersionedFormMixin

from .choices import MAX_MOTIVES, Colour, Motive


class _Motives(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=Motive.choices, widget=forms.CheckboxSelectMultiple, required=False, **kwargs
        )

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_MOTIVES:
            raise forms.ValidationError(_("Choose at most %(count)d motives."), params={"count": MAX_MOTIVES})


class ProfileForm(VersionedFormMixin, StrictForm):
    """The personality profile of one stakeholder; the service checks the combination again."""

    primary_colour = forms.ChoiceField(
        label=_("Dominant colour"), choices=Colour.choices, widget=forms.RadioSelect
    )
    secondary_colour = forms.ChoiceField(
        label=_("Second colour"),
        choices=[("", _("– none –")), *Colour.choices],
        required=False,
        help_text=_("Most people show a second colour; leave it empty if none stands out."),
    )
    strongest_motives = _Motives(
        label=_("Strongest life motives"),
        help_text=_("Up to three motives that drive this person most."),
    )
    weakest_motives = _Motives(
        label=_("Weakest life motives"),
        help_text=_("Up to three motives that matter little to this person; none of the strongest."),
    )
    observations = forms.CharField(
        label=_("Observations"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=_(
            "What you observed in conversations that supports the assessment. Describe behaviour, "
            "not health, beliefs or private life."
        ),
    )
    assessed_on = forms.DateField(
        label=_("Assessed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class GrantForm(StrictForm):
    """Give a team member the personality permission or take it back."""

    membership = forms.ModelChoiceField(label=_("Team member"), queryset=None)
    granted = forms.BooleanField(label=_("Holds the personality permission"), required=False)

    def __init__(self, *args, memberships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships

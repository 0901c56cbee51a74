"""Forms of the relationships pages. Field names are the services' arguments, so an edit conflict
shows the value saved meanwhile next to each field (``VersionedFormMixin``)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.core.forms import (
    PeopleChoiceField,
    PersonChoiceField,
    StrictForm,
    VersionedFormMixin,
    date_field,
)

from .choices import (
    FIRST_YEAR,
    LAST_YEAR,
    QUARTERS,
    Cadence,
    ContactKind,
    ContactStatus,
    TouchpointKind,
    TouchpointStatus,
)


def _text(label, *, rows: int = 4, help_text="", max_length: int = 10000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class StakeholderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} – {obj.function}" if obj.function else str(obj)


class StakeholdersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} – {obj.function}" if obj.function else str(obj)


class ContactFilterForm(StrictForm):
    """The status filter of the contact log."""

    allowed_extra = frozenset({"page"})

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All contacts")), *ContactStatus.choices]
    )

    def status_value(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class YearForm(StrictForm):
    """The year a plan page shows."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)


class ContactForm(StrictForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What the contact is about in a few words, e.g. “Annual review with purchasing”."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ContactStatus.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Only held contacts count as the last contact of a stakeholder and for the relationship plan. "
            "A held contact cannot lie in the future."
        ),
    )
    date = date_field(_("Date"))
    time = forms.TimeField(
        label=pgettext_lazy("time of day", "Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    stakeholders = StakeholdersChoiceField(
        label=_("Customer participants"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People of this account; anonymised people cannot be added."),
    )
    participants = PeopleChoiceField(
        label=_("Our participants"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The account owner and members of the account team."),
    )
    topics = _text(_("Topics"), help_text=_("What was (or is to be) discussed."))
    outcomes = _text(
        _("Outcomes"), help_text=_("What came out of it: agreements, the customer's view, open points.")
    )

    def __init__(self, *args, stakeholders, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = stakeholders
        self.fields["participants"].queryset = participants


class ContactEditForm(VersionedFormMixin, ContactForm):
    pass


class FollowUpForm(StrictForm):
    description = forms.CharField(label=_("Follow-up action"), max_length=300)
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("– nobody yet –"),
        help_text=_("The account owner or a member of the account team."),
    )
    due_on = date_field(_("Due"), required=False)
    done = forms.BooleanField(label=pgettext_lazy("follow-up", "Done"), required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class FollowUpEditForm(VersionedFormMixin, FollowUpForm):
    pass


class FollowUpDoneForm(VersionedFormMixin, StrictForm):
    """The tick of a follow-up action (its owner may set it without edit rights on the account)."""

    done = forms.BooleanField(label=pgettext_lazy("follow-up", "Done"), required=False)


class CounterpartForm(VersionedFormMixin, StrictForm):
    """One choice per customer participant: which of our participants looks after them."""

    def __init__(self, *args, stakeholders, participants, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.stakeholders = list(stakeholders)
        for stakeholder in self.stakeholders:
            name = f"counterpart_{stakeholder.pk}"
            self.fields[name] = PersonChoiceField(
                label=str(stakeholder),
                queryset=participants,
                required=False,
                empty_label=_("– nobody –"),
            )
            self.initial.setdefault(name, current.get(stakeholder.pk))

    def assignments(self) -> dict:
        """``{stakeholder: user or None}`` of the valid form."""
        return {s: self.cleaned_data.get(f"counterpart_{s.pk}") for s in self.stakeholders}


class RelationshipLinkForm(StrictForm):
    user = PersonChoiceField(label=_("Our person"), queryset=None)
    stakeholder = StakeholderChoiceField(label=_("Their person"), queryset=None)
    cadence = forms.ChoiceField(
        label=_("Cadence"),
        choices=Cadence.choices,
        help_text=_("How often the two should meet: monthly is twelve contacts a year, quarterly four."),
    )
    occasion = forms.CharField(
        label=_("Occasion"),
        max_length=200,
        required=False,
        help_text=_("e.g. project meeting, plant visit, trade fair, dinner."),
    )
    aim = forms.CharField(label=_("Aim"), max_length=300, required=False)
    next_on = date_field(_("Next date"), required=False)

    def __init__(self, *args, users, stakeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["stakeholder"].queryset = stakeholders


class RelationshipLinkEditForm(VersionedFormMixin, RelationshipLinkForm):
    pass


class TouchpointForm(StrictForm):
    stakeholder = StakeholderChoiceField(label=_("Stakeholder"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=[(q, f"Q{q}") for q in QUARTERS], coerce=int)
    kind = forms.ChoiceField(label=_("What they receive"), choices=TouchpointKind.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        help_text=_("e.g. the reference story of the packaging line at a food producer."),
    )
    owner = PersonChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("– nobody yet –")
    )
    status = forms.ChoiceField(label=_("Status"), choices=TouchpointStatus.choices)

    def __init__(self, *args, stakeholders, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = stakeholders
        self.fields["owner"].queryset = owners


class TouchpointEditForm(VersionedFormMixin, TouchpointForm):
    pass

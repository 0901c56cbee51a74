"""Forms of the team pages. Field names are the services' arguments, so an edit conflict shows
the value saved meanwhile next to each field (``VersionedFormMixin``)."""

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
    AccountRole,
    ActionStatus,
    GoalStatus,
    MeetingCadence,
    MeetingFormat,
    MeetingStatus,
)


def _text(label, *, rows: int = 4, help_text="", max_length: int = 20000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class YearForm(StrictForm):
    """The year the goals or meetings of a page are about."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)


class RoleAssignForm(StrictForm):
    role = forms.ChoiceField(label=_("Account-management role"), choices=AccountRole.choices)
    user = PersonChoiceField(
        label=_("Colleague"),
        queryset=None,
        help_text=_("The key account manager or a member of the account team."),
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class MemberGoalForm(StrictForm):
    """A member goal; ``users`` None leaves out the member (a team member adds their own goals)."""

    user = PersonChoiceField(label=_("Team member"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    title = forms.CharField(
        label=pgettext_lazy("member goal", "Goal"),
        max_length=300,
        help_text=_("e.g. “Win the framework contract for the service business”."),
    )
    measure = forms.CharField(
        label=_("Measure"),
        max_length=200,
        required=False,
        help_text=_("How reaching the goal is measured, e.g. revenue with service products."),
    )
    target = forms.CharField(
        label=pgettext_lazy("member goal", "Target value"),
        max_length=100,
        required=False,
        help_text=_("e.g. 250,000 €"),
    )
    bonus_relevant = forms.BooleanField(label=_("Counts for the bonus"), required=False)
    bonus_weight = forms.IntegerField(
        label=_("Bonus weight (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_(
            "Share of the member's bonus on this account. Only for goals that count for the bonus; "
            "the weights of one member in one year add up to 100 % at most."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    result = _text(_("Result"), rows=3, help_text=_("What was reached, at the end of the year."))

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if users is None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = users


class MemberGoalEditForm(VersionedFormMixin, MemberGoalForm):
    pass


class TeamCadenceForm(VersionedFormMixin, StrictForm):
    cadence = forms.ChoiceField(
        label=_("Cadence"),
        choices=MeetingCadence.choices,
        help_text=_(
            "How often the account team meets to exchange information. Quarterly is the usual rhythm: "
            "an in-person meeting in Q1, a call in Q2, the account-plan workshop in Q3 that feeds the "
            "budget planning, a call in Q4."
        ),
    )
    notes = _text(
        _("Notes"), rows=3, help_text=_("e.g. where the team meets, who prepares the figures, who invites.")
    )


class LayOutForm(StrictForm):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


class TeamMeetingForm(StrictForm):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("e.g. “Account-plan workshop Q3 2026”.")
    )
    date = date_field(_("Date"))
    meeting_format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=MeetingStatus.choices,
        widget=forms.RadioSelect,
        help_text=_("Record a meeting as held once it took place; a held meeting cannot lie in the future."),
    )
    participants = PeopleChoiceField(
        label=_("Participants"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The key account manager and members of the account team."),
    )
    agenda = _text(_("Agenda"), rows=5)
    minutes = _text(_("Minutes"), rows=8, help_text=_("What was discussed and what came out of it."))

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = participants


class TeamMeetingEditForm(VersionedFormMixin, TeamMeetingForm):
    pass


class DecisionForm(StrictForm):
    text = forms.CharField(
        label=pgettext_lazy("team decision", "Decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeetingActionForm(StrictForm):
    title = forms.CharField(label=pgettext_lazy("team meeting action", "Action"), max_length=300)
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=None,
        help_text=_("The key account manager or a member of the account team."),
    )
    due_on = date_field(_("Due date"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class MeetingActionEditForm(VersionedFormMixin, MeetingActionForm):
    pass


class ActionStatusForm(VersionedFormMixin, StrictForm):
    """The status of a meeting action (its owner may set it without edit rights on the account)."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)

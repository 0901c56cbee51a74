from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm

from .choices import AccountStatus, AccountType, InternalRole, TeamScope


class AccountForm(StrictForm):
    account_type = forms.ChoiceField(label=_("Type"), choices=AccountType.choices)
    status = forms.ChoiceField(label=_("Status"), choices=AccountStatus.choices)
    reason = forms.CharField(label=_("Reason for designation"), widget=forms.Textarea, max_length=4000)


class TeamMemberForm(StrictForm):
    user = forms.ModelChoiceField(label=_("Colleague"), queryset=None)
    internal_role = forms.ChoiceField(label=_("Internal role"), choices=InternalRole.choices)
    scope = forms.ChoiceField(label=_("Team"), choices=TeamScope.choices)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class TeamMemberUpdateForm(StrictForm):
    internal_role = forms.ChoiceField(label=_("Internal role"), choices=InternalRole.choices)
    scope = forms.ChoiceField(label=_("Team"), choices=TeamScope.choices)

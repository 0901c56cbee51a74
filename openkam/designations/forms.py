from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.accounts.choices import AccountType
from openkam.core.forms import StrictForm

from .choices import ReviewOutcome
from .models import MAX_CAP, MAX_INTERVAL_MONTHS


class ProposalForm(StrictForm):
    """A proposal: the customer by its exact number (no search here: see docs/designation.md)."""

    customer = forms.CharField(
        label=_("Customer number"),
        max_length=40,
        help_text=_("The exact number from the customer master, e.g. from the selection or the ERP system."),
    )
    account_type = forms.ChoiceField(
        label=_("Type"),
        choices=AccountType.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Existing: large already, to protect and grow. Emerging: not large yet, with high potential."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for designation"),
        widget=forms.Textarea,
        max_length=4000,
        help_text=_("Why this customer belongs on the short list of key accounts."),
    )
    proposed_owner = forms.ModelChoiceField(label=_("Key account manager"), queryset=None)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_owner"].queryset = owners


class DecisionForm(StrictForm):
    """Approve or reject: the two buttons of the form send ``decision``."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Decision note"),
        widget=forms.Textarea,
        max_length=4000,
        required=False,
        help_text=_("Required when you reject the proposal; it is shown to the proposer."),
    )
    cap_justification = forms.CharField(
        label=_("Justification for exceeding the cap"),
        widget=forms.Textarea,
        max_length=4000,
        required=False,
        help_text=_("Required: approving this proposal takes the list beyond its cap."),
    )


class WithdrawForm(StrictForm):
    note = forms.CharField(label=_("Note"), max_length=4000, required=False)


class ReviewForm(StrictForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea,
        max_length=4000,
        required=False,
        help_text=_("Required unless you confirm the designation."),
    )
    next_due_date = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("Not used when the designation ends."),
    )

    def clean(self):
        cleaned = super().clean()
        # The date field is filled in advance; ending the designation makes it meaningless.
        if cleaned.get("outcome") == ReviewOutcome.END:
            cleaned["next_due_date"] = None
        return cleaned


class PolicyForm(StrictForm):
    key_account_cap = forms.IntegerField(
        label=_("Maximum number of key accounts"),
        min_value=1,
        max_value=MAX_CAP,
        help_text=_("Active and on-hold key accounts count. Approving beyond it needs a justification."),
    )
    review_interval_months = forms.IntegerField(
        label=_("Review interval (months)"),
        min_value=1,
        max_value=MAX_INTERVAL_MONTHS,
        help_text=_("Every designation is reviewed this many months after its designation or last review."),
    )

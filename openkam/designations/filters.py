from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.accounts.choices import AccountType
from openkam.core.forms import StrictForm

from .choices import ExportFormat, ProposalStatus, ReviewState
from .selectors import ProposalFilter


class ProposalFilterForm(StrictForm):
    """Validates the filters of the proposal list; invalid values are reported, never ignored."""

    allowed_extra = frozenset({"page"})

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ProposalStatus.choices]
    )
    account_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *AccountType.choices]
    )

    def to_filter(self) -> ProposalFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return ProposalFilter(status=data.get("status") or "", account_type=data.get("account_type") or "")


class ReviewFilterForm(StrictForm):
    allowed_extra = frozenset({"page"})

    state = forms.ChoiceField(
        label=_("Reviews"),
        required=False,
        choices=[("", _("All open reviews")), *ReviewState.choices],
    )

    def to_state(self) -> str:
        return (self.cleaned_data.get("state") or "") if self.is_valid() else ""


class ExportFormMixin(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)


class ProposalExportForm(ExportFormMixin, ProposalFilterForm):
    allowed_extra = frozenset()


class ReviewExportForm(ExportFormMixin, ReviewFilterForm):
    allowed_extra = frozenset()

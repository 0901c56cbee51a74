from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm

from .choices import AccountStatus, AccountType
from .selectors import AccountFilter


class AccountFilterForm(StrictForm):
    """Validates the filters of "My accounts"; invalid values are reported, never ignored silently."""

    allowed_extra = frozenset({"page"})

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    account_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *AccountType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *AccountStatus.choices]
    )
    owner = forms.TypedChoiceField(
        label=_("Key account manager"), required=False, coerce=int, empty_value=None
    )
    mine = forms.BooleanField(label=_("Only accounts I own"), required=False)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("All managers"))] + [(u.pk, str(u)) for u in owners]

    def to_filter(self) -> AccountFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return AccountFilter(
            query=data.get("q") or "",
            account_type=data.get("account_type") or "",
            status=data.get("status") or "",
            owner_id=data.get("owner"),
            mine=bool(data.get("mine")),
        )

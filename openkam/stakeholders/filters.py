from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm

from .choices import Attitude, BuyingRole, HierarchyLevel
from .selectors import StakeholderFilter


class StakeholderFilterForm(StrictForm):
    """The filters of the buying-center page and the relationship map; invalid values are reported."""

    level = forms.ChoiceField(
        label=_("Hierarchy level"), required=False, choices=[("", _("All levels")), *HierarchyLevel.choices]
    )
    role = forms.ChoiceField(
        label=_("Role in buying decisions"),
        required=False,
        choices=[("", _("All roles")), *BuyingRole.choices],
    )
    attitude = forms.TypedChoiceField(
        label=_("Attitude towards us"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All attitudes")), *Attitude.choices],
    )
    owner = forms.TypedChoiceField(
        label=_("Our relationship owner"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", _("Everyone of ours")),
            (0, _("Nobody yet")),
            *[(u.pk, str(u)) for u in owners],
        ]

    def to_filter(self) -> StakeholderFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return StakeholderFilter(
            level=data.get("level") or "",
            role=data.get("role") or "",
            attitude=data.get("attitude"),
            owner_id=data.get("owner"),
        )

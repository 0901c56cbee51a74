from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm, VersionedFormMixin

from .choices import CellStatus, ExportFormat, UnitKind
from .models import MAX_POTENTIAL


class CellForm(VersionedFormMixin, StrictForm):
    """The team's mark on one cell; ``unit`` and ``product_group`` say which cell."""

    unit = forms.CharField(widget=forms.HiddenInput, max_length=150)
    product_group = forms.CharField(widget=forms.HiddenInput, max_length=200)
    status = forms.ChoiceField(label=_("What we know"), choices=CellStatus.choices, widget=forms.RadioSelect)
    competitor = forms.CharField(
        label=_("Competitor"),
        max_length=200,
        required=False,
        help_text=_("Who supplies this unit today (for “bought from a competitor”)."),
    )
    potential = forms.DecimalField(
        label=_("Estimated potential (EUR per year)"),
        min_value=0,
        max_value=MAX_POTENTIAL - 1,
        max_digits=14,
        decimal_places=2,
        required=False,
        localize=True,
        help_text=_("Required for an opportunity."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    # 0 = the cell had no mark when the editor opened it (see services.whitespace_cell_set).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, competitors_list: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if competitors_list:
            self.fields["competitor"].widget.attrs["list"] = competitors_list
        self.fields["potential"].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        cleaned = super().clean()
        # Without JavaScript every field is visible; values that do not belong to the chosen
        # status are dropped here instead of being refused.
        status = cleaned.get("status")
        if status != CellStatus.COMPETITOR:
            cleaned["competitor"] = ""
        if status != CellStatus.OPPORTUNITY:
            cleaned["potential"] = None
        return cleaned


class UnitForm(StrictForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, initial=UnitKind.UNIT)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("ISO 3166 country code, e.g. DE (optional)"),
    )


class UnitEditForm(VersionedFormMixin, UnitForm):
    pass


class ExportForm(StrictForm):
    format = forms.ChoiceField(choices=ExportFormat.choices)
    year = forms.IntegerField(required=False)

"""Forms of the profile pages. Field names are the model's, so an edit conflict can show the value
saved meanwhile next to each field (``openkam.core.forms.VersionedFormMixin``)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.core.forms import StrictForm, VersionedFormMixin

from .choices import FactKind, MarketKind, MoveDirection, Quadrant
from .models import (
    AS_OF_HELP,
    MAX_SOURCE,
    MAX_SWOT_TEXT,
    MAX_TEXT,
    MAX_TITLE,
    MAX_TURNOVER_DIGITS,
    MIN_YEAR,
    SOURCE_HELP,
)


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=AS_OF_HELP,
    )


def _source_field(label, *, required: bool) -> forms.CharField:
    return forms.CharField(label=label, max_length=MAX_SOURCE, required=required, help_text=SOURCE_HELP)


def _long_text(label, *, required: bool = False, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class ProfileForm(VersionedFormMixin, StrictForm):
    """Legal entity, industry, size and strategy; each section with its source and date.

    Empty legal entity fields fall back to the customer master, whose values the form shows as
    placeholders (``customer``).
    """

    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    legal_form = forms.CharField(label=_("Legal form"), max_length=40, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=120, required=False)
    entity_source = _source_field(_("Source of the legal entity and industry"), required=False)
    entity_as_of = _date_field(_("Legal entity as of"))
    turnover = forms.DecimalField(
        label=_("Turnover of the customer"),
        max_digits=MAX_TURNOVER_DIGITS,
        decimal_places=2,
        min_value=0,
        required=False,
        localize=True,
        help_text=_("The customer's own annual turnover, not our revenue with it."),
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    size_year = forms.IntegerField(label=_("Fiscal year of the figures"), min_value=MIN_YEAR, required=False)
    size_source = _source_field(_("Source of the size"), required=False)
    size_as_of = _date_field(_("Size as of"))
    strategy = _long_text(
        _("Strategy"), help_text=_("The customer's own strategy: where it wants to go and how.")
    )
    strategy_source = _source_field(_("Source of the strategy"), required=False)
    strategy_as_of = _date_field(_("Strategy as of"))

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customer is not None:
            for name, value in (
                ("legal_name", customer.name),
                ("legal_form", customer.legal_form),
                ("industry", customer.industry),
            ):
                if value:
                    self.fields[name].widget.attrs["placeholder"] = value


class FactForm(StrictForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=FactKind.choices)
    title = forms.CharField(label=_("Entry"), max_length=MAX_TITLE)
    details = _long_text(_("Details"))
    source = _source_field(_("Source"), required=True)
    as_of = _date_field(pgettext_lazy("information date", "As of"))


class FactEditForm(VersionedFormMixin, FactForm):
    pass


class MarketEntryForm(StrictForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MarketKind.choices)
    title = forms.CharField(label=_("Entry"), max_length=MAX_TITLE)
    details = _long_text(_("Details"))
    initiative = forms.ModelChoiceField(
        label=_("Strategic initiative"),
        queryset=None,
        required=False,
        help_text=_("Only for hurdles: the initiative the hurdle stands in the way of."),
    )
    how_we_help = _long_text(
        _("How we help"), help_text=_("Only for hurdles: how our offering helps the customer to overcome it.")
    )
    source = _source_field(_("Source"), required=True)
    as_of = _date_field(pgettext_lazy("information date", "As of"))

    def __init__(self, *args, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = initiatives


class MarketEntryEditForm(VersionedFormMixin, MarketEntryForm):
    pass


class SwotItemForm(StrictForm):
    quadrant = forms.ChoiceField(label=_("List"), choices=Quadrant.choices)
    text = forms.CharField(
        label=_("Text"), max_length=MAX_SWOT_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class SwotItemEditForm(VersionedFormMixin, SwotItemForm):
    pass


class MoveForm(StrictForm):
    direction = forms.ChoiceField(choices=MoveDirection.choices)

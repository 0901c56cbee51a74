from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm, VersionedFormMixin

from .choices import IMPORTANCE_CHOICES, PERFORMANCE_CHOICES, CompetitorKind, Trend
from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR

_TEXT = forms.Textarea(attrs={"rows": 3})


def _rating(label, choices, *, required=True, help_text=""):
    # Required ratings start blank too, so nobody saves a rating they did not choose.
    blank = ("", "–") if required else ("", _("– not rated –"))
    return forms.TypedChoiceField(
        label=label,
        choices=[blank, *choices],
        coerce=int,
        empty_value=None,
        required=required,
        help_text=help_text,
    )


class RequirementForm(StrictForm):
    text = forms.CharField(
        label=_("Requirement"),
        max_length=300,
        help_text=_("What the customer expects of its suppliers, e.g. on-time delivery of call-off orders."),
    )
    importance = _rating(_("Importance to the customer"), IMPORTANCE_CHOICES)
    our_performance = _rating(_("Our performance"), PERFORMANCE_CHOICES)
    competitor = forms.ModelChoiceField(
        label=_("Compared competitor"),
        queryset=None,
        required=False,
        empty_label=_("The main competitor (largest share of wallet)"),
    )
    competitor_performance = _rating(
        _("Competitor's performance"),
        PERFORMANCE_CHOICES,
        required=False,
        help_text=_("How well that competitor meets the requirement, as the customer sees it."),
    )
    notes = forms.CharField(label=_("Notes"), widget=_TEXT, max_length=4000, required=False)
    source = forms.CharField(
        label=_("Information source"),
        max_length=200,
        required=False,
        help_text=_(
            "Where the ratings come from, e.g. a supplier assessment or a conversation with purchasing."
        ),
    )

    def __init__(self, *args, competitors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competitor"].queryset = competitors


class RequirementEditForm(VersionedFormMixin, RequirementForm):
    pass


class CompetitorForm(StrictForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=CompetitorKind.choices, widget=forms.RadioSelect)
    supplies = forms.CharField(label=_("What they supply"), widget=_TEXT, max_length=4000, required=False)
    share_of_wallet = forms.DecimalField(
        label=_("Estimated share of wallet (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        required=False,
        localize=True,
        help_text=_(
            "Their part of the customer's spend in our categories. With the other estimates and our own "
            "share it cannot exceed 100 %. Leave empty if unknown."
        ),
    )
    strengths = forms.CharField(label=_("Strengths"), widget=_TEXT, max_length=4000, required=False)
    threats = forms.CharField(label=_("Threats to us"), widget=_TEXT, max_length=4000, required=False)
    trend = forms.ChoiceField(
        label=_("Forecast"),
        choices=[("", _("– no forecast –")), *Trend.choices],
        required=False,
        help_text=_("Where their position at the customer is heading."),
    )
    forecast = forms.CharField(label=_("Forecast in words"), widget=_TEXT, max_length=4000, required=False)


class CompetitorEditForm(VersionedFormMixin, CompetitorForm):
    pass


class WalletForm(StrictForm):
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"), min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR
    )
    amount = forms.DecimalField(
        label=_("Estimated spend in our categories"),
        min_value=Decimal("0.01"),
        max_digits=16,
        decimal_places=2,
        localize=True,
        help_text=_(
            "What the customer spends in that year on the product categories we offer, from all suppliers."
        ),
    )
    notes = forms.CharField(
        label=_("Basis of the estimate"),
        widget=_TEXT,
        max_length=4000,
        required=False,
        help_text=_("E.g. purchasing volume named by the customer, annual report, trade press."),
    )


class WalletEditForm(VersionedFormMixin, WalletForm):
    pass

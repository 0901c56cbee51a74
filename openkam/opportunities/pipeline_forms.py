"""Forms of the cross-account pipeline: its filters, the forecast's range and the "move to" form.

The filter forms validate what the query string says and report invalid values on the field;
a valid field still filters when another one is invalid. Their choices (accounts, KAMs, owners,
product groups) come only from what the person may see.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.core.forms import StrictForm

from .choices import CloseReason, CompetitivePosition, Stage
from .pipeline import (
    DEFAULT_SORT,
    MAX_PERIODS,
    SORTS,
    ClosedPeriod,
    Period,
    PipelineFilter,
    Status,
    closed_period_range,
    default_forecast_range,
    filter_choices,
    forecast_periods,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def _with_all(label, choices) -> list:
    return [("", label), *choices]


class PipelineFilterForm(StrictForm):
    """The filters every pipeline page shares (``user`` decides which choices exist)."""

    allowed_extra = frozenset({"page", "sort"})

    account = forms.TypedChoiceField(label=_("Key account"), required=False, coerce=int, empty_value=None)
    kam = forms.TypedChoiceField(label=_("Key account manager"), required=False, coerce=int, empty_value=None)
    owner = forms.TypedChoiceField(
        label=_("Owner of the opportunity"), required=False, coerce=int, empty_value=None
    )
    mine = forms.BooleanField(label=_("Only opportunities I own"), required=False)
    product_group = forms.ChoiceField(label=_("Product group"), required=False)
    position = forms.ChoiceField(
        label=_("Our competitive position"),
        required=False,
        choices=_with_all(_("All positions"), CompetitivePosition.choices),
    )
    expected_from = forms.DateField(label=_("Expected close from"), required=False, widget=DateInput())
    expected_to = forms.DateField(label=_("Expected close to"), required=False, widget=DateInput())
    closed = forms.ChoiceField(
        label=_("Won and lost in"), required=False, choices=ClosedPeriod.CHOICES, initial=ClosedPeriod.DEFAULT
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = filter_choices(user)
        self.fields["account"].choices = _with_all(_("All accounts"), choices.accounts)
        self.fields["kam"].choices = _with_all(_("All managers"), choices.kams)
        self.fields["owner"].choices = _with_all(_("All owners"), choices.owners)
        self.fields["product_group"].choices = _with_all(
            _("All product groups"), [(g, g) for g in choices.product_groups]
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("expected_from"), cleaned.get("expected_to")
        if start and end and end < start:
            self.add_error("expected_to", _("The end lies before the start."))
        return cleaned

    def _valid(self) -> dict:
        """The values of the fields that passed validation (an invalid one filters nothing)."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def to_filter(self, today: date) -> PipelineFilter:
        data = self._valid()
        closed_from, closed_to = closed_period_range(data.get("closed") or ClosedPeriod.DEFAULT, today)
        return PipelineFilter(
            account_id=data.get("account"),
            kam_id=data.get("kam"),
            owner_id=data.get("owner"),
            mine=bool(data.get("mine")),
            product_group=data.get("product_group") or "",
            competitive_position=data.get("position") or "",
            expected_from=data.get("expected_from"),
            expected_to=data.get("expected_to"),
            closed_from=closed_from,
            closed_to=closed_to,
            status=self._status(data),
        )

    def _status(self, data) -> str:
        return Status.ALL


class PipelineListForm(PipelineFilterForm):
    """The list's filters: the board's plus which opportunities (open, won, lost) and the order."""

    allowed_extra = frozenset({"page", "sort", "format"})

    status = forms.ChoiceField(label=_("Show"), required=False, choices=Status.CHOICES)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_with_all(_("All stages"), Stage.choices)
    )

    def _status(self, data) -> str:
        return data.get("status") or Status.ALL

    def to_filter(self, today: date) -> PipelineFilter:
        filters = super().to_filter(today)
        return replace(filters, stage=self._valid().get("stage") or "")

    def sort(self) -> str:
        sort = self.data.get("sort", "") if self.is_bound else ""
        return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT


class ExportFormat:
    XLSX = "xlsx"
    CSV = "csv"


class ForecastForm(StrictForm):
    """The forecast's periods and range, and the filters that make sense for it."""

    period = forms.ChoiceField(label=_("Periods"), required=False, choices=Period.CHOICES)
    start = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DateInput())
    account = forms.TypedChoiceField(label=_("Key account"), required=False, coerce=int, empty_value=None)
    kam = forms.TypedChoiceField(label=_("Key account manager"), required=False, coerce=int, empty_value=None)
    owner = forms.TypedChoiceField(
        label=_("Owner of the opportunity"), required=False, coerce=int, empty_value=None
    )
    mine = forms.BooleanField(label=_("Only opportunities I own"), required=False)
    product_group = forms.ChoiceField(label=_("Product group"), required=False)
    position = forms.ChoiceField(
        label=_("Our competitive position"),
        required=False,
        choices=_with_all(_("All positions"), CompetitivePosition.choices),
    )

    def __init__(self, *args, user, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        choices = filter_choices(user)
        self.fields["account"].choices = _with_all(_("All accounts"), choices.accounts)
        self.fields["kam"].choices = _with_all(_("All managers"), choices.kams)
        self.fields["owner"].choices = _with_all(_("All owners"), choices.owners)
        self.fields["product_group"].choices = _with_all(
            _("All product groups"), [(g, g) for g in choices.product_groups]
        )
        start, end = default_forecast_range(today)
        self.fields["start"].initial = start
        self.fields["end"].initial = end
        self.fields["period"].initial = Period.QUARTER

    def clean(self):
        cleaned = super().clean()
        default_start, default_end = default_forecast_range(self.today)
        start = cleaned.get("start") or default_start
        end = cleaned.get("end") or default_end
        if "start" not in self.errors and "end" not in self.errors:
            try:
                forecast_periods(start, end, cleaned.get("period") or Period.QUARTER)
            except ValueError:
                self.add_error(
                    "end",
                    _("Choose an end after the start, at most %(count)s periods later.")
                    % {"count": MAX_PERIODS},
                )
        return cleaned

    def range(self) -> tuple[str, date, date]:
        """Period kind, start and end to compute (the defaults where a field is empty or invalid)."""
        data = self.cleaned_data if self.is_valid() else {}
        default_start, default_end = default_forecast_range(self.today)
        return (
            data.get("period") or Period.QUARTER,
            data.get("start") or default_start,
            data.get("end") or default_end,
        )

    def to_filter(self) -> PipelineFilter:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return PipelineFilter(
            account_id=data.get("account"),
            kam_id=data.get("kam"),
            owner_id=data.get("owner"),
            mine=bool(data.get("mine")),
            product_group=data.get("product_group") or "",
            competitive_position=data.get("position") or "",
        )


class MoveForm(StrictForm):
    """Move one opportunity to another stage from its card on the board."""

    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    close_reason = forms.ChoiceField(
        label=_("Reason (when won or lost)"),
        required=False,
        choices=_with_all("–", CloseReason.choices),
    )

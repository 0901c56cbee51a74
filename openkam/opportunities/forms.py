"""Forms of the account's opportunity pages. Field names are the services' arguments, so
``submit_to_service`` hands the cleaned data on unchanged and an edit conflict shows the value
saved meanwhile next to each field (``VersionedFormMixin``)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm, VersionedFormMixin, date_field
from openkam.stakeholders.choices import BuyingRole

from .choices import CLOSED_STAGES, OPEN_STAGES, CloseReason, CompetitivePosition, SellingApproach, Stage
from .models import MAX_VALUE


def _text(label, *, required: bool = False, help_text="", rows: int = 3, max_length: int = 4000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _probability(*, required: bool, help_text) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Probability (%)"), min_value=0, max_value=100, required=required, help_text=help_text
    )


class _GoalChoice(forms.ModelChoiceField):
    def label_from_instance(self, goal) -> str:
        return f"{goal.plan.fiscal_year}: {goal.title}"


class _CellChoice(forms.ModelChoiceField):
    def label_from_instance(self, cell) -> str:
        return f"{cell.unit.name} × {cell.product_group}"


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class OpportunityForm(StrictForm):
    """Create an opportunity. ``team`` (owners), ``goals`` and ``cells`` are the account's."""

    title = forms.CharField(label=_("Title"), max_length=200)
    value = forms.DecimalField(
        label=_("Value (EUR)"),
        min_value=Decimal(0),
        max_value=Decimal(MAX_VALUE) - Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text=_("The order value we expect if we win, in euros."),
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[(s, label) for s, label in Stage.choices if s in OPEN_STAGES],
        initial=Stage.IDENTIFIED,
    )
    probability = _probability(required=False, help_text=_("Leave empty for the stage's usual probability."))
    expected_close = date_field(_("Expected close"))
    owner = _UserChoice(label=_("Owner"), queryset=None, empty_label=None)
    product_group = forms.CharField(label=_("Product group"), max_length=200, required=False)
    competitive_position = forms.ChoiceField(
        label=_("Our competitive position"), choices=CompetitivePosition.choices
    )
    main_competitor = forms.CharField(label=_("Main competitor"), max_length=200, required=False)
    selling_approach = forms.ChoiceField(
        label=_("Need or solution selling"),
        choices=SellingApproach.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Need selling answers a need the customer has stated; solution selling works out the "
            "solution to a problem together with the customer, earlier and with more people."
        ),
    )
    sales_strategy = _text(
        _("Sales strategy"),
        help_text=_("How we intend to win: our angle, the people to win over, the offer."),
    )
    next_steps = _text(_("Next steps"))
    next_step_due = date_field(_("Next step due"), required=False)
    plan_goal = _GoalChoice(
        label=_("Plan goal served"), queryset=None, required=False, empty_label=_("– no goal –")
    )
    whitespace_cell = _CellChoice(
        label=_("Whitespace cell"),
        queryset=None,
        required=False,
        empty_label=_("– none –"),
        help_text=_("The opportunity cell of the whitespace matrix this opportunity comes from."),
    )
    description = _text(_("Description"), rows=4)

    def __init__(self, *args, team=None, goals=None, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team
        self.fields["plan_goal"].queryset = goals
        self.fields["whitespace_cell"].queryset = cells


class OpportunityEditForm(VersionedFormMixin, OpportunityForm):
    """Edit an opportunity: no stage (moves have their own form); the close fields of a won or
    lost one can be corrected."""

    close_reason = forms.ChoiceField(label=_("Reason"), choices=CloseReason.choices, required=False)
    close_note = _text(_("What made the difference"), required=False)
    closed_on = date_field(_("Closed on"), required=False)

    def __init__(self, *args, closed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["stage"]
        self.fields["probability"] = _probability(required=True, help_text="")
        if closed:
            self.fields["close_reason"].required = True
            self.fields["closed_on"].required = True
            # Won and lost have a fixed probability.
            del self.fields["probability"]
        else:
            for name in ("close_reason", "close_note", "closed_on"):
                del self.fields[name]


class MoveForm(VersionedFormMixin, StrictForm):
    """Move to another stage. The stage buttons send ``stage`` (and ``version``) only; closing
    as won or lost adds the reason, a note and the date."""

    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    probability = _probability(
        required=False, help_text=_("Leave empty for the new stage's usual probability.")
    )
    close_reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "–"), *CloseReason.choices], required=False
    )
    close_note = _text(_("What made the difference"), rows=2)
    closed_on = date_field(_("Closed on"), required=False, help_text=_("Empty: today."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stage") in CLOSED_STAGES and not cleaned.get("close_reason"):
            self.add_error("close_reason", _("Give the reason why the opportunity was won or lost."))
        return cleaned


class CloseForm(MoveForm):
    """Closing as won or lost: the same fields, the stage chosen among the two outcomes."""

    stage = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s, label) for s, label in Stage.choices if s in CLOSED_STAGES],
        widget=forms.RadioSelect,
    )
    close_reason = forms.ChoiceField(label=_("Reason"), choices=CloseReason.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["probability"]


class ParticipantForm(StrictForm):
    """Add a stakeholder of the account to the buying center of this decision."""

    stakeholder = forms.ModelChoiceField(label=_("Stakeholder"), queryset=None)
    roles = forms.MultipleChoiceField(
        label=_("Roles in this decision"),
        choices=BuyingRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("May differ from the person's usual roles: who decides here, who influences, who uses."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, stakeholders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = stakeholders


class ParticipantEditForm(StrictForm):
    roles = ParticipantForm.base_fields["roles"]
    note = ParticipantForm.base_fields["note"]

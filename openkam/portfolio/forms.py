"""Forms of the selection pages: starting a run, scoring models with their criteria, rating
criteria and ratings. Every form refuses fields it does not know (StrictForm)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm

from .choices import (
    AbcValue,
    CompareBy,
    CriterionSource,
    Direction,
    ExportFormat,
    ExportList,
    MissingPolicy,
    ModelPurpose,
    Normalisation,
)
from .criteria import metric_choices, quadrant_choices
from .models import RatingCriterion, ScoringModel
from .selectors import ResultFilter
from .services import DEFAULT_SETTINGS, MAX_DRAWS, MIN_DRAWS, CriterionInput

PERCENT = {"min_value": Decimal("0.1"), "max_value": Decimal("100"), "decimal_places": 1, "max_digits": 4}


class RunStartForm(StrictForm):
    """Settings of a new selection run; percentages are entered as percent, not fractions."""

    as_of = forms.DateField(
        label=_("As of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Only invoices up to this date count."),
    )
    period_start = forms.DateField(
        label=_("Period from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Revenue, margin, orders and breadth count from this date; empty: the 12 months up to the as-of date."
        ),
    )
    ranking_model = forms.ModelChoiceField(label=_("Scoring model for the ranking"), queryset=None)
    attractiveness_model = forms.ModelChoiceField(label=_("Attractiveness model (matrix)"), queryset=None)
    position_model = forms.ModelChoiceField(label=_("Position model (matrix)"), queryset=None)
    abc_value = forms.ChoiceField(label=_("ABC analysis by"), choices=AbcValue.choices)
    abc_a = forms.DecimalField(label=_("A cut-off (%)"), **PERCENT)
    abc_b = forms.DecimalField(label=_("B cut-off (%)"), **PERCENT)
    threshold = forms.DecimalField(
        label=_("Quadrant threshold (points)"),
        min_value=Decimal("0.1"),
        max_value=Decimal("99.9"),
        decimal_places=1,
        help_text=_("Attractiveness and position scores at or above it count as high."),
    )
    variation = forms.DecimalField(
        label=_("Weight variation (± %)"), help_text=_("For the sensitivity analysis."), **PERCENT
    )
    draws = forms.IntegerField(label=_("Random draws"), min_value=MIN_DRAWS, max_value=MAX_DRAWS)
    top_n = forms.IntegerField(
        label=_("Size of the top group"),
        min_value=1,
        max_value=1000,
        help_text=_("A candidate is robust when it stays in (or out of) this group in 95 % of the draws."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "as_of": timezone.localdate(),
                "abc_value": DEFAULT_SETTINGS["abc_value"],
                "abc_a": Decimal("80"),
                "abc_b": Decimal("95"),
                "threshold": Decimal("50"),
                "variation": Decimal("20"),
                "draws": DEFAULT_SETTINGS["draws"],
                "top_n": DEFAULT_SETTINGS["top_n"],
            },
        )
        super().__init__(*args, **kwargs)
        active = ScoringModel.objects.filter(active=True).order_by("name")
        self.fields["ranking_model"].queryset = active.filter(purpose=ModelPurpose.RANKING)
        self.fields["attractiveness_model"].queryset = active.filter(purpose=ModelPurpose.ATTRACTIVENESS)
        self.fields["position_model"].queryset = active.filter(purpose=ModelPurpose.POSITION)

    def clean(self):
        data = super().clean()
        a, b = data.get("abc_a"), data.get("abc_b")
        if a is not None and b is not None and a >= b:
            self.add_error("abc_b", _("The B cut-off must be above the A cut-off."))
        if data.get("as_of") and data["as_of"] > timezone.localdate():
            self.add_error("as_of", _("The as-of date cannot lie in the future."))
        if data.get("as_of") and data.get("period_start") and data["period_start"] > data["as_of"]:
            self.add_error("period_start", _("The period must start on or before the as-of date."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "as_of": data["as_of"],
            "period_start": data.get("period_start"),
            "ranking_model": data["ranking_model"],
            "attractiveness_model": data["attractiveness_model"],
            "position_model": data["position_model"],
            "abc_value": data["abc_value"],
            "abc_cutoffs": (float(data["abc_a"]) / 100, float(data["abc_b"]) / 100),
            "threshold": float(data["threshold"]),
            "variation": float(data["variation"]) / 100,
            "draws": data["draws"],
            "top_n": data["top_n"],
        }


class ScoringModelForm(StrictForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ModelPurpose.choices)
    active = forms.BooleanField(label=_("Active (offered for new runs)"), required=False)

    def __init__(self, *args, criteria_names=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        # The criteria rows arrive in the same POST under their formset prefix.
        self.allowed_extra = frozenset(criteria_names)


def criterion_choices() -> list:
    """One select for the criterion: ledger metrics and active rating criteria in two groups."""
    ratings = [
        (f"rating:{c.pk}", c.label) for c in RatingCriterion.objects.filter(active=True).order_by("key")
    ]
    metrics = [(f"metric:{key}", label) for key, label in metric_choices()]
    groups: list = [("", _("Choose a criterion"))]
    groups.append((_("Ledger metrics"), metrics))
    if ratings:
        groups.append((_("Manual ratings"), ratings))
    return groups


class CriterionForm(forms.Form):
    """One row of a scoring model (rendered in a formset; the formset checks unknown fields)."""

    criterion = forms.ChoiceField(label=_("Criterion"))
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.01"), max_value=Decimal("1000"), decimal_places=2
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    normalisation = forms.ChoiceField(label=_("Normalisation"), choices=Normalisation.choices)
    scale_min = forms.DecimalField(label=_("Scale from"), required=False, decimal_places=2, max_digits=12)
    scale_max = forms.DecimalField(label=_("Scale to"), required=False, decimal_places=2, max_digits=12)
    missing = forms.ChoiceField(label=_("Missing values"), choices=MissingPolicy.choices)

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = choices if choices is not None else criterion_choices()

    def has_changed(self) -> bool:
        # A row without a chosen criterion is an unused row (added and left empty): it is skipped,
        # not validated, whatever its other fields hold.
        return bool(self["criterion"].value())

    def to_input(self, ratings: dict[int, RatingCriterion]) -> CriterionInput:
        data = self.cleaned_data
        kind, _sep, ref = data["criterion"].partition(":")
        rating = ratings.get(int(ref)) if kind == CriterionSource.RATING and ref.isdigit() else None
        return CriterionInput(
            source=kind,
            metric=ref if kind == CriterionSource.METRIC else "",
            rating_criterion=rating,
            weight=data["weight"],
            direction=data["direction"],
            normalisation=data["normalisation"],
            scale_min=data.get("scale_min"),
            scale_max=data.get("scale_max"),
            missing=data["missing"],
        )


class BaseCriterionFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        self._choices = criterion_choices()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "choices": self._choices, "empty_permitted": True}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            choices=self._choices,
        )
        self.add_fields(form, None)
        return form

    def kept_forms(self) -> list[CriterionForm]:
        """The rows that hold a criterion and are not marked for removal (empty new rows are skipped)."""
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("criterion")
            and not self._should_delete_form(form)
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.kept_forms():
            raise forms.ValidationError(_("A scoring model needs at least one criterion."))

    def field_names(self, total: int) -> set[str]:
        """Every POST name this formset may send with ``total`` rows (for the strict model form)."""
        names = {
            self.add_prefix(n) for n in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
        }
        fields = [*CriterionForm.base_fields, "DELETE"]
        for index in range(total):
            names |= {f"{self.add_prefix(str(index))}-{name}" for name in fields}
        return names

    def criterion_inputs(self) -> list[CriterionInput]:
        ratings = {c.pk: c for c in RatingCriterion.objects.all()}
        return [form.to_input(ratings) for form in self.kept_forms()]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=0, can_delete=True, max_num=30, absolute_max=30
)
CRITERIA_PREFIX = "criteria"


def criterion_initial(model: ScoringModel) -> list[dict]:
    return [
        {
            "criterion": f"rating:{c.rating_criterion_id}" if c.rating_criterion_id else f"metric:{c.metric}",
            "weight": c.weight,
            "direction": c.direction,
            "normalisation": c.normalisation,
            "scale_min": c.scale_min,
            "scale_max": c.scale_max,
            "missing": c.missing,
        }
        for c in model.criteria.order_by("position", "pk")
    ]


class RatingCriterionForm(StrictForm):
    key = forms.RegexField(
        label=_("Key"),
        regex=r"^[a-z][a-z0-9_]*$",
        error_messages={
            "invalid": _("Use lower-case letters, digits and underscores, starting with a letter.")
        },
        max_length=30,
        help_text=_("Short identifier for scoring models and the API, e.g. 'fit'. Cannot be changed later."),
    )
    label_de = forms.CharField(label=_("Label (German)"), max_length=120)
    label_en = forms.CharField(label=_("Label (English)"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("What raters should consider, and what the ends of the scale mean."),
    )
    scale_min = forms.IntegerField(label=_("Scale minimum"), min_value=-1000, max_value=1000)
    scale_max = forms.IntegerField(label=_("Scale maximum"), min_value=-1000, max_value=1000)
    active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]


def rating_field_name(customer_pk: int, criterion_pk: int) -> str:
    return f"r_{customer_pk}_{criterion_pk}"


class RatingGridForm(StrictForm):
    """One number field per customer and criterion of the ratings table; empty clears a rating."""

    allowed_extra = frozenset({"page", "q"})

    def __init__(self, *args, customers=(), criteria=(), ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        ratings = ratings or {}
        self.cells = []
        for customer in customers:
            row = []
            for criterion in criteria:
                name = rating_field_name(customer.pk, criterion.pk)
                existing = ratings.get((customer.pk, criterion.pk))
                self.fields[name] = forms.DecimalField(
                    label=f"{criterion.label}: {customer.name}",
                    required=False,
                    min_value=criterion.scale_min,
                    max_value=criterion.scale_max,
                    decimal_places=2,
                    max_digits=7,
                    initial=existing.value if existing else None,
                )
                row.append((criterion, name))
            self.cells.append((customer, row))

    def changes(self):
        """(customer, criterion, value) for every cell whose value differs from the stored one."""
        return [
            (customer, criterion, self.cleaned_data.get(name))
            for customer, row in self.cells
            for criterion, name in row
            if name in self.changed_data
        ]


class CustomerRatingsForm(StrictForm):
    """Value and note per active rating criterion for one customer."""

    def __init__(self, *args, criteria=(), ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        ratings = ratings or {}
        self.rows = []
        for criterion in criteria:
            existing = ratings.get(criterion.pk)
            value_name, note_name = f"value_{criterion.pk}", f"note_{criterion.pk}"
            self.fields[value_name] = forms.DecimalField(
                label=criterion.label,
                required=False,
                min_value=criterion.scale_min,
                max_value=criterion.scale_max,
                decimal_places=2,
                max_digits=7,
                initial=existing.value if existing else None,
                help_text=_("From %(min)s to %(max)s; leave empty for no rating.")
                % {"min": criterion.scale_min, "max": criterion.scale_max},
            )
            self.fields[note_name] = forms.CharField(
                label=_("Note on %(criterion)s") % {"criterion": criterion.label},
                required=False,
                max_length=2000,
                initial=existing.note if existing else "",
                widget=forms.TextInput,
            )
            self.rows.append((criterion, value_name, note_name))


class ResultFilterForm(StrictForm):
    allowed_extra = frozenset({"page"})

    q = forms.CharField(label=_("Customer"), required=False, max_length=100)
    abc_class = forms.ChoiceField(
        label=_("ABC class"),
        required=False,
        choices=[("", _("All classes")), ("A", "A"), ("B", "B"), ("C", "C")],
    )
    quadrant = forms.ChoiceField(label=_("Quadrant"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quadrant"].choices = [("", _("All quadrants")), *quadrant_choices()]

    def to_filter(self) -> ResultFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return ResultFilter(
            query=data.get("q") or "",
            abc_class=data.get("abc_class") or "",
            quadrant=data.get("quadrant") or "",
        )


class AbcForm(StrictForm):
    """Cut-offs and value of the ABC page (recomputed on the run's stored values)."""

    allowed_extra = frozenset({"page"})

    value = forms.ChoiceField(label=_("By"), choices=AbcValue.choices, required=False)
    a = forms.DecimalField(label=_("A cut-off (%)"), required=False, **PERCENT)
    b = forms.DecimalField(label=_("B cut-off (%)"), required=False, **PERCENT)

    def clean(self):
        data = super().clean()
        a, b = data.get("a"), data.get("b")
        if a is not None and b is not None and a >= b:
            self.add_error("b", _("The B cut-off must be above the A cut-off."))
        return data


class CompareForm(StrictForm):
    by = forms.ChoiceField(label=_("Top candidates by"), choices=CompareBy.choices, required=False)
    n = forms.IntegerField(label=_("How many"), min_value=5, max_value=200, required=False)


class ExportForm(StrictForm):
    """What to export; the filters are those of the page the export starts from."""

    list = forms.ChoiceField(choices=ExportList.choices)
    format = forms.ChoiceField(choices=ExportFormat.choices)
    run = forms.UUIDField(required=False)
    q = forms.CharField(required=False, max_length=100)
    abc_class = forms.CharField(required=False, max_length=1)
    quadrant = forms.CharField(required=False, max_length=12)
    by = forms.CharField(required=False, max_length=10)
    n = forms.IntegerField(required=False, min_value=5, max_value=200)
    value = forms.CharField(required=False, max_length=10)
    a = forms.DecimalField(required=False, **PERCENT)
    b = forms.DecimalField(required=False, **PERCENT)
    page = forms.IntegerField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("list") not in ("runs", "models") and not data.get("run"):
            raise forms.ValidationError(_("Choose the run to export."))
        return data

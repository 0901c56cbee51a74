"""Forms of the plan pages. Field names are the model's (and the services' arguments), so an edit
conflict shows the value saved meanwhile next to each field (``VersionedFormMixin``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm, VersionedFormMixin, date_field

from .choices import ActionStatus, PlanType, Relevance, StepState, TopicStatus

STRATEGY_HELP = _(
    "How we merge with the customer's world: our own strengths, the business model, the customer's "
    "most urgent problems, innovation, and cooperation with other problem solvers."
)
VISION_HELP = _("Where we want to be with this customer in three to five years, in one or two sentences.")


def _text(label, *, required: bool = False, help_text="", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


def _amount(label, *, required: bool = False, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=16, decimal_places=2, localize=True, help_text=help_text
    )


class PlanCreateForm(StrictForm):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    plan_type = forms.ChoiceField(
        label=_("Plan type"),
        choices=PlanType.choices,
        help_text=_(
            "An existing account gets the full plan; an emerging one a lighter version of the same steps."
        ),
    )


class PlanForm(VersionedFormMixin, StrictForm):
    plan_type = forms.ChoiceField(label=_("Plan type"), choices=PlanType.choices)
    vision = _text(_("Vision"), help_text=VISION_HELP, rows=3)
    strategy = _text(_("Strategy"), help_text=STRATEGY_HELP, rows=8)


class StepForm(VersionedFormMixin, StrictForm):
    state = forms.ChoiceField(label=_("State"), choices=StepState.choices)
    notes = _text(_("Notes"), help_text=_("What was done in this step, what is still open, who helps."))


class ElementForm(VersionedFormMixin, StrictForm):
    text = _text(_("Text"), rows=8)


class TopicForm(StrictForm):
    topic = forms.CharField(label=_("Customer topic"), max_length=200)
    relevance = forms.ChoiceField(label=_("Relevance to the customer"), choices=Relevance.choices)
    offering = forms.CharField(
        label=_("Our offering"),
        max_length=300,
        required=False,
        help_text=_("Product, service or solution we have for this topic (empty: none yet)."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=TopicStatus.choices)
    notes = _text(_("Notes"), rows=3)


class TopicEditForm(VersionedFormMixin, TopicForm):
    pass


class GoalForm(StrictForm):
    title = forms.CharField(label=_("Goal"), max_length=300)
    kpi = forms.CharField(
        label=_("KPI"),
        max_length=150,
        help_text=_("What is measured, e.g. revenue, share of wallet, projects won."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False, help_text=_("e.g. €, %, pieces"))
    baseline = _amount(
        _("Baseline"), help_text=_("The value at the start. A target below it means “reduce”.")
    )
    target_value = _amount(_("Target value"), required=True)
    target_date = date_field(_("Target date"))
    current_value = _amount(_("Current value"), help_text=_("The value reached so far."))
    notes = _text(_("Notes"), rows=3)


class GoalEditForm(VersionedFormMixin, GoalForm):
    pass


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class ActionForm(StrictForm):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = OwnerChoiceField(
        label=_("Owner"), queryset=None, help_text=_("The account owner or a member of the account team.")
    )
    due_date = date_field(_("Due date"))
    notes = _text(_("Notes"), rows=3)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ActionEditForm(VersionedFormMixin, ActionForm):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)

    field_order = ["title", "owner", "due_date", "status", "notes"]


class ActionStatusForm(VersionedFormMixin, StrictForm):
    """What the owner of an action may change without edit rights on the account."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    notes = _text(_("Notes"), rows=3)


class VersionOnlyForm(VersionedFormMixin, StrictForm):
    """A button that changes a versioned object (mark done, complete the review)."""


class FreezeForm(StrictForm):
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        required=False,
        help_text=_("e.g. “Mid-year status” — versions frozen at the annual review are labelled by it."),
    )


class ReviewForm(StrictForm):
    date = date_field(_("Date"))
    participants_ours = _text(_("Our participants"), rows=2, help_text=_("Names and roles, one per line."))
    participants_customer = _text(
        _("The customer's participants"), rows=2, help_text=_("Names and roles, one per line.")
    )
    agenda = _text(_("Agenda"), rows=5)
    results = _text(_("Results"), rows=6, help_text=_("Required before the review can be completed."))


class ReviewEditForm(VersionedFormMixin, ReviewForm):
    pass


class ReviewActionForm(ActionForm):
    """An action agreed with the customer at the annual review."""


class NextCycleForm(StrictForm):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    plan_type = forms.ChoiceField(label=_("Plan type"), choices=PlanType.choices)


class CompareForm(forms.Form):
    """The two versions to compare (``current`` stands for the plan as it is now)."""

    a = forms.CharField(required=False)
    b = forms.CharField(required=False)

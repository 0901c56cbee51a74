from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm, VersionedFormMixin

from .choices import AnswerStatus, Category, Direction
from .models import ANSWER_MAX, HELP_MAX, REASON_MAX, TEXT_MAX

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuestionForm(VersionedFormMixin, StrictForm):
    """A question of the bank in both languages. Creating one leaves ``version`` out."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    text_en = forms.CharField(
        label=_("Question (English)"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_de = forms.CharField(
        label=_("Question (German)"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_en = forms.CharField(
        label=_("Help (English)"),
        max_length=HELP_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: a hint shown below the question."),
    )
    help_de = forms.CharField(
        label=_("Help (German)"),
        max_length=HELP_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["version"]


class MoveForm(StrictForm):
    direction = forms.ChoiceField(choices=Direction.choices)


class AnswerForm(VersionedFormMixin, StrictForm):
    """How the plan deals with one question. ``version`` is 0 while the question has no answer."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (AnswerStatus.ANSWERED, _("Answer it")),
            (AnswerStatus.NOT_APPLICABLE, _("Does not apply to this account")),
            (AnswerStatus.RESEARCH, _("Find out: create a research action")),
            (AnswerStatus.OPEN, _("Leave it open")),
        ],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Answer or notes"),
        max_length=ANSWER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For a research action: what we know so far and what to find out (becomes its notes)."),
    )
    against_fit = forms.BooleanField(
        label=_("This answer speaks against treating the customer as a key account"),
        required=False,
    )
    not_applicable_reason = forms.CharField(
        label=_("Why it does not apply"),
        max_length=REASON_MAX,
        required=False,
        help_text=_("Required when the question does not apply."),
    )
    research_owner = forms.ModelChoiceField(
        label=_("Who finds out"),
        queryset=None,
        required=False,
        help_text=_("Required for a research action: the account owner or a team member."),
    )
    research_due_date = forms.DateField(
        label=_("By when"),
        required=False,
        widget=_DATE,
        input_formats=["%Y-%m-%d"],
        help_text=_("Required for a research action."),
    )

    def __init__(self, *args, owners=None, has_open_action: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["research_owner"].queryset = owners
        if has_open_action:
            # The research action exists and is open: it is managed on the plan's action list.
            del self.fields["research_owner"]
            del self.fields["research_due_date"]

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.core.forms import (
    PeopleChoiceField,
    PersonChoiceField,
    StrictForm,
    VersionedFormMixin,
    person_label,
)

from .catalog import TEMPLATES_BY_KEY
from .choices import Direction, Letter

EMPTY = ("", pgettext_lazy("RACI cell", "– none –"))
LETTER_CHOICES = [EMPTY, *Letter.choices]


def _kept_letter(current: str) -> list:
    """The choices of someone who left the team: keep their letter or lose it, no new one."""
    return [EMPTY, *[(value, label) for value, label in Letter.choices if value == current]]


class TaskForm(StrictForm):
    """A new task: its name and, up front, who is Accountable and who is Responsible."""

    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=_("What the task covers, so everybody reads the row the same way."),
    )
    accountable = PersonChoiceField(
        label=_("Accountable"),
        queryset=None,
        empty_label="–",
        help_text=_("Answers for the result and approves it. Exactly one per task."),
    )
    responsible = PeopleChoiceField(
        label=_("Responsible"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Do the work. At least one, and not the Accountable (a cell holds one letter). The other "
            "letters can be set in the matrix afterwards."
        ),
    )

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accountable"].queryset = team
        self.fields["responsible"].queryset = team

    def clean(self):
        cleaned = super().clean()
        accountable, responsible = cleaned.get("accountable"), cleaned.get("responsible")
        if accountable is not None and responsible and accountable in responsible:
            self.add_error(
                "responsible",
                _("%(person)s is the Accountable already: choose other people as Responsible.")
                % {"person": person_label(accountable)},
            )
        return cleaned

    def service_values(self) -> dict:
        data = self.cleaned_data
        letters = {data["accountable"]: Letter.ACCOUNTABLE}
        letters |= dict.fromkeys(data["responsible"], Letter.RESPONSIBLE)
        return {"title": data["title"], "description": data["description"], "letters": letters}


class TaskEditForm(VersionedFormMixin, StrictForm):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )


class CellForm(VersionedFormMixin, StrictForm):
    """One cell: the letter of one person for one task. ``move_accountable`` is sent by the
    "move the Accountable" button the form offers when someone else is Accountable."""

    letter = forms.ChoiceField(label=_("Letter"), choices=LETTER_CHOICES, required=False)
    move_accountable = forms.BooleanField(required=False)

    def __init__(self, *args, former: bool = False, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if former:
            self.fields["letter"].choices = _kept_letter(current)


class RowForm(VersionedFormMixin, StrictForm):
    """All letters of one task, one select per person of the matrix (``letter_<user id>``)."""

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = list(columns)
        for column, current in self.columns:
            choices = LETTER_CHOICES if column.on_team else _kept_letter(current)
            self.fields[f"letter_{column.user.pk}"] = forms.ChoiceField(
                label=column.name, choices=choices, required=False
            )

    def letters(self) -> dict:
        return {
            column.user: self.cleaned_data.get(f"letter_{column.user.pk}", "") for column, _ in self.columns
        }

    def service_values(self) -> dict:
        return {"letters": self.letters(), "version": self.cleaned_data["version"]}


class MoveForm(StrictForm):
    direction = forms.ChoiceField(choices=Direction.choices)


class TemplateApplyForm(StrictForm):
    """One template (``key``) or, without a key, every template the matrix does not have yet."""

    key = forms.CharField(required=False)

    def clean_key(self):
        key = self.cleaned_data["key"]
        if key and key not in TEMPLATES_BY_KEY:
            raise ValidationError(_("Unknown template."))
        return key

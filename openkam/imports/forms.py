from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.core.forms import StrictForm

from .choices import (
    DateFormat,
    DecimalSeparator,
    Delimiter,
    Encoding,
    FileFormat,
    ImportKind,
    ImportStatus,
    ThousandsSeparator,
)
from .fields import fields_for
from .selectors import ImportFilter

OPTION_NAMES = (
    "delimiter",
    "encoding",
    "decimal_separator",
    "thousands_separator",
    "date_format",
    "sheet_name",
    "default_currency",
)


class ImportFilterForm(StrictForm):
    """Filters of the import list."""

    allowed_extra = frozenset({"page"})

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ImportKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ImportStatus.choices]
    )

    def to_filter(self) -> ImportFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return ImportFilter(kind=data.get("kind") or "", status=data.get("status") or "")


class UploadForm(StrictForm):
    """A file to import, what it holds and (optionally) the profile to read it with."""

    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices)
    profile = forms.ModelChoiceField(
        label=_("Mapping profile"),
        queryset=None,
        required=False,
        empty_label=_("— detect and guess —"),
    )
    # Empty files are refused by the import itself, with the same message as every other refusal.
    file = forms.FileField(
        label=_("File (CSV, XLSX or Parquet)"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.parquet"}),
    )

    def __init__(self, *args, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = profiles

    def clean(self):
        cleaned = super().clean()
        profile = cleaned.get("profile")
        if profile is not None and cleaned.get("kind") and profile.kind != cleaned["kind"]:
            self.add_error("profile", _("This profile is for another kind of file."))
        return cleaned


def _option_fields(file_format: str = "", sheet_names=()) -> dict[str, forms.Field]:
    """The format options as form fields; empty choices mean "detect" or "usual"."""
    fields: dict[str, forms.Field] = {}
    if file_format in ("", FileFormat.CSV):
        fields["delimiter"] = forms.ChoiceField(
            label=_("Delimiter"), required=False, choices=[("", _("Detect")), *Delimiter.choices]
        )
        fields["encoding"] = forms.ChoiceField(
            label=_("Encoding"), required=False, choices=[("", _("Detect")), *Encoding.choices]
        )
    fields["decimal_separator"] = forms.ChoiceField(
        label=_("Decimal separator"), required=False, choices=[("", _("Detect")), *DecimalSeparator.choices]
    )
    fields["thousands_separator"] = forms.ChoiceField(
        label=_("Thousands separator"),
        required=False,
        choices=[("", _("The usual one for the decimal separator")), *ThousandsSeparator.choices],
    )
    fields["date_format"] = forms.ChoiceField(
        label=_("Date format"), required=False, choices=[("", _("Detect")), *DateFormat.choices]
    )
    if file_format == FileFormat.XLSX and sheet_names:
        fields["sheet_name"] = forms.ChoiceField(
            label=_("Sheet"), required=False, choices=[(name, name) for name in sheet_names]
        )
    elif file_format == "":
        fields["sheet_name"] = forms.CharField(
            label=_("Sheet"),
            required=False,
            max_length=100,
            help_text=_("Empty: the first sheet of a workbook."),
        )
    fields["default_currency"] = forms.CharField(
        label=_("Default currency"),
        max_length=3,
        min_length=3,
        required=False,
        help_text=_("For lines without a currency, e.g. EUR."),
    )
    return fields


class MappingForm(StrictForm):
    """Preview page: which column fills which field, how the file reads, and whether to keep it.

    One select per OpenKAM field, named like the field, offering the file's columns.
    """

    allowed_extra = frozenset({"action"})

    def __init__(self, *args, kind: str, columns: list[str], file_format: str, sheet_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.target_fields = fields_for(kind)
        column_choices = [("", _("— not in the file —")), *((c, c) for c in columns)]
        for target in self.target_fields:
            self.fields[target.name] = forms.ChoiceField(
                label=target.label, required=False, choices=column_choices, help_text=target.help_text
            )
        self.fields.update(_option_fields(file_format, sheet_names))
        self.fields["save_profile"] = forms.BooleanField(label=_("Save as mapping profile"), required=False)
        self.fields["profile_name"] = forms.CharField(label=_("Profile name"), required=False, max_length=100)
        self.fields["source_system"] = forms.CharField(
            label=_("Source system"), required=False, max_length=100, help_text=_("e.g. SAP S/4HANA, DATEV")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("save_profile") and not (cleaned.get("profile_name") or "").strip():
            self.add_error("profile_name", _("Name the profile to save it."))
        return cleaned

    def mapping_rows(self):
        """``(target field, bound field)`` for the mapping table of the template."""
        return [(target, self[target.name]) for target in self.target_fields]

    def option_fields(self):
        return [self[name] for name in OPTION_NAMES if name in self.fields]

    def profile_fields(self):
        return [self[name] for name in ("save_profile", "profile_name", "source_system")]

    def mapping(self) -> dict[str, str]:
        return {
            t.name: self.cleaned_data[t.name] for t in self.target_fields if self.cleaned_data.get(t.name)
        }

    def options(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in OPTION_NAMES if name in self.fields}


class ProfileForm(StrictForm):
    """A mapping profile: name, source system, the column for each field, and format options."""

    name = forms.CharField(label=pgettext_lazy("profile", "Name"), max_length=100)
    source_system = forms.CharField(label=_("Source system"), required=False, max_length=100)

    def __init__(self, *args, kind: str, with_kind: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_kind:
            # The kind decides which fields there are, so it comes with the page (?kind=…).
            self.fields["kind"] = forms.ChoiceField(
                label=_("Kind"), choices=ImportKind.choices, widget=forms.HiddenInput
            )
        self.target_fields = fields_for(kind)
        for target in self.target_fields:
            self.fields[f"column_{target.name}"] = forms.CharField(
                label=target.label, required=False, max_length=200, help_text=_("Column header in the file")
            )
        self.fields.update(_option_fields())

    def values(self) -> dict:
        """Keyword arguments for ``profile_create`` / ``profile_update``."""
        data = self.cleaned_data
        mapping = {
            t.name: data[f"column_{t.name}"].strip()
            for t in self.target_fields
            if data.get(f"column_{t.name}")
        }
        values = {"name": data["name"], "source_system": data.get("source_system") or "", "mapping": mapping}
        values.update({name: data.get(name) or "" for name in OPTION_NAMES})
        values["default_currency"] = (values["default_currency"] or "EUR").upper()
        return values

    def column_fields(self):
        return [self[f"column_{t.name}"] for t in self.target_fields]

    def option_fields(self):
        return [self[name] for name in OPTION_NAMES]

    @staticmethod
    def initial_for(profile) -> dict:
        initial = {"name": profile.name, "source_system": profile.source_system, **profile.format_options()}
        initial.update({f"column_{field}": column for field, column in profile.mapping.items()})
        return initial

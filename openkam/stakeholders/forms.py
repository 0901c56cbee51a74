"""Forms of the stakeholders app: one person of the buying center, and the company's settings."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from openkam.core.forms import StrictForm, VersionedFormMixin

from .choices import Attitude, BuyingRole, HierarchyLevel, Influence, RelationshipStrength
from .models import BuyingCenterSettings, Stakeholder
from .selectors import relationship_owner_candidates

_TEXT = forms.Textarea(attrs={"rows": 4})


def _rating(label, choices, blank, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", blank), *choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=help_text,
    )


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.function})" if obj.function else str(obj)


class StakeholderForm(StrictForm):
    """Everything the account team records about a person; ``last_contact_on`` comes from the contact log."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    function = forms.CharField(label=_("Function"), max_length=150, required=False)
    business_unit = forms.CharField(label=_("Business unit"), max_length=150, required=False)
    hierarchy_level = forms.ChoiceField(
        label=_("Hierarchy level"),
        choices=[("", _("– not known –")), *HierarchyLevel.choices],
        required=False,
        help_text=_(
            "For level selling: executives hear about business problems, project leads about projects."
        ),
    )
    reports_to = _PersonChoiceField(
        label=_("Reports to"),
        queryset=Stakeholder.objects.none(),
        required=False,
        empty_label=_("– nobody recorded –"),
    )
    buying_roles = forms.MultipleChoiceField(
        label=_("Roles in buying decisions"),
        choices=BuyingRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_coach = forms.BooleanField(
        label=_("Coach"), required=False, help_text=_("Guides us through the customer's buying process.")
    )
    attitude = _rating(_("Attitude towards us"), Attitude.choices, _("– not assessed –"))
    influence = _rating(
        _("Influence"),
        Influence.choices,
        _("– not assessed –"),
        help_text=_("How much weight the person's voice carries in decisions that concern us."),
    )
    relationship_strength = _rating(
        _("Relationship strength"), RelationshipStrength.choices, _("– not assessed –")
    )
    relationship_owner = forms.ModelChoiceField(
        label=_("Our relationship owner"),
        queryset=Stakeholder.objects.none(),
        required=False,
        empty_label=_("– nobody yet –"),
        help_text=_(
            "The colleague of ours who owns the relationship: the key account manager or a team member."
        ),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    notes = forms.CharField(
        label=_("Notes"),
        widget=_TEXT,
        max_length=4000,
        required=False,
        help_text=_("Facts that matter for our business with this person; no private matters."),
    )

    def __init__(self, *args, account, stakeholder: Stakeholder | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = Stakeholder.objects.filter(account=account).order_by("last_name", "first_name")
        if stakeholder is not None:
            people = people.exclude(pk=stakeholder.pk)
        self.fields["reports_to"].queryset = people
        current_owner = stakeholder.relationship_owner_id if stakeholder is not None else None
        self.fields["relationship_owner"].queryset = relationship_owner_candidates(
            account, including=current_owner
        )


class StakeholderEditForm(VersionedFormMixin, StakeholderForm):
    def show_conflict(self, exc):
        # The shared helper looks values up among a field's choices, which a list cannot be:
        # show the roles saved meanwhile as their names.
        roles = exc.theirs.get("buying_roles")
        if isinstance(roles, list):
            labels = dict(BuyingRole.choices)
            exc.theirs["buying_roles"] = ", ".join(str(labels.get(role, role)) for role in roles) or "–"
        super().show_conflict(exc)


def _days(name: str, low: int, high: int) -> forms.IntegerField:
    field = BuyingCenterSettings._meta.get_field(name)
    return forms.IntegerField(
        label=capfirst(field.verbose_name),
        min_value=low,
        max_value=high,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
    )


class BuyingCenterSettingsForm(VersionedFormMixin, StrictForm):
    """The company's settings; the deletion checkbox appears only when profiles would be deleted."""

    personality_enabled = forms.BooleanField(
        label=_("Personality profiles enabled"),
        required=False,
        help_text=BuyingCenterSettings._meta.get_field("personality_enabled").help_text,
    )
    decision_maker_contact_days = _days("decision_maker_contact_days", 7, 730)
    blocker_influence_threshold = forms.TypedChoiceField(
        label=capfirst(BuyingCenterSettings._meta.get_field("blocker_influence_threshold").verbose_name),
        choices=Influence.choices,
        coerce=int,
    )
    blocker_engagement_days = _days("blocker_engagement_days", 7, 730)
    single_thread_share = _days("single_thread_share", 30, 100)
    retention_months = _days("retention_months", 1, 240)
    purge_grace_days = _days("purge_grace_days", 1, 365)
    confirm_delete_profiles = forms.BooleanField(required=False)

    def __init__(self, *args, profiles: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if profiles:
            self.fields["confirm_delete_profiles"].label = ngettext_lazy(
                "Delete the %(count)d stored personality profile when switching profiles off",
                "Delete all %(count)d stored personality profiles when switching profiles off",
                "count",
            ) % {"count": profiles}
            self.fields["confirm_delete_profiles"].help_text = _(
                "Only needed when you switch personality profiles off. The deletion cannot be undone."
            )
        else:
            del self.fields["confirm_delete_profiles"]

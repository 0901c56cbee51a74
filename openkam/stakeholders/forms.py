from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm


class StakeholderForm(StrictForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    function = forms.CharField(label=_("Function"), max_length=150, required=False)
    business_unit = forms.CharField(label=_("Business unit"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

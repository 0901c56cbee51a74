from django import forms
from django.utils.translation import gettext_lazy as _

from openkam.core.forms import StrictForm


class CustomerSearchForm(StrictForm):
    q = forms.CharField(label=_("Name, number or city"), required=False, max_length=100)

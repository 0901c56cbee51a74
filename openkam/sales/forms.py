from django import forms
from django.utils.translation import gettext_lazy as _


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, number or city"), required=False, max_length=100)

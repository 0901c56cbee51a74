"""Template helpers of the business pages: shares as percentages and the links of matrix cells."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


@register.filter
def share(value, decimals: int = 0) -> str:
    """A share (0..1) as a percentage the way the active language writes it: 51 % or 51%."""
    if value in (None, ""):
        return "–"
    try:
        number = float(value) * 100
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    text = formats.number_format(round(number, int(decimals)), decimal_pos=int(decimals), use_l10n=True)
    return f"{text}\xa0%" if (get_language() or "de").startswith("de") else f"{text}%"


@register.filter
def signed_share(value, decimals: int = 1) -> str:
    """A growth rate as a signed percentage (+4,2 % / −3,0 %)."""
    text = share(value, decimals)
    if value in (None, "") or text == "–":
        return text
    return ("+" + text) if float(value) > 0 else text.replace("-", "−")


@register.simple_tag
def cell_url(account, cell, year) -> str:
    """The edit link of a matrix cell (row and product group travel in the query string)."""
    query = {"unit": cell.row, "product_group": cell.product_group}
    if year:
        query["year"] = year
    return f"{reverse('business:cell', args=[account.pk])}?{urlencode(query)}"


@register.simple_tag
def year_url(name, account, year) -> str:
    """A page of the account for one fiscal year (``?year=``)."""
    url = reverse(name, args=[account.pk])
    return f"{url}?year={year}" if year else url


@register.filter
def kind_label(row) -> str:
    """The translated kind (site or business unit) of a matrix row."""
    from ..choices import UnitKind

    return UnitKind(row.kind).label

"""Live figures next to the elements of the customer development strategy.

The team writes its own text for each element; beside it the plan shows what the other apps know
of the account: our business from the sales ledger (financial KPIs, penetration via the
whitespace totals) and the competition (relative market share, forecast of competitors and
partners). Those apps are imported lazily, in ``_sources`` alone, and every figure degrades to
"no data" when an app, the ledger or the account's data is missing, so a plan page never fails
because another part of the analysis is not filled in yet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError
from django.utils import formats
from django.utils.translation import gettext as _

from openkam.core.templatetags.openkam import money

from .choices import Element

logger = logging.getLogger(__name__)


@dataclass
class Figure:
    label: str
    value: str


@dataclass
class ElementFigures:
    """What one element shows beside the team's text; no rows means "no data" (``note`` may say
    why)."""

    rows: list[Figure] = field(default_factory=list)
    note: str = ""

    @property
    def available(self) -> bool:
        return bool(self.rows)


def _sources() -> dict[str, Callable | None]:
    """The selectors of the other apps, each None while its app is not there."""
    found: dict[str, Callable | None] = dict.fromkeys(
        ("account_business", "whitespace_totals", "relative_market_share", "competitor_forecast", "no_ledger")
    )
    try:
        from openkam.business import selectors as business
    except ImportError:
        business = None
    try:
        from openkam.competition import selectors as competition
    except ImportError:
        competition = None
    try:
        from openkam.imports.selectors import NoLedger
    except ImportError:
        NoLedger = None
    for name in ("account_business", "whitespace_totals"):
        found[name] = getattr(business, name, None)
    for name in ("relative_market_share", "competitor_forecast"):
        found[name] = getattr(competition, name, None)
    found["no_ledger"] = NoLedger
    return found


def _call(function: Callable | None, account, no_ledger) -> Any:
    """``function(account)``, or None when the function is missing or has nothing to give.

    Database errors pass through: catching one would leave a PostgreSQL transaction unusable.
    Other errors of another app's selector are logged and shown as "no data".
    """
    if function is None:
        return None
    try:
        return function(account)
    except DatabaseError:
        raise
    except Exception as error:
        if no_ledger is None or not isinstance(error, no_ledger):
            logger.warning("Figures for the account plan: %s failed", function.__qualname__, exc_info=True)
        return None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _percent(value: Any) -> str:
    if value is None:
        return "–"
    return f"{formats.number_format(Decimal(value), decimal_pos=1, use_l10n=True)}\xa0%"


def _ratio(value: Any) -> str:
    return "–" if value is None else formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True)


def _money(value: Any) -> str:
    return money(value)


def _rate(value: Any) -> str:
    """A ratio between 0 and 1 (the business app's rates) as a percentage."""
    return "–" if value is None else _percent(Decimal(value) * 100)


def _financial(business: Any) -> ElementFigures:
    """Revenue, margin and growth of the last complete fiscal year and the one before (business
    app's ``AccountBusiness``; its rates are ratios between 0 and 1)."""
    if business is None or not _get(business, "has_ledger") or not _get(business, "lines"):
        return ElementFigures()
    rows = []
    for figures in (_get(business, "current"), _get(business, "previous")):
        if figures is None:
            continue
        value = _money(figures.revenue)
        if _get(figures, "margin") is not None:
            value = _("%(revenue)s (margin %(margin)s)") % {
                "revenue": value,
                "margin": _money(figures.margin),
            }
        rows.append(Figure(_("Revenue %(year)s") % {"year": figures.year}, value))
    current = _get(business, "current")
    if current is not None and _get(current, "growth") is not None:
        rows.append(
            Figure(_("Growth %(year)s on the previous year") % {"year": current.year}, _rate(current.growth))
        )
    if _get(business, "product_groups_total"):
        rows.append(
            Figure(
                _("Product groups bought"),
                _("%(bought)s of %(total)s")
                % {"bought": business.product_groups_bought, "total": business.product_groups_total},
            )
        )
    return ElementFigures(rows)


def _penetration(totals: Any) -> ElementFigures:
    """Penetration and open potential of the whitespace matrix (``WhitespaceTotals``)."""
    if totals is None or not _get(totals, "cells"):
        return ElementFigures()
    rows = [
        Figure(_("Penetration (cells we sell of cells with a need)"), _rate(_get(totals, "penetration"))),
        Figure(_("Cells supplied by a competitor"), str(_get(totals, "competitor_cells", 0))),
        Figure(_("Opportunities"), str(_get(totals, "opportunities", 0))),
        Figure(_("Open potential"), _money(_get(totals, "open_potential"))),
    ]
    return ElementFigures(rows)


def _relative_share(share: Any) -> ElementFigures:
    if share is None:
        return ElementFigures()
    rows = []
    if _get(share, "our_share") is not None:
        rows.append(
            Figure(
                _("Our share of wallet %(year)s") % {"year": _get(share, "fiscal_year", "")},
                _percent(share.our_share),
            )
        )
    if _get(share, "largest_competitor"):
        rows.append(
            Figure(
                _("Largest competitor: %(name)s") % {"name": share.largest_competitor},
                _percent(_get(share, "largest_share")),
            )
        )
    if _get(share, "relative") is not None:
        rows.append(Figure(_("Relative market share"), _ratio(share.relative)))
    return ElementFigures(rows, note=_get(share, "reason_missing") or "")


def _forecast(entries: Any) -> ElementFigures:
    rows = []
    for entry in entries or []:
        parts = [p for p in (_get(entry, "kind_label"), _get(entry, "trend_label")) if p]
        if _get(entry, "share_of_wallet") is not None:
            parts.append(_percent(entry.share_of_wallet))
        forecast = _get(entry, "forecast")
        value = " · ".join(str(p) for p in parts)
        if forecast:
            value = f"{value} – {forecast}" if value else forecast
        rows.append(Figure(str(_get(entry, "name", "")), value or "–"))
    return ElementFigures(rows)


def account_figures(account) -> dict[str, ElementFigures]:
    """The live figures per element of the development strategy (elements without a source of
    figures are left out)."""
    found = _sources()
    no_ledger = found["no_ledger"]
    return {
        Element.FINANCIAL_KPIS: _financial(_call(found["account_business"], account, no_ledger)),
        Element.PENETRATION: _penetration(_call(found["whitespace_totals"], account, no_ledger)),
        Element.RELATIVE_MARKET_SHARE: _relative_share(
            _call(found["relative_market_share"], account, no_ledger)
        ),
        Element.COMPETITOR_FORECAST: _forecast(_call(found["competitor_forecast"], account, no_ledger)),
    }

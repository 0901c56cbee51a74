"""Reads of the competition app: requirements with their grid position, competitors and partners,
wallet estimates, and the shares computed from them.

Every function takes an account the caller has already loaded through
``openkam.accounts.permissions.get_account_for_user`` (the access check lives there).

Shares are percentages (``Decimal``, e.g. ``Decimal("34.6")`` for 34.6 %):

- **our share of wallet** = our revenue in a fiscal year (sales ledger, ``CustomerRevenue`` of the
  account's customer) ÷ the team's estimate of the customer's total spend in our categories in
  that year (``WalletEstimate``);
- **relative market share at the customer** = our share ÷ the share of the largest competitor
  (the classic definition: above 1 we lead at this customer, 0.5 means the leader sells twice
  as much as we do). Partners do not count as competitors.

The fiscal year is the latest one that has a wallet estimate and is covered by the sales ledger
(a year the ledger does not reach yet cannot give our revenue). Competitors' shares are the
team's current estimates and are read against that year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.sales.models import CustomerRevenue
from openkam.sales.selectors import latest_fiscal_year

from .charts import QUADRANTS, GridPoint
from .choices import CompetitorKind
from .models import Competitor, Requirement, WalletEstimate

HUNDRED = Decimal(100)
_SHARE_PLACES = Decimal("0.1")
_RATIO_PLACES = Decimal("0.01")


def _share(value: Decimal) -> Decimal:
    return value.quantize(_SHARE_PLACES, rounding=ROUND_HALF_UP)


# Competitors and partners -----------------------------------------------------------------------


def competitors_for_account(account: KeyAccount) -> QuerySet[Competitor]:
    """Competitors first, then partners; each by estimated share (largest first, unknown last)."""
    return Competitor.objects.filter(account=account).order_by(
        "kind", F("share_of_wallet").desc(nulls_last=True), "name"
    )


def main_competitor(competitors: Iterable[Competitor]) -> Competitor | None:
    """The competitor with the largest estimated share of wallet (ties: by name); a competitor
    without an estimate only when no competitor has one. Partners never."""
    rivals = [c for c in competitors if c.kind == CompetitorKind.COMPETITOR]
    if not rivals:
        return None
    return min(
        rivals,
        key=lambda c: (c.share_of_wallet is None, -(c.share_of_wallet or 0), c.name.lower(), c.pk or 0),
    )


def competitor_names(account: KeyAccount) -> list[str]:
    """The names of the account's competitors (not partners), alphabetically — e.g. for choosing
    who supplies a whitespace cell."""
    names = Competitor.objects.filter(account=account, kind=CompetitorKind.COMPETITOR).values_list(
        "name", flat=True
    )
    return sorted(names, key=str.lower)


@dataclass(frozen=True)
class CompetitorForecast:
    """One competitor or partner as the customer development strategy shows it."""

    name: str
    kind: str
    kind_label: str
    supplies: str
    share_of_wallet: Decimal | None
    trend: str
    trend_label: str
    forecast: str
    strengths: str
    threats: str


def competitor_forecast(account: KeyAccount) -> list[CompetitorForecast]:
    """Every competitor and partner with the team's forecast (trend + text), in the order of
    ``competitors_for_account``. Labels are in the active language."""
    return [
        CompetitorForecast(
            name=c.name,
            kind=c.kind,
            kind_label=str(c.get_kind_display()),
            supplies=c.supplies,
            share_of_wallet=c.share_of_wallet,
            trend=c.trend,
            trend_label=str(c.get_trend_display()) if c.trend else "",
            forecast=c.forecast,
            strengths=c.strengths,
            threats=c.threats,
        )
        for c in competitors_for_account(account)
    ]


# Shares -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelativeShare:
    """Our position at the customer in one fiscal year.

    ``our_share`` and ``largest_share`` are percentages, ``relative`` the ratio of the two (two
    decimals). Whatever cannot be computed is None, and ``reason_missing`` says why in the
    active language (None when ``relative`` is known).
    """

    our_share: Decimal | None
    largest_competitor: str | None
    largest_share: Decimal | None
    relative: Decimal | None
    fiscal_year: int | None
    reason_missing: str | None
    wallet: Decimal | None = None
    our_revenue: Decimal | None = None


@dataclass(frozen=True)
class ShareBasis:
    """The wallet estimate and our revenue the shares are computed from (fiscal year None: none)."""

    fiscal_year: int | None
    wallet: Decimal | None
    our_revenue: Decimal | None
    reason_missing: str | None = None

    @property
    def our_share(self) -> Decimal | None:
        """Our share of wallet in percent, unrounded. A year in which credit notes outweigh the
        invoices counts as no revenue rather than a negative share."""
        if self.wallet is None or self.our_revenue is None or self.wallet <= 0:
            return None
        return max(self.our_revenue, Decimal(0)) / self.wallet * HUNDRED


def share_basis(
    wallets: Mapping[int, Decimal], revenues: Mapping[int, Decimal], ledger_until: int | None
) -> ShareBasis:
    """Pick the fiscal year for the shares: the latest with a wallet estimate that the ledger
    covers (``ledger_until`` = the newest fiscal year in the ledger). A customer without a
    revenue row in a covered year bought nothing from us that year (revenue 0).
    """
    if not wallets:
        return ShareBasis(
            None,
            None,
            None,
            _(
                "No wallet estimate yet: record the customer's total spend in our categories for a fiscal year."
            ),
        )
    covered = [year for year in wallets if ledger_until is not None and year <= ledger_until]
    if not covered:
        year = max(wallets)
        return ShareBasis(
            year,
            wallets[year],
            None,
            _("The sales ledger has no revenue for fiscal year %(year)s yet.") % {"year": year},
        )
    year = max(covered)
    return ShareBasis(year, wallets[year], revenues.get(year, Decimal(0)))


def compute_relative_share(
    basis: ShareBasis, competitors: Iterable[tuple[str, Decimal | None]]
) -> RelativeShare:
    """Our share, the largest competitor and our relative market share from plain values.

    ``competitors`` are (name, estimated share in percent or None) of the competitors only.
    Ties for the largest share go to the name first in the alphabet.
    """
    raw = basis.our_share
    our_share = None if raw is None else _share(raw)
    estimated = sorted(
        ((name, share) for name, share in competitors if share is not None),
        key=lambda item: (-item[1], item[0].lower()),
    )
    largest_name, largest_share = estimated[0] if estimated else (None, None)
    reason = basis.reason_missing
    relative = None
    if reason is None:
        if largest_share is None:
            reason = _("No competitor has an estimated share of wallet yet.")
        elif largest_share == 0:
            reason = _("The largest competitor's estimated share is 0 %; a ratio to it is not defined.")
        else:
            relative = (raw / largest_share).quantize(_RATIO_PLACES, rounding=ROUND_HALF_UP)
    return RelativeShare(
        our_share=our_share,
        largest_competitor=largest_name,
        largest_share=largest_share,
        relative=relative,
        fiscal_year=basis.fiscal_year,
        reason_missing=reason,
        wallet=basis.wallet,
        our_revenue=basis.our_revenue,
    )


def _revenues(account: KeyAccount) -> dict[int, Decimal]:
    return dict(
        CustomerRevenue.objects.filter(customer_id=account.customer_id).values_list("fiscal_year", "revenue")
    )


def _wallets(account: KeyAccount) -> dict[int, Decimal]:
    return dict(WalletEstimate.objects.filter(account=account).values_list("fiscal_year", "amount"))


def basis_for_account(account: KeyAccount, *, wallets: Mapping[int, Decimal] | None = None) -> ShareBasis:
    """The share basis of ``account`` (``wallets`` replaces the stored estimates, e.g. to check
    an edit before saving it)."""
    return share_basis(
        _wallets(account) if wallets is None else wallets, _revenues(account), latest_fiscal_year()
    )


def relative_market_share(account: KeyAccount) -> RelativeShare:
    """Our share of wallet, the largest competitor's share and the ratio of both (see the module
    docstring); None values with ``reason_missing`` when data are missing."""
    rivals = Competitor.objects.filter(account=account, kind=CompetitorKind.COMPETITOR).values_list(
        "name", "share_of_wallet"
    )
    return compute_relative_share(basis_for_account(account), rivals)


def share_of_wallet(account: KeyAccount) -> Decimal | None:
    """Our share of the customer's wallet in percent (one decimal), or None when there is no
    wallet estimate for a fiscal year the ledger covers."""
    raw = basis_for_account(account).our_share
    return None if raw is None else _share(raw)


# Requirements and the overview page -------------------------------------------------------------


@dataclass
class RequirementRow:
    """A requirement with what the table and the grid show about it."""

    requirement: Requirement
    point: GridPoint
    compared_with: str | None
    compared_with_main: bool

    @property
    def quadrant(self):
        return QUADRANTS[self.point.quadrant]


def requirement_rows(requirements: Iterable[Requirement], main: Competitor | None) -> list[RequirementRow]:
    """Number the requirements in order and name the competitor each is compared with."""
    rows = []
    for number, req in enumerate(requirements, start=1):
        named = req.competitor
        compared = named or main
        rows.append(
            RequirementRow(
                requirement=req,
                point=GridPoint(
                    number=number,
                    requirement=req.text,
                    importance=req.importance,
                    ours=req.our_performance,
                    competitor=compared.name if compared else None,
                    theirs=req.competitor_performance,
                ),
                compared_with=compared.name if compared else None,
                compared_with_main=named is None and compared is not None,
            )
        )
    return rows


def requirements_for_account(account: KeyAccount) -> QuerySet[Requirement]:
    """The requirements, most important first, with the competitor each names."""
    return Requirement.objects.filter(account=account).select_related("competitor")


@dataclass(frozen=True)
class WalletRow:
    wallet: WalletEstimate
    our_revenue: Decimal | None
    our_share: Decimal | None
    is_basis: bool


@dataclass
class CompetitionOverview:
    """Everything the overview page shows, loaded with a fixed number of queries."""

    account: KeyAccount
    requirements: list[RequirementRow]
    competitors: list[Competitor]
    partners: list[Competitor]
    main_competitor: Competitor | None
    wallets: list[WalletRow]
    shares: RelativeShare
    estimated_total: Decimal | None = None
    quadrant_counts: dict[str, int] = field(default_factory=dict)

    @property
    def points(self) -> list[GridPoint]:
        return [row.point for row in self.requirements]

    @property
    def overbooked(self) -> bool:
        """Whether the estimated shares (ours included) add up to more than 100 % — possible
        after a ledger import or a deleted wallet estimate; edits refuse it."""
        return self.estimated_total is not None and self.estimated_total > HUNDRED


def overview_for_account(account: KeyAccount) -> CompetitionOverview:
    """Requirements, competitors, partners, wallet estimates and shares of one account."""
    everyone = list(competitors_for_account(account))
    main = main_competitor(everyone)
    rows = requirement_rows(requirements_for_account(account), main)
    wallet_objects = list(WalletEstimate.objects.filter(account=account).order_by("-fiscal_year"))
    revenues = _revenues(account)
    ledger_until = latest_fiscal_year()
    basis = share_basis({w.fiscal_year: w.amount for w in wallet_objects}, revenues, ledger_until)
    shares = compute_relative_share(
        basis, ((c.name, c.share_of_wallet) for c in everyone if c.kind == CompetitorKind.COMPETITOR)
    )
    wallets = []
    for w in wallet_objects:
        covered = ledger_until is not None and w.fiscal_year <= ledger_until
        revenue = revenues.get(w.fiscal_year, Decimal(0)) if covered else None
        wallets.append(
            WalletRow(
                wallet=w,
                our_revenue=revenue,
                our_share=None if revenue is None else _share(max(revenue, Decimal(0)) / w.amount * HUNDRED),
                is_basis=w.fiscal_year == basis.fiscal_year and basis.our_revenue is not None,
            )
        )
    estimates = [c.share_of_wallet for c in everyone if c.share_of_wallet is not None]
    total = None
    if estimates or shares.our_share is not None:
        total = sum(estimates, Decimal(0)) + (basis.our_share or Decimal(0))
    counts = dict.fromkeys(QUADRANTS, 0)
    for row in rows:
        counts[row.point.quadrant] += 1
    return CompetitionOverview(
        account=account,
        requirements=rows,
        competitors=[c for c in everyone if c.kind == CompetitorKind.COMPETITOR],
        partners=[c for c in everyone if c.kind == CompetitorKind.PARTNER],
        main_competitor=main,
        wallets=wallets,
        shares=shares,
        estimated_total=None if total is None else _share(total),
        quadrant_counts=counts,
    )

"""Writes of the competition app: customer requirements, competitors and partners, wallet estimates.

Every function checks the edit right on the account again (``can_work_on_account``: the owner
and the core team; ``actor=None`` is the system, e.g. the demo generator), validates before
saving (ValidationError → form errors / 422), runs in one transaction and writes an audit entry
on the account timeline in it. Updates take the ``version`` the editor started from and raise
``EditConflict`` when someone else saved in between (``openkam.core.locking``); ``None`` means
"not known" (last writer wins).

Estimated shares of wallet are kept plausible: an edit may not make the estimates of all
competitors and partners plus our own share (our revenue ÷ the wallet estimate, see
``selectors``) add up to more than 100 %, nor raise a total that is already above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_work_on_account
from openkam.core.editing import created_values, refuse_unknown, stripped, update_versioned
from openkam.core.services import audit_record
from openkam.core.templatetags.openkam import money
from openkam.sales.models import CustomerRevenue
from openkam.sales.selectors import latest_fiscal_year

from .choices import CompetitorKind
from .models import Competitor, Requirement, WalletEstimate
from .selectors import HUNDRED, basis_for_account

REQUIREMENT_FIELDS = (
    "text",
    "importance",
    "our_performance",
    "competitor",
    "competitor_performance",
    "notes",
    "source",
)
COMPETITOR_FIELDS = (
    "name",
    "kind",
    "supplies",
    "share_of_wallet",
    "strengths",
    "threats",
    "trend",
    "forecast",
)
WALLET_FIELDS = ("fiscal_year", "amount", "notes")


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need edit rights on the account.
    if actor is not None and not can_work_on_account(actor, account):
        raise PermissionDenied


# Shares of wallet -------------------------------------------------------------------------------


def _percent(value: Decimal) -> str:
    # Rounded like the shares on the page (half up), then written the way the language writes it.
    return formats.number_format(
        value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), decimal_pos=1, use_l10n=True
    )


def _share_total(account: KeyAccount, shares: list[Decimal], wallets: Mapping[int, Decimal] | None):
    basis = basis_for_account(account, wallets=wallets)
    estimates = sum(shares, Decimal(0))
    return basis, estimates, estimates + (basis.our_share or Decimal(0))


def _check_share_total(
    account: KeyAccount,
    *,
    field: str,
    shares_before: list[Decimal],
    shares_after: list[Decimal],
    wallets_before: Mapping[int, Decimal] | None = None,
    wallets_after: Mapping[int, Decimal] | None = None,
) -> None:
    """Refuse a change that takes the estimated shares (ours included) above 100 % or raises a
    total that is above it already (e.g. after a ledger import), naming the numbers."""
    basis, estimates, total = _share_total(account, shares_after, wallets_after)
    if total <= HUNDRED:
        return
    _before_basis, _before_estimates, before = _share_total(account, shares_before, wallets_before)
    if total <= before:
        return
    if basis.our_share is None:
        message = _(
            "The estimated shares of competitors and partners would add up to %(total)s %%; "
            "together they cannot exceed 100 %%."
        ) % {"total": _percent(total)}
    else:
        message = _(
            "The estimated shares would add up to %(total)s %%: our own %(ours)s %% (revenue of "
            "%(revenue)s in fiscal year %(year)s against a wallet of %(wallet)s) and %(others)s %% for "
            "competitors and partners. Together they cannot exceed 100 %%."
        ) % {
            "total": _percent(total),
            "ours": _percent(basis.our_share),
            "revenue": money(basis.our_revenue),
            "year": basis.fiscal_year,
            "wallet": money(basis.wallet),
            "others": _percent(estimates),
        }
    raise ValidationError({field: message})


def _stored_shares(account: KeyAccount, *, without: int | None = None) -> list[Decimal]:
    rows = Competitor.objects.filter(account=account, share_of_wallet__isnull=False)
    if without is not None:
        rows = rows.exclude(pk=without)
    return list(rows.values_list("share_of_wallet", flat=True))


# Requirements -----------------------------------------------------------------------------------


def _check_compared_competitor(account: KeyAccount, competitor: Competitor | None) -> None:
    if competitor is None:
        return
    if competitor.account_id != account.pk:
        raise ValidationError({"competitor": _("Choose a competitor of this account.")})
    if competitor.kind != CompetitorKind.COMPETITOR:
        raise ValidationError({"competitor": _("Compare with a competitor, not with a partner.")})


@transaction.atomic
def requirement_create(
    *,
    actor,
    account: KeyAccount,
    text: str,
    importance: int,
    our_performance: int,
    competitor: Competitor | None = None,
    competitor_performance: int | None = None,
    notes: str = "",
    source: str = "",
) -> Requirement:
    """Record what the customer expects of its suppliers and how we and a competitor meet it.

    Ratings are whole numbers from 1 to 5 (ValidationError otherwise). ``competitor`` must be a
    competitor of the same account; without one the requirement is compared with the main
    competitor. PermissionDenied for anyone but the owner and the core team.
    """
    _check(actor, account)
    obj = Requirement(
        account=account,
        text=text.strip(),
        importance=importance,
        our_performance=our_performance,
        competitor=competitor,
        competitor_performance=competitor_performance,
        notes=notes.strip(),
        source=source.strip(),
    )
    obj.full_clean()
    _check_compared_competitor(account, competitor)
    obj.save()
    audit_record(
        actor=actor,
        action="competition.requirement.create",
        target=obj,
        account_id=account.pk,
        changes=created_values(obj, REQUIREMENT_FIELDS),
    )
    return obj


@transaction.atomic
def requirement_update(
    *, actor, requirement: Requirement, version: int | None = None, **values
) -> Requirement:
    """Change a requirement (fields of ``REQUIREMENT_FIELDS``) edited from ``version``."""
    account = requirement.account
    _check(actor, account)
    refuse_unknown(values, REQUIREMENT_FIELDS, "requirement")
    # Lock only the requirement's row: PostgreSQL cannot lock the nullable side of the join.
    obj = (
        Requirement.objects.select_for_update(of=("self",))
        .select_related("competitor")
        .get(pk=requirement.pk)
    )
    values = stripped(values)
    diff = update_versioned(
        obj,
        version=version,
        values=values,
        validate=lambda: _check_compared_competitor(account, obj.competitor),
    )
    if diff:
        audit_record(
            actor=actor,
            action="competition.requirement.update",
            target=obj,
            account_id=account.pk,
            changes=diff,
        )
    return obj


@transaction.atomic
def requirement_delete(*, actor, requirement: Requirement) -> None:
    _check(actor, requirement.account)
    audit_record(
        actor=actor,
        action="competition.requirement.delete",
        target=requirement,
        account_id=requirement.account_id,
    )
    requirement.delete()


# Competitors and partners -----------------------------------------------------------------------


def _check_unique_name(account: KeyAccount, name: str, *, without: int | None = None) -> None:
    others = Competitor.objects.filter(account=account, name__iexact=name)
    if without is not None:
        others = others.exclude(pk=without)
    if name and others.exists():
        raise ValidationError({"name": _("This account lists a competitor or partner of that name already.")})


@transaction.atomic
def competitor_create(
    *,
    actor,
    account: KeyAccount,
    name: str,
    kind: str = CompetitorKind.COMPETITOR,
    supplies: str = "",
    share_of_wallet: Decimal | None = None,
    strengths: str = "",
    threats: str = "",
    trend: str = "",
    forecast: str = "",
) -> Competitor:
    """Add a competitor or partner at the account.

    ``share_of_wallet`` is a percentage (0–100, one decimal) or None when unknown; with the
    other estimates and our own share it may not exceed 100 % (ValidationError naming the
    numbers). Names are unique per account, whatever their case.
    """
    _check(actor, account)
    obj = Competitor(
        account=account,
        name=name.strip(),
        kind=kind,
        supplies=supplies.strip(),
        share_of_wallet=share_of_wallet,
        strengths=strengths.strip(),
        threats=threats.strip(),
        trend=trend,
        forecast=forecast.strip(),
    )
    obj.full_clean(validate_constraints=False)
    _check_unique_name(account, obj.name)
    if obj.share_of_wallet is not None:
        before = _stored_shares(account)
        _check_share_total(
            account,
            field="share_of_wallet",
            shares_before=before,
            shares_after=[*before, obj.share_of_wallet],
        )
    obj.save()
    audit_record(
        actor=actor,
        action="competition.competitor.create",
        target=obj,
        account_id=account.pk,
        changes=created_values(obj, COMPETITOR_FIELDS),
    )
    return obj


@transaction.atomic
def competitor_update(*, actor, competitor: Competitor, version: int | None = None, **values) -> Competitor:
    """Change a competitor or partner (fields of ``COMPETITOR_FIELDS``) edited from ``version``.

    A competitor that requirements are compared with cannot become a partner.
    """
    account = competitor.account
    _check(actor, account)
    refuse_unknown(values, COMPETITOR_FIELDS, "competitor")
    obj = Competitor.objects.select_for_update().get(pk=competitor.pk)
    values = stripped(values)
    old_share = obj.share_of_wallet

    def validate():
        _check_unique_name(account, obj.name, without=obj.pk)
        if obj.kind != CompetitorKind.COMPETITOR and obj.requirements.exists():
            raise ValidationError(
                {
                    "kind": _(
                        "Requirements are compared with this competitor. Compare them with another "
                        "competitor first, then make it a partner."
                    )
                }
            )
        if obj.share_of_wallet is not None and obj.share_of_wallet != old_share:
            others = _stored_shares(account, without=obj.pk)
            _check_share_total(
                account,
                field="share_of_wallet",
                shares_before=[*others, *([old_share] if old_share is not None else [])],
                shares_after=[*others, obj.share_of_wallet],
            )

    diff = update_versioned(obj, version=version, values=values, validate=validate)
    if diff:
        audit_record(
            actor=actor,
            action="competition.competitor.update",
            target=obj,
            account_id=account.pk,
            changes=diff,
        )
    return obj


@transaction.atomic
def competitor_delete(*, actor, competitor: Competitor) -> None:
    """Remove a competitor or partner; requirements compared with it fall back to the main competitor."""
    _check(actor, competitor.account)
    audit_record(
        actor=actor,
        action="competition.competitor.delete",
        target=competitor,
        account_id=competitor.account_id,
    )
    competitor.delete()


# Wallet estimates -------------------------------------------------------------------------------


def _check_wallet(account: KeyAccount, obj: WalletEstimate, *, wallets_before: dict[int, Decimal]) -> None:
    """One estimate per year, not less than our own revenue that year, shares within 100 %."""
    if (
        WalletEstimate.objects.filter(account=account, fiscal_year=obj.fiscal_year)
        .exclude(pk=obj.pk)
        .exists()
    ):
        raise ValidationError(
            {"fiscal_year": _("This account has a wallet estimate for that fiscal year already.")}
        )
    ledger_until = latest_fiscal_year()
    if ledger_until is not None and obj.fiscal_year <= ledger_until:
        revenue = (
            CustomerRevenue.objects.filter(customer_id=account.customer_id, fiscal_year=obj.fiscal_year)
            .values_list("revenue", flat=True)
            .first()
        )
        if revenue is not None and revenue > obj.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "Our own revenue in fiscal year %(year)s was %(revenue)s, more than this estimate "
                        "of %(wallet)s. The customer's spend in our categories includes what it buys from us."
                    )
                    % {"year": obj.fiscal_year, "revenue": money(revenue), "wallet": money(obj.amount)}
                }
            )
    wallets_after = {year: amount for year, amount in wallets_before.items() if year != obj.fiscal_year}
    if obj.pk is not None:
        # The estimate may have moved to another year: its old year has no estimate any more.
        old_year = WalletEstimate.objects.filter(pk=obj.pk).values_list("fiscal_year", flat=True).get()
        wallets_after.pop(old_year, None)
    wallets_after[obj.fiscal_year] = obj.amount
    shares = _stored_shares(account)
    _check_share_total(
        account,
        field="amount",
        shares_before=shares,
        shares_after=shares,
        wallets_before=wallets_before,
        wallets_after=wallets_after,
    )


def _wallets_by_year(account: KeyAccount) -> dict[int, Decimal]:
    return dict(WalletEstimate.objects.filter(account=account).values_list("fiscal_year", "amount"))


@transaction.atomic
def wallet_create(
    *, actor, account: KeyAccount, fiscal_year: int, amount: Decimal, notes: str = ""
) -> WalletEstimate:
    """Record the customer's estimated spend in our categories in ``fiscal_year``.

    One estimate per year. Refused (ValidationError) when our own revenue that year exceeds it,
    or when our resulting share plus the competitors' and partners' estimates exceeds 100 %.
    """
    _check(actor, account)
    obj = WalletEstimate(account=account, fiscal_year=fiscal_year, amount=amount, notes=notes.strip())
    obj.full_clean(validate_constraints=False)
    _check_wallet(account, obj, wallets_before=_wallets_by_year(account))
    obj.save()
    audit_record(
        actor=actor,
        action="competition.wallet.create",
        target=obj,
        account_id=account.pk,
        changes=created_values(obj, WALLET_FIELDS),
    )
    return obj


@transaction.atomic
def wallet_update(*, actor, wallet: WalletEstimate, version: int | None = None, **values) -> WalletEstimate:
    """Change a wallet estimate (fiscal year, amount, basis) edited from ``version``; the same
    checks as ``wallet_create``."""
    account = wallet.account
    _check(actor, account)
    refuse_unknown(values, WALLET_FIELDS, "wallet")
    obj = WalletEstimate.objects.select_for_update().get(pk=wallet.pk)
    before = _wallets_by_year(account)
    diff = update_versioned(
        obj,
        version=version,
        values=stripped(values),
        validate=lambda: _check_wallet(account, obj, wallets_before=before),
    )
    if diff:
        audit_record(
            actor=actor, action="competition.wallet.update", target=obj, account_id=account.pk, changes=diff
        )
    return obj


@transaction.atomic
def wallet_delete(*, actor, wallet: WalletEstimate) -> None:
    _check(actor, wallet.account)
    audit_record(actor=actor, action="competition.wallet.delete", target=wallet, account_id=wallet.account_id)
    wallet.delete()

"""Reads of the profiles app: the profile page, the stale-fact count and the summary other apps use.

Every function takes an account the caller has already loaded through
``openkam.accounts.permissions.get_account_for_user``; none of them checks access again.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from openkam.accounts.models import KeyAccount
from openkam.sales.models import Customer

from .choices import LIST_HEADINGS, STRUCTURE_KINDS, FactKind, MarketKind, Quadrant
from .models import AccountProfile, MarketEntry, ProfileFact, SwotItem

DEFAULT_STALE_MONTHS = 12


def stale_months() -> int:
    """After how many months a fact counts as stale (setting ``OPENKAM_PROFILE_STALE_MONTHS``)."""
    return int(getattr(settings, "OPENKAM_PROFILE_STALE_MONTHS", DEFAULT_STALE_MONTHS))


def stale_cutoff(today: date | None = None) -> date:
    """Facts dated before this day are stale: today minus ``stale_months()`` (end of month clamped)."""
    today = today or timezone.localdate()
    months = today.year * 12 + today.month - 1 - stale_months()
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _stale(as_of: date | None, cutoff: date) -> bool:
    return as_of is None or as_of < cutoff


def _stale_q(cutoff: date) -> Q:
    return Q(as_of__isnull=True) | Q(as_of__lt=cutoff)


def stale_sections(profile: AccountProfile | None, cutoff: date) -> set[str]:
    """The sections of ``profile`` that have content and are stale (see ``AccountProfile.SECTIONS``)."""
    if profile is None:
        return set()
    return {
        section
        for section, (_fields, _source, as_of) in AccountProfile.SECTIONS.items()
        if profile.has_content(section) and _stale(getattr(profile, as_of), cutoff)
    }


def stale_fact_count(account: KeyAccount) -> int:
    """How many facts of the account's profile and market are stale (older than the configured
    age or undated): profile sections with content, profile entries and market entries.
    SWOT items are assessments, not facts, and are not counted."""
    cutoff = stale_cutoff()
    profile = AccountProfile.objects.filter(account=account).first()
    return (
        len(stale_sections(profile, cutoff))
        + ProfileFact.objects.filter(account=account).filter(_stale_q(cutoff)).count()
        + MarketEntry.objects.filter(account=account).filter(_stale_q(cutoff)).count()
    )


def profile_for_account(account: KeyAccount) -> AccountProfile:
    """The stored profile, or an unsaved empty one at version 1 (the first save creates it)."""
    profile = AccountProfile.objects.filter(account=account).first()
    if profile is None:
        profile = AccountProfile(account=account)
    profile.account = account  # keep the viewer annotations of the access helper
    return profile


def facts_for_account(account: KeyAccount, kind: str = "") -> QuerySet[ProfileFact]:
    facts = ProfileFact.objects.filter(account=account)
    return facts.filter(kind=kind) if kind else facts


def initiatives_for_account(account: KeyAccount) -> QuerySet[ProfileFact]:
    """The strategic initiatives a hurdle may belong to."""
    return facts_for_account(account, FactKind.STRATEGIC_INITIATIVE).order_by("title", "pk")


def market_entries_for_account(account: KeyAccount, kind: str = "") -> QuerySet[MarketEntry]:
    entries = MarketEntry.objects.filter(account=account).select_related("initiative")
    return entries.filter(kind=kind) if kind else entries


_QUADRANT_ORDER = Case(
    *[When(quadrant=value, then=Value(i)) for i, value in enumerate(Quadrant.values)],
    output_field=IntegerField(),
)


def swot_items_for_account(account: KeyAccount, quadrant: str = "") -> QuerySet[SwotItem]:
    """SWOT items in SWOT order (strengths, weaknesses, opportunities, threats), then by position."""
    items = SwotItem.objects.filter(account=account)
    if quadrant:
        items = items.filter(quadrant=quadrant)
    return items.annotate(quadrant_order=_QUADRANT_ORDER).order_by("quadrant_order", "position", "pk")


# The profile page ---------------------------------------------------------------------------------


@dataclass
class Group:
    """One list on the page: a kind with its label and entries (each marked ``stale``)."""

    kind: str
    label: str
    entries: list = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """One section of the profile (legal entity, size, strategy) with its provenance."""

    has_content: bool
    source: str
    as_of: date | None
    stale: bool


@dataclass
class ProfilePage:
    """What the profile page shows. ``legal_name``, ``legal_form`` and ``industry`` are the
    effective values (``from_master`` names those taken from the customer master); ``stale``
    names the stale profile sections and ``stale_count`` counts every stale fact on the page."""

    account: KeyAccount
    profile: AccountProfile
    sections: dict[str, Section]
    legal_name: str
    legal_form: str
    industry: str
    from_master: set[str]
    parent: Customer | None
    subsidiaries: list[Customer]
    stale: set[str]
    structure: list[Group]
    initiatives: list[ProfileFact]
    key_facts: list[ProfileFact]
    market: list[Group]
    swot: list[Group]
    stale_count: int
    stale_months: int
    cutoff: date


def _grouped(entries, attribute: str, kinds) -> list[Group]:
    """``entries`` split by ``attribute`` into one group per kind, in the order of ``kinds``."""
    groups = {kind: Group(kind, LIST_HEADINGS[kind]) for kind in kinds}
    for entry in entries:
        if (group := groups.get(getattr(entry, attribute))) is not None:
            group.entries.append(entry)
    return list(groups.values())


def profile_page(account: KeyAccount) -> ProfilePage:
    """Everything the profile page shows, in a fixed number of queries.

    Expects the account from ``get_account_for_user`` (customer and parent loaded). Entries carry
    ``stale``; initiatives carry their ``hurdles`` (market entries of kind hurdle).
    """
    cutoff = stale_cutoff()
    profile = profile_for_account(account)
    customer = account.customer
    hurdles = Prefetch("hurdles", queryset=MarketEntry.objects.order_by("title", "pk"), to_attr="hurdle_list")
    facts = list(facts_for_account(account).prefetch_related(hurdles))
    market = list(market_entries_for_account(account))
    swot = list(swot_items_for_account(account))
    for entry in (*facts, *market):
        entry.stale = entry.is_stale(cutoff)
    for fact in facts:
        for hurdle in fact.hurdle_list:
            hurdle.stale = hurdle.is_stale(cutoff)

    stale = stale_sections(profile if profile.pk else None, cutoff)
    sections = {
        name: Section(
            has_content=profile.has_content(name),
            source=getattr(profile, source),
            as_of=getattr(profile, as_of),
            stale=name in stale,
        )
        for name, (_fields, source, as_of) in AccountProfile.SECTIONS.items()
    }
    return ProfilePage(
        account=account,
        profile=profile,
        sections=sections,
        legal_name=profile.legal_name or customer.name,
        legal_form=profile.legal_form or customer.legal_form,
        industry=profile.industry or customer.industry,
        from_master={name for name in ("legal_name", "legal_form", "industry") if not getattr(profile, name)},
        parent=customer.parent,
        subsidiaries=list(customer.subsidiaries.order_by("name", "pk")),
        stale=stale,
        structure=_grouped(facts, "kind", STRUCTURE_KINDS),
        initiatives=[f for f in facts if f.kind == FactKind.STRATEGIC_INITIATIVE],
        key_facts=[f for f in facts if f.kind == FactKind.KEY_FACT],
        market=_grouped(market, "kind", MarketKind),
        swot=_grouped(swot, "quadrant", Quadrant),
        stale_count=len(stale) + sum(e.stale for e in (*facts, *market)),
        stale_months=stale_months(),
        cutoff=cutoff,
    )


# For other apps -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HurdleSummary:
    title: str
    how_we_help: str


@dataclass(frozen=True)
class InitiativeSummary:
    id: int
    title: str
    details: str
    source: str
    as_of: date | None
    stale: bool
    hurdles: tuple[HurdleSummary, ...]


@dataclass(frozen=True)
class ProfileSummary:
    """What other pages (e.g. the account plan) show of the profile; plain values, no queries."""

    legal_name: str
    legal_form: str
    industry: str
    turnover: Decimal | None
    employees: int | None
    size_year: int | None
    strategy: str
    strategic_initiatives: tuple[InitiativeSummary, ...]
    # Quadrant value ("strength", …) → item texts in their order.
    swot: dict[str, tuple[str, ...]]
    stale_facts: int


def profile_summary(account: KeyAccount) -> ProfileSummary:
    """The profile in brief: legal entity, size, strategy, strategic initiatives with their hurdles,
    the SWOT lists and the number of stale facts. ``account`` must come from the access helper."""
    page = profile_page(account)
    profile = page.profile
    return ProfileSummary(
        legal_name=page.legal_name,
        legal_form=page.legal_form,
        industry=page.industry,
        turnover=profile.turnover,
        employees=profile.employees,
        size_year=profile.size_year,
        strategy=profile.strategy,
        strategic_initiatives=tuple(
            InitiativeSummary(
                id=fact.pk,
                title=fact.title,
                details=fact.details,
                source=fact.source,
                as_of=fact.as_of,
                stale=fact.stale,
                hurdles=tuple(HurdleSummary(h.title, h.how_we_help) for h in fact.hurdle_list),
            )
            for fact in page.initiatives
        ),
        swot={str(group.kind): tuple(item.text for item in group.entries) for group in page.swot},
        stale_facts=page.stale_count,
    )

"""The built-in templates of common tasks of a key account team, and who they suggest for what.

Each template task names, per letter, the internal roles (``InternalRole`` of the team
membership) that usually take it. ``LEAD`` stands for the account's key account manager (the
owner of the account, who is not a team membership); the KAM also counts as the global key
account manager while nobody on the team has that role. ``suggest`` turns a template task into
letters for a concrete team: the Accountable is the first colleague whose role comes first in
the template's list, everybody else gets the first letter whose roles include theirs. Where the
team has nobody for the Accountable or the Responsible, the KAM takes the missing letter (a cell
holds one letter, so when the KAM is Accountable already, the first core-team colleague becomes
Responsible) and a note says what to adapt. This module knows no models: the selectors and
services hand it the team.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openkam.accounts.choices import InternalRole

from .choices import LETTER_ORDER, Letter

#: The account's key account manager, in the role lists of the templates.
LEAD = "lead"

GKAM = InternalRole.GKAM.value
NKAM = InternalRole.NKAM.value
INSIDE = InternalRole.INSIDE_SALES.value
ENGINEERING = InternalRole.ENGINEERING.value
SERVICE = InternalRole.SERVICE.value
LOGISTICS = InternalRole.LOGISTICS.value
COUNTRY = InternalRole.COUNTRY_SALES.value
SPONSOR = InternalRole.MANAGEMENT_SPONSOR.value
OTHER = InternalRole.OTHER.value


@dataclass(frozen=True)
class TemplateTask:
    """A common task of a key account team with the roles that usually hold each letter.

    The role tuples are ordered: for the Accountable the first role someone on the team has
    wins; for the other letters the order does not matter (everybody with a matching role gets
    the letter).
    """

    key: str
    title: Promise
    description: Promise
    accountable: tuple[str, ...]
    responsible: tuple[str, ...]
    supporting: tuple[str, ...] = ()
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()

    def roles_for(self, letter: str) -> tuple[str, ...]:
        return {
            Letter.ACCOUNTABLE: self.accountable,
            Letter.RESPONSIBLE: self.responsible,
            Letter.SUPPORTING: self.supporting,
            Letter.CONSULTED: self.consulted,
            Letter.INFORMED: self.informed,
        }[letter]


TEMPLATES: tuple[TemplateTask, ...] = (
    TemplateTask(
        key="framework_contract",
        title=gettext_lazy("Global framework contract"),
        description=gettext_lazy(
            "Negotiate, sign and keep up the group-wide framework contract: prices, terms of payment "
            "and delivery, service levels and the term of the contract."
        ),
        accountable=(GKAM, LEAD),
        responsible=(LEAD, NKAM, INSIDE),
        supporting=(COUNTRY, LOGISTICS),
        consulted=(ENGINEERING, SERVICE),
        informed=(SPONSOR, OTHER),
    ),
    TemplateTask(
        key="relationship_management",
        title=gettext_lazy("Global relationship management"),
        description=gettext_lazy(
            "Plan and keep up the relationships with the customer's decision makers at every level and "
            "site: the relationship plan, top-to-top meetings, who of us looks after whom."
        ),
        accountable=(GKAM, LEAD),
        responsible=(LEAD, NKAM, COUNTRY),
        supporting=(SPONSOR, INSIDE),
        consulted=(ENGINEERING, SERVICE),
        informed=(LOGISTICS, OTHER),
    ),
    TemplateTask(
        key="national_offers",
        title=gettext_lazy("National offers based on the framework contract"),
        description=gettext_lazy(
            "Quote to the customer's national companies and sites on the terms of the framework contract; "
            "agree deviations from it with the Accountable before the offer goes out."
        ),
        accountable=(NKAM, LEAD),
        responsible=(INSIDE, COUNTRY),
        supporting=(ENGINEERING,),
        consulted=(LOGISTICS, SERVICE),
        informed=(GKAM, LEAD, SPONSOR, OTHER),
    ),
    TemplateTask(
        key="annual_review",
        title=gettext_lazy("Annual review"),
        description=gettext_lazy(
            "Prepare and hold the annual account review with the customer: results of the year, the "
            "customer's feedback, goals and agreed actions for the coming year."
        ),
        accountable=(LEAD,),
        responsible=(GKAM, NKAM, INSIDE),
        supporting=(SPONSOR, ENGINEERING, SERVICE),
        consulted=(COUNTRY, LOGISTICS),
        informed=(OTHER,),
    ),
    TemplateTask(
        key="escalations",
        title=gettext_lazy("Escalations"),
        description=gettext_lazy(
            "Take up complaints that the usual channels did not solve (deliveries, quality, invoices), "
            "coordinate the solution inside our company and report back to the customer."
        ),
        accountable=(LEAD,),
        responsible=(SERVICE, LOGISTICS, INSIDE),
        supporting=(ENGINEERING, NKAM, COUNTRY),
        consulted=(GKAM,),
        informed=(SPONSOR, OTHER),
    ),
    TemplateTask(
        key="account_plan",
        title=gettext_lazy("Account plan update"),
        description=gettext_lazy(
            "Review and update the account plan once per planning cycle: analysis, goals, strategy and "
            "actions, with the input of the whole team."
        ),
        accountable=(LEAD,),
        responsible=(GKAM, NKAM, INSIDE),
        supporting=(ENGINEERING, COUNTRY, SERVICE),
        consulted=(LOGISTICS,),
        informed=(SPONSOR, OTHER),
    ),
    TemplateTask(
        key="pricing_renewal",
        title=gettext_lazy("Pricing and contract renewal"),
        description=gettext_lazy(
            "Prepare the yearly price negotiation and the renewal of expiring contracts: cost development, "
            "price scenarios and the negotiation mandate."
        ),
        accountable=(GKAM, LEAD),
        responsible=(LEAD, NKAM, INSIDE),
        supporting=(COUNTRY,),
        consulted=(ENGINEERING, LOGISTICS, SPONSOR),
        informed=(SERVICE, OTHER),
    ),
    TemplateTask(
        key="technical_solutions",
        title=gettext_lazy("Technical solution proposals"),
        description=gettext_lazy(
            "Work out solutions with the customer's engineering: application analysis, designs, samples "
            "and trials, up to the technical part of the offer."
        ),
        accountable=(LEAD,),
        responsible=(ENGINEERING,),
        supporting=(SERVICE, INSIDE),
        consulted=(NKAM, GKAM, COUNTRY),
        informed=(SPONSOR, LOGISTICS, OTHER),
    ),
)

TEMPLATES_BY_KEY = {template.key: template for template in TEMPLATES}
TEMPLATE_CHOICES = [(template.key, template.title) for template in TEMPLATES]


def role_label(role: str) -> str:
    """A role of the template lists, as people call it."""
    if role == LEAD:
        return _("Key account manager of the account")
    return str(InternalRole(role).label)


def roles_text(roles: Sequence[str]) -> str:
    """``roles`` as one readable list ("Inside sales, Engineering")."""
    return ", ".join(role_label(role) for role in roles)


def suggested_roles(template: TemplateTask) -> list[tuple[str, str]]:
    """(letter, readable roles) of a template in the order of the legend, letters without roles left out."""
    return [
        (letter, roles_text(template.roles_for(letter)))
        for letter in LETTER_ORDER
        if template.roles_for(letter)
    ]


@dataclass(frozen=True)
class Colleague:
    """A person of the team as the templates see them: ``roles`` are internal roles (and ``LEAD``)."""

    user: object
    roles: frozenset[str]
    core: bool
    is_kam: bool = False

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


@dataclass
class Suggestion:
    """The letters a template suggests for a team (``possible`` False: no valid row exists)."""

    template: TemplateTask
    letters: dict = field(default_factory=dict)  # Colleague -> letter
    notes: list[str] = field(default_factory=list)
    possible: bool = True

    def by_user(self) -> dict:
        return {colleague.user: letter for colleague, letter in self.letters.items()}


def colleagues_for(owner, memberships: Sequence) -> list[Colleague]:
    """The account's KAM and team members (``TeamMembership`` rows) in the order of the matrix
    columns: the KAM, then the core team, then the extended team, each in the given order."""
    has_gkam = any(m.internal_role == GKAM for m in memberships if m.user_id != owner.pk)
    kam = Colleague(owner, frozenset({LEAD} | (set() if has_gkam else {GKAM})), core=True, is_kam=True)
    members = [
        Colleague(m.user, frozenset({m.internal_role}), core=m.scope == "core")
        for m in memberships
        if m.user_id != owner.pk
    ]
    members.sort(key=lambda c: not c.core)  # stable: keeps the given order inside each scope
    return [kam, *members]


def suggest(template: TemplateTask, colleagues: Sequence[Colleague]) -> Suggestion:
    """The letters ``template`` suggests for ``colleagues`` (see ``colleagues_for``), with notes
    where the team lacks a role the rules need. The result always meets the rules (exactly one
    Accountable, at least one Responsible, one letter per person) unless ``possible`` is False
    (the KAM alone cannot be Accountable and Responsible)."""
    result = Suggestion(template)
    kam = next(c for c in colleagues if c.is_kam)
    task = str(template.title)

    accountable = next(
        (c for role in template.accountable for c in colleagues if role in c.roles),
        None,
    )
    if accountable is None:
        accountable = kam
        result.notes.append(
            _(
                "“%(task)s”: nobody on the team has the role the template makes Accountable (%(roles)s). "
                "%(person)s is Accountable for now; adapt the row if someone else should be."
            )
            % {"task": task, "roles": roles_text(template.accountable), "person": kam.name}
        )
    result.letters[accountable] = Letter.ACCOUNTABLE
    for colleague in colleagues:
        if colleague is accountable:
            continue
        for letter in (Letter.RESPONSIBLE, Letter.SUPPORTING, Letter.CONSULTED, Letter.INFORMED):
            if colleague.roles & set(template.roles_for(letter)):
                result.letters[colleague] = letter
                break

    if Letter.RESPONSIBLE not in result.letters.values():
        if accountable is not kam:
            responsible = kam
        else:
            others = [c for c in colleagues if c is not kam]
            responsible = next((c for c in others if c.core), others[0] if others else None)
        if responsible is None:
            result.letters = {}
            result.possible = False
            result.notes.append(
                _(
                    "“%(task)s” was not added: a task needs an Accountable and a different Responsible, and "
                    "the team has nobody besides %(person)s. Add colleagues to the team first."
                )
                % {"task": task, "person": kam.name}
            )
            return result
        result.letters[responsible] = Letter.RESPONSIBLE
        result.notes.append(
            _(
                "“%(task)s”: nobody on the team has a role the template makes Responsible (%(roles)s). "
                "%(person)s is Responsible for now; adapt the row if someone else should be."
            )
            % {"task": task, "roles": roles_text(template.responsible), "person": responsible.name}
        )
    return result

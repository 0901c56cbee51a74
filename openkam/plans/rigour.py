"""How much rigour each step of the planning process needs, per plan type.

The five steps are the same for every account; what a step must contain before it can be marked
done depends on the plan type. A developed ("existing") account gets the full plan: every element
of the development strategy, a core team, most growth-plan questions answered, several actions
and a completed annual review. An emerging account gets a lighter version of the same steps.

The rules are data (``RULES``) evaluated against ``PlanFacts`` — counts gathered once per page by
``selectors.plan_facts`` — so the check costs no queries of its own and reads like the table in
docs/plans.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .choices import Element, PlanType, Step

CORE_ELEMENTS = (Element.FINANCIAL_KPIS, Element.POSITIONING, Element.TOPIC_MAP)


@dataclass
class PlanFacts:
    """What the rules look at, gathered once for a plan."""

    vision: bool = False
    strategy: bool = False
    core_team: int = 0
    filled_elements: set[str] = field(default_factory=set)
    topics: int = 0
    growth_percent: int | None = None  # None: the growth-plan questions gave no figures
    goals: int = 0
    goals_without_value: int = 0
    actions: int = 0  # not cancelled
    actions_done: int = 0
    actions_overdue: int = 0
    completed_reviews: int = 0


@dataclass(frozen=True)
class Rule:
    """One required item of a step: ``kind`` picks the check, ``amount`` its threshold."""

    kind: str
    amount: int = 1
    elements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    key: str
    label: str
    met: bool
    detail: str = ""


RULES: dict[str, dict[str, tuple[Rule, ...]]] = {
    PlanType.EXISTING: {
        Step.STRATEGY: (Rule("vision"), Rule("strategy")),
        Step.RESEARCH: (
            Rule("core_team"),
            Rule("elements", elements=tuple(Element.values)),
            Rule("topics", 3),
            Rule("growth", 80),
        ),
        Step.ACTION_PLAN: (Rule("goals"), Rule("actions", 3)),
        Step.EXECUTION: (Rule("actions_done"), Rule("no_overdue")),
        Step.REVIEW: (Rule("goal_values"), Rule("review")),
    },
    PlanType.EMERGING: {
        Step.STRATEGY: (Rule("vision"),),
        Step.RESEARCH: (Rule("elements", elements=tuple(CORE_ELEMENTS)), Rule("growth", 50)),
        Step.ACTION_PLAN: (Rule("goals"), Rule("actions")),
        Step.EXECUTION: (Rule("actions_done"),),
        Step.REVIEW: (Rule("goal_values"),),
    },
}


def _element_names(elements: tuple[str, ...]) -> str:
    labels = dict(Element.choices)
    return ", ".join(str(labels[e]) for e in elements)


def _check(rule: Rule, facts: PlanFacts) -> Result:
    kind, n = rule.kind, rule.amount
    if kind == "vision":
        return Result(kind, str(_("Vision for the account written")), facts.vision)
    if kind == "strategy":
        return Result(kind, str(_("Strategy for the account written")), facts.strategy)
    if kind == "core_team":
        return Result(kind, str(_("Core team formed (at least one core-team member)")), facts.core_team >= 1)
    if kind == "elements":
        missing = tuple(e for e in rule.elements if e not in facts.filled_elements)
        if len(rule.elements) == len(Element.values):
            label = _("All seven elements of the development strategy described")
        else:
            label = _("Core elements of the development strategy described: %(elements)s") % {
                "elements": _element_names(rule.elements)
            }
        detail = str(_("Missing: %(elements)s") % {"elements": _element_names(missing)}) if missing else ""
        return Result(f"elements_{len(rule.elements)}", str(label), not missing, detail)
    if kind == "topics":
        label = ngettext(
            "Topic map with at least %(count)d topic",
            "Topic map with at least %(count)d topics",
            n,
        ) % {"count": n}
        return Result(kind, label, facts.topics >= n, str(_("%(count)d so far") % {"count": facts.topics}))
    if kind == "growth":
        label = str(_("Growth-plan questions at least %(percent)d %% answered") % {"percent": n})
        if facts.growth_percent is None:
            return Result(kind, label, False, str(_("no data")))
        detail = str(_("%(percent)d %% so far") % {"percent": facts.growth_percent})
        return Result(kind, label, facts.growth_percent >= n, detail)
    if kind == "goals":
        label = ngettext(
            "At least %(count)d goal with a measurable target",
            "At least %(count)d goals with a measurable target",
            n,
        ) % {"count": n}
        return Result(kind, label, facts.goals >= n, str(_("%(count)d so far") % {"count": facts.goals}))
    if kind == "actions":
        label = ngettext(
            "At least %(count)d action with owner and due date",
            "At least %(count)d actions with owner and due date",
            n,
        ) % {"count": n}
        return Result(kind, label, facts.actions >= n, str(_("%(count)d so far") % {"count": facts.actions}))
    if kind == "actions_done":
        label = ngettext("At least %(count)d action done", "At least %(count)d actions done", n) % {
            "count": n
        }
        return Result(
            kind, label, facts.actions_done >= n, str(_("%(count)d so far") % {"count": facts.actions_done})
        )
    if kind == "no_overdue":
        detail = (
            str(_("%(count)d overdue") % {"count": facts.actions_overdue}) if facts.actions_overdue else ""
        )
        return Result(kind, str(_("No overdue actions")), facts.actions_overdue == 0, detail)
    if kind == "goal_values":
        detail = (
            str(_("%(count)d without a current value") % {"count": facts.goals_without_value})
            if facts.goals_without_value
            else ""
        )
        met = facts.goals >= 1 and facts.goals_without_value == 0
        return Result(kind, str(_("Current value recorded for every goal")), met, detail)
    if kind == "review":
        return Result(kind, str(_("Annual review with the customer completed")), facts.completed_reviews >= 1)
    raise ValueError(f"Unknown rule kind {kind!r}")


def requirements(plan_type: str, step: str, facts: PlanFacts) -> list[Result]:
    """Every required item of ``step`` for a plan of ``plan_type``, met or not."""
    return [_check(rule, facts) for rule in RULES[plan_type][step]]


def missing(plan_type: str, step: str, facts: PlanFacts) -> list[Result]:
    """The required items of ``step`` that are not met yet (empty: the step may be marked done)."""
    return [r for r in requirements(plan_type, step, facts) if not r.met]

"""Frozen plan versions: the JSON snapshot of a plan and the comparison of two snapshots.

A snapshot stores values, not references: names of people, display-independent choice keys and
decimals as strings, so a version reads the same after people leave or choices are relabelled.
Comparisons match rows by their natural key (step, element, topic name, goal title, action
title), which works across planning cycles: a goal carried over into the next cycle is the same
goal in the comparison.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .choices import ActionSource, ActionStatus, Element, PlanType, Relevance, Step, StepState, TopicStatus
from .models import Plan, goal_reached

SNAPSHOT_FORMAT = 1


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _user(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """Everything a version freezes of ``plan`` (goals with their values and whether reached)."""
    from .selectors import growth_snapshot, ordered_elements, ordered_steps

    goals = list(plan.goals.order_by("target_date", "pk"))
    return {
        "format": SNAPSHOT_FORMAT,
        "plan": {
            "fiscal_year": plan.fiscal_year,
            "plan_type": plan.plan_type,
            "vision": plan.vision,
            "strategy": plan.strategy,
        },
        "steps": [{"step": s.step, "state": s.state, "notes": s.notes} for s in ordered_steps(plan)],
        "elements": [{"element": e.element, "text": e.text} for e in ordered_elements(plan)],
        "topics": [
            {
                "topic": t.topic,
                "relevance": t.relevance,
                "offering": t.offering,
                "status": t.status,
                "notes": t.notes,
            }
            for t in plan.topics.order_by("pk")
        ],
        "goals": [
            {
                "title": g.title,
                "kpi": g.kpi,
                "unit": g.unit,
                "baseline": _dec(g.baseline),
                "target_value": _dec(g.target_value),
                "target_date": g.target_date.isoformat(),
                "current_value": _dec(g.current_value),
                "reached": g.reached,
            }
            for g in goals
        ],
        "actions": [
            {
                "title": a.title,
                "owner": _user(a.owner),
                "due_date": a.due_date.isoformat(),
                "status": a.status,
                "source": a.source,
                "notes": a.notes,
            }
            for a in plan.actions.select_related("owner").order_by("due_date", "pk")
        ],
        "growth": growth_snapshot(plan),
    }


# Comparison -------------------------------------------------------------------------------------

CHOICES = {
    "plan_type": PlanType,
    "state": StepState,
    "relevance": Relevance,
    "status": None,  # depends on the section (topic or action)
    "source": ActionSource,
}
SECTION_STATUS = {"topics": TopicStatus, "actions": ActionStatus}
LABELS = {
    "fiscal_year": _("fiscal year"),
    "plan_type": _("plan type"),
    "vision": _("vision"),
    "strategy": _("strategy"),
    "state": _("state"),
    "notes": _("notes"),
    "text": _("text"),
    "relevance": _("relevance to the customer"),
    "offering": _("our offering"),
    "status": _("status"),
    "kpi": _("KPI"),
    "unit": _("unit"),
    "baseline": _("baseline"),
    "target_value": _("target value"),
    "target_date": _("target date"),
    "current_value": _("current value"),
    "reached": _("reached"),
    "owner": _("owner"),
    "due_date": _("due date"),
    "source": _("source"),
}
SECTIONS = {
    "plan": _("Vision and strategy"),
    "steps": _("Process steps"),
    "elements": _("Development strategy"),
    "topics": _("Topic map"),
    "goals": _("Goals"),
    "actions": pgettext_lazy("plan actions", "Actions"),
    "growth": _("Growth-plan questions"),
}
KEYS = {"steps": "step", "elements": "element", "topics": "topic", "goals": "title", "actions": "title"}
NAMES = {"steps": Step, "elements": Element}


@dataclass
class Change:
    """One row of the comparison: ``kind`` is added, removed or changed."""

    kind: str
    name: str
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)


@dataclass
class SectionDiff:
    key: str
    label: str
    changes: list[Change]


@dataclass
class GoalOutcome:
    title: str
    kpi: str
    unit: str
    target_value: Any
    value_a: Any
    value_b: Any
    reached_a: bool
    reached_b: bool

    @property
    def newly_reached(self) -> bool:
        return self.reached_b and not self.reached_a


@dataclass
class Comparison:
    sections: list[SectionDiff]
    goals: list[GoalOutcome]

    @property
    def unchanged(self) -> bool:
        return not any(s.changes for s in self.sections)


AMOUNTS = {"baseline", "target_value", "current_value"}
DATES = {"target_date", "due_date"}


def _shown(section: str, name: str, value: Any) -> Any:
    """A stored value as the comparison shows it: choice labels, yes/no, numbers and dates in the
    active language."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in AMOUNTS and (number := _decimal(value)) is not None:
        places = 0 if number == number.to_integral_value() else 2
        return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    if name in DATES and isinstance(value, str):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    choices = SECTION_STATUS.get(section) if name == "status" else CHOICES.get(name)
    if choices is not None and value in choices.values:
        return choices(value).label
    return value


def _keyed(section: str, rows: list[dict]) -> dict[str, dict]:
    """Rows by natural key; a repeated key gets a counter so that no row is lost."""
    result: dict[str, dict] = {}
    key = KEYS[section]
    for row in rows or []:
        name = str(row.get(key, ""))
        unique, n = name, 2
        while unique in result:
            unique, n = f"{name} ({n})", n + 1
        result[unique] = row
    return result


def _row_name(section: str, name: str) -> str:
    choices = NAMES.get(section)
    if choices is not None and name in choices.values:
        return str(choices(name).label)
    return name


def _diff_fields(
    section: str, old: dict, new: dict, skip: tuple[str, ...] = ()
) -> list[tuple[str, Any, Any]]:
    rows = []
    for name in [*old, *(k for k in new if k not in old)]:
        if name in skip or old.get(name) == new.get(name):
            continue
        if not old and new.get(name) in (None, ""):  # an added row: only what it holds
            continue
        label = LABELS.get(name, name)
        rows.append((str(label), _shown(section, name, old.get(name)), _shown(section, name, new.get(name))))
    return rows


def _diff_rows(section: str, old_rows: list[dict], new_rows: list[dict]) -> list[Change]:
    old, new = _keyed(section, old_rows), _keyed(section, new_rows)
    skip = (KEYS[section],)
    changes = []
    for name, row in new.items():
        if name not in old:
            changes.append(Change("added", _row_name(section, name), _diff_fields(section, {}, row, skip)))
        else:
            fields = _diff_fields(section, old[name], row, skip)
            if fields:
                changes.append(Change("changed", _row_name(section, name), fields))
    for name in old:
        if name not in new:
            changes.append(Change("removed", _row_name(section, name)))
    return changes


def _growth_status(value: Any) -> Any:
    try:
        from openkam.growth.choices import AnswerStatus
    except ImportError:
        return value
    return AnswerStatus(value).label if value in AnswerStatus.values else value


def _diff_growth(old: Any, new: Any) -> list[Change]:
    """Changed answers of the growth-plan questions, question by question (the shape of
    ``openkam.growth.selectors.plan_snapshot``); anything else is compared as a whole."""
    if old == new:
        return []
    old_q = (old or {}).get("questions") if isinstance(old or {}, dict) else None
    new_q = (new or {}).get("questions") if isinstance(new or {}, dict) else None
    if isinstance(old_q or [], list) and isinstance(new_q or [], list) and (old_q or new_q):
        german = (get_language() or "de").startswith("de")
        before = {q.get("key"): q for q in old_q or []}
        changes = []
        for question in new_q or []:
            earlier = before.get(question.get("key"), {})
            fields = []
            status_a, status_b = earlier.get("status") or "open", question.get("status") or "open"
            if status_a != status_b:
                fields.append((str(_("status")), _growth_status(status_a), _growth_status(status_b)))
            answer_a, answer_b = earlier.get("answer") or "", question.get("answer") or ""
            if answer_a != answer_b:
                fields.append((str(_("answer")), answer_a or "–", answer_b or "–"))
            if fields:
                text = question.get("text_de" if german else "text_en") or question.get("key", "")
                changes.append(Change("changed", str(text), fields))
        return changes
    return [Change("changed", str(SECTIONS["growth"]), [(str(_("answers")), _text(old), _text(new))])]


def _text(value: Any) -> Any:
    if value is None or value == "":
        return "–"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(str(_text(v)) for v in value)
    return value


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(value)
    except (InvalidOperation, TypeError):
        return None


def compare_snapshots(a: dict, b: dict) -> Comparison:
    """What changed from snapshot ``a`` to snapshot ``b``, per section, and how the goals of ``b``
    stand against ``a`` (reached, newly reached)."""
    sections = [
        SectionDiff(
            "plan",
            str(SECTIONS["plan"]),
            [
                Change(
                    "changed",
                    str(LABELS[name]),
                    [(str(LABELS[name]), _shown("plan", name, old), _shown("plan", name, new))],
                )
                for name in ("fiscal_year", "plan_type", "vision", "strategy")
                if (old := a.get("plan", {}).get(name)) != (new := b.get("plan", {}).get(name))
            ],
        )
    ]
    for section in ("steps", "elements", "topics", "goals", "actions"):
        sections.append(
            SectionDiff(section, str(SECTIONS[section]), _diff_rows(section, a.get(section), b.get(section)))
        )
    sections.append(
        SectionDiff("growth", str(SECTIONS["growth"]), _diff_growth(a.get("growth"), b.get("growth")))
    )

    old_goals = _keyed("goals", a.get("goals"))
    goals = []
    for name, row in _keyed("goals", b.get("goals")).items():
        before = old_goals.get(name, {})
        reached_b = goal_reached(
            _decimal(row.get("baseline")),
            _decimal(row.get("target_value")),
            _decimal(row.get("current_value")),
        )
        reached_a = bool(before) and goal_reached(
            _decimal(before.get("baseline")),
            _decimal(before.get("target_value")),
            _decimal(before.get("current_value")),
        )
        goals.append(
            GoalOutcome(
                title=name,
                kpi=row.get("kpi", ""),
                unit=row.get("unit", ""),
                target_value=_decimal(row.get("target_value")),
                value_a=_decimal(before.get("current_value")),
                value_b=_decimal(row.get("current_value")),
                reached_a=reached_a,
                reached_b=reached_b,
            )
        )
    return Comparison(sections=sections, goals=goals)

"""Reads of the growth-plan questions: the bank by category, a plan's answers, completeness,
concerns about the KAM fit, and the snapshot frozen plan versions keep.

Completeness (``plan_completeness``) counts the *active* questions of the bank per category:

- ``answered``, ``not_applicable`` and ``research`` count the plan's answers in that status,
  ``open`` the rest (untouched questions and answers set back to open);
- ``percent`` is the share of the *applicable* questions (``total - not_applicable``) that are
  answered, rounded down, so 100 means every applicable question has an answer. A question turned
  into a research action is not answered yet. A category in which nothing applies (or which has
  no active question) is complete: 100.

Answers to questions an administrator deactivated later stay stored and readable (the page and
the snapshot show them) but no longer count towards completeness.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount
from openkam.plans.models import Plan

from .choices import CATEGORY_ORDER, AnswerStatus, Category
from .models import Answer, Question

SNAPSHOT_SCHEMA = 1


@dataclass(frozen=True)
class CategoryCompleteness:
    """How far one category of questions is dealt with in one plan (see the module docstring)."""

    category: str
    label: str
    total: int
    answered: int
    not_applicable: int
    research: int
    open: int
    percent: int

    @property
    def applicable(self) -> int:
        return self.total - self.not_applicable

    @property
    def done(self) -> bool:
        return self.answered == self.applicable


def _completeness(category: str, label, counts: Counter) -> CategoryCompleteness:
    total = counts["total"]
    answered = counts[AnswerStatus.ANSWERED]
    not_applicable = counts[AnswerStatus.NOT_APPLICABLE]
    research = counts[AnswerStatus.RESEARCH]
    applicable = total - not_applicable
    return CategoryCompleteness(
        category=category,
        label=str(label),
        total=total,
        answered=answered,
        not_applicable=not_applicable,
        research=research,
        open=total - answered - not_applicable - research,
        percent=100 if applicable <= 0 else answered * 100 // applicable,
    )


def _per_category(
    totals: dict[str, int], statuses: Iterable[tuple[str, str, int]]
) -> list[CategoryCompleteness]:
    counts = {category: Counter(total=totals.get(category, 0)) for category in Category.values}
    for category, status, number in statuses:
        if category in counts and status != AnswerStatus.OPEN:
            counts[category][status] += number
    return [_completeness(value, label, counts[value]) for value, label in Category.choices]


def plan_completeness(plan: Plan) -> list[CategoryCompleteness]:
    """One row per category, in the bank's order, for the active questions (two queries)."""
    totals = dict(
        Question.objects.filter(is_active=True)
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
        .order_by()
    )
    statuses = (
        Answer.objects.filter(plan=plan, question__is_active=True)
        .values_list("question__category", "status")
        .annotate(n=Count("pk"))
        .values_list("question__category", "status", "n")
        .order_by()
    )
    return _per_category(totals, statuses)


def completeness_total(rows: Iterable[CategoryCompleteness]) -> CategoryCompleteness:
    """All categories together, computed the same way as a single category."""
    counts: Counter = Counter()
    for row in rows:
        counts["total"] += row.total
        counts[AnswerStatus.ANSWERED] += row.answered
        counts[AnswerStatus.NOT_APPLICABLE] += row.not_applicable
        counts[AnswerStatus.RESEARCH] += row.research
    return _completeness("", _("All questions"), counts)


def fit_concerns(plan: Plan) -> int:
    """How many answers of the plan speak against treating the customer as a key account."""
    return Answer.objects.filter(plan=plan, status=AnswerStatus.ANSWERED, against_fit=True).count()


# The answers page ------------------------------------------------------------------------------


@dataclass
class QuestionRow:
    """A question of the bank with the plan's answer to it (``None`` while nobody answered)."""

    question: Question
    answer: Answer | None

    @property
    def status(self) -> str:
        return self.answer.status if self.answer else AnswerStatus.OPEN

    @property
    def version(self) -> int:
        """The answer's version for optimistic locking; 0 while there is no answer yet."""
        return self.answer.version if self.answer else 0


@dataclass
class CategoryBlock:
    category: str
    label: str
    rows: list[QuestionRow]
    completeness: CategoryCompleteness
    retired: list[QuestionRow] = field(default_factory=list)


@dataclass
class PlanAnswers:
    blocks: list[CategoryBlock]
    total: CategoryCompleteness
    fit_concerns: int

    @property
    def completeness(self) -> list[CategoryCompleteness]:
        return [block.completeness for block in self.blocks]


def _answers_of(plan: Plan) -> dict[int, Answer]:
    answers = Answer.objects.filter(plan=plan).select_related(
        "action", "action__owner", "updated_by", "question"
    )
    return {answer.question_id: answer for answer in answers}


def plan_answers(plan: Plan) -> PlanAnswers:
    """Everything the answers page shows, in two queries: the active questions by category with
    the plan's answers, answered questions that were deactivated since, completeness and the
    number of fit concerns."""
    answers = _answers_of(plan)
    active = list(Question.objects.filter(is_active=True))
    active.sort(key=lambda q: (CATEGORY_ORDER.get(q.category, 99), q.position, q.pk))
    retired = sorted(
        (a.question for a in answers.values() if not a.question.is_active and a.status != AnswerStatus.OPEN),
        key=lambda q: (CATEGORY_ORDER.get(q.category, 99), q.position, q.pk),
    )
    totals = Counter(q.category for q in active)
    statuses = [(q.category, answers[q.pk].status, 1) for q in active if q.pk in answers]
    completeness = {row.category: row for row in _per_category(totals, statuses)}
    blocks = []
    for value, label in Category.choices:
        blocks.append(
            CategoryBlock(
                category=value,
                label=str(label),
                rows=[QuestionRow(q, answers.get(q.pk)) for q in active if q.category == value],
                completeness=completeness[value],
                retired=[QuestionRow(q, answers[q.pk]) for q in retired if q.category == value],
            )
        )
    concerns = sum(1 for a in answers.values() if a.status == AnswerStatus.ANSWERED and a.against_fit)
    return PlanAnswers(blocks=blocks, total=completeness_total(completeness.values()), fit_concerns=concerns)


def answer_row(plan: Plan, question: Question) -> QuestionRow:
    answer = (
        Answer.objects.filter(plan=plan, question=question).select_related("action", "action__owner").first()
    )
    return QuestionRow(question, answer)


def answer_owner_choices(account: KeyAccount):
    """Who may own a research action: the account's owner and its team (the rule of
    ``plans.services.action_create``), active people only, by name."""
    from openkam.users.models import User

    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk=account.owner_id) | Q(team_memberships__account=account))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# The question bank -----------------------------------------------------------------------------


@dataclass
class BankCategory:
    category: str
    label: str
    questions: list[Question]

    @property
    def active(self) -> int:
        return sum(1 for q in self.questions if q.is_active)


def bank_by_category() -> list[BankCategory]:
    """Every question of the bank (active or not) by category and position, each annotated with
    ``answer_count``: how many plans dealt with it (answered, not applicable or research)."""
    questions = list(
        Question.objects.annotate(answer_count=Count("answers", filter=~Q(answers__status=AnswerStatus.OPEN)))
    )
    questions.sort(key=lambda q: (q.position, q.pk))
    return [
        BankCategory(value, str(label), [q for q in questions if q.category == value])
        for value, label in Category.choices
    ]


def questions_for_api(*, include_inactive: bool = False, category: str | None = None) -> QuerySet[Question]:
    questions = Question.objects.all()
    if not include_inactive:
        questions = questions.filter(is_active=True)
    if category:
        questions = questions.filter(category=category)
    return questions


def sorted_questions(questions: Iterable[Question]) -> list[Question]:
    return sorted(questions, key=lambda q: (CATEGORY_ORDER.get(q.category, 99), q.position, q.pk))


# Frozen plan versions --------------------------------------------------------------------------


def _action_snapshot(answer: Answer) -> dict | None:
    action = answer.action
    if action is None:
        return None
    return {
        "id": action.pk,
        "title": action.title,
        "owner": action.owner.get_full_name() or action.owner.get_username(),
        "owner_id": action.owner_id,
        "due_date": action.due_date.isoformat(),
        "status": action.status,
    }


def plan_snapshot(plan: Plan) -> dict:
    """The plan's growth-plan answers as plain JSON data, for a frozen plan version.

    Holds every active question (open ones included) and every deactivated question the plan
    dealt with, each with both texts, so the version stays readable after the bank changes::

        {"schema": 1, "fit_concerns": 1,
         "completeness": [{"category": "team", "total": 7, "answered": 3, ..., "percent": 42}, ...],
         "questions": [{"key": "team-core-team", "category": "team", "text_en": ..., "text_de": ...,
                        "active": true, "status": "answered", "answer": "...",
                        "not_applicable_reason": "", "against_fit": false, "action": null,
                        "updated_at": "2026-03-02T10:15:00+00:00", "updated_by": "Katrin Amann"}, ...]}
    """
    data = plan_answers(plan)
    questions = []
    for block in data.blocks:
        for row in [*block.rows, *block.retired]:
            answer = row.answer
            questions.append(
                {
                    "key": row.question.key,
                    "category": row.question.category,
                    "text_en": row.question.text_en,
                    "text_de": row.question.text_de,
                    "active": row.question.is_active,
                    "status": str(row.status),
                    "answer": answer.text if answer else "",
                    "not_applicable_reason": answer.not_applicable_reason if answer else "",
                    "against_fit": bool(answer and answer.against_fit),
                    "action": _action_snapshot(answer) if answer else None,
                    "updated_at": answer.updated_at.isoformat() if answer else None,
                    "updated_by": (
                        (answer.updated_by.get_full_name() or answer.updated_by.get_username())
                        if answer and answer.updated_by
                        else None
                    ),
                }
            )
    completeness = []
    for row in data.completeness:
        values = asdict(row)
        values.pop("label")
        completeness.append(values)
    return {
        "schema": SNAPSHOT_SCHEMA,
        "fit_concerns": data.fit_concerns,
        "completeness": completeness,
        "questions": questions,
    }

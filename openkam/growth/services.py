"""Writes of the growth-plan questions: the question bank (administrators) and the answers of an
account plan (owner and core team). Every write checks the right again, validates, uses
optimistic locking where an editor works from a loaded state, and leaves an audit entry; answer
changes appear on the account timeline."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from openkam.core.locking import check_version, save_versioned
from openkam.core.services import apply_changes, audit_record
from openkam.plans.choices import OPEN_ACTION_STATUSES, ActionSource
from openkam.plans.models import Plan
from openkam.plans.services import action_create

from .choices import AnswerStatus, Direction
from .models import Answer, Question
from .permissions import can_answer, can_edit_bank

QUESTION_FIELDS = ("category", "text_en", "text_de", "help_en", "help_de")


# The question bank ------------------------------------------------------------------------------


def _check_admin(actor) -> None:
    # actor=None is the system (migrations, demo generator).
    if actor is not None and not can_edit_bank(actor):
        raise PermissionDenied


def _unique_key(text_en: str) -> str:
    base = slugify(text_en)[:60].strip("-") or "question"
    key, number = base, 2
    while Question.objects.filter(key=key).exists():
        key = f"{base}-{number}"
        number += 1
    return key


def _next_position(category: str) -> int:
    return (Question.objects.filter(category=category).aggregate(m=Max("position"))["m"] or 0) + 1


def _clean_texts(values: dict) -> dict:
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}


@transaction.atomic
def question_create(
    *,
    actor,
    category: str,
    text_en: str,
    text_de: str,
    help_en: str = "",
    help_de: str = "",
    key: str = "",
) -> Question:
    """Add a question at the end of its category. Without a ``key`` one is made from the English
    text. Raises ValidationError (e.g. a key in use, a missing language) and PermissionDenied for
    anyone but administrators."""
    _check_admin(actor)
    texts = _clean_texts({"text_en": text_en, "text_de": text_de, "help_en": help_en, "help_de": help_de})
    key = (key or "").strip() or _unique_key(texts["text_en"])
    question = Question(key=key, category=category, position=_next_position(category), **texts)
    question.full_clean()
    question.save()
    audit_record(
        actor=actor,
        action="growth.question.create",
        target=question,
        changes={"key": key, "category": category, **{k: v for k, v in texts.items() if v}},
    )
    return question


@transaction.atomic
def question_update(*, actor, question: Question, version: int | None, **values) -> Question:
    """Change the texts or the category of a question edited from ``version`` (EditConflict if
    someone saved it meanwhile). A new category puts the question at the end of that category.
    The key never changes."""
    _check_admin(actor)
    unknown = set(values) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown question fields: {sorted(unknown)}")
    question = Question.objects.select_for_update().get(pk=question.pk)
    values = _clean_texts(values)
    check_version(question, version, values)
    diff = apply_changes(question, values)
    if not diff:
        return question
    if "category" in diff:
        question.position = _next_position(question.category)
        diff["position"] = (None, question.position)
    question.full_clean()
    save_versioned(question, expected_version=version, update_fields=list(diff))
    audit_record(actor=actor, action="growth.question.update", target=question, changes=diff)
    return question


def _set_active(actor, question: Question, active: bool) -> Question:
    _check_admin(actor)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.is_active == active:
        return question
    question.is_active = active
    save_versioned(question, expected_version=None, update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="growth.question.reactivate" if active else "growth.question.deactivate",
        target=question,
        changes={"is_active": (not active, active)},
    )
    return question


@transaction.atomic
def question_deactivate(*, actor, question: Question) -> Question:
    """Take a question out of use. It is never deleted: plans that answered it keep the answer,
    which no longer counts towards completeness."""
    return _set_active(actor, question, False)


@transaction.atomic
def question_reactivate(*, actor, question: Question) -> Question:
    return _set_active(actor, question, True)


@transaction.atomic
def question_reorder(*, actor, question: Question, position: int) -> Question:
    """Move a question to ``position`` (1 = first) within its category, counting active and
    inactive questions; positions beyond the ends are clamped. Renumbers the category 1…n."""
    _check_admin(actor)
    siblings = list(
        Question.objects.select_for_update().filter(category=question.category).order_by("position", "pk")
    )
    current = next(q for q in siblings if q.pk == question.pk)
    old_index = siblings.index(current)
    new_index = max(0, min(len(siblings) - 1, int(position) - 1))
    if new_index == old_index:
        return current
    siblings.insert(new_index, siblings.pop(old_index))
    for index, sibling in enumerate(siblings, start=1):
        if sibling.position != index:
            sibling.position = index
            Question.objects.filter(pk=sibling.pk).update(position=index)
    audit_record(
        actor=actor,
        action="growth.question.reorder",
        target=current,
        changes={"position": (old_index + 1, new_index + 1)},
    )
    return current


def question_move(*, actor, question: Question, direction: str) -> Question:
    """One place up or down within the category (the buttons of the bank page)."""
    if direction not in Direction.values:
        raise ValidationError({"direction": _("Choose up or down.")})
    siblings = list(Question.objects.filter(category=question.category).order_by("position", "pk"))
    index = [q.pk for q in siblings].index(question.pk) + 1
    return question_reorder(
        actor=actor, question=question, position=index - 1 if direction == Direction.UP else index + 1
    )


# Answers ----------------------------------------------------------------------------------------


def _validate_answer(status: str, text: str, reason: str, against_fit: bool) -> None:
    errors: dict[str, list[str]] = {}
    if status not in AnswerStatus.values:
        errors["status"] = [_("Choose a valid status.")]
    if status == AnswerStatus.ANSWERED and not text:
        errors["text"] = [_("Write the answer, or choose another status.")]
    if status == AnswerStatus.NOT_APPLICABLE and not reason:
        errors["not_applicable_reason"] = [_("Say briefly why the question does not apply to this account.")]
    if against_fit and status != AnswerStatus.ANSWERED:
        errors["against_fit"] = [_("Only an answer can speak against the KAM fit.")]
    if errors:
        raise ValidationError(errors)


def _research_title(question: Question) -> str:
    title = _("Find out: %(question)s") % {"question": question.text}
    return title if len(title) <= 300 else title[:299] + "…"


def _audit_action(old_status: str | None, new_status: str) -> str:
    if old_status == new_status:
        return "growth.answer.update"
    return {
        AnswerStatus.ANSWERED: "growth.answer.answer",
        AnswerStatus.NOT_APPLICABLE: "growth.answer.not_applicable",
        AnswerStatus.RESEARCH: "growth.answer.research",
        AnswerStatus.OPEN: "growth.answer.reopen",
    }[new_status]


@transaction.atomic
def answer_save(
    *,
    actor,
    plan: Plan,
    question: Question,
    status: str,
    text: str = "",
    not_applicable_reason: str = "",
    against_fit: bool = False,
    research_owner=None,
    research_due_date: datetime.date | None = None,
    version: int | None = None,
) -> Answer:
    """Record how ``plan`` deals with ``question``, edited from ``version``.

    - ``answered`` needs ``text``; only an answer may carry ``against_fit``;
    - ``not_applicable`` needs a short ``not_applicable_reason``;
    - ``research`` creates a research action of the plan with ``research_owner`` and
      ``research_due_date`` (``plans.services.action_create``: the owner must be on the account's
      team) unless the answer is linked to a research action that is still open; ``text`` becomes
      the action's notes (what is known so far, what to find out);
    - ``open`` sets the question back to unanswered (text is kept as a draft).

    ``version`` is the answer's version the editor saw: 0 when there was no answer yet, ``None``
    to skip the check. EditConflict if someone saved meanwhile, ValidationError for invalid data,
    PermissionDenied for anyone but the owner and the core team. Answering a deactivated question
    is refused.
    """
    if actor is not None and not can_answer(actor, plan):
        raise PermissionDenied
    if not question.is_active:
        raise ValidationError(_("This question is no longer in use; it can no longer be answered."))
    text = (text or "").strip()
    reason = (not_applicable_reason or "").strip()
    against_fit = bool(against_fit)
    _validate_answer(status, text, reason, against_fit)
    values = {"status": status, "text": text, "not_applicable_reason": reason, "against_fit": against_fit}

    # Lock the plan's row first: two first answers to the same question then run one after the
    # other, and the second finds the first and is told (EditConflict) instead of failing on the
    # unique constraint. Answers of one plan are few and quick to save.
    Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).get()
    answer = Answer.objects.select_for_update().filter(plan=plan, question=question).first()
    creating = answer is None
    if creating:
        if version not in (None, 0):
            raise ValidationError(_("This answer does not exist in that version."))
        answer = Answer(plan=plan, question=question)
    else:
        check_version(answer, version, values)

    old_status = None if creating else answer.status
    diff = apply_changes(answer, values)
    action = None
    if status == AnswerStatus.RESEARCH and not (
        answer.action and answer.action.status in OPEN_ACTION_STATUSES
    ):
        errors = {}
        if research_owner is None:
            errors["research_owner"] = [_("Choose who finds out.")]
        if research_due_date is None:
            errors["research_due_date"] = [_("Choose by when.")]
        if errors:
            raise ValidationError(errors)
        try:
            action = action_create(
                actor=actor,
                plan=plan,
                title=_research_title(question),
                owner=research_owner,
                due_date=research_due_date,
                source=ActionSource.RESEARCH,
                notes=text,
            )
        except ValidationError as exc:
            # The form names the owner "research_owner"; keep the message on that field.
            if hasattr(exc, "error_dict") and "owner" in exc.error_dict:
                raise ValidationError({"research_owner": exc.error_dict["owner"]}) from exc
            raise
        diff["action"] = (answer.action, action)
        answer.action = action
    if not creating and not diff:
        return answer
    answer.updated_by = actor if getattr(actor, "pk", None) else None
    answer.full_clean(exclude=["plan", "question"])
    if creating:
        answer.save()
    else:
        save_versioned(answer, expected_version=version, update_fields=[*diff, "updated_by"])
    audit_record(
        actor=actor,
        action=_audit_action(old_status, status),
        target=answer,
        account_id=plan.account_id,
        changes={"question": question.key, **diff},
    )
    return answer


# The next planning cycle ------------------------------------------------------------------------

# What each status becomes in the next cycle's plan. What was answered or found not to apply is
# still the team's knowledge; a research action belongs to the plan (and the task lists) of the
# cycle it was planned in, so the question starts open, with what was noted as its draft.
CARRIED_STATUS = {
    AnswerStatus.ANSWERED: AnswerStatus.ANSWERED,
    AnswerStatus.NOT_APPLICABLE: AnswerStatus.NOT_APPLICABLE,
    AnswerStatus.RESEARCH: AnswerStatus.OPEN,
    AnswerStatus.OPEN: AnswerStatus.OPEN,
}


@transaction.atomic
def answers_carry_over(*, actor, previous: Plan, plan: Plan) -> int:
    """Take the answers of ``previous`` into ``plan``, the plan of the next cycle of the same
    account; returns how many were taken over.

    Registered with ``plans.services.register_next_cycle_copier``, so ``plan_start_next_cycle``
    calls it inside its transaction. Answered and not-applicable answers keep status, text,
    reason and ``against_fit``; research answers and open drafts start open, keeping their text as
    a draft, and without the research action, which stays with ``previous``. Not taken over:
    open answers without text or reason (the same as no answer), answers to deactivated
    questions (they can no longer be answered) and questions ``plan`` has an answer to already.
    The copies are new answers (version 1) changed by ``actor``; one audit entry on the account
    timeline records the number. PermissionDenied for anyone but the owner and the core team.
    """
    if actor is not None and not can_answer(actor, plan):
        raise PermissionDenied
    if previous.account_id != plan.account_id:
        raise ValueError("Answers are carried over only between plans of one account.")
    existing = set(Answer.objects.filter(plan=plan).values_list("question_id", flat=True))
    editor = actor if getattr(actor, "pk", None) else None
    copies = []
    for answer in (
        Answer.objects.filter(plan=previous, question__is_active=True)
        .exclude(question_id__in=existing)
        .order_by("question_id")
    ):
        status = CARRIED_STATUS[answer.status]
        if status == AnswerStatus.OPEN and not (answer.text or answer.not_applicable_reason):
            continue
        # The values were validated when they were saved in ``previous``; only the status may
        # change, and ``against_fit`` belongs to answered questions alone.
        copies.append(
            Answer(
                plan=plan,
                question_id=answer.question_id,
                status=status,
                text=answer.text,
                not_applicable_reason=answer.not_applicable_reason,
                against_fit=answer.against_fit and status == AnswerStatus.ANSWERED,
                updated_by=editor,
            )
        )
    if not copies:
        return 0
    Answer.objects.bulk_create(copies)
    audit_record(
        actor=actor,
        action="growth.answer.carry_over",
        target=plan,
        account_id=plan.account_id,
        changes={"previous": str(previous), "answers": len(copies)},
    )
    return len(copies)

"""API operations of the growth-plan questions (mounted under /growth): the question bank, the
answers of an account plan and their completeness.

See openkam/api.py for authentication and the error format, and docs/growth-questions.md for the
rules. Plans are loaded through their account's access helper (404 for plans of accounts the
caller may not see); every write goes through a service, which checks the right (403) and
validates (422). Answers and questions carry a ``version``; a PUT/PATCH from an older version
answers 409.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from openkam.core.api import InputSchema, PatchSchema, UserRef, refuse_unknown_query, with_errors
from openkam.users.models import User

from . import services
from .choices import AnswerStatus, Category
from .models import ANSWER_MAX, HELP_MAX, REASON_MAX, TEXT_MAX, Question
from .permissions import get_plan_by_id_for_user, require_bank_editor, require_bank_reader
from .selectors import (
    QuestionRow,
    answer_row,
    completeness_total,
    fit_concerns,
    plan_answers,
    plan_completeness,
    questions_for_api,
    sorted_questions,
)

router = Router(tags=["growth-plan questions"])


# The question bank ------------------------------------------------------------------------------


class QuestionOut(Schema):
    key: str
    category: Category
    position: int
    text_en: str
    text_de: str
    help_en: str
    help_de: str
    is_active: bool
    version: int


class QuestionFilters(InputSchema):
    category: Category | None = None
    include_inactive: bool = False


class QuestionIn(InputSchema):
    key: str = Field("", max_length=80, description="Optional; made from the English text when empty.")
    category: Category
    text_en: str = Field(max_length=TEXT_MAX)
    text_de: str = Field(max_length=TEXT_MAX)
    help_en: str = Field("", max_length=HELP_MAX)
    help_de: str = Field("", max_length=HELP_MAX)


class QuestionPatch(PatchSchema):
    category: Category | None = None
    text_en: str | None = Field(None, max_length=TEXT_MAX)
    text_de: str | None = Field(None, max_length=TEXT_MAX)
    help_en: str | None = Field(None, max_length=HELP_MAX)
    help_de: str | None = Field(None, max_length=HELP_MAX)
    is_active: bool | None = None
    position: int | None = Field(None, ge=1, description="1 = first in its category.")
    version: int | None = Field(
        None, ge=1, description="The version you edited; a newer stored one answers 409."
    )


def _question(key: str) -> Question:
    return get_object_or_404(Question, key=key)


@router.get(
    "/questions",
    response=with_errors({200: list[QuestionOut]}, 401, 404, 422),
    operation_id="growth_questions_list",
    summary=_("List the growth-plan questions"),
)
def questions_list(request, filters: Query[QuestionFilters]):
    """The question bank in category order, active questions only unless ``include_inactive``."""
    require_bank_reader(request.auth)
    refuse_unknown_query(request, QuestionFilters)
    return sorted_questions(
        questions_for_api(include_inactive=filters.include_inactive, category=filters.category)
    )


@router.post(
    "/questions",
    response=with_errors({201: QuestionOut}, 401, 403, 404, 422),
    operation_id="growth_question_create",
    summary=_("Add a question to the question bank"),
)
def question_create(request, payload: QuestionIn):
    """Administrators only; the question goes to the end of its category."""
    require_bank_editor(request.auth)
    return Status(201, services.question_create(actor=request.auth, **payload.model_dump()))


@router.get(
    "/questions/{question_key}",
    response=with_errors({200: QuestionOut}, 401, 404),
    operation_id="growth_question_get",
    summary=_("Show a growth-plan question"),
)
def question_get(request, question_key: str):
    require_bank_reader(request.auth)
    return _question(question_key)


@router.patch(
    "/questions/{question_key}",
    response=with_errors({200: QuestionOut}, 401, 403, 404, 409, 422),
    operation_id="growth_question_update",
    summary=_("Change a question of the question bank"),
)
def question_update(request, question_key: str, payload: QuestionPatch):
    """Texts and category (with ``version``), ``is_active`` to deactivate or reactivate, and
    ``position`` to move it within its category. Questions are never deleted."""
    require_bank_editor(request.auth)
    question = _question(question_key)
    changes = payload.changed()
    version = changes.pop("version", None)
    active = changes.pop("is_active", None)
    position = changes.pop("position", None)
    if changes or version is not None:
        question = services.question_update(actor=request.auth, question=question, version=version, **changes)
    if active is True:
        question = services.question_reactivate(actor=request.auth, question=question)
    elif active is False:
        question = services.question_deactivate(actor=request.auth, question=question)
    if position is not None:
        question = services.question_reorder(actor=request.auth, question=question, position=position)
    question.refresh_from_db()
    return question


# Answers of a plan ------------------------------------------------------------------------------


class ActionRef(Schema):
    id: int
    title: str
    owner: UserRef
    due_date: date
    status: str


class AnswerOut(Schema):
    question_key: str
    category: Category
    question: str = Field(description="The question in the caller's language.")
    question_active: bool
    status: AnswerStatus
    text: str
    not_applicable_reason: str
    against_fit: bool
    action: ActionRef | None
    version: int = Field(description="0 while the question has no answer yet.")
    updated_at: datetime | None
    updated_by: UserRef | None


def _answer_out(row: QuestionRow) -> dict:
    answer = row.answer
    return {
        "question_key": row.question.key,
        "category": row.question.category,
        "question": row.question.text,
        "question_active": row.question.is_active,
        "status": row.status,
        "text": answer.text if answer else "",
        "not_applicable_reason": answer.not_applicable_reason if answer else "",
        "against_fit": bool(answer and answer.against_fit),
        "action": answer.action if answer else None,
        "version": row.version,
        "updated_at": answer.updated_at if answer else None,
        "updated_by": answer.updated_by if answer else None,
    }


class AnswerIn(InputSchema):
    status: AnswerStatus
    text: str = Field("", max_length=ANSWER_MAX)
    not_applicable_reason: str = Field("", max_length=REASON_MAX)
    against_fit: bool = False
    research_owner_id: int | None = Field(None, description="For status research: who finds out.")
    research_due_date: date | None = Field(None, description="For status research: by when.")
    version: int | None = Field(
        None, ge=0, description="The answer's version you edited (0: there was none). Leave out to overwrite."
    )


class CompletenessOut(Schema):
    category: str
    label: str
    total: int
    answered: int
    not_applicable: int
    research: int
    open: int
    percent: int


class PlanCompletenessOut(Schema):
    plan_id: int
    fit_concerns: int
    total: CompletenessOut
    categories: list[CompletenessOut]


@router.get(
    "/plans/{plan_id}/answers",
    response=with_errors({200: list[AnswerOut]}, 401, 404),
    operation_id="growth_answers_list",
    summary=_("List the growth-plan questions of an account plan with their answers"),
)
def answers_list(request, plan_id: int):
    """Every active question (open ones with version 0) and answered questions deactivated since."""
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    data = plan_answers(plan)
    return [_answer_out(row) for block in data.blocks for row in [*block.rows, *block.retired]]


@router.put(
    "/plans/{plan_id}/answers/{question_key}",
    response=with_errors({200: AnswerOut}, 401, 403, 404, 409, 422),
    operation_id="growth_answer_put",
    summary=_("Answer a growth-plan question, mark it not applicable or turn it into a research action"),
)
def answer_put(request, plan_id: int, question_key: str, payload: AnswerIn):
    """Replaces the plan's answer to the question. ``research`` creates a research action with
    ``research_owner_id`` and ``research_due_date`` (unless an open one is linked already)."""
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    question = get_object_or_404(Question, key=question_key, is_active=True)
    data = payload.model_dump()
    owner_id = data.pop("research_owner_id")
    owner = None
    if owner_id is not None:
        owner = User.objects.filter(pk=owner_id, is_active=True).first()
        if owner is None:
            raise ValidationError({"research_owner_id": [gettext("No active user has this id.")]})
    try:
        services.answer_save(actor=request.auth, plan=plan, question=question, research_owner=owner, **data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "research_owner" in exc.error_dict:
            errors = dict(exc.error_dict)
            errors["research_owner_id"] = errors.pop("research_owner")
            raise ValidationError(errors) from exc
        raise
    return _answer_out(answer_row(plan, question))


@router.get(
    "/plans/{plan_id}/completeness",
    response=with_errors({200: PlanCompletenessOut}, 401, 404),
    operation_id="growth_completeness",
    summary=_("Show how complete the growth-plan questions of an account plan are"),
)
def completeness(request, plan_id: int):
    """Per category and in total; ``percent`` is the share of applicable questions answered."""
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    rows = plan_completeness(plan)
    return {
        "plan_id": plan.pk,
        "fit_concerns": fit_concerns(plan),
        "total": completeness_total(rows),
        "categories": rows,
    }

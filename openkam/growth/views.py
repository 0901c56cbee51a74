from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import require
from openkam.core.forms import add_service_errors, submit_to_service

from . import services
from .choices import AnswerStatus, Category
from .forms import AnswerForm, MoveForm, QuestionForm
from .models import Question
from .permissions import can_answer, get_plan_for_user, get_question_for_admin, require_admin
from .selectors import answer_owner_choices, answer_row, bank_by_category, plan_answers

# The answers of one account plan -----------------------------------------------------------------


def _plan_context(plan, **context) -> dict:
    return {
        "account": plan.account,
        "plan": plan,
        "account_section": "plans",
        "active_nav": "accounts",
        **context,
    }


@login_required
@require_GET
def answers(request, account_pk, plan_pk):
    """The growth-plan questions of a plan by category, with completeness and fit concerns."""
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    return render(
        request,
        "growth/answers.html",
        _plan_context(plan, data=plan_answers(plan), can_answer=can_answer(request.user, plan)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_edit(request, account_pk, plan_pk, key):
    """Answer one question, mark it not applicable, or turn it into a research action."""
    plan = get_plan_for_user(request.user, account_pk, plan_pk)
    question = get_object_or_404(Question, key=key, is_active=True)
    require(can_answer(request.user, plan))
    row = answer_row(plan, question)
    answer = row.answer
    has_open_action = bool(answer and answer.action and answer.action.is_open)
    initial = {"version": row.version, "status": AnswerStatus.ANSWERED}
    if answer is not None:
        initial |= {
            "status": answer.status,
            "text": answer.text,
            "not_applicable_reason": answer.not_applicable_reason,
            "against_fit": answer.against_fit,
        }
    form = AnswerForm(
        request.POST or None,
        initial=initial,
        owners=answer_owner_choices(plan.account),
        has_open_action=has_open_action,
    )
    target = reverse("growth:answers", args=[plan.account.pk, plan.pk]) + f"#q-{question.key}"
    if submit_to_service(
        request,
        form,
        services.answer_save,
        plan=plan,
        question=question,
        success=_("Saved: %(question)s") % {"question": question.text},
    ):
        return redirect(target)
    return render(
        request,
        "growth/answer_form.html",
        _plan_context(
            plan, question=question, row=row, form=form, back=target, has_open_action=has_open_action
        ),
    )


# The question bank (administrators) --------------------------------------------------------------


def _bank_context(**context) -> dict:
    return {"active_nav": "question-bank", **context}


@login_required
@require_GET
def bank_list(request):
    require_admin(request.user)
    categories = bank_by_category()
    return render(
        request,
        "growth/bank_list.html",
        _bank_context(
            categories=categories,
            active=sum(c.active for c in categories),
            total=sum(len(c.questions) for c in categories),
        ),
    )


def _bank_anchor(question: Question) -> str:
    return reverse("question-bank:list") + f"#question-{question.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request):
    require_admin(request.user)
    category = request.GET.get("category")
    form = QuestionForm(
        request.POST or None,
        creating=True,
        initial={"category": category if category in Category.values else Category.TEAM},
    )
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect(_bank_anchor(question))
    return render(request, "growth/question_form.html", _bank_context(form=form, creating=True))


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk):
    question = get_question_for_admin(request.user, pk)
    form = QuestionForm(
        request.POST or None,
        initial={
            "version": question.version,
            "category": question.category,
            "text_en": question.text_en,
            "text_de": question.text_de,
            "help_en": question.help_en,
            "help_de": question.help_de,
        },
    )
    if submit_to_service(
        request, form, services.question_update, question=question, success=_("Question saved.")
    ):
        return redirect(_bank_anchor(question))
    return render(request, "growth/question_form.html", _bank_context(form=form, question=question))


@login_required
@require_POST
def question_deactivate(request, pk):
    question = get_question_for_admin(request.user, pk)
    services.question_deactivate(actor=request.user, question=question)
    messages.success(request, _("Question deactivated. Answers given to it are kept."))
    return redirect(_bank_anchor(question))


@login_required
@require_POST
def question_reactivate(request, pk):
    question = get_question_for_admin(request.user, pk)
    services.question_reactivate(actor=request.user, question=question)
    messages.success(request, _("Question reactivated."))
    return redirect(_bank_anchor(question))


@login_required
@require_POST
def question_move(request, pk):
    question = get_question_for_admin(request.user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.question_move(
            actor=request.user, question=question, direction=form.cleaned_data["direction"]
        )
    else:
        messages.error(request, _("Choose up or down."))
    return redirect(_bank_anchor(question))

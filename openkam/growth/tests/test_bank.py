"""The question bank OpenKAM ships, and how it is installed."""

from collections import Counter

import pytest
from django.db.models import ProtectedError
from django.utils import translation

from openkam.growth import services
from openkam.growth.choices import Category
from openkam.growth.models import Question
from openkam.growth.question_bank import DEFAULT_QUESTIONS, install_default_questions

from .factories import AnswerFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_the_migration_installs_57_active_questions_in_all_eight_categories():
    questions = list(Question.objects.filter(is_active=True))

    assert len(questions) == len(DEFAULT_QUESTIONS) == 57
    per_category = Counter(q.category for q in questions)
    assert set(per_category) == set(Category.values)
    assert min(per_category.values()) >= 6


def test_every_question_has_a_unique_key_and_both_languages():
    keys = [q.key for q in DEFAULT_QUESTIONS]
    assert len(keys) == len(set(keys))
    for question in Question.objects.all():
        assert question.text_en.strip() and question.text_de.strip(), question.key
        assert question.text_en != question.text_de, question.key
        assert question.text_en.endswith("?") and question.text_de.endswith("?"), question.key
        assert bool(question.help_en) == bool(question.help_de), question.key
        assert "Sie " not in question.text_de and "Sie " not in question.help_de, question.key


def test_positions_run_from_one_per_category_in_the_order_of_the_checklist():
    for category in Category.values:
        positions = list(Question.objects.filter(category=category).values_list("position", flat=True))
        assert sorted(positions) == list(range(1, len(positions) + 1)), category
    first = Question.objects.get(category=Category.TEAM, position=1)
    assert first.key == DEFAULT_QUESTIONS[0].key


def test_the_question_speaks_the_active_language():
    question = Question.objects.get(key="people-coach")

    with translation.override("de"):
        assert question.text.startswith("Wer beim Kunden ist unser Coach")
        assert question.help.startswith("Jeder Key Account braucht")
    with translation.override("en"):
        assert question.text.startswith("Who at the customer acts as our coach")
        assert str(question) == question.text_en


def test_installing_again_keeps_what_administrators_changed_and_adds_missing_keys():
    edited = Question.objects.get(key="team-capacity")
    services.question_update(actor=None, question=edited, version=edited.version, text_en="Our own wording?")
    services.question_deactivate(actor=None, question=Question.objects.get(key="trends-economy"))
    Question.objects.filter(key="unknowns-risks").delete()  # unused, so it can go (test setup only)

    created = install_default_questions(Question)

    assert created == 1
    assert Question.objects.get(key="team-capacity").text_en == "Our own wording?"
    assert Question.objects.get(key="trends-economy").is_active is False
    restored = Question.objects.get(key="unknowns-risks")
    others = Question.objects.filter(category=Category.UNKNOWNS).exclude(pk=restored.pk)
    assert restored.position == max(o.position for o in others) + 1  # at the end of its category
    assert install_default_questions(Question) == 0


def test_a_question_in_use_cannot_be_deleted():
    question = Question.objects.get(key="needs-kpis")
    AnswerFactory(question=question, plan=PlanFactory())

    with pytest.raises(ProtectedError):
        question.delete()

"""Two people answering the same open question at the same moment: one wins, the other is told."""

import os
import threading

import pytest
from django.db import connection

from openkam.core.locking import EditConflict
from openkam.growth.choices import AnswerStatus
from openkam.growth.models import Answer, Question
from openkam.growth.question_bank import install_default_questions
from openkam.growth.services import answer_save

from .factories import plan_of

# Real concurrent transactions need PostgreSQL: the in-memory SQLite test database locks whole
# tables between threads (see openkam/core/tests/test_locking.py). Collected in the PostgreSQL run.
if os.environ.get("OPENKAM_TEST_DB") == "postgres":

    @pytest.mark.django_db(transaction=True)
    def test_two_first_answers_at_once_never_both_succeed(world):
        install_default_questions(Question)  # emptied by earlier transactional tests
        plan = plan_of(world)
        question = Question.objects.get(key="needs-strategy")
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def answer(actor, text: str) -> None:
            try:
                barrier.wait()
                answer_save(
                    actor=actor,
                    plan=plan,
                    question=question,
                    status=AnswerStatus.ANSWERED,
                    text=text,
                    version=0,
                )
                outcomes.append("saved")
            except EditConflict as conflict:
                assert conflict.current.version == 1
                outcomes.append("conflict")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=answer, args=(world.owner, "Service ausbauen")),
            threading.Thread(target=answer, args=(world.teammate, "Plattformen vereinheitlichen")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(outcomes) == ["conflict", "saved"]
        stored = Answer.objects.get(plan=plan, question=question)
        assert stored.version == 1

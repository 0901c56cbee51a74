"""The answers page, the answer form and the question-bank administration pages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.growth import services
from openkam.growth.choices import AnswerStatus, Category
from openkam.growth.models import Answer, Question
from openkam.plans.choices import ActionSource
from openkam.plans.models import Action

from .factories import plan_of

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def answers_url(world) -> str:
    return reverse("growth:answers", args=[world.account.pk, plan_of(world).pk])


def answer_url(world, key) -> str:
    return reverse("growth:answer", args=[world.account.pk, plan_of(world).pk, key])


def answer(world, key, **values):
    values.setdefault("version", 0)
    return services.answer_save(
        actor=world.owner, plan=plan_of(world), question=Question.objects.get(key=key), **values
    )


# The answers page -------------------------------------------------------------------------------


def test_the_page_shows_every_category_with_its_progress_and_the_answers(client, world):
    answer(world, "people-coach", status=AnswerStatus.ANSWERED, text="Frau Berger aus der Instandhaltung")
    answer(world, "people-changes", status=AnswerStatus.NOT_APPLICABLE, not_applicable_reason="Keine Wechsel")
    answer(
        world,
        "people-blockers",
        status=AnswerStatus.RESEARCH,
        research_owner=world.teammate,
        research_due_date=date(2026, 4, 30),
    )
    client.force_login(world.owner)

    html = _html(client.get(answers_url(world)))

    for label in ("Our team", "The account&#x27;s people", "What we still need to know"):
        assert label in html
    assert 'data-category="people"' in html
    # people: 1 of 7 applicable answered = 14 %, overall 1 of 56
    assert '<progress class="progress" max="100" value="14" aria-label="The account&#x27;s people">' in html
    assert '<td class="num">1&nbsp;/&nbsp;56</td>' in html
    assert "Frau Berger aus der Instandhaltung" in html
    assert "Does not apply: Keine Wechsel" in html
    assert "Research action: Tom Teich, due 04/30/2026" in html
    assert 'id="q-people-coach" data-status="answered"' in html
    assert html.count(">Answer<span") == 54 and html.count(">Change<span") == 3
    assert "No answer speaks against the KAM fit so far." in html


def test_answers_against_the_fit_are_counted_prominently(client, world):
    answer(world, "insights-profitability", status=AnswerStatus.ANSWERED, text="Kaum Marge", against_fit=True)
    answer(
        world, "value-investment", status=AnswerStatus.ANSWERED, text="Rechnet sich nicht", against_fit=True
    )
    client.force_login(world.manager)

    html = _html(client.get(answers_url(world)))

    assert 'id="fit-concerns" data-count="2"' in html
    assert "2 answers speak against the KAM fit" in html
    assert html.count("Speaks against KAM fit") == 2


def test_readers_see_no_edit_buttons_and_german_users_read_german_questions(client, world):
    answer(world, "people-coach", status=AnswerStatus.ANSWERED, text="Frau Berger")
    world.extended.language = "de"
    world.extended.save()
    client.force_login(world.extended)

    html = _html(client.get(answers_url(world)))

    assert "Wer beim Kunden ist unser Coach und führt uns durch seinen Einkaufsprozess?" in html
    assert "Who at the customer acts as our coach" not in html
    assert answer_url(world, "people-coach") not in html


def test_a_plan_of_another_account_answers_404(client, world):
    client.force_login(world.owner)
    other_plan = plan_of(type(world)(**{**world.__dict__, "account": world.other_account}))

    response = client.get(reverse("growth:answers", args=[world.account.pk, other_plan.pk]))

    assert response.status_code == 404


def test_the_answers_page_needs_a_fixed_number_of_queries(client, world):
    client.force_login(world.owner)
    client.get(answers_url(world))
    with CaptureQueriesContext(connection) as few:
        client.get(answers_url(world))
    for key in ("people-coach", "team-capacity", "needs-kpis", "value-why-us"):
        answer(world, key, status=AnswerStatus.ANSWERED, text="Antwort")
    answer(
        world,
        "people-blockers",
        status=AnswerStatus.RESEARCH,
        research_owner=world.teammate,
        research_due_date=date(2026, 5, 1),
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(answers_url(world))

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


# The answer form --------------------------------------------------------------------------------


def test_the_owner_answers_marks_not_applicable_and_creates_a_research_action(client, world):
    client.force_login(world.owner)

    response = client.post(
        answer_url(world, "needs-kpis"),
        {
            "version": "0",
            "status": "answered",
            "text": "Liefertreue und Energieverbrauch",
            "against_fit": "on",
        },
    )
    assert response.status_code == 302
    assert response.url == answers_url(world) + "#q-needs-kpis"
    client.post(
        answer_url(world, "trends-regulation"),
        {"version": "0", "status": "not_applicable", "not_applicable_reason": "Keine neuen Pflichten"},
    )
    client.post(
        answer_url(world, "people-motives"),
        {
            "version": "0",
            "status": "research",
            "text": "Beim nächsten Treffen fragen",
            "research_owner": str(world.teammate.pk),
            "research_due_date": "2026-06-30",
        },
    )

    answers = {a.question.key: a for a in Answer.objects.select_related("question", "action")}
    assert (
        answers["needs-kpis"].text == "Liefertreue und Energieverbrauch" and answers["needs-kpis"].against_fit
    )
    assert answers["trends-regulation"].not_applicable_reason == "Keine neuen Pflichten"
    action = answers["people-motives"].action
    assert (action.owner, action.due_date, action.source) == (
        world.teammate,
        date(2026, 6, 30),
        ActionSource.RESEARCH,
    )
    html = _html(client.get(answers_url(world)))
    assert "1 answer speaks against the KAM fit" in html


def test_the_form_shows_what_is_missing(client, world):
    client.force_login(world.teammate)

    html = _html(client.post(answer_url(world, "people-motives"), {"version": "0", "status": "research"}))

    assert "Choose who finds out." in html and "Choose by when." in html
    assert not Action.objects.exists()
    html = _html(
        client.post(answer_url(world, "people-motives"), {"version": "0", "status": "not_applicable"})
    )
    assert "Say briefly why the question does not apply" in html


def test_research_owners_are_the_account_team(client, world):
    client.force_login(world.owner)

    html = _html(client.get(answer_url(world, "people-motives")))

    assert f'<option value="{world.teammate.pk}">Tom Teich</option>' in html
    assert f'<option value="{world.extended.pk}">Eva Ebert</option>' in html
    assert "Otto Ohm" not in html


def test_an_open_research_action_replaces_the_owner_fields(client, world):
    answer(
        world,
        "people-motives",
        status=AnswerStatus.RESEARCH,
        research_owner=world.teammate,
        research_due_date=date(2026, 5, 1),
    )
    client.force_login(world.owner)

    html = _html(client.get(answer_url(world, "people-motives")))

    assert 'id="open-action"' in html and "Tom Teich finds out by 05/01/2026" in html
    action = Answer.objects.get().action
    assert reverse("plans:action-edit", args=[world.account.pk, plan_of(world).pk, action.pk]) in html
    assert 'name="research_owner"' not in html
    assert 'name="version" value="1"' in html


def test_a_second_save_from_the_same_state_is_shown_and_saved_on_top(client, world):
    client.force_login(world.teammate)
    answer(world, "needs-strategy", status=AnswerStatus.ANSWERED, text="Servicegeschäft ausbauen")

    html = _html(
        client.post(
            answer_url(world, "needs-strategy"), {"version": "0", "status": "answered", "text": "Plattformen"}
        )
    )

    assert "Someone else saved this in the meantime" in html
    assert "Saved meanwhile: <strong>Servicegeschäft ausbauen</strong>" in html
    assert 'name="version" value="1"' in html
    assert Answer.objects.get().text == "Servicegeschäft ausbauen"
    response = client.post(
        answer_url(world, "needs-strategy"),
        {"version": "1", "status": "answered", "text": "Servicegeschäft ausbauen, Plattformen"},
    )
    assert response.status_code == 302
    assert Answer.objects.get().text == "Servicegeschäft ausbauen, Plattformen"


def test_readers_may_not_post_answers_and_deactivated_questions_are_gone(client, world):
    client.force_login(world.extended)
    assert client.post(answer_url(world, "needs-kpis"), {"version": "0", "status": "open"}).status_code == 403
    client.force_login(world.owner)
    services.question_deactivate(actor=None, question=Question.objects.get(key="needs-kpis"))
    assert client.get(answer_url(world, "needs-kpis")).status_code == 404
    assert client.get(answer_url(world, "no-such-question")).status_code == 404
    assert not Answer.objects.exists()


def test_the_timeline_of_the_account_names_the_change(client, world):
    answer(world, "people-coach", status=AnswerStatus.ANSWERED, text="Frau Berger")
    client.force_login(world.owner)

    html = _html(client.get(reverse("accounts:detail", args=[world.account.pk])))

    assert "answered a growth-plan question" in html


# The question bank ------------------------------------------------------------------------------


def test_administrators_see_the_bank_by_category(client, world):
    services.question_deactivate(actor=None, question=Question.objects.get(key="trends-economy"))
    client.force_login(world.admin)

    html = _html(client.get(reverse("question-bank:list")))

    assert "56 of 57 growth-plan questions are active." in html
    assert html.count('<tr id="question-') == 57
    assert (
        html.index("Our team (7)")
        < html.index("Trends affecting the account (6)")
        < html.index("What we still need to know (6)")
    )
    assert "Wie wirken sich Konjunktur" in html and "deactivated" in html


def test_the_bank_pages_do_not_exist_for_anyone_but_administrators(client, world):
    question = Question.objects.get(key="team-capacity")
    for persona in (world.owner, world.manager, world.teammate):
        client.force_login(persona)
        assert client.get(reverse("question-bank:list")).status_code == 404
        assert client.post(reverse("question-bank:deactivate", args=[question.pk])).status_code == 404
    assert Question.objects.get(pk=question.pk).is_active


def test_an_administrator_adds_a_question(client, world):
    client.force_login(world.admin)
    assert 'value="value" selected' in _html(client.get(reverse("question-bank:create") + "?category=value"))

    response = client.post(
        reverse("question-bank:create"),
        {
            "category": "value",
            "text_en": "Which service levels would the customer pay for?",
            "text_de": "Für welche Servicelevel würde der Kunde bezahlen?",
            "help_en": "",
            "help_de": "",
        },
    )

    question = Question.objects.get(key="which-service-levels-would-the-customer-pay-for")
    assert response.status_code == 302
    assert response.url == reverse("question-bank:list") + f"#question-{question.pk}"
    assert (question.category, question.position) == (Category.VALUE, 9)


def test_an_administrator_edits_a_question_and_a_stale_form_is_told(client, world):
    question = Question.objects.get(key="team-capacity")
    client.force_login(world.admin)
    data = {
        "version": "1",
        "category": "team",
        "text_en": question.text_en,
        "text_de": "Haben wir genug Zeit und Budget für diesen Kunden?",
        "help_en": "",
        "help_de": "",
    }

    assert client.post(reverse("question-bank:edit", args=[question.pk]), data).status_code == 302
    html = _html(
        client.post(reverse("question-bank:edit", args=[question.pk]), data | {"text_de": "Andere Fassung?"})
    )

    assert "Saved meanwhile: <strong>Haben wir genug Zeit und Budget für diesen Kunden?</strong>" in html
    assert (
        Question.objects.get(pk=question.pk).text_de == "Haben wir genug Zeit und Budget für diesen Kunden?"
    )


def test_an_administrator_deactivates_reactivates_and_moves_questions(client, world):
    question = Question.objects.get(key="team-capacity")
    client.force_login(world.admin)

    client.post(reverse("question-bank:deactivate", args=[question.pk]))
    assert not Question.objects.get(pk=question.pk).is_active
    client.post(reverse("question-bank:reactivate", args=[question.pk]))
    assert Question.objects.get(pk=question.pk).is_active
    response = client.post(reverse("question-bank:move", args=[question.pk]), {"direction": "up"})

    assert response.status_code == 302
    assert Question.objects.get(pk=question.pk).position == 3
    assert (
        client.post(reverse("question-bank:move", args=[question.pk]), {"direction": "left"}).status_code
        == 302
    )
    assert Question.objects.get(pk=question.pk).position == 3
    assert AuditEntry.objects.filter(action__startswith="growth.question").count() == 3

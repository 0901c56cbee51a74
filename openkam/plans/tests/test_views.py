"""The plan pages: list, plan page with its five steps, edit pages, conflicts, versions, reviews
and the personal task list."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.plans import services
from openkam.plans.choices import ActionStatus, Element, ReviewStatus, Step, StepState
from openkam.plans.models import Action, Plan, PlanVersion

from .factories import ActionFactory, AnnualReviewFactory, GoalFactory, PlanFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def plan(world):
    return services.plan_create(actor=world.owner, account=world.account, fiscal_year=2026)


def _url(name, plan, *args):
    return reverse(name, args=[plan.account_id, plan.pk, *args])


def test_the_owner_creates_a_plan_from_the_list(client, world):
    client.force_login(world.owner)
    html = _html(client.get(reverse("plans:list", args=[world.account.pk])))
    assert "No account plan yet." in html and reverse("plans:create", args=[world.account.pk]) in html

    response = client.post(
        reverse("plans:create", args=[world.account.pk]), {"fiscal_year": "2026", "plan_type": "emerging"}
    )

    plan = Plan.objects.get()
    assert response.url == _url("plans:detail", plan)
    assert plan.plan_type == "emerging" and plan.steps.count() == 5
    response = client.post(
        reverse("plans:create", args=[world.account.pk]), {"fiscal_year": "2026", "plan_type": "existing"}
    )
    assert "The account has a plan for 2026 already." in _html(response)


def test_readers_see_the_plan_without_edit_buttons(client, world, plan):
    client.force_login(world.extended)
    html = _html(client.get(_url("plans:detail", plan)))
    assert "The five steps" in html
    assert _url("plans:edit", plan) not in html
    assert _url("plans:step-edit", plan, "strategy") not in html
    client.force_login(world.teammate)
    html = _html(client.get(_url("plans:detail", plan)))
    assert _url("plans:edit", plan) in html and _url("plans:step-edit", plan, "strategy") in html


def test_the_plan_page_shows_the_steps_with_what_is_missing(client, world, plan):
    client.force_login(world.owner)
    html = _html(client.get(_url("plans:detail", plan)))

    for label in ("Strategy", "Research", "Action plan", "Execution", "Review"):
        assert f"<h3>{label} <span" in html
    assert html.count('data-state="not_started"') == 5
    assert "Vision for the account written" in html
    assert "All seven elements of the development strategy described" in html
    assert "At least 3 actions with owner and due date" in html
    assert "Current step: Strategy" in html


def test_a_step_cannot_be_marked_done_while_items_are_missing(client, world, plan):
    client.force_login(world.owner)
    url = _url("plans:step-edit", plan, "strategy")
    page = _html(client.get(url))
    assert "Required before the step is done" in page and 'data-met="no"' in page

    html = _html(client.post(url, {"version": "1", "state": "done", "notes": ""}))

    assert "cannot be marked done yet" in html
    assert "Vision for the account written" in html
    assert plan.steps.get(step=Step.STRATEGY).state == StepState.NOT_STARTED

    services.plan_update(actor=world.owner, plan=plan, version=1, vision="V", strategy="S")
    response = client.post(url, {"version": "1", "state": "done", "notes": "Mit dem Team abgestimmt"})
    assert response.status_code == 302 and response.url.endswith("#step-strategy")
    assert plan.steps.get(step=Step.STRATEGY).state == StepState.DONE


def test_an_unknown_step_or_element_is_404(client, world, plan):
    client.force_login(world.owner)
    assert client.get(_url("plans:step-edit", plan, "planning")).status_code == 404
    assert client.get(_url("plans:element-edit", plan, "swot")).status_code == 404


def test_a_plan_of_another_account_is_404_even_with_the_right_account_in_the_url(client, world):
    foreign = PlanFactory(account=world.other_account)
    client.force_login(world.owner)
    assert client.get(reverse("plans:detail", args=[world.account.pk, foreign.pk])).status_code == 404
    assert client.get(reverse("plans:detail", args=[world.other_account.pk, foreign.pk])).status_code == 404


def test_two_sessions_editing_the_vision_from_one_version_do_not_overwrite_each_other(world, plan):
    katrin, tom = Client(), Client()
    katrin.force_login(world.owner)
    tom.force_login(world.teammate)
    url = _url("plans:edit", plan)
    # Both open the form at version 1.
    assert 'name="version" value="1"' in _html(katrin.get(url))
    assert 'name="version" value="1"' in _html(tom.get(url))

    first = katrin.post(
        url, {"version": "1", "plan_type": "existing", "vision": "Partner Nr. 1", "strategy": ""}
    )
    assert first.status_code == 302

    second = tom.post(
        url,
        {
            "version": "1",
            "plan_type": "existing",
            "vision": "Lieferant der Wahl",
            "strategy": "Systemgeschäft",
        },
    )
    html = _html(second)
    assert "Someone else saved this in the meantime" in html
    assert "Saved meanwhile: <strong>Partner Nr. 1</strong>" in html
    assert 'name="version" value="2"' in html  # the form is now on top of Katrin's save
    assert Plan.objects.get(pk=plan.pk).vision == "Partner Nr. 1"

    merged = tom.post(
        url,
        {
            "version": "2",
            "plan_type": "existing",
            "vision": "Partner Nr. 1 und Lieferant der Wahl",
            "strategy": "Systemgeschäft",
        },
    )
    assert merged.status_code == 302
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.vision, stored.strategy, stored.version) == (
        "Partner Nr. 1 und Lieferant der Wahl",
        "Systemgeschäft",
        3,
    )
    assert AuditEntry.objects.filter(action="plans.plan.update", account_id=world.account.pk).count() == 2


def test_an_element_shows_the_figures_or_no_data(client, world, plan):
    client.force_login(world.owner)
    html = _html(client.get(_url("plans:element-edit", plan, Element.RELATIVE_MARKET_SHARE)))
    assert "Figures from the analysis" in html and "no data" in html
    response = client.post(
        _url("plans:element-edit", plan, Element.RELATIVE_MARKET_SHARE),
        {"version": "1", "text": "Marktführer bei Antrieben werden"},
    )
    assert response.status_code == 302
    html = _html(client.get(_url("plans:detail", plan)))
    assert "Marktführer bei Antrieben werden" in html
    positioning = _html(client.get(_url("plans:element-edit", plan, Element.POSITIONING)))
    assert "Figures from the analysis" not in positioning


def test_topics_goals_and_actions_are_added_and_shown(client, world, plan):
    client.force_login(world.teammate)
    assert (
        client.post(
            _url("plans:topic-create", plan),
            {
                "topic": "Energieeffizienz",
                "relevance": "high",
                "offering": "Servoantriebe",
                "status": "established",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            _url("plans:goal-create", plan),
            {
                "title": "Umsatz steigern",
                "kpi": "Umsatz",
                "unit": "€",
                "baseline": "1000000",
                "target_value": "1200000",
                "target_date": "2026-12-31",
                "current_value": "1250000",
            },
        ).status_code
        == 302
    )
    response = client.post(
        _url("plans:action-create", plan),
        {"title": "Werksbesuch", "owner": world.extended.pk, "due_date": "2026-03-31", "notes": ""},
    )
    assert response.status_code == 302
    # Someone off the team is not offered and not accepted.
    page = _html(client.get(_url("plans:action-create", plan)))
    assert str(world.other_kam) not in page
    bad = client.post(
        _url("plans:action-create", plan),
        {"title": "X", "owner": world.other_kam.pk, "due_date": "2026-03-31", "notes": ""},
    )
    assert "Select a valid choice" in _html(bad)

    html = _html(client.get(_url("plans:detail", plan)))
    assert "Energieeffizienz" in html and "Servoantriebe" in html
    assert "Umsatz steigern" in html and "(1/1 reached)" in html
    assert "Werksbesuch" in html and str(world.extended) in html


def test_overdue_actions_show_on_the_plan_and_on_the_owners_task_list(client, world, plan):
    today = date.today()
    late = ActionFactory(
        plan=plan, owner=world.teammate, title="Angebot nachfassen", due_date=today - timedelta(days=2)
    )
    ActionFactory(
        plan=plan, owner=world.teammate, title="Workshop planen", due_date=today + timedelta(days=5)
    )
    ActionFactory(plan=plan, owner=world.owner, title="Fremde Aufgabe", due_date=today - timedelta(days=1))

    client.force_login(world.teammate)
    html = _html(client.get(_url("plans:detail", plan)))
    assert 'id="overdue"' in html and "2 overdue actions" in html

    tasks = _html(client.get(reverse("tasks:mine")))
    assert tasks.index("Angebot nachfassen") < tasks.index("Workshop planen")
    assert "Fremde Aufgabe" not in tasks
    assert "1 overdue" in tasks
    assert f'data-action="{late.pk}" class="overdue"' in tasks

    # Marked done from the task list, it leaves the list.
    response = client.post(
        _url("plans:action-done", plan, late.pk), {"version": "1", "next": reverse("tasks:mine")}
    )
    assert response.url == reverse("tasks:mine")
    assert Action.objects.get(pk=late.pk).status == ActionStatus.DONE
    tasks = _html(client.get(reverse("tasks:mine")))
    assert f'data-action="{late.pk}"' not in tasks and "Workshop planen" in tasks


def test_an_extended_member_closes_their_own_action_but_edits_nothing_else(client, world, plan):
    mine = ActionFactory(plan=plan, owner=world.extended)
    client.force_login(world.extended)
    page = _html(client.get(_url("plans:action-edit", plan, mine.pk)))
    assert 'name="title"' not in page and 'name="status"' in page
    response = client.post(
        _url("plans:action-edit", plan, mine.pk), {"version": "1", "status": "done", "notes": "ok"}
    )
    assert response.status_code == 302
    assert Action.objects.get(pk=mine.pk).status == ActionStatus.DONE
    # A field the status form does not know is refused, not ignored.
    refused = client.post(
        _url("plans:action-edit", plan, mine.pk),
        {"version": "2", "status": "open", "notes": "", "title": "Neu"},
    )
    assert "Unknown field(s): title" in _html(refused)


def test_done_from_an_old_page_reports_the_conflict(client, world, plan):
    action = ActionFactory(plan=plan)
    services.action_update(actor=world.owner, action=action, version=1, title="Neuer Titel")
    client.force_login(world.owner)
    response = client.post(_url("plans:action-done", plan, action.pk), {"version": "1"}, follow=True)
    assert "Someone else changed this action in the meantime" in response.content.decode()
    assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_versions_are_frozen_listed_shown_and_compared(client, world, plan):
    goal = GoalFactory(plan=plan, title="Umsatz steigern", current_value=Decimal("1100000"))
    client.force_login(world.owner)
    assert client.post(_url("plans:version-freeze", plan), {"label": "Halbjahr"}).status_code == 302
    services.goal_update(actor=world.owner, goal=goal, version=1, current_value=Decimal("1250000"))
    services.plan_update(actor=world.owner, plan=plan, version=1, vision="Systempartner")
    assert client.post(_url("plans:version-freeze", plan), {"label": ""}).status_code == 302
    first, second = PlanVersion.objects.order_by("number")

    listing = _html(client.get(_url("plans:versions", plan)))
    assert "Halbjahr" in listing and listing.count("data-version=") == 2

    detail = _html(client.get(_url("plans:version-detail", plan, first.pk)))
    assert "Umsatz steigern" in detail and "1,100,000" in detail

    compare = _html(client.get(_url("plans:compare", plan) + f"?a={first.pk}&b={second.pk}"))
    assert "newly reached" in compare
    assert "Systempartner" in compare
    assert 'data-change="changed"' in compare

    against_now = _html(client.get(_url("plans:compare", plan) + f"?a={second.pk}&b=current"))
    assert against_now.count("No changes.") == 7


def test_the_annual_review_is_recorded_with_agreed_actions_and_completed(client, world, plan):
    client.force_login(world.owner)
    response = client.post(
        _url("plans:review-create", plan),
        {
            "date": "2026-11-20",
            "participants_ours": "Katrin Amann",
            "participants_customer": "Dr. Petra Schulz",
            "agenda": "Rückblick\nZiele 2027",
            "results": "",
        },
    )
    review = plan.reviews.get()
    assert response.url == _url("plans:review-detail", plan, review.pk)
    assert (
        client.post(
            _url("plans:review-action", plan, review.pk),
            {
                "title": "Pilotprojekt starten",
                "owner": world.teammate.pk,
                "due_date": "2027-02-01",
                "notes": "",
            },
        ).status_code
        == 302
    )
    failed = client.post(_url("plans:review-complete", plan, review.pk), {"version": "1"}, follow=True)
    assert "Record the results of the review before completing it." in failed.content.decode()

    client.post(
        _url("plans:review-edit", plan, review.pk),
        {
            "version": "1",
            "date": "2026-11-20",
            "participants_ours": "Katrin Amann",
            "participants_customer": "Dr. Petra Schulz",
            "agenda": "Rückblick",
            "results": "Rahmenvertrag verlängert",
        },
    )
    done = client.post(_url("plans:review-complete", plan, review.pk), {"version": "2"}, follow=True)
    html = done.content.decode()
    assert "version 1 of the plan is frozen" in html
    assert "Pilotprojekt starten" in html
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED and review.frozen_version.number == 1
    assert Action.objects.get(title="Pilotprojekt starten").review == review


def test_the_next_cycle_is_started_from_the_plan_page(client, world, plan):
    client.force_login(world.owner)
    response = client.post(_url("plans:next-cycle", plan), {"fiscal_year": "2027", "plan_type": "existing"})
    new = Plan.objects.get(fiscal_year=2027)
    assert response.url == _url("plans:detail", new)
    assert "Started from the plan 2026" in _html(client.get(response.url))


def test_the_plan_pages_speak_german(client, world, plan):
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)
    html = _html(client.get(_url("plans:detail", plan), HTTP_ACCEPT_LANGUAGE="de"))
    assert 'lang="de"' in html


def test_the_list_and_plan_pages_need_a_fixed_number_of_queries(client, world, plan):
    client.force_login(world.owner)
    list_url = reverse("plans:list", args=[world.account.pk])
    detail_url = _url("plans:detail", plan)
    client.get(list_url)  # the first request of a session does some bookkeeping of its own
    list_before, detail_before = _queries(client, list_url), _queries(client, detail_url)
    for n in range(3):
        other = PlanFactory(account=world.account, fiscal_year=2020 + n)
        GoalFactory(plan=other)
        GoalFactory(plan=plan)
        TopicFactory(plan=plan)
        ActionFactory(plan=plan, owner=world.teammate)
        AnnualReviewFactory(plan=plan)
    assert _queries(client, list_url) == list_before
    assert _queries(client, detail_url) == detail_before
    assert detail_before <= 40

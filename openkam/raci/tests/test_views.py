"""The pages of the RACI matrix: the matrix, editing in place (htmx) and without JavaScript, rows,
tasks, templates and the duties on My tasks."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.raci.models import RaciAssignment, RaciTask
from openkam.raci.selectors import raci_duties_for_user
from openkam.testing.factories import TeamMembershipFactory, UserFactory
from openkam.users.choices import Role

from .factories import annual_review

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name, world, *args):
    return reverse(f"raci:{name}", args=[world.account.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _letters(task) -> dict[str, str]:
    return {
        a.user.last_name: a.letter for a in RaciAssignment.objects.filter(task=task).select_related("user")
    }


def _cell(html: str, user) -> str:
    match = re.search(rf'<td class="raci-cell[^"]*" data-user="{user.pk}">(.*?)</td>', html, re.S)
    assert match, f"no cell of {user}"
    return match.group(1)


def _shown_letter(html: str, user) -> str:
    match = re.search(r'<span class="raci-letter" aria-hidden="true">([^<]*)</span>', _cell(html, user))
    return match.group(1) if match else ""


# The matrix --------------------------------------------------------------------------------------


def test_the_matrix_shows_tasks_by_people_with_a_legend_and_flags_who_left(client, world):
    leaver = UserFactory(first_name="Lars", last_name="Lenz", role=Role.MEMBER)
    annual_review(world)
    annual_review(world, title="Escalations", letters={world.owner: "A", leaver: "R"})
    client.force_login(world.teammate)

    html = _html(client.get(_url("matrix", world)))

    heads = re.findall(r'<th scope="col" class="raci-person[^"]*" data-user="(\d+)">', html)
    assert heads == [str(u.pk) for u in (world.owner, world.teammate, world.extended, leaver)]
    assert "no longer on the team" in html
    rows = re.findall(r'<span class="raci-title">([^<]+)</span>', html)
    assert rows == ["Annual review", "Escalations"]
    first_row = html[html.index('id="task-') : html.index("</tr>", html.index('id="task-'))]
    assert [_shown_letter(first_row, u) for u in (world.owner, world.teammate, world.extended)] == [
        "A",
        "R",
        "I",
    ]
    # The legend of the five letters, the rule check, and edit links for the core team.
    for label in ("Responsible", "Accountable / approves", "Supporting", "Consulted", "Informed"):
        assert f"</span> {label}</dt>" in html
    assert "Lars Lenz is no longer on the team but still holds a letter for “Escalations”." in html
    assert 'data-flag="former_member"' in html
    assert "Add a task" in html and 'hx-get="/accounts/' in html
    assert 'aria-current="page">RACI matrix</a>' in html


def test_readers_see_the_matrix_without_buttons(client, world):
    annual_review(world)
    client.force_login(world.extended)

    html = _html(client.get(_url("matrix", world)))

    assert "Annual review" in html
    assert "Add a task" not in html
    assert "hx-get" not in html
    assert "Edit row" not in html


def test_the_matrix_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for n in range(6):
        annual_review(world, title=f"Task {n}")
    for _ in range(3):
        TeamMembershipFactory(account=world.account)
    client.force_login(world.owner)
    client.get(_url("matrix", world))  # warm the session

    # Session, user, account, memberships, team users, tasks, their letters with the people.
    with django_assert_num_queries(7):
        html = _html(client.get(_url("matrix", world)))
    assert html.count('<tr id="task-') == 6


def test_an_empty_matrix_points_to_the_templates(client, world):
    client.force_login(world.owner)
    html = _html(client.get(_url("matrix", world)))
    assert "The matrix has no tasks yet." in html
    assert _url("templates", world) in html


# Editing a cell in place -------------------------------------------------------------------------


def test_clicking_a_cell_opens_a_select_in_its_row(client, world):
    task = annual_review(world)
    client.force_login(world.owner)

    html = _html(client.get(_url("cell", world, task.pk, world.extended.pk), **HTMX))

    assert html.startswith(f'<tr id="task-{task.pk}"')
    cell = _cell(html, world.extended)
    assert f'hx-post="{_url("cell", world, task.pk, world.extended.pk)}"' in cell
    assert '<option value="I" selected>I – Informed</option>' in cell
    assert 'name="version" value="1"' in cell


def test_a_cell_edit_that_breaks_a_rule_shows_why_and_the_cell_keeps_its_letter(client, world):
    task = annual_review(world)
    client.force_login(world.teammate)

    html = _html(
        client.post(_url("cell", world, task.pk, world.extended.pk), {"letter": "A", "version": "1"}, **HTMX)
    )

    cell = _cell(html, world.extended)
    assert 'role="alert"' in cell
    assert "“Annual review” already has an Accountable: Katrin Amann." in cell
    assert "Stored: <strong>I</strong>" in cell
    assert 'name="move_accountable" value="on"' in cell
    assert "Move the Accountable to Eva Ebert" in cell
    assert _shown_letter(html, world.owner) == "A"
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "I"}

    # The offered move hands the Accountable on in one edit.
    html = _html(
        client.post(
            _url("cell", world, task.pk, world.extended.pk),
            {"letter": "A", "version": "1", "move_accountable": "on"},
            **HTMX,
        )
    )
    assert _shown_letter(html, world.extended) == "A"
    assert _shown_letter(html, world.owner) == "·"
    assert 'data-version="2"' in html
    assert _letters(task) == {"Teich": "R", "Ebert": "A"}


def test_a_valid_cell_edit_answers_with_the_updated_row(client, world):
    task = annual_review(world)
    client.force_login(world.owner)

    html = _html(
        client.post(_url("cell", world, task.pk, world.extended.pk), {"letter": "C", "version": "1"}, **HTMX)
    )

    assert html.startswith(f'<tr id="task-{task.pk}"')
    assert _shown_letter(html, world.extended) == "C"
    assert 'role="status">Saved</span>' in _cell(html, world.extended)
    assert "raci-cell-form" not in html
    entry = AuditEntry.objects.get(action="raci.letters.update")
    assert entry.changes == {"Eva Ebert": ["I", "C"]}


def test_a_stale_cell_edit_gets_the_conflict_message(client, world):
    task = annual_review(world)
    client.force_login(world.owner)
    url = _url("cell", world, task.pk, world.extended.pk)
    client.post(url, {"letter": "C", "version": "1"}, **HTMX)

    html = _html(client.post(url, {"letter": "S", "version": "1"}, **HTMX))

    assert "Someone else saved this in the meantime." in _cell(html, world.extended)
    assert 'name="version" value="2"' in _cell(html, world.extended)
    assert _letters(task)["Ebert"] == "C"
    # Saving again on top of the stored version works.
    html = _html(client.post(url, {"letter": "S", "version": "2"}, **HTMX))
    assert _shown_letter(html, world.extended) == "S"


def test_without_javascript_the_cell_is_a_page_and_saving_returns_to_the_matrix(client, world):
    task = annual_review(world)
    client.force_login(world.owner)
    url = _url("cell", world, task.pk, world.teammate.pk)

    page = _html(client.get(url))
    assert "<h1>Annual review: Tom Teich</h1>" in page
    assert "hx-post" not in page

    refused = _html(client.post(url, {"letter": "C", "version": "1"}))
    assert "Tom Teich is the only Responsible for “Annual review”" in refused

    response = client.post(_url("cell", world, task.pk, world.extended.pk), {"letter": "R", "version": "1"})
    assert response.status_code == 302
    assert response.url == _url("matrix", world) + f"#task-{task.pk}"
    response = client.post(url, {"letter": "C", "version": "2"})
    assert response.status_code == 302
    assert _letters(task) == {"Amann": "A", "Teich": "C", "Ebert": "R"}


def test_people_outside_the_matrix_have_no_cell(client, world):
    task = annual_review(world)
    client.force_login(world.owner)
    assert client.get(_url("cell", world, task.pk, world.other_kam.pk)).status_code == 404


def test_cancelling_answers_with_the_row_as_stored(client, world):
    task = annual_review(world)
    client.force_login(world.extended)  # readers may load rows too
    html = _html(client.get(_url("row", world, task.pk), **HTMX))
    assert html.startswith(f'<tr id="task-{task.pk}"')
    assert _shown_letter(html, world.teammate) == "R"


# Rows and tasks ----------------------------------------------------------------------------------


def test_the_row_editor_hands_on_the_accountable(client, world):
    task = annual_review(world)
    client.force_login(world.teammate)
    url = _url("row-edit", world, task.pk)
    page = _html(client.get(url))
    assert f'name="letter_{world.owner.pk}"' in page

    refused = _html(
        client.post(
            url,
            {f"letter_{world.owner.pk}": "A", f"letter_{world.teammate.pk}": "A", "version": "1"},
        )
    )
    assert "“Annual review” can have only one Accountable, not 2 (Katrin Amann, Tom Teich)." in refused

    response = client.post(
        url,
        {
            f"letter_{world.owner.pk}": "C",
            f"letter_{world.teammate.pk}": "A",
            f"letter_{world.extended.pk}": "R",
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert _letters(task) == {"Amann": "C", "Teich": "A", "Ebert": "R"}


def test_a_new_task_needs_its_accountable_and_responsible(client, world):
    client.force_login(world.owner)
    url = _url("task-create", world)

    page = _html(
        client.post(
            url, {"title": "Visit plan", "accountable": world.owner.pk, "responsible": [world.owner.pk]}
        )
    )
    assert "Katrin Amann is the Accountable already" in page
    assert not RaciTask.objects.exists()

    response = client.post(
        url,
        {
            "title": "Visit plan",
            "accountable": world.owner.pk,
            "responsible": [world.teammate.pk, world.extended.pk],
        },
    )
    task = RaciTask.objects.get()
    assert response.url.endswith(f"#task-{task.pk}")
    assert _letters(task) == {"Amann": "A", "Teich": "R", "Ebert": "R"}
    # Only people on the team can be chosen.
    assert (
        client.post(
            url, {"title": "X", "accountable": world.other_kam.pk, "responsible": [world.teammate.pk]}
        ).status_code
        == 200
    )
    assert RaciTask.objects.count() == 1


def test_tasks_are_renamed_moved_and_removed(client, world):
    first = annual_review(world, title="First", position=0)
    second = annual_review(world, title="Second", position=1)
    client.force_login(world.owner)

    client.post(
        _url("task-edit", world, second.pk), {"title": "Second, renamed", "description": "", "version": "1"}
    )
    conflict = _html(client.post(_url("task-edit", world, second.pk), {"title": "Other", "version": "1"}))
    assert "Someone else saved this in the meantime." in conflict
    client.post(_url("task-move", world, second.pk), {"direction": "up"})
    assert list(RaciTask.objects.order_by("position").values_list("title", flat=True)) == [
        "Second, renamed",
        "First",
    ]
    assert client.post(_url("task-move", world, second.pk), {"direction": "sideways"}).status_code == 400

    client.post(_url("task-delete", world, first.pk))
    assert list(RaciTask.objects.values_list("title", flat=True)) == ["Second, renamed"]


# Templates ---------------------------------------------------------------------------------------


def test_the_templates_page_previews_the_letters_for_this_team(client, world):
    annual_review(world, template_key="annual_review")
    client.force_login(world.owner)

    html = _html(client.get(_url("templates", world)))

    assert html.count('<article class="card raci-template"') == 8
    framework = html[html.index('id="template-framework_contract"') : html.index("</article>")]
    assert "Global key account manager, Key account manager of the account" in framework
    assert "Katrin Amann" in framework and "Tom Teich, Eva Ebert" in framework
    review = html[html.index('id="template-annual_review"') :]
    assert "In the matrix" in review[: review.index("</article>")]
    assert "Add all 7 missing templates" in html


def test_applying_all_templates_adds_the_missing_tasks_and_says_what_to_adapt(client, world):
    client.force_login(world.teammate)

    response = client.post(_url("template-apply", world), follow=True)

    html = _html(response)
    assert "8 tasks added from the templates." in html
    assert "nobody on the team has a role the template makes Responsible (Engineering)" in html
    assert RaciTask.objects.filter(account=world.account).count() == 8
    assert client.post(_url("template-apply", world), {"key": "nonsense"}).status_code == 400


# The timeline and My tasks -----------------------------------------------------------------------


def test_letter_changes_read_well_on_the_account_timeline(client, world):
    task = annual_review(world)
    client.force_login(world.owner)
    client.post(_url("cell", world, task.pk, world.extended.pk), {"letter": "R", "version": "1"}, **HTMX)

    html = _html(client.get(reverse("accounts:detail", args=[world.account.pk])))

    assert "changed letters in the RACI matrix: Annual review" in html
    assert "Eva Ebert: Informed → Responsible" in html


def test_the_timeline_names_the_letters_in_the_readers_language(client, world):
    task = annual_review(world)
    client.force_login(world.owner)  # edits in English
    client.post(_url("cell", world, task.pk, world.extended.pk), {"letter": "R", "version": "1"}, **HTMX)
    world.teammate.language = "de"
    world.teammate.save()
    client.force_login(world.teammate)

    html = _html(client.get(reverse("accounts:detail", args=[world.account.pk])))

    assert "Eva Ebert: Informiert → Durchführungsverantwortlich" in html
    assert "Informed" not in html


def test_the_my_tasks_partial_lists_duties_per_account(world):
    annual_review(world)
    annual_review(world, title="Escalations", letters={world.owner: "A", world.teammate: "S"})

    html = render_to_string("raci/_my_tasks.html", {"raci_duties": raci_duties_for_user(world.teammate)})

    assert "My RACI duties" in html
    assert re.findall(r'aria-hidden="true">(\w)</span> ([^<]+?) <span', html) == [
        ("R", "Annual review"),
        ("S", "Escalations"),
    ]
    assert reverse("raci:matrix", args=[world.account.pk]) in html
    empty = render_to_string("raci/_my_tasks.html", {"raci_duties": []})
    assert "You hold no letter in the RACI matrix of any account." in empty

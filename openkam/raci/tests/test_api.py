"""The RACI API: the matrix, tasks, cells, templates and my duties."""

import json

import pytest
from django.test import Client

from openkam.core.models import AuditEntry
from openkam.raci.models import RaciAssignment, RaciTask
from openkam.testing.factories import KeyAccountFactory, UserFactory
from openkam.users.choices import Role

from .factories import annual_review

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1/accounts"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _call(client, method, path, body=None):
    return client.generic(
        method, path, data=b"" if body is None else json.dumps(body), content_type="application/json"
    )


def _letters(task) -> dict[str, str]:
    return {
        a.user.last_name: a.letter for a in RaciAssignment.objects.filter(task=task).select_related("user")
    }


def test_the_matrix_lists_people_tasks_and_problems(world):
    leaver = UserFactory(first_name="Lars", last_name="Lenz", role=Role.MEMBER)
    task = annual_review(world, letters={world.owner: "A", leaver: "R"})

    body = _client(world.extended).get(f"{PREFIX}/{world.account.pk}/raci").json()

    assert [(p["name"], p["is_kam"], p["scope"], p["on_team"]) for p in body["people"]] == [
        ("Katrin Amann", True, "", True),
        ("Tom Teich", False, "core", True),
        ("Eva Ebert", False, "extended", True),
        ("Lars Lenz", False, "", False),
    ]
    assert body["tasks"] == [
        {
            "id": task.pk,
            "title": "Annual review",
            "description": "",
            "template_key": "",
            "position": task.position,
            "version": 1,
            "letters": [{"user_id": world.owner.pk, "letter": "A"}, {"user_id": leaver.pk, "letter": "R"}],
            "problems": ["former_member"],
        }
    ]
    assert [(p["kind"], p["user_id"]) for p in body["problems"]] == [
        ("former_member", leaver.pk),
        ("no_duty", world.teammate.pk),
        ("no_duty", world.extended.pk),
    ]


def test_a_task_is_created_with_its_letters_and_the_rules_answer_422(world):
    client = _client(world.teammate)
    url = f"{PREFIX}/{world.account.pk}/raci/tasks"

    refused = _call(
        client,
        "POST",
        url,
        {"title": "Visit plan", "letters": [{"user_id": world.owner.pk, "letter": "A"}]},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {
        "letters": ["“Visit plan” needs at least one Responsible: give someone the letter R."]
    }
    outsider = _call(
        client,
        "POST",
        url,
        {
            "title": "Visit plan",
            "letters": [
                {"user_id": world.owner.pk, "letter": "A"},
                {"user_id": world.other_kam.pk, "letter": "R"},
            ],
        },
    )
    assert outsider.status_code == 422
    assert "Otto" not in outsider.content.decode()  # no names of people outside the team
    assert _call(client, "POST", url, {"title": "X", "letters": [], "owner": 1}).status_code == 422

    created = _call(
        client,
        "POST",
        url,
        {
            "title": "Visit plan",
            "letters": [
                {"user_id": world.owner.pk, "letter": "A"},
                {"user_id": world.teammate.pk, "letter": "R"},
            ],
        },
    )
    assert created.status_code == 201
    assert created.json()["letters"] == [
        {"user_id": world.owner.pk, "letter": "A"},
        {"user_id": world.teammate.pk, "letter": "R"},
    ]


def test_a_cell_that_breaks_a_rule_answers_422_and_the_accountable_can_be_moved(world):
    task = annual_review(world)
    client = _client(world.owner)
    url = f"{PREFIX}/{world.account.pk}/raci/tasks/{task.pk}/cells/{world.extended.pk}"

    refused = _call(client, "PUT", url, {"letter": "A", "version": 1})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["letter"][0].startswith(
        "“Annual review” already has an Accountable: Katrin Amann."
    )
    assert _letters(task)["Ebert"] == "I"

    moved = _call(client, "PUT", url, {"letter": "A", "version": 1, "move_accountable": True})
    assert moved.status_code == 200
    assert moved.json()["version"] == 2
    assert _letters(task) == {"Teich": "R", "Ebert": "A"}

    stale = _call(client, "PUT", url, {"letter": "C", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 2
    outsider = f"{PREFIX}/{world.account.pk}/raci/tasks/{task.pk}/cells/{world.other_kam.pk}"
    assert _call(client, "PUT", outsider, {"letter": "C"}).status_code == 422


def test_clearing_cells(world):
    task = annual_review(world)
    client = _client(world.owner)
    base = f"{PREFIX}/{world.account.pk}/raci/tasks/{task.pk}/cells"

    assert _call(client, "DELETE", f"{base}/{world.teammate.pk}").status_code == 422  # the only Responsible
    assert _call(client, "DELETE", f"{base}/{world.extended.pk}?version=1").status_code == 204
    assert (
        _call(client, "DELETE", f"{base}/{world.extended.pk}?version=1").status_code == 204
    )  # empty already
    assert _call(client, "DELETE", f"{base}/{world.teammate.pk}?verison=2").status_code == 422
    assert _letters(task) == {"Amann": "A", "Teich": "R"}


def test_patch_renames_and_replaces_the_row_in_one_edit(world):
    task = annual_review(world)
    client = _client(world.teammate)
    url = f"{PREFIX}/{world.account.pk}/raci/tasks/{task.pk}"

    response = _call(
        client,
        "PATCH",
        url,
        {
            "version": 1,
            "title": "Annual review with the board",
            "letters": [
                {"user_id": world.teammate.pk, "letter": "A"},
                {"user_id": world.owner.pk, "letter": "R"},
            ],
        },
    )

    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["version"]) == ("Annual review with the board", 3)
    assert _letters(task) == {"Amann": "R", "Teich": "A"}
    assert _call(client, "PATCH", url, {"version": 1, "title": "Old"}).status_code == 409
    broken = _call(client, "PATCH", url, {"letters": [{"user_id": world.owner.pk, "letter": "R"}]})
    assert broken.status_code == 422
    assert _call(client, "PATCH", url, {"title": None}).status_code == 422
    task.refresh_from_db()
    assert task.title == "Annual review with the board"


def test_tasks_move_and_are_deleted(world):
    first = annual_review(world, title="First", position=0)
    second = annual_review(world, title="Second", position=1)
    client = _client(world.owner)
    base = f"{PREFIX}/{world.account.pk}/raci/tasks"

    moved = _call(client, "POST", f"{base}/{second.pk}/move", {"direction": "up"})
    assert (moved.status_code, moved.json()["position"]) == (200, 0)
    assert _call(client, "POST", f"{base}/{second.pk}/move", {"direction": "left"}).status_code == 422
    assert _call(client, "DELETE", f"{base}/{first.pk}").status_code == 204
    assert list(RaciTask.objects.values_list("title", flat=True)) == ["Second"]
    other = annual_review(world, account=world.other_account)
    assert _call(client, "DELETE", f"{base}/{other.pk}").status_code == 404


def test_templates_are_listed_with_their_letters_for_the_team_and_applied(world):
    client = _client(world.owner)
    base = f"{PREFIX}/{world.account.pk}/raci/templates"

    templates = client.get(base).json()
    framework = next(t for t in templates if t["key"] == "framework_contract")
    assert framework["suggested"][1] == {
        "letter": "A",
        "roles": "Global key account manager, Key account manager of the account",
    }
    assert {"user_id": world.owner.pk, "letter": "A"} in framework["for_team"]
    assert not framework["applied"]

    applied = _call(client, "POST", f"{base}/apply", {"keys": ["framework_contract", "technical_solutions"]})
    assert applied.status_code == 200
    body = applied.json()
    assert [t["title"] for t in body["created"]] == [
        "Global framework contract",
        "Technical solution proposals",
    ]
    assert len(body["notes"]) == 1
    again = _call(client, "POST", f"{base}/apply", {}).json()
    assert again["skipped"] == ["framework_contract", "technical_solutions"]
    assert len(again["created"]) == 6
    assert _call(client, "POST", f"{base}/apply", {"keys": ["nope"]}).status_code == 422
    assert AuditEntry.objects.filter(action="raci.task.create").count() == 8


def test_my_duties_show_only_accounts_i_may_see(world):
    annual_review(world)
    # The teammate left another account's team: it is no longer visible, nor are its duties.
    former_account = KeyAccountFactory(owner=world.other_kam)
    annual_review(
        world, account=former_account, title="Hidden", letters={world.other_kam: "A", world.teammate: "R"}
    )

    body = _client(world.teammate).get("/api/v1/me/raci-duties").json()

    assert body == [
        {
            "account_id": world.account.pk,
            "account_name": world.account.customer.display_name,
            "duties": [
                {
                    "task_id": RaciTask.objects.get(title="Annual review").pk,
                    "title": "Annual review",
                    "letter": "R",
                }
            ],
        }
    ]
    assert _client(world.other_kam).get("/api/v1/me/raci-duties").json()[0]["duties"][0]["title"] == "Hidden"
    assert Client().get("/api/v1/me/raci-duties").status_code == 401

"""The buying-center pages: list, a person's page, the relationship map and the forms."""

import re

import pytest
from defusedxml import ElementTree as ET
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openkam.core.models import AuditEntry
from openkam.stakeholders.choices import Attitude, BuyingRole, HierarchyLevel, Influence
from openkam.stakeholders.models import Stakeholder
from openkam.testing.factories import TeamMembershipFactory

from .factories import BuyingCenterMemberFactory, StakeholderFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _url(name, world, *extra):
    return reverse(f"stakeholders:{name}", args=[world.account.pk, *extra])


def _small_center(world):
    """A CEO (champion, coach) with a head of purchasing (blocker) below her."""
    ceo = BuyingCenterMemberFactory(
        account=world.account,
        first_name="Clara",
        last_name="Chef",
        function="Geschäftsführerin",
        hierarchy_level=HierarchyLevel.EXECUTIVE,
        buying_roles=[BuyingRole.DECISION_MAKER],
        attitude=Attitude.CHAMPION,
        influence=Influence.VERY_HIGH,
        is_coach=True,
        relationship_owner=world.owner,
    )
    head = BuyingCenterMemberFactory(
        account=world.account,
        first_name="Bernd",
        last_name="Block",
        function="Einkaufsleiter",
        reports_to=ceo,
        buying_roles=[BuyingRole.BUYER, BuyingRole.BLOCKER],
        attitude=Attitude.OPPONENT,
        relationship_owner=world.teammate,
    )
    return ceo, head


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_shows_the_buying_center_by_level_with_everything_the_team_needs(client, world):
    ceo, _head = _small_center(world)
    client.force_login(world.manager)

    response = client.get(_url("list", world))

    html = response.content.decode()
    rows = html.split("<tbody>")[1]
    assert rows.index("Clara Chef") < rows.index("Bernd Block") < rows.index(str(world.stakeholder))
    for text in (
        "Executive",
        "Decision maker",
        "Blocker",
        "★ </span>Coach",
        "Champion",
        "Opponent",
        "Very high",
    ):
        assert text in html, text
    assert "Katrin Amann" in html and "Tom Teich" in html
    assert "reports to Clara Chef" in html
    # Management reads: no add or edit links.
    assert _url("create", world) not in html and _url("edit", world, ceo.pk) not in html


def test_editors_get_add_and_edit_links_but_not_for_anonymised_people(client, world):
    ceo, _head = _small_center(world)
    Stakeholder.objects.filter(pk=ceo.pk).update(anonymised_at=timezone.now())
    client.force_login(world.teammate)

    html = client.get(_url("list", world)).content.decode()

    assert _url("create", world) in html
    assert _url("edit", world, world.stakeholder.pk) in html
    assert _url("edit", world, ceo.pk) not in html and "anonymised" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": "executive"}, {"Clara Chef"}),
        ({"role": "blocker"}, {"Bernd Block"}),
        ({"attitude": "-2"}, {"Bernd Block"}),
        ({"owner": "0"}, {"world"}),
        ({"level": "operational"}, set()),
    ],
)
def test_the_filters_run_on_the_server_and_htmx_gets_only_the_table(client, world, query, expected):
    ceo, head = _small_center(world)
    client.force_login(world.owner)

    response = client.get(_url("list", world), query, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    names = {ceo.pk: "Clara Chef", head.pk: "Bernd Block", world.stakeholder.pk: "world"}
    shown = {name for pk, name in names.items() if f'data-stakeholder="{pk}"' in html}
    assert shown == expected
    if not expected:
        assert "Nobody matches these filters." in html


def test_an_invalid_filter_is_reported_not_ignored(client, world):
    client.force_login(world.owner)

    html = client.get(_url("list", world), {"level": "board", "colour": "red"}).content.decode()

    assert "Select a valid choice" in html and "Unknown field(s): colour" in html


def test_the_list_needs_the_same_queries_for_1_and_40_stakeholders(client, world):
    client.force_login(world.owner)
    url = _url("list", world)
    _queries(client, url)
    few = _queries(client, url)
    boss = BuyingCenterMemberFactory(account=world.account, relationship_owner=world.owner)
    BuyingCenterMemberFactory.create_batch(
        39, account=world.account, reports_to=boss, relationship_owner=world.teammate
    )

    many = _queries(client, url)

    # session, user, account, stakeholders (boss and owner joined), owners for the filter,
    # the personality switch
    assert few == many == 6


def test_the_detail_page_shows_every_field_the_boss_and_the_direct_reports(client, world):
    ceo, head = _small_center(world)
    Stakeholder.objects.filter(pk=head.pk).update(notes="Vergleicht jedes Angebot mit Hallberg.")
    client.force_login(world.extended)

    html = client.get(_url("detail", world, head.pk)).content.decode()
    assert "Clara Chef" in html and _url("detail", world, ceo.pk) in html
    assert "Vergleicht jedes Angebot mit Hallberg." in html
    assert head.email in html and "Tom Teich" in html and "Opponent" in html
    assert _url("edit", world, head.pk) not in html  # the extended team reads only

    boss_page = client.get(_url("detail", world, ceo.pk)).content.decode()
    assert 'id="direct-reports"' in boss_page and "Bernd Block" in boss_page


def test_the_detail_page_needs_a_fixed_number_of_queries(client, world):
    ceo, _head = _small_center(world)
    client.force_login(world.owner)
    url = _url("detail", world, ceo.pk)
    _queries(client, url)
    few = _queries(client, url)
    BuyingCenterMemberFactory.create_batch(
        20, account=world.account, reports_to=ceo, relationship_owner=world.owner
    )

    # session, user, account, stakeholder (boss and owner joined), direct reports (owner joined)
    assert few == _queries(client, url) == 6


def test_a_stakeholder_of_another_account_is_not_found_on_any_page(client, world):
    client.force_login(world.owner)
    for name in ("detail", "edit"):
        assert client.get(_url(name, world, world.other_stakeholder.pk)).status_code == 404


def test_the_map_draws_the_org_chart_with_links_and_the_legend(client, world):
    ceo, head = _small_center(world)
    client.force_login(world.manager)

    response = client.get(_url("map", world))

    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    root = ET.fromstring(svg)
    assert [a.get("href") for a in root.iter(f"{SVG}a")][:2] == [
        _url("detail", world, ceo.pk),
        _url("detail", world, head.pk),
    ]
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Clara Chef", "Bernd Block", "−− Opponent", "++ Champion", "↔ Tom Teich"} <= texts
    assert "Attitude towards us:" in texts
    assert not re.search(r"\sstyle=", svg) and "<script" not in html.split("</head>")[1]


def test_map_filters_dim_who_does_not_match(client, world):
    ceo, _head = _small_center(world)
    client.force_login(world.owner)

    html = client.get(
        _url("map", world), {"role": "blocker"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert "<html" not in html
    root = ET.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])
    dimmed = {g.get("data-person") for g in root.iter(f"{SVG}g") if g.get("opacity")}
    assert dimmed == {str(ceo.pk), str(world.stakeholder.pk)}
    assert "map.svg?role=blocker" in html


def test_the_map_needs_a_fixed_number_of_queries(client, world):
    client.force_login(world.owner)
    url = _url("map", world)
    _queries(client, url)
    few = _queries(client, url)
    boss = BuyingCenterMemberFactory(account=world.account, relationship_owner=world.owner)
    BuyingCenterMemberFactory.create_batch(39, account=world.account, reports_to=boss)

    # session, user, account, owners for the filter, stakeholders (boss and owner joined)
    assert few == _queries(client, url) == 6


def test_the_map_downloads_as_a_valid_svg_without_links(client, world):
    _small_center(world)
    client.force_login(world.extended)

    response = client.get(_url("map-svg", world))

    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"] == (
        f'attachment; filename="relationship-map-{world.account.customer.number}.svg"'
    )
    root = ET.fromstring(response.content)
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Clara Chef", "Bernd Block", "Relationship map of Alpha Maschinenbau"} <= texts
    # A long generated name may be cut in its node; the tooltip always has it whole.
    tooltips = [t.text for t in root.iter(f"{SVG}title")]
    assert any(t.startswith(f"{world.stakeholder}\n") for t in tooltips)
    assert list(root.iter(f"{SVG}a")) == []


def test_an_empty_buying_center_explains_the_map(client, world):
    Stakeholder.objects.filter(account=world.account).delete()
    client.force_login(world.owner)

    html = client.get(_url("map", world)).content.decode()

    assert "No stakeholders recorded yet." in html and "<svg" not in html


# Forms ------------------------------------------------------------------------------------------


def _form_data(**values):
    data = {"first_name": "Jana", "last_name": "Jung", "function": "Konstrukteurin"}
    data.update(values)
    return data


def test_a_stakeholder_is_added_with_the_form_and_lands_on_the_buying_center(client, world):
    ceo, _head = _small_center(world)
    client.force_login(world.teammate)

    response = client.post(
        _url("create", world),
        _form_data(
            hierarchy_level="operational",
            reports_to=ceo.pk,
            buying_roles=["user", "influencer"],
            is_coach="on",
            attitude="1",
            influence="2",
            relationship_strength="3",
            relationship_owner=world.extended.pk,
            email="jana@kunde.example",
            notes="Kennt die Anlage genau.",
        ),
    )

    assert response.status_code == 302 and response.url == _url("list", world)
    jana = Stakeholder.objects.get(last_name="Jung")
    assert (jana.reports_to, jana.buying_roles, jana.is_coach) == (ceo, ["influencer", "user"], True)
    assert (jana.attitude, jana.influence, jana.relationship_strength) == (1, 2, 3)
    assert jana.relationship_owner == world.extended


def test_the_form_offers_only_people_of_the_account_and_colleagues_on_the_team(client, world):
    client.force_login(world.owner)
    TeamMembershipFactory(account=world.other_account, user__first_name="Xaver", user__last_name="Fremd")

    html = client.get(_url("edit", world, world.stakeholder.pk)).content.decode()

    reports_to = html.split('name="reports_to"')[1].split("</select>")[0]
    owners = html.split('name="relationship_owner"')[1].split("</select>")[0]
    assert str(world.other_stakeholder) not in reports_to
    assert f'value="{world.stakeholder.pk}"' not in reports_to  # not themselves
    assert "Katrin Amann" in owners and "Tom Teich" in owners and "Eva Ebert" in owners
    assert "Otto Ohm" not in owners and "Xaver Fremd" not in owners


def test_a_cycle_from_the_form_names_both_people(client, world):
    ceo, head = _small_center(world)
    client.force_login(world.owner)
    data = _form_data(first_name="Clara", last_name="Chef", reports_to=head.pk, version=ceo.version)

    response = client.post(_url("edit", world, ceo.pk), data)

    assert response.status_code == 200
    assert (
        "Clara Chef cannot report to Bernd Block: Bernd Block already reports to Clara Chef"
        in response.content.decode()
    )


def test_add_a_direct_report_preselects_the_boss_and_an_alert_the_level(client, world):
    ceo, _head = _small_center(world)
    client.force_login(world.owner)

    html = client.get(_url("create", world), {"reports_to": ceo.pk}).content.decode()
    foreign = client.get(_url("create", world), {"reports_to": world.other_stakeholder.pk}).content.decode()

    assert f'<option value="{ceo.pk}" selected>' in html
    level = client.get(_url("create", world), {"hierarchy_level": "executive"}).content.decode()
    assert '<option value="executive" selected>' in level
    assert '<option value="" selected>' in foreign.split('name="reports_to"')[1].split("</select>")[0]


def test_two_form_edits_from_the_same_version_conflict_and_the_second_can_merge(client, world):
    client.force_login(world.owner)
    url = _url("edit", world, world.stakeholder.pk)
    person = world.stakeholder
    base = {"first_name": person.first_name, "last_name": person.last_name, "version": 1}

    assert client.post(url, base | {"function": "Geschäftsführer"}).status_code == 302
    response = client.post(url, base | {"function": "Prokurist"})

    html = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this in the meantime" in html
    assert "Saved meanwhile: <strong>Geschäftsführer</strong>" in html
    assert client.post(url, base | {"version": 2, "function": "Prokurist"}).status_code == 302
    person.refresh_from_db()
    assert person.function == "Prokurist" and person.version == 3


def test_an_anonymised_stakeholder_cannot_be_edited_from_the_page(client, world):
    Stakeholder.objects.filter(pk=world.stakeholder.pk).update(anonymised_at=timezone.now())
    client.force_login(world.owner)

    response = client.post(_url("edit", world, world.stakeholder.pk), _form_data(version=1))

    assert response.status_code == 302 and response.url == _url("detail", world, world.stakeholder.pk)
    assert Stakeholder.objects.get(pk=world.stakeholder.pk).last_name != "Jung"
    assert not AuditEntry.objects.filter(action="stakeholder.update").exists()


def test_the_account_page_links_the_buying_center_and_shows_role_and_attitude(client, world):
    ceo, _head = _small_center(world)
    client.force_login(world.owner)

    html = client.get(reverse("accounts:detail", args=[world.account.pk])).content.decode()

    assert _url("list", world) in html and _url("detail", world, ceo.pk) in html
    assert "Decision maker" in html and "Champion" in html


def test_stakeholder_factory_defaults_leave_the_assessment_open():
    assert StakeholderFactory.build().attitude is None


def test_a_conflict_on_the_roles_shows_the_roles_saved_meanwhile(client, world):
    client.force_login(world.owner)
    url = _url("edit", world, world.stakeholder.pk)
    base = {
        "first_name": world.stakeholder.first_name,
        "last_name": world.stakeholder.last_name,
        "version": 1,
    }
    client.post(url, base | {"buying_roles": ["decision_maker", "user"]})

    response = client.post(url, base | {"buying_roles": ["buyer"]})

    assert response.status_code == 200
    assert "Saved meanwhile: <strong>Decision maker, User</strong>" in response.content.decode()

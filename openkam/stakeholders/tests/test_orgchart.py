"""The relationship map's layout and drawing, on plain values (no database)."""

import itertools

import pytest
from defusedxml import ElementTree as ET

from openkam.stakeholders.choices import Attitude, BuyingRole, HierarchyLevel, Influence
from openkam.stakeholders.orgchart import (
    ATTITUDE_COLOURS,
    MAX_ROW_WIDTH,
    Person,
    layout_people,
    node_size,
    orgchart_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def _overlap(a, b) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


def _forty() -> list[Person]:
    """A CEO, four heads of department, three project leads and their teams: 40 people."""
    people = [Person(1, "Gabriele Geschäftsführerin", "Geschäftsführerin", None, HierarchyLevel.EXECUTIVE)]
    next_id = itertools.count(2)
    for head in range(4):
        head_id = next(next_id)
        people.append(Person(head_id, f"Leitung {head}", "Abteilungsleitung", 1, HierarchyLevel.PROJECT))
        if head < 3:
            lead_id = next(next_id)
            people.append(
                Person(lead_id, f"Projektleitung {head}", "Projektleitung", head_id, HierarchyLevel.PROJECT)
            )
            for member in range(4):
                people.append(
                    Person(
                        next(next_id),
                        f"Team {head}.{member}",
                        "Anwender",
                        lead_id,
                        HierarchyLevel.OPERATIONAL,
                    )
                )
        for member in range(4 if head < 3 else 8):
            people.append(
                Person(
                    next(next_id),
                    f"Mitarbeiter {head}.{member}",
                    "Sachbearbeitung",
                    head_id,
                    HierarchyLevel.OPERATIONAL,
                    influence=1 + member % 5,
                )
            )
    assert len(people) == 40
    return people


def test_an_empty_buying_center_has_an_empty_layout_and_a_valid_svg_saying_so():
    layout = layout_people([])

    assert layout.nodes == [] and layout.connectors == [] and layout.roots == []
    svg = orgchart_svg([], language="en", title="Map of Alpha", standalone=True)
    root = ET.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "No stakeholders recorded yet." in texts
    assert "Map of Alpha" in texts


def test_one_person_is_a_root_at_the_origin_sized_by_influence():
    layout = layout_people([Person(7, "Hanna Haupt", influence=Influence.HIGH)])

    (node,) = layout.nodes
    assert (node.x, node.y) == (0, 0)
    assert (node.width, node.height) == node_size(Influence.HIGH)
    assert (layout.width, layout.height) == node_size(Influence.HIGH)
    assert layout.roots == [7]


def test_influence_makes_a_node_larger():
    sizes = [node_size(level) for level in Influence.values]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    assert node_size(None) == node_size(Influence.VERY_LOW)


def test_forty_people_are_placed_once_without_overlaps_and_below_their_boss():
    people = _forty()
    layout = layout_people(people)

    assert sorted(n.person.id for n in layout.nodes) == sorted(p.id for p in people)
    for a, b in itertools.combinations(layout.nodes, 2):
        assert not _overlap(a, b), (a.person.name, b.person.name)
    placed = {n.person.id: n for n in layout.nodes}
    for node in layout.nodes:
        assert node.x >= 0 and node.x + node.width <= layout.width + 0.01
        assert node.y >= 0 and node.y + node.height <= layout.height + 0.01
        if node.person.reports_to is not None:
            boss = placed[node.person.reports_to]
            assert node.parent == boss.person.id
            assert node.y >= boss.y + boss.height
    # One connector per person with a boss. People without reports of their own are stacked in
    # columns: the chart is four departments wide, not the 27 people of its widest level.
    assert len(layout.connectors) == 39
    assert layout.width < 4 * 2 * node_size(Influence.VERY_HIGH)[0] + 3 * 24 + 4 * 24
    assert layout.roots == [1]


def test_a_boss_is_centred_over_reports_that_stand_side_by_side():
    people = [
        Person(1, "Chefin", level=HierarchyLevel.EXECUTIVE),
        Person(2, "Links", reports_to=1, level=HierarchyLevel.PROJECT, influence=5),
        Person(3, "Rechts", reports_to=1, level=HierarchyLevel.PROJECT),
    ]
    layout = layout_people(people)
    boss, first, second = (layout.node(i) for i in (1, 2, 3))

    centre = boss.x + boss.width / 2
    assert centre == pytest.approx(((first.x + first.width / 2) + (second.x + second.width / 2)) / 2)
    # Siblings by influence: the more influential one first.
    assert first.x < second.x


def test_people_whose_boss_is_not_on_the_map_are_roots_too_and_roots_wrap_into_rows():
    people = [Person(i, f"Person {i:02d}", reports_to=999 if i % 2 else None) for i in range(1, 13)]
    layout = layout_people(people)

    assert sorted(layout.roots) == list(range(1, 13))
    assert all(n.parent is None for n in layout.nodes)
    assert layout.width <= MAX_ROW_WIDTH
    assert len({n.y for n in layout.nodes}) > 1  # twelve people do not fit in one row


def test_a_loop_in_stored_data_is_cut_instead_of_hanging_the_layout():
    people = [
        Person(1, "Anna", reports_to=3),
        Person(2, "Bert", reports_to=1),
        Person(3, "Carl", reports_to=2),
        Person(4, "Dora", reports_to=2),
        Person(5, "Emil", reports_to=5),  # reports to himself
    ]
    layout = layout_people(people)

    assert sorted(n.person.id for n in layout.nodes) == [1, 2, 3, 4, 5]
    assert layout.broken == [1]  # Anna sorts first in the loop Anna → Carl → Bert → Anna
    assert sorted(layout.roots) == [1, 5]
    assert layout.node(2).parent == 1 and layout.node(3).parent == 2 and layout.node(4).parent == 2


def test_the_svg_shows_names_roles_attitude_as_colour_and_text_coach_and_owner():
    people = [
        Person(
            1,
            "Greta Gruber",
            "Leiterin Einkauf",
            roles=(BuyingRole.DECISION_MAKER, BuyingRole.BUYER),
            attitude=Attitude.OPPONENT,
            influence=Influence.VERY_HIGH,
            owner="Katrin Amann",
            url="/accounts/1/stakeholders/1/",
        ),
        Person(2, "Jana Jung", "Einkäuferin", reports_to=1, is_coach=True, url="/accounts/1/stakeholders/2/"),
    ]
    svg = orgchart_svg(people, language="en", title="Relationship map of Alpha")
    root = ET.fromstring(svg.encode())
    texts = [t.text for t in root.iter(f"{SVG}text")]

    assert "Greta Gruber" in texts and "Jana Jung" in texts
    assert "Decision maker, Buyer / purchasing" in texts
    assert "−− Opponent" in texts  # the symbol and the word, not colour alone
    assert "? Attitude unknown" in texts
    assert "↔ Katrin Amann" in texts and "↔ nobody of ours" in texts
    assert "●●●●●" in texts
    # The legend names every attitude with its symbol.
    for attitude, symbol in ((Attitude.CHAMPION, "++"), (Attitude.SCEPTIC, "−")):
        assert f"{symbol} {Attitude(attitude).label}" in texts
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert ATTITUDE_COLOURS[Attitude.OPPONENT][0] in fills
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == ["/accounts/1/stakeholders/1/", "/accounts/1/stakeholders/2/"]
    tooltips = [t.text for t in root.iter(f"{SVG}title")]
    assert any("Jana Jung" in t and "★ Coach" in t and "Last contact: none recorded" in t for t in tooltips)
    assert len(list(root.iter(f"{SVG}circle"))) == 2  # the coach badge and the legend's


def test_the_static_svg_has_no_links_and_escapes_what_people_typed():
    people = [Person(1, '<script>alert("x")</script> & Co', "Chef </text>", url="/x/")]
    svg = orgchart_svg(people, language="de", title="Karte & Co", links=False, standalone=True)

    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(svg.encode())
    assert list(root.iter(f"{SVG}a")) == []
    assert "<script>" not in svg
    assert any(t.text and t.text.startswith('<script>alert("x")') for t in root.iter(f"{SVG}text"))


def test_filtered_out_people_are_dimmed_but_stay_in_the_tree():
    people = [Person(1, "Chefin"), Person(2, "Ausgeblendet", reports_to=1, highlighted=False)]
    root = ET.fromstring(orgchart_svg(people, language="en", title="t").encode())

    groups = {g.get("data-person"): g for g in root.iter(f"{SVG}g") if g.get("data-person")}
    assert groups["1"].get("opacity") is None
    assert groups["2"].get("opacity") == "0.3"
    assert len(list(root.iter(f"{SVG}polyline"))) == 1


def test_long_names_are_cut_with_an_ellipsis_and_kept_whole_in_the_tooltip():
    name = "Dr. Hans-Joachim Oberdorfer-Schmidt von und zu Hohenfels"
    root = ET.fromstring(orgchart_svg([Person(1, name)], language="en", title="t").encode())

    shown = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("Dr. Hans")]
    assert shown and shown[0].endswith("…") and len(shown[0]) < len(name)
    assert any(t.text.startswith(name) for t in root.iter(f"{SVG}title") if t.text)

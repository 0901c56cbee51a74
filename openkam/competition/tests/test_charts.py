"""The importance–performance grid: classification, points and the chart spec (no database)."""

import json

import pytest

from openkam.analytics.charts import chart_spec, render
from openkam.competition.charts import (
    QUADRANTS,
    GridPoint,
    classify,
    grid_points,
    importance_performance_chart,
)


@pytest.mark.parametrize(
    ("importance", "performance", "quadrant"),
    [
        (5, 1, "concentrate"),
        (5, 5, "keep_up"),
        (1, 1, "low_priority"),
        (1, 5, "overkill"),
        (4, 2, "concentrate"),
        (2, 4, "overkill"),
    ],
)
def test_each_corner_of_the_grid_gets_its_quadrant(importance, performance, quadrant):
    assert classify(importance, performance) == quadrant


def test_a_rating_on_the_middle_line_counts_as_important_and_not_yet_strong():
    assert classify(3, 3) == "concentrate"
    assert classify(3, 4) == "keep_up"
    assert classify(2, 3) == "low_priority"
    assert classify(2, 4) == "overkill"


def test_another_midpoint_moves_the_lines():
    assert classify(4, 4, midpoint=4) == "concentrate"
    assert classify(3, 5, midpoint=4) == "overkill"


@pytest.mark.parametrize("bad", [0, 6, 2.5, True, None, "3"])
def test_ratings_off_the_scale_are_refused(bad):
    with pytest.raises(ValueError, match="1 to 5"):
        classify(bad, 3)
    with pytest.raises(ValueError, match="1 to 5"):
        GridPoint(number=1, requirement="x", importance=3, ours=bad)


def test_the_competitors_rating_may_be_missing_but_not_off_the_scale():
    assert GridPoint(number=1, requirement="x", importance=3, ours=3, theirs=None).theirs is None
    with pytest.raises(ValueError, match="competitor"):
        GridPoint(number=1, requirement="x", importance=3, ours=3, theirs=6)


def test_the_gap_is_ours_minus_the_competitors():
    assert GridPoint(1, "Liefertreue", importance=5, ours=2, theirs=4).gap == -2
    assert GridPoint(2, "Beratung", importance=4, ours=5, theirs=3).gap == 2
    assert GridPoint(3, "CAD-Daten", importance=2, ours=5).gap is None


def test_points_are_numbered_in_the_order_given():
    points = grid_points(
        [
            {"requirement": "A", "importance": 5, "ours": 2, "competitor": "Hallberg", "theirs": 4},
            {"requirement": "B", "importance": 1, "ours": 5},
        ]
    )

    assert [(p.number, p.requirement, p.quadrant, p.competitor) for p in points] == [
        (1, "A", "concentrate", "Hallberg"),
        (2, "B", "overkill", None),
    ]


def _values(spec, field):
    """The data rows of the layers that encode ``field`` on x (one dataset per layer)."""
    rows = []
    for layer in spec["layer"]:
        if layer.get("encoding", {}).get("x", {}).get("field") == field:
            rows.append(spec["datasets"][layer["data"]["name"]])
    return rows


def test_the_chart_draws_every_requirement_and_the_competitor_only_where_rated():
    points = grid_points(
        [
            {"requirement": "Liefertreue", "importance": 5, "ours": 2, "competitor": "Hallberg", "theirs": 4},
            {"requirement": "Beratung", "importance": 5, "ours": 4, "theirs": 3},
            {"requirement": "CAD-Daten", "importance": 2, "ours": 5},
        ]
    )

    spec = chart_spec(importance_performance_chart(points, language="en"), language="en")

    ours = _values(spec, "ours")[0]
    assert [(r["label"], r["quadrant"], r["gap"]) for r in ours] == [
        ("1", "Concentrate here", -2),
        ("2", "Keep up the good work", 1),
        ("3", "Possible overkill", None),
    ]
    # Without a name the comparison is with the main competitor.
    assert [r["competitor"] for r in ours] == ["Hallberg", "Main competitor", "Main competitor"]
    theirs = _values(spec, "theirs")
    assert theirs and all([r["requirement"] for r in rows] == ["Liefertreue", "Beratung"] for rows in theirs)
    # Two requirements of importance 5 share a row: they are spread apart, symmetrically.
    assert ours[0]["y"] == pytest.approx(4.925) and ours[1]["y"] == pytest.approx(5.075)
    assert ours[2]["y"] == 2
    texts = json.dumps(spec)
    for quadrant in QUADRANTS.values():
        assert str(quadrant.label) in texts
    assert spec["usermeta"]["embedOptions"]["formatLocale"]["decimal"] == "."


def test_an_empty_grid_keeps_its_axes_and_quadrants_but_draws_no_empty_point_layers():
    spec = importance_performance_chart([], language="en").to_dict()

    # Empty interactive layers would have no accessible name in the page.
    assert not [layer for layer in spec["layer"] if "tooltip" in layer.get("encoding", {})]
    assert [
        layer["encoding"]["x"]["title"]
        for layer in spec["layer"]
        if "title" in layer["encoding"].get("x", {})
    ] == ["Our performance"]
    assert len([layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]) == 4


def test_the_chart_speaks_the_locale_of_the_language():
    spec = chart_spec(importance_performance_chart([], language="de"), language="de")

    assert spec["usermeta"]["openkam"]["language"] == "de"
    assert spec["usermeta"]["embedOptions"]["formatLocale"]["decimal"] == ","


def test_the_chart_renders_as_svg_and_png_even_without_requirements():
    points = grid_points([{"requirement": "Liefertreue", "importance": 5, "ours": 2, "theirs": 4}])

    svg = render(importance_performance_chart(points, language="en"), "svg", language="en")
    png = render(importance_performance_chart([], language="de"), "png", language="de")

    assert svg.startswith(b"<svg") and b"Concentrate here" in svg
    assert png.startswith(b"\x89PNG")

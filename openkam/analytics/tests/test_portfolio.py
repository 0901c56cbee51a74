"""Portfolio matrix: quadrants, the boundary rule, sizes and validation."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest
from django.utils import translation

from openkam.analytics.portfolio import QUADRANTS, portfolio_positions, quadrant_for
from openkam.analytics.scoring import CriterionSpec, score_customers


def _scores(values: dict[str, float]) -> pa.Table:
    return pa.table(
        {"customer_number": list(values), "score": list(values.values()), "rank": [1] * len(values)}
    )


def _quadrants(result: pa.Table) -> dict[str, str]:
    return dict(
        zip(result.column("customer_number").to_pylist(), result.column("quadrant").to_pylist(), strict=True)
    )


def test_the_four_quadrants_and_their_order():
    attractiveness = _scores({"inv": 80, "dev": 70, "mai": 20, "eff": 10})
    position = _scores({"inv": 90, "dev": 10, "mai": 60, "eff": 30})
    result = portfolio_positions(attractiveness, position)
    assert result.column_names == ["customer_number", "attractiveness", "position", "size", "quadrant"]
    assert _quadrants(result) == {"inv": "invest", "dev": "develop", "mai": "maintain", "eff": "efficient"}
    assert result.column("customer_number").to_pylist() == ["inv", "dev", "mai", "eff"]  # by attractiveness
    assert result.column("size").null_count == 4


def test_a_score_at_the_threshold_counts_as_high_and_strong():
    attractiveness = _scores({"a": 50.0, "b": 50.0, "c": 49.999, "d": 50.0 - 1e-12})
    position = _scores({"a": 50.0, "b": 49.9, "c": 50.0, "d": 50.0})
    assert _quadrants(portfolio_positions(attractiveness, position)) == {
        "a": "invest",
        "b": "develop",
        "c": "maintain",
        "d": "invest",  # 50 up to floating-point noise is 50
    }
    assert quadrant_for(50.0, 50.0) == "invest"
    assert quadrant_for(49.99, 50.0) == "maintain"
    assert quadrant_for(60.0, 80.0, threshold=70) == "maintain"
    assert quadrant_for(60.0, 35.0, threshold=70, position_threshold=30) == "maintain"


def test_a_score_of_exactly_fifty_from_the_scoring_model_is_on_the_boundary():
    # Two criteria of equal weight, one at 0 and one at 1: 50 points in exact arithmetic.
    table = pa.table({"customer_number": ["a", "b"], "x": [0.0, 1.0], "y": [1.0, 0.0]})
    scores = score_customers(table, [CriterionSpec("x", 0.1), CriterionSpec("y", 0.1)])
    assert set(_quadrants(portfolio_positions(scores, scores)).values()) == {"invest"}


def test_threshold_and_separate_position_threshold():
    attractiveness = _scores({"a": 65.0})
    position = _scores({"a": 35.0})
    assert _quadrants(portfolio_positions(attractiveness, position)) == {"a": "develop"}
    assert _quadrants(portfolio_positions(attractiveness, position, threshold=70)) == {"a": "efficient"}
    assert _quadrants(portfolio_positions(attractiveness, position, threshold=60, position_threshold=30)) == {
        "a": "invest"
    }


def test_size_from_a_table_with_decimals_and_gaps():
    attractiveness = _scores({"a": 80, "b": 20})
    position = _scores({"a": 80, "b": 20})
    size = pa.table({"customer_number": ["a"], "revenue": [Decimal("1234.50")]})
    rows = {
        r["customer_number"]: r for r in portfolio_positions(attractiveness, position, size=size).to_pylist()
    }
    assert rows["a"]["size"] == 1234.5
    assert rows["b"]["size"] is None
    several = pa.table({"customer_number": ["a"], "revenue": [1.0], "margin": [2.0]})
    with pytest.raises(ValueError, match="size_column"):
        portfolio_positions(attractiveness, position, size=several)
    picked = portfolio_positions(attractiveness, position, size=several, size_column="margin")
    assert picked.column("size").to_pylist() == [2.0, None]


def test_single_customer_and_empty_tables():
    assert _quadrants(portfolio_positions(_scores({"x": 0.0}), _scores({"x": 100.0}))) == {"x": "maintain"}
    empty = pa.table({"customer_number": pa.array([], pa.string()), "score": pa.array([], pa.float64())})
    assert portfolio_positions(empty, empty).num_rows == 0


@pytest.mark.parametrize("threshold", [0, 100, -5, float("nan"), "50", True])
def test_invalid_thresholds_are_refused(threshold):
    with pytest.raises(ValueError, match="between 0 and 100"):
        portfolio_positions(_scores({"a": 1}), _scores({"a": 1}), threshold=threshold)


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError, match="same customers"):
        portfolio_positions(_scores({"a": 1, "b": 2}), _scores({"a": 1, "c": 2}))
    with pytest.raises(ValueError, match="same customers"):
        portfolio_positions(_scores({"a": 1, "b": 2}), _scores({"a": 1}))
    with pytest.raises(ValueError, match="lacks the column 'score'"):
        portfolio_positions(pa.table({"customer_number": ["a"]}), _scores({"a": 1}))
    with pytest.raises(ValueError, match="one row per"):
        portfolio_positions(pa.concat_tables([_scores({"a": 1})] * 2), _scores({"a": 1}))
    with pytest.raises(ValueError, match="numeric"):
        portfolio_positions(
            _scores({"a": 1}), _scores({"a": 1}), size=pa.table({"customer_number": ["a"], "size": ["x"]})
        )


def test_quadrants_have_stable_keys_translatable_labels_and_strategies():
    assert list(QUADRANTS) == ["invest", "develop", "maintain", "efficient"]
    sides = {(q.high_attractiveness, q.strong_position) for q in QUADRANTS.values()}
    assert len(sides) == 4
    with translation.override("en"):
        assert str(QUADRANTS["develop"].label) == "Develop"
        assert "emerging key account" in str(QUADRANTS["develop"].strategy)
        assert all(str(q.strategy) for q in QUADRANTS.values())


def test_a_decimal_threshold_from_a_model_field_is_accepted():
    result = portfolio_positions(_scores({"a": 50.0}), _scores({"a": 49.5}), threshold=Decimal("49.5"))
    assert _quadrants(result) == {"a": "invest"}

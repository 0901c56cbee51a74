"""The selection every implementation of the benchmark computes: one fixed, realistic setup.

A head of KAM ranks customers on revenue, margin, growth, cross-selling breadth and recency,
places them in the portfolio by attractiveness (growth, order size, breadth) and our position
(margin, revenue, orders), classifies them A/B/C on revenue and looks at the whitespace of the
top 200. The normalisations are mixed on purpose (min-max, percentile rank, z-score), so every
rule of :mod:`openkam.analytics.scoring` is exercised.
"""

from __future__ import annotations

from datetime import date

from openkam.analytics.scoring import CriterionSpec as C

AS_OF = date(2025, 12, 31)
FISCAL_YEARS = (2023, 2024, 2025)
RANKING = (
    C("revenue", 3),
    C("margin", 2, normalisation="rank"),
    C("growth", 1, normalisation="zscore", missing="neutral"),
    C("product_groups", 1),
    C("recency_days", 1, direction="lower", normalisation="rank"),
)
ATTRACTIVENESS = (
    C("growth", 2, normalisation="rank", missing="neutral"),
    C("avg_order_value", 1, normalisation="zscore"),
    C("product_groups", 1),
)
POSITION = (
    C("margin", 2, normalisation="rank"),
    C("revenue", 1, normalisation="zscore"),
    C("orders", 1, normalisation="rank"),
)
ABC_VALUE = "revenue"
ABC_CUTOFFS = (0.8, 0.95)
THRESHOLD = 50.0
WHITESPACE_TOP = 200


def describe() -> str:
    """The configuration in one paragraph of Markdown, for the benchmark document."""

    def model(criteria) -> str:
        parts = []
        for c in criteria:
            extra = [c.normalisation]
            if c.direction == "lower":
                extra.append("lower is better")
            if c.missing != "worst":
                extra.append(f"missing = {c.missing}")
            parts.append(f"`{c.key}` ×{c.weight:g} ({', '.join(extra)})")
        return ", ".join(parts)

    return (
        f"as of {AS_OF.isoformat()}, fiscal years {', '.join(map(str, FISCAL_YEARS))}; "
        f"ranking: {model(RANKING)}; attractiveness: {model(ATTRACTIVENESS)}; "
        f"position: {model(POSITION)}; ABC on `{ABC_VALUE}` with cut-offs "
        f"{' / '.join(f'{c:g}' for c in ABC_CUTOFFS)}; portfolio threshold {THRESHOLD:g}; "
        f"whitespace of the top {WHITESPACE_TOP} by product group."
    )

"""Do two selection results agree? The benchmark compares every run with OpenKAM's.

Each result is a folder with ``customers.parquet`` (one row per customer: the metrics, then
``abc_class``, ``score``, ``rank``, ``quadrant``) and ``whitespace.parquet`` (the top
customers in rank order, one column per product group).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

SCORE_TOLERANCE = 1e-6  # absolute, on the 0..100 scale
# growth is a float quotient of two exact decimals; implementations may round it differently.
FLOAT_TOLERANCE = 1e-12  # relative
RESULT_COLUMNS = ("abc_class", "score", "rank", "quadrant")
MONEY = pa.decimal128(38, 2)


def _normalised(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Decimals as decimal(38, 2), integers as int64, so equal values compare equal across tools."""
    kind = column.type
    if pa.types.is_decimal(kind):
        return column.cast(MONEY)
    if pa.types.is_integer(kind):
        return column.cast(pa.int64())
    if pa.types.is_dictionary(kind):
        return column.cast(kind.value_type)
    if pa.types.is_large_string(kind):
        return column.cast(pa.string())
    if pa.types.is_timestamp(kind):
        return column.cast(pa.date32())
    return column


def _differences(name: str, ids: list, left: pa.ChunkedArray, right: pa.ChunkedArray) -> list[str]:
    left, right = _normalised(left), _normalised(right)
    if left.type != right.type:
        return [f"{name}: type {left.type} against {right.type}"]
    if pa.types.is_floating(left.type):
        a = left.to_numpy(zero_copy_only=False).astype(np.float64)
        b = right.to_numpy(zero_copy_only=False).astype(np.float64)
        if name == "score":  # points on 0..100: an absolute tolerance
            close = np.abs(a - b) <= SCORE_TOLERANCE
        else:
            close = np.isclose(a, b, rtol=FLOAT_TOLERANCE, atol=0.0)
        same = (np.isnan(a) & np.isnan(b)) | close
        bad = np.flatnonzero(~same)
    else:
        equal = pc.fill_null(pc.equal(left, right), False)
        both_null = pc.and_(pc.is_null(left), pc.is_null(right))
        bad = np.flatnonzero(~pc.or_(equal, both_null).to_numpy(zero_copy_only=False))
    if len(bad) == 0:
        return []
    examples = ", ".join(
        f"{ids[i]}: {left[int(i)].as_py()!r} against {right[int(i)].as_py()!r}" for i in bad[:3]
    )
    return [f"{name}: {len(bad):,} customers differ (e.g. {examples})"]


def compare(expected_dir: Path, actual_dir: Path, *, columns: list[str] | None = None) -> list[str]:
    """The differences of ``actual_dir`` from ``expected_dir`` (empty when they agree).

    ``columns`` limits the per-customer comparison (default: every column of the expected
    result); the whitespace table is always compared completely.
    """
    problems: list[str] = []
    expected = pq.read_table(Path(expected_dir) / "customers.parquet")
    actual = pq.read_table(Path(actual_dir) / "customers.parquet")
    key = [("customer_number", "ascending")]
    expected = expected.sort_by(key)
    actual = actual.sort_by(key)
    ids = _normalised(expected.column("customer_number")).to_pylist()
    if ids != _normalised(actual.column("customer_number")).to_pylist():
        missing = set(ids) ^ set(_normalised(actual.column("customer_number")).to_pylist())
        return [f"the customers differ ({len(missing):,} only on one side, e.g. {sorted(missing)[:3]})"]
    for name in columns or expected.column_names:
        if name == "customer_number":
            continue
        if name not in actual.column_names:
            problems.append(f"{name}: missing")
            continue
        problems += _differences(name, ids, expected.column(name), actual.column(name))

    ws_expected = pq.read_table(Path(expected_dir) / "whitespace.parquet")
    ws_actual = pq.read_table(Path(actual_dir) / "whitespace.parquet")
    if ws_expected.column_names != ws_actual.column_names:
        problems.append(
            f"whitespace: columns {ws_expected.column_names[:4]}… against {ws_actual.column_names[:4]}…"
        )
    else:
        ws_ids = _normalised(ws_expected.column("customer_number")).to_pylist()
        if ws_ids != _normalised(ws_actual.column("customer_number")).to_pylist():
            problems.append("whitespace: the customers or their order differ")
        else:
            for name in ws_expected.column_names[1:]:
                problems += [
                    "whitespace " + p
                    for p in _differences(name, ws_ids, ws_expected.column(name), ws_actual.column(name))
                ]
    return problems

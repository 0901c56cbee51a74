"""The selection benchmark's references agree with OpenKAM on a small ledger, and the
comparison notices a difference (``pytest bench``; the benchmark itself runs them at scale)."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from bench.selection import compare, ours, pandas_ref, sql
from bench.selection.ledgers import LedgerSpec, ensure_ledger


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("selection")
    ledger, _ = ensure_ledger(LedgerSpec.for_lines(30_000), cache=root / "ledgers", log=lambda m: None)
    folders = {}
    for name, module in (("ours", ours), ("sql", sql), ("pandas", pandas_ref)):
        folders[name] = root / name
        folders[name].mkdir()
        module.main(str(ledger), str(folders[name]))
    return folders


def test_the_references_compute_the_same_selection(results):
    assert compare.compare(results["ours"], results["sql"]) == []
    assert compare.compare(results["ours"], results["pandas"]) == []
    customers = pq.read_table(results["ours"] / "customers.parquet")
    assert customers.num_rows > 100
    assert set(customers.column("abc_class").to_pylist()) == {"A", "B", "C"}
    assert len(set(customers.column("quadrant").to_pylist())) == 4


def _plus_a_cent(column: pa.ChunkedArray) -> pa.ChunkedArray:
    cent = pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))
    return pc.add(column.cast(pa.decimal128(30, 2)), cent).cast(column.type)


def _changed(source, target, file: str, column: str, change) -> None:
    shutil.copytree(source, target)
    table = pq.read_table(target / file)
    index = table.column_names.index(column)
    pq.write_table(table.set_column(index, column, change(table.column(column))), target / file)


@pytest.mark.parametrize(
    ("file", "column", "change", "message"),
    [
        ("customers.parquet", "score", lambda c: pc.add(c, 2e-6), "score"),
        ("customers.parquet", "rank", lambda c: pc.add(c, 1), "rank"),
        ("customers.parquet", "abc_class", lambda c: pa.array(["C"] * len(c)), "abc_class"),
        ("customers.parquet", "quadrant", lambda c: pa.array(["invest"] * len(c)), "quadrant"),
        ("customers.parquet", "revenue", lambda c: _plus_a_cent(c), "revenue"),
        ("whitespace.parquet", "Bremsen", lambda c: _plus_a_cent(c), "Bremsen"),
    ],
)
def test_the_comparison_notices_a_difference(results, tmp_path, file, column, change, message):
    _changed(results["sql"], tmp_path / "changed", file, column, change)
    problems = compare.compare(results["ours"], tmp_path / "changed")
    assert problems and message in problems[0]

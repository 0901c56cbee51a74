"""The Spark path: the same metrics, whitespace and selection through Ibis' pyspark backend.

Spark runs in local mode on one core inside the test process (a JVM started by pyspark). It
needs the ``pyspark`` package and a Java runtime (Debian: ``apt-get install
openjdk-17-jre-headless``); without them the tests skip with the reason, which the suite's
plugin turns into a failure under ``CI=true``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import uuid
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from openkam.analytics.backends import arrow_ledger, read_ledger_parquet, spark_connect
from openkam.analytics.metrics import customer_metrics
from openkam.analytics.scoring import CriterionSpec
from openkam.analytics.selection import run_selection
from openkam.analytics.tests.test_metrics import AS_OF, EXPECTED, _write_hand_ledger
from openkam.analytics.whitespace import whitespace_matrix
from openkam.demo.generator import DemoSpec, generate_ledger

C = CriterionSpec

# pyspark 4.0 and Ibis 12 still call pandas APIs that pandas 3 deprecates; harmless here.
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


@pytest.fixture(scope="module")
def spark():
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip(
            "pyspark is not installed (pip install 'ibis-framework[pyspark]'); the Spark test needs it"
        )
    if _java() is None:
        pytest.skip("No Java runtime (apt-get install openjdk-17-jre-headless); the Spark test needs it")
    con = spark_connect(master="local[1]", app_name="openkam-tests")
    con._session.sparkContext.setLogLevel("ERROR")
    yield con
    con._session.stop()
    # py4j logs "closing connection" from __del__ at interpreter exit, after pytest closed the
    # streams ("I/O operation on closed file"); it has nothing to say that we need.
    logging.getLogger("py4j").setLevel(logging.ERROR)


@pytest.fixture(scope="module")
def hand_ledger(tmp_path_factory):
    return _write_hand_ledger(tmp_path_factory.mktemp("spark-hand") / "ledger.parquet")


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("spark-demo") / "ledger.parquet"
    generate_ledger(DemoSpec(customers=200, lines=4_000, accounts=0, chunk_rows=2_000), path=path)
    return path


def _on_spark(spark, path):
    return spark.create_table(f"ledger_{uuid.uuid4().hex[:8]}", obj=arrow_ledger(path))


def test_hand_ledger_metrics_match_the_hand_computation_and_duckdb(spark, hand_ledger):
    result = customer_metrics(_on_spark(spark, hand_ledger), as_of=AS_OF, fiscal_years=[2024, 2025])
    duck = customer_metrics(read_ledger_parquet(hand_ledger), as_of=AS_OF, fiscal_years=[2024, 2025])
    rows = {row.pop("customer_number"): row for row in result.to_pylist()}
    assert rows == EXPECTED
    assert result.to_pylist() == duck.to_pylist()
    assert result.schema.field("revenue").type == pa.decimal128(38, 2)
    assert result.schema.field("last_purchase").type == pa.date32()
    assert isinstance(rows["K001"]["avg_order_value"], Decimal)
    assert rows["K001"]["first_purchase"] == date(2024, 3, 10)


def test_demo_ledger_metrics_equal_duckdb_value_by_value(spark, demo_ledger):
    on_spark = _on_spark(spark, demo_ledger)
    on_duck = read_ledger_parquet(demo_ledger)
    for kwargs in (
        {"as_of": date(2025, 9, 30)},
        {"as_of": date(2025, 12, 31), "fiscal_years": [2024, 2025], "period_start": date(2025, 4, 1)},
    ):
        spark_rows = customer_metrics(on_spark, **kwargs).to_pylist()
        duck_rows = customer_metrics(on_duck, **kwargs).to_pylist()
        assert len(spark_rows) == len(duck_rows) > 150
        for spark_row, duck_row in zip(spark_rows, duck_rows, strict=True):
            assert spark_row == duck_row, spark_row["customer_number"]


def test_whitespace_and_the_whole_selection_equal_duckdb(spark, demo_ledger):
    on_spark = _on_spark(spark, demo_ledger)
    on_duck = read_ledger_parquet(demo_ledger)
    as_of = date(2025, 12, 31)
    customers = customer_metrics(on_duck, as_of=as_of).column("customer_number").to_pylist()[:25]
    assert (
        whitespace_matrix(on_spark, customers, as_of=as_of).to_pylist()
        == whitespace_matrix(on_duck, customers, as_of=as_of).to_pylist()
    )
    options = {
        "as_of": as_of,
        "fiscal_years": [2024, 2025],
        "ranking": [
            C("revenue", 2),
            C("growth", 1, normalisation="zscore"),
            C("recency_days", 1, direction="lower"),
        ],
        "attractiveness": [C("revenue_2025", 1), C("growth", 1, normalisation="rank")],
        "position": [C("product_groups", 1), C("orders", 1)],
        "whitespace_top": 20,
    }
    spark_selection = run_selection(on_spark, **options)
    duck_selection = run_selection(on_duck, **options)
    for part in ("metrics", "abc", "scores", "portfolio", "whitespace"):
        assert getattr(spark_selection, part).to_pylist() == getattr(duck_selection, part).to_pylist(), part

"""Convert and validate a whole file in DuckDB SQL, all or nothing, and write the result to Parquet.

Every cell is converted in SQL (text → date, decimal, code) next to the conditions under which
it is invalid; the same expressions decide in both passes:

- **One pass** (CSV and Parquet sources with an invoice-line column): ``COPY (SELECT … FROM
  read_csv(…)) TO 'out.parquet'``, where any row that meets a condition stops the query. The
  checks across rows (customer master, duplicates, earlier imports) then run on the written
  file. This pass proves a file clean; it does not report, so rows may be written in any order
  (DuckDB's threads need not wait for each other).
- **Collecting pass** (when the first one found a problem, and for workbooks and files without
  line numbers): the mapped columns go into a DuckDB temporary table in file order (DuckDB
  spills to disk beyond its memory limit), every error of every cell and every check across
  rows is recorded in ``okam_errors`` with its row, and the converted rows are written only when
  there is none.

Rows count as a spreadsheet user counts them: the header is row 1 of a CSV file; workbooks use
the sheet's row numbers; Parquet records are numbered from 1. Completely empty rows are ignored.
Nothing here touches Django models: the database lookups arrive as callbacks in ``Checks``.
"""

# Every SQL text here is built from quote_ident/quote_literal or from our own constants; values
# read from files never become SQL text, they only flow through DuckDB's columns.
# ruff: noqa: S608

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .choices import ImportKind, date_format_label
from .countries import COUNTRY_CODES
from .fields import COUNTRY, CURRENCY, DATE, DECIMAL, TargetField, fields_for
from .readers import FormatOptions, Limits, quote_ident, quote_literal

MARKER = "openkam: invalid value"
MONEY = "DECIMAL(18,2)"
NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER")
NUMERIC_TYPES += ("UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")

LEDGER_OUTPUT = (
    ("invoice_id", "VARCHAR"),
    ("line_id", "VARCHAR"),
    ("invoice_date", "DATE"),
    ("customer_number", "VARCHAR"),
    ("product", "VARCHAR"),
    ("product_group", "VARCHAR"),
    ("business_unit", "VARCHAR"),
    ("site", "VARCHAR"),
    ("quantity", "DECIMAL(18,3)"),
    ("net_revenue", MONEY),
    ("cost", MONEY),
    ("currency", "VARCHAR"),
)
CUSTOMER_OUTPUT = tuple(
    (name, "VARCHAR")
    for name in ("number", "name", "legal_form", "industry", "country", "city", "parent_number")
)
STRUCTURE_CODES = {
    "TOO MANY COLUMNS": "too_many_fields",
    "MISSING COLUMNS": "too_few_fields",
    "UNQUOTED VALUE": "bad_quotes",
    "LINE SIZE OVER MAXIMUM": "line_too_long",
    "INVALID UNICODE": "bad_encoding",
    "INVALID ENCODING": "bad_encoding",
}


@dataclass
class Source:
    """A file as DuckDB reads it.

    ``columns`` maps each source column name to its SQL identifier in ``relation`` and
    ``types`` to its DuckDB type (text files: VARCHAR). ``row_expr`` is an expression for the
    row number where the relation carries one (workbooks); otherwise rows are numbered by
    position plus ``row_offset``. ``rejects_relation`` re-reads a CSV file recording structural
    errors instead of failing on the first.
    """

    relation: str
    columns: dict[str, str]
    types: dict[str, str]
    row_offset: int = 2
    row_expr: str | None = None
    rejects_relation: str | None = None
    one_pass: bool = True
    empty_is_null: bool = False


def csv_source(path: Path, *, delimiter: str, columns: list[str], limits: Limits) -> Source:
    """A UTF-8 CSV file with a header row, every column read as text (``c0, c1, …``)."""
    idents = {name: f"c{i}" for i, name in enumerate(columns)}
    spec = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(columns))) + "}"
    base = (
        f"{quote_literal(str(path))}, delim={quote_literal(delimiter)}, quote='\"', escape='\"', "
        f"header=true, auto_detect=false, columns={spec}, strict_mode=true, "
        f"max_line_size={int(limits.max_line_bytes)}, encoding='utf-8'"
    )
    return Source(
        relation=f"read_csv({base})",
        columns=idents,
        types=dict.fromkeys(columns, "VARCHAR"),
        row_offset=2,
        rejects_relation=f"read_csv({base}, store_rejects=true, ignore_errors=true)",
        empty_is_null=True,
    )


def parquet_source(path: Path, schema: list[tuple[str, str]]) -> Source:
    """A Parquet file with typed columns; records are numbered from 1."""
    return Source(
        relation=f"read_parquet({quote_literal(str(path))})",
        columns={name: quote_ident(name) for name, _type in schema},
        types=dict(schema),
        row_offset=1,
    )


def workbook_source(path: Path, columns: list[str]) -> Source:
    """The Parquet work file ``readers.xlsx_to_parquet`` wrote (text columns and ``__row``)."""
    return Source(
        relation=f"read_parquet({quote_literal(str(path))})",
        columns={name: f"c{i}" for i, name in enumerate(columns)},
        types=dict.fromkeys(columns, "VARCHAR"),
        row_expr="__row",
        one_pass=False,
    )


@dataclass
class Checks:
    """Lookups outside the file that validation needs, handed in by the caller.

    - ``missing_customers(numbers)`` returns those of ``numbers`` not in the customer master;
    - ``existing_keys`` is SQL for ``(invoice_id, line_id, source)`` of the ledger files
      imported before, ``existing_labels[source]`` names each of them for messages;
    - ``master_parents()`` returns ``{number: parent number or None}`` of the customer master.
    """

    missing_customers: Callable[[list[str]], set[str]] | None = None
    existing_keys: str | None = None
    existing_labels: list[str] = field(default_factory=list)
    master_parents: Callable[[], dict[str, str | None]] | None = None


@dataclass
class Outcome:
    """What validation found: rows read, errors, and the converted file when there is no error."""

    rows_read: int = 0
    error_count: int = 0
    output: Path | None = None
    structural: bool = False


class Validator:
    """Validates one file for one import kind on a DuckDB connection it owns for the duration.

    Use ``run`` once, then ``error_count`` / ``iter_errors`` to read what was found.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        kind: str,
        source: Source,
        mapping: dict[str, str],
        options: FormatOptions,
        limits: Limits,
        checks: Checks,
    ):
        self.con = con
        self.kind = kind
        self.source = source
        self.mapping = {k: v for k, v in mapping.items() if v}
        self.options = options
        self.limits = limits
        self.checks = checks
        self.fields = [f for f in fields_for(kind) if f.name in self.mapping]
        self.position = {name: i for i, name in enumerate(source.columns)}
        self.outputs = LEDGER_OUTPUT if kind == ImportKind.LEDGER else CUSTOMER_OUTPUT
        self.generated_lines = kind == ImportKind.LEDGER and "line_id" not in self.mapping

    # SQL pieces ----------------------------------------------------------------------------

    def _column(self, field: TargetField) -> tuple[str, str]:
        name = self.mapping[field.name]
        return self.source.columns[name], self.source.types.get(name, "VARCHAR").upper()

    def _text(self, ident: str, ctype: str) -> str:
        if ctype in ("FLOAT", "DOUBLE"):
            # Customer numbers stored as floating point: 102494.0 means "102494".
            as_text = (
                f"CASE WHEN {ident} = trunc({ident}) AND abs({ident}) < 1e15 "
                f"THEN CAST(CAST({ident} AS BIGINT) AS VARCHAR) ELSE CAST({ident} AS VARCHAR) END"
            )
        elif ctype == "VARCHAR":
            # Most cells have no surrounding spaces: test for them before paying for trim().
            # DuckDB's CSV reader gives NULL for empty fields, other sources may give ''.
            untrimmed = ident if self.source.empty_is_null else f"NULLIF({ident}, '')"
            return (
                f"CASE WHEN prefix({ident}, ' ') OR suffix({ident}, ' ') "
                f"THEN NULLIF(trim({ident}), '') ELSE {untrimmed} END"
            )
        else:
            as_text = f"CAST({ident} AS VARCHAR)"
        return f"NULLIF(trim({as_text}), '')"

    def _field_sql(self, field: TargetField) -> tuple[list[tuple[str, str]], list[tuple[str, str]], str]:
        """``([(alias, expression)], [(condition, error code)], error parameter expression)``.

        The aliases ``__<field>_t`` (input) and ``__<field>_v`` (converted value) may refer to
        earlier aliases. A value is invalid when one of the conditions holds; the first one that
        holds names the reason. The conditions are written so that an empty cell meets none but
        "required", and every one is safe to evaluate on every row.
        """
        ident, ctype = self._column(field)
        p = f"__{field.name}"
        required = self._required(field)
        missing = [(f"{p}_t IS NULL", "'required'")] if required else []
        given = f"{p}_t IS NOT NULL"
        if field.type == DATE:
            fmt = self.options.date_format or "%d.%m.%Y"
            out_of_range = (f"{p}_v IS NOT NULL AND NOT year({p}_v) BETWEEN 1900 AND 2100", "'date_range'")
            if ctype.startswith(("DATE", "TIMESTAMP")):
                cols = [(f"{p}_t", ident), (f"{p}_v", f"CAST({ident} AS DATE)")]
                return cols, [*missing, out_of_range], "NULL"
            parse = f"try_strptime({p}_t, {quote_literal(fmt)})"
            if fmt != "%Y-%m-%d":
                parse = f"COALESCE({parse}, try_strptime({p}_t, '%Y-%m-%d'))"
            cols = [(f"{p}_t", self._text(ident, ctype)), (f"{p}_v", f"CAST({parse} AS DATE)")]
            rules = [*missing, (f"{given} AND {p}_v IS NULL", "'date_format'"), out_of_range]
            return cols, rules, quote_literal(date_format_label(fmt))
        if field.type == DECIMAL:
            return self._decimal_sql(field, ident, ctype, missing)
        if field.type == CURRENCY:
            cols = [
                (f"{p}_t", f"upper({self._text(ident, ctype)})"),
                (f"{p}_v", f"COALESCE({p}_t, {quote_literal(self.options.default_currency or 'EUR')})"),
            ]
            return cols, [(f"{given} AND NOT regexp_full_match({p}_t, '[A-Z]{{3}}')", "'currency'")], "NULL"
        if field.type == COUNTRY:
            codes = ", ".join(quote_literal(c) for c in sorted(COUNTRY_CODES))
            cols = [(f"{p}_t", f"upper({self._text(ident, ctype)})"), (f"{p}_v", f"{p}_t")]
            return cols, [*missing, (f"{given} AND {p}_t NOT IN ({codes})", "'country'")], "NULL"
        limit = min(field.max_length or self.limits.max_cell_chars, self.limits.max_cell_chars)
        cols = [(f"{p}_t", self._text(ident, ctype)), (f"{p}_v", f"{p}_t")]
        # strlen() counts bytes and costs nothing; characters are counted only when it matters.
        too_long = f"CASE WHEN strlen({p}_t) > {limit} THEN length({p}_t) > {limit} ELSE false END"
        return cols, [*missing, (too_long, "'too_long'")], quote_literal(str(limit))

    def _decimal_sql(self, field: TargetField, ident: str, ctype: str, missing: list[tuple[str, str]]):
        p, scale = f"__{field.name}", field.scale
        target = f"DECIMAL(18,{scale})"
        given = f"{p}_t IS NOT NULL"
        if ctype.startswith(NUMERIC_TYPES):
            if ctype.startswith(("FLOAT", "DOUBLE")):
                excess = f"abs({ident} - round({ident}, {scale})) > 1e-9 * greatest(1, abs({ident}))"
            elif ctype.startswith("DECIMAL"):
                excess = f"{ident} <> round({ident}, {scale})"
            else:
                excess = "false"
            cols = [(f"{p}_t", ident), (f"{p}_v", f"TRY_CAST({ident} AS {target})")]
            rules = [
                *missing,
                (f"{given} AND {p}_v IS NULL", "'too_large'"),
                (f"{given} AND {excess}", "'decimals'"),
            ]
            return cols, rules, quote_literal(str(scale))
        decimal = self.options.decimal
        thousands = self.options.thousands
        if thousands == decimal:
            thousands = ""
        d, t = re.escape(decimal), re.escape(thousands)
        number = "\\d+" + (f"|\\d{{1,3}}({t}\\d{{3}})+" if thousands else "")

        def pattern(decimals: str) -> str:
            # Sign in front, or a trailing minus as SAP and other ERPs write credit notes.
            body = f"({number})({d}\\d{decimals})?"
            return f"[+-]?{body}|[+-]?{d}\\d{decimals}|{body}-"

        signed = f"CASE WHEN suffix({p}_t, '-') THEN '-' || rtrim({p}_t, '-') ELSE {p}_t END"
        plain = signed if decimal == "." else f"replace({signed}, {quote_literal(decimal)}, '.')"
        if thousands:
            # Most exported numbers have no digit grouping: strip it only where there is some.
            grouped = f"replace({signed}, {quote_literal(thousands)}, '')"
            if decimal != ".":
                grouped = f"replace({grouped}, {quote_literal(decimal)}, '.')"
            signed = f"CASE WHEN contains({p}_t, {quote_literal(thousands)}) THEN {grouped} ELSE {plain} END"
        else:
            signed = plain
        # The pattern admits at most ``scale`` decimals, so a valid value costs one regular
        # expression and one cast; only invalid ones are looked at again for the reason.
        cols = [
            (f"{p}_t", self._text(ident, ctype)),
            (f"{p}_ok", f"regexp_full_match({p}_t, {quote_literal(pattern('{0,' + str(scale) + '}'))})"),
            (f"{p}_v", f"CASE WHEN {p}_ok THEN TRY_CAST({signed} AS {target}) END"),
        ]
        rules = [
            *missing,
            (
                f"{given} AND NOT {p}_ok",
                f"CASE WHEN regexp_full_match({p}_t, {quote_literal(pattern('*'))}) THEN 'decimals' ELSE 'number' END",
            ),
            (f"{given} AND {p}_v IS NULL", "'too_large'"),
        ]
        return cols, rules, quote_literal(str(scale))

    def _required(self, field: TargetField) -> bool:
        """Cost and margin: each is required only when the other is not mapped."""
        if field.name == "cost":
            return "margin" not in self.mapping
        if field.name == "margin":
            return "cost" not in self.mapping
        return field.required

    def _pair_rules(self) -> list[tuple[str, str]]:
        """With both cost and margin mapped, one of them must be given and they must agree."""
        if self.kind != ImportKind.LEDGER or not {"cost", "margin"} <= set(self.mapping):
            return []
        return [
            ("__cost_t IS NULL AND __margin_t IS NULL", "'required'"),
            (
                "__cost_v IS NOT NULL AND __margin_v IS NOT NULL AND __net_revenue_v IS NOT NULL "
                "AND __net_revenue_v - __margin_v <> __cost_v",
                "'margin_mismatch'",
            ),
        ]

    def _converted(self, relation: str, row: str) -> tuple[str, dict[str, str], str]:
        """``relation`` with every field's input and value added, and its error codes.

        Returns the SQL of the relation (with ``__<field>_e``, the error code of each field,
        only when ``row`` is given: the collecting pass), ``{field: parameter expression}`` and
        a condition that holds for rows with any error (the one-pass guard; plain conditions,
        much cheaper than computing codes). Expressions refer to earlier ones by alias; they are
        stacked in nested SELECTs by dependency, so DuckDB computes every one once.
        """
        definitions: list[tuple[str, str]] = [("__row", row)] if row else []
        params: dict[str, str] = {}
        rules: dict[str, list[tuple[str, str]]] = {}
        for target in self.fields:
            cols, field_rules, param = self._field_sql(target)
            definitions += cols
            rules[target.name] = field_rules
            params[target.name] = param
        if pair := self._pair_rules():
            rules["cost"] = pair + rules["cost"]
        empty = " AND ".join(f"__{f.name}_t IS NULL" for f in self.fields) or "false"
        definitions.append(("__empty", f"({empty})"))
        if row:
            for name, field_rules in rules.items():
                whens = " ".join(f"WHEN {condition} THEN {code}" for condition, code in field_rules)
                definitions.append((f"__{name}_e", f"CASE {whens} END" if whens else "CAST(NULL AS VARCHAR)"))
        guard = " OR ".join(
            f"COALESCE({c}, false)" for field_rules in rules.values() for c, _code in field_rules
        )
        levels: dict[str, int] = {}
        for alias, expr in definitions:
            levels[alias] = 1 + max((levels[d] for d in re.findall(r"__\w+", expr) if d in levels), default=0)
        current = relation
        for level in range(1, max(levels.values(), default=0) + 1):
            items = ", ".join(f"{expr} AS {alias}" for alias, expr in definitions if levels[alias] == level)
            current = f"(SELECT *, {items} FROM {current})"
        return current, params, guard or "false"

    def _output_select(self) -> str:
        """The canonical output columns, from the converted values."""
        names = set(self.mapping)
        items = []
        for name, sql_type in self.outputs:
            if name == "cost" and self.kind == ImportKind.LEDGER:
                if "cost" in names and "margin" in names:
                    expr = "COALESCE(__cost_v, __net_revenue_v - __margin_v)"
                elif "margin" in names:
                    expr = "__net_revenue_v - __margin_v"
                else:
                    expr = "__cost_v"
            elif name == "line_id" and self.generated_lines:
                # Lines without a number are numbered within their invoice, in file order.
                expr = "CAST(row_number() OVER (PARTITION BY __invoice_id_v ORDER BY __row) AS VARCHAR)"
            elif name == "currency" and name not in names:
                expr = quote_literal(self.options.default_currency or "EUR")
            elif name in names:
                expr = f"__{name}_v"
            else:
                expr = "NULL"
            items.append(f"CAST({expr} AS {sql_type}) AS {name}")
        return ", ".join(items)

    def _copy(self, query: str, output: Path) -> int:
        output.parent.mkdir(parents=True, exist_ok=True)
        return self.con.execute(
            f"COPY ({query}) TO {quote_literal(str(output))} "
            "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 122880)"
        ).fetchall()[0][0]

    # Running -------------------------------------------------------------------------------

    def run(self, output: Path, progress: Callable[[int, str], None] | None = None) -> Outcome:
        """Validate the file and, when it is free of errors, write the converted rows to ``output``.

        ``output`` is left behind only with an error-free outcome. Unexpected DuckDB errors
        (disk full, out of memory) propagate.
        """
        say = progress or (lambda percent, step: None)
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE okam_errors (row BIGINT, position INTEGER, column_name VARCHAR, "
            "field VARCHAR, value VARCHAR, code VARCHAR, param VARCHAR)"
        )
        outcome = Outcome()
        try:
            if self.source.one_pass and not self.generated_lines:
                say(20, "convert")
                if self._clean_in_one_pass(output, outcome, say):
                    outcome.output = output
                    return outcome
                output.unlink(missing_ok=True)
            say(30, "collect")
            outcome.rows_read = self._collecting_pass()
        except _Structural:
            output.unlink(missing_ok=True)
            outcome.structural = True
            self._collect_structure_errors()
            outcome.error_count = self.error_count()
            return outcome
        say(70, "check")
        self._cross_checks()
        outcome.error_count = self.error_count()
        if outcome.error_count or not outcome.rows_read:
            return outcome
        say(80, "write")
        order = " ORDER BY __row" if self.generated_lines else ""
        self._copy(f"SELECT {self._output_select()} FROM okam_conv WHERE NOT __empty{order}", output)
        outcome.output = output
        return outcome

    def _clean_in_one_pass(self, output: Path, outcome: Outcome, say) -> bool:
        """Convert and write in one pass, then check across rows; True when the file is clean.

        The pass proves a file clean, it does not report: rows are written in any order (no
        row numbers, so DuckDB's threads need not wait for each other), and any problem sends
        the file to the collecting pass, which finds every error with its row.
        """
        converted, _params, guard = self._converted(self.source.relation, "")
        query = (
            f"SELECT {self._output_select()} FROM {converted} "
            f"WHERE CASE WHEN __empty OR {guard} THEN error({quote_literal(MARKER)}) ELSE true END"
        )
        self.con.execute("SET preserve_insertion_order = false")
        try:
            outcome.rows_read = self._copy(query, output)
        except duckdb.InvalidInputException as exc:
            if MARKER in str(exc):
                return False
            if self.source.rejects_relation:
                raise _Structural from exc
            raise
        finally:
            self.con.execute("SET preserve_insertion_order = true")
        say(60, "check")
        # Positions in the written file are no file rows, but they tell repeated keys apart.
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW okam_checked AS SELECT file_row_number AS __row, * "
            f"FROM read_parquet({quote_literal(str(output))}, file_row_number=true)"
        )
        self._cross_checks()
        if self.error_count() or not outcome.rows_read:
            self.con.execute("DELETE FROM okam_errors")
            return False
        return True

    def _collecting_pass(self) -> int:
        mapped = sorted({self.source.columns[c] for c in self.mapping.values()})
        row = self.source.row_expr
        select = ", ".join(([f"{row} AS __src_row"] if row else []) + mapped)
        try:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE okam_raw AS SELECT {select} FROM {self.source.relation}"
            )
        except duckdb.InvalidInputException as exc:
            if self.source.rejects_relation:
                raise _Structural from exc
            raise
        row_sql = "__src_row" if row else f"rowid + {self.source.row_offset}"
        converted, params, _guard = self._converted("okam_raw", row_sql)
        # The raw columns stay in the view: an error shows the value exactly as the file has it.
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW okam_conv AS SELECT * FROM {converted}")
        for name, param in params.items():
            column = self.mapping[name]
            ident = self.source.columns[column]
            self.con.execute(
                f"INSERT INTO okam_errors SELECT __row, {self.position[column]}, {quote_literal(column)}, "
                f"{quote_literal(name)}, left(CAST({ident} AS VARCHAR), 200), __{name}_e, "
                f"CASE WHEN __{name}_e IN ('decimals', 'date_format', 'too_long') THEN {param} END "
                f"FROM okam_conv WHERE __{name}_e IS NOT NULL AND NOT __empty"
            )
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW okam_checked AS SELECT __row, {self._output_select()} "
            "FROM okam_conv WHERE NOT __empty"
        )
        return self.con.execute("SELECT count(*) FROM okam_conv WHERE NOT __empty").fetchall()[0][0]

    def _collect_structure_errors(self) -> None:
        """Record every line DuckDB could not split into the header's columns."""
        # Every column is read (a count alone would skip them), so that bytes that are no valid
        # UTF-8 are found too.
        lengths = ", ".join(f"max(strlen({ident}))" for ident in self.source.columns.values())
        self.con.execute(f"SELECT count(*), {lengths} FROM {self.source.rejects_relation}").fetchall()
        cases = " ".join(
            f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in STRUCTURE_CODES.items()
        )
        self.con.execute(
            "INSERT INTO okam_errors SELECT DISTINCT line, 0, '', '', left(trim(csv_line, chr(10) || chr(13)), 200), "
            f"CASE CAST(error_type AS VARCHAR) {cases} ELSE 'unreadable' END, "
            f"CASE WHEN CAST(error_type AS VARCHAR) = 'LINE SIZE OVER MAXIMUM' THEN '{int(self.limits.max_line_bytes)}' "
            f"ELSE '{len(self.source.columns)}' END FROM reject_errors"
        )
        if not self.error_count():
            raise RuntimeError("DuckDB could not read the file but reported no line.")

    # Checks across rows --------------------------------------------------------------------

    def _error_column(self, name: str) -> tuple[int, str]:
        column = self.mapping[name]
        return self.position[column], column

    def _cross_checks(self) -> None:
        if self.kind == ImportKind.LEDGER:
            self._check_customers()
            if not self.generated_lines:
                self._check_duplicates(("invoice_id", "line_id"), "duplicate_line", "line_id")
            self._check_earlier_imports()
        else:
            self._check_duplicates(("number",), "duplicate_customer", "number")
            self._check_parents()

    def _register(self, name: str, values: list[str]) -> None:
        import pyarrow as pa

        self.con.register(name, pa.table({"value": pa.array(values, type=pa.string())}))

    def _check_customers(self) -> None:
        if self.checks.missing_customers is None:
            return
        numbers = [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT customer_number FROM okam_checked WHERE customer_number IS NOT NULL"
            ).fetchall()
        ]
        missing = sorted(self.checks.missing_customers(numbers))
        if not missing:
            return
        self._register("okam_missing", missing)
        position, column = self._error_column("customer_number")
        self.con.execute(
            f"INSERT INTO okam_errors SELECT __row, {position}, {quote_literal(column)}, 'customer_number', "
            "customer_number, 'customer_unknown', NULL FROM okam_checked "
            "WHERE customer_number IN (SELECT value FROM okam_missing)"
        )

    def _check_duplicates(self, keys: tuple[str, ...], code: str, shown: str) -> None:
        """Every repetition of a key after its first row (grouped by hash, then checked exactly)."""
        key_list = ", ".join(keys)
        not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
        value = " || ' / ' || ".join(keys)
        position, column = self._error_column(shown if shown in self.mapping else keys[0])
        # First only the hashes that occur more than once: no such hash (the usual case) proves
        # every key unique with one aggregation of 64-bit integers, without keeping the keys.
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE okam_repeated AS SELECT hash({key_list}) AS h "
            f"FROM okam_checked WHERE {not_null} GROUP BY h HAVING count(*) > 1"
        )
        if not self.con.execute("SELECT count(*) FROM okam_repeated").fetchall()[0][0]:
            return
        self.con.execute(
            f"""
            INSERT INTO okam_errors
            WITH k AS (SELECT __row, {key_list}, hash({key_list}) AS h FROM okam_checked WHERE {not_null}),
                 c AS (SELECT k.*, min(__row) OVER (PARTITION BY {key_list}) AS first_row
                       FROM k SEMI JOIN okam_repeated USING (h))
            SELECT __row, {position}, {quote_literal(column)}, {quote_literal(shown)}, left({value}, 200),
                   {quote_literal(code)}, CAST(first_row AS VARCHAR)
            FROM c WHERE __row > first_row
            """
        )

    def _check_earlier_imports(self) -> None:
        if not self.checks.existing_keys:
            return
        position, column = self._error_column("line_id" if "line_id" in self.mapping else "invoice_id")
        self.con.execute(
            f"""
            INSERT INTO okam_errors
            SELECT c.__row, {position}, {quote_literal(column)}, 'line_id',
                   left(c.invoice_id || ' / ' || c.line_id, 200), 'already_imported', CAST(min(e.source) AS VARCHAR)
            FROM okam_checked c JOIN ({self.checks.existing_keys}) e
              ON c.invoice_id = e.invoice_id AND c.line_id = e.line_id
            GROUP BY ALL
            """
        )

    def _check_parents(self) -> None:
        """Parents must exist (in the file or the master) and must not form a cycle."""
        if "parent_number" not in self.mapping:
            return
        position, column = self._error_column("parent_number")
        rows = self.con.execute(
            "SELECT __row, number, parent_number FROM okam_checked "
            "WHERE number IS NOT NULL AND parent_number IS NOT NULL ORDER BY __row"
        ).fetchall()
        if not rows:
            return
        in_file = {
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT number FROM okam_checked WHERE number IS NOT NULL"
            ).fetchall()
        }
        master = self.checks.master_parents() if self.checks.master_parents else {}
        parents = {number: parent for number, parent in master.items() if number not in in_file}
        file_parents: dict[str, str] = {}
        for _row, number, parent in rows:
            file_parents.setdefault(number, parent)
        parents.update(file_parents)
        known = in_file | set(master)
        problems: list[tuple[int, str, str, str | None]] = []
        cyclic = _numbers_in_cycles(parents)
        for row, number, parent in rows:
            if parent not in known:
                problems.append((row, parent, "parent_unknown", None))
            elif number in cyclic:
                problems.append((row, parent, "parent_cycle", cyclic[number]))
        if problems:
            self.con.executemany(
                f"INSERT INTO okam_errors VALUES (?, {position}, {quote_literal(column)}, 'parent_number', ?, ?, ?)",
                [(row, value[:200], code, param) for row, value, code, param in problems],
            )

    # Reading the errors --------------------------------------------------------------------

    def error_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM okam_errors").fetchall()[0][0]

    def iter_errors(self, limit: int, batch: int = 10_000) -> Iterator[dict]:
        """Errors ordered by row and column, as ``{row, column, field, value, code, param}``.

        Streams in Arrow batches; run no other query on the connection while iterating.
        """
        reader = self.con.sql(
            "SELECT row, column_name, field, value, code, param FROM okam_errors "
            f"ORDER BY row NULLS FIRST, position LIMIT {int(limit)}"
        ).to_arrow_reader(batch)
        labels = self.checks.existing_labels
        for record_batch in reader:
            for item in record_batch.to_pylist():
                param = item["param"]
                if item["code"] == "already_imported" and param is not None and param.isdigit():
                    index = int(param)
                    item["param"] = labels[index] if index < len(labels) else param
                yield {
                    "row": item["row"],
                    "column": item["column_name"],
                    "field": item["field"],
                    "value": item["value"],
                    "code": item["code"],
                    "param": item["param"],
                }


class _Invalid(Exception):
    """The one-pass conversion met an invalid value: collect every error instead."""


class _Structural(Exception):
    """DuckDB could not split the CSV file into rows and columns."""


def _numbers_in_cycles(parents: dict[str, str | None]) -> dict[str, str]:
    """``{number: "A → B → A"}`` for every number on a parent cycle (self-parents included)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    result: dict[str, str] = {}
    for start in parents:
        if state.get(start):
            continue
        path: list[str] = []
        node: str | None = start
        while node is not None and not state.get(node):
            state[node] = 1
            path.append(node)
            node = parents.get(node)
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node) :]
            shown = " → ".join([*cycle, node])
            for member in cycle:
                result[member] = shown[:200]
        for member in path:
            state[member] = 2
    return result


def connect(*, work_dir: Path, memory_limit: str, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for one import: bounded memory, spilling to ``work_dir``, file order kept."""
    spill = work_dir / "duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    config = {
        "memory_limit": memory_limit,
        "temp_directory": str(spill),
        "preserve_insertion_order": True,
    }
    if threads:
        config["threads"] = threads
    return duckdb.connect(config=config)

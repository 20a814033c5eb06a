"""kg.base.tables: the one text table and the one row serializer (table, csv, tsv, json, jsonl)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from kg.base.errors import UsageError
from kg.base.tables import ROW_FORMATS, format_rows, text_cell, text_table

ROWS = [
    {"actor": "https://w3id.org/conflict-kg/id/actor/isis", "label": "=HYPERLINK(\"http://x\")", "score": -3.5,
     "day": dt.date(2017, 5, 23), "events": ["e1", "e2"], "n": Decimal("-2")},
    {"actor": "https://example.org/a", "label": None, "score": 0.25, "day": None, "events": [], "n": 3},
]


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-x", "'-x"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    (["=a", "b"], "'=a; b"),
    ("plain text", "plain text"),
    ("a=b", "a=b"),
    (-3.5, "-3.5"),
    (-3, "-3"),
    (Decimal("-2.50"), "-2.50"),
    (dt.date(2017, 5, 23), "2017-05-23"),
    ("-3.5", "-3.5"),  # text that reads as a number is a number to a spreadsheet: no formula
    ("+7", "+7"),
    (None, ""),
    (True, "true"),
])
def test_text_cells_are_guarded_against_formulas(value, cell):
    assert text_cell(value) == cell


def test_csv_and_tsv_guard_text_cells_only():
    rows = list(csv.reader(io.StringIO(format_rows(ROWS, "csv"))))
    assert rows[0] == ["actor", "label", "score", "day", "events", "n"]
    assert rows[1] == ["https://w3id.org/conflict-kg/id/actor/isis", "'=HYPERLINK(\"http://x\")", "-3.5", "2017-05-23", "e1; e2", "-2"]
    assert rows[2] == ["https://example.org/a", "", "0.25", "", "", "3"]
    tsv = format_rows(ROWS, "tsv").splitlines()
    assert tsv[0].split("\t") == rows[0] and tsv[1].split("\t")[1:3] == ["'=HYPERLINK(\"http://x\")", "-3.5"]


def test_json_and_table_are_not_guarded():
    objects = json.loads(format_rows(ROWS, "json"))
    assert objects[0]["label"] == '=HYPERLINK("http://x")' and objects[0]["score"] == -3.5 and objects[0]["n"] == -2
    assert objects[1] == {"actor": "https://example.org/a", "label": None, "score": 0.25, "day": None, "events": [], "n": 3}
    assert [json.loads(line) for line in format_rows(ROWS, "jsonl").splitlines()] == objects
    table = format_rows(ROWS, "table").splitlines()
    assert table[2].split()[:2] == ["actor:isis", '=HYPERLINK("http://x")']
    assert table[-1] == "(2 rows)"


def test_json_keys_are_the_csv_header_even_when_rows_lack_some():
    rows = [{"a": 1}, {"b": 2}]
    header = next(csv.reader(io.StringIO(format_rows(rows, "csv", columns=["a", "b"]))))
    assert [list(obj) for obj in json.loads(format_rows(rows, "json", columns=["a", "b"]))] == [header, header]


def test_empty_results():
    assert format_rows([], "csv", columns=["a", "b"]) == "a,b\n"
    assert format_rows([], "tsv", columns=["a", "b"]) == "a\tb\n"
    assert format_rows([], "json", columns=["a"]) == "[]"
    assert format_rows([], "jsonl", columns=["a"]) == ""
    assert format_rows([], "table", columns=["a"]) == "a\n-\n(0 rows)"


def test_table_columns_narrow_the_table_only():
    assert format_rows(ROWS, "table", table_columns=["day"]).splitlines()[0] == "day"
    assert list(json.loads(format_rows(ROWS, "json", table_columns=["day"]))[0]) == list(ROWS[0])


def test_unknown_format():
    assert ROW_FORMATS == ("table", "csv", "tsv", "json", "jsonl")
    with pytest.raises(UsageError, match="unknown format 'xml'"):
        format_rows(ROWS, "xml")


def test_text_table_cuts_long_cells():
    table = text_table(["x"], [("y" * 100,)], cell=str, max_cell=10)
    assert table.splitlines()[2] == "y" * 9 + "…"


def test_sparql_tables_use_it(seed_kg):
    """kg query's table is this renderer with prefixed names (one text table in the project)."""
    result = seed_kg.query("SELECT ?b WHERE { actor:isis ckg:attacked ?b } ORDER BY ?b LIMIT 1")
    assert result.to_string("table") == "b\n-------------------\nactor:ahrar-al-sham\n(1 row)"

"""Rows as text: the one text-table renderer and the one row serializer.

A *row* is a mapping of column name to a plain Python value (``str``, numbers, ``date``,
lists...), as the lookups, the timeline, the network diff and every metric return them.
:func:`format_rows` writes a list of rows in one of :data:`ROW_FORMATS`, the same set for
every row-producing command:

- ``table``: aligned columns for reading; IRIs shortened to prefixed names
  (``actor:isis``), lists joined with ``; ``, floats to 4 decimals, long cells cut.
- ``csv`` / ``tsv``: a header of the column names, then one line per row; full IRIs,
  lists joined with ``; ``. A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab
  or carriage return gets a leading apostrophe, so that a spreadsheet shows it instead
  of running it as a formula; numbers (``-3.5``), dates and text that reads as a number
  are written unchanged.
- ``json``: an array of objects, one per row, with exactly the CSV header's keys
  (``null`` where a row has no value); dates as ISO strings, lists as arrays.
- ``jsonl``: the same objects, one per line.

:func:`text_table` is the only text-table renderer: SPARQL results tables use it too.

>>> import datetime as dt
>>> rows = [{"actor": "https://w3id.org/conflict-kg/id/actor/isis", "score": -0.5, "day": dt.date(2017, 5, 23)}]
>>> print(format_rows(rows, "table"))
actor       score    day
----------  -------  ----------
actor:isis  -0.5000  2017-05-23
(1 row)
>>> print(format_rows(rows, "csv"), end="")
actor,score,day
https://w3id.org/conflict-kg/id/actor/isis,-0.5,2017-05-23
>>> print(format_rows([{"name": "=HYPERLINK(1)", "n": -3}], "csv"), end="")
name,n
'=HYPERLINK(1),-3
>>> print(format_rows(rows, "jsonl"), end="")
{"actor": "https://w3id.org/conflict-kg/id/actor/isis", "score": -0.5, "day": "2017-05-23"}
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from kg.base.errors import UsageError

#: The output formats of every row-producing command (``kg query`` has its own).
ROW_FORMATS = ("table", "csv", "tsv", "json", "jsonl")

#: Widest table cell; longer values are cut with an ellipsis (csv/json keep the full text).
MAX_CELL = 72

#: Text cells starting with one of these are prefixed with an apostrophe in CSV/TSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = Mapping[str, Any]


def text_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    cell: Callable[[Any], str] | None = None,
    max_cell: int = MAX_CELL,
) -> str:
    """Aligned columns under a dashed rule, then ``(N rows)``; no trailing newline.

    ``cell`` turns each value into its text (default: :func:`table_cell`); cells are
    cut at ``max_cell`` characters.

    >>> print(text_table(["a", "b"], [(1, "x"), (22, None)]))
    a   b
    --  -
    1   x
    22
    (2 rows)
    """
    show = cell or table_cell
    cells = [[_cut(show(value), max_cell) for value in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])] if headers else []
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(out)


def format_rows(
    rows: Iterable[Row],
    fmt: str = "table",
    *,
    columns: Sequence[str] | None = None,
    table_columns: Sequence[str] | None = None,
) -> str:
    """Serialize rows as ``table``, ``csv``, ``tsv``, ``json`` or ``jsonl`` (see the module doc).

    ``columns``: the keys written, in order (and the header of an empty result); default:
    the keys of the first row. ``table_columns``: a narrower choice for the table only.
    ``table`` and ``json`` end without a newline, the line formats with one.

    :raises UsageError: an unknown format.
    """
    rows = list(rows)
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if fmt == "table":
        shown = list(table_columns) if table_columns else cols
        return text_table(shown, ([row.get(c) for c in shown] for row in rows))
    if fmt == "json":
        return json.dumps([{c: row.get(c) for c in cols} for row in rows], indent=2, ensure_ascii=False, default=json_value)
    if fmt == "jsonl":
        return "".join(
            json.dumps({c: row.get(c) for c in cols}, ensure_ascii=False, default=json_value) + "\n" for row in rows
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows([text_cell(row.get(c)) for c in cols] for row in rows)
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(_one_line(c) for c in cols)]
        lines += ["\t".join(_one_line(text_cell(row.get(c))) for c in cols) for row in rows]
        return "\n".join(lines) + "\n"
    raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(ROW_FORMATS)}")


# -- cells ----------------------------------------------------------------------------------


def table_cell(value: Any) -> str:
    """A value as a table shows it: prefixed IRIs, 4-decimal floats, ``; ``-joined lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(table_cell(v) for v in _ordered(value))
    if isinstance(value, str):
        return " ".join(short_iri(value).split())
    return str(value)


def text_cell(value: Any) -> str:
    """A value as CSV and TSV write it: full text, guarded against spreadsheet formulas."""
    text = _plain(value)
    return guard_formula(text) if _is_text(value) else text


def guard_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula, with a leading apostrophe; else unchanged.

    Only for text values: a number or date is written as it is (and so is text that reads
    as a number, such as ``-3.5``, which a spreadsheet takes as that number).

    >>> guard_formula("=SUM(A1)"), guard_formula("-3.5"), guard_formula("a-b")
    ("'=SUM(A1)", '-3.5', 'a-b')
    """
    if text.startswith(FORMULA_STARTS) and not _reads_as_number(text):
        return "'" + text
    return text


def json_value(value: Any) -> Any:
    """``json.dumps`` default: dates as ISO strings, sets and tuples as arrays, decimals as numbers."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return _ordered(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def short_iri(text: str) -> str:
    """An IRI in a known namespace as a prefixed name (``actor:isis``); anything else unchanged.

    >>> short_iri("https://w3id.org/conflict-kg/ontology#Attack"), short_iri("Group A")
    ('ckg:Attack', 'Group A')
    """
    if "://" not in text:
        return text
    for prefix, namespace in _namespaces():
        if text.startswith(namespace) and _LOCAL.fullmatch(text, len(namespace)):
            return f"{prefix}:{text[len(namespace):]}"
    return text


_LOCAL = re.compile(r"[\w\-./]*")


@lru_cache(maxsize=1)
def _namespaces() -> list[tuple[str, str]]:
    from kg.base.namespaces import PREFIXES  # rdflib: only when a table shows IRIs

    return sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 10))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(_plain(v) for v in _ordered(value))
    return str(value)


def _is_text(value: Any) -> bool:
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(isinstance(v, str) for v in value)
    return isinstance(value, str)


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _ordered(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=str) if isinstance(values, (set, frozenset)) else list(values)


def _one_line(text: str) -> str:
    return text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- HTML (notebooks) ---------------------------------------------------------------------------

#: Most rows an HTML table draws (a notebook cell); the rest are counted under the table.
HTML_MAX_ROWS = 200


def html_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    cell: Callable[[Any], str] | None = None,
    title: Callable[[Any], str | None] | None = None,
    max_rows: int = HTML_MAX_ROWS,
) -> str:
    """An HTML table for notebooks (``_repr_html_``): every value escaped, cells as :func:`table_cell`
    shows them (``cell`` to change), full text in a ``title`` tooltip where ``title`` gives one
    (default: the full IRI of a shortened one); at most ``max_rows`` rows, then ``(N rows)``.

    >>> print(html_table(["actor", "n"], [("https://w3id.org/conflict-kg/id/actor/isis", 2), ("<b>", None)]))
    <table class="kg-table"><thead><tr><th>actor</th><th>n</th></tr></thead><tbody>
    <tr><td title="https://w3id.org/conflict-kg/id/actor/isis">actor:isis</td><td>2</td></tr>
    <tr><td>&lt;b&gt;</td><td></td></tr>
    </tbody></table>
    <p class="kg-rows">(2 rows)</p>
    """
    from html import escape

    show = cell or table_cell
    tip = title or _iri_title
    out = ['<table class="kg-table"><thead><tr>' + "".join(f"<th>{escape(str(h))}</th>" for h in headers) + "</tr></thead><tbody>"]
    count = 0
    for row in rows:
        count += 1
        if count > max_rows:
            continue
        cells = []
        for value in row:
            text, full = _cut(show(value), 500), tip(value)
            attr = f' title="{escape(full)}"' if full and full != text else ""
            cells.append(f"<td{attr}>{escape(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    shown = f", first {max_rows} shown" if count > max_rows else ""
    out.append(f'<p class="kg-rows">({count} row{"" if count == 1 else "s"}{shown})</p>')
    return "\n".join(out)


def rows_html(rows: Iterable[Row], *, columns: Sequence[str] | None = None, max_rows: int = HTML_MAX_ROWS) -> str:
    """Rows (dicts, as every lookup and metric returns them) as an HTML table (:func:`html_table`).

    >>> "<td>0.5000</td>" in rows_html([{"actor": "a", "pagerank": 0.5}])
    True
    """
    rows = list(rows)
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    return html_table(cols, ([row.get(c) for c in cols] for row in rows), max_rows=max_rows)


class Rows(list):  # type: ignore[type-arg]
    """A list of rows that shows itself as a table: text in a console, HTML in a notebook.

    Still a plain ``list`` of dicts (index it, loop over it, hand it to pandas); :meth:`to_pandas`
    builds the DataFrame when pandas is installed.

    >>> table = Rows([{"actor": "https://w3id.org/conflict-kg/id/actor/isis", "events": 3}])
    >>> table
    actor       events
    ----------  ------
    actor:isis  3
    (1 row)
    >>> table[0]["events"], "<table" in table._repr_html_()
    (3, True)
    """

    def __init__(self, rows: Iterable[Row] = (), *, columns: Sequence[str] | None = None) -> None:
        super().__init__(rows)
        self.columns = list(columns) if columns is not None else (list(self[0]) if self else [])

    def __repr__(self) -> str:
        return format_rows(self, "table", columns=self.columns)

    def _repr_html_(self) -> str:
        return rows_html(self, columns=self.columns)

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (one column per key).

        :raises UsageError: pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError:
            raise UsageError("to_pandas() needs pandas: pip install 'conflict-kg[pandas]' (or pip install pandas)") from None
        return pd.DataFrame(list(self), columns=self.columns)


def _iri_title(value: Any) -> str | None:
    return value if isinstance(value, str) and "://" in value else None

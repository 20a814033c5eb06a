"""Metric results as rows: lists of plain dicts, written as a table, CSV or JSON, or a DataFrame.

Every metric of :mod:`kg.analysis` returns ``list[dict]`` (one dict per row, the same keys
in every row): easy to test, to serialize and to hand to pandas. Dates stay
``datetime.date``; lists (events, neighbours) stay lists. In a table, dataset IRIs are
shortened to their slug and lists joined with ``; ``; CSV joins lists the same way
and keeps full IRIs; JSON keeps everything.

>>> import datetime as dt
>>> rows = [{"actor": "https://w3id.org/conflict-kg/id/actor/isis", "pagerank": 0.25, "date": dt.date(2017, 5, 23)}]
>>> print(to_string(rows, "table"))
actor  pagerank  date
-----  --------  ----------
isis   0.2500    2017-05-23
(1 row)
>>> print(to_string(rows, "csv").strip())
actor,pagerank,date
https://w3id.org/conflict-kg/id/actor/isis,0.25,2017-05-23
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

from kg.base.errors import UsageError
from kg.base.namespaces import BASE

#: Output formats of ``kg analyze``.
FORMATS = ("table", "csv", "json")

#: Widest table cell; longer values are cut with an ellipsis (use csv/json for the full text).
MAX_CELL = 60

_ID_PREFIX = f"{BASE}id/"


def to_dataframe(rows: Sequence[dict[str, Any]], *, columns: Sequence[str] | None = None) -> Any:
    """The rows as a :class:`pandas.DataFrame` (one column per key, in row order).

    Parameters
    ----------
    rows : list of dict
        The rows a metric returned.
    columns : list of str, optional
        Column order (and columns of an empty result); default: the keys of the first row.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    UsageError
        pandas is not installed (``pip install 'conflict-kg[pandas]'``).

    Examples
    --------
    >>> import pytest; pd = pytest.importorskip("pandas")
    >>> to_dataframe([{"actor": "a", "pagerank": 0.5}]).shape
    (1, 2)
    """
    try:
        import pandas as pd
    except ImportError:
        raise UsageError("to_dataframe() needs pandas: pip install 'conflict-kg[pandas]' (or pip install pandas)") from None
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    return pd.DataFrame(list(rows), columns=cols)


def to_string(rows: Sequence[dict[str, Any]], fmt: str = "table", *, columns: Sequence[str] | None = None) -> str:
    """Serialize rows as ``table``, ``csv`` or ``json``.

    :raises UsageError: an unknown format.
    """
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if fmt == "json":
        return json.dumps([{c: row.get(c) for c in cols} for row in rows], indent=2, ensure_ascii=False, default=_json_default)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        for row in rows:
            writer.writerow([_plain(row.get(c), short=False) for c in cols])
        return buf.getvalue()
    if fmt == "table":
        cells = [[_cut(_plain(row.get(c), short=True)) for c in cols] for row in rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]

        def line(values: list[str]) -> str:
            return "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

        out = [line(cols), line(["-" * w for w in widths])] if cols else []
        out += [line(r) for r in cells]
        out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
        return "\n".join(out)
    raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _plain(value: Any, *, short: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}" if short else repr(round(value, 10))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(_plain(v, short=short) for v in value)
    text = str(value)
    return short_iri(text) if short else text


def short_iri(text: str) -> str:
    """A dataset IRI's slug (``.../id/actor/isis`` -> ``isis``); anything else unchanged."""
    return text.rsplit("/", 1)[-1] if text.startswith(_ID_PREFIX) else text


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")

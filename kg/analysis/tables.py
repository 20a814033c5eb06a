"""Metric results as rows: lists of plain dicts, written as text or handed to pandas.

Every metric of :mod:`kg.analysis` returns ``list[dict]`` (one dict per row, the same keys
in every row): easy to test, to serialize and to hand to pandas. Dates stay
``datetime.date``; lists (events, neighbours) stay lists. :func:`to_string` writes them
with the serializer every row-producing command uses (:mod:`kg.base.tables`):
``table``, ``csv``, ``tsv``, ``json`` or ``jsonl``.

>>> import datetime as dt
>>> rows = [{"actor": "https://w3id.org/conflict-kg/id/actor/isis", "pagerank": 0.25, "date": dt.date(2017, 5, 23)}]
>>> print(to_string(rows, "table"))
actor       pagerank  date
----------  --------  ----------
actor:isis  0.2500    2017-05-23
(1 row)
>>> print(to_string(rows, "csv").strip())
actor,pagerank,date
https://w3id.org/conflict-kg/id/actor/isis,0.25,2017-05-23
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kg.base.errors import UsageError
from kg.base.tables import ROW_FORMATS, format_rows

#: Output formats of ``kg analyze`` (those of every row-producing command).
FORMATS = ROW_FORMATS


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


def to_string(
    rows: Sequence[dict[str, Any]],
    fmt: str = "table",
    *,
    columns: Sequence[str] | None = None,
    table_columns: Sequence[str] | None = None,
) -> str:
    """Serialize rows as ``table``, ``csv``, ``tsv``, ``json`` or ``jsonl`` (see :func:`kg.base.tables.format_rows`).

    :raises UsageError: an unknown format.
    """
    return format_rows(rows, fmt, columns=columns, table_columns=table_columns)

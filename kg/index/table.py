"""The index in memory: Arrow tables, their columns as numpy arrays, and the event filters.

The filters are the SPARQL path's, column by column (:mod:`kg.read.timeview`): the window test
of :func:`~kg.read.timeview.window_expr` (loose or strict, with a dataset's possible range), the
record-time test of :func:`~kg.read.timeview.known_on_expr`, the relations of
:func:`kg.analysis.projection.relation_filter` (given here already resolved to IRIs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kg.base.temporal import Match, Window

#: A relation resolved: ("class", "Attack"), ("type", concept IRI) or ("dataset", concept IRI).
Relation = tuple[str, str]


def _buffer(column: pa.ChunkedArray | pa.Array, kind: pa.DataType, dtype: type) -> tuple[np.ndarray, np.ndarray | None]:
    """``column`` cast to ``kind`` as numpy ``dtype`` read from its buffer, and where it is null
    (``None``: nowhere). Arrow's own ``to_numpy``, and any compute call taking a scalar, import
    pandas: 0.2-0.3 s a process."""
    values = pc.cast(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column, kind)
    raw: np.ndarray = np.frombuffer(values.buffers()[1], dtype=dtype, count=len(values) + values.offset)[values.offset:].copy()
    if not values.null_count:
        return raw, None
    bits = np.unpackbits(np.frombuffer(values.buffers()[0], dtype=np.uint8), bitorder="little")  # least significant bit first
    return raw, ~bits[values.offset : values.offset + len(values)].astype(bool)


def _days(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A date or ISO-day text column as ``datetime64[D]`` (NaT for null or malformed).

    >>> _days(pa.chunked_array([["2017-05-01", None], ["May 2017"]])).tolist()
    [datetime.date(2017, 5, 1), None, None]
    """
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        good = pc.match_substring_regex(column, r"^\d{4}-\d{2}-\d{2}$")
        column = pc.cast(pc.if_else(good, column, pa.nulls(1, pa.string())[0]), pa.date32())  # pa.scalar imports pandas
    raw, null = _buffer(column, pa.int32(), np.int32)  # days since 1970
    out = raw.astype("int64").astype("datetime64[D]")
    if null is not None:  # the value under a null is arbitrary
        out[null] = np.datetime64("NaT")
    return out


def _small_ints(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A boolean or int8 column as int8 numpy, null as 0.

    >>> _small_ints(pa.chunked_array([[True, None], [False]])).tolist()
    [1, 0, 0]
    """
    raw, null = _buffer(column, pa.int8(), np.int8)
    if null is not None:
        raw[null] = 0
    return raw


def _day(value: dt.date) -> np.datetime64:
    return np.datetime64(value, "D")


@dataclass
class EventIndex:
    """The analytic event index: tables (:mod:`kg.index.columns`) and the generation stamp of the
    store they were read from."""

    events: pa.Table
    pairs: pa.Table
    actors: pa.Table
    concepts: pa.Table
    stamp: str
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _details: dict[str, tuple[str | None, str, str]] | None = field(default=None, repr=False)

    def array(self, name: str) -> np.ndarray:
        """An events column as numpy (dates as ``datetime64[D]``), computed once."""
        if name not in self._arrays:
            column = self.events.column(name)
            if name in ("start", "end", "earliest", "latest", "issued", "recorded", "invalidated"):
                self._arrays[name] = _days(column)
            elif name in ("sign", "has_parts"):
                self._arrays[name] = _small_ints(column).astype(bool if name == "has_parts" else np.int8)
            else:
                self._arrays[name] = np.asarray(column.to_pylist(), dtype=object)
        return self._arrays[name]

    def pair_array(self, name: str) -> np.ndarray:
        """A pairs column as numpy, computed once (the text columns as Python strings: for work over
        all pairs; take a few rows with :meth:`pair_rows`)."""
        key = f"pairs.{name}"
        if key not in self._arrays:
            column = self.pairs.column(name)
            self._arrays[key] = (_buffer(column, pa.int32(), np.int32)[0] if name == "eid"
                                 else np.asarray(column.to_pylist(), dtype=object))
        return self._arrays[key]

    def pair_rows(self, rows: np.ndarray, columns: Iterable[str]) -> dict[str, list[Any]]:
        """Some rows of the pairs table, some columns, as Python lists.

        >>> ix = EventIndex(pa.table({}), pa.table({"a": ["x", "y"], "role": ["target", "side"]}), pa.table({}), pa.table({}), "")
        >>> ix.pair_rows(np.array([1]), ["role"])
        {'role': ['side']}
        """
        names = list(columns)
        table = self.pairs.select(names).take(pa.array(rows))
        return {name: table.column(name).to_pylist() for name in names}

    # -- the filters of the SPARQL path ---------------------------------------------------

    def in_window(self, start: dt.date | None, end: dt.date | None, mode: Match | str = Match.LOOSE) -> np.ndarray:
        """Events whose days fall in ``start..end`` (:func:`kg.read.timeview.window_expr`)."""
        Window(start, end)
        n = self.events.num_rows
        if start is None and end is None:
            return np.ones(n, dtype=bool)
        first, last = self.array("start"), self.array("end")
        earliest, latest = self.array("earliest"), self.array("latest")
        loose = np.ones(n, dtype=bool)
        if start is not None:
            loose &= (last >= _day(start)) | (latest >= _day(start))
        if end is not None:
            loose &= (first <= _day(end)) | (earliest <= _day(end))
        if Match(mode) is Match.LOOSE:
            return loose
        inside = np.ones(n, dtype=bool)
        if start is not None:
            inside &= (first >= _day(start)) & ~(earliest < _day(start))
        if end is not None:
            inside &= (last <= _day(end)) & ~(latest > _day(end))
        return np.where(self.array("precision") == "day", loose, inside)

    def known_on(self, day: dt.date | None) -> np.ndarray:
        """Events known on ``day`` (:func:`kg.read.timeview.known_on_expr`): from a source issued
        by then, not first recorded later, not retracted by then."""
        n = self.events.num_rows
        if day is None:
            return np.ones(n, dtype=bool)
        d = _day(day)
        return (self.array("issued") <= d) & ~(self.array("recorded") > d) & ~(self.array("invalidated") <= d)

    def standing(self) -> np.ndarray:
        """Events the analyses count: not a campaign with parts, never retracted."""
        return ~self.array("has_parts").astype(bool) & np.isnat(self.array("invalidated"))

    def of_relations(self, relations: Sequence[Relation]) -> np.ndarray:
        """Events of any of ``relations`` (classes, project types, dataset types with what is under them)."""
        n = self.events.num_rows
        if not relations:
            return np.ones(n, dtype=bool)
        keep = np.zeros(n, dtype=bool)
        for kind, value in relations:
            if kind == "class":
                keep |= self.array("class") == value
            elif kind == "type":
                keep |= self.array("type") == value
            else:
                keep |= np.isin(self.array("dataset_type"), sorted(self.narrower(value)))
        return keep

    def narrower(self, concept: str) -> set[str]:
        """``concept`` and every concept below it (``skos:broader*``)."""
        children: dict[str, list[str]] = {}
        for narrow, broad in zip(self.concepts.column("concept").to_pylist(), self.concepts.column("broader").to_pylist()):
            children.setdefault(broad, []).append(narrow)
        found, todo = {concept}, [concept]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def select(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        known_on: dt.date | None = None,
        relations: Sequence[Relation] = (),
        mode: Match | str = Match.LOOSE,
    ) -> np.ndarray:
        """The projection's events: standing, in the window, known on ``known_on``, of ``relations``."""
        return self.standing() & self.in_window(start, end, mode) & self.known_on(known_on) & self.of_relations(relations)

    def first_and_last(self) -> tuple[dt.date | None, dt.date | None]:
        """The first start and last end of the standing events (``None``: no events)."""
        keep = self.standing()
        if not keep.any():
            return None, None
        first, last = self.array("start")[keep].min(), self.array("end")[keep].max()
        return first.astype(dt.date), last.astype(dt.date)

    def actor_details(self) -> dict[str, tuple[str | None, str, str]]:
        """actor IRI -> (label, class local name, Wikidata id)."""
        if self._details is None:
            columns = [self.actors.column(c).to_pylist() for c in ("actor", "label", "type", "wikidata")]
            self._details = {a: (label, kind, qid) for a, label, kind, qid in zip(*columns)}
        return self._details

    def rows(self, mask: np.ndarray, columns: Iterable[str]) -> dict[str, list[Any]]:
        """The selected events' columns as Python lists (dates as ``datetime.date``)."""
        names = list(columns)
        table = self.events.select(names).take(pa.array(np.flatnonzero(mask)))  # only these columns are copied
        return {name: table.column(name).to_pylist() for name in names}

    def as_of(self, day: dt.date | None, mode: Match | str = Match.LOOSE) -> np.ndarray:
        """Events that happened or held on ``day`` (:func:`kg.read.timeview.as_of_expr`): the window
        ``day..day`` on the dates alone (a dataset's possible range does not count there); strict
        keeps an imprecise event only if it lies wholly on that day."""
        n = self.events.num_rows
        if day is None:
            return np.ones(n, dtype=bool)
        d = _day(day)
        first, last = self.array("start"), self.array("end")
        loose = (last >= d) & (first <= d)  # NaT (a malformed date) fails, as the SPARQL comparison does
        if Match(mode) is Match.LOOSE:
            return loose
        inside = (first >= d) & (last <= d)
        return np.where(self.array("precision") == "day", loose, inside)

    def with_actor(self, actor: str, roles: Iterable[str]) -> np.ndarray:
        """Events where ``actor`` (an IRI) has any of ``roles`` (columns of :data:`kg.index.columns.ROLES`)."""
        keep = np.zeros(self.events.num_rows, dtype=bool)
        for role in roles:
            column = self.events.column(role).combine_chunks()  # parent indices count from the array's start
            hits = pc.equal(pc.list_flatten(column), actor)
            rows = pc.filter(pc.list_parent_indices(column), hits)
            keep[rows.to_numpy(zero_copy_only=False)] = True
        return keep

    def pair_codes(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The pairs' actors as integer codes, computed once: (actor IRIs, code of ``a``, code of ``b``)
        per pair row, for graph libraries that number their vertices (igraph, scipy)."""
        if "pairs.codes" not in self._arrays:
            both = pa.chunked_array(self.pairs.column("a").chunks + self.pairs.column("b").chunks, pa.string())
            encoded = both.combine_chunks().dictionary_encode()
            codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            self._arrays["pairs.codes"] = codes
            self._arrays["pairs.actors"] = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
        codes, n = self._arrays["pairs.codes"], self.pairs.num_rows
        return list(self._arrays["pairs.actors"]), codes[:n], codes[n:]

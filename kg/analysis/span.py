"""What a metric runs over: the analysed period, its sliding windows and the focal actor.

Every metric that reads the store takes the same keyword options, resolved here once:

- ``start`` / ``end``: the analysed period (inclusive); by default the first and last
  day of the store's events (:func:`event_span`);
- ``size`` / ``step``: the sliding windows (``"30d"``, ``"2w"`` or a ``timedelta``; the
  step defaults to the size, i.e. windows that tile the period);
- ``relations`` / ``known_on``: passed to :func:`kg.analysis.projection.actor_graph`.

>>> import kg, datetime as dt
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> event_span(graph, start=dt.date(2017, 5, 1))
(datetime.date(2017, 5, 1), datetime.date(2017, 5, 31))
>>> [(a.day, b.day) for a, b in bounds(graph, start=dt.date(2017, 5, 1), end=dt.date(2017, 5, 31), size="2w")]
[(1, 14), (15, 28), (29, 31)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from kg.analysis.projection import actor_graph, parse_duration, window_bounds
from kg.base.errors import UsageError
from kg.contract.classes import is_a
from kg.read.timeview import fact_dates
from kg.store.graph import KnowledgeGraph

Window = tuple[dt.date, dt.date, nx.MultiDiGraph]

_SPAN = """
SELECT (MIN(?date) AS ?first) (MAX(?end) AS ?last) WHERE {
  %(event)s
  %(dates)s
  FILTER NOT EXISTS { ?event sem:hasSubEvent ?part }
  FILTER NOT EXISTS { ?event prov:invalidatedAtTime ?retracted }
}
"""


def event_span(
    kg: KnowledgeGraph, *, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The analysed period: ``start``/``end`` where given, else the first/last day of any event.

    :raises UsageError: the store has no events and a bound is missing, or ``end`` is
        before ``start``.
    """
    if start is None or end is None:
        row = kg.query(_SPAN % {"event": is_a(kg, "?event", "Event"), "dates": fact_dates(kg, "?event")}).records()
        first, last = (row[0].get("first"), row[0].get("last")) if row else (None, None)
        if not isinstance(first, dt.date) or not isinstance(last, dt.date):
            raise UsageError("the store has no events: build or import data first (kg build, kg import), or give --from and --to")
        start = start or first
        end = end or max(last, start)
    if end < start:
        raise UsageError(f"the period ends ({end}) before it starts ({start}): check --from and --to")
    return start, end


def duration(value: str | dt.timedelta) -> dt.timedelta:
    """``"30d"``, ``"2w"`` or a timedelta of at least one day.

    :raises UsageError: anything else.
    """
    if isinstance(value, dt.timedelta):
        if value.days < 1:
            raise UsageError(f"invalid duration {value}: a window or step is at least one day")
        return value
    return parse_duration(str(value))


def bounds(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    size: str | dt.timedelta = "30d",
    step: str | dt.timedelta | None = None,
) -> list[tuple[dt.date, dt.date]]:
    """The windows ``[first, last]`` a series visits over the analysed period."""
    first, last = event_span(kg, start=start, end=end)
    width = duration(size)
    return window_bounds(first, last, width, duration(step) if step is not None else width)


def analysis_windows(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    size: str | dt.timedelta = "30d",
    step: str | dt.timedelta | None = None,
    relations: Iterable[str] | None = None,
    known_on: dt.date | None = None,
) -> Iterator[Window]:
    """One projection per window: ``(window_start, window_end, MultiDiGraph)``; empty windows
    give empty graphs (no nodes), never an error."""
    options: dict[str, Any] = {"relations": list(relations) if relations else None, "known_on": known_on}
    for first, last in bounds(kg, start=start, end=end, size=size, step=step):
        yield first, last, actor_graph(kg, start=first, end=last, **options)


def analysis_graph(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    relations: Iterable[str] | None = None,
    known_on: dt.date | None = None,
) -> nx.MultiDiGraph:
    """The projection of the whole analysed period (graph attributes ``start``/``end`` set to it)."""
    first, last = event_span(kg, start=start, end=end)
    return actor_graph(kg, start=first, end=last, relations=list(relations) if relations else None, known_on=known_on)


def actor_id(kg: KnowledgeGraph, actor: str) -> str:
    """The IRI of an actor given by slug (``isis``) or IRI.

    :raises UsageError: a malformed id or no such actor in the store.
    """
    from kg.read.lookups import actor_iri

    if actor.startswith(("http://", "https://")):
        ok = kg.query(f"ASK {{ {is_a(kg, '?actor', 'Actor')} }}", params={"actor": actor}).boolean
        if not ok:
            raise UsageError(f"unknown actor {actor!r}: run 'kg actors' to list the actor ids")
        return actor
    return str(actor_iri(kg, actor))


def node_label(graph: nx.Graph, node: str) -> str:
    """A node's ``label`` attribute, else the end of its IRI."""
    return str(graph.nodes[node].get("label") or str(node).rsplit("/", 1)[-1]) if node in graph else str(node).rsplit("/", 1)[-1]

"""What a metric runs over: the analysed window, its sliding windows and the focal actor.

Every metric that reads the store takes the same keyword options (:class:`Scope`,
:class:`Series`), resolved here once:

- ``start`` / ``end``: the analysed window (inclusive); by default the first and last
  day of the store's events (:func:`analysed_window`);
- ``size`` / ``step``: the sliding windows (``"30d"``, ``"2w"`` or a ``timedelta``; the
  step defaults to the size, i.e. windows that tile the analysed window:
  :func:`kg.base.temporal.sliding_windows`);
- ``relations`` / ``known_on``: passed to :func:`kg.analysis.projection.actor_graph`;
- ``place``: only the events at a place or inside it (an id, label or ISO 3166 code:
  :func:`kg.read.places.resolve_place`); the actors of the other events leave the graph
  (:func:`in_place`).

>>> import kg, datetime as dt
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> analysed_window(graph, start=dt.date(2017, 5, 1))
(datetime.date(2017, 5, 1), datetime.date(2017, 5, 31))
>>> [(w.start.day, w.end.day, w.graph.number_of_nodes()) for w in windows(graph, start=dt.date(2017, 5, 1), size="2w")]
[(1, 14, 2), (15, 28, 13), (29, 31, 7)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from typing import NamedTuple, TypedDict, Unpack

import networkx as nx

from kg.analysis.projection import PairCounts, actor_graph, check_relations, indexed_pair_counts
from kg.base.errors import UsageError
from kg.base.temporal import sliding_windows
from kg.contract.classes import is_a
from kg.index.cache import event_index
from kg.read.timeview import fact_dates
from kg.store.graph import KnowledgeGraph


class Scope(TypedDict, total=False):
    """What one projection covers: the analysed window (default: every event), event classes or
    concepts (``relations``) and record time (``known_on``)."""

    start: dt.date | None
    end: dt.date | None
    relations: Iterable[str] | None
    known_on: dt.date | None
    place: str | None


class Series(Scope, total=False):
    """:class:`Scope` cut into sliding windows of ``size`` every ``step`` (default: ``size``)."""

    size: str | dt.timedelta
    step: str | dt.timedelta | None


class WindowGraph(NamedTuple):
    """One sliding window and the projection of its events."""

    start: dt.date
    end: dt.date
    graph: nx.MultiDiGraph


_FIRST_LAST = """
SELECT (MIN(?date) AS ?first) (MAX(?end) AS ?last) WHERE {
  %(event)s
  %(dates)s
  FILTER NOT EXISTS { ?event sem:hasSubEvent ?part }
  FILTER NOT EXISTS { ?event prov:invalidatedAtTime ?retracted }
}
"""


def analysed_window(
    kg: KnowledgeGraph, *, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The analysed window: ``start``/``end`` where given, else the first/last day of any event.

    :raises UsageError: the store has no events and a bound is missing, or ``end`` is
        before ``start``.
    """
    if start is None or end is None:
        ix = event_index(kg)
        if ix is not None:  # the same events as the query below (kg.index)
            first, last = ix.first_and_last()
        else:
            query = _FIRST_LAST % {"event": is_a(kg, "?event", "Event"), "dates": fact_dates(kg, "?event")}
            row = kg.query(query).records()
            first, last = (row[0].get("first"), row[0].get("last")) if row else (None, None)
        if not isinstance(first, dt.date) or not isinstance(last, dt.date):
            raise UsageError("the store has no events: build or import data first (kg build, kg import), or give --from and --to")
        start = start or first
        end = end or max(last, start)
    if end < start:
        raise UsageError(f"the period ends ({end}) before it starts ({start}): check --from and --to")
    return start, end


def windows(kg: KnowledgeGraph, **options: Unpack[Series]) -> Iterator[WindowGraph]:
    """One projection per sliding window of the analysed window (options: :class:`Series`); empty
    windows give empty graphs (no nodes), never an error.

    :raises UsageError: a bad window, size or step, or an empty store without ``start``/``end``.
    """
    first, last = analysed_window(kg, start=options.get("start"), end=options.get("end"))
    relations, known_on = options.get("relations"), options.get("known_on")
    kept = _place_events(kg, options.get("place"))
    for a, b in sliding_windows(first, last, options.get("size", "30d"), options.get("step")):
        graph = actor_graph(kg, start=a, end=b, relations=relations, known_on=known_on)
        yield WindowGraph(a, b, graph if kept is None else in_place(graph, kept))


def pair_windows(kg: KnowledgeGraph, **options: Unpack[Series]) -> Iterator[tuple[dt.date, dt.date, PairCounts]]:
    """:func:`windows` collapsed to :class:`~kg.analysis.projection.PairCounts`: straight from the
    analytic index's arrays when it is fresh (no networkx graph in between), else from each
    window's projection; the same counts either way."""
    ix = event_index(kg) if not options.get("place") else None
    if ix is None:
        for first, last, graph in windows(kg, **options):
            yield first, last, PairCounts.of_graph(graph)
        return
    check_relations(kg, options.get("relations") or [])
    first, last = analysed_window(kg, start=options.get("start"), end=options.get("end"))
    for a, b in sliding_windows(first, last, options.get("size", "30d"), options.get("step")):
        yield a, b, indexed_pair_counts(ix, start=a, end=b, relations=options.get("relations"), known_on=options.get("known_on"))


def analysis_graph(kg: KnowledgeGraph, **scope: Unpack[Scope]) -> nx.MultiDiGraph:
    """The projection of the whole analysed window (graph attributes ``start``/``end`` set to it)."""
    first, last = analysed_window(kg, start=scope.get("start"), end=scope.get("end"))
    return projection(kg, start=first, end=last, relations=scope.get("relations"), known_on=scope.get("known_on"),
                      place=scope.get("place"))


def projection(kg: KnowledgeGraph, **scope: Unpack[Scope]) -> nx.MultiDiGraph:
    """:func:`~kg.analysis.projection.actor_graph` of a scope as given (open bounds: every event),
    restricted to ``place`` when given.

    :raises UsageError: an unknown relation or place, a window ending before it starts.
    """
    graph = actor_graph(kg, start=scope.get("start"), end=scope.get("end"), relations=scope.get("relations"),
                        known_on=scope.get("known_on"))
    kept = _place_events(kg, scope.get("place"))
    return graph if kept is None else in_place(graph, kept)


def in_place(graph: nx.MultiDiGraph, events: Collection[str]) -> nx.MultiDiGraph:
    """The projection keeping only the edges of ``events`` (e.g. :func:`kg.read.places.events_in_place`)
    and the actors they connect; changed in place and returned.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", event="e1"); _ = g.add_edge("a", "c", event="e2")
    >>> sorted(in_place(g, {"e1"}).nodes)
    ['a', 'b']
    """
    wanted = events if isinstance(events, (set, frozenset)) else set(events)
    graph.remove_edges_from([(a, b, k) for a, b, k, event in graph.edges(keys=True, data="event") if event not in wanted])
    graph.remove_nodes_from([node for node in list(graph.nodes) if graph.degree(node) == 0])
    return graph


def _place_events(kg: KnowledgeGraph, place: str | None) -> frozenset[str] | None:
    if not place:
        return None
    from kg.read.places import events_in_place

    return events_in_place(kg, place)


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


def node_label(graph: nx.Graph, node: object) -> str:
    """A node's ``label`` attribute, else the end of its IRI."""
    label = graph.nodes[node].get("label") if node in graph else None
    return str(label or str(node).rsplit("/", 1)[-1])

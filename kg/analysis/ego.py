"""An actor's neighbourhood over time: who is around it in each window, who entered, who left.

The neighbours of an actor in a window are the actors joined to it by at least one event
(either direction, any role). The first window's neighbours all count as entered.

>>> import datetime as dt, networkx as nx
>>> def window(day, *pairs):
...     g = nx.MultiDiGraph()
...     for a, b in pairs:
...         _ = g.add_edge(a, b, event=f"{a}{b}{day}", date=dt.date(2017, 5, day))
...     return dt.date(2017, 5, day), dt.date(2017, 5, day), g
>>> rows = ego_over([window(1, ("x", "a"), ("b", "x")), window(2, ("x", "b"), ("x", "c"))], "x")
>>> [(r["degree"], r["entered"], r["left"]) for r in rows]
[(2, ['a', 'b'], []), (2, ['c'], ['a'])]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Unpack

import networkx as nx

from kg.analysis.span import Series, WindowGraph, actor_id, windows
from kg.store.graph import KnowledgeGraph

COLUMNS = ["window_start", "window_end", "actor", "events", "degree", "entered", "left", "neighbours"]


def neighbours(graph: nx.Graph, actor: Any) -> set[Any]:
    """Actors joined to ``actor`` by an edge in either direction (none when it is not in the graph).

    >>> sorted(neighbours(nx.DiGraph([("a", "b"), ("c", "a")]), "a"))
    ['b', 'c']
    """
    if actor not in graph:
        return set()
    if graph.is_directed():
        return (set(graph.successors(actor)) | set(graph.predecessors(actor))) - {actor}
    return set(graph[actor]) - {actor}


def ego_over(series: Iterable[WindowGraph], actor: Any) -> list[dict[str, Any]]:
    """One row per window (keys :data:`COLUMNS`): the actor's events, neighbours, and who
    entered or left since the previous window (lists sorted by IRI)."""
    rows = []
    before: set[Any] = set()
    for first, last, graph in series:
        now = neighbours(graph, actor)
        events = set()
        if actor in graph:
            for u, v, data in list(graph.out_edges(actor, data=True)) + list(graph.in_edges(actor, data=True)):
                events.add(data.get("event") or (u, v))
        rows.append({
            "window_start": first, "window_end": last, "actor": actor,
            "events": len(events), "degree": len(now),
            "entered": sorted(now - before, key=str), "left": sorted(before - now, key=str),
            "neighbours": sorted(now, key=str),
        })
        before = now
    return rows


def ego_network(kg: KnowledgeGraph, actor: str, **options: Unpack[Series]) -> list[dict[str, Any]]:
    """:func:`ego_over` of an actor (slug or IRI) across the store's sliding windows (options:
    :class:`kg.analysis.span.Series`).

    :raises UsageError: an unknown actor, a bad period, window size or step.

    Examples
    --------
    >>> import kg, datetime as dt
    >>> from kg.curated.build import build
    >>> graph = kg.open(":memory:"); _ = build(graph)
    >>> rows = ego_network(graph, "isis", start=dt.date(2017, 5, 18), end=dt.date(2017, 5, 31), size="7d")
    >>> [(r["window_start"].day, [n.rsplit("/", 1)[1] for n in r["entered"]], len(r["left"])) for r in rows]
    [(18, ['ahrar-al-sham', 'alawite-community', 'ismaili-community'], 0), (25, ['isw', 'jens-stoltenberg'], 3)]
    """
    iri = actor_id(kg, actor)
    return ego_over(windows(kg, **options), iri)

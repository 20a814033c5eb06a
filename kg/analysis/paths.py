"""Who could have influenced whom: time-respecting paths through chains of events.

A time-respecting path is a chain of events ``e1, e2, ... ek`` joining ``source`` to an
actor where each event starts on or after the previous one (non-decreasing dates, so
same-day chains count) — the temporal-network notion of Holme & Saramäki (2012). Influence
flows from agent to target (``directed=True``); a co-participation (``directed=False``
edge, e.g. an ACLED battle) carries it both ways. Each event counts on its start date.

:func:`earliest_arrival` gives, for every actor reachable that way, the first day it could
have been reached, the number of hops and the chain of events; among chains arriving on
the same day the shortest is kept.

>>> import datetime as dt, networkx as nx
>>> g = nx.MultiDiGraph()
>>> _ = g.add_edge("a", "b", event="e1", date=dt.date(2017, 5, 2))
>>> _ = g.add_edge("b", "c", event="e2", date=dt.date(2017, 5, 1))  # before a reached b: no path
>>> _ = g.add_edge("b", "d", event="e3", date=dt.date(2017, 5, 2))  # same day: a path
>>> [(r["actor"], r["arrival"].day, r["hops"], r["events"]) for r in earliest_arrival(g, "a")]
[('b', 2, 1, ['e1']), ('d', 2, 2, ['e1', 'e3'])]
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any, Unpack

import networkx as nx

from kg.analysis.span import Scope, actor_id, analysis_graph, node_label
from kg.base.errors import UsageError
from kg.store.graph import KnowledgeGraph

COLUMNS = ["source", "actor", "label", "arrival", "hops", "path", "events"]


def earliest_arrival(
    graph: nx.MultiDiGraph, source: Any, *, start: dt.date | None = None, directed: bool = True
) -> list[dict[str, Any]]:
    """Every actor reachable from ``source`` by a time-respecting path, earliest first.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection: edges with ``date`` (and ``event``, ``directed``).
    source : node
        Where influence starts.
    start : datetime.date, optional
        Ignore events before this day.
    directed : bool
        Follow edges only from agent to target (default); ``False`` follows every edge
        both ways.

    Returns
    -------
    list of dict
        Keys :data:`COLUMNS`: ``arrival`` (first day reached), ``hops``, ``path`` (labels
        from source to actor) and ``events`` (the chain), by arrival, hops, label.

    Raises
    ------
    UsageError
        ``source`` is not in the graph.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("b", "a", event="e1", date=dt.date(2017, 5, 1))
    >>> earliest_arrival(g, "a"), [r["actor"] for r in earliest_arrival(g, "a", directed=False)]
    ([], ['b'])
    """
    if source not in graph:
        raise UsageError(f"{source} has no events in this graph: widen --from/--to or check the actor id")
    moves: list[tuple[dt.date, str, Any, Any]] = []
    for i, (u, v, data) in enumerate(graph.edges(data=True)):
        day = data["date"]
        if start is not None and day < start:
            continue
        event = str(data.get("event") or f"_:edge{i}")
        moves.append((day, event, u, v))
        if not directed or not data.get("directed", True):
            moves.append((day, event, v, u))
    moves.sort(key=lambda m: (m[0], m[1], str(m[2]), str(m[3])))
    arrival: dict[Any, dt.date] = {}
    hops: dict[Any, int] = {source: 0}
    via: dict[Any, tuple[Any, str]] = {}
    for day, group in groupby(moves, key=lambda m: m[0]):
        today = list(group)
        while True:  # breadth-first within the day: same-day chains, fewest hops
            new: dict[Any, tuple[Any, str]] = {}
            for _, event, u, v in today:
                if u in hops and v not in hops and v not in new:
                    new[v] = (u, event)
            if not new:
                break
            for v, (u, event) in new.items():
                arrival[v], hops[v], via[v] = day, hops[u] + 1, (u, event)
    rows = []
    for node, day in arrival.items():
        chain, names, here = [], [], node
        while here != source:
            back, event = via[here]
            chain.append(event)
            names.append(node_label(graph, here))
            here = back
        rows.append({
            "source": source, "actor": node, "label": node_label(graph, node), "arrival": day, "hops": hops[node],
            "path": [node_label(graph, source)] + names[::-1], "events": chain[::-1],
        })
    rows.sort(key=lambda r: (r["arrival"], r["hops"], r["label"], str(r["actor"])))
    return rows


def paths_of(kg: KnowledgeGraph, actor: str, *, directed: bool = True, **scope: Unpack[Scope]) -> list[dict[str, Any]]:
    """:func:`earliest_arrival` from an actor (slug or IRI) over the store's events in the analysed
    window (options: :class:`kg.analysis.span.Scope`); no rows when the actor has no event in it.

    :raises UsageError: an unknown actor, a bad period.

    Examples
    --------
    >>> import kg
    >>> from kg.curated.build import build
    >>> graph = kg.open(":memory:"); _ = build(graph)
    >>> [(r["label"], r["arrival"].isoformat()) for r in paths_of(graph, "isis", relations=["Attack"])]
    [('Ismaili community (Syria)', '2017-05-18'), ('Ahrar al-Sham', '2017-05-22'), ('Alawite community (Syria)', '2017-05-23')]
    """
    source = actor_id(kg, actor)
    graph = analysis_graph(kg, **scope)
    if source not in graph:
        return []
    return earliest_arrival(graph, source, directed=directed)

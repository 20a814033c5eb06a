"""Who sides with whom: structural balance, frustrated triads, factions, "enemy of my enemy".

All functions work on the signed actor graph (:func:`kg.analysis.projection.signed_graph`:
one undirected edge per pair whose events do not cancel out, ``sign`` +1 cooperative or
-1 hostile; neutral-only pairs have no edge). They accept either a projection
(``MultiDiGraph``, which also gives the events behind each edge) or a signed ``Graph``.

- A triangle is *balanced* when the product of its three signs is positive (+++, +--:
  "the friend of my friend", "the enemy of my enemy is my friend"), *frustrated* otherwise
  (++-, ---) — Heider's and Cartwright & Harary's strict balance.
- *Factions* partition the actors into camps so that as few edges as possible are
  frustrated (negative inside a camp, positive between camps): two camps by default
  (Harary's bipolar balance), ``camps=None`` for any number (Davis's weak balance).

>>> import networkx as nx
>>> g = nx.Graph()
>>> g.add_edges_from([("a", "b", {"sign": 1}), ("b", "c", {"sign": -1}), ("a", "c", {"sign": -1}), ("c", "d", {"sign": -1})])
>>> balance(g)["share"], factions(g).camps
(1.0, [['a', 'b', 'd'], ['c']])
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Unpack

import networkx as nx

from kg.analysis.projection import signed_graph
from kg.analysis.span import Scope, Series, WindowGraph, analysis_graph, node_label, windows
from kg.base.errors import UsageError
from kg.store.graph import KnowledgeGraph

SERIES_COLUMNS = ["window_start", "window_end", "actors", "positive", "negative", "triangles", "balanced", "share"]
TRIAD_COLUMNS = ["a", "b", "c", "label_a", "label_b", "label_c", "signs", "event_count", "events"]
ALIGNMENT_COLUMNS = ["a", "c", "label_a", "label_c", "common_enemies", "enemy_labels", "relation", "event_count", "events"]
FACTION_COLUMNS = ["actor", "label", "camp", "camp_size", "component", "frustrated"]

#: Components up to this many actors are partitioned by exact search.
EXACT_LIMIT = 15
#: Branch-and-bound steps per component before the local-search answer is kept instead.
MAX_STEPS = 1_000_000
#: Local search restarts from this many best-connected actors of a component.
STARTS = 8


def signed(graph: nx.Graph) -> nx.Graph:
    """The signed graph of a projection, or ``graph`` itself when it is already one.

    :raises UsageError: a directed simple graph (collapse views are not signed graphs).
    """
    if graph.is_multigraph():
        return signed_graph(graph)
    if graph.is_directed():
        raise UsageError("balance needs a projection (MultiDiGraph) or an undirected signed Graph, not a DiGraph")
    return graph


def _pair_events(graph: nx.Graph) -> dict[tuple[Any, Any], list[tuple[str, int]]]:
    """Signed events behind each unordered pair (only a projection has them)."""
    out: dict[tuple[Any, Any], list[tuple[str, int]]] = {}
    if not graph.is_multigraph():
        return out
    for a, b, data in graph.edges(data=True):
        if data.get("sign") and data.get("event"):
            key = (a, b) if str(a) < str(b) else (b, a)
            if (data["event"], data["sign"]) not in out.setdefault(key, []):
                out[key].append((data["event"], data["sign"]))
    return out


def _key(a: Any, b: Any) -> tuple[Any, Any]:
    return (a, b) if str(a) < str(b) else (b, a)


def triangles(graph: nx.Graph) -> list[tuple[Any, Any, Any]]:
    """Every triangle of the signed graph once, as sorted node triples in sorted order.

    >>> triangles(nx.complete_graph(4))
    [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
    """
    s = signed(graph)
    order = {n: str(n) for n in s}
    found = set()
    for u, v in s.edges():
        for w in set(s[u]) & set(s[v]):
            found.add(tuple(sorted((u, v, w), key=lambda n: order[n])))
    return sorted(found, key=lambda t: tuple(order[n] for n in t))


def balance(graph: nx.Graph) -> dict[str, Any]:
    """Structural balance of one graph.

    Returns
    -------
    dict
        ``actors`` (with at least one signed edge), ``positive``/``negative`` edges,
        ``triangles``, ``balanced`` and ``share`` = balanced / triangles (``None`` without
        triangles).

    Examples
    --------
    >>> g = nx.Graph([("a", "b", {"sign": 1}), ("b", "c", {"sign": 1}), ("a", "c", {"sign": -1})])
    >>> balance(g)
    {'actors': 3, 'positive': 2, 'negative': 1, 'triangles': 1, 'balanced': 0, 'share': 0.0}
    """
    s = signed(graph)
    signs = [d["sign"] for _, _, d in s.edges(data=True)]
    tri = triangles(s)
    good = sum(1 for a, b, c in tri if s[a][b]["sign"] * s[b][c]["sign"] * s[a][c]["sign"] > 0)
    return {
        "actors": sum(1 for n in s if s.degree(n)),
        "positive": sum(1 for x in signs if x > 0),
        "negative": sum(1 for x in signs if x < 0),
        "triangles": len(tri),
        "balanced": good,
        "share": good / len(tri) if tri else None,
    }


def balance_over(series: Iterable[WindowGraph]) -> list[dict[str, Any]]:
    """:func:`balance` per window, one row each (empty windows included, with ``share`` ``None``)."""
    return [{"window_start": first, "window_end": last, **balance(graph)} for first, last, graph in series]


def balance_series(kg: KnowledgeGraph, **options: Unpack[Series]) -> list[dict[str, Any]]:
    """Structural balance per sliding window of the store (options: :class:`kg.analysis.span.Series`).

    Examples
    --------
    >>> import kg, datetime as dt
    >>> from kg.curated.build import build
    >>> graph = kg.open(":memory:"); _ = build(graph)
    >>> row = balance_series(graph, start=dt.date(2017, 5, 18), end=dt.date(2017, 5, 31), size="14d")[0]
    >>> row["negative"], row["triangles"], row["share"]
    (4, 0, None)
    """
    return balance_over(windows(kg, **options))


def frustrated_triads(graph: nx.Graph, *, top: int | None = None) -> list[dict[str, Any]]:
    """Unbalanced triangles, the best-attested first (most events behind their three edges).

    Returns
    -------
    list of dict
        Keys :data:`TRIAD_COLUMNS`; ``signs`` reads like ``"+ + -"`` for the edges a-b,
        b-c, a-c; ``events`` lists the signed events behind them (projection input only).

    Examples
    --------
    >>> g = nx.Graph([("a", "b", {"sign": 1}), ("b", "c", {"sign": 1}), ("a", "c", {"sign": -1})])
    >>> [(r["a"], r["b"], r["c"], r["signs"]) for r in frustrated_triads(g)]
    [('a', 'b', 'c', '+ + -')]
    """
    s = signed(graph)
    events = _pair_events(graph)
    rows = []
    for a, b, c in triangles(s):
        signs = (s[a][b]["sign"], s[b][c]["sign"], s[a][c]["sign"])
        if signs[0] * signs[1] * signs[2] > 0:
            continue
        behind = [e for pair in (_key(a, b), _key(b, c), _key(a, c)) for e, _ in events.get(pair, [])]
        count = len(behind) if events else sum(s[x][y].get("events", 1) for x, y in ((a, b), (b, c), (a, c)))
        rows.append({
            "a": a, "b": b, "c": c,
            "label_a": node_label(s, a), "label_b": node_label(s, b), "label_c": node_label(s, c),
            "signs": " ".join("+" if x > 0 else "-" for x in signs),
            "event_count": count,
            "events": sorted(set(behind)),
        })
    rows.sort(key=lambda r: (-r["event_count"], r["label_a"], r["label_b"], r["label_c"]))
    return rows[:top] if top is not None else rows


def enemy_of_enemy(graph: nx.Graph, *, top: int | None = None) -> list[dict[str, Any]]:
    """Candidate alignments: pairs (a, c) without a positive edge that share an enemy b
    (a-b and b-c negative), most common enemies first.

    Returns
    -------
    list of dict
        Keys :data:`ALIGNMENT_COLUMNS`; ``relation`` is ``"none"`` (no signed edge between
        a and c) or ``"hostile"``; ``events`` are the hostile events a-b and b-c.

    Examples
    --------
    >>> g = nx.Graph([("a", "b", {"sign": -1}), ("b", "c", {"sign": -1}), ("c", "d", {"sign": 1})])
    >>> [(r["a"], r["c"], r["common_enemies"], r["relation"]) for r in enemy_of_enemy(g)]
    [('a', 'c', ['b'], 'none')]
    """
    s = signed(graph)
    events = _pair_events(graph)
    common: dict[tuple[Any, Any], list[Any]] = {}
    for b in sorted(s, key=str):
        enemies = sorted((n for n in s[b] if s[b][n]["sign"] < 0), key=str)
        for a, c in itertools.combinations(enemies, 2):
            if s.has_edge(a, c) and s[a][c]["sign"] > 0:
                continue
            common.setdefault((a, c), []).append(b)
    rows = []
    for (a, c), between in common.items():
        behind = sorted({e for b in between for pair in (_key(a, b), _key(b, c)) for e, sign in events.get(pair, []) if sign < 0})
        rows.append({
            "a": a, "c": c, "label_a": node_label(s, a), "label_c": node_label(s, c),
            "common_enemies": between, "enemy_labels": [node_label(s, b) for b in between],
            "relation": "hostile" if s.has_edge(a, c) else "none",
            "event_count": len(behind) if events else sum(s[a][b].get("events", 1) + s[b][c].get("events", 1) for b in between),
            "events": behind,
        })
    rows.sort(key=lambda r: (-len(r["common_enemies"]), -r["event_count"], r["label_a"], r["label_c"]))
    return rows[:top] if top is not None else rows


@dataclass(frozen=True)
class Factions:
    """A partition of the signed actors into camps.

    ``camps`` (lists of nodes, numbered from 1 in :meth:`rows`) are ordered by component
    (largest first), then size, then first label; camps of different components are
    unrelated (no signed edge joins them). ``exact`` is true when every component was
    solved by exhaustive search.
    """

    camps: list[list[Any]]
    components: list[int]
    frustration: int
    frustrated_edges: list[tuple[Any, Any, int]]
    exact: bool
    labels: dict[Any, str] = field(default_factory=dict, repr=False)

    def camp_of(self, node: Any) -> int:
        """The 1-based camp number of an actor.

        :raises UsageError: the actor has no signed edge in the graph.
        """
        for i, camp in enumerate(self.camps, 1):
            if node in camp:
                return i
        raise UsageError(f"{node} is in no camp: it has no hostile or cooperative tie in this period")

    def rows(self) -> list[dict[str, Any]]:
        """One row per actor (keys :data:`FACTION_COLUMNS`), camp by camp."""
        frustrated: dict[Any, int] = {}
        for a, b, _ in self.frustrated_edges:
            frustrated[a] = frustrated.get(a, 0) + 1
            frustrated[b] = frustrated.get(b, 0) + 1
        return [
            {"actor": n, "label": self.labels.get(n, str(n)), "camp": i, "camp_size": len(camp),
             "component": self.components[i - 1], "frustrated": frustrated.get(n, 0)}
            for i, camp in enumerate(self.camps, 1)
            for n in camp
        ]


def factions(graph: nx.Graph, *, camps: int | None = 2, exact_limit: int = EXACT_LIMIT, max_steps: int = MAX_STEPS) -> Factions:
    """Partition the actors into camps minimising frustrated edges.

    Each connected component of the signed graph is solved on its own: by exhaustive
    branch-and-bound search when it has at most ``exact_limit`` actors, otherwise by a
    greedy assignment improved by single-actor moves until none helps, restarted from
    the :data:`STARTS` best-connected actors, the least frustrated kept (deterministic:
    actors are visited breadth-first from the start, ties go to the lowest camp). Actors
    without a signed edge are in no camp.

    Parameters
    ----------
    graph : networkx.Graph or networkx.MultiDiGraph
        A signed graph or a projection.
    camps : int or None
        Most camps per component (2: strict balance); ``None``: as many as helps.
    exact_limit : int
        Largest component solved exactly.

    Returns
    -------
    Factions

    Raises
    ------
    UsageError
        ``camps`` below 1.

    Examples
    --------
    >>> g = nx.Graph([("a", "b", {"sign": -1}), ("b", "c", {"sign": -1}), ("a", "c", {"sign": -1})])
    >>> f2, f3 = factions(g), factions(g, camps=None)
    >>> f2.frustration, f3.frustration, f3.camps
    (1, 0, [['a'], ['b'], ['c']])
    """
    if camps is not None and camps < 1:
        raise UsageError(f"camps must be at least 1, not {camps}")
    s = signed(graph)
    active = s.subgraph([n for n in s if s.degree(n)])
    labels = {n: node_label(s, n) for n in active}
    comps = sorted(nx.connected_components(active), key=lambda c: (-len(c), min(labels[n] for n in c)))
    all_camps: list[list[Any]] = []
    comp_of_camp: list[int] = []
    exact = True
    for index, nodes in enumerate(comps, 1):
        sub = active.subgraph(nodes)
        assignment, solved = _partition(sub, camps, exact_limit, max_steps)
        exact = exact and solved
        groups: dict[int, list[Any]] = {}
        for n, c in assignment.items():
            groups.setdefault(c, []).append(n)
        ordered = sorted((sorted(g, key=lambda n: (labels[n], str(n))) for g in groups.values()), key=lambda g: (-len(g), labels[g[0]]))
        all_camps += ordered
        comp_of_camp += [index] * len(ordered)
    where = {n: i for i, camp in enumerate(all_camps) for n in camp}
    bad = sorted(
        ((a, b, d["sign"]) if str(a) < str(b) else (b, a, d["sign"]) for a, b, d in active.edges(data=True) if _frustrated(d["sign"], where[a] == where[b])),
        key=lambda e: (str(e[0]), str(e[1])),
    )
    return Factions(all_camps, comp_of_camp, len(bad), bad, exact, labels)


def _frustrated(sign: int, same: bool) -> bool:
    return (sign < 0 and same) or (sign > 0 and not same)


def _order(g: nx.Graph, root: Any) -> list[Any]:
    """Breadth-first from ``root``, neighbours by degree then name."""
    key = lambda n: (-g.degree(n), str(n))  # noqa: E731
    order, seen = [root], {root}
    for node in order:
        for nb in sorted(g[node], key=key):
            if nb not in seen:
                seen.add(nb)
                order.append(nb)
    return order


def _cost(g: nx.Graph, node: Any, camp: int, assign: dict[Any, int]) -> int:
    return sum(1 for nb, d in g[node].items() if nb in assign and _frustrated(d["sign"], assign[nb] == camp))


def _total(g: nx.Graph, assign: dict[Any, int]) -> int:
    return sum(1 for a, b, d in g.edges(data=True) if _frustrated(d["sign"], assign[a] == assign[b]))


def _partition(g: nx.Graph, camps: int | None, exact_limit: int, max_steps: int) -> tuple[dict[Any, int], bool]:
    limit = camps if camps is not None else g.number_of_nodes()
    roots = sorted(g, key=lambda n: (-g.degree(n), str(n)))[:STARTS]
    best: dict[Any, int] | None = None
    for root in roots:  # several deterministic starts: one early misleading edge cannot trap the search
        assign = _local_search(g, _order(g, root), limit)
        if best is None or _total(g, assign) < _total(g, best):
            best = assign
    assert best is not None
    if g.number_of_nodes() > exact_limit:
        return best, False
    return _branch_and_bound(g, _order(g, roots[0]), limit, best, max_steps)


def _local_search(g: nx.Graph, order: list[Any], limit: int) -> dict[Any, int]:
    assign: dict[Any, int] = {}
    used = 0
    for node in order:  # greedy: the camp (or a new one) frustrating fewest edges so far
        options = range(min(used + 1, limit))
        best = min(options, key=lambda c: (_cost(g, node, c, assign), c))
        assign[node] = best
        used = max(used, best + 1)
    for _ in range(100):  # single-actor moves while one strictly helps
        moved = False
        for node in order:
            current = assign.pop(node)
            used = max(assign.values(), default=-1) + 1
            options = range(min(used + 1, limit))
            here = _cost(g, node, current, assign)
            best = min(options, key=lambda c: (_cost(g, node, c, assign), c))
            if _cost(g, node, best, assign) < here:
                assign[node] = best
                moved = True
            else:
                assign[node] = current
        if not moved:
            break
    return assign


def _branch_and_bound(g: nx.Graph, order: list[Any], limit: int, start: dict[Any, int], max_steps: int) -> tuple[dict[Any, int], bool]:
    """Exhaustive search over restricted-growth camp labellings, pruned by the best cost so far."""
    index = {n: i for i, n in enumerate(order)}
    earlier = [[(index[nb], d["sign"]) for nb, d in g[n].items() if index[nb] < i] for i, n in enumerate(order)]
    best_cost = _total(g, start)
    best: list[int] | None = None
    labels = [0] * len(order)
    steps = 0

    def visit(i: int, cost: int, used: int) -> None:
        nonlocal best_cost, best, steps
        steps += 1
        if cost >= best_cost or steps > max_steps:
            return
        if i == len(order):
            best_cost, best = cost, labels.copy()
            return
        for camp in range(min(used + 1, limit)):
            delta = sum(1 for j, sign in earlier[i] if _frustrated(sign, labels[j] == camp))
            labels[i] = camp
            visit(i + 1, cost + delta, max(used, camp + 1))

    visit(0, 0, 0)
    result = start if best is None else {n: best[i] for i, n in enumerate(order)}
    return result, steps <= max_steps


def factions_of(kg: KnowledgeGraph, *, camps: int | None = 2, **scope: Unpack[Scope]) -> Factions:
    """:func:`factions` of the store's signed network over the analysed window (options:
    :class:`kg.analysis.span.Scope`).

    Examples
    --------
    >>> import kg
    >>> from kg.curated.build import build
    >>> graph = kg.open(":memory:"); _ = build(graph)
    >>> f = factions_of(graph)
    >>> f.frustration, f.exact, f.labels[f.camps[0][0]]
    (0, True, 'Ahrar al-Sham')
    """
    return factions(analysis_graph(kg, **scope), camps=camps)


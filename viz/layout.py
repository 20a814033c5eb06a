"""Node sizes (centrality) and the precomputed, seeded layout of large views.

``degree`` and ``betweenness`` on the undirected simple graph of actors (networkx),
``pagerank`` as ``kg analyze centrality`` computes it (:func:`kg.analysis.centrality.pagerank`: the
directed graph with one edge per ordered pair weighted by its number of events).

>>> import networkx as nx, datetime as dt
>>> g = nx.MultiDiGraph()
>>> for a, b in [("a", "b"), ("a", "b"), ("c", "b")]:
...     _ = g.add_edge(a, b, sign=-1, date=dt.date(2017, 5, 22))
>>> scores = centrality(g, "pagerank")
>>> max(scores, key=scores.get)
'b'
>>> centrality(g, "degree")["b"]
1.0
"""

from __future__ import annotations

import enum
import math
from typing import Any

import networkx as nx

from kg.analysis.centrality import pagerank
from kg.analysis.projection import collapse
from kg.base.errors import UsageError

#: Above this many nodes the layout is computed in Python and the browser's physics is off.
LAYOUT_THRESHOLD = 300
SEED = 42


class SizeBy(str, enum.Enum):
    """The centrality that sizes the nodes."""

    PAGERANK = "pagerank"
    DEGREE = "degree"
    BETWEENNESS = "betweenness"


def centrality(graph: nx.MultiDiGraph, size_by: SizeBy | str) -> dict[str, float]:
    """One score per node (0 for an isolated node).

    :raises UsageError: an unknown measure.
    """
    try:
        measure = SizeBy(size_by)
    except ValueError:
        raise UsageError(f"unknown size measure {size_by!r}: use {', '.join(m.value for m in SizeBy)}") from None
    if graph.number_of_nodes() == 0:
        return {}
    graph = _canonical(graph)  # same input in any order -> same floating-point results
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((a, b) for a, b in graph.edges() if a != b)
    if measure is SizeBy.DEGREE:
        return dict(nx.degree_centrality(simple)) if len(simple) > 1 else {n: 0.0 for n in simple}
    if measure is SizeBy.BETWEENNESS:
        k = 256 if len(simple) > 600 else None  # sampled (seeded) on large graphs: exact is O(nm)
        return dict(nx.betweenness_centrality(simple, k=k, seed=SEED if k else None))
    return pagerank(collapse(graph), weight="count")


def _canonical(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    out = nx.MultiDiGraph(**graph.graph)
    out.add_nodes_from(sorted(graph.nodes(data=True), key=lambda n: str(n[0])))
    out.add_edges_from(sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))))
    return out


def node_sizes(scores: dict[str, float], *, smallest: float = 10.0, largest: float = 42.0) -> dict[str, float]:
    """Scores -> node radii in pixels (area grows with the score).

    >>> node_sizes({"a": 0.0, "b": 1.0})
    {'a': 10.0, 'b': 42.0}
    """
    top = max(scores.values(), default=0.0)
    if top <= 0:
        return {n: smallest for n in scores}
    return {n: round(smallest + (largest - smallest) * math.sqrt(max(s, 0.0) / top), 2) for n, s in scores.items()}


def precomputed_layout(graph: nx.MultiDiGraph, *, seed: int = SEED, iterations: int = 60) -> dict[str, tuple[float, float]]:
    """Seeded force-directed (Fruchterman-Reingold) layout in screen units: same input, same positions.

    networkx's ``spring_layout`` algorithm, vectorised with numpy over all pairs up to
    ``_DENSE_LIMIT`` nodes (about 1 s for 1,000 nodes on a laptop core, where ``spring_layout``'s
    sparse variant takes 7-9 s); ``spring_layout`` itself beyond. Needs numpy (and scipy beyond).
    """
    nodes = sorted(graph.nodes)
    if not nodes:
        return {}
    try:
        import numpy as np
    except ImportError:
        raise UsageError(f"a view of {len(nodes)} actors needs numpy for its layout: pip install numpy scipy") from None
    index = {n: i for i, n in enumerate(nodes)}
    if len(nodes) <= _DENSE_LIMIT:
        adjacency = np.zeros((len(nodes), len(nodes)))
        for a, b in graph.edges():
            if a != b:
                adjacency[index[a], index[b]] = adjacency[index[b], index[a]] = 1.0
        xy = _fruchterman_reingold(adjacency, np.random.RandomState(seed), iterations)
    else:
        simple = nx.Graph()
        simple.add_nodes_from(nodes)
        simple.add_edges_from(sorted((a, b) if a < b else (b, a) for a, b in graph.edges() if a != b))
        try:
            positions = nx.spring_layout(simple, seed=seed, iterations=iterations)
        except ImportError as err:
            raise UsageError(f"a view of {len(nodes)} actors needs scipy for its layout: pip install scipy ({err})") from None
        xy = np.array([positions[n] for n in nodes])
    xy = xy - xy.mean(axis=0)
    xy = xy / max(float(np.abs(xy).max()), 1e-9)
    scale = 60.0 * math.sqrt(len(nodes))
    return {n: (round(float(xy[i, 0]) * scale, 1), round(float(xy[i, 1]) * scale, 1)) for i, n in enumerate(nodes)}


_DENSE_LIMIT = 2500


def _fruchterman_reingold(adjacency: Any, rng: Any, iterations: int) -> Any:
    import numpy as np

    n = adjacency.shape[0]
    pos = rng.rand(n, 2)
    if n == 1:
        return pos
    k = math.sqrt(1.0 / n)
    t = max(float(pos.max() - pos.min()), 1.0) * 0.1
    cool = t / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.sqrt((delta ** 2).sum(axis=-1))
        np.clip(distance, 0.01, None, out=distance)
        strength = k * k / distance ** 2 - adjacency * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, strength)
        length = np.sqrt((displacement ** 2).sum(axis=-1))
        np.clip(length, 0.01, None, out=length)
        pos += displacement * (t / length)[:, None]
        t -= cool
    return pos

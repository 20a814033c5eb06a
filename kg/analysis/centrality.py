"""Who matters, window by window: degree in/out, betweenness and PageRank per actor.

Computed on the collapsed actor graph of each window
(:func:`kg.analysis.projection.collapse`, as arrays: :class:`~kg.analysis.projection.PairCounts`;
one directed edge per ordered pair, agent ->
target, ``weight`` = number of events):

- ``degree_in`` / ``degree_out``: how many distinct actors acted on it / it acted on
  (an undirected co-participation counts both ways);
- ``betweenness``: normalized shortest-path betweenness on the directed graph, unweighted
  (a busy dyad is not a "longer" one): exact, by igraph above :data:`IGRAPH_ABOVE` actors
  (:func:`betweenness`; without igraph, sampled above :data:`BETWEENNESS_EXACT` actors);
- ``pagerank``: :func:`networkx.pagerank` (damping 0.85) with event counts as weights. Edges point from
  agent to target, so a high score means "acted upon, addressed or joined by actors that
  are themselves central".

>>> import datetime as dt, networkx as nx
>>> day = dt.date(2017, 5, 1)
>>> g = nx.MultiDiGraph()
>>> g.add_edges_from([("a", "b", {"sign": -1, "date": day}), ("a", "b", {"sign": -1, "date": day}), ("b", "c", {"sign": 1, "date": day})])
[0, 1, 0]
>>> [(r["actor"], r["degree_in"], r["degree_out"], r["betweenness"]) for r in centrality(g)]
[('c', 1, 0, 0.0), ('b', 1, 1, 0.5), ('a', 0, 1, 0.0)]
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Unpack

import networkx as nx
import numpy as np

from kg.analysis.projection import PairCounts
from kg.analysis.span import Series, WindowGraph, pair_windows
from kg.store.graph import KnowledgeGraph

COLUMNS = ["window_start", "window_end", "actor", "label", "degree_in", "degree_out", "betweenness", "pagerank"]


def pagerank(graph: nx.DiGraph, *, alpha: float = 0.85, weight: str | None = "weight", tol: float = 1.0e-10) -> dict[Any, float]:
    """:func:`networkx.pagerank` (uniform teleport and dangling distribution, out-weights
    normalized per node), converged to ``tol`` so that scores compare across runs and tools.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a")])
    >>> {k: round(v, 3) for k, v in sorted(pagerank(g).items())}
    {'a': 0.486, 'b': 0.464, 'c': 0.05}
    """
    return dict(nx.pagerank(graph, alpha=alpha, weight=weight, tol=tol, max_iter=1000)) if len(graph) else {}


#: Graphs above this many actors go to igraph (the same exact values, computed in C).
IGRAPH_ABOVE = 200
#: Without igraph: exact up to this many actors (Brandes: one shortest-path search per actor)...
BETWEENNESS_EXACT = 1000
#: ...and above it, shortest paths from this many sampled actors (networkx's ``k``), fixed seed.
BETWEENNESS_SAMPLES = 500


def betweenness(graph: nx.DiGraph, *, exact_limit: int = BETWEENNESS_EXACT, samples: int = BETWEENNESS_SAMPLES,
                seed: int = 0, engine: str = "auto") -> dict[Any, float]:
    """Normalized directed betweenness of ``graph``, networkx's definition, computed at scale.

    ``engine="auto"``: igraph's exact betweenness (C) for graphs above :data:`IGRAPH_ABOVE` nodes when
    igraph is installed (a month of ICEWS18, 8,034 actors: 2.7 s, where networkx's exact takes
    minutes), networkx below. ``engine="networkx"``: exact up to ``exact_limit`` nodes, else
    networkx's estimate from ``samples`` source nodes drawn with ``seed`` (error against exact on
    ICEWS14 months in docs/analytics.md). The interface stays networkx: graphs in, dicts out.
    """
    n = graph.number_of_nodes()
    if not n:
        return {}
    if engine == "auto" and n > IGRAPH_ABOVE:
        try:
            import igraph
        except ImportError:
            pass
        else:
            nodes = list(graph.nodes)
            position = {node: i for i, node in enumerate(nodes)}
            g = igraph.Graph(n=n, edges=[(position[a], position[b]) for a, b in graph.edges()], directed=True)
            return dict(zip(nodes, _normalized_betweenness(g)))
    if n <= exact_limit or samples >= n:
        return dict(nx.betweenness_centrality(graph, normalized=True))
    return dict(nx.betweenness_centrality(graph, k=samples, normalized=True, seed=seed))


def _normalized_betweenness(g: Any) -> list[float]:
    """igraph's directed betweenness scaled as networkx's ``normalized=True`` (by 1/((n-1)(n-2)))."""
    n = g.vcount()
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    return [value * scale for value in g.betweenness(directed=True)]


def centrality(graph: nx.MultiDiGraph, *, window_start: dt.date | None = None, window_end: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per actor of a projection, highest PageRank first (ties by label).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection (:func:`kg.analysis.projection.actor_graph`) or any multigraph of
        events; edges may carry ``directed=False`` (co-participation).
    window_start, window_end : datetime.date, optional
        Written in every row; default: the graph's ``start``/``end`` attributes.

    Returns
    -------
    list of dict
        Keys :data:`COLUMNS`.

    Examples
    --------
    >>> import datetime as dt
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("x", "y", sign=0, date=dt.date(2017, 5, 1))
    >>> [(r["actor"], round(r["pagerank"], 3)) for r in centrality(g)]
    [('y', 0.649), ('x', 0.351)]
    """
    first = window_start if window_start is not None else graph.graph.get("start")
    last = window_end if window_end is not None else graph.graph.get("end")
    return pair_centrality(PairCounts.of_graph(graph), window_start=first, window_end=last)


def pair_centrality(pairs: PairCounts, *, window_start: dt.date | None = None,
                    window_end: dt.date | None = None) -> list[dict[str, Any]]:
    """:func:`centrality` of a projection given as :class:`~kg.analysis.projection.PairCounts`
    (the collapsed graph): degrees by counting, betweenness and PageRank by networkx, or by igraph
    (the same definitions, in C) above :data:`IGRAPH_ABOVE` actors."""
    return _rows(pairs, _scores(pairs), window_start, window_end)


def _rows(pairs: PairCounts, scores: tuple[list[float], list[float]], window_start: dt.date | None,
          window_end: dt.date | None) -> list[dict[str, Any]]:
    n = len(pairs.nodes)
    degree_in = np.bincount(pairs.target, minlength=n)
    degree_out = np.bincount(pairs.source, minlength=n)
    between, ranks = scores
    rows: list[dict[str, Any]] = [
        {
            "window_start": window_start, "window_end": window_end, "actor": node, "label": pairs.labels[i],
            "degree_in": int(degree_in[i]), "degree_out": int(degree_out[i]),
            "betweenness": float(between[i]), "pagerank": float(ranks[i]),
        }
        for i, node in enumerate(pairs.nodes)
    ]
    rows.sort(key=lambda r: (-round(r["pagerank"], 12), r["label"], str(r["actor"])))
    return rows


def _scores(pairs: PairCounts) -> tuple[list[float], list[float]]:
    return _betweenness_and_pagerank(len(pairs.nodes), pairs.source, pairs.target, pairs.count)


def _betweenness_and_pagerank(n: int, source: np.ndarray, target: np.ndarray,
                              count: np.ndarray) -> tuple[list[float], list[float]]:
    """Betweenness and PageRank of vertices ``0..n-1`` (edges ``source -> target`` weighing ``count``)."""
    edges = list(zip(source.tolist(), target.tolist()))
    weights = count.astype(float).tolist()
    if n > IGRAPH_ABOVE:
        try:
            import igraph
        except ImportError:
            pass
        else:
            g = igraph.Graph(n=n, edges=edges, directed=True)
            between = _normalized_betweenness(g)
            ranks = g.pagerank(directed=True, damping=0.85, weights=weights) if edges else [1.0 / n] * n
            return between, list(ranks)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((u, v, w) for (u, v), w in zip(edges, weights))
    between_of, ranks_of = betweenness(graph, engine="networkx"), pagerank(graph, weight="weight")
    return [between_of.get(i, 0.0) for i in range(n)], [ranks_of.get(i, 0.0) for i in range(n)]


#: Windows of more actors than this are scored in worker processes when there are several of them
#: (exact betweenness is most of the time: 1.4-2 s a month of ICEWS18, and one window per core).
PARALLEL_ABOVE = 2000
#: The number of worker processes (default: the CPUs this process may use; 1: none).
WORKERS_ENV = "KG_WORKERS"


def workers() -> int:
    """``$KG_WORKERS``, else the number of CPUs this process may use.

    :raises UsageError: a value that is not a positive whole number.
    """
    from kg.base.errors import UsageError

    value = os.environ.get(WORKERS_ENV, "").strip()
    if not value:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if not value.isdigit() or int(value) < 1:
        raise UsageError(f"{WORKERS_ENV}={value!r}: give a whole number of worker processes, 1 or more")
    return int(value)


def _scores_of_windows(series: list[PairCounts]) -> list[tuple[list[float], list[float]]]:
    """:func:`_scores` of each window, several large windows at once in worker processes (the
    same function, so the same figures)."""
    large = sum(len(pairs.nodes) > PARALLEL_ABOVE for pairs in series)
    count = min(workers(), large)
    # fork: a worker starts at once and runs only igraph on the arrays it is sent; spawn and
    # forkserver would re-import the caller's script, which breaks every script without a main guard
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_scores(pairs) for pairs in series]
    jobs = [(len(p.nodes), p.source, p.target, p.count) for p in series]
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_betweenness_and_pagerank, *zip(*jobs)))


def centrality_over(series: Iterable[WindowGraph]) -> list[dict[str, Any]]:
    """:func:`centrality` of each window, concatenated in window order (an empty window adds no row).

    >>> import datetime as dt
    >>> day = dt.date(2017, 5, 1)
    >>> g = nx.MultiDiGraph(); _ = g.add_edge("x", "y", sign=0, date=day)
    >>> [(r["window_start"].day, r["actor"]) for r in centrality_over([(day, day, g), (day.replace(day=2), day.replace(day=2), nx.MultiDiGraph())])]
    [(1, 'y'), (1, 'x')]
    """
    rows: list[dict[str, Any]] = []
    for first, last, graph in series:
        rows += centrality(graph, window_start=first, window_end=last)
    return rows


def centrality_series(kg: KnowledgeGraph, *, top: int | None = None, **options: Unpack[Series]) -> list[dict[str, Any]]:
    """Centrality per actor per sliding window of the store: a time series (options:
    :class:`kg.analysis.span.Series`); ``top`` keeps the N highest-PageRank actors of each window.

    :raises UsageError: a bad period, window size or step, an empty store without ``start``/``end``.

    Examples
    --------
    >>> import kg, datetime as dt
    >>> from kg.curated.build import build
    >>> graph = kg.open(":memory:"); _ = build(graph)
    >>> rows = centrality_series(graph, start=dt.date(2017, 5, 18), end=dt.date(2017, 5, 31), size="14d", top=1)
    >>> [(r["window_start"].isoformat(), r["label"]) for r in rows]
    [('2017-05-18', 'North Atlantic Treaty Organization')]
    """
    series = list(pair_windows(kg, **options))
    rows: list[dict[str, Any]] = []
    for (first, last, pairs), scores in zip(series, _scores_of_windows([pairs for _, _, pairs in series])):
        rows += _rows(pairs, scores, first, last)
    return top_actors(rows, n=top) if top is not None else rows


def top_actors(rows: Iterable[dict[str, Any]], *, n: int = 10, by: str = "pagerank") -> list[dict[str, Any]]:
    """The ``n`` rows with the highest ``by`` in each window (ties broken by label), windows in order.

    :raises UsageError: ``n`` below 1 or an unknown column.

    Examples
    --------
    >>> rows = [{"window_start": 1, "window_end": 2, "label": k, "pagerank": v} for k, v in [("a", 0.1), ("b", 0.6), ("c", 0.3)]]
    >>> [r["label"] for r in top_actors(rows, n=2)]
    ['b', 'c']
    """
    from kg.base.errors import UsageError

    if n < 1:
        raise UsageError(f"--top must be at least 1, not {n}")
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for row in rows:
        if by not in row:
            raise UsageError(f"unknown column {by!r}: use one of {', '.join(row)}")
        groups.setdefault((row["window_start"], row["window_end"]), []).append(row)
    out: list[dict[str, Any]] = []
    for key in groups:
        out += sorted(groups[key], key=lambda r: (-r[by], r.get("label", "")))[:n]
    return out

"""Centrality per window, checked against hand-computed values on tests/data/network and networkx."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from kg.analysis.centrality import COLUMNS, centrality, centrality_series, pagerank, top_actors
from kg.analysis.projection import actor_graph, collapse
from kg.base.errors import UsageError

from conftest import NETWORK_ACTORS
from conftest import NETWORK_RESIDENTS as RES

A, B, C, D, E = NETWORK_ACTORS



def test_first_fortnight_by_hand(network_kg):
    # 6-19 March: A->B, B->C, A<->C (alliance), C->D, A<->D (alliance)
    rows = centrality_series(network_kg, start=dt.date(2017, 3, 6), end=dt.date(2017, 3, 30), size="14d")
    first = {r["actor"]: r for r in rows if r["window_start"] == dt.date(2017, 3, 6)}
    assert set(first) == {A, B, C, D}
    assert {k: (r["degree_in"], r["degree_out"]) for k, r in first.items()} == {A: (2, 3), B: (1, 1), C: (2, 2), D: (2, 1)}
    # shortest paths through A: C->B, D->B, D->C; through C: B->A, B->D; normalized by (n-1)(n-2) = 6
    assert first[A]["betweenness"] == pytest.approx(3 / 6)
    assert first[C]["betweenness"] == pytest.approx(2 / 6)
    assert first[B]["betweenness"] == first[D]["betweenness"] == 0
    assert first[A]["label"] == "Group A" and list(first[A]) == COLUMNS
    second = [r for r in rows if r["window_start"] == dt.date(2017, 3, 20)]
    assert second[0]["window_end"] == dt.date(2017, 3, 30)  # the last window is cut at the end
    assert {r["actor"] for r in second} == {A, B, D, E, RES}


def test_matches_networkx(network_kg):
    graph = actor_graph(network_kg, start=dt.date(2017, 3, 1), end=dt.date(2017, 3, 31))
    collapsed = collapse(graph)
    rows = {r["actor"]: r for r in centrality(graph)}
    expected_between = nx.betweenness_centrality(collapsed)
    expected_rank = _pagerank_python(collapsed, weight="weight")
    for actor, row in rows.items():
        assert row["degree_in"] == collapsed.in_degree(actor)
        assert row["degree_out"] == collapsed.out_degree(actor)
        assert row["betweenness"] == pytest.approx(expected_between[actor])
        assert row["pagerank"] == pytest.approx(expected_rank[actor], abs=1e-6)
    assert sum(r["pagerank"] for r in rows.values()) == pytest.approx(1.0)


def test_pagerank_by_hand_and_against_networkx():
    assert pagerank(nx.DiGraph([("a", "b"), ("b", "a")])) == pytest.approx({"a": 0.5, "b": 0.5})
    assert pagerank(nx.DiGraph()) == {}
    # a lone sink: its rank leaks uniformly, so both nodes share it: a = 0.15/2 + 0.85 * b/2, b = 0.15/2 + 0.85 * (a + b/2)
    ranks = pagerank(nx.DiGraph([("a", "b")]))
    assert ranks["a"] == pytest.approx(1 / 2.85, abs=1e-8)
    g = nx.gnp_random_graph(30, 0.15, seed=3, directed=True)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = (u * v) % 5 + 1
    expected = _pagerank_python(g, weight="weight", tol=1e-12)
    assert pagerank(g) == pytest.approx(expected, abs=1e-8)


def test_top_per_window(network_kg):
    rows = centrality_series(network_kg, start=dt.date(2017, 3, 6), end=dt.date(2017, 3, 30), size="14d", top=2)
    assert [r["window_start"].day for r in rows] == [6, 6, 20, 20]
    full = centrality_series(network_kg, start=dt.date(2017, 3, 6), end=dt.date(2017, 3, 30), size="14d")
    best = max((r for r in full if r["window_start"].day == 6), key=lambda r: r["pagerank"])
    assert rows[0]["actor"] == best["actor"]
    with pytest.raises(UsageError, match="at least 1"):
        top_actors(full, n=0)


def test_sliding_windows_overlap(network_kg):
    rows = centrality_series(network_kg, start=dt.date(2017, 3, 6), end=dt.date(2017, 3, 20), size="14d", step="7d")
    assert sorted({(r["window_start"].day, r["window_end"].day) for r in rows}) == [(6, 19), (13, 20)]  # 20-20 has no event: no row


def test_empty_windows_and_errors(network_kg, empty_kg):
    assert centrality_series(network_kg, start=dt.date(2016, 1, 1), end=dt.date(2016, 1, 31)) == []
    with pytest.raises(UsageError, match="no events"):
        centrality_series(empty_kg)
    assert centrality_series(empty_kg, start=dt.date(2017, 1, 1), end=dt.date(2017, 1, 2)) == []
    with pytest.raises(UsageError, match="before it starts"):
        centrality_series(network_kg, start=dt.date(2017, 3, 30), end=dt.date(2017, 3, 1))
    with pytest.raises(UsageError, match="invalid duration"):
        centrality_series(network_kg, size="0d")
    with pytest.raises(UsageError, match="invalid duration"):
        centrality_series(network_kg, size="soon")
    with pytest.raises(UsageError, match="unknown relation"):
        centrality_series(network_kg, relations=["Nonsense!"])

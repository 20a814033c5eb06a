"""Structural balance, frustrated triads, factions and alignments on hand-computed fixtures."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import networkx as nx
import pytest

from kg.analysis.balance import (
    balance,
    balance_series,
    enemy_of_enemy,
    factions,
    factions_of,
    frustrated_triads,
    triangles,
)
from kg.analysis.projection import actor_graph, collapse
from kg.base.errors import UsageError

from conftest import EVENT_BASE as EV
from conftest import NETWORK_ACTORS
from conftest import NETWORK_RESIDENTS as RES

A, B, C, D, E = NETWORK_ACTORS



def signed(*edges):
    g = nx.Graph()
    for a, b, s in edges:
        g.add_edge(a, b, sign=s)
    return g


def test_triangle_rule_by_hand():
    for signs, good in [((1, 1, 1), 1), ((1, -1, -1), 1), ((1, 1, -1), 0), ((-1, -1, -1), 0)]:
        g = signed(("a", "b", signs[0]), ("b", "c", signs[1]), ("a", "c", signs[2]))
        assert balance(g)["balanced"] == good, signs
    g = signed(("a", "b", 1), ("b", "c", 1), ("a", "c", 1), ("c", "d", -1), ("b", "d", 1))
    assert balance(g) == {"actors": 4, "positive": 4, "negative": 1, "triangles": 2, "balanced": 1, "share": 0.5}
    assert balance(nx.Graph())["share"] is None


def test_triangles_match_networkx():
    g = nx.gnp_random_graph(25, 0.3, seed=7)
    for u, v in g.edges:
        g.edges[u, v]["sign"] = 1 if (u + v) % 3 else -1
    assert len(triangles(g)) == sum(nx.triangles(g).values()) // 3


def test_balance_series_by_hand(network_kg):
    # 6-19 March: A-B -, B-C -, A-C +, C-D -, A-D + -> ABC balanced (- - +), ACD frustrated (+ - +)
    rows = balance_series(network_kg, start=dt.date(2017, 3, 6), end=dt.date(2017, 3, 30), size="14d")
    assert [(r["triangles"], r["balanced"], r["share"]) for r in rows] == [(2, 1, 0.5), (0, 0, None)]
    assert (rows[0]["positive"], rows[0]["negative"], rows[0]["actors"]) == (2, 3, 4)
    # whole month: A-D sums to -1 (one alliance, two attacks), so ACD is balanced too
    whole = balance_series(network_kg, start=dt.date(2017, 3, 1), end=dt.date(2017, 3, 31), size="31d")
    assert [(r["triangles"], r["share"]) for r in whole] == [(2, 1.0)]


def test_empty_window_has_no_share(network_kg):
    rows = balance_series(network_kg, start=dt.date(2017, 2, 1), end=dt.date(2017, 2, 28), size="28d")
    assert rows == [{"window_start": dt.date(2017, 2, 1), "window_end": dt.date(2017, 2, 28), "actors": 0, "positive": 0,
                     "negative": 0, "triangles": 0, "balanced": 0, "share": None}]


def test_frustrated_triad_with_events(network_kg):
    graph = actor_graph(network_kg, start=dt.date(2017, 3, 6), end=dt.date(2017, 3, 19))
    [triad] = frustrated_triads(graph)
    assert (triad["a"], triad["b"], triad["c"], triad["signs"]) == (A, C, D, "+ - +")
    assert triad["events"] == sorted(EV + e for e in ("a-c-alliance-2017-03-08", "a-d-alliance-2017-03-15", "c-attacks-d-2017-03-14"))
    assert triad["event_count"] == 3


def test_frustrated_triads_ranked_by_evidence():
    g = nx.MultiDiGraph()
    for i, (a, b, s) in enumerate([("a", "b", 1), ("b", "c", 1), ("a", "c", -1), ("a", "c", -1), ("x", "y", -1), ("y", "z", -1), ("x", "z", -1)]):
        g.add_edge(a, b, sign=s, event=f"e{i}")
    rows = frustrated_triads(g)
    assert [(r["a"], r["signs"], r["event_count"]) for r in rows] == [("a", "+ + -", 4), ("x", "- - -", 3)]
    assert [r["a"] for r in frustrated_triads(g, top=1)] == ["a"]


def test_enemy_of_enemy_by_hand(network_kg):
    graph = actor_graph(network_kg, start=dt.date(2017, 3, 1), end=dt.date(2017, 3, 31))
    rows = enemy_of_enemy(graph)
    assert [(r["a"], r["c"], r["common_enemies"], r["event_count"]) for r in rows] == [
        (B, D, [A, C], 5),   # A-B, B-C, C-D, and D's two attacks on A
        (A, RES, [B], 5),    # A-B and B's four attacks on Town Q
        (C, RES, [B], 5),
        (A, E, [D], 3),
        (C, E, [D], 2),
    ]
    assert rows[0]["relation"] == "none" and rows[0]["enemy_labels"] == ["Group A", "Group C"]
    assert EV + "a-attacks-b-2017-03-06" in rows[0]["events"]
    assert all(not (r["a"], r["c"]) == (A, C) for r in rows)  # A and C are allies: no candidate


def test_enemy_of_enemy_reports_hostile_pairs():
    rows = enemy_of_enemy(signed(("a", "b", -1), ("b", "c", -1), ("a", "c", -1)))
    assert {(r["a"], r["c"], r["relation"]) for r in rows} == {("a", "b", "hostile"), ("a", "c", "hostile"), ("b", "c", "hostile")}


def test_factions_of_fixture(network_kg):
    result = factions_of(network_kg, start=dt.date(2017, 3, 1), end=dt.date(2017, 3, 31))
    assert result.frustration == 0 and result.exact
    assert [sorted(c) for c in result.camps] == [sorted([A, C, E, RES]), sorted([B, D])]
    rows = result.rows()
    assert {r["actor"]: r["camp"] for r in rows}[B] == 2 and {r["camp_size"] for r in rows} == {4, 2}
    assert result.camp_of(A) == 1
    with pytest.raises(UsageError, match="no camp"):
        result.camp_of("nobody")
    # any number of camps: still no frustration
    assert factions_of(network_kg, camps=None).frustration == 0


def _brute_force(g: nx.Graph, camps: int) -> int:
    nodes = sorted(g)
    best = len(g.edges)
    for labels in itertools.product(range(camps), repeat=len(nodes)):
        where = dict(zip(nodes, labels))
        cost = sum(1 for a, b, d in g.edges(data=True) if (d["sign"] < 0) == (where[a] == where[b]))
        best = min(best, cost)
    return best


@pytest.mark.parametrize("seed", range(6))
def test_exact_factions_match_brute_force(seed):
    rng = random.Random(seed)
    g = nx.gnp_random_graph(9, 0.5, seed=seed)
    for u, v in g.edges:
        g.edges[u, v]["sign"] = rng.choice([1, -1])
    g.remove_nodes_from([n for n in list(g) if not g.degree(n)])
    for camps in (2, 3):
        result = factions(g, camps=camps)
        assert result.exact
        assert result.frustration == _brute_force(g, camps), (seed, camps)
        assert len(result.frustrated_edges) == result.frustration


def test_factions_frustrated_triangle():
    g = signed(("a", "b", -1), ("b", "c", -1), ("a", "c", -1))
    assert factions(g).frustration == 1
    weak = factions(g, camps=None)
    assert weak.frustration == 0 and weak.camps == [["a"], ["b"], ["c"]]
    with pytest.raises(UsageError, match="camps"):
        factions(g, camps=0)


def test_large_graph_uses_local_search_deterministically():
    # two camps of 12 allies each, hostile across, plus one traitor edge
    left, right = [f"l{i:02}" for i in range(12)], [f"r{i:02}" for i in range(12)]
    g = nx.Graph()
    for side in (left, right):
        for a, b in itertools.combinations(side, 2):
            g.add_edge(a, b, sign=1)
    for a, b in zip(left, right):
        g.add_edge(a, b, sign=-1)
    g.add_edge("l00", "r05", sign=1)
    first, again = factions(g), factions(g)
    assert not first.exact and first == again
    assert first.frustration == 1 and sorted(first.camps) == [left, right]


def test_components_are_solved_separately():
    g = signed(("a", "b", -1), ("x", "y", 1))
    g.add_node("lonely")
    result = factions(g)
    assert result.camps == [["a"], ["b"], ["x", "y"]] and result.components == [1, 1, 2]
    assert "lonely" not in {r["actor"] for r in result.rows()}


def test_directed_graph_is_refused():
    with pytest.raises(UsageError, match="DiGraph"):
        balance(collapse(nx.MultiDiGraph()))

"""Time-respecting paths and ego networks on tests/data/network, checked by hand and against networkx."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from kg.analysis.ego import ego_network, ego_over, neighbours
from kg.analysis.paths import earliest_arrival, paths_of
from kg.analysis.projection import actor_graph, collapse
from kg.base.errors import UsageError

from conftest import EVENT_BASE as EV
from conftest import NETWORK_ACTORS
from conftest import NETWORK_RESIDENTS as RES

A, B, C, D, E = NETWORK_ACTORS



def test_paths_from_a_by_hand(network_kg):
    rows = paths_of(network_kg, "group-a")
    assert [(r["actor"], r["arrival"].day, r["hops"]) for r in rows] == [(B, 6, 1), (C, 7, 2), (D, 14, 3), (E, 21, 4), (RES, 22, 2)]
    e = next(r for r in rows if r["actor"] == E)
    assert e["events"] == [EV + x for x in ("a-attacks-b-2017-03-06", "b-attacks-c-2017-03-07", "c-attacks-d-2017-03-14", "d-attacks-e-2017-03-21")]
    assert e["path"] == ["Group A", "Group B", "Group C", "Group D", "Group E"]


def test_paths_respect_time(network_kg):
    # D reaches A through the 15 March alliance (undirected), but A's own events are all earlier
    rows = paths_of(network_kg, "group-d")
    assert [(r["actor"], r["arrival"].day) for r in rows] == [(A, 15), (E, 21)]
    static = nx.descendants(collapse(actor_graph(network_kg)), D)
    assert {r["actor"] for r in rows} < static and {B, C} <= static
    assert [(r["actor"], r["hops"]) for r in paths_of(network_kg, "group-e", directed=False)] == [(D, 1), (A, 2)]
    assert paths_of(network_kg, "group-e") == []


def test_same_day_equals_static_reachability():
    g = nx.gnp_random_graph(40, 0.06, seed=11, directed=True)
    multi = nx.MultiDiGraph()
    for u, v in g.edges:
        multi.add_edge(u, v, event=f"{u}-{v}", date=dt.date(2017, 1, 1))
    rows = earliest_arrival(multi, 0)
    assert {r["actor"] for r in rows} == nx.descendants(g, 0)
    lengths = nx.single_source_shortest_path_length(g, 0)
    assert all(r["hops"] == lengths[r["actor"]] for r in rows)


def test_paths_errors(network_kg, empty_kg):
    with pytest.raises(UsageError, match="unknown actor"):
        paths_of(network_kg, "group-z")
    assert paths_of(network_kg, "Group A") == paths_of(network_kg, "group-a")  # a label names an actor too
    with pytest.raises(UsageError, match="unknown actor"):
        paths_of(network_kg, "Group Q")
    assert paths_of(network_kg, "group-e", start=dt.date(2017, 3, 1), end=dt.date(2017, 3, 10)) == []
    with pytest.raises(UsageError, match="no events"):
        earliest_arrival(nx.MultiDiGraph(), "x")
    with pytest.raises(UsageError):
        paths_of(empty_kg, "group-a")


def test_ego_by_hand(network_kg):
    rows = ego_network(network_kg, "group-a", start=dt.date(2017, 3, 6), end=dt.date(2017, 3, 30), size="14d")
    assert [(r["events"], r["degree"], r["entered"], r["left"]) for r in rows] == [(3, 3, [B, C, D], []), (2, 1, [], [B, C])]
    assert rows[1]["neighbours"] == [D]


def test_ego_matches_networkx_and_handles_empty_windows(network_kg):
    graph = actor_graph(network_kg)
    assert neighbours(graph, B) == set(nx.ego_graph(graph.to_undirected(), B, radius=1)) - {B}
    rows = ego_network(network_kg, "group-e", start=dt.date(2017, 3, 6), end=dt.date(2017, 4, 2), size="7d")
    assert [r["degree"] for r in rows] == [0, 0, 1, 0]
    assert rows[2]["entered"] == [D] and rows[3]["left"] == [D]
    assert ego_over([], "x") == []


def test_ego_errors(network_kg):
    with pytest.raises(UsageError, match="unknown actor"):
        ego_network(network_kg, "group-z")
    with pytest.raises(UsageError, match="invalid duration"):
        ego_network(network_kg, "group-a", size="-3d")

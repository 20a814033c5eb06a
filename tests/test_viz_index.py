"""The views' data from the analytic event index: the same :class:`viz.data.ViewData` as SPARQL.

:func:`viz.data.collect` takes the roles of the window's events and the details of every event
and actor drawn from the index when it is fresh; ``KG_INDEX=off`` keeps the SPARQL path, the
reference. Every selection here is collected both ways and the whole ViewData compared: on the
seed (multi-place events, quotes, campaigns with parts, states), on the ACLED fixture re-imported
with rows deleted (retracted events, possible date ranges, descriptions, dataset types) and on
an ICEWS14 slice (skipped when the shared data are absent).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.index import columns
from kg.index.cache import build_index, drop_index, event_index
from kg.store.graph import KnowledgeGraph
from viz.data import collect

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled" / "acled-sample-30.csv"
D = dt.date


def view(data: Any) -> dict[str, Any]:
    """Everything a view is drawn from (the networkx graph aside: the projection's own tests compare it)."""
    return {name: getattr(data, name) for name in ("nodes", "events", "states", "links", "roles", "start", "end")}


def both(monkeypatch: pytest.MonkeyPatch, graph: KnowledgeGraph, **selection: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    monkeypatch.setenv("KG_INDEX", "off")
    reference = view(collect(graph, **selection))
    monkeypatch.setenv("KG_INDEX", "on")
    assert event_index(graph) is not None
    indexed = view(collect(graph, **selection))
    return reference, indexed


def same(monkeypatch: pytest.MonkeyPatch, graph: KnowledgeGraph, **selection: Any) -> dict[str, Any]:
    reference, indexed = both(monkeypatch, graph, **selection)
    for name in reference:
        assert indexed[name] == reference[name], (name, selection)
        assert json.dumps(indexed[name]) == json.dumps(reference[name]), (name, selection)  # the page's bytes, key order too
    return reference


@pytest.fixture
def seed_index(seed_kg: KnowledgeGraph) -> Iterator[KnowledgeGraph]:
    """The shared seed with an in-memory index, dropped afterwards (other tests keep the SPARQL path)."""
    build_index(seed_kg)
    yield seed_kg
    drop_index(seed_kg)


SEED_SELECTIONS: list[dict[str, Any]] = [
    {}, {"network_only": True}, {"top": 5}, {"top": 3, "network_only": True},
    {"start": D(2017, 5, 22), "end": D(2017, 5, 24)}, {"start": D(2017, 5, 24), "end": D(2017, 5, 24), "mode": "strict"},
    {"start": D(2017, 5, 1), "end": D(2017, 5, 15)}, {"start": D(2017, 5, 16)}, {"end": D(2017, 5, 20)},
    {"relations": ["Attack"]}, {"relations": ["Joining", "Meeting"]}, {"relations": ["Membership"]},
    {"relations": ["Meeting", "Membership"]}, {"relations": ["suicide-bombing"]},
    {"actors": ["isis"]}, {"actors": ["isis"], "hops": 0}, {"actors": ["ahrar-al-sham"], "hops": 2},
    {"actors": ["nato"], "network_only": True}, {"timeline_actors": ["nato", "isis"]},
    {"place": "Syria"}, {"place": "Brussels", "network_only": True}, {"place": "Syria", "top": 4},
]


@pytest.mark.parametrize("selection", SEED_SELECTIONS, ids=str)
def test_seed_view_data_same_as_sparql(seed_index, monkeypatch, selection):
    same(monkeypatch, seed_index, **selection)


def test_seed_view_data_known_on(seed_index, monkeypatch):
    ix = event_index(seed_index)
    assert ix is not None
    days = sorted({d for d in ix.events.column("issued").to_pylist() if d})
    one = dt.timedelta(days=1)
    for day in [days[0] - one, *days, days[-1] + one]:
        same(monkeypatch, seed_index, known_on=day)
        same(monkeypatch, seed_index, known_on=day, start=D(2017, 5, 20), end=D(2017, 5, 31), top=6)


def test_seed_has_what_the_comparison_needs(seed_index, monkeypatch):
    """Multi-place events, quotes, descriptions, campaigns with parts, aliases, dataset types: each
    must reach the views, or the comparison would not test it."""
    data = same(monkeypatch, seed_index)
    events = data["events"]
    assert any(len(e["places"]) > 1 for e in events)
    assert any(e["quoted"] for e in events) and any(e["parent"] for e in events)
    assert any(e["sourceTitle"] for e in events)
    assert any(n["aliases"] for n in data["nodes"]) and any(n["description"] for n in data["nodes"])
    assert data["states"] and data["roles"]
    ix = event_index(seed_index)
    assert ix is not None
    campaigns = {e for e, parts in zip(ix.events.column("event").to_pylist(), ix.events.column("has_parts").to_pylist()) if parts}
    assert campaigns & {e["iri"] for e in events}, "a campaign with parts keeps its roles on the timeline"


ACLED_SELECTIONS: list[dict[str, Any]] = [
    {}, {"network_only": True}, {"top": 10}, {"start": D(2022, 1, 1), "end": D(2022, 12, 31)},
    {"start": D(2022, 6, 1), "end": D(2022, 6, 30), "mode": "strict"}, {"relations": ["acled/battles"]},
    {"relations": ["acled/armed-clash", "Attack"]}, {"relations": ["riot"], "top": 5},
    {"known_on": D(2030, 1, 1)}, {"place": "Argentina"},
]


@pytest.mark.parametrize("selection", ACLED_SELECTIONS, ids=str)
def test_acled_view_data_same_as_sparql(acled_retracted, monkeypatch, selection):
    same(monkeypatch, acled_retracted, **selection)


def test_acled_retracted_events_stay_out(acled_retracted, monkeypatch):
    ix = event_index(acled_retracted)
    assert ix is not None
    retracted = {e for e, day in zip(ix.events.column("event").to_pylist(), ix.events.column("invalidated").to_pylist()) if day}
    assert len(retracted) == 3
    data = same(monkeypatch, acled_retracted)
    assert not retracted & {e["iri"] for e in data["events"]}
    assert any(e["quote"] and not e["quoted"] for e in data["events"])  # ACLED's notes: a description
    assert any(e["datasetType"].startswith("ACLED: ") for e in data["events"])


ICEWS_SELECTIONS: list[dict[str, Any]] = [
    {"start": D(2014, 1, 1), "end": D(2014, 1, 7)}, {"start": D(2014, 1, 1), "end": D(2014, 1, 31), "top": 30},
    {"start": D(2014, 1, 1), "end": D(2014, 1, 31), "top": 30, "network_only": True},
    {"relations": ["cameo/19"]}, {"relations": ["Attack"], "top": 10}, {"start": D(2014, 1, 2), "end": D(2014, 1, 3)},
]


@pytest.mark.parametrize("selection", ICEWS_SELECTIONS, ids=str)
def test_icews14_view_data_same_as_sparql(icews, monkeypatch, selection):
    data = same(monkeypatch, icews, **selection)
    assert data["events"] or selection.get("relations")


def test_icews14_actor_and_place_selections(icews, monkeypatch):
    ix = event_index(icews)
    assert ix is not None
    busiest = max(ix.actors.column("actor").to_pylist()[:200], key=lambda a: sum(
        a in agents for agents in ix.events.column("agent").to_pylist()[:3000]))
    slug = busiest.rsplit("/", 1)[-1]
    same(monkeypatch, icews, actors=[slug], start=D(2014, 1, 1), end=D(2014, 1, 31))
    same(monkeypatch, icews, timeline_actors=[slug], start=D(2014, 1, 1), end=D(2014, 1, 15))
    same(monkeypatch, icews, place="Ukraine", start=D(2014, 1, 1), end=D(2014, 1, 31))


def test_every_index_column_is_documented():
    """kg.index.columns' docstring is the documented column list of ``kg export --format parquet``."""
    doc = columns.__doc__ or ""
    for name in [*columns.EVENT_SCHEMA.names, *columns.ACTOR_SCHEMA.names]:
        assert f"``{name}``" in doc, name


def _busiest_by_views(graph: Any, top: int, keep: set[str]) -> Any:
    """viz.data._busiest as it was written with networkx subgraph views (slow on a large month)."""
    ranked = sorted(graph.nodes, key=lambda n: (n not in keep, -graph.degree(n), n))
    chosen, rest = ranked[:top], ranked[top:]
    for _ in range(10):
        sub = graph.subgraph(chosen)
        lonely = [n for n in chosen if sub.degree(n) == 0 and n not in keep]
        if not lonely or not rest:
            break
        chosen = [n for n in chosen if n not in set(lonely)] + rest[: len(lonely)]
        rest = rest[len(lonely):]
    sub = graph.subgraph(chosen)
    return sub.subgraph([n for n in chosen if sub.degree(n) > 0 or n in keep]).copy()


def test_busiest_same_as_subgraph_views(icews, monkeypatch):
    from kg.analysis.projection import actor_graph
    from viz.data import _busiest

    monkeypatch.setenv("KG_INDEX", "on")
    graph = actor_graph(icews, start=D(2014, 1, 1), end=D(2014, 1, 31))
    nodes = sorted(graph.nodes)
    for top, keep in [(1, set()), (5, set()), (30, set()), (300, set()), (4, {nodes[0], nodes[-1]}), (10 ** 6, set())]:
        fast, slow = _busiest(graph, top, keep=keep), _busiest_by_views(graph, top, keep)
        assert sorted(fast.nodes(data=True)) == sorted(slow.nodes(data=True)), top
        assert sorted(map(repr, fast.edges(keys=True, data=True))) == sorted(map(repr, slow.edges(keys=True, data=True))), top
        assert fast.graph == slow.graph

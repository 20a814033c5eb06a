"""The analytic event index (kg.index): the same answers as the SPARQL path, always in step.

Every projection here runs twice, once with ``KG_INDEX=off`` (the SPARQL reference) and once
from the index, and the two networkx graphs must be equal edge by edge, attribute by attribute.
The seed exercises imprecise dates, multi-day facts, a campaign with parts, corrections and
record time; the ACLED fixture possible date ranges and dataset types; an ICEWS14 slice (skipped
when the shared data are absent) a real dataset's month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import kg
from kg.analysis.projection import actor_graph
from kg.base.errors import StoreError, UsageError
from kg.curated.build import build
from kg.index.cache import build_index, drop_index, event_index, index_folder, status
from kg.store.graph import KnowledgeGraph

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled" / "acled-sample-30.csv"
UCDP = DATA / "ucdp" / "ucdp-ged-25.csv"
D = dt.date


def signature(graph: nx.MultiDiGraph) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """Everything a projection holds, in a comparable order."""
    edges = sorted((a, b, k, sorted(data.items())) for a, b, k, data in graph.edges(keys=True, data=True))
    nodes = sorted((n, sorted(data.items())) for n, data in graph.nodes(data=True))
    return edges, nodes, dict(graph.graph)


def both(monkeypatch: pytest.MonkeyPatch, graph: KnowledgeGraph, **options: Any) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    monkeypatch.setenv("KG_INDEX", "off")
    reference = actor_graph(graph, **options)
    monkeypatch.setenv("KG_INDEX", "on")
    indexed = actor_graph(graph, **options)
    return reference, indexed


@pytest.fixture
def seed_index(seed_kg: KnowledgeGraph) -> Iterator[KnowledgeGraph]:
    """The shared seed with an in-memory index, dropped afterwards (other tests keep the SPARQL path)."""
    build_index(seed_kg)
    yield seed_kg
    drop_index(seed_kg)


SEED_WINDOWS = [
    (None, None), (D(2017, 5, 1), D(2017, 5, 31)), (D(2017, 5, 22), D(2017, 5, 23)), (D(2017, 5, 24), D(2017, 5, 24)),
    (D(2017, 5, 1), D(2017, 5, 15)), (D(2017, 5, 16), None), (None, D(2017, 5, 20)), (D(2016, 1, 1), D(2018, 12, 31)),
]


def edge_windows(graph: KnowledgeGraph) -> list[tuple[dt.date | None, dt.date | None]]:
    """Windows whose bounds fall on, just inside and just outside every imprecise or multi-day fact's
    days and possible range: where a loose and a strict test part."""
    ix = event_index(graph)
    assert ix is not None
    one = dt.timedelta(days=1)
    out = set()
    for e in ix.events.to_pylist():
        if e["precision"] == "day" and e["end"] == e["start"] and e["earliest"] is None:
            continue
        first = min(d for d in (e["start"], e["earliest"]) if d)
        last = max(d for d in (e["end"], e["latest"]) if d)
        for a in (first - one, first, first + one, e["start"]):
            for b in (last - one, last, last + one, e["end"]):
                if a <= b:
                    out.add((a, b))
        out.update({(e["start"], None), (None, e["end"]), (e["start"], e["start"])})
    return sorted(out, key=str)


def record_days(graph: KnowledgeGraph) -> list[dt.date | None]:
    """Known-on days on, before and after every source's issue date."""
    ix = event_index(graph)
    assert ix is not None
    days = {d for d in ix.events.column("issued").to_pylist() if d}
    one = dt.timedelta(days=1)
    return [None, *sorted({d + k * one for d in days for k in (-1, 0, 1)})]


@pytest.mark.parametrize("window", SEED_WINDOWS, ids=str)
@pytest.mark.parametrize("mode", ["loose", "strict"])
def test_seed_projection_same_as_sparql(seed_index, monkeypatch, window, mode):
    for relations in ([], ["Attack"], ["Joining", "Meeting"], ["suicide-bombing"]):
        for known_on in record_days(seed_index):
            reference, indexed = both(monkeypatch, seed_index, start=window[0], end=window[1], mode=mode,
                                      relations=relations, known_on=known_on)
            assert signature(indexed) == signature(reference), (relations, known_on)


@pytest.mark.parametrize("mode", ["loose", "strict"])
def test_seed_projection_at_the_edges_of_imprecise_facts(seed_index, monkeypatch, mode):
    windows = edge_windows(seed_index)
    assert len(windows) > 20
    for start, end in windows:
        reference, indexed = both(monkeypatch, seed_index, start=start, end=end, mode=mode)
        assert signature(indexed) == signature(reference), (start, end)


def test_seed_has_what_the_comparison_needs(seed_index):
    """The seed must keep exercising imprecise dates, multi-day facts, campaigns and sources."""
    ix = event_index(seed_index)
    assert ix is not None
    events = ix.events.to_pylist()
    assert any(e["precision"] != "day" for e in events)
    assert any(e["end"] > e["start"] for e in events)
    assert any(e["has_parts"] for e in events)
    assert all(e["issued"] is not None for e in events)


def test_unknown_relation_same_error(seed_index, monkeypatch):
    monkeypatch.setenv("KG_INDEX", "on")
    with pytest.raises(UsageError, match="unknown relation"):
        actor_graph(seed_index, relations=["Nope"])


def test_policy_value_checked(seed_kg, monkeypatch):
    monkeypatch.setenv("KG_INDEX", "sometimes")
    with pytest.raises(UsageError, match="KG_INDEX"):
        event_index(seed_kg)


@pytest.fixture
def acled_kg(tmp_path: Path) -> Iterator[KnowledgeGraph]:
    graph = kg.open(str(tmp_path / "store"))
    build(graph)
    kg.import_dataset(graph, "acled", ACLED)
    yield graph
    graph.close()


@pytest.mark.parametrize("mode", ["loose", "strict"])
def test_acled_projection_same_as_sparql(acled_kg, monkeypatch, mode):
    """Possible date ranges (ACLED's time_precision 2 and 3) and dataset types as relations."""
    build_index(acled_kg)
    for window in [(None, None), (D(2022, 1, 1), D(2022, 1, 31)), *edge_windows(acled_kg)]:
        for relations in ([], ["acled/battles"], ["acled/armed-clash", "Attack"]):
            reference, indexed = both(monkeypatch, acled_kg, start=window[0], end=window[1], mode=mode, relations=relations)
            assert signature(indexed) == signature(reference), (window, relations)
    assert any(r["earliest"] is not None for r in event_index(acled_kg).events.to_pylist())


def test_index_lives_beside_the_store(acled_kg):
    folder = index_folder(acled_kg)
    assert folder == Path(acled_kg.location).resolve().with_name("store.index")
    assert status(acled_kg)["exists"] is False
    build_index(acled_kg)
    state = status(acled_kg)
    assert state["exists"] and state["fresh"] and state["events"] > 30
    assert not any(Path(acled_kg.location).glob("*.arrow"))  # nothing inside the Oxigraph folder
    assert acled_kg.generation() and acled_kg.generation() == state["index_stamp"]


def test_a_build_clears_earlier_builds_but_not_one_being_written(acled_kg):
    """Each build removes the earlier complete ones and those a dead build left long ago, never the
    folder of a build another process is still writing (no meta.json yet)."""
    import os
    import time

    build_index(acled_kg)
    folder = index_folder(acled_kg)
    assert folder is not None
    earlier = next(p for p in folder.iterdir() if p.is_dir())
    writing = folder / "stamp-123-456"
    writing.mkdir()
    (writing / "events.arrow").write_bytes(b"half")
    dead = folder / "stamp-789-012"
    dead.mkdir()
    long_ago = time.time() - 7 * 3600
    os.utime(dead, (long_ago, long_ago))
    build_index(acled_kg)
    left = {p.name for p in folder.iterdir() if p.is_dir()}
    assert writing.name in left and dead.name not in left and earlier.name not in left and len(left) == 2
    assert status(acled_kg)["fresh"]


def _stale_then_fresh(graph: KnowledgeGraph, write: Any) -> None:
    before = status(graph)
    assert before["fresh"]
    write()
    assert not status(graph)["fresh"], "a write left the index fresh"
    ix = event_index(graph)
    assert ix is not None and status(graph)["fresh"]
    rebuilt = build_index(graph)
    assert ix.events.sort_by("event").equals(rebuilt.events.sort_by("event"))


def test_every_write_makes_the_index_stale(acled_kg, tmp_path):
    from kg.ingest.reconcile import reconcile, write_links
    from kg.ingest.sources import remove_source

    build_index(acled_kg)
    changed = tmp_path / "acled-sample-30.csv"  # the same file name: a re-import of a changed file
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    changed.write_text("".join(lines[:-3]), encoding="utf-8")  # three rows deleted: retracted on re-import
    writes = {
        "update": lambda: acled_kg.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> a <https://example.org/B> } }"),
        "add_quads": lambda: acled_kg.add_quads([kg_quad()]),
        "build": lambda: build(acled_kg),
        "re-import with retractions": lambda: kg.import_dataset(acled_kg, "acled", changed, replace=True),
        "reconcile": lambda: write_links(acled_kg, reconcile(acled_kg, km=50, days=3, min_score=0).proposals),
        "import": lambda: kg.import_dataset(acled_kg, "icews", DATA / "icews" / "icews14-valid-head40.txt"),
        "remove": lambda: remove_source(acled_kg, "icews-icews14-valid-head40"),
    }
    for name, write in writes.items():
        try:
            _stale_then_fresh(acled_kg, write)
        except AssertionError as err:
            raise AssertionError(f"{name}: {err}") from None
    retracted = [e for e in event_index(acled_kg).events.to_pylist() if e["invalidated"]]
    assert len(retracted) == 3


def kg_quad() -> Any:
    import pyoxigraph as ox

    return ox.Quad(ox.NamedNode("https://example.org/b"), ox.NamedNode("https://example.org/p"), ox.Literal("x"),
                   ox.NamedNode("https://example.org/g"))


def test_sparql_update_through_kg_serve_makes_the_index_stale(acled_kg):
    """kg serve's workers write to the engine directly (kg.server.work.run_update)."""
    from kg.server.work import Job, Limits, run_update

    build_index(acled_kg)
    job = Job(sparql="INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/c> a <https://example.org/B> } }",
              task="update", limits=Limits(updates=True))
    assert run_update(acled_kg.store, job).status == 204
    assert not status(acled_kg)["fresh"]
    assert event_index(acled_kg) is not None and status(acled_kg)["fresh"]


def test_in_memory_writes_make_the_index_stale():
    graph = kg.open(":memory:")
    build(graph)
    first = build_index(graph)
    assert event_index(graph) is first
    graph.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> a <https://example.org/B> } }")
    again = event_index(graph)
    assert again is not None and again is not first


def test_read_only_store_without_stamp(tmp_path, monkeypatch):
    """A reader cannot write the stamp: it keeps the SPARQL path, and an explicit build says what to run."""
    writer = kg.open(str(tmp_path / "s"))
    build(writer)
    writer.close()
    reader = kg.open(str(tmp_path / "s"), read_only=True)
    assert event_index(reader) is None
    with pytest.raises(StoreError, match="kg index"):
        build_index(reader)
    monkeypatch.setenv("KG_INDEX", "on")
    assert event_index(reader) is None
    reader.close()


def test_stale_index_rebuilt_by_a_reader(tmp_path):
    writer = kg.open(str(tmp_path / "s"))
    build(writer)
    build_index(writer)
    writer.update("DELETE WHERE { ?e a ckg:Attack ; rdfs:label ?l . ?e rdfs:label ?l }")
    writer.close()
    reader = kg.open(str(tmp_path / "s"), read_only=True)
    ix = event_index(reader)
    assert ix is not None and status(reader)["fresh"]
    reader.close()


def test_dropped_stamp_rebuilds(acled_kg):
    """DROP ALL removes the stamp too: no stamp never matches the index's, so it is rebuilt."""
    build_index(acled_kg)
    acled_kg.update("DROP ALL")
    assert not status(acled_kg)["fresh"]
    ix = event_index(acled_kg)
    assert ix is not None and ix.events.num_rows == 0 and acled_kg.generation()


def test_icews14_slice_same_as_sparql(icews, monkeypatch):
    for window in [(D(2014, 1, 1), D(2014, 1, 7)), (D(2014, 1, 1), D(2014, 1, 31)), (None, None)]:
        for relations in ([], ["cameo/19"], ["Attack"]):
            reference, indexed = both(monkeypatch, icews, start=window[0], end=window[1], relations=relations)
            assert signature(indexed) == signature(reference)
            assert window[0] is None or reference.number_of_edges() > 0 or relations


def _saved(graph: KnowledgeGraph, name: str) -> list[dict[str, Any]]:
    from kg.sparql.saved import saved_query

    return graph.query(saved_query(name).text).records()


REPORTS = {
    "hostile-dyads": ("hostile_dyads", lambda r: (r["agent"], r["target"], r["events"], r["first"], r["last"]),
                      lambda r: (r["agent_label"], r["target_label"], r["events"], r["first"], r["last"])),
    "weekly-event-counts": ("weekly_counts", lambda r: (r["actor"], r["week"], r["weekStart"], r["events"]),
                            lambda r: (r["label"], r["week"], r["week_start"], r["events"])),
    "actor-activity-span": ("activity_spans", lambda r: (r["actor"], r["first"], r["last"], r["events"]),
                            lambda r: (r["label"], r["first"], r["last"], r["events"])),
    "shared-attacker-targets": ("shared_attacker_targets",
                                lambda r: (r["attacker"], r["target1"], r["target2"], r["attacks1"], r["attacks2"]),
                                lambda r: (r["attacker_label"], r["target1_label"], r["target2_label"], r["attacks1"], r["attacks2"])),
}


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_reports_same_as_saved_queries(seed_index, acled_kg, name):
    from kg.analysis import reports

    function, saved_row, index_row = REPORTS[name]
    for graph in (seed_index, acled_kg):
        expected = sorted(map(saved_row, _saved(graph, name)), key=str)
        found = sorted(map(index_row, getattr(reports, function)(graph)), key=str)
        assert found == expected and (expected or name == "shared-attacker-targets"), (graph, name)


def test_analysed_window_same_as_sparql(seed_index, acled_kg, monkeypatch):
    from kg.analysis.span import analysed_window

    build_index(acled_kg)
    for graph in (seed_index, acled_kg):
        monkeypatch.setenv("KG_INDEX", "off")
        reference = analysed_window(graph)
        monkeypatch.setenv("KG_INDEX", "on")
        assert analysed_window(graph) == reference


def test_metrics_same_as_sparql(seed_index, monkeypatch):
    """Every kg analyze metric reads the projection: the same rows through both paths."""
    from kg.analysis.balance import balance_series
    from kg.analysis.centrality import centrality_series
    from kg.analysis.escalation import escalation_of

    def run() -> list[Any]:
        return [centrality_series(seed_index, size="7d"), balance_series(seed_index, size="7d"),
                escalation_of(seed_index, min_count=1)]

    # node order may differ between the paths: the same rows, floats equal to 1e-9
    monkeypatch.setenv("KG_INDEX", "off")
    reference = run()
    monkeypatch.setenv("KG_INDEX", "on")
    found = run()
    for mine, theirs in zip(found, reference):
        key = lambda r: (str(r.get("window_start")), str(r.get("actor")), str(r.get("kind")), str(r.get("counterpart")))  # noqa: E731
        mine, theirs = sorted(mine, key=key), sorted(theirs, key=key)
        assert len(mine) == len(theirs) and mine
        for a, b in zip(mine, theirs):
            assert a.keys() == b.keys()
            for column in a:
                if isinstance(a[column], float):
                    assert a[column] == pytest.approx(b[column], rel=1e-9, abs=1e-12), column
                else:
                    assert a[column] == b[column], column


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_events_export_round_trip(acled_kg, runner, tmp_path, fmt):
    """kg export --format parquet|csv read back with pyarrow/pandas: the SPARQL path's events."""
    import pandas as pd
    import pyarrow.parquet as pq

    from kg.cli import main

    acled_kg.close()
    out = tmp_path / f"events.{fmt}"
    result = runner.invoke(main, ["--store", acled_kg.location, "export", "--format", fmt, "-o", str(out),
                                  "--include-restricted"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out).to_pandas() if fmt == "parquet" else pd.read_csv(out, keep_default_na=False)
    graph = kg.open(acled_kg.location, read_only=True)
    reference = graph.query("""
        SELECT ?e ?start ?type (GROUP_CONCAT(DISTINCT ?label; SEPARATOR="|") AS ?agents) WHERE {
          ?e a ?c ; ckg:eventType ?type ; ckg:datePrecision ?p ; ckg:startDate ?start .
          ?c rdfs:subClassOf* ckg:Event .
          OPTIONAL { ?e ckg:agent/rdfs:label ?label }
        } GROUP BY ?e ?start ?type""").records()
    graph.close()
    assert len(table) == len(reference) > 40
    rows = {r["event"]: r for r in table.to_dict("records")}
    for ref in reference:
        row = rows[ref["e"]]
        assert str(row["start"])[:10] == str(ref["start"]) and row["type"] == ref["type"]
        labels = row["agent_labels"] if fmt == "parquet" else [x for x in row["agent_labels"].split("; ") if x]
        assert sorted(labels) == sorted(filter(None, ref.get("agents", "").split("|")))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_events_export_leaves_out_what_may_not_be_redistributed(acled_kg, runner, tmp_path, fmt):
    """ACLED's terms forbid passing its rows on: like the RDF formats, the table leaves its events
    out (one line says so) unless --include-restricted; UCDP's (CC BY) and the seed's stay."""
    import csv

    import pandas as pd
    import pyarrow.parquet as pq

    from kg.cli import main

    kg.import_dataset(acled_kg, "ucdp", UCDP)
    acled_kg.close()
    with ACLED.open(encoding="utf-8") as f:
        acled_ids = {row["event_id_cnty"] for row in csv.DictReader(f)}
    with UCDP.open(encoding="utf-8") as f:
        ucdp_ids = {row["id"] for row in csv.DictReader(f)}
    read = lambda path: pq.read_table(path).to_pandas() if fmt == "parquet" else pd.read_csv(path, keep_default_na=False)  # noqa: E731
    counts = {}
    for flag in ([], ["--include-restricted"]):
        out = tmp_path / f"events{len(flag)}.{fmt}"
        result = runner.invoke(main, ["--store", acled_kg.location, "export", "--format", fmt, "-o", str(out), *flag])
        assert result.exit_code == 0, result.output
        assert ("not marked redistributable" in result.stderr) == (not flag)
        events = set(read(out)["event"])
        counts[bool(flag)] = {kind: sum(1 for e in events if f"/event/{kind}-" in e) for kind in ("acled", "ucdp")}
        counts[bool(flag)]["seed"] = len(events) - sum(counts[bool(flag)].values())
    assert counts[False] == {"acled": 0, "ucdp": len(ucdp_ids), "seed": 19}
    assert counts[True] == {"acled": len(acled_ids), "ucdp": len(ucdp_ids), "seed": 19}


def test_events_frame_pandas_and_polars(seed_kg):
    import polars as pl

    pandas_frame = kg.events_frame(seed_kg)
    polars_frame = kg.events_frame(seed_kg, engine="polars")
    assert isinstance(polars_frame, pl.DataFrame)
    assert len(pandas_frame) == polars_frame.height == 19
    assert set(pandas_frame["event"]) == set(polars_frame["event"].to_list())
    with pytest.raises(UsageError, match="engine"):
        kg.events_frame(seed_kg, engine="spark")


def test_betweenness_at_scale_is_networkx_betweenness():
    """igraph above the limit gives networkx's exact values; without it, a seeded sample close to exact."""
    from kg.analysis.centrality import betweenness

    graph = nx.gnm_random_graph(300, 900, seed=1, directed=True)
    exact = nx.betweenness_centrality(graph, normalized=True)
    fast = betweenness(graph)
    assert fast.keys() == exact.keys()
    assert all(fast[n] == pytest.approx(exact[n], abs=1e-12) for n in exact)
    sampled = betweenness(graph, engine="networkx", exact_limit=100, samples=150)
    assert sampled == betweenness(graph, engine="networkx", exact_limit=100, samples=150) != exact
    top = set(sorted(exact, key=exact.__getitem__)[-10:])
    assert len(top & set(sorted(sampled, key=sampled.__getitem__)[-10:])) >= 7
    assert betweenness(graph, engine="networkx") == exact  # below the exact limit


def _actor_rows(graph: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch, policy: str, **options: Any) -> list[dict[str, Any]]:
    from kg.index.actors import actors

    monkeypatch.setenv("KG_INDEX", policy)
    rows = actors(graph, **options).records()
    for row in rows:  # GROUP_CONCAT joins the aliases in the engine's order
        row["aliases"] = sorted(row["aliases"].split("; ")) if row.get("aliases") else []
    return rows


def test_actors_counts_same_as_sparql(seed_index, acled_kg, icews, monkeypatch):
    """``kg actors``: the index's counts, the same rows in the same order as the SPARQL join (the
    seed's campaigns and retracted events, ACLED's sides, an ICEWS14 slice's thousands of actors)."""
    build_index(acled_kg)
    for graph, options in [(seed_index, {}), (seed_index, {"type": "Community"}), (seed_index, {"search": "isl"}),
                           (seed_index, {"search": "Daesh"}), (seed_index, {"place": "Syria"}),
                           (acled_kg, {}), (acled_kg, {"place": "Syria"}), (icews, {})]:
        reference = _actor_rows(graph, monkeypatch, "off", **options)
        indexed = _actor_rows(graph, monkeypatch, "auto", **options)
        assert event_index(graph) is not None
        assert indexed == reference, options
        assert reference and any(r["events"] > 1 for r in reference), options


def _diff_rows(change: Any) -> dict[str, list[Any]]:
    """A network diff's sections, comparable: dyads without their sample event, actors by label then IRI."""
    by_actor = lambda rows: sorted(rows, key=lambda r: (r["label"], r["actor"]))  # noqa: E731
    return {
        "new": change.new_states, "ended": change.ended_states,
        "dyads": [{k: v for k, v in r.items() if k != "event"} for r in change.first_hostile_dyads],
        "appeared": by_actor(change.appeared), "quiet": by_actor(change.went_quiet),
    }


def test_network_diff_same_as_sparql(seed_index, acled_kg, icews, monkeypatch):
    """``kg diff``: first-ever hostile dyads and appeared / went-quiet actors from the index equal the
    SPARQL path's, over periods of the seed (campaigns, retractions), ACLED and an ICEWS14 slice."""
    from kg.index.diff import network_diff

    build_index(acled_kg)
    cases = [(seed_index, D(2017, 5, 18), D(2017, 5, 24)), (seed_index, D(2017, 5, 25), D(2017, 5, 31)),
             (seed_index, D(2017, 5, 22), D(2017, 5, 22)), (acled_kg, D(2022, 1, 1), D(2022, 3, 31)),
             (icews, D(2014, 1, 3), D(2014, 1, 4))]
    seen = set()
    for graph, start, end in cases:
        monkeypatch.setenv("KG_INDEX", "off")
        reference = network_diff(graph, start=start, end=end)
        monkeypatch.setenv("KG_INDEX", "auto")
        assert event_index(graph) is not None
        indexed = network_diff(graph, start=start, end=end)
        assert _diff_rows(indexed) == _diff_rows(reference), (start, end)
        days = dict(zip(event_index(graph).events.column("event").to_pylist(), event_index(graph).events.column("start").to_pylist()))
        assert all(days[r["event"]] == r["first"] for r in indexed.first_hostile_dyads)
        seen |= {name for name, rows in _diff_rows(reference).items() if rows}
    assert {"dyads", "appeared", "quiet"} <= seen  # the comparison covered every section computed on the index


def test_centrality_at_scale_is_networkx_on_the_sparql_projection(icews, monkeypatch):
    """Windows of hundreds of actors go from the index's arrays to igraph (no networkx graph in
    between): the rows equal networkx's own betweenness and PageRank of the collapsed SPARQL
    projection, and the degrees its distinct neighbours."""
    from kg.analysis.centrality import IGRAPH_ABOVE, centrality_series
    from kg.analysis.projection import actor_graph, collapse

    monkeypatch.setenv("KG_INDEX", "on")
    rows = centrality_series(icews, start=D(2014, 1, 1), end=D(2014, 1, 6), size="3d")
    monkeypatch.setenv("KG_INDEX", "off")
    windows = sorted({(r["window_start"], r["window_end"]) for r in rows})
    assert len(windows) == 2
    for first, last in windows:
        graph = collapse(actor_graph(icews, start=first, end=last))
        assert graph.number_of_nodes() > IGRAPH_ABOVE  # the igraph path
        between = nx.betweenness_centrality(graph, normalized=True)
        ranks = nx.pagerank(graph, alpha=0.85, weight="weight", tol=1e-12, max_iter=1000)
        mine = {r["actor"]: r for r in rows if r["window_start"] == first}
        assert mine.keys() == set(graph.nodes)
        for actor, row in mine.items():
            assert row["degree_in"] == graph.in_degree(actor) and row["degree_out"] == graph.out_degree(actor)
            assert row["betweenness"] == pytest.approx(between[actor], rel=1e-9, abs=1e-12)
            assert row["pagerank"] == pytest.approx(ranks[actor], rel=1e-6, abs=1e-12)
            assert row["label"] == graph.nodes[actor]["label"]


def test_windows_scored_in_worker_processes_give_the_same_rows(icews, monkeypatch):
    """Several large windows go to worker processes ($KG_WORKERS, default the CPUs): the same rows
    as one process; a bad $KG_WORKERS is a usage error."""
    from kg.analysis import centrality as module
    from kg.base.errors import UsageError

    monkeypatch.setenv("KG_INDEX", "on")
    monkeypatch.setattr(module, "PARALLEL_ABOVE", 10)
    monkeypatch.setenv("KG_WORKERS", "1")
    alone = module.centrality_series(icews, start=D(2014, 1, 1), end=D(2014, 1, 6), size="2d")
    monkeypatch.setenv("KG_WORKERS", "2")
    spawned: list[int] = []
    real = module.ProcessPoolExecutor
    monkeypatch.setattr(module, "ProcessPoolExecutor", lambda n, **kw: spawned.append(n) or real(n, **kw))
    assert module.centrality_series(icews, start=D(2014, 1, 1), end=D(2014, 1, 6), size="2d") == alone
    assert spawned == [2] and len({r["window_start"] for r in alone}) == 3
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("KG_WORKERS", bad)
        with pytest.raises(UsageError, match="KG_WORKERS"):
            module.centrality_series(icews, start=D(2014, 1, 1), end=D(2014, 1, 6), size="2d")


def test_index_status_and_drop_only_read_the_store(runner, tmp_path):
    """`kg index --status` and `--drop` refuse a missing store in one line (a mistyped --store
    must not become an empty store) and run beside a writer (a read-only view)."""
    from kg.cli import main

    missing = tmp_path / "typo"
    for flag in ("--status", "--drop"):
        result = runner.invoke(main, ["--store", str(missing), "index", flag])
        assert result.exit_code == 1 and "does not exist" in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1 and not missing.exists()
    store = tmp_path / "store"
    assert runner.invoke(main, ["--store", str(store), "build"]).exit_code == 0
    writer = kg.open(str(store))  # holds the writer lock, as an import would
    try:
        result = runner.invoke(main, ["--store", str(store), "index", "--status"])
        assert result.exit_code == 0 and "no index" in result.output, result.output
        assert runner.invoke(main, ["--store", str(store), "index", "--drop"]).output.strip() == "no index to drop"
    finally:
        writer.close()
    assert runner.invoke(main, ["--store", str(store), "index", "--quiet"]).exit_code == 0
    assert "in step with the store" in runner.invoke(main, ["--store", str(store), "index", "--status"]).output
    assert runner.invoke(main, ["--store", str(store), "index", "--drop"]).output.strip() == "index dropped"


def test_actor_aliases_in_one_order_on_both_paths(seed_index, monkeypatch):
    """GROUP_CONCAT gives aliases in no set order; both paths list them alphabetically."""
    from kg.index.actors import actors

    for policy in ("off", "auto"):
        monkeypatch.setenv("KG_INDEX", policy)
        listed = {r["actor"]: r.get("aliases", "") for r in actors(seed_index).records()}
        many = [a for a in listed.values() if a.count("; ") >= 2]
        assert many and all(a.split("; ") == sorted(a.split("; ")) for a in listed.values()), policy


def test_a_refused_import_leaves_the_index_fresh(acled_kg, tmp_path):
    """An import refused midway (its events already in the store as another source; a malformed
    row) leaves the store as it was, and so its stamp: the index stays in step, no rebuild."""
    from kg.base.errors import DataError

    build_index(acled_kg)
    stamp = acled_kg.generation()
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    overlapping = tmp_path / "acled-again.csv"
    overlapping.write_text("".join(lines[:-2]), encoding="utf-8")
    with pytest.raises(DataError, match="already in the store"):
        kg.import_dataset(acled_kg, "acled", overlapping)
    broken = tmp_path / "acled-broken.csv"
    broken.write_text(lines[0] + lines[1].replace(",", ";", 3), encoding="utf-8")
    with pytest.raises(DataError):  # the row error is a DataError too
        kg.import_dataset(acled_kg, "acled", broken)
    assert acled_kg.generation() == stamp and status(acled_kg)["fresh"]
    kg.import_dataset(acled_kg, "acled", overlapping, replace=True)  # a real write still moves it
    assert acled_kg.generation() != stamp and not status(acled_kg)["fresh"]

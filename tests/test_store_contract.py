"""One contract, every store: in memory, embedded Oxigraph on disk, Oxigraph server, Virtuoso.

The remote stores are real servers: ``oxigraph serve`` started by this module, and Virtuoso
when ``.ci/run`` started it (``KG_TEST_VIRTUOSO_URL``; the test is marked ``integration``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

import kg
from kg.analysis.projection import actor_graph
from kg.base.errors import DataError, QueryError
from kg.contract.ontology import ensure_ontology
from kg.curated.build import build
from kg.export.rdf import export_rdf
from kg.ingest.base import import_file
from kg.ingest.icews import IcewsFormat
from viz.data import collect

from servers import OxigraphServer, virtuoso_url

ICEWS = Path(__file__).parent / "data" / "icews" / "icews14-valid-head40.txt"
T0 = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server"))
    yield server
    server.stop()


@pytest.fixture(params=["memory", "embedded", "oxigraph-server", pytest.param("virtuoso", marks=pytest.mark.integration)])
def store(request, tmp_path):
    if request.param == "memory":
        yield kg.open(":memory:")
    elif request.param == "embedded":
        graph = kg.open(tmp_path / "store")
        yield graph
        graph.close()
    elif request.param == "oxigraph-server":
        graph = kg.open(request.getfixturevalue("oxigraph_server").url)
        graph.update("CLEAR ALL")
        yield graph
    else:
        url = virtuoso_url()
        if url is None:
            pytest.skip("Virtuoso is not running (set KG_TEST_VIRTUOSO_URL; .ci/run starts it)")
        graph = kg.open(url)
        for name in graph.graphs():
            if name.startswith("https://w3id.org/conflict-kg/"):
                graph.update(f"DROP SILENT GRAPH <{name}>")
        graph.on_virtuoso = True  # type: ignore[attr-defined]
        yield graph


OURS = "https://w3id.org/conflict-kg/"


_WKT = re.compile(r'"POINT\(([-\d.]+) ([-\d.]+)\)"\^\^<[^>]+>')


def _point(match: re.Match[str]) -> str:
    return f'POINT({float(match.group(1)):.5f} {float(match.group(2)):.5f})'


def quads(graph) -> list[str]:
    """The project's quads (a shared server such as Virtuoso also holds its own system graphs), blank
    nodes canonically labelled (each engine labels the ontology's OWL lists its own way).

    Points are compared to 5 decimals whatever their literal type: Virtuoso stores GeoSPARQL
    WKT as its own geometry type in single precision (a documented difference).
    """
    ours = ox.Dataset(q for q in graph.quads() if str(q.graph_name.value).startswith(OURS))
    ours.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(_WKT.sub(_point, str(q)) for q in ours)


def test_update_query_and_graphs(store):
    store.update("INSERT DATA { GRAPH <https://w3id.org/conflict-kg/graph/source/t> { <https://example.org/a> <https://example.org/p> 'x' , 2 } }")
    assert store.count_quads() >= 2
    assert "https://w3id.org/conflict-kg/graph/source/t" in store.graphs()
    rows = store.query("SELECT ?o WHERE { <https://example.org/a> <https://example.org/p> ?o } ORDER BY STR(?o)").records()
    assert rows == [{"o": 2}, {"o": "x"}]
    assert store.query("ASK { <https://example.org/a> ?p 'x' }").boolean is True
    assert len(store.query("CONSTRUCT WHERE { <https://example.org/a> ?p ?o }")) == 2
    with pytest.raises(QueryError):
        store.query("SELECT nonsense {")


def test_build_and_lookups_agree(store):
    report = build(store)
    assert report.events == 19
    reference = kg.open(":memory:")
    build(reference)
    assert quads(store) == quads(reference)  # the same quads, whatever the engine
    names = [e["event"] for e in kg.events(store, actor="isis", start=dt.date(2017, 5, 18), end=dt.date(2017, 5, 23))]
    assert names == [e["event"] for e in kg.events(reference, actor="isis", start=dt.date(2017, 5, 18), end=dt.date(2017, 5, 23))]
    assert [e.line() for e in kg.timeline(store, actor="nato")] == [e.line() for e in kg.timeline(reference, actor="nato")]
    assert store.query("ASK { actor:isis ckg:attacked actor:ahrar-al-sham }").boolean


def test_windows_projection_and_views_agree(store):
    """The queries shaped for Oxigraph's planner (window joins, class lists instead of
    ``rdfs:subClassOf*`` paths) give every engine's answer; Virtuoso 7.2 got 1 of 19 events
    when the lookups used the path."""
    build(store)
    reference = kg.open(":memory:")
    build(reference)
    week = {"start": dt.date(2017, 5, 18), "end": dt.date(2017, 5, 25)}
    for options in (week, {"as_of": dt.date(2017, 5, 20)}, {"type": "Attack"}, {}):
        assert [e["event"] for e in kg.events(store, **options)] == [e["event"] for e in kg.events(reference, **options)], options
    assert [e.line() for e in kg.timeline(store, **week)] == [e.line() for e in kg.timeline(reference, **week)]
    ours, theirs = actor_graph(store, **week), actor_graph(reference, **week)
    assert sorted(ours.edges(keys=True)) == sorted(theirs.edges(keys=True)) != []
    assert {n: d["type"] for n, d in ours.nodes(data=True)} == {n: d["type"] for n, d in theirs.nodes(data=True)}
    view, expected = collect(store, **week), collect(reference, **week)
    assert [e["iri"] for e in view.events] == [e["iri"] for e in expected.events]
    assert [(n["iri"], n["type"]) for n in view.nodes] == [(n["iri"], n["type"]) for n in expected.nodes]


def test_failed_build_leaves_store(store, data_copy):
    build(store, data_copy)
    before = quads(store)
    path = data_copy / "events" / "isw-syria-sitrep-2017-05-31.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2017-05-23", "date: 2017-02-30", 1), encoding="utf-8")
    with pytest.raises(DataError):
        build(store, data_copy)
    assert quads(store) == before


def test_import_and_reimport(store):
    ensure_ontology(store)
    report = import_file(store, IcewsFormat(), ICEWS, now=T0)
    assert report.imported == 40
    assert len(kg.events(store).records()) == len({line for line in ICEWS.read_text(encoding="utf-8").splitlines() if line})
    assert import_file(store, IcewsFormat(), ICEWS, now=T0).unchanged
    assert store.query("ASK { ?a ckg:attacked ?b }").boolean or store.query("ASK { ?e ckg:sourceId ?id }").boolean


def test_export_round_trip(store):
    build(store)
    data = export_rdf(store, "nquads").decode("utf-8")
    parsed = Dataset()
    parsed.parse(data="\n".join(_WKT.sub(lambda m: f'"{_point(m)}"^^<http://www.opengis.net/ont/geosparql#wktLiteral>', line) for line in data.splitlines()), format="nquads")
    reference = kg.open(":memory:")
    build(reference)
    expected = Dataset()
    text = export_rdf(reference, "nquads").decode("utf-8")
    expected.parse(data="\n".join(_WKT.sub(lambda m: f'"{_point(m)}"^^<http://www.opengis.net/ont/geosparql#wktLiteral>', line) for line in text.splitlines()), format="nquads")
    ours = lambda ds: sorted(str(g.identifier) for g in ds.graphs() if len(g) and str(g.identifier).startswith(OURS))  # noqa: E731
    assert ours(parsed) == ours(expected)
    for graph in expected.graphs():
        if len(graph):
            assert isomorphic(graph, parsed.graph(graph.identifier))


def test_remote_requires_embedded_for_engine_access(oxigraph_server):
    graph = kg.open(oxigraph_server.url)
    assert graph.is_remote
    with pytest.raises(kg.StoreError, match="embedded"):
        graph.store  # noqa: B018


def test_unreachable_server_is_a_clear_error():
    from servers import free_port

    graph = kg.open(f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(kg.StoreError, match="cannot reach the SPARQL server"):
        graph.query("ASK {}")


def test_cli_against_server(runner, oxigraph_server, tmp_path):
    from kg.cli import main

    kg.open(oxigraph_server.url).update("CLEAR ALL")
    url = oxigraph_server.url
    assert runner.invoke(main, ["--store", url, "build"]).exit_code == 0
    result = runner.invoke(main, ["--store", url, "query", "--saved", "who-attacked-whom", "--format", "csv"])
    assert result.exit_code == 0 and "Ahrar al-Sham" in result.output
    result = runner.invoke(main, ["--store", url, "import", "icews", str(ICEWS)])
    assert result.exit_code == 0 and "imported 40 of 40" in result.output
    out = tmp_path / "dump.nq"
    assert runner.invoke(main, ["--store", url, "export", "-o", str(out)]).exit_code == 0
    assert out.stat().st_size > 10_000
    result = runner.invoke(main, ["--store", url, "--update-url", url.replace("/query", "/nowhere"), "build"])
    assert result.exit_code == 1 and "Error:" in result.output and "Traceback" not in result.output

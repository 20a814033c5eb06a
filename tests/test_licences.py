"""Licences as data: every named graph states its licence and whether it may be republished."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.contract.licences import CC_BY_4, IN_COPYRIGHT
from kg.ingest.reconcile import reconcile, write_links
from kg.read.licences import GraphLicence, graph_licences, redistributable_graphs

from conftest import SHARED

DATA = Path(__file__).parent / "data"
FIXTURES = [
    ("acled", DATA / "acled" / "acled-sample-30.csv"),
    ("ucdp", DATA / "ucdp" / "ucdp-ged-25.csv"),
    ("gdelt", DATA / "gdelt" / "gdelt2-raw.export.CSV"),
    ("icews", DATA / "icews" / "icews14-valid-head40.txt"),
]
BASE = "https://w3id.org/conflict-kg/graph/"
ISW = "isw-syria-sitrep-2017-05-31"


@pytest.fixture(scope="module")
def everything() -> kg.KnowledgeGraph:
    graph = kg.open(":memory:")
    kg.build(graph)
    for fmt, path in FIXTURES:
        kg.import_dataset(graph, fmt, path, source_id=f"{fmt}-fixture")
    write_links(graph, reconcile(graph).proposals)
    return graph


def _rows(graph: kg.KnowledgeGraph) -> dict[str, GraphLicence]:
    return {row.graph[len(BASE):]: row for row in graph_licences(graph)}


def test_every_graph_states_a_licence(everything: kg.KnowledgeGraph) -> None:
    rows = _rows(everything)
    assert set(rows) == {g[len(BASE):] for g in everything.graphs()}
    assert {"ontology", "registry", "derived", f"source/{ISW}", f"source/{ISW}/text"} <= set(rows)
    assert {f"import/{fmt}-fixture" for fmt, _ in FIXTURES} <= set(rows)
    assert {f"derived/{fmt}-fixture" for fmt, _ in FIXTURES} <= set(rows)
    missing = [name for name, row in rows.items() if row.licence is None or row.title is None]
    assert missing == []


def test_every_graph_states_a_licence_iri_itself(everything: kg.KnowledgeGraph) -> None:
    """Read as any client reads an export (not through graph_licences' fallback): each named graph
    holds <G> dcterms:license <IRI>, the full-text graph its In Copyright statement (as VoID says)."""
    stated = {r["g"]: r["l"] for r in everything.query(
        "SELECT ?g ?l WHERE { GRAPH ?g { ?g dcterms:license ?l FILTER(isIRI(?l)) } }").records()}
    assert set(stated) == set(everything.graphs())
    assert stated[f"{BASE}source/{ISW}/text"] == IN_COPYRIGHT
    assert everything.query("ASK { GRAPH ?g { ?g dcterms:rights ?r } }", params={"g": kg_iri(f"source/{ISW}/text")}).scalar()


def test_licence_choices(everything: kg.KnowledgeGraph) -> None:
    rows = _rows(everything)
    for name in ("ontology", "registry", "derived", f"source/{ISW}", "derived/acled-fixture", "import/ucdp-fixture"):
        assert (rows[name].licence, rows[name].redistributable) == (CC_BY_4, True), name
    assert (rows["import/acled-fixture"].licence, rows["import/acled-fixture"].redistributable) == (
        "https://acleddata.com/terms-of-use/", False)
    assert rows["import/icews-fixture"].redistributable is False
    assert rows["import/gdelt-fixture"].redistributable is True
    # the report's full text: in copyright, not redistributable
    assert (rows[f"source/{ISW}/text"].licence, rows[f"source/{ISW}/text"].redistributable) == (IN_COPYRIGHT, False)
    assert sorted(redistributable_graphs(everything)) == sorted(BASE + n for n, r in rows.items() if r.redistributable)


def test_full_text_is_only_in_the_text_graph(everything: kg.KnowledgeGraph) -> None:
    where = everything.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ckg:fullText ?t } }").records()
    assert [r["g"] for r in where] == [f"{BASE}source/{ISW}/text"]
    # the facts and their short quotes stay in the source graph, under CC BY 4.0
    quotes = everything.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?e ckg:quote ?q } }", params={"g": kg_iri(f"source/{ISW}")}
    ).scalar()
    assert int(quotes) > 10
    holders = everything.query(
        "SELECT ?h WHERE { GRAPH ?g { ?g dcterms:rightsHolder ?h } } ORDER BY ?h", params={"g": kg_iri(f"source/{ISW}/text")}
    ).records()
    assert [r["h"] for r in holders] == [
        "https://w3id.org/conflict-kg/id/actor/isw", "https://w3id.org/conflict-kg/id/actor/syria-direct"]


def kg_iri(name: str):  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    return ox.NamedNode(BASE + name)


def test_building_twice_keeps_one_statement_per_graph(tmp_path: Path) -> None:
    graph = kg.open(str(tmp_path / "store"))
    kg.build(graph)
    kg.import_dataset(graph, "acled", FIXTURES[0][1], source_id="acled-fixture")
    before = graph.count_quads()
    kg.build(graph)
    kg.import_dataset(graph, "acled", FIXTURES[0][1], source_id="acled-fixture")
    assert graph.count_quads() == before
    counts = graph.query(
        "SELECT ?g (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?g ckg:redistributable ?o } } GROUP BY ?g"
    ).records()
    assert counts and all(int(r["n"]) == 1 for r in counts)


def test_a_graph_without_statements_fails_closed() -> None:
    graph = kg.open(":memory:")
    graph.update("INSERT DATA { GRAPH <urn:x:other> { <urn:x:a> <urn:x:b> <urn:x:c> } "
                 "GRAPH <urn:x:odd> { <urn:x:odd> ckg:redistributable true , false } }")
    rows = {row.graph: row for row in graph_licences(graph)}
    assert rows["urn:x:other"] == GraphLicence("urn:x:other", None, False, None)
    assert rows["urn:x:odd"].redistributable is False
    assert redistributable_graphs(graph) == []


SAMPLES = [
    ("acled", SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"),
    ("ucdp", SHARED / "datasets" / "ucdp-ged-sample" / "ucdpged.csv"),
    ("gdelt", SHARED / "datasets" / "gdelt-sample" / "events2samp_gdelt2_from_pickle.csv"),
    ("icews", SHARED / "datasets" / "icews14" / "tlogic-named" / "valid.txt"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "path"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_each_dataset_sample_is_licensed(fmt: str, path: Path, tmp_path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path} is not beside the repository")
    head = tmp_path / path.name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    head.write_text("".join(lines[:201]), encoding="utf-8")
    graph = kg.open(":memory:")
    kg.build(graph)
    kg.import_dataset(graph, fmt, head, skip_bad_rows=True)
    rows = graph_licences(graph)
    assert rows and all(row.licence for row in rows)
    imported = [row for row in rows if "/import/" in row.graph]
    assert len(imported) == 1 and imported[0].redistributable is (fmt in ("ucdp", "gdelt"))


def test_an_imported_file_names_its_publisher_as_an_agent(everything: kg.KnowledgeGraph) -> None:
    """``dcterms:publisher`` of an imported file is an organisation IRI (with its name and homepage),
    as DCMI expects of that property, not the dataset's name as a literal."""
    rows = everything.query("""
        SELECT ?source ?publisher ?label ?name ?home WHERE {
          ?source a ckg:Source ; ckg:checksum ?sum ; dcterms:publisher ?publisher .
          OPTIONAL { ?publisher a ?kind ; rdfs:label ?label ; <http://xmlns.com/foaf/0.1/name> ?name
                     OPTIONAL { ?publisher <http://xmlns.com/foaf/0.1/homepage> ?home } }
        }""").records()
    by_dataset = {r.get("label"): r for r in rows}
    assert rows and all(r["publisher"].startswith("https://w3id.org/conflict-kg/id/publisher/") for r in rows), rows
    assert by_dataset["UCDP GED"]["name"].startswith("Uppsala Conflict Data Program")
    assert by_dataset["UCDP GED"]["home"] == "https://ucdp.uu.se/downloads/"
    assert by_dataset["ACLED"]["home"] == "https://acleddata.com/"

"""Reasoners accept the ontology and the data (issue 20): an OWL 2 RL closure (owlrl) over the
ontology, the seed and a slice of every dataset sample finds no inconsistency, puts no project type
on an external IRI and makes no new event; HermiT (owlready2 with Debian's Java) finds the ontology
and the seed consistent. Each check is shown able to fail on a graph broken on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import kg
from kg.base.namespaces import BASE, ONTOLOGY_GRAPH
from kg.contract.ontology import ensure_ontology, load_ontology

from conftest import SHARED, dump

owlrl = pytest.importorskip("owlrl")

DATA = Path(__file__).parent / "data"
CKG = BASE + "ontology#"
#: (format, sample beside the repository, fixture in tests/data used when the sample is absent)
SAMPLES = [
    ("acled", SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv", DATA / "acled" / "acled-sample-30.csv"),
    ("ucdp", SHARED / "datasets" / "ucdp-ged-sample" / "ucdpged.csv", DATA / "ucdp" / "ucdp-ged-25.csv"),
    ("gdelt", SHARED / "datasets" / "gdelt-sample" / "events2samp_gdelt2_from_pickle.csv", DATA / "gdelt" / "gdelt2-raw.export.CSV"),
    ("icews", SHARED / "datasets" / "icews14" / "tlogic-named" / "valid.txt", DATA / "icews" / "icews14-valid-head40.txt"),
]
#: Rows of each sample in the closure: owlrl is pure Python (about 30 s for 4 x 50 rows and the seed).
ROWS = 50
ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)  # as rdflib reads a plain literal
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def union(store: kg.KnowledgeGraph) -> Graph:
    graph = Graph()
    for q in store.quads():
        graph.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))  # type: ignore[arg-type]
    return graph


def owl_rl_closure(graph: Graph) -> Graph:
    closed = Graph()
    closed += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closed)
    return closed


def problems(closed: Graph) -> list[str]:
    """What makes a closure inconsistent: members of owl:Nothing and owlrl's error messages."""
    found = [f"{s} is owl:Nothing" for s in closed.subjects(RDF.type, OWL.Nothing)]
    return found + sorted(str(o) for o in closed.objects(None, ERROR))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> kg.KnowledgeGraph:
    folder = tmp_path_factory.mktemp("slices")
    graph = kg.open(":memory:")
    kg.build(graph)
    for fmt, sample, fixture in SAMPLES:
        source = sample if sample.is_file() else fixture
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        head = folder / source.name
        head.write_text("".join(lines[: ROWS + 1]), encoding="utf-8")
        kg.import_dataset(graph, fmt, head, skip_bad_rows=True)
    return graph


def _events(store: kg.KnowledgeGraph, prefix: str) -> int:
    return int(store.query(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a/rdfs:subClassOf* ckg:Event FILTER(STRSTARTS(STR(?e), ?p)) }",
        params={"p": ox.Literal(prefix)},
    ).scalar())


@pytest.mark.slow
def test_owl_rl_closure_of_ontology_seed_and_samples(store: kg.KnowledgeGraph) -> None:
    ucdp = BASE + "id/event/ucdp-ged-"
    before = {"ucdp": _events(store, ucdp), "all": _events(store, BASE + "id/event/")}
    assert before["ucdp"] >= 20 and before["all"] > before["ucdp"]
    records = store.query("SELECT (COUNT(?r) AS ?n) WHERE { ?r a ckg:SideFatalities }").scalar()
    assert int(records) > before["ucdp"]  # the per-side death records are there to be misread
    closed = owl_rl_closure(union(store))
    assert problems(closed) == []
    external = sorted({
        str(s) for s, o in closed.subject_objects(RDF.type)
        if str(o).startswith(CKG) and isinstance(s, URIRef) and not str(s).startswith(BASE)
    })
    assert external == []  # no project type on a Wikidata item or any other external IRI
    event = URIRef(CKG + "Event")
    after = {s for s in closed.subjects(RDF.type, event) if isinstance(s, URIRef)}
    assert len({s for s in after if str(s).startswith(ucdp)}) == before["ucdp"]
    assert len({s for s in after if str(s).startswith(BASE + "id/event/")}) == before["all"]
    assert not [s for s in after if "#" in str(s)]  # no per-side record became an event


def test_owl_rl_finds_an_inconsistency_when_there_is_one() -> None:
    """The check above can fail: the identity link the issue warned about (a place owl:sameAs the
    actor of the same name) makes the disjoint ckg:Actor and ckg:Place meet."""
    store = kg.open(":memory:")
    kg.build(store)
    graph = union(store)
    assert problems(owl_rl_closure(graph)) == []
    graph.add((URIRef(BASE + "id/place/syria"), OWL.sameAs, URIRef(BASE + "id/actor/isis")))
    found = problems(owl_rl_closure(graph))
    assert found and any("disjoint" in message.lower() for message in found)


def test_the_ontology_is_stored_with_its_blank_nodes(tmp_path: Path) -> None:
    store = kg.open(str(tmp_path / "store"))
    kg.build(store)
    quads = list(store.quads(str(ONTOLOGY_GRAPH)))
    assert any(isinstance(q.object, ox.BlankNode) for q in quads)  # owl:unionOf lists, owl:oneOf...
    assert not [q for q in quads if ".well-known/genid" in str(q)]
    # the stored graph is the published file (plus the CAMEO table and its own statements)
    stored = Graph()
    for q in quads:
        stored.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))  # type: ignore[arg-type]
    from rdflib.compare import isomorphic

    assert isomorphic(stored, load_ontology())
    domain = store.query(
        "SELECT ?c WHERE { ckg:startDate rdfs:domain/owl:unionOf/rdf:rest*/rdf:first ?c } ORDER BY ?c"
    ).records()
    assert [r["c"] for r in domain] == [CKG + "Event", CKG + "State"]
    before = dump(store)
    kg.build(store)  # the same files: the graph is left alone
    ensure_ontology(store)
    assert dump(store) == before
    # a store whose ontology graph came from other files gets it replaced wholesale, never merged
    store.update(f"DELETE WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_GRAPH}> dcterms:identifier ?d }} }}")
    ensure_ontology(store)
    assert len(list(store.quads(str(ONTOLOGY_GRAPH)))) == len(quads)


def test_datatype_ranges_are_in_the_owl2_datatype_map() -> None:
    """xsd:date and xsd:gYearMonth are not OWL 2 datatypes (HermiT refuses them): such properties
    range over rdfs:Literal and name their datatype with ckg:lexicalDatatype (SHACL checks it)."""
    owl2 = {"string", "integer", "decimal", "boolean", "dateTime", "anyURI", "double", "float", "nonNegativeInteger"}
    ontology = load_ontology()
    xsd = "http://www.w3.org/2001/XMLSchema#"
    ranges = {str(o)[len(xsd):] for o in ontology.objects(None, RDFS.range) if str(o).startswith(xsd)}
    assert ranges and ranges <= owl2
    lexical = {str(s).rsplit("#", 1)[1] for s in ontology.subjects(URIRef(CKG + "lexicalDatatype"), None)}
    assert {"startDate", "endDate", "overlapsMonth", "earliestDate", "latestDate"} <= lexical


# -- HermiT ----------------------------------------------------------------------------------------


def _hermit(graph: Graph, tmp_path: Path, *, ignore_unsupported: bool) -> tuple[bool, list[str]]:
    """Run HermiT through owlready2 on ``graph``: (consistent, unsatisfiable classes)."""
    owlready2 = pytest.importorskip("owlready2")
    if shutil.which("java") is None:
        pytest.skip("HermiT needs a Java runtime (Debian: default-jre-headless)")
    path = tmp_path / "input.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=ignore_unsupported)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, []
    return True, sorted(str(c) for c in world.inconsistent_classes())


@pytest.mark.slow
def test_hermit_accepts_the_ontology_and_the_seed(tmp_path: Path) -> None:
    ontology = load_ontology()
    # the ontology alone, strictly: every datatype it names is in the OWL 2 datatype map
    assert _hermit(ontology, tmp_path, ignore_unsupported=False) == (True, [])
    store = kg.open(":memory:")
    kg.build(store)
    data = union(store)
    # the data's xsd:date literals are outside OWL 2 (SHACL checks them): HermiT is told to skip them
    assert _hermit(data, tmp_path, ignore_unsupported=True) == (True, [])
    data.add((URIRef(BASE + "id/place/syria"), OWL.sameAs, URIRef(BASE + "id/actor/isis")))
    assert _hermit(data, tmp_path, ignore_unsupported=True)[0] is False  # and it can say no

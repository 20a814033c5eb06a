"""SKOS done properly (issue 20): mappings no stronger than the codebooks, CAMEO labels fixed,
inverses published, dataset schemes minted once in the ontology."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

import kg
from kg.contract.ontology import load_ontology

CONCEPT = "https://w3id.org/conflict-kg/id/concept/"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def c(slug: str) -> URIRef:
    return URIRef(CONCEPT + slug)


def test_cameo_145x_are_violent_protests_not_copies_of_144x(ontology: Graph) -> None:
    label = {code: str(ontology.value(c(f"cameo/{code}"), SKOS.prefLabel)) for code in
             ("1441", "1442", "1443", "1444", "1451", "1452", "1453", "1454")}
    assert label["1451"] == "Engage in violent protest for leadership change"
    assert label["1452"] == "Engage in violent protest for policy change"
    assert label["1453"] == "Engage in violent protest for rights"
    assert label["1454"] == "Engage in violent protest for change in institutions, regime"
    assert {label[f"145{i}"] for i in range(1, 5)}.isdisjoint({label[f"144{i}"] for i in range(1, 5)})
    labels = [str(o) for o in ontology.objects(None, SKOS.prefLabel) if str(o)]
    cameo = [str(ontology.value(s, SKOS.prefLabel)) for s in ontology.subjects(SKOS.inScheme, c("cameo"))]
    assert len(cameo) == len(set(cameo)) and labels  # no two CAMEO codes share a label any more


@pytest.mark.parametrize(("ours", "theirs", "relation"), [
    ("suicide-bombing", "acled/suicide-bomb", SKOS.broadMatch),  # ACLED's includes suicide car bombs
    ("suicide-bombing", "cameo/1831", SKOS.broadMatch),
    ("interception", "acled/disrupted-weapons-use", SKOS.broadMatch),  # ACLED's includes seizures
    ("ground-attack", "acled/attack", SKOS.relatedMatch),  # ACLED's is violence against civilians
    ("vehicle-bomb-attack", "cameo/1832", SKOS.closeMatch),
    # ACLED's is mostly landmines and roadside IEDs, and suicide car bombs are its "Suicide bomb": overlap only
    ("vehicle-bomb-attack", "acled/remote-explosive-landmine-ied", SKOS.relatedMatch),
    # the project's concept is made of several codes: each is narrower, not close
    ("coercion", "acled/arrests", SKOS.narrowMatch),
    ("coercion", "cameo/16", SKOS.narrowMatch),
    ("verbal-conflict", "cameo/12", SKOS.narrowMatch),
])
def test_mappings_are_no_stronger_than_the_codebooks(ontology: Graph, ours: str, theirs: str, relation: URIRef) -> None:
    links = set(ontology.predicates(c(ours), c(theirs)))
    assert links == {relation}


def test_no_project_type_is_close_to_several_codes_of_one_scheme(ontology: Graph) -> None:
    """A project event type exactMatch or closeMatch several codes of one dataset scheme is wider than
    each of them: that is skos:narrowMatch (coercion is CAMEO 15, 16 and 17, not close to each)."""
    project = set(ontology.subjects(SKOS.inScheme, c("event-types")))
    for concept in project:
        for relation in (SKOS.exactMatch, SKOS.closeMatch):
            schemes = [ontology.value(code, SKOS.inScheme) for code in ontology.objects(concept, relation)]
            several = {s for s in schemes if s is not None and schemes.count(s) > 1}
            assert not several, (concept, relation, several)


def test_exact_matches_never_join_two_project_types(ontology: Graph) -> None:
    """skos:exactMatch is transitive and symmetric: its closure must not make two of the project's
    event types the same concept (through a shared dataset code)."""
    project = set(ontology.subjects(SKOS.inScheme, c("event-types")))
    groups: dict[URIRef, set[URIRef]] = {}
    for a, b in ontology.subject_objects(SKOS.exactMatch):
        merged = groups.get(a, {a}) | groups.get(b, {b})  # type: ignore[arg-type]
        for member in merged:
            groups[member] = merged
    for group in {frozenset(g) for g in groups.values()}:
        assert len(group & project) <= 1, sorted(group)


def test_inverses_are_published(ontology: Graph) -> None:
    broader = set(ontology.subject_objects(SKOS.broader))
    narrower = {(o, s) for s, o in ontology.subject_objects(SKOS.narrower)}
    assert broader and broader == narrower
    top = set(ontology.subject_objects(SKOS.topConceptOf))
    assert top and top == {(o, s) for s, o in ontology.subject_objects(SKOS.hasTopConcept)}
    assert (c("attack"), SKOS.narrower, c("ground-attack")) in ontology
    assert (c("event-types"), SKOS.hasTopConcept, c("attack")) in ontology


def test_dataset_schemes_are_minted_once_in_the_ontology(ontology: Graph) -> None:
    schemes = set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert {c("acled"), c("cameo"), c("ucdp"), c("icews"), c("event-types")} <= schemes
    store = kg.open(":memory:")
    for fmt, path in (("icews", DATA / "icews" / "icews14-valid-head40.txt"), ("gdelt", DATA / "gdelt" / "gdelt2-raw.export.CSV")):
        kg.import_dataset(store, fmt, path)
    minted = store.query(
        "SELECT ?g ?s WHERE { GRAPH ?g { ?s a skos:ConceptScheme } FILTER(?g != <https://w3id.org/conflict-kg/graph/ontology>) }"
    ).records()
    assert minted == []
    outside = store.query(
        "SELECT DISTINCT ?scheme WHERE { GRAPH ?g { ?x skos:inScheme ?scheme } "
        "FILTER NOT EXISTS { GRAPH <https://w3id.org/conflict-kg/graph/ontology> { ?scheme a skos:ConceptScheme } } }"
    ).records()
    assert outside == []  # every scheme an import uses is the ontology's
    icews = store.query("SELECT (COUNT(?x) AS ?n) WHERE { ?x skos:inScheme concept:icews }").scalar()
    assert int(icews) > 5

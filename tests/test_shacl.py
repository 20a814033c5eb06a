"""ontology/shapes.ttl: the seed conforms; each kind of broken data fails with the expected shape.

Every invalid case starts from a small valid graph (asserted to conform first), breaks one
thing and expects exactly one SHACL result at the expected focus node, path and constraint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, GEO, ORG, OWL, PROV, RDF, SKOS, XSD

from kg.base.errors import DataError, ValidationError
from kg.contract.ontology import load_ontology, load_shapes
from kg.curated.build import build, validate
from kg.store.graph import KnowledgeGraph

from conftest import dump

SH = Namespace("http://www.w3.org/ns/shacl#")
CKG = Namespace("https://w3id.org/conflict-kg/ontology#")  # open, so tests can write wrong terms
CKGSH = Namespace("https://w3id.org/conflict-kg/shapes#")
ID = "https://w3id.org/conflict-kg/id/"
EVENT = URIRef(ID + "event/test-attack")
ACTOR = URIRef(ID + "actor/test-group")
COALITION = URIRef(ID + "actor/test-coalition")
SOURCE = URIRef(ID + "source/test-report")
PLACE = URIRef(ID + "place/test-town")
GEOMETRY = URIRef(ID + "place/test-town#geometry")
STATE = URIRef(ID + "state/test-membership")
GRAPH = URIRef("https://w3id.org/conflict-kg/graph/source/test-report")

QUOTE = "The group attacked the town on 23 May."

#: A minimal valid dataset: an attack with its source, actors, place and a membership.
VALID_TTL = f"""
@prefix ckg:     <https://w3id.org/conflict-kg/ontology#> .
@prefix concept: <https://w3id.org/conflict-kg/id/concept/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix geo:     <http://www.opengis.net/ont/geosparql#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix time:    <http://www.w3.org/2006/time#> .
@prefix sem:     <http://semanticweb.cs.vu.nl/2009/11/sem/> .

<{EVENT}> a ckg:Attack ;
    rdfs:label "The group attacks the town" ;
    ckg:eventType concept:attack ;
    ckg:startDate "2017-05-23"^^xsd:date ;
    ckg:endDate "2017-05-23"^^xsd:date ;
    ckg:datePrecision ckg:Day ;
    ckg:agent <{ACTOR}> ;
    ckg:target <{PLACE}> ;
    ckg:place <{PLACE}> ;
    prov:wasDerivedFrom <{SOURCE}> ;
    sem:accordingTo <{SOURCE}> ;
    time:hasTime <{ID}time/2017-05-23/2017-05-23> ;
    ckg:quote "{QUOTE}" ;
    ckg:quoteStart 10 ;
    ckg:quoteEnd {10 + len(QUOTE)} .

<{ID}time/2017-05-23/2017-05-23> a time:Interval ;
    time:hasBeginning <{ID}time/2017-05-23> ; time:hasEnd <{ID}time/2017-05-23> .
<{ID}time/2017-05-23> a time:Instant ; time:inXSDDate "2017-05-23"^^xsd:date .

<{SOURCE}> a ckg:Source ;
    dcterms:title "A test report"@en ;
    dcterms:publisher <{COALITION}> ;
    dcterms:issued "2017-05-31"^^xsd:date ;
    ckg:fullText "Preamble. {QUOTE} More text." .

<{ACTOR}> a ckg:ArmedGroup ; rdfs:label "Test group" ; ckg:wikidataId "Q2429253" ;
    <http://www.w3.org/2004/02/skos/core#exactMatch> <http://www.wikidata.org/entity/Q2429253> .
<{COALITION}> a ckg:Coalition ; rdfs:label "Test coalition" .

<{PLACE}> a ckg:City ;
    rdfs:label "Test town" ;
    geo:hasGeometry <{GEOMETRY}> .
<{GEOMETRY}> a geo:Geometry ; geo:asWKT "POINT(36.72 34.73)"^^geo:wktLiteral .

<{STATE}> a ckg:Membership ;
    ckg:startDate "2017-05-25"^^xsd:date ;
    ckg:datePrecision ckg:Day ;
    prov:wasDerivedFrom <{SOURCE}> ;
    org:member <{ACTOR}> ;
    org:organization <{COALITION}> .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def valid_graph() -> Graph:
    return Graph().parse(data=VALID_TTL, format="turtle")


def shacl(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    """Validate as shapes.ttl says: data with the ontology graph, no inference. The ontology is
    added to a copy of the data here (pyshacl's ``ont_graph`` does the same mix, 100 times slower)."""
    mixed = Graph()
    for triple in data:
        mixed.add(triple)
    mixed += ontology
    conforms, results, _ = pyshacl.validate(mixed, shacl_graph=shapes, inference="none", allow_warnings=True)
    return bool(conforms), results


@dataclass(frozen=True)
class Found:
    focus: object
    path: object
    component: object
    shape: object


def violations(results: Graph) -> list[Found]:
    return [
        Found(
            results.value(r, SH.focusNode),
            results.value(r, SH.resultPath),
            results.value(r, SH.sourceConstraintComponent),
            results.value(r, SH.sourceShape),
        )
        for r in results.subjects(RDF.type, SH.ValidationResult)
    ]


def as_dataset(graph: Graph) -> Dataset:
    dataset = Dataset()
    target = dataset.graph(GRAPH)
    for triple in graph:
        target.add(triple)
    return dataset


# -- the valid baseline --------------------------------------------------------------------------


def test_minimal_graph_conforms(shapes: Graph, ontology: Graph) -> None:
    conforms, results = shacl(valid_graph(), shapes, ontology)
    assert conforms, results.serialize(format="turtle")
    validate(as_dataset(valid_graph()), ontology, shapes)  # no ValidationError


def test_shapes_need_the_ontology(shapes: Graph) -> None:
    """Without the ontology's class hierarchy a ckg:Attack is not an event and the event type
    is no concept: the shapes depend on the ontology graph, as shapes.ttl documents."""
    graph = valid_graph()
    graph.remove((EVENT, CKG.eventType, None))
    conforms, _ = shacl(graph, shapes, Graph())
    assert conforms  # nothing targets the bare ckg:Attack ...
    conforms, results = shacl(graph, shapes, load_ontology())
    assert not conforms  # ... but with the ontology the missing type is found
    assert {v.path for v in violations(results)} == {CKG.eventType}


# -- one broken thing at a time ------------------------------------------------------------------


def _remove(*pattern: object) -> Callable[[Graph], None]:
    def edit(graph: Graph) -> None:
        assert (pattern[0], pattern[1], None) in graph, f"nothing to remove for {pattern}"
        graph.remove((pattern[0], pattern[1], None))

    return edit


def _set(subject: URIRef, predicate: URIRef, value: object) -> Callable[[Graph], None]:
    def edit(graph: Graph) -> None:
        assert (subject, predicate, None) in graph
        graph.set((subject, predicate, value))  # type: ignore[arg-type]

    return edit


def _wikidata_id(value: str) -> Callable[[Graph], None]:
    """A new Wikidata id, as the writer writes it: a malformed id gets no skos:exactMatch."""
    def edit(graph: Graph) -> None:
        graph.set((ACTOR, CKG.wikidataId, Literal(value)))
        graph.remove((ACTOR, SKOS.exactMatch, None))

    return edit


def _no_roles(graph: Graph) -> None:
    graph.remove((EVENT, CKG.agent, None))
    graph.remove((EVENT, CKG.participant, None))


@dataclass(frozen=True)
class Case:
    edit: Callable[[Graph], None]
    focus: URIRef
    path: URIRef | None
    component: URIRef
    shape: URIRef | None = None  # a named node shape, when the result has no path
    field: str | None = None  # the YAML field kg.curated.build.validate names


CASES = {
    "event-without-start-date": Case(_remove(EVENT, CKG.startDate), EVENT, CKG.startDate, SH.MinCountConstraintComponent, field="date"),
    "event-without-agent-or-participant": Case(_no_roles, EVENT, None, SH.OrConstraintComponent, shape=CKGSH.EventRoleShape),
    "event-ends-before-it-starts": Case(
        _set(EVENT, CKG.endDate, Literal("2017-05-22", datatype=XSD.date)),
        EVENT, CKG.startDate, SH.LessThanOrEqualsConstraintComponent, field="date",
    ),
    "event-date-precision-week": Case(_set(EVENT, CKG.datePrecision, CKG.Week), EVENT, CKG.datePrecision, SH.InConstraintComponent, field="precision"),
    "event-date-precision-literal": Case(_set(EVENT, CKG.datePrecision, Literal("day")), EVENT, CKG.datePrecision, SH.InConstraintComponent, field="precision"),
    "event-without-source": Case(_remove(EVENT, PROV.wasDerivedFrom), EVENT, PROV.wasDerivedFrom, SH.MinCountConstraintComponent),
    "event-derived-from-a-non-source": Case(_set(EVENT, PROV.wasDerivedFrom, ACTOR), EVENT, PROV.wasDerivedFrom, SH.ClassConstraintComponent),
    "event-without-quote": Case(_remove(EVENT, CKG.quote), EVENT, CKG.quote, SH.MinCountConstraintComponent, field="quote"),
    "source-without-issued": Case(_remove(SOURCE, DCTERMS.issued), SOURCE, DCTERMS.issued, SH.MinCountConstraintComponent),
    "source-issued-not-a-date": Case(_set(SOURCE, DCTERMS.issued, Literal("31 May 2017")), SOURCE, DCTERMS.issued, SH.DatatypeConstraintComponent),
    "geometry-without-wkt": Case(_remove(GEOMETRY, GEO.asWKT), GEOMETRY, GEO.asWKT, SH.MinCountConstraintComponent),
    "membership-without-organization": Case(_remove(STATE, ORG.organization), STATE, ORG.organization, SH.MinCountConstraintComponent),
    "state-without-start-date": Case(_remove(STATE, CKG.startDate), STATE, CKG.startDate, SH.MinCountConstraintComponent, field="date"),
    "actor-wikidata-without-q": Case(_wikidata_id("12345"), ACTOR, CKG.wikidataId, SH.PatternConstraintComponent, field="wikidata"),
    "actor-wikidata-url": Case(
        _wikidata_id("http://www.wikidata.org/entity/Q30"), ACTOR, CKG.wikidataId, SH.PatternConstraintComponent, field="wikidata",
    ),
    "actor-wikidata-id-without-its-link": Case(
        _remove(ACTOR, SKOS.exactMatch), ACTOR, None, SH.SPARQLConstraintComponent, shape=CKGSH.WikidataLinkShape,
    ),
    "actor-wikidata-link-without-its-id": Case(
        _remove(ACTOR, CKG.wikidataId), ACTOR, None, SH.SPARQLConstraintComponent, shape=CKGSH.WikidataLinkShape,
    ),
    "actor-owl-sameas-wikidata": Case(
        lambda g: g.add((ACTOR, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q2429253"))),
        ACTOR, None, SH.SPARQLConstraintComponent, shape=CKGSH.WikidataLinkShape,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_graph_fails_with_the_expected_constraint(name: str, shapes: Graph, ontology: Graph) -> None:
    case = CASES[name]
    graph = valid_graph()
    assert shacl(graph, shapes, ontology)[0], "the baseline must conform before it is broken"
    case.edit(graph)
    conforms, results = shacl(graph, shapes, ontology)
    assert not conforms
    found = violations(results)
    assert [(v.focus, v.path, v.component) for v in found] == [(case.focus, case.path, case.component)]
    if case.shape is not None:
        assert found[0].shape == case.shape
    else:
        assert isinstance(found[0].shape, BNode)  # a property shape of the expected node shape
        assert (found[0].shape, SH.path, case.path) in shapes


@pytest.mark.parametrize("name", list(CASES))
def test_build_validate_names_the_field(name: str, shapes: Graph, ontology: Graph) -> None:
    """kg.curated.build.validate turns the same violation into a ValidationError naming the IRI and field."""
    case = CASES[name]
    graph = valid_graph()
    case.edit(graph)
    with pytest.raises(ValidationError) as err:
        validate(as_dataset(graph), ontology, shapes)
    assert str(case.focus) in str(err.value)
    assert err.value.field == case.field
    assert isinstance(err.value, DataError) and err.value.exit_code == 1


def test_several_violations_are_counted(shapes: Graph, ontology: Graph) -> None:
    graph = valid_graph()
    CASES["event-without-quote"].edit(graph)
    CASES["source-without-issued"].edit(graph)
    with pytest.raises(ValidationError, match=r"\(and 1 more\)"):
        validate(as_dataset(graph), ontology, shapes)


# -- the built seed --------------------------------------------------------------------------------


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def store_dataset(store: KnowledgeGraph) -> Dataset:
    dataset = Dataset()
    for q in store.quads():
        dataset.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object), URIRef(q.graph_name.value)))
    return dataset


def store_union(store: KnowledgeGraph) -> Graph:
    union = Graph()
    for q in store.quads():
        union.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    return union


def test_seed_conforms_with_build_validate(seed_kg: KnowledgeGraph, shapes: Graph, ontology: Graph) -> None:
    dataset = store_dataset(seed_kg)
    assert len(list(dataset.quads((None, None, None, None)))) == seed_kg.count_quads()
    validate(dataset, ontology, shapes)


def test_seed_union_conforms_with_pyshacl(seed_kg: KnowledgeGraph, shapes: Graph, ontology: Graph) -> None:
    union = store_union(seed_kg)
    events = seed_kg.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a/rdfs:subClassOf* ckg:Event }").scalar()
    assert int(events) >= 10  # the shapes have something to check
    conforms, results = shacl(union, shapes, ontology)
    assert conforms, results.serialize(format="turtle")


def test_seed_with_an_event_missing_its_quote_fails(seed_kg: KnowledgeGraph, shapes: Graph, ontology: Graph) -> None:
    """The seed check can fail: drop the quotes of one real event."""
    union = store_union(seed_kg)
    event = URIRef(ID + "event/isis-vbied-homs-zahraa-2017-05-23")
    assert (event, CKG.quote, None) in union
    union.remove((event, CKG.quote, None))
    conforms, results = shacl(union, shapes, ontology)
    assert not conforms
    assert {(v.focus, v.path) for v in violations(results)} == {(event, CKG.quote)}


def test_validation_remembers_only_what_conformed(shapes: Graph, ontology: Graph) -> None:
    """build's validate skips pyshacl for triples it already found conforming in this process;
    changed triples (one quote cut short, or the same shapes parsed again) are checked again."""
    validate(as_dataset(valid_graph()), ontology, shapes)
    validate(as_dataset(valid_graph()), ontology, load_shapes())  # remembered: new blank node ids, same shapes
    broken = valid_graph()
    broken.set((EVENT, CKG.quoteEnd, Literal(10 + len(QUOTE) - 1)))
    with pytest.raises(ValidationError, match="is not the text at ckg:quoteStart"):
        validate(as_dataset(broken), ontology, shapes)
    with pytest.raises(ValidationError, match="is not the text at ckg:quoteStart"):  # a failure is never remembered
        validate(as_dataset(broken), ontology, shapes)


# -- a build that violates a shape leaves the store as it was ------------------------------------


def test_build_with_invalid_wikidata_id_is_rejected(empty_kg: KnowledgeGraph, data_copy: Path) -> None:
    build(empty_kg, data_copy)
    before = dump(empty_kg)
    assert len(before) > 1000

    actors = data_copy / "actors.yaml"
    lines = actors.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("wikidata: Q"))
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = f'{indent}wikidata: "12345"\n'
    actors.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(ValidationError) as err:
        build(empty_kg, data_copy)
    message = str(err.value)
    assert "actors.yaml" in message
    assert err.value.path is not None and Path(err.value.path).resolve() == actors.resolve()
    assert err.value.line == index + 1
    assert f"actors.yaml:{index + 1}:" in message
    assert "wikidata" in message and "\n" not in message
    assert dump(empty_kg) == before

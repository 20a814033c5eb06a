from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.base.errors import DataError
from kg.base.namespaces import CKG, graph_iri, resource_iri, slug_of, wikidata_iri
from kg.base.resources import ontology_dir

DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual}


def ontology_terms() -> set[str]:
    graph = Graph().parse(ontology_dir() / "conflict.ttl")
    ns = str(CKG._NS)
    return {
        str(s) for s, _, kind in graph.triples((None, RDF.type, None))
        if kind in DECLARATIONS and isinstance(s, URIRef) and str(s).startswith(ns)
    }


def test_closed_namespace_equals_ontology_terms():
    declared = {str(CKG._NS[name]) for name in CKG.__annotations__}
    assert declared == ontology_terms()


def test_every_ontology_term_has_label_and_comment():
    graph = Graph().parse(ontology_dir() / "conflict.ttl")
    from rdflib.namespace import RDFS

    missing = [t for t in ontology_terms() if not (graph.value(URIRef(t), RDFS.label) and graph.value(URIRef(t), RDFS.comment))]
    assert missing == []


def test_typo_in_term_raises():
    with pytest.raises(AttributeError):
        CKG.Atack  # noqa: B018


def test_iri_builders():
    assert resource_iri("place", "homs-zahraa-district") == URIRef("https://w3id.org/conflict-kg/id/place/homs-zahraa-district")
    assert graph_iri("source", "x") == URIRef("https://w3id.org/conflict-kg/graph/source/x")
    assert slug_of(resource_iri("actor", "isis")) == "isis"
    assert wikidata_iri("Q7184") == URIRef("http://www.wikidata.org/entity/Q7184")


@pytest.mark.parametrize("slug", ["ISIS", "a b", "", "-x", "x--"])
def test_bad_slugs_rejected(slug):
    with pytest.raises(DataError, match="invalid slug"):
        resource_iri("actor", slug)


def test_bad_kind_and_wikidata_rejected():
    with pytest.raises(ValueError):
        resource_iri("person", "x")
    with pytest.raises(DataError):
        wikidata_iri("12345")

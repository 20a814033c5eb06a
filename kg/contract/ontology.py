"""The ontology as data: parse ``conflict.ttl`` (with the CAMEO code table) and the SHACL shapes,
and write the ontology graph into a store that lacks it.

>>> graph = load_ontology()
>>> len(graph) > 1000
True
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from kg.base.errors import DataError
from kg.base.namespaces import ONTOLOGY_GRAPH, ONTOLOGY_IRI, resource_iri, skolem_iri
from kg.base.resources import ontology_dir
from kg.store.graph import KnowledgeGraph


def load_ontology(directory: Path | None = None) -> Graph:
    """Parse ``conflict.ttl`` with the CAMEO code table; a syntax error names the file and line.

    The OWL blank nodes (``owl:unionOf`` lists, ``owl:oneOf``, ``owl:AllDisjointClasses``) stay
    blank nodes, as OWL tools expect them: the store holds the ontology as published. A store's
    ontology graph is replaced wholesale when its digest (:func:`ontology_digest`, stated in the
    graph as ``dcterms:identifier``) differs, and left alone otherwise, so building twice writes
    nothing new.
    """
    folder = directory or ontology_dir()
    graph = _parse_turtle(folder / "conflict.ttl")
    if (folder / "cameo.tsv").exists():
        add_cameo_codes(graph, folder / "cameo.tsv")
    add_skos_inverses(graph)
    add_graph_statements(graph, ontology_digest(folder))
    return graph


def add_skos_inverses(graph: Graph) -> None:
    """Publish the SKOS inverses the file leaves out: ``skos:narrower`` for every ``skos:broader``
    and ``skos:hasTopConcept`` for every ``skos:topConceptOf`` (SKOS consumers should not need a
    reasoner to walk down a hierarchy)."""
    for concept, broader in list(graph.subject_objects(SKOS.broader)):
        graph.add((broader, SKOS.narrower, concept))
    for concept, scheme in list(graph.subject_objects(SKOS.topConceptOf)):
        graph.add((scheme, SKOS.hasTopConcept, concept))


def ontology_digest(directory: Path | None = None) -> str:
    """``sha256:<hex>`` of ``conflict.ttl`` and ``cameo.tsv``: what the stored ontology graph was made from."""
    import hashlib

    folder = directory or ontology_dir()
    digest = hashlib.sha256()
    for name in ("conflict.ttl", "cameo.tsv"):
        if (folder / name).exists():
            digest.update((folder / name).read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def add_graph_statements(graph: Graph, digest: str) -> None:
    """The ontology graph's licence and redistribution statements, about itself
    (:mod:`kg.contract.licences`), and the digest of the files it was made from."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS

    from kg.contract.licences import PROJECT, graph_statements
    from kg.contract.rdfmap import to_rdflib

    for q in graph_statements(str(ONTOLOGY_GRAPH), PROJECT.with_source(ONTOLOGY_IRI), title="conflict-kg ontology"):
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))  # type: ignore[arg-type]
    graph.add((URIRef(str(ONTOLOGY_GRAPH)), DCTERMS.identifier, Literal(digest)))


def stored_digest(kg: KnowledgeGraph) -> str | None:
    """The digest the store's ontology graph states about itself (None: no graph, or an old one)."""
    rows = kg.query(
        f"SELECT ?d WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_GRAPH}> dcterms:identifier ?d }} }} LIMIT 1"
    ).records()
    return str(rows[0]["d"]) if rows else None


def add_cameo_codes(graph: Graph, table: Path) -> None:
    """Add every CAMEO code of ``table`` (GDELT's code table) as a concept of the CAMEO scheme.

    Codes already declared in ``conflict.ttl`` (the roots and a few specific codes) keep
    their description; each code is ``skos:broader`` its parent (``1832`` -> ``183`` -> ``18``).
    """
    import csv

    from rdflib import Literal
    from rdflib.namespace import OWL

    scheme = resource_iri("concept", "cameo")
    with table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            code = row["code"]
            concept = resource_iri("concept", f"cameo/{code}")
            if (concept, RDF.type, SKOS.Concept) in graph:
                continue
            graph.add((concept, RDF.type, SKOS.Concept))
            graph.add((concept, RDF.type, OWL.NamedIndividual))
            graph.add((concept, SKOS.prefLabel, Literal(row["label"], lang="en")))
            graph.add((concept, SKOS.notation, Literal(code)))
            graph.add((concept, SKOS.inScheme, scheme))
            graph.add((concept, SKOS.broader, resource_iri("concept", f"cameo/{code[:2] if len(code) == 3 else code[:3]}")))


def skolemize(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes are stable ``/.well-known/genid/`` IRIs (for digests of
    graphs that must not depend on blank node ids; the store keeps the blank nodes)."""
    from rdflib import BNode
    from rdflib.compare import to_canonical_graph

    def fix(node: Node) -> Node:
        return skolem_iri(str(node)) if isinstance(node, BNode) else node

    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    for s, p, o in to_canonical_graph(graph):
        out.add((fix(s), p, fix(o)))
    return out


def load_shapes(directory: Path | None = None) -> Graph:
    """Parse the SHACL shapes of ``shapes.ttl``."""
    return _parse_turtle((directory or ontology_dir()) / "shapes.ttl")


def _parse_turtle(path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as err:  # rdflib raises many types; all mean "bad file"
        raise DataError(f"cannot parse Turtle: {' '.join(str(err).split())}", path=str(path)) from None
    return graph


def ensure_ontology(kg: KnowledgeGraph) -> None:
    """Write the ontology graph into ``kg`` if it is missing or made from other files (imports need
    its concepts, signs and codebook rules): a store built with an older ``conflict.ttl`` gets the
    current one, replaced wholesale (its blank nodes with it), compared by :func:`ontology_digest`."""
    if stored_digest(kg) == ontology_digest():
        return
    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    kg.update(f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}>")
    kg.add_quads(ox.Quad(_ox(s), _ox(p), _ox(o), graph) for s, p, o in load_ontology())




def _ox(term: Node):  # type: ignore[no-untyped-def]
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))) if term.datatype else ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))



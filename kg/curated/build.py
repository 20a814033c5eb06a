"""Curated data -> RDF quads in the store: validated first, written in one transaction.

One named graph per source (``graph/source/<slug>``), the registries of actors and
places (``graph/registry``), the ontology (``graph/ontology``) and the shortcut edges
derived from events (``graph/derived``). Building twice gives the same store; a
failed build leaves the store exactly as it was.

>>> import kg
>>> graph = kg.open(":memory:")
>>> report = build(graph)
>>> report.events > 10 and report.actors > 10
True
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from kg.base.errors import ValidationError
from kg.base.namespaces import (
    CKG,
    DERIVED_GRAPH,
    ONTOLOGY_GRAPH,
    REGISTRY_GRAPH,
    SOURCE_GRAPH_PREFIX,
    graph_iri,
    parse_resource_iri,
    resource_iri,
    slug_of,
)
from kg.base.resources import default_data_dir
from kg.contract.licences import IN_COPYRIGHT, PROJECT, UNKNOWN, Terms, graph_statements
from kg.contract.ontology import _ox, load_ontology, load_shapes, ontology_digest, skolemize, stored_digest
from kg.contract.rdfmap import (
    actor_triples,
    event_triples,
    place_triples,
    retraction_triples,
    source_triples,
    state_triples,
    to_rdflib,
)
from kg.contract.shortcuts import DERIVE_SHORTCUTS
from kg.curated.load import CuratedData, load_curated
from kg.store.graph import KnowledgeGraph

log = logging.getLogger(__name__)

EVENT_TYPE_SCHEME = resource_iri("concept", "event-types")
#: a record built with ``include_drafts`` while still marked for review carries
#: ``bibo:status <http://purl.org/ontology/bibo/status/draft>`` (filter drafts out with FILTER NOT EXISTS)
REVIEW_STATUS = URIRef("http://purl.org/ontology/bibo/status")
DRAFT_STATUS = URIRef("http://purl.org/ontology/bibo/status/draft")

# SHACL result path -> the YAML field a curator edits.
_YAML_FIELDS = {
    CKG.startDate: "date", CKG.endDate: "end", CKG.datePrecision: "precision",
    CKG.eventType: "type", CKG.agent: "agents", CKG.target: "targets",
    CKG.participant: "participants", CKG.place: "places", CKG.quote: "quote",
    CKG.wikidataId: "wikidata", CKG.within: "within", CKG.isCollective: "collective",
}


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote."""

    sources: int
    actors: int
    places: int
    events: int
    states: int
    quads: int
    derived: int


def event_type_slugs(ontology: Graph) -> set[str]:
    """The slugs of the concepts in the project's event-type scheme."""
    return {slug_of(str(c)) for c in ontology.subjects(SKOS.inScheme, EVENT_TYPE_SCHEME)}


def to_dataset(data: CuratedData) -> Dataset:
    """Map curated data to an rdflib Dataset: registry graph + one graph per source."""
    dataset = Dataset()
    registry = dataset.graph(REGISTRY_GRAPH)
    for actor in data.actors.values():
        _add(registry, actor_triples(actor))
    for place in data.places.values():
        _add(registry, place_triples(place))
    _add(registry, _graph_statements(REGISTRY_GRAPH, PROJECT, title="conflict-kg registry of actors and places"))
    for source in data.sources.values():
        graph = dataset.graph(graph_iri("source", source.slug))
        text = dataset.graph(text_graph_iri(source.slug))
        for triple in source_triples(source):
            # the report's full text is in copyright: a graph of its own, not redistributable
            (text if triple[1] == CKG.fullText else graph).add(triple)
        iri = str(resource_iri("source", source.slug))
        _add(graph, _graph_statements(
            graph.identifier, PROJECT.with_source(iri), title=f"Facts curated from {source.title}",
        ))
        if len(text):
            _add(text, _graph_statements(
                text.identifier, replace(UNKNOWN, rights=IN_COPYRIGHT, source=iri), title=f"Full text of {source.title}",
                holders=tuple(str(resource_iri("actor", p)) for p in source.publishers),
            ))
    for event in data.events.values():
        _add(dataset.graph(graph_iri("source", event.source)), event_triples(event))
    for state in data.states.values():
        _add(dataset.graph(graph_iri("source", state.source)), state_triples(state))
    for retraction in data.retractions:
        issued = data.sources[retraction.source].issued
        _add(dataset.graph(graph_iri("source", retraction.source)), retraction_triples(retraction, issued))
    _mark_drafts(dataset, data)
    return dataset


def _mark_drafts(dataset: Dataset, data: CuratedData) -> None:
    """Records built while still marked for review get a draft status a query can filter on."""
    for kind, slug in sorted(data.drafts):
        if kind == "event" and slug in data.events:
            graph = dataset.graph(graph_iri("source", data.events[slug].source))
        elif kind == "state" and slug in data.states:
            graph = dataset.graph(graph_iri("source", data.states[slug].source))
        elif kind in ("actor", "place"):
            graph = dataset.graph(REGISTRY_GRAPH)
        else:
            continue
        graph.add((resource_iri(kind, slug), REVIEW_STATUS, DRAFT_STATUS))


def text_graph_iri(slug: str) -> URIRef:
    """The graph holding the full text of curated source ``slug`` (``graph/source/<slug>/text``)."""
    return graph_iri("source", f"{slug}/text")


def _graph_statements(graph: Node, terms: Terms, *, title: str, holders: tuple[str, ...] = ()) -> Iterable[tuple[Node, Node, Node]]:
    """A graph's licence and redistribution statements about itself (:mod:`kg.contract.licences`)."""
    for q in graph_statements(str(graph), terms, title=title, holders=holders):
        yield to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)  # type: ignore[arg-type]


def _add(graph: Graph, triples: Iterable[tuple[Node, Node, Node]]) -> None:
    for triple in triples:
        graph.add(triple)


def validate(dataset: Dataset, ontology: Graph, shapes: Graph, data: CuratedData | None = None) -> None:
    """SHACL-validate the union of ``dataset`` against ``shapes`` (with the ontology's classes).

    :raises ValidationError: for the first violation, pointing at the YAML record when known.
    """
    import pyshacl

    union = Graph()
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    union += skolemize(ontology)  # class hierarchy and concept schemes; stable ids for the digest below
    key = _digest(union, shapes)
    if key in _CONFORMING:
        return
    conforms, results, _ = pyshacl.validate(union, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        _CONFORMING.add(key)
        return
    from pyshacl.consts import SH

    violations = sorted(
        results.subjects(RDF.type, SH.ValidationResult),
        key=lambda r: (str(results.value(r, SH.focusNode)), str(results.value(r, SH.resultPath))),
    )
    first = violations[0]
    focus = results.value(first, SH.focusNode)
    path = results.value(first, SH.resultPath)
    message = str(results.value(first, SH.resultMessage) or "violates a SHACL shape")
    field = _YAML_FIELDS.get(path) if isinstance(path, URIRef) else None
    more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
    origin = _origin_of(focus, data)
    if origin is not None:
        raise ValidationError(f"{message} [{focus}]{more}", path=origin.path, line=origin.line_of(field or "id"), field=field or "id")
    raise ValidationError(f"{focus}: {message}{more}", field=field)


#: Digests of (data, shapes) pairs found conforming in this process: validating the same triples
#: against the same shapes again gives the same answer, and pyshacl spends seconds on the seed
#: (it parses the quote constraint's SPARQL once per quoted fact).
_CONFORMING: set[str] = set()


def _digest(data: Graph, shapes: Graph) -> str:
    """A digest of both graphs that blank node ids do not change (rdflib's canonical graph
    digest where a graph has blank nodes, e.g. the shapes; sorted N-Triples otherwise)."""
    digest = hashlib.sha256()
    for graph in (data, shapes):
        if any(isinstance(term, BNode) for triple in graph for term in triple):
            digest.update(str(to_isomorphic(graph).graph_digest()).encode("ascii"))
        else:
            for line in sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in graph):
                digest.update(line.encode("utf-8") + b"\n")
        digest.update(b"\0")
    return digest.hexdigest()


def _origin_of(focus: Node | None, data: CuratedData | None):  # type: ignore[no-untyped-def]
    if data is None or not isinstance(focus, URIRef):
        return None
    found = parse_resource_iri(str(focus))
    return data.origins.get(found) if found else None


def build(
    kg: KnowledgeGraph, data_dir: Path | None = None, *, ontology: Path | None = None, include_drafts: bool = False
) -> BuildReport:
    """Build the curated data into ``kg``, replacing what an earlier build wrote.

    Records still marked for review by ``kg draft`` are refused unless ``include_drafts``; then
    they are built with ``bibo:status <http://purl.org/ontology/bibo/status/draft>``.

    :raises DataError: bad YAML, unknown id, impossible date or quote not in the source.
    :raises ValidationError: the graph violates a SHACL shape. The store is untouched.
    """
    onto = load_ontology(ontology)
    shapes = load_shapes(ontology)
    data = load_curated(
        Path(data_dir) if data_dir else default_data_dir(), concepts=event_type_slugs(onto), include_drafts=include_drafts
    )
    dataset = to_dataset(data)
    validate(dataset, onto, shapes, data)

    # the ontology graph (with its blank nodes) is replaced only when made from other files
    current = stored_digest(kg) == ontology_digest(ontology)
    graphs = ([] if current else [ONTOLOGY_GRAPH]) + [REGISTRY_GRAPH] + [
        g for s in data.sources for g in (graph_iri("source", s), text_graph_iri(s))]
    stale = [g for g in kg.graphs() if g.startswith(SOURCE_GRAPH_PREFIX) and URIRef(g) not in graphs]
    contents = ([] if current else [(ONTOLOGY_GRAPH, onto)]) + [
        (URIRef(str(g.identifier)), g) for g in dataset.graphs() if len(g)]
    if kg.is_remote:
        _write_remote(kg, contents, graphs + stale)
    else:
        blocks = [_graph_block(name, graph) for name, graph in contents]
        drops = " ".join(f"DROP SILENT GRAPH <{g}> ;" for g in graphs + stale)
        kg.update(f"{drops}\nINSERT DATA {{\n{''.join(blocks)}}} ;\n{DERIVE_SHORTCUTS}")
    derived = kg.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} FILTER(?s != <{DERIVED_GRAPH}>) }}"
    ).scalar()
    report = BuildReport(
        sources=len(data.sources), actors=len(data.actors), places=len(data.places),
        events=len(data.events), states=len(data.states), quads=kg.count_quads(), derived=int(derived),
    )
    log.info("built %s", report)
    return report


def _write_remote(kg: KnowledgeGraph, contents: list[tuple[URIRef, Graph]], replaced: list[URIRef | str]) -> None:
    """On a SPARQL server: upload every graph to a staging graph (Graph Store Protocol, batched),
    then swap them all in with one update request. A failed upload drops the staging graphs
    and leaves the store as it was; the swap is as atomic as the server makes one request."""
    import pyoxigraph as ox

    staged = {name: graph_iri("staging", "build-" + slug_of(str(name))) for name, _ in contents}
    try:
        kg.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in staged.values()))
        kg.add_quads(
            ox.Quad(_ox(s), _ox(p), _ox(o), ox.NamedNode(str(staged[name])))
            for name, graph in contents for s, p, o in graph
        )
        moves = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in replaced)
        moves += "".join(f" ;\nMOVE <{staging}> TO <{name}>" for name, staging in staged.items())
        kg.update(f"{moves} ;\n{DERIVE_SHORTCUTS}")
    except BaseException:
        kg.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in staged.values()))
        raise


def _graph_block(name: URIRef, graph: Graph) -> str:
    body = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph)
    return f"GRAPH <{name}> {{\n{body}\n}}\n"

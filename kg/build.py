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

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from kg.curated import CuratedData, load_curated
from kg.errors import DataError, ValidationError
from kg.namespaces import (
    CKG,
    DERIVED_GRAPH,
    ONTOLOGY_GRAPH,
    REGISTRY_GRAPH,
    SOURCE_GRAPH_PREFIX,
    graph_iri,
    resource_iri,
    skolem_iri,
    slug_of,
)
from kg.rdfmap import (
    actor_triples,
    event_triples,
    place_triples,
    retraction_triples,
    source_triples,
    state_triples,
)
from kg.resources import default_data_dir, ontology_dir
from kg.store import KnowledgeGraph

log = logging.getLogger(__name__)

EVENT_TYPE_SCHEME = resource_iri("concept", "event-types")

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


def load_ontology(directory: Path | None = None) -> Graph:
    """Parse ``conflict.ttl``; a syntax error names the file and line.

    Blank nodes (OWL lists, restrictions) are replaced by stable skolem IRIs derived
    from the graph's canonical form, so every build writes identical quads.
    """
    folder = directory or ontology_dir()
    graph = skolemize(_parse_turtle(folder / "conflict.ttl"))
    if (folder / "cameo.tsv").exists():
        add_cameo_codes(graph, folder / "cameo.tsv")
    return graph


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
    """A copy of ``graph`` whose blank nodes are stable ``/.well-known/genid/`` IRIs."""
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
    """Write the ontology graph into ``kg`` if it is missing (imports need its concepts and signs)."""
    if kg.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}").boolean:
        return
    import pyoxigraph as ox

    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    kg.add_quads(ox.Quad(_ox(s), _ox(p), _ox(o), graph) for s, p, o in load_ontology())


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
    for source in data.sources.values():
        _add(dataset.graph(graph_iri("source", source.slug)), source_triples(source))
    for event in data.events.values():
        _add(dataset.graph(graph_iri("source", event.source)), event_triples(event))
    for state in data.states.values():
        _add(dataset.graph(graph_iri("source", state.source)), state_triples(state))
    for retraction in data.retractions:
        issued = data.sources[retraction.source].issued
        _add(dataset.graph(graph_iri("source", retraction.source)), retraction_triples(retraction, issued))
    return dataset


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
    union += ontology  # class hierarchy and concept schemes, as in the built store
    conforms, results, _ = pyshacl.validate(union, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
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


def _origin_of(focus: Node | None, data: CuratedData | None):  # type: ignore[no-untyped-def]
    if data is None or not isinstance(focus, URIRef):
        return None
    parts = str(focus).split("#")[0].rsplit("/", 2)
    if len(parts) != 3:
        return None
    return data.origins.get((parts[1], parts[2]))


def build(kg: KnowledgeGraph, data_dir: Path | None = None, *, ontology: Path | None = None) -> BuildReport:
    """Build the curated data into ``kg``, replacing what an earlier build wrote.

    :raises DataError: bad YAML, unknown id, impossible date or quote not in the source.
    :raises ValidationError: the graph violates a SHACL shape. The store is untouched.
    """
    onto = load_ontology(ontology)
    shapes = load_shapes(ontology)
    data = load_curated(Path(data_dir) if data_dir else default_data_dir(), concepts=event_type_slugs(onto))
    dataset = to_dataset(data)
    validate(dataset, onto, shapes, data)

    graphs = [ONTOLOGY_GRAPH, REGISTRY_GRAPH] + [graph_iri("source", s) for s in data.sources]
    stale = [g for g in kg.graphs() if g.startswith(SOURCE_GRAPH_PREFIX) and URIRef(g) not in graphs]
    contents = [(ONTOLOGY_GRAPH, onto)] + [(URIRef(str(g.identifier)), g) for g in dataset.graphs() if len(g)]
    if kg.is_remote:
        _write_remote(kg, contents, graphs + stale)
    else:
        blocks = [_graph_block(name, graph) for name, graph in contents]
        drops = " ".join(f"DROP SILENT GRAPH <{g}> ;" for g in graphs + stale)
        kg.update(f"{drops}\nINSERT DATA {{\n{''.join(blocks)}}} ;\n{DERIVE_SHORTCUTS}")
    derived = kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}").scalar()
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


def _graph_block(name: URIRef, graph: Graph) -> str:
    body = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph)
    return f"GRAPH <{name}> {{\n{body}\n}}\n"


#: Regenerates every shortcut edge (``?agent ckg:attacked ?target`` ...) from the events,
#: driven by the ontology's ``ckg:shortcutOf`` / ``ckg:shortcutObject`` declarations.
DERIVE_SHORTCUTS = f"""
DROP SILENT GRAPH <{DERIVED_GRAPH}> ;
INSERT {{ GRAPH <{DERIVED_GRAPH}> {{ ?agent ?shortcut ?object }} }}
WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?shortcut ckg:shortcutOf ?class ; ckg:shortcutObject ?property . }}
  GRAPH ?g {{ ?event a ?class ; ckg:agent ?agent ; ?property ?object . }}
  FILTER(STRSTARTS(STR(?g), "{SOURCE_GRAPH_PREFIX}"))
  FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?event prov:invalidatedAtTime ?retracted }} }}
}}
"""


def derive_shortcuts_update(source_graph: str, derived_graph: str) -> str:
    """The update regenerating the shortcut edges of one (imported) graph into its own derived graph."""
    return f"""
DROP SILENT GRAPH <{derived_graph}> ;
INSERT {{ GRAPH <{derived_graph}> {{ ?agent ?shortcut ?object }} }}
WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?shortcut ckg:shortcutOf ?class ; ckg:shortcutObject ?property . }}
  GRAPH <{source_graph}> {{ ?event a ?class ; ckg:agent ?agent ; ?property ?object . }}
  FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?event prov:invalidatedAtTime ?retracted }} }}
}}
"""

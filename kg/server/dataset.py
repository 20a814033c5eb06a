"""The dataset as a whole: VoID (at ``/.well-known/void``), the SPARQL service description, dumps.

VoID describes the dataset this server publishes and one ``void:Dataset`` per named graph
(its subsets), each with its own ``dcterms:license``, title and triple count: the dataset as a
whole has *no* licence, since its graphs have different ones. Graphs withheld (not marked
redistributable, :mod:`kg.server.published`) are listed as subsets too, with their licence and
``dcterms:accessRights``, but no counts and no dumps. Vocabularies are those the served
statements use; the Wikidata links are a ``void:Linkset`` per link predicate with its count.
Everything is built in the workers from the configured addresses (``--public-url``, ``--base``),
never from the request's ``Host`` header; VoID is cached per store generation and format.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES
from kg.server.published import GraphInfo, Published, published
from kg.server.work import Answer, Failed, Job, Limits, graph_bytes, take
from kg.sparql.formats import FORMATS, negotiate, rdf_format

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
CKG = "https://w3id.org/conflict-kg/ontology#"
WIKIDATA = "http://www.wikidata.org/entity/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Dumps of the published graphs: file name -> format name (``/dump/<file>``).
DUMPS = {"conflict-kg.nq": "nquads", "conflict-kg.trig": "trig", "conflict-kg.jsonld": "jsonld",
         "conflict-kg.ttl": "turtle", "conflict-kg.nt": "ntriples", "conflict-kg.rdf": "rdfxml"}
#: A dump is refused before it is built when the graphs hold more quads than this per byte allowed.
BYTES_PER_QUAD = 120

#: Namespaces that are resources of the dataset, not vocabularies.
_RESOURCE_SPACES = {"actor", "event", "place", "source", "state", "concept", "wd"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def _t(s: Any, p: str, o: Any) -> ox.Triple:
    return ox.Triple(s, _n(p), o)


def dataset_iri(limits: Limits) -> str:
    return limits.public + ".well-known/void#dataset"


def _rdf_answer(triples: list[ox.Triple], job: Job, pub: Published | None = None) -> Answer:
    fmt = negotiate("graph", accept=job.accept, fmt=job.fmt)
    body, truncated = graph_bytes(triples, fmt.name, job.limits)
    return Answer(200, body, fmt.content_type, "graph", fmt.name, truncated, headers=pub.headers() if pub else ())


# -- the service description ------------------------------------------------------------------------


def service_description(store: ox.Store, job: Job) -> Answer:
    """The SPARQL 1.1 Service Description of this endpoint (``job.base_iri`` is the endpoint)."""
    limits = job.limits
    pub = published(store, limits)
    service = ox.BlankNode("service")
    data = _n(dataset_iri(limits))
    default_graph = ox.BlankNode("defaultGraph")
    withheld = (f" {len(pub.withheld)} named graphs not marked redistributable are left out (see VoID)."
                if pub.withheld else "")
    out = [
        _t(service, str(RDF_TYPE.value), _n(SD + "Service")),
        _t(service, SD + "endpoint", _n(job.base_iri or limits.public + "sparql")),
        _t(service, SD + "supportedLanguage", _n(SD + "SPARQL11Query")),
        _t(service, SD + "feature", _n(SD + "UnionDefaultGraph")),
        _t(service, DCT + "description", ox.Literal(
            "conflict-kg SPARQL endpoint: the default graph is the union of the named graphs served; "
            "SERVICE, LOAD and remote or file: graphs are refused; "
            f"queries stop after {limits.timeout:g} s and return at most {limits.max_rows} rows." + withheld)),
        _t(service, SD + "defaultDataset", data),
        _t(data, str(RDF_TYPE.value), _n(SD + "Dataset")),
        _t(data, SD + "defaultGraph", default_graph),
        _t(default_graph, str(RDF_TYPE.value), _n(SD + "Graph")),
    ]
    if limits.updates:
        out.append(_t(service, SD + "supportedLanguage", _n(SD + "SPARQL11Update")))
    for fmt in FORMATS:
        out.append(_t(service, SD + "resultFormat", _n(fmt.sd_iri)))
    for index, graph in enumerate(take([g.graph for g in pub.served], limits.max_rows)):
        node = ox.BlankNode(f"g{index}")
        out += [_t(data, SD + "namedGraph", node), _t(node, str(RDF_TYPE.value), _n(SD + "NamedGraph")),
                _t(node, SD + "name", _n(graph))]
    return _rdf_answer(out, job, pub)


# -- VoID ---------------------------------------------------------------------------------------------


def subset_triples(info: GraphInfo, triples: int | None, limits: Limits) -> list[ox.Triple]:
    """What VoID says about one named graph: a ``void:Dataset`` with its title, licence, whether it
    may be redistributed, its triple count (``None``: withheld, not counted) and where to query it."""
    g = _n(info.graph)
    out = [_t(g, str(RDF_TYPE.value), _n(VOID + "Dataset")), _t(g, SD + "name", g),
           _t(g, CKG + "redistributable", ox.Literal("true" if info.redistributable else "false", datatype=_n(XSD + "boolean")))]
    if info.title:
        out.append(_t(g, DCT + "title", ox.Literal(info.title)))
    if info.licence:
        out.append(_t(g, DCT + "license", _n(info.licence)))
    if triples is None:
        out.append(_t(g, DCT + "accessRights", ox.Literal(
            "Not redistributable: left out of this server's queries, pages and dumps "
            "(kg serve --include-restricted serves it).", language="en")))
    else:
        out += [_t(g, VOID + "triples", _int(triples)), _t(g, VOID + "sparqlEndpoint", _n(limits.public + "sparql"))]
    return out


_COUNTS = "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?entities) WHERE { GRAPH ?g { ?s ?p ?o } }"
_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
_PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
_LINKS = f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{WIKIDATA}")) }}
GROUP BY ?p ORDER BY ?p"""
_CREATED = "SELECT (MIN(?t) AS ?created) WHERE { ?s prov:generatedAtTime ?t }"


def _rows(store: ox.Store, sparql: str, pub: Published, limits: Limits) -> list[Any]:
    return take(store.query(sparql, prefixes=PREFIXES, **pub.options), limits.max_rows)


def vocabulary_of(iri: str) -> str | None:
    """The vocabulary (namespace) a property or class IRI belongs to; ``None`` for the dataset's own
    resources. Known prefixes first (``ckg:``, ``prov:``...), else the IRI up to its last ``#`` or ``/``.

    >>> vocabulary_of("http://www.w3.org/ns/prov#wasDerivedFrom"), vocabulary_of("https://example.org/v/term")
    ('http://www.w3.org/ns/prov#', 'https://example.org/v/')
    """
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return None if prefix in _RESOURCE_SPACES else ns
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 8 else None


def void(store: ox.Store, job: Job) -> Answer:
    """VoID of what this server publishes (see the module docstring)."""
    limits = job.limits
    pub = published(store, limits)
    doc = _n(limits.public + ".well-known/void")
    data = _n(dataset_iri(limits))
    modified = ox.Literal(limits.modified, datatype=_n(XSD + "dateTime")) if limits.modified else None
    out = [
        _t(doc, str(RDF_TYPE.value), _n(VOID + "DatasetDescription")),
        _t(doc, DCT + "title", ox.Literal("VoID description of conflict-kg", language="en")),
        _t(doc, FOAF + "primaryTopic", data),
        _t(data, str(RDF_TYPE.value), _n(VOID + "Dataset")),
        _t(data, DCT + "title", ox.Literal("conflict-kg", language="en")),
        _t(data, DCT + "description", ox.Literal(
            "A temporal knowledge graph of armed-conflict actors and events, with the quote and source of every fact.",
            language="en")),
        _t(data, DCT + "rights", ox.Literal(
            "Each subset (named graph) states its own licence (dcterms:license); no licence covers the union. "
            "Quoted source text remains the copyright of its holders (see each source's dcterms:rights).", language="en")),
        _t(data, DCT + "publisher", _n(limits.publisher or limits.base)),
        _t(data, VOID + "sparqlEndpoint", _n(limits.public + "sparql")),
        _t(data, VOID + "uriSpace", ox.Literal(limits.base + "id/")),
    ]
    if modified is not None:
        out += [_t(data, DCT + "modified", modified), _t(doc, DCT + "modified", modified)]
    created = _rows(store, _CREATED, pub, limits)
    if created and created[0]["created"] is not None:
        out.append(_t(data, DCT + "created", created[0]["created"]))
    elif modified is not None:
        out.append(_t(data, DCT + "created", modified))
    for name in ("Turtle", "JSON-LD", "N-Triples", "RDF_XML", "N-Quads", "TriG"):
        out.append(_t(data, VOID + "feature", _n("http://www.w3.org/ns/formats/" + name)))
    for file in DUMPS:
        out.append(_t(data, VOID + "dataDump", _n(limits.public + "dump/" + file)))
    for row in _rows(store, _COUNTS, pub, limits):
        out += [_t(data, VOID + "triples", row["triples"]), _t(data, VOID + "entities", row["entities"])]
    classes = _rows(store, _CLASSES, pub, limits)
    out.append(_t(data, VOID + "classes", _int(len(classes))))
    for row in classes:
        part = ox.BlankNode()
        out += [_t(data, VOID + "classPartition", part), _t(part, VOID + "class", row["c"]), _t(part, VOID + "entities", row["n"])]
    predicates = [r["p"].value for r in _rows(store, _PREDICATES, pub, limits)]
    out.append(_t(data, VOID + "properties", _int(len(predicates))))
    vocabularies = {vocabulary_of(iri) for iri in predicates + [r["c"].value for r in classes]} - {None}
    for ns in sorted(v for v in vocabularies if v):
        out.append(_t(data, VOID + "vocabulary", _n(ns)))
    space = ox.Literal(limits.base + "id/")
    examples = [r["s"] for r in _rows(store, f"SELECT ?s WHERE {{ ?s a ?c FILTER(isIRI(?s) && STRSTARTS(STR(?s), {space})) }} LIMIT 1",
                                      pub, limits)]
    if examples:  # a resource this server really serves
        out.append(_t(data, VOID + "exampleResource", examples[0]))
    counts = {r["g"].value: int(r["n"].value) for r in _rows(store, _PER_GRAPH, pub, limits)}
    for info in pub.served + pub.withheld:
        out.append(_t(data, VOID + "subset", _n(info.graph)))
        out += subset_triples(info, counts.get(info.graph, 0) if info in pub.served else None, limits)
    out += linksets(store, data, pub, limits)
    for row in _rows(store, "SELECT DISTINCT ?src ?title ?rights WHERE { ?src a ckg:Source . "
                             "OPTIONAL { ?src dcterms:title ?title } OPTIONAL { ?src dcterms:rights ?rights } } ORDER BY ?src", pub, limits):
        out.append(_t(data, DCT + "source", row["src"]))
        if row["title"] is not None:
            out.append(_t(row["src"], DCT + "title", row["title"]))
        if row["rights"] is not None:
            out.append(_t(row["src"], DCT + "rights", row["rights"]))
    return _rdf_answer(out, job, pub)


def linksets(store: ox.Store, data: ox.NamedNode, pub: Published, limits: Limits) -> list[ox.Triple]:
    """One ``void:Linkset`` per predicate linking the dataset's resources to Wikidata items."""
    rows = _rows(store, _LINKS, pub, limits)
    if not rows:
        return []
    wikidata = _n(limits.public + ".well-known/void#wikidata")
    out = [_t(wikidata, str(RDF_TYPE.value), _n(VOID + "Dataset")),
           _t(wikidata, DCT + "title", ox.Literal("Wikidata", language="en")),
           _t(wikidata, FOAF + "homepage", _n("https://www.wikidata.org/")),
           _t(wikidata, VOID + "uriSpace", ox.Literal(WIKIDATA)),
           _t(wikidata, VOID + "sparqlEndpoint", _n("https://query.wikidata.org/sparql")),
           _t(wikidata, DCT + "license", _n("http://creativecommons.org/publicdomain/zero/1.0/"))]
    for row in rows:
        name = row["p"].value.replace("#", "/").rstrip("/").rsplit("/", 1)[-1]
        linkset = _n(limits.public + f".well-known/void#wikidata-{name}")
        out += [_t(data, VOID + "subset", linkset), _t(linkset, str(RDF_TYPE.value), _n(VOID + "Linkset")),
                _t(linkset, VOID + "subjectsTarget", data), _t(linkset, VOID + "objectsTarget", wikidata),
                _t(linkset, VOID + "linkPredicate", row["p"]), _t(linkset, VOID + "triples", row["n"])]
    return out


# -- dumps ----------------------------------------------------------------------------------------------


def dump(store: ox.Store, job: Job) -> Answer:
    """``/dump/conflict-kg.<ext>``: the published graphs in one RDF format, as ``kg export`` writes
    them (same graphs, same context), if they fit ``--max-result-bytes``."""
    from kg.export.rdf import RdfExportFormat, export_rdf
    from kg.store.graph import MEMORY, KnowledgeGraph

    limits = job.limits
    name = DUMPS.get(job.sparql)
    if name is None:
        raise Failed(404, "no such dump: " + ", ".join(DUMPS))
    pub = published(store, limits)
    quads = sum(int(r["n"].value) for r in _rows(store, _PER_GRAPH, pub, limits))
    if quads * BYTES_PER_QUAD > limits.max_bytes:
        raise Failed(503, f"the dump ({quads:,} quads) is larger than this server sends (--max-result-bytes "
                          f"{limits.max_bytes}): write it with kg export")
    view = KnowledgeGraph(store, location=MEMORY, read_only=True)
    body = export_rdf(view, RdfExportFormat.parse(name), include_restricted=limits.include_restricted)
    if len(body) > limits.max_bytes:
        raise Failed(503, f"the dump is larger than this server sends (--max-result-bytes {limits.max_bytes}): write it with kg export")
    fmt = rdf_format(name)
    headers = pub.headers() + (("Content-Disposition", f'attachment; filename="{job.sparql}"'),)
    return Answer(200, body, fmt.content_type, "graph", fmt.name, headers=headers)

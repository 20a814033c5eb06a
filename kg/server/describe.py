"""SPARQL 1.1 Service Description (at the endpoint) and VoID (at ``/.well-known/void``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kg.server.executor import serialize
from kg.server.formats import FORMATS, NotAcceptable, negotiate, parse_accept
from kg.sparql.results import Result

if TYPE_CHECKING:
    from kg.server.app import Server

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT = "http://purl.org/dc/terms/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PROJECT_LICENSE = "https://opensource.org/licenses/MIT"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def wants_html(accept: str | None) -> bool:
    """Whether ``text/html`` is the client's first choice (a browser)."""
    ranges = parse_accept(accept)
    return bool(ranges) and ranges[0][0] in ("text/html", "application/xhtml+xml")


def rdf_response(triples: list[ox.Triple], request: Request, fmt: str | None = None) -> Response:
    from kg.server.app import HTTPError

    try:
        chosen = negotiate("graph", accept=request.headers.get("accept"), fmt=fmt)
    except NotAcceptable as err:
        raise HTTPError(406, str(err)) from None
    body = serialize(Result("graph", triples=triples), chosen.name)
    return Response(body, media_type=chosen.content_type, headers={"Vary": "Accept"})


def void_iri(server: Server, request: Request) -> str:
    return str(request.url.replace(path="/.well-known/void", query="", fragment="")) + "#dataset"


def service_description(server: Server, request: Request) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint."""
    from kg.server.app import endpoint_url

    service = ox.BlankNode("service")
    dataset = _n(void_iri(server, request))
    default_graph = ox.BlankNode("defaultGraph")
    out = [
        ox.Triple(service, RDF_TYPE, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), _n(endpoint_url(request))),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(service, _n(DCT + "description"), ox.Literal(
            "conflict-kg SPARQL endpoint: the default graph is the union of all named graphs; "
            "SERVICE, LOAD and remote or file: graphs are refused; "
            f"queries stop after {server.settings.timeout:g} s and return at most {server.settings.max_rows} rows.")),
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _n(SD + "Graph")),
    ]
    if server.settings.updates_enabled:
        out.append(ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Update")))
    for fmt in FORMATS:
        out.append(ox.Triple(service, _n(SD + "resultFormat"), _n(fmt.sd_iri)))
    for graph in sorted(server.graphs()):
        node = ox.BlankNode("g" + str(abs(hash(graph))))
        out += [
            ox.Triple(dataset, _n(SD + "namedGraph"), node),
            ox.Triple(node, RDF_TYPE, _n(SD + "NamedGraph")),
            ox.Triple(node, _n(SD + "name"), _n(graph)),
        ]
    return out


def service_description_response(server: Server, request: Request) -> Response:
    if wants_html(request.headers.get("accept")):
        return RedirectResponse("/query", status_code=303)
    formats = [v for k, v in request.query_params.multi_items() if k == "format"]
    return rdf_response(service_description(server, request), request, formats[0] if formats else None)


_COUNTS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?entities) WHERE { GRAPH ?g { ?s ?p ?o } }
"""


def void_triples(server: Server, request: Request) -> list[ox.Triple]:
    """VoID: triples, entities, classes, properties, graphs (as subsets), licence, sources."""
    key = f"void:{server.executor.generation}"
    if key in server.cache:
        return server.cache[key]
    dataset = _n(void_iri(server, request))
    base = request.url.replace(query="", fragment="")
    out = [
        ox.Triple(dataset, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Triple(dataset, _n(DCT + "title"), ox.Literal("conflict-kg", language="en")),
        ox.Triple(dataset, _n(DCT + "description"), ox.Literal(
            "A temporal knowledge graph of armed-conflict actors and events, with the quote and source of every fact.",
            language="en")),
        ox.Triple(dataset, _n(DCT + "license"), _n(PROJECT_LICENSE)),
        ox.Triple(dataset, _n(DCT + "rights"), ox.Literal(
            "Project data under the project's licence; quoted source text remains the copyright of its holders "
            "(see each source's dcterms:rights).", language="en")),
        ox.Triple(dataset, _n(VOID + "sparqlEndpoint"), _n(str(base.replace(path="/sparql")))),
        ox.Triple(dataset, _n(VOID + "uriSpace"), ox.Literal(server.settings.base + "id/")),
        ox.Triple(dataset, _n(VOID + "vocabulary"), _n(server.settings.base + "ontology#")),
        ox.Triple(dataset, _n(VOID + "exampleResource"), _n(server.settings.base + "id/actor/isis")),
    ]
    for name in ("Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        out.append(ox.Triple(dataset, _n(VOID + "feature"), _n("http://www.w3.org/ns/formats/" + name)))
    row = server.select(_COUNTS)
    for solution in row:
        out.append(ox.Triple(dataset, _n(VOID + "triples"), solution["triples"]))
        out.append(ox.Triple(dataset, _n(VOID + "entities"), solution["entities"]))
    classes = list(server.select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"))
    out.append(ox.Triple(dataset, _n(VOID + "classes"), _int(len(classes))))
    for solution in classes:
        part = ox.BlankNode()
        out += [
            ox.Triple(dataset, _n(VOID + "classPartition"), part),
            ox.Triple(part, _n(VOID + "class"), solution["c"]),
            ox.Triple(part, _n(VOID + "entities"), solution["n"]),
        ]
    properties = list(server.select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"))
    out.append(ox.Triple(dataset, _n(VOID + "properties"), properties[0]["n"]))
    for solution in server.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        part = ox.BlankNode()
        out += [
            ox.Triple(dataset, _n(VOID + "subset"), part),
            ox.Triple(part, RDF_TYPE, _n(VOID + "Dataset")),
            ox.Triple(part, _n(SD + "name"), solution["g"]),
            ox.Triple(part, _n(VOID + "triples"), solution["n"]),
        ]
    for solution in server.select(
        "SELECT DISTINCT ?src ?title ?rights WHERE { ?src a ckg:Source . "
        "OPTIONAL { ?src dcterms:title ?title } OPTIONAL { ?src dcterms:rights ?rights } } ORDER BY ?src"
    ):
        out.append(ox.Triple(dataset, _n(DCT + "source"), solution["src"]))
        if solution["title"] is not None:
            out.append(ox.Triple(solution["src"], _n(DCT + "title"), solution["title"]))
        if solution["rights"] is not None:
            out.append(ox.Triple(solution["src"], _n(DCT + "rights"), solution["rights"]))
    server.cache[key] = out
    return out


async def void_response(server: Server, request: Request) -> Response:
    import anyio

    formats = [v for k, v in request.query_params.multi_items() if k == "format"]
    triples = await anyio.to_thread.run_sync(void_triples, server, request)
    return rdf_response(triples, request, formats[0] if formats else None)

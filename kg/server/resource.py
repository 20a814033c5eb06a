"""Resource and graph documents: bounded lookups, and documents that describe themselves.

Dereferencing follows "Cool URIs for the Semantic Web" with content negotiation and *no*
redirect: ``/id/actor/isis`` (the IRI of the actor, a thing) answers 200 with the negotiated
representation, and says which document that is: ``Content-Location: /id/actor/isis.ttl`` and
``Link: </id/actor/isis.ttl>; rel="describedby"; type="text/turtle"`` (one ``Link`` per format).
Every document describes itself: ``<…/isis.ttl> foaf:primaryTopic actor:isis ; void:inDataset
<graph> ; dcterms:license <licence of that graph> ; dcterms:modified "…"``.

A page never scans the store. It reads the resource's own statements (one index lookup), the
statements of its known sub-nodes (``<iri>#…`` IRIs it points to or that point to it, e.g. a
place's ``#geometry``), and at most :data:`PAGE` incoming links per page: the next ones are at
``?incoming=2`` (``Link: rel="next"``), all of them through the SPARQL query page. Lists of events
on actor, place and source pages are capped the same way.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.server.lookup import PAGE, bounded_rows, describe
from kg.server.published import Published, published
from kg.server.render import HTML, Failed, iri_view, jsonld_body, render, short, term_view, text_view
from kg.server.resource_html import resource_context
from kg.server.work import Answer, Job, Limits, graph_bytes
from kg.sparql.formats import rdf_format

FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
EXTENSIONS = {"html": ".html", "turtle": ".ttl", "jsonld": ".jsonld", "ntriples": ".nt", "rdfxml": ".rdf"}
MEDIA = {"html": "text/html", "turtle": "text/turtle", "jsonld": "application/ld+json",
         "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml"}




def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


# -- documents ---------------------------------------------------------------------------------


def document_path(path: str, fmt: str, page: int = 1) -> str:
    """The path of the document describing ``path`` in ``fmt`` (``/id/actor/isis`` -> ``/id/actor/isis.ttl``)."""
    return path + EXTENSIONS[fmt] + (f"?incoming={page}" if page > 1 else "")


def self_description(doc: str, topic: str, graphs: set[str], limits: Limits, pub: Published,
                     next_doc: str | None = None) -> list[ox.Triple]:
    """The document's statements about itself: primary topic, datasets, licences, modified."""
    d = _n(doc)
    out = [ox.Triple(d, _n(RDF_TYPE), _n(FOAF + "Document")), ox.Triple(d, _n(FOAF + "primaryTopic"), _n(topic))]
    for graph in sorted(graphs):
        out.append(ox.Triple(d, _n(VOID + "inDataset"), _n(graph)))
        licence = pub.licence_of(graph)
        if licence:
            out.append(ox.Triple(d, _n(DCT + "license"), _n(licence)))
    if limits.modified:
        out.append(ox.Triple(d, _n(DCT + "modified"), ox.Literal(limits.modified, datatype=XSD_DATETIME)))
    if next_doc:
        out.append(ox.Triple(d, _n(RDFS + "seeAlso"), _n(next_doc)))
    return sorted(set(out), key=str)


def link_headers(path: str, fmt: str, page: int, more: bool, conneg: bool,
                 formats: tuple[str, ...] = tuple(EXTENSIONS)) -> tuple[tuple[str, str], ...]:
    """``Content-Location`` of the variant sent, ``Link`` to every document describing the resource
    (in ``formats``: the ones it has)."""
    links = [f'<{document_path(path, f, page)}>; rel="describedby"; type="{MEDIA[f]}"' for f in formats]
    if more:
        links.append(f'<{document_path(path, fmt, page + 1)}>; rel="next"; type="{MEDIA[fmt]}"')
    if page > 1:  # a crawler that lands on a later page finds its way back (RFC 8288 paging relations)
        links.append(f'<{document_path(path, fmt, page - 1)}>; rel="prev"; type="{MEDIA[fmt]}"')
        links.append(f'<{document_path(path, fmt)}>; rel="first"; type="{MEDIA[fmt]}"')
    headers = [("Link", ", ".join(links))]
    if conneg:
        headers.append(("Content-Location", document_path(path, fmt, page)))
    return tuple(headers)


def resource(store: ox.Store, job: Job) -> Answer:
    """``/id/...``: the document of one resource in ``job.fmt`` (``job.sparql`` is the path)."""
    limits = job.limits
    path, name = job.sparql, job.fmt or "html"
    conneg = job.negotiated  # the thing's IRI was asked (no suffix): say which document this is
    try:
        iri = ox.NamedNode(limits.base + path.lstrip("/"))
    except ValueError:
        raise Failed(404, "no such resource") from None
    pub = published(store, limits)
    found = describe(store, iri, limits, pub, job.page)
    if not any(t.subject == iri for t in found.own) and not (job.page > 1 and found.incoming):
        raise Failed(404, f"no resource <{iri.value}> in this dataset" +
                     (" (or only in graphs this server does not redistribute)" if pub.withheld else ""))
    headers = link_headers(path, name, job.page, found.more, conneg) + pub.headers()
    if limits.modified:
        headers += (("Last-Modified", http_date(limits.modified)),)
    doc = limits.base + document_path(path, name, job.page).lstrip("/")
    next_doc = limits.base + document_path(path, name, job.page + 1).lstrip("/") if found.more else None
    if name != "html":
        fmt = rdf_format(name)
        triples = found.triples + self_description(doc, iri.value, found.graphs, limits, pub, next_doc)
        body = rdf_body(triples, fmt.name, limits)
        return Answer(200, body, fmt.content_type, "graph", fmt.name,
                      f"max-rows={limits.max_rows}" if found.truncated else "", headers=headers)
    context = resource_context(store, found, limits, pub)
    context["document"] = document_context(doc, found.graphs, limits, pub)
    return Answer(200, render("resource.html", limits, **context), HTML, headers=headers)


def document_context(doc: str, graphs: set[str], limits: Limits, pub: Published) -> dict[str, Any]:
    """The page's note about itself: datasets and their licences, modified, withheld graphs."""
    base = limits.base
    rows = []
    for graph in sorted(graphs):
        info = pub.info(graph)
        licence = info.licence if info else None
        rows.append([iri_view(graph, base, info.title if info and info.title else None),
                     iri_view(licence, base) if licence else text_view("no licence stated")])
    return {"iri": doc, "graphs": rows, "modified": limits.modified, "withheld": pub.note()}


def http_date(stamp: str) -> str:
    """An ``xsd:dateTime`` in UTC (``2026-12-01T08:00:00Z``) as an HTTP date."""
    import datetime as dt
    from email.utils import format_datetime

    moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    return format_datetime(moment, usegmt=True)


def rdf_body(triples: list[ox.Triple], name: str, limits: Limits) -> bytes:
    """Serialize; JSON-LD is compacted with the project context and refers to it by IRI."""
    if name != "jsonld":
        return graph_bytes(triples, name, limits)[0]
    return jsonld_body(triples, limits)


# -- named graphs -----------------------------------------------------------------------------------


_GRAPH_COUNT = "SELECT ?this (COUNT(*) AS ?n) WHERE { GRAPH ?this { ?s ?p ?o } } GROUP BY ?this"


def graph_document(store: ox.Store, job: Job) -> Answer:
    """``/graph/...``: a named graph's description (title, licence, redistributable, triples,
    where to get it), the same statements VoID makes about that subset."""
    from kg.server.dataset import subset_triples

    limits = job.limits
    path, name = job.sparql, job.fmt or "html"
    conneg = job.negotiated
    graph = limits.base + path.lstrip("/")
    pub = published(store, limits)
    info = pub.info(graph)
    if info is None:
        raise Failed(404, f"no graph <{graph}> in this store")
    served = info in pub.served
    count = 0
    if served:
        rows = bounded_rows(store, _GRAPH_COUNT, {}, 1, this=_n(graph))
        count = int(rows[0]["n"].value) if rows else 0
    triples = subset_triples(info, count if served else None, limits)
    headers = link_headers(path, name, 1, False, conneg) + pub.headers()
    doc = limits.base + document_path(path, name).lstrip("/")
    if name != "html":
        fmt = rdf_format(name)
        triples += self_description(doc, graph, {graph}, limits, pub)
        return Answer(200, rdf_body(triples, fmt.name, limits), fmt.content_type, "graph", fmt.name, headers=headers)
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT {PAGE}"
    rows_view = [[iri_view(t.predicate.value, limits.base), term_view(t.object, limits.base)]
                 for t in triples if t.subject == _n(graph)]
    body = render("graph.html", limits, title=info.title or short(graph), iri=graph, statements=rows_view,
                  served=served, triples=count, query_href="/query?" + urlencode({"query": query}),
                  downloads=[(EXTENSIONS[f], f) for f in ("turtle", "jsonld", "ntriples", "rdfxml")], path=path,
                  document=document_context(doc, {graph}, limits, pub))
    return Answer(200, body, HTML, headers=headers)

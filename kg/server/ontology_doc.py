"""The ontology, its SHACL shapes and the JSON-LD context, each at its own IRI.

``/ontology`` (and its version IRI, ``/ontology/<versionInfo>``) is the ontology file
(``ontology/conflict.ttl``) by content negotiation, or an HTML reference in the manner of pyLODE
and Widoco: the ontology's metadata (title, version, licence, creators, dates, namespace), then
every class, object property, datatype property, annotation property and individual with its
label, definition, super- and sub-terms, domain and range (unions and enumerations spelled out),
then the SKOS concept schemes with their concepts and mappings. Anchors are unique: a ``ckg:``
term by its local name (so ``ontology#Attack`` lands on it), any other term by its CURIE
(``#sem:Event``). ``/shapes`` serves ``ontology/shapes.ttl``; ``/context.jsonld`` the JSON-LD
context that JSON-LD documents of this server refer to.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from kg.base.namespaces import BASE, ONTOLOGY_IRI
from kg.server.render import HTML, render, short
from kg.server.resource import EXTENSIONS, http_date, link_headers, rdf_body
from kg.server.work import Answer, Failed, Job, Limits
from kg.sparql.formats import rdf_format

CKG_NS = BASE + "ontology#"
SHAPES_IRI = BASE + "shapes"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
VANN = "http://purl.org/vocab/vann/"
MAPPINGS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


def _file(name: str) -> bytes:
    from kg.base.resources import ontology_dir

    return (ontology_dir() / name).read_bytes()


@lru_cache(maxsize=1)
def version_path() -> str:
    """The path of the ontology's version IRI under the base (``/ontology/0.2.0``)."""
    from rdflib import Graph, URIRef

    graph = Graph().parse(data=_file("conflict.ttl"), format="turtle")
    version = graph.value(URIRef(ONTOLOGY_IRI), URIRef(OWL + "versionIRI"))
    return "/" + str(version)[len(BASE):] if version is not None and str(version).startswith(BASE) else ""


#: The packaged vocabulary files (context, ontology, shapes) hold no store data: any web page may
#: read them, as browser JSON-LD processors (the JSON-LD playground) and ontology viewers must to use
#: them, whatever --cors says about queries and pages.
PUBLIC_FILE = (("Access-Control-Allow-Origin", "*"),)


#: The RDF formats of a document without an HTML form (the shapes).
RDF_ONLY = tuple(f for f in EXTENSIONS if f != "html")


def _rdf_document(data: bytes, path: str, name: str, job: Job, *, formats: tuple[str, ...] = tuple(EXTENSIONS)) -> Answer:
    headers = link_headers(path, name, 1, False, job.negotiated, formats) + PUBLIC_FILE
    if job.limits.modified:
        headers += (("Last-Modified", http_date(job.limits.modified)),)
    if name == "turtle":
        return Answer(200, data, "text/turtle; charset=utf-8", headers=headers)
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    fmt = rdf_format(name)
    limits = Limits(max_rows=10**7, max_bytes=job.limits.max_bytes, public=job.limits.public)
    return Answer(200, rdf_body(triples, fmt.name, limits), fmt.content_type, headers=headers)


def shapes(store: ox.Store, job: Job) -> Answer:
    """``/shapes``: the SHACL shapes (Turtle unless another RDF format is asked for)."""
    if job.fmt == "html" and not job.negotiated:  # /shapes.html: there is no HTML form, and no Link says there is
        raise Failed(404, "the shapes have no HTML form: /shapes.ttl (or /shapes with any Accept) is the Turtle")
    name = job.fmt if job.fmt and job.fmt != "html" else "turtle"
    return _rdf_document(_file("shapes.ttl"), "/shapes", name, job, formats=RDF_ONLY)


def context(store: ox.Store, job: Job) -> Answer:
    """``/context.jsonld``: the JSON-LD context (``application/ld+json``)."""
    return Answer(200, _file("context.jsonld"), "application/ld+json",
                  headers=(("Cache-Control", "public, max-age=3600"), *PUBLIC_FILE))


def ontology(store: ox.Store, job: Job) -> Answer:
    """``/ontology`` and the version IRI: the ontology file in ``job.fmt``, or the HTML reference."""
    name = job.fmt or "html"
    path = job.sparql or "/ontology"
    if path not in ("/ontology", version_path()):
        raise Failed(404, "no such ontology version: the current one is " + (version_path() or "/ontology"))
    if name != "html":
        return _rdf_document(_file("conflict.ttl"), path, name, job)
    headers = link_headers(path, name, 1, False, job.negotiated)
    return Answer(200, render("ontology.html", job.limits, **reference()), HTML, headers=headers)


# -- the HTML reference --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    """Everything the ontology page shows, read once from ``conflict.ttl`` (with its blank nodes)."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.collection import Collection

    g = Graph().parse(data=_file("conflict.ttl"), format="turtle")
    u = URIRef
    type_ = u(RDF + "type")

    def anchor(iri: str) -> str:
        return iri[len(CKG_NS):] if iri.startswith(CKG_NS) else short(iri)

    declared = {str(s) for s in g.subjects(type_, None) if isinstance(s, URIRef)}

    def ref(node: Any) -> dict[str, Any]:
        """A term as a link: to its anchor on this page, to its page under /id/, or outside."""
        if isinstance(node, BNode):
            for kind, word in ((OWL + "unionOf", " or "), (OWL + "intersectionOf", " and "), (OWL + "oneOf", ", ")):
                items = g.value(node, u(kind))
                if items is not None:
                    return {"parts": [ref(i) for i in Collection(g, items)], "join": word,
                            "wrap": kind.endswith("oneOf")}
            return {"text": "(an anonymous class)"}
        if isinstance(node, Literal):
            return {"text": str(node)}
        iri = str(node)
        if iri in declared and (iri.startswith(CKG_NS) or not iri.startswith(BASE)):
            return {"text": anchor(iri), "href": "#" + anchor(iri), "title": iri}
        if iri.startswith(BASE):
            return {"text": short(iri), "href": "/" + iri[len(BASE):], "title": iri}
        return {"text": short(iri), "href": iri, "title": iri, "external": True}

    def texts(s: Any, *props: str) -> list[str]:
        return [str(o) for p in props for o in g.objects(s, u(p))]

    def first(s: Any, *props: str) -> str:
        found = texts(s, *props)
        en = [str(o) for p in props for o in g.objects(s, u(p)) if isinstance(o, Literal) and o.language == "en"]
        return (en or found or [""])[0]

    def refs(s: Any, prop: str, inverse: bool = False) -> list[dict[str, Any]]:
        nodes = g.subjects(u(prop), s) if inverse else g.objects(s, u(prop))
        return sorted((ref(n) for n in nodes if not (inverse and isinstance(n, BNode))), key=lambda r: r.get("text", ""))

    def in_union(prop: str, cls: Any) -> list[dict[str, Any]]:
        """Properties whose domain (or range) is ``cls`` or a union that includes it."""
        found = []
        for p, o in g.subject_objects(u(prop)):
            members = g.value(o, u(OWL + "unionOf")) if isinstance(o, BNode) else None
            if o == cls or (members is not None and cls in list(Collection(g, members))):
                found.append(ref(p))
        return sorted(found, key=lambda r: r["text"])

    def term(s: Any) -> dict[str, Any]:
        iri = str(s)
        return {
            "anchor": anchor(iri), "iri": iri, "curie": short(iri), "label": first(s, RDFS + "label", SKOS + "prefLabel"),
            "definition": " ".join(texts(s, SKOS + "definition", RDFS + "comment")),
            "supers": refs(s, RDFS + "subClassOf") + refs(s, RDFS + "subPropertyOf"),
            "subs": refs(s, RDFS + "subClassOf", inverse=True) + refs(s, RDFS + "subPropertyOf", inverse=True),
            "equivalent": refs(s, OWL + "equivalentClass") + refs(s, OWL + "equivalentProperty"),
            "disjoint": refs(s, OWL + "disjointWith"), "inverse": refs(s, OWL + "inverseOf"),
            "domain": refs(s, RDFS + "domain"), "range": refs(s, RDFS + "range"),
            "domain_of": in_union(RDFS + "domain", s), "range_of": in_union(RDFS + "range", s),
            "characteristics": sorted(str(t)[len(OWL):].replace("Property", "") for t in g.objects(s, type_)
                                      if str(t) in (OWL + "FunctionalProperty", OWL + "InverseFunctionalProperty",
                                                    OWL + "TransitiveProperty", OWL + "SymmetricProperty")),
            "types": [ref(t) for t in g.objects(s, type_) if str(t) != OWL + "NamedIndividual"],
        }

    kinds = [("classes", "Classes", OWL + "Class"), ("object", "Object properties", OWL + "ObjectProperty"),
             ("datatype", "Datatype properties", OWL + "DatatypeProperty"),
             ("annotation", "Annotation properties", OWL + "AnnotationProperty")]
    sections: list[dict[str, Any]] = []
    placed: set[Any] = set()
    for key, heading, cls in kinds:
        own = sorted(s for s in g.subjects(type_, u(cls)) if isinstance(s, URIRef) and str(s).startswith(CKG_NS))
        placed |= set(own)
        sections.append({"key": key, "heading": heading, "terms": [term(s) for s in own]})
    individuals = sorted(s for s in g.subjects(type_, u(OWL + "NamedIndividual"))
                         if isinstance(s, URIRef) and str(s).startswith(CKG_NS) and s not in placed)
    placed |= set(individuals)
    sections.append({"key": "individuals", "heading": "Named individuals", "terms": [term(s) for s in individuals]})
    external = sorted(s for s in g.subjects(type_, None) if isinstance(s, URIRef) and not str(s).startswith(BASE))
    sections.append({"key": "external", "heading": "External terms used in axioms", "terms": [term(s) for s in external]})

    schemes: list[dict[str, Any]] = []
    for scheme in sorted(s for s in g.subjects(type_, u(SKOS + "ConceptScheme")) if isinstance(s, URIRef)):
        concepts = sorted({c for c in g.subjects(u(SKOS + "inScheme"), scheme) if isinstance(c, URIRef)}
                          | {c for c in g.subjects(u(SKOS + "topConceptOf"), scheme) if isinstance(c, URIRef)})
        schemes.append({
            "anchor": short(str(scheme)), "iri": str(scheme), "ref": ref(scheme),
            "label": first(scheme, SKOS + "prefLabel", RDFS + "label", DCT + "title"),
            "definition": " ".join(texts(scheme, SKOS + "definition", DCT + "description", RDFS + "comment")),
            "top": sorted((ref(c) for c in g.subjects(u(SKOS + "topConceptOf"), scheme)), key=lambda r: r["text"]),
            "concepts": [{"ref": ref(c), "label": first(c, SKOS + "prefLabel", RDFS + "label"),
                          "notation": ", ".join(texts(c, SKOS + "notation")),
                          "definition": " ".join(texts(c, SKOS + "definition")), "broader": refs(c, SKOS + "broader"),
                          "mappings": [(m, refs(c, SKOS + m)) for m in MAPPINGS if refs(c, SKOS + m)]}
                         for c in concepts if isinstance(c, URIRef)],
        })

    onto = u(ONTOLOGY_IRI)
    meta = [(label, values) for label, values in (
        ("IRI", [ref(onto) | {"text": ONTOLOGY_IRI, "href": "/ontology"}]),
        ("Version IRI", refs(onto, OWL + "versionIRI")),
        ("Version", [{"text": t} for t in texts(onto, OWL + "versionInfo")]),
        ("Licence", refs(onto, DCT + "license")),
        ("Creators", refs(onto, DCT + "creator")),
        ("Contributors", refs(onto, DCT + "contributor")),
        ("Publisher", refs(onto, DCT + "publisher")),
        ("Created", [{"text": t} for t in texts(onto, DCT + "created")]),
        ("Modified", [{"text": t} for t in texts(onto, DCT + "modified")]),
        ("Preferred prefix", [{"text": t} for t in texts(onto, VANN + "preferredNamespacePrefix")]),
        ("Namespace", [{"text": t} for t in texts(onto, VANN + "preferredNamespaceUri")]),
        ("Imports", refs(onto, OWL + "imports")),
        ("See also", refs(onto, RDFS + "seeAlso")),
        ("Shapes", [{"text": SHAPES_IRI, "href": "/shapes", "title": SHAPES_IRI}]),
        ("JSON-LD context", [{"text": "/context.jsonld", "href": "/context.jsonld"}]),
    ) if values]
    counts = {str(s["key"]): len(s["terms"]) for s in sections}
    return {"title": first(onto, DCT + "title", RDFS + "label") or "Ontology", "description": first(onto, DCT + "description"),
            "meta": meta, "sections": [s for s in sections if s["terms"]], "schemes": schemes, "counts": counts,
            "formats": [(".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".nt", "N-Triples"), (".rdf", "RDF/XML")]}

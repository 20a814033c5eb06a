"""Namespaces and IRI builders: the only place where conflict-kg IRIs are made.

``CKG`` is a closed rdflib namespace (``_fail = True``): a typo in a term raises at
once instead of silently minting a new IRI. A test checks that its members are
exactly the terms declared in ``ontology/conflict.ttl``.

>>> str(CKG.Attack)
'https://w3id.org/conflict-kg/ontology#Attack'
>>> str(resource_iri("actor", "isis"))
'https://w3id.org/conflict-kg/id/actor/isis'
>>> str(graph_iri("source", "isw-syria-sitrep-2017-05-31"))
'https://w3id.org/conflict-kg/graph/source/isw-syria-sitrep-2017-05-31'
"""

from __future__ import annotations

import datetime as dt
import re

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    GEO,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

from kg.base.errors import DataError

BASE = "https://w3id.org/conflict-kg/"
ONTOLOGY_IRI = BASE + "ontology"

SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")


class CKG(DefinedNamespace):
    """The conflict-kg ontology (``ckg:``)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # Actors
    Actor: URIRef
    ArmedGroup: URIRef
    StateForce: URIRef
    Organization: URIRef
    Coalition: URIRef
    Person: URIRef
    NationState: URIRef
    Community: URIRef
    # Events
    Event: URIRef
    Attack: URIRef
    Interception: URIRef
    Joining: URIRef
    Statement: URIRef
    Withdrawal: URIRef
    Plan: URIRef
    Assessment: URIRef
    Meeting: URIRef
    # States (relations holding over an interval)
    State: URIRef
    Membership: URIRef
    Alliance: URIRef
    Hostility: URIRef
    TerritorialControl: URIRef
    # Places
    Place: URIRef
    Country: URIRef
    AdminRegion: URIRef
    Region: URIRef
    City: URIRef
    District: URIRef
    Site: URIRef
    # Sources
    Source: URIRef
    # Date precision
    DatePrecision: URIRef
    Day: URIRef
    Month: URIRef
    Year: URIRef
    Approximate: URIRef
    # Event and state properties
    agent: URIRef
    target: URIRef
    participant: URIRef
    place: URIRef
    destination: URIRef
    weapon: URIRef
    about: URIRef
    eventType: URIRef
    startDate: URIRef
    endDate: URIRef
    datePrecision: URIRef
    overlapsMonth: URIRef
    quote: URIRef
    quoteStart: URIRef
    quoteEnd: URIRef
    confidence: URIRef
    hedge: URIRef
    startedBy: URIRef
    endedBy: URIRef
    party: URIRef
    # Actor, place and source properties
    isCollective: URIRef
    wikidataId: URIRef
    within: URIRef
    fullText: URIRef
    # Ontology-level properties
    sign: URIRef
    shortcutOf: URIRef
    shortcutObject: URIRef
    eventTypeScheme: URIRef
    # Imported datasets
    sourceEventType: URIRef
    sourceId: URIRef
    sourceCode: URIRef
    rawDatePrecision: URIRef
    rawGeoPrecision: URIRef
    fatalities: URIRef
    fatalitiesLow: URIRef
    fatalitiesHigh: URIRef
    goldsteinScale: URIRef
    quadClass: URIRef
    sameEventAs: URIRef
    matchScore: URIRef
    matchEvidence: URIRef
    rowCount: URIRef
    checksum: URIRef
    redistributable: URIRef
    SideFatalities: URIRef
    deaths: URIRef
    deathsOf: URIRef
    lexicalDatatype: URIRef
    Match: URIRef
    # Codebook semantics (issue 19)
    projectType: URIRef
    projectClass: URIRef
    directionRule: URIRef
    violent: URIRef
    sideA: URIRef
    sideB: URIRef
    actorKind: URIRef
    earliestDate: URIRef
    latestDate: URIRef
    # Shortcut edges (derived graph)
    attacked: URIRef
    intercepted: URIRef
    joined: URIRef
    statedAbout: URIRef
    assessed: URIRef
    planned: URIRef
    withdrewFrom: URIRef
    metWith: URIRef


#: Prefixes predeclared in every query and used by every serializer.
PREFIXES: dict[str, str] = {
    "ckg": str(CKG._NS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "sem": str(SEM),
    "time": str(TIME),
    "prov": str(PROV),
    "geo": str(GEO),
    "org": str(ORG),
    "dcterms": str(DCTERMS),
    "wd": str(WD),
    "actor": BASE + "id/actor/",
    "event": BASE + "id/event/",
    "place": BASE + "id/place/",
    "source": BASE + "id/source/",
    "state": BASE + "id/state/",
    "concept": BASE + "id/concept/",
}

RESOURCE_KINDS = ("actor", "event", "place", "source", "state", "concept", "time", "publisher")
GRAPH_KINDS = ("source", "import", "derived", "staging")
ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")
DERIVED_GRAPH = URIRef(BASE + "graph/derived")
#: Actors and places from the curated registries (actors.yaml, places.yaml).
REGISTRY_GRAPH = URIRef(BASE + "graph/registry")
SOURCE_GRAPH_PREFIX = BASE + "graph/source/"  # = graph_prefix("source")

_SLUG = re.compile(r"^[a-z0-9]+(?:[-/][a-z0-9]+)*$")


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid slug: lowercase ASCII words joined by ``-``.

    >>> is_slug("homs-zahraa-district"), is_slug("Homs City")
    (True, False)
    """
    return bool(_SLUG.match(text))


def _check_slug(slug: str) -> str:
    if not is_slug(slug):
        raise DataError(
            f"invalid slug {slug!r}: use lowercase letters, digits and '-' (e.g. 'ahrar-al-sham')"
        )
    return slug


def resource_iri(kind: str, slug: str) -> URIRef:
    """The IRI of a dataset resource, e.g. ``resource_iri("place", "brussels")``."""
    if kind not in RESOURCE_KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {RESOURCE_KINDS}")
    return URIRef(f"{BASE}id/{kind}/{_check_slug(slug)}")


def resource_prefix(kind: str) -> str:
    """The namespace every resource of one kind starts with, e.g. for ``STRSTARTS`` in SPARQL.

    >>> resource_prefix("actor")
    'https://w3id.org/conflict-kg/id/actor/'
    """
    if kind not in RESOURCE_KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {RESOURCE_KINDS}")
    return f"{BASE}id/{kind}/"


def sub_iri(resource: str, fragment: str) -> URIRef:
    """A hash IRI hanging off a resource, e.g. a UCDP event's death record (``...#deaths-a``)."""
    return URIRef(f"{resource}#{fragment}")


def geometry_iri(place: str) -> URIRef:
    """The IRI of a place's GeoSPARQL point geometry (``<place>#geometry``)."""
    return sub_iri(place, "geometry")


def time_iri(start: dt.date, end: dt.date | None) -> URIRef:
    """The OWL-Time interval of a valid time: shared by every fact with the same dates, named like an
    ISO 8601 interval of inclusive days (``id/time/2017-05-18/2017-05-23``; one day is
    ``id/time/2017-05-23/2017-05-23``, an interval too, never an instant); a range still open (a
    state still holding) ends in ``/open``.

    >>> str(time_iri(dt.date(2017, 5, 18), dt.date(2017, 5, 23)))
    'https://w3id.org/conflict-kg/id/time/2017-05-18/2017-05-23'
    >>> str(time_iri(dt.date(2017, 5, 23), dt.date(2017, 5, 23))), str(time_iri(dt.date(2017, 5, 25), None))[-15:]
    ('https://w3id.org/conflict-kg/id/time/2017-05-23/2017-05-23', '2017-05-25/open')
    """
    return resource_iri("time", f"{start.isoformat()}/{end.isoformat() if end else 'open'}")


def instant_iri(day: dt.date) -> URIRef:
    """The OWL-Time instant of one day (``id/time/2017-05-23``): the beginning or end of intervals.

    >>> str(instant_iri(dt.date(2017, 5, 23)))
    'https://w3id.org/conflict-kg/id/time/2017-05-23'
    """
    return resource_iri("time", day.isoformat())


def graph_iri(kind: str, slug: str) -> URIRef:
    """The IRI of a named graph holding what one source (or imported file) asserts."""
    if kind not in GRAPH_KINDS:
        raise ValueError(f"unknown graph kind {kind!r}; expected one of {GRAPH_KINDS}")
    return URIRef(f"{BASE}graph/{kind}/{_check_slug(slug)}")


def graph_prefix(kind: str) -> str:
    """The namespace every named graph of one kind starts with (``.../graph/import/``)."""
    if kind not in GRAPH_KINDS:
        raise ValueError(f"unknown graph kind {kind!r}; expected one of {GRAPH_KINDS}")
    return f"{BASE}graph/{kind}/"


def parse_resource_iri(iri: str) -> tuple[str, str] | None:
    """``(kind, slug)`` of a dataset resource IRI or one of its ``#`` parts; None for any other IRI.

    >>> parse_resource_iri("https://w3id.org/conflict-kg/id/place/homs#geometry")
    ('place', 'homs')
    >>> parse_resource_iri("https://w3id.org/conflict-kg/ontology#Attack") is None
    True
    """
    text = str(iri).split("#", 1)[0]
    if not text.startswith(BASE + "id/"):
        return None
    kind, _, slug = text[len(BASE) + 3:].partition("/")
    return (kind, slug) if kind in RESOURCE_KINDS and is_slug(slug) else None


def wikidata_iri(qid: str) -> URIRef:
    """The Wikidata entity IRI for an id such as ``Q7184``."""
    if not re.fullmatch(r"Q[1-9][0-9]*", qid):
        raise DataError(f"invalid Wikidata id {qid!r}: expected Q followed by digits, e.g. 'Q7184'")
    return WD[qid]


def skolem_iri(label: str) -> URIRef:
    """A stable IRI standing for a blank node (RDF 1.1 skolemization, ``/.well-known/genid/``)."""
    return URIRef(f"{BASE}.well-known/genid/{label}")


def slug_of(iri: str) -> str:
    """The slug at the end of a dataset IRI (``.../id/actor/isis`` -> ``isis``)."""
    return str(iri).rsplit("/", 1)[-1]


__all__ = [
    "BASE",
    "CKG",
    "DCTERMS",
    "FOAF",
    "DERIVED_GRAPH",
    "GEO",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "REGISTRY_GRAPH",
    "SEM",
    "SOURCE_GRAPH_PREFIX",
    "SH",
    "SKOS",
    "TIME",
    "WD",
    "XSD",
    "geometry_iri",
    "graph_iri",
    "graph_prefix",
    "is_slug",
    "parse_resource_iri",
    "resource_iri",
    "resource_prefix",
    "slug_of",
    "skolem_iri",
    "sub_iri",
    "time_iri",
    "instant_iri",
    "wikidata_iri",
]

"""Model objects -> RDF triples, following the data contract of DESIGN §3.

Each function yields rdflib triples for one object; the caller decides the named graph.

>>> from kg.contract.model import Actor
>>> triples = set(actor_triples(Actor(slug="nato", kind="Organization", label="NATO", wikidata="Q7184")))
>>> (resource_iri("actor", "nato"), OWL.sameAs, WD["Q7184"]) in triples
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, GEO, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from kg.base.namespaces import CKG, SEM, WD, resource_iri, sub_iri
from kg.base.temporal import Precision, months_overlapped
from kg.contract.model import Actor, Event, Place, Quote, Retraction, Source, State

Triple = tuple[URIRef, URIRef, URIRef | Literal]

_WIKIDATA_ID = r"Q[1-9][0-9]*"


def _date(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def _labels(node: URIRef, label: str, aliases: tuple[str, ...]) -> Iterator[Triple]:
    yield node, RDFS.label, Literal(label)
    yield node, SKOS.prefLabel, Literal(label, lang="en")
    for alias in aliases:
        yield node, SKOS.altLabel, Literal(alias, lang="en")


def _wikidata(node: URIRef, qid: str | None) -> Iterator[Triple]:
    if qid is None:
        return
    yield node, CKG.wikidataId, Literal(qid)
    if re.fullmatch(_WIKIDATA_ID, qid):  # a malformed id is left for SHACL to report
        yield node, OWL.sameAs, WD[qid]


def actor_triples(actor: Actor) -> Iterator[Triple]:
    """The triples describing one actor."""
    node = resource_iri("actor", actor.slug)
    yield node, RDF.type, CKG[actor.kind]
    yield from _labels(node, actor.label, actor.aliases)
    if actor.collective:
        yield node, CKG.isCollective, Literal(True)
    yield from _wikidata(node, actor.wikidata)
    if actor.description:
        yield node, DCTERMS.description, Literal(actor.description, lang="en")
    if actor.head_of:
        yield node, ORG.headOf, resource_iri("actor", actor.head_of)


def place_triples(place: Place) -> Iterator[Triple]:
    """The triples describing one place, with its GeoSPARQL point geometry."""
    node = resource_iri("place", place.slug)
    geometry = sub_iri(node, "geometry")
    yield node, RDF.type, CKG[place.kind]
    yield from _labels(node, place.label, place.aliases)
    if place.within:
        yield node, CKG.within, resource_iri("place", place.within)
    yield node, GEO.hasGeometry, geometry
    yield geometry, RDF.type, GEO.Geometry
    yield geometry, GEO.asWKT, Literal(place.wkt, datatype=GEO.wktLiteral)
    yield from _wikidata(node, place.wikidata)
    if place.description:
        yield node, DCTERMS.description, Literal(place.description, lang="en")


def source_triples(source: Source) -> Iterator[Triple]:
    """The triples describing a source document, including its full text."""
    node = resource_iri("source", source.slug)
    yield node, RDF.type, CKG.Source
    yield node, RDFS.label, Literal(source.title)
    yield node, DCTERMS.title, Literal(source.title, lang=source.language)
    for publisher in source.publishers:
        yield node, DCTERMS.publisher, resource_iri("actor", publisher)
    yield node, DCTERMS.issued, _date(source.issued)
    yield node, DCTERMS.language, Literal(source.language)
    yield node, CKG.fullText, Literal(source.text, lang=source.language)
    if source.licence:
        yield node, DCTERMS.rights, Literal(source.licence, lang="en")
    if source.description:
        yield node, DCTERMS.description, Literal(source.description, lang="en")
    if source.url:
        yield node, RDFS.seeAlso, URIRef(source.url)


def _evidence(node: URIRef, source: str, quote: Quote, note: str | None) -> Iterator[Triple]:
    yield node, PROV.wasDerivedFrom, resource_iri("source", source)
    yield node, CKG.quote, Literal(quote.text)
    yield node, CKG.quoteStart, Literal(quote.start)
    yield node, CKG.quoteEnd, Literal(quote.end)
    if note:
        yield node, SKOS.note, Literal(note, lang="en")


def _time(node: URIRef, start: dt.date, end: dt.date | None, precision: Precision) -> Iterator[Triple]:
    yield node, CKG.startDate, _date(start)
    if end is not None:
        yield node, CKG.endDate, _date(end)
    yield node, CKG.datePrecision, CKG[precision.term]
    for month in months_overlapped(start, end):
        yield node, CKG.overlapsMonth, Literal(month, datatype=XSD.gYearMonth)
    interval = sub_iri(node, "time")
    yield node, TIME.hasTime, interval
    if end == start:
        yield interval, RDF.type, TIME.Instant
        yield interval, TIME.inXSDDate, _date(start)
        return
    yield interval, RDF.type, TIME.ProperInterval
    beginning = sub_iri(node, "start")
    yield interval, TIME.hasBeginning, beginning
    yield beginning, RDF.type, TIME.Instant
    yield beginning, TIME.inXSDDate, _date(start)
    if end is not None:
        ending = sub_iri(node, "end")
        yield interval, TIME.hasEnd, ending
        yield ending, RDF.type, TIME.Instant
        yield ending, TIME.inXSDDate, _date(end)


def event_triples(event: Event) -> Iterator[Triple]:
    """The triples describing one event: type, roles, valid time and evidence."""
    node = resource_iri("event", event.slug)
    yield node, RDF.type, CKG[event.cls]
    yield node, RDFS.label, Literal(event.label, lang="en")
    yield node, CKG.eventType, resource_iri("concept", event.concept)
    for prop, slugs in ((CKG.agent, event.agents), (CKG.target, event.targets), (CKG.participant, event.participants)):
        for slug in slugs:
            yield node, prop, resource_iri("actor", slug)
    for slug in event.places:
        yield node, CKG.place, resource_iri("place", slug)
    if event.destination:
        yield node, CKG.destination, resource_iri("place", event.destination)
    for kind, slug in event.about:
        yield node, CKG.about, resource_iri(kind, slug)
    if event.weapon:
        yield node, CKG.weapon, Literal(event.weapon)
    if event.part_of:
        yield resource_iri("event", event.part_of), SEM.hasSubEvent, node
    if event.revises:
        yield node, PROV.wasRevisionOf, resource_iri("event", event.revises)
    if event.hedge:
        yield node, CKG.hedge, Literal(event.hedge, lang="en")
    if event.confidence is not None:
        yield node, CKG.confidence, Literal(str(event.confidence), datatype=XSD.decimal)
    yield from _time(node, event.span.start, event.span.end, event.span.precision)
    yield from _evidence(node, event.source, event.quote, event.note)


def state_triples(state: State) -> Iterator[Triple]:
    """The triples describing a state (membership, alliance...) holding over an interval."""
    node = resource_iri("state", state.slug)
    yield node, RDF.type, CKG[state.cls]
    yield node, RDFS.label, Literal(state.label, lang="en")
    if state.member:
        yield node, ORG.member, resource_iri("actor", state.member)
    if state.organization:
        yield node, ORG.organization, resource_iri("actor", state.organization)
    for slug in state.parties:
        yield node, CKG.party, resource_iri("actor", slug)
    if state.started_by:
        yield node, CKG.startedBy, resource_iri("event", state.started_by)
    if state.ended_by:
        yield node, CKG.endedBy, resource_iri("event", state.ended_by)
    yield from _time(node, state.start, state.end, state.precision)
    if state.cls == "Membership":
        yield node, ORG.memberDuring, sub_iri(node, "time")
    yield from _evidence(node, state.source, state.quote, state.note)


def retraction_triples(retraction: Retraction, issued: dt.date) -> Iterator[Triple]:
    """A later source's retraction: the old fact gets ``prov:invalidatedAtTime`` (never deleted).

    The time is the retracting source's issue date (midnight UTC); the triples go in
    that source's graph, which is the retraction's provenance.
    """
    node = resource_iri(retraction.kind, retraction.slug)
    moment = dt.datetime.combine(issued, dt.time(0, 0), tzinfo=dt.timezone.utc)
    yield node, PROV.invalidatedAtTime, Literal(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)
    yield node, SKOS.changeNote, Literal(retraction.quote.text, lang="en")

"""Model objects -> the data contract, through the one writer (:class:`kg.contract.writer.Writer`).

Each function yields rdflib triples for one object (the curated build validates them with
pyshacl, which reads rdflib); the caller decides the named graph. The triples are exactly the
writer's quads: an importer writing the same facts writes the same shape.

>>> from rdflib.namespace import SKOS
>>> from kg.base.namespaces import WD, resource_iri
>>> from kg.contract.model import Actor
>>> triples = set(actor_triples(Actor(slug="nato", kind="Organization", label="NATO", wikidata="Q7184")))
>>> (resource_iri("actor", "nato"), SKOS.exactMatch, WD["Q7184"]) in triples
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import Literal, URIRef

from kg.contract.model import Actor, Event, Place, Quote, Retraction, Source, State
from kg.contract.writer import Writer, resource_node

Triple = tuple[URIRef, URIRef, URIRef | Literal]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

__all__ = [
    "actor_triples", "event_triples", "place_triples", "retraction_triples", "source_triples",
    "state_triples", "to_rdflib",
]


def to_rdflib(term: ox.NamedNode | ox.Literal) -> URIRef | Literal:
    """A pyoxigraph IRI or literal as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)  # a simple literal, as rdflib reads one (RDF 1.1: the same term)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _triples(writer: Writer) -> Iterator[Triple]:
    for quad in writer.quads:
        yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)  # type: ignore[arg-type, misc]


def _quote(quote: Quote) -> tuple[str, int, int]:
    return quote.text, quote.start, quote.end


def actor_triples(actor: Actor) -> Iterator[Triple]:
    """The triples describing one actor."""
    writer = Writer(ox.DefaultGraph())
    writer.actor(
        resource_node("actor", actor.slug), kind=actor.kind, label=actor.label, aliases=actor.aliases,
        collective=actor.collective, wikidata=actor.wikidata, description=actor.description,
        head_of=resource_node("actor", actor.head_of) if actor.head_of else None, head_of_as_of=actor.head_of_as_of,
    )
    return _triples(writer)


def place_triples(place: Place) -> Iterator[Triple]:
    """The triples describing one place, with its GeoSPARQL point geometry."""
    writer = Writer(ox.DefaultGraph())
    subject = resource_node("place", place.slug)
    writer.place(
        subject, kind=place.kind, label=place.label, aliases=place.aliases,
        within=resource_node("place", place.within) if place.within else None,
        wikidata=place.wikidata, description=place.description,
    )
    writer.geometry(subject, place.lat, place.lon)
    return _triples(writer)


def source_triples(source: Source) -> Iterator[Triple]:
    """The triples describing a source document, including its full text."""
    writer = Writer(ox.DefaultGraph())
    writer.document(
        resource_node("source", source.slug), title=source.title,
        publishers=[resource_node("actor", p) for p in source.publishers], issued=source.issued,
        text=source.text, language=source.language, licence=source.licence, description=source.description,
        url=source.url,
    )
    return _triples(writer)


def event_triples(event: Event) -> Iterator[Triple]:
    """The triples describing one event: type, roles, valid time and evidence."""
    writer = Writer(ox.DefaultGraph())
    writer.event(
        resource_node("event", event.slug), cls=event.cls, concept=resource_node("concept", event.concept),
        label=event.label, start=event.span.start, end=event.span.end, precision=event.span.precision,
        source=resource_node("source", event.source),
        agents=[resource_node("actor", s) for s in event.agents],
        targets=[resource_node("actor", s) for s in event.targets],
        participants=[resource_node("actor", s) for s in event.participants],
        places=[resource_node("place", s) for s in event.places],
        destination=resource_node("place", event.destination) if event.destination else None,
        about=[resource_node(kind, slug) for kind, slug in event.about], weapon=event.weapon,
        part_of=resource_node("event", event.part_of) if event.part_of else None,
        revises=resource_node("event", event.revises) if event.revises else None,
        hedge=event.hedge, confidence=event.confidence, quote=_quote(event.quote), note=event.note,
    )
    return _triples(writer)


def state_triples(state: State) -> Iterator[Triple]:
    """The triples describing a state (membership, alliance...) holding over an interval."""
    writer = Writer(ox.DefaultGraph())
    writer.state(
        resource_node("state", state.slug), cls=state.cls, label=state.label, start=state.start, end=state.end,
        precision=state.precision, source=resource_node("source", state.source),
        member=resource_node("actor", state.member) if state.member else None,
        organization=resource_node("actor", state.organization) if state.organization else None,
        parties=[resource_node("actor", s) for s in state.parties],
        started_by=resource_node("event", state.started_by) if state.started_by else None,
        ended_by=resource_node("event", state.ended_by) if state.ended_by else None,
        quote=_quote(state.quote), note=state.note,
    )
    return _triples(writer)


def retraction_triples(retraction: Retraction, issued: dt.date) -> Iterator[Triple]:
    """A later source's retraction: the old fact gets ``prov:invalidatedAtTime`` (never deleted).

    The time is the retracting source's issue date (midnight UTC); the triples go in
    that source's graph, which is the retraction's provenance.
    """
    writer = Writer(ox.DefaultGraph())
    writer.retraction(resource_node(retraction.kind, retraction.slug), issued, retraction.quote.text)
    return _triples(writer)

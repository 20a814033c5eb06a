"""The one writer of the data contract: how every fact is written, as pyoxigraph quads.

The curated build (model objects, through :mod:`kg.contract.rdfmap`) and every importer
(dataset rows, through :class:`kg.contract.emit.RowQuads`) write with a :class:`Writer`, so an
event, state, actor, place, source and its evidence have one shape whichever path wrote them;
``ontology/README.md`` ("Model in one screen") describes that shape.

Valid time is written once here for everything (:meth:`Writer.valid_time`): ``ckg:startDate``,
``ckg:endDate``, ``ckg:datePrecision``, ``ckg:overlapsMonth`` and ``time:hasTime`` to an OWL-Time
entity shared by every fact with the same dates (:func:`kg.base.namespaces.time_iri`),
described once per graph. Sharing costs one quad per fact instead of three (one day) to eight
(a range): see "Time" in ``ontology/README.md`` for the measurement.

>>> w = Writer(ox.DefaultGraph())
>>> import datetime as dt
>>> w.valid_time(resource_node("event", "x"), dt.date(2017, 5, 23), dt.date(2017, 5, 23), Precision.DAY)
>>> sorted(q.predicate.value.rsplit("#", 1)[1] for q in w.quads)[:8]
['datePrecision', 'day', 'endDate', 'hasBeginning', 'hasDateTimeDescription', 'hasEnd', 'hasTime', 'inXSDDate']
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, MutableSet
from typing import Union

import pyoxigraph as ox

from kg.base.geo import wkt_point
from kg.base.namespaces import (
    CKG,
    DCTERMS,
    FOAF,
    GEO,
    ORG,
    PROV,
    RDF,
    RDFS,
    SEM,
    SKOS,
    TIME,
    WD,
    XSD,
    geometry_iri,
    instant_iri,
    resource_iri,
    sub_iri,
    time_iri,
)
from kg.base.temporal import Precision, months_overlapped

Object = Union[ox.NamedNode, ox.Literal]
_XSD = str(XSD)
_WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")


def node(iri: object) -> ox.NamedNode:
    """An engine IRI term from an rdflib ``URIRef`` or a string."""
    return ox.NamedNode(str(iri))


@functools.lru_cache(maxsize=1 << 16)
def resource_node(kind: str, slug: str) -> ox.NamedNode:
    """:func:`kg.base.namespaces.resource_iri` as an engine term, remembered: a dataset names the
    same actors, places and concepts on row after row."""
    return ox.NamedNode(str(resource_iri(kind, slug)))


def lit(value: object, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    """A literal; ``datatype`` is an XSD local name (``integer``, ``date``...)."""
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + datatype))
    return ox.Literal(str(value))


def date_literal(day: dt.date) -> ox.Literal:
    return lit(day.isoformat(), "date")


@functools.lru_cache(maxsize=1 << 14)
def time_node(start: dt.date, end: dt.date | None) -> ox.NamedNode:
    """:func:`kg.base.namespaces.time_iri` as an engine term, remembered (dates repeat row after row)."""
    return ox.NamedNode(str(time_iri(start, end)))


@functools.lru_cache(maxsize=1 << 14)
def instant_node(day: dt.date) -> ox.NamedNode:
    return ox.NamedNode(str(instant_iri(day)))


def calendar_unit(start: dt.date, end: dt.date | None) -> str | None:
    """``day``, ``month`` or ``year`` when ``start..end`` is exactly that calendar unit, else None.

    >>> calendar_unit(dt.date(2017, 5, 1), dt.date(2017, 5, 31)), calendar_unit(dt.date(2017, 5, 2), dt.date(2017, 5, 31))
    ('month', None)
    """
    if end is None:
        return None
    if end == start:
        return "day"
    if start.day == 1 and end == (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1):
        return "month"
    if (start.month, start.day) == (1, 1) and end == dt.date(start.year, 12, 31):
        return "year"
    return None


#: The predicates outside ``ckg:`` that the contract writes, by short name.
P = {name: node(iri) for name, iri in {
    "type": RDF.type, "label": RDFS.label, "seeAlso": RDFS.seeAlso, "prefLabel": SKOS.prefLabel,
    "altLabel": SKOS.altLabel, "note": SKOS.note, "changeNote": SKOS.changeNote,
    "description": DCTERMS.description, "title": DCTERMS.title, "publisher": DCTERMS.publisher,
    "issued": DCTERMS.issued, "language": DCTERMS.language, "rights": DCTERMS.rights, "source": DCTERMS.source,
    "derived": PROV.wasDerivedFrom, "revisionOf": PROV.wasRevisionOf, "invalidated": PROV.invalidatedAtTime,
    "generated": PROV.generatedAtTime, "geometry": GEO.hasGeometry, "wkt": GEO.asWKT, "exactMatch": SKOS.exactMatch,
    "headOf": ORG.headOf, "role": ORG.role, "valid": DCTERMS.valid, "member": ORG.member, "organization": ORG.organization,
    "memberDuring": ORG.memberDuring, "subEvent": SEM.hasSubEvent, "hasTime": TIME.hasTime,
    "hasPart": DCTERMS.hasPart, "hasBeginning": TIME.hasBeginning, "notation": SKOS.notation,
    "inScheme": SKOS.inScheme, "broader": SKOS.broader, "narrower": SKOS.narrower, "closeMatch": SKOS.closeMatch,
    "hasEnd": TIME.hasEnd, "inXSDDate": TIME.inXSDDate,
    "hasDateTimeDescription": TIME.hasDateTimeDescription, "unitType": TIME.unitType, "year": TIME.year,
    "month": TIME.month, "day": TIME.day, "accordingTo": SEM.accordingTo,
    "earliestBegin": SEM.hasEarliestBeginTimeStamp, "latestEnd": SEM.hasLatestEndTimeStamp,
    "name": FOAF.name, "homepage": FOAF.homepage,
}.items()}
#: Every ``ckg:`` term, by local name.
C = {name: node(CKG[name]) for name in CKG.__annotations__}
WKT = node(GEO.wktLiteral)
SKOS_CONCEPT = node(SKOS.Concept)
ORG_MEMBERSHIP = node(ORG.Membership)
GEOMETRY = node(GEO.Geometry)
INSTANT = node(TIME.Instant)
INTERVAL = node(TIME.Interval)
FOAF_ORGANIZATION = node(FOAF.Organization)


def _slug_of_name(name: str) -> str:
    """``UCDP GED`` -> ``ucdp-ged``: a publisher's slug from its dataset's name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "dataset"
PROPER_INTERVAL = node(TIME.ProperInterval)
DESCRIPTION = node(TIME.DateTimeDescription)
UNITS = {name: node(TIME[f"unit{name.title()}"]) for name in ("day", "month", "year")}


class Writer:
    """Writes facts of the data contract into one named graph (``quads``).

    ``described`` holds the shared resources (OWL-Time entities, geometries...) already
    written to this graph, so each is described once; an importer passes a set that lives as
    long as the import (see :class:`kg.ingest.base.LayeredSet`).
    """

    def __init__(
        self, graph: ox.NamedNode | ox.DefaultGraph, described: MutableSet[str] | None = None
    ) -> None:
        self.graph = graph
        self.described: MutableSet[str] = described if described is not None else set()
        self.quads: list[ox.Quad] = []

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: Object) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))

    def first_time(self, key: str) -> bool:
        """Whether ``key`` is not yet described in this graph (and mark it described)."""
        if key in self.described:
            return False
        self.described.add(key)
        return True

    # -- shared pieces --------------------------------------------------------------------

    def labels(self, subject: ox.NamedNode, label: str, aliases: Iterable[str] = ()) -> None:
        """``rdfs:label`` (plain) and ``skos:prefLabel``/``altLabel`` (English) of an actor or place."""
        self.add(subject, P["label"], lit(label))
        self.add(subject, P["prefLabel"], lit(label, lang="en"))
        for alias in aliases:
            self.add(subject, P["altLabel"], lit(alias, lang="en"))

    def wikidata(self, subject: ox.NamedNode, qid: str | None) -> None:
        if qid is None:
            return
        self.add(subject, C["wikidataId"], lit(qid))
        if _WIKIDATA_ID.fullmatch(qid):  # a malformed id is left for SHACL to report
            # skos:exactMatch, not owl:sameAs: a reasoner must not merge the project's actor with the
            # Wikidata item (their facts would spread onto each other, and one Wikidata item for a
            # country would make ckg:Actor and ckg:Place meet)
            self.add(subject, P["exactMatch"], node(WD[qid]))

    def description(self, subject: ox.NamedNode, text: str | None) -> None:
        if text:
            self.add(subject, P["description"], lit(text, lang="en"))

    def source_code(self, subject: ox.NamedNode, code: str | None) -> None:
        """``ckg:sourceCode`` (a dataset's own code for the thing), once per graph."""
        if code and self.first_time(f"{subject.value} {code}"):
            self.add(subject, C["sourceCode"], lit(code))

    def valid_time(
        self, subject: ox.NamedNode, start: dt.date, end: dt.date | None, precision: Precision,
        possible: tuple[dt.date, dt.date] | None = None,
    ) -> None:
        """When a fact held: the ``ckg:`` dates, month index and its shared OWL-Time entity.

        ``possible`` is the range a dataset's imprecise date allows (ACLED time_precision 2, 3)
        around the primary ``start..end``: written as ``ckg:earliestDate`` / ``ckg:latestDate``
        when wider, and the month index covers it, so a window still finds what possibly
        happened in it while counts use the dataset's own date.
        """
        self.add(subject, C["startDate"], date_literal(start))
        if end is not None:
            self.add(subject, C["endDate"], date_literal(end))
        self.add(subject, C["datePrecision"], C[precision.term])
        first, last = start, end
        if possible is not None and end is not None:
            first, last = min(possible[0], start), max(possible[1], end)
            if first < start:
                self.add(subject, C["earliestDate"], date_literal(first))
            if last > end:
                self.add(subject, C["latestDate"], date_literal(last))
        for month in months_overlapped(first, last):
            self.add(subject, C["overlapsMonth"], lit(month, "gYearMonth"))
        if last is not None and (precision is not Precision.DAY or (first, last) != (start, end)):
            # SEM's timestamps for an imprecise date: the range it possibly stands for
            self.add(subject, P["earliestBegin"], date_literal(first))
            self.add(subject, P["latestEnd"], date_literal(last))
        self.add(subject, P["hasTime"], self.time_entity(start, end))

    def time_entity(self, start: dt.date, end: dt.date | None) -> ox.NamedNode:
        """The OWL-Time interval of ``start..end`` (inclusive days; one day too, never an instant),
        described once per graph: its beginning and end instants and, when it is exactly a calendar
        day, month or year, a ``time:DateTimeDescription`` with that ``time:unitType``."""
        entity = time_node(start, end)
        if not self.first_time(entity.value):
            return entity
        self.add(entity, P["type"], INTERVAL)
        if end is None or end > start:
            self.add(entity, P["type"], PROPER_INTERVAL)
        self.add(entity, P["hasBeginning"], self.instant(start))
        if end is not None:
            self.add(entity, P["hasEnd"], self.instant(end))
        unit = calendar_unit(start, end)
        if unit is not None:
            description = node(sub_iri(entity.value, "description"))
            self.add(entity, P["hasDateTimeDescription"], description)
            self.add(description, P["type"], DESCRIPTION)
            self.add(description, P["unitType"], UNITS[unit])
            self.add(description, P["year"], lit(f"{start.year:04d}", "gYear"))
            if unit != "year":
                self.add(description, P["month"], lit(f"--{start.month:02d}", "gMonth"))
            if unit == "day":
                self.add(description, P["day"], lit(f"---{start.day:02d}", "gDay"))
        return entity

    def instant(self, day: dt.date) -> ox.NamedNode:
        """The OWL-Time instant of one day (a beginning or an end), described once per graph."""
        entity = instant_node(day)
        if self.first_time(entity.value):
            self.add(entity, P["type"], INSTANT)
            self.add(entity, P["inXSDDate"], date_literal(day))
        return entity

    def evidence(
        self, subject: ox.NamedNode, source: ox.NamedNode, *,
        quote: tuple[str, int, int] | None = None, note: str | None = None,
    ) -> None:
        """Where a fact comes from: the source (``prov:wasDerivedFrom``, and SEM's ``sem:accordingTo``:
        whose view the fact is), and the verbatim quote with its offsets."""
        self.add(subject, P["derived"], source)
        self.add(subject, P["accordingTo"], source)
        if quote is not None:
            text, start, end = quote
            self.add(subject, C["quote"], lit(text))
            self.add(subject, C["quoteStart"], lit(start, "integer"))
            self.add(subject, C["quoteEnd"], lit(end, "integer"))
        if note:
            self.add(subject, P["note"], lit(note, lang="en"))

    # -- actors, places, sources ----------------------------------------------------------

    def actor(
        self, subject: ox.NamedNode, *, kind: str, label: str, aliases: Iterable[str] = (),
        collective: bool = False, wikidata: str | None = None, description: str | None = None,
        head_of: ox.NamedNode | None = None, actor_kind: ox.NamedNode | None = None, head_of_as_of: str | None = None,
    ) -> None:
        self.add(subject, P["type"], C[kind])
        self.labels(subject, label, aliases)
        if collective:
            self.add(subject, C["isCollective"], lit("true", "boolean"))
        if actor_kind is not None:
            self.add(subject, C["actorKind"], actor_kind)
        self.wikidata(subject, wikidata)
        self.description(subject, description)
        if head_of is not None:
            self.add(subject, P["headOf"], head_of)
            self.head_post(subject, head_of, head_of_as_of)

    def head_post(self, person: ox.NamedNode, organization: ox.NamedNode, as_of: str | None) -> ox.NamedNode:
        """``org:headOf`` qualified with time: ``<person>#head-of-<org>``, an ``org:Membership`` with
        ``org:role concept:role/head`` and ``dcterms:valid`` the date it is known to hold ("as of May
        2017": ``"2017-05"^^xsd:gYearMonth``); the plain ``org:headOf`` edge says nothing of time."""
        membership = node(sub_iri(person.value, f"head-of-{organization.value.rsplit('/', 1)[-1]}"))
        self.add(membership, P["type"], ORG_MEMBERSHIP)
        self.add(membership, P["member"], person)
        self.add(membership, P["organization"], organization)
        self.add(membership, P["role"], resource_node("concept", "role/head"))
        if as_of:
            datatype = {4: "gYear", 7: "gYearMonth"}.get(len(as_of), "date")
            self.add(membership, P["valid"], lit(as_of, datatype))
        return membership

    def place(
        self, subject: ox.NamedNode, *, kind: str, label: str, aliases: Iterable[str] = (),
        within: ox.NamedNode | None = None, wikidata: str | None = None, description: str | None = None,
    ) -> None:
        """A place and its parent; its point comes from :meth:`geometry`."""
        self.add(subject, P["type"], C[kind])
        self.labels(subject, label, aliases)
        if within is not None:
            self.add(subject, C["within"], within)
        self.wikidata(subject, wikidata)
        self.description(subject, description)

    def geometry(self, place: ox.NamedNode, lat: float, lon: float, *, raw_precision: str | None = None) -> bool:
        """The place's GeoSPARQL point (once per graph: the first coordinates win); whether written."""
        geometry = node(geometry_iri(place.value))
        if not self.first_time(geometry.value):
            return False
        self.add(place, P["geometry"], geometry)
        self.add(geometry, P["type"], GEOMETRY)
        self.add(geometry, P["wkt"], ox.Literal(wkt_point(lat, lon), datatype=WKT))
        if raw_precision:
            self.add(place, C["rawGeoPrecision"], lit(raw_precision))
        return True

    def document(
        self, subject: ox.NamedNode, *, title: str, publishers: Iterable[ox.NamedNode | ox.Literal],
        issued: dt.date, text: str | None = None, language: str | None = None, licence: str | None = None,
        description: str | None = None, url: str | None = None,
    ) -> None:
        """A source document (a report, or an imported file): what facts are derived from."""
        self.add(subject, P["type"], C["Source"])
        self.add(subject, P["label"], lit(title))
        self.add(subject, P["title"], lit(title, lang=language))
        for publisher in publishers:
            self.add(subject, P["publisher"], publisher)
        self.add(subject, P["issued"], date_literal(issued))
        if language:
            self.add(subject, P["language"], lit(language))
        if text is not None:
            self.add(subject, C["fullText"], lit(text, lang=language))
        if licence:
            self.add(subject, P["rights"], lit(licence, lang="en"))
        self.description(subject, description)
        if url:
            self.add(subject, P["seeAlso"], node(url))

    def dataset_file(
        self, subject: ox.NamedNode, graph: ox.NamedNode, *, dataset: str, file_name: str, licence: str,
        checksum: str, rows: int, now: dt.datetime, publisher: tuple[str, str | None] | None = None,
    ) -> None:
        """An imported file as the source of its graph: checksum, row count, import time, and its
        publisher (``(full name, homepage IRI)``) as a ``foaf:Organization`` at
        ``id/publisher/<dataset slug>`` labelled with the dataset's short name (an agent, as
        ``dcterms:publisher`` expects; without a publisher, the dataset's name as a literal)."""
        title = f"{dataset}: {file_name}"
        publishers: list[ox.NamedNode | ox.Literal] = [lit(dataset)]
        if publisher is not None:
            name, homepage = publisher
            agent = resource_node("publisher", _slug_of_name(dataset))
            self.add(agent, P["type"], FOAF_ORGANIZATION)
            self.add(agent, P["label"], lit(dataset))  # the short name lists show (ACLED, UCDP GED)
            self.add(agent, P["name"], lit(name))
            if homepage:
                self.add(agent, P["homepage"], node(homepage))
            publishers = [agent]
        self.document(subject, title=title, publishers=publishers, issued=now.date(), licence=licence)
        self.add(subject, P["source"], lit(file_name))
        self.add(subject, P["generated"], lit(now.strftime("%Y-%m-%dT%H:%M:%SZ"), "dateTime"))
        self.add(subject, C["checksum"], lit(checksum))
        self.add(subject, C["rowCount"], lit(rows, "integer"))
        self.add(graph, P["derived"], subject)

    # -- events, states, retractions ----------------------------------------------------

    def event(
        self, subject: ox.NamedNode, *, cls: str, concept: ox.NamedNode, label: str,
        start: dt.date, end: dt.date, precision: Precision, source: ox.NamedNode,
        agents: Iterable[ox.NamedNode] = (), targets: Iterable[ox.NamedNode] = (),
        participants: Iterable[ox.NamedNode] = (), side_a: Iterable[ox.NamedNode] = (),
        side_b: Iterable[ox.NamedNode] = (), places: Iterable[ox.NamedNode] = (),
        destination: ox.NamedNode | None = None, about: Iterable[ox.NamedNode] = (), weapon: str | None = None,
        part_of: ox.NamedNode | None = None, revises: ox.NamedNode | None = None, hedge: str | None = None,
        confidence: float | None = None, quote: tuple[str, int, int] | None = None, note: str | None = None,
        source_id: str | None = None, source_concept: ox.NamedNode | None = None,
        raw_precision: str | None = None, description: str | None = None,
        possible: tuple[dt.date, dt.date] | None = None,
    ) -> ox.NamedNode:
        """An event: class, type, roles, valid time, evidence; the dataset fields of imports.

        ``side_a`` / ``side_b`` are the two opposed sides of an event without direction (a battle):
        written as ``ckg:sideA`` / ``ckg:sideB`` and, since those are sub-properties of
        ``ckg:participant``, as participants too (queries for any role find them).
        """
        self.add(subject, P["type"], C[cls])
        self.add(subject, P["label"], lit(label, lang="en"))
        self.add(subject, C["eventType"], concept)  # a sub-property of sem:eventType (no second quad)
        if source_concept is not None:
            self.add(subject, C["sourceEventType"], source_concept)
        for prop, actors in (("agent", agents), ("target", targets), ("participant", participants)):
            for actor in dict.fromkeys(actors):
                self.add(subject, C[prop], actor)
        for prop, actors in (("sideA", side_a), ("sideB", side_b)):
            for actor in dict.fromkeys(actors):
                self.add(subject, C[prop], actor)
                if actor not in participants:
                    self.add(subject, C["participant"], actor)
        for place in dict.fromkeys(places):
            self.add(subject, C["place"], place)
        if destination is not None:
            self.add(subject, C["destination"], destination)
        for thing in about:
            self.add(subject, C["about"], thing)
        if weapon:
            self.add(subject, C["weapon"], lit(weapon))
        if part_of is not None:
            self.add(part_of, P["subEvent"], subject)
        if revises is not None:
            self.add(subject, P["revisionOf"], revises)
        if hedge:
            self.add(subject, C["hedge"], lit(hedge, lang="en"))
        if confidence is not None:
            self.add(subject, C["confidence"], lit(confidence, "decimal"))
        self.valid_time(subject, start, end, precision, possible)
        if raw_precision is not None:
            self.add(subject, C["rawDatePrecision"], lit(raw_precision))
        if source_id is not None:
            self.add(subject, C["sourceId"], lit(source_id))
        self.evidence(subject, source, quote=quote, note=note)
        self.description(subject, description)
        return subject

    def scheme_concept(
        self, concept: ox.NamedNode, scheme: str, *, label: str, notation: str | None = None,
        broader: ox.NamedNode | None = None, close_match: ox.NamedNode | None = None,
    ) -> None:
        """A dataset code an import meets that the ontology does not list, in its dataset's scheme
        (``concept:<scheme>``, declared once in ``conflict.ttl``), described once per graph."""
        if not self.first_time(concept.value):
            return
        self.add(concept, P["type"], SKOS_CONCEPT)
        self.add(concept, P["prefLabel"], lit(label, lang="en"))
        if notation is not None:
            self.add(concept, P["notation"], lit(notation))
        self.add(concept, P["inScheme"], resource_node("concept", scheme))
        if broader is not None:
            self.add(concept, P["broader"], broader)
            self.add(broader, P["narrower"], concept)
        if close_match is not None:
            self.add(concept, P["closeMatch"], close_match)

    def side_fatalities(
        self, event: ox.NamedNode, fragment: str, *, label: str, deaths: int, of: ox.NamedNode | None = None,
    ) -> ox.NamedNode:
        """The deaths an event caused on one side (a ``ckg:SideFatalities`` part ``<event>#<fragment>``)."""
        record = node(sub_iri(event.value, fragment))
        self.add(event, P["hasPart"], record)
        self.add(record, P["type"], C["SideFatalities"])
        self.add(record, P["label"], lit(label, lang="en"))
        self.add(record, C["deaths"], lit(deaths, "integer"))
        if of is not None:
            self.add(record, C["deathsOf"], of)
        return record

    def state(
        self, subject: ox.NamedNode, *, cls: str, label: str, start: dt.date, end: dt.date | None,
        precision: Precision, source: ox.NamedNode, member: ox.NamedNode | None = None,
        organization: ox.NamedNode | None = None, parties: Iterable[ox.NamedNode] = (),
        started_by: ox.NamedNode | None = None, ended_by: ox.NamedNode | None = None,
        quote: tuple[str, int, int] | None = None, note: str | None = None,
    ) -> ox.NamedNode:
        """A relation holding over an interval (membership, alliance...); no end: still holding."""
        self.add(subject, P["type"], C[cls])
        self.add(subject, P["label"], lit(label, lang="en"))
        if member is not None:
            self.add(subject, P["member"], member)
        if organization is not None:
            self.add(subject, P["organization"], organization)
        for party in parties:
            self.add(subject, C["party"], party)
        if started_by is not None:
            self.add(subject, C["startedBy"], started_by)
        if ended_by is not None:
            self.add(subject, C["endedBy"], ended_by)
        self.valid_time(subject, start, end, precision)
        if cls == "Membership":
            self.add(subject, P["memberDuring"], time_node(start, end))
        self.evidence(subject, source, quote=quote, note=note)
        return subject

    def retraction(self, subject: ox.NamedNode, issued: dt.date, quote: str) -> None:
        """A later source withdrawing a fact: ``prov:invalidatedAtTime`` its issue date (midnight UTC)."""
        moment = dt.datetime.combine(issued, dt.time(0, 0), tzinfo=dt.timezone.utc)
        self.add(subject, P["invalidated"], lit(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "dateTime"))
        self.add(subject, P["changeNote"], lit(quote, lang="en"))

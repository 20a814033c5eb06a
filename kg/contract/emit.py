"""Building the quads of one imported row: actors, places and the event, in the data contract.

A format's mapper calls these helpers; each row's quads are collected in a
:class:`RowQuads` buffer and only written when the whole row mapped cleanly.

>>> names = NameIndex({})
>>> names.slug("Citizen_(United_Kingdom)"), names.label("Citizen_(United_Kingdom)")
('citizen-united-kingdom', 'Citizen (United Kingdom)')
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.base.namespaces import CKG, DCTERMS, GEO, PROV, RDF, RDFS, SKOS, resource_iri, sub_iri
from kg.base.temporal import Precision, months_overlapped

XSD = "http://www.w3.org/2001/XMLSchema#"


def node(iri: object) -> ox.NamedNode:
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
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))
    return ox.Literal(str(value))


P = {name: node(iri) for name, iri in {
    "type": RDF.type, "label": RDFS.label, "prefLabel": SKOS.prefLabel, "altLabel": SKOS.altLabel,
    "description": DCTERMS.description, "derived": PROV.wasDerivedFrom, "geometry": GEO.hasGeometry,
    "wkt": GEO.asWKT,
}.items()}
C = {name: node(CKG[name]) for name in CKG.__annotations__}
WKT = ox.NamedNode(str(GEO.wktLiteral))


@functools.lru_cache(maxsize=1 << 16)
def slugify(text: str, *, limit: int = 80) -> str:
    """A stable, readable slug: ASCII, lowercase, words joined by ``-``; long names get a hash tail.

    >>> slugify("Military Forces of Syria (2000-)"), slugify("Côte d'Ivoire"), slugify("  ")
    ('military-forces-of-syria-2000', 'cote-d-ivoire', 'unnamed')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"
    if len(slug) > limit:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        slug = slug[: limit - 9].rstrip("-") + "-" + digest
    return slug


class NameIndex:
    """Maps dataset actor names to slugs, reusing curated actors when a label or alias matches.

    ``known`` maps lowercased curated labels and aliases to actor IRIs.
    """

    def __init__(self, known: dict[str, str]) -> None:
        self.known = known
        self._iris: dict[str, tuple[ox.NamedNode, bool]] = {}

    @staticmethod
    def label(raw: str) -> str:
        """Readable name: ICEWS/GDELT underscores become spaces, whitespace collapsed."""
        return " ".join(raw.replace("_", " ").split())

    def slug(self, raw: str) -> str:
        return slugify(self.label(raw))

    def iri(self, raw: str) -> tuple[ox.NamedNode, bool]:
        """The actor IRI for a name, and whether it is a curated actor (which keeps its own description)."""
        found = self._iris.get(raw)
        if found is None:
            label = self.label(raw)
            curated = self.known.get(label.lower())
            found = (ox.NamedNode(curated), True) if curated else (resource_node("actor", slugify(label)), False)
            self._iris[raw] = found
        return found


@dataclass
class RowQuads:
    """The quads one row produces, plus bookkeeping for descriptions written once per import."""

    graph: ox.NamedNode
    names: NameIndex
    described: set[str]
    quads: list[ox.Quad] = field(default_factory=list)

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))

    def _first_time(self, iri: ox.NamedNode) -> bool:
        if iri.value in self.described:
            return False
        self.described.add(iri.value)
        return True

    def actor(self, raw_name: str, *, kind: str = "Actor", code: str | None = None, collective: bool = False) -> ox.NamedNode:
        """The actor named ``raw_name`` (described once per import unless it is a curated actor)."""
        iri, curated = self.names.iri(raw_name)
        if not curated and self._first_time(iri):
            label = self.names.label(raw_name)
            self.add(iri, P["type"], C[kind])
            self.add(iri, P["label"], lit(label))
            self.add(iri, P["prefLabel"], lit(label, lang="en"))
            if collective:
                self.add(iri, C["isCollective"], lit("true", "boolean"))
        if code:
            key = f"{iri.value} {code}"
            if key not in self.described:
                self.described.add(key)
                self.add(iri, C["sourceCode"], lit(code))
        return iri

    def place(
        self,
        hierarchy: Iterable[tuple[str, str]],
        *,
        lat: float | None = None,
        lon: float | None = None,
        raw_precision: str | None = None,
    ) -> ox.NamedNode | None:
        """The innermost place of a ``[(kind, name), ...]`` chain from country down, each ``ckg:within`` the
        previous; coordinates go on the innermost. Empty names are skipped; returns None if all are."""
        parent: ox.NamedNode | None = None
        path: list[str] = []
        for kind, name in hierarchy:
            name = " ".join((name or "").split())
            if not name:
                continue
            path.append(slugify(name))
            iri = resource_node("place", "-".join(path))
            if self._first_time(iri):
                self.add(iri, P["type"], C[kind])
                self.add(iri, P["label"], lit(name))
                if parent is not None:
                    self.add(iri, C["within"], parent)
            parent = iri
        if parent is not None and lat is not None and lon is not None and self._first_time(ox.NamedNode(parent.value + "#geometry")):
            geometry = node(sub_iri(parent.value, "geometry"))  # type: ignore[arg-type]
            self.add(parent, P["geometry"], geometry)
            self.add(geometry, P["type"], node(GEO.Geometry))
            self.add(geometry, P["wkt"], ox.Literal(f"POINT({lon} {lat})", datatype=WKT))
            if raw_precision:
                self.add(parent, C["rawGeoPrecision"], lit(raw_precision))
        return parent

    def event(
        self,
        slug: str,
        *,
        cls: str,
        concept: str,
        source: ox.NamedNode,
        start: dt.date,
        end: dt.date | None = None,
        precision: Precision = Precision.DAY,
        label: str,
        source_id: str,
        source_concept: ox.NamedNode | None = None,
        agents: Iterable[ox.NamedNode] = (),
        targets: Iterable[ox.NamedNode] = (),
        participants: Iterable[ox.NamedNode] = (),
        place: ox.NamedNode | None = None,
        raw_precision: str | None = None,
        description: str | None = None,
    ) -> ox.NamedNode:
        """The event with its roles, valid time (``ckg:startDate..endDate``) and provenance."""
        iri = node(resource_iri("event", slug))
        end = end or start
        self.add(iri, P["type"], C[cls])
        self.add(iri, P["label"], lit(label, lang="en"))
        self.add(iri, C["eventType"], resource_node("concept", concept))
        if source_concept is not None:
            self.add(iri, C["sourceEventType"], source_concept)
        for prop, actors in (("agent", agents), ("target", targets), ("participant", participants)):
            for actor in dict.fromkeys(actors):
                self.add(iri, C[prop], actor)
        if place is not None:
            self.add(iri, C["place"], place)
        self.add(iri, C["startDate"], lit(start.isoformat(), "date"))
        self.add(iri, C["endDate"], lit(end.isoformat(), "date"))
        self.add(iri, C["datePrecision"], C[precision.term])
        for month in months_overlapped(start, end):
            self.add(iri, C["overlapsMonth"], lit(month, "gYearMonth"))
        if raw_precision is not None:
            self.add(iri, C["rawDatePrecision"], lit(raw_precision))
        self.add(iri, C["sourceId"], lit(source_id))
        self.add(iri, P["derived"], source)
        if description:
            self.add(iri, P["description"], lit(description, lang="en"))
        return iri

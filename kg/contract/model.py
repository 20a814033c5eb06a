"""Frozen, validated value objects: what the curated data and the importers produce.

Each object checks itself on construction and raises :class:`kg.base.errors.DataError`
with the offending field, so a bad record never reaches the store.

>>> Actor(slug="isis", kind="ArmedGroup", label="Islamic State").label
'Islamic State'
>>> Actor(slug="ISIS", kind="ArmedGroup", label="x")
Traceback (most recent call last):
...
kg.base.errors.DataError: id: invalid slug 'ISIS': use lowercase letters, digits and '-' (e.g. 'ahrar-al-sham')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kg.base.errors import DataError
from kg.base.geo import coordinate, wkt_point
from kg.base.namespaces import is_slug
from kg.base.temporal import Precision, TimeSpan

ACTOR_KINDS = ("ArmedGroup", "StateForce", "Organization", "Coalition", "Person", "NationState", "Community")
PLACE_KINDS = ("Country", "AdminRegion", "Region", "City", "District", "Site")
EVENT_CLASSES = (
    "Event", "Attack", "Interception", "Joining", "Statement",
    "Withdrawal", "Plan", "Assessment", "Meeting",
)
STATE_CLASSES = ("Membership", "Alliance", "Hostility", "TerritorialControl")
ABOUT_KINDS = ("actor", "event", "place")


def _slug(value: str, name: str = "id") -> None:
    if not isinstance(value, str) or not is_slug(value):
        raise DataError(
            f"invalid slug {value!r}: use lowercase letters, digits and '-' (e.g. 'ahrar-al-sham')",
            field=name,
        )


def _one_of(value: str, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        raise DataError(f"unknown {name} {value!r}: use one of {', '.join(choices)}", field=name)


def _text(value: object, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DataError("must be a non-empty text", field=name)


@dataclass(frozen=True)
class Actor:
    """Anyone who acts or is acted upon: armed group, state force, person, community..."""

    slug: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()
    collective: bool = False
    wikidata: str | None = None
    description: str | None = None
    head_of: str | None = None
    #: when the curator's source says ``head_of`` holds: YYYY, YYYY-MM or YYYY-MM-DD ("as of May 2017")
    head_of_as_of: str | None = None

    def __post_init__(self) -> None:
        _slug(self.slug)
        _one_of(self.kind, ACTOR_KINDS, "type")
        _text(self.label, "label")
        if self.head_of is not None:
            _slug(self.head_of, "head_of")
        if self.head_of_as_of is not None:
            if self.head_of is None:
                raise DataError("head_of_as_of needs head_of", field="head_of_as_of")
            if not re.fullmatch(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?", self.head_of_as_of):
                raise DataError(f"{self.head_of_as_of!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD", field="head_of_as_of")


@dataclass(frozen=True)
class Place:
    """A located place with WGS84 coordinates and its parent in the admin hierarchy."""

    slug: str
    kind: str
    label: str
    lat: float
    lon: float
    within: str | None = None
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        _slug(self.slug)
        _one_of(self.kind, PLACE_KINDS, "type")
        _text(self.label, "label")
        object.__setattr__(self, "lat", coordinate(self.lat, field="lat", axis="latitude"))
        object.__setattr__(self, "lon", coordinate(self.lon, field="lon", axis="longitude"))
        if self.within is not None:
            _slug(self.within, "within")

    @property
    def wkt(self) -> str:
        """The point as GeoSPARQL WKT (longitude first), e.g. ``POINT(36.72 34.73)``."""
        return wkt_point(self.lat, self.lon)


@dataclass(frozen=True)
class Source:
    """A source document (a report) with its full text: what a set of facts is derived from."""

    slug: str
    title: str
    publishers: tuple[str, ...]
    issued: dt.date
    text: str
    language: str = "en"
    licence: str | None = None
    description: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        _slug(self.slug)
        _text(self.title, "title")
        _text(self.text, "text")
        if not self.publishers:
            raise DataError("a source needs at least one publisher (actor id)", field="publishers")


@dataclass(frozen=True)
class Quote:
    """A verbatim passage of a source text with its character offsets (end exclusive)."""

    text: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end or self.end - self.start != len(self.text):
            raise DataError(f"quote offsets {self.start}..{self.end} do not match its length", field="quote")


@dataclass(frozen=True)
class Event:
    """Something that happened, with roles, valid time and evidence (source + quote)."""

    slug: str
    cls: str
    concept: str
    label: str
    span: TimeSpan
    source: str
    quote: Quote
    agents: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    destination: str | None = None
    about: tuple[tuple[str, str], ...] = ()
    weapon: str | None = None
    part_of: str | None = None
    hedge: str | None = None
    confidence: float | None = None
    note: str | None = None
    revises: str | None = None

    def __post_init__(self) -> None:
        _slug(self.slug)
        _one_of(self.cls, EVENT_CLASSES, "class")
        _slug(self.concept, "type")
        _text(self.label, "label")
        if not self.agents and not self.participants:
            raise DataError("an event needs at least one agent or participant", field="agents")
        for kind, _ in self.about:
            _one_of(kind, ABOUT_KINDS, "about")
        if self.confidence is not None and not 0 <= self.confidence <= 1:
            raise DataError(f"confidence {self.confidence!r} must be between 0 and 1", field="confidence")


@dataclass(frozen=True)
class State:
    """A relation holding from ``start`` until ``end`` (``None``: still holding)."""

    slug: str
    cls: str
    start: dt.date
    precision: Precision
    source: str
    quote: Quote
    label: str
    end: dt.date | None = None
    member: str | None = None
    organization: str | None = None
    parties: tuple[str, ...] = ()
    started_by: str | None = None
    ended_by: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        _slug(self.slug)
        _one_of(self.cls, STATE_CLASSES, "class")
        if self.end is not None and self.end < self.start:
            raise DataError(f"end {self.end} is before start {self.start}", field="end")
        if self.cls == "Membership" and not (self.member and self.organization):
            raise DataError("a membership needs 'member' and 'organization'", field="member")
        if self.cls != "Membership" and len(self.parties) < 2:
            raise DataError(f"a {self.cls} needs at least two 'parties'", field="parties")


@dataclass(frozen=True)
class Retraction:
    """A later source withdrawing an earlier fact (event or state): record time, never deletion."""

    kind: str  # "event" | "state"
    slug: str
    source: str
    quote: Quote
    note: str | None = None

    def __post_init__(self) -> None:
        _one_of(self.kind, ("event", "state"), "kind")
        _slug(self.slug, self.kind)

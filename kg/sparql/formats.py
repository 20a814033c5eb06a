"""The one table of result and RDF formats, built on pyoxigraph's ``RdfFormat`` and
``QueryResultsFormat`` (media types, extensions and W3C IRIs come from the engine), and
content negotiation that honours q-values (RFC 9110, section 12.5.1).

>>> negotiate("select", accept="text/csv, */*;q=0.1").name
'csv'
>>> negotiate("graph", accept=None).name
'turtle'
>>> negotiate("graph", fmt="xml").media_type
'application/rdf+xml'
>>> negotiate("select", accept="text/*;q=0.5, text/csv;q=0").name  # RFC 9110: q=0 refuses
'tsv'
>>> by_name("turtle").extension, by_name("json").sd_iri
('.ttl', 'http://www.w3.org/ns/formats/SPARQL_Results_JSON')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.base.errors import QueryError

TABULAR = ("select", "ask")
GRAPH = ("graph",)


@dataclass(frozen=True)
class Format:
    """A format: its short ``name`` (``format=`` and CLI), the engine's format, what it carries."""

    name: str
    engine: ox.RdfFormat | ox.QueryResultsFormat
    kinds: tuple[str, ...]  # which results it can carry: "select", "ask", "graph"
    aliases: tuple[str, ...] = ()
    other_types: tuple[str, ...] = ()  # other media types clients send for it

    @property
    def media_type(self) -> str:
        return self.engine.media_type.split(";")[0].strip()

    @property
    def extension(self) -> str:
        return "." + self.engine.file_extension

    @property
    def label(self) -> str:
        return self.engine.name

    @property
    def sd_iri(self) -> str:
        """The W3C formats IRI (service description, VoID)."""
        if self.engine == ox.RdfFormat.JSON_LD:
            return "http://www.w3.org/ns/formats/JSON-LD"
        return self.engine.iri

    @property
    def rdf(self) -> ox.RdfFormat:
        """The engine's RDF format (for serializing triples or quads).

        :raises ValueError: for a results format (JSON, XML, CSV, TSV).
        """
        if not isinstance(self.engine, ox.RdfFormat):
            raise ValueError(f"{self.name} is a query results format, not an RDF format")
        return self.engine

    @property
    def keeps_graphs(self) -> bool:
        return isinstance(self.engine, ox.RdfFormat) and self.engine.supports_datasets

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(
            ("json", "xml", "turtle", "trig", "triples", "quads")
        )
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


FORMATS: tuple[Format, ...] = (
    Format("json", ox.QueryResultsFormat.JSON, TABULAR, ("srj",), ("application/json",)),
    Format("xml", ox.QueryResultsFormat.XML, TABULAR, ("srx",), ("application/xml", "text/xml")),
    Format("csv", ox.QueryResultsFormat.CSV, TABULAR),
    Format("tsv", ox.QueryResultsFormat.TSV, TABULAR),
    Format("turtle", ox.RdfFormat.TURTLE, GRAPH, ("ttl",), ("application/x-turtle",)),
    Format("ntriples", ox.RdfFormat.N_TRIPLES, GRAPH, ("nt", "n-triples"), ("text/plain",)),
    Format("jsonld", ox.RdfFormat.JSON_LD, GRAPH, ("json-ld", "json"), ("application/json",)),
    Format("rdfxml", ox.RdfFormat.RDF_XML, GRAPH, ("rdf", "xml", "rdf-xml"), ("application/xml", "text/xml")),
    Format("trig", ox.RdfFormat.TRIG, GRAPH),
    Format("nquads", ox.RdfFormat.N_QUADS, GRAPH, ("nq", "n-quads")),
)

#: Formats a browser download link may ask for, per result kind, in the order shown.
DOWNLOADS = {
    "select": ("json", "xml", "csv", "tsv"),
    "ask": ("json", "xml", "csv", "tsv"),
    "graph": ("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads"),
}

DEFAULTS = {"select": "json", "ask": "json", "graph": "turtle"}


class NotAcceptable(QueryError):
    """No format the client accepts can carry this result (HTTP 406)."""


def by_name(name: str) -> Format:
    """A format by name, alias or extension (``turtle``, ``ttl``, ``.ttl``)."""
    wanted = name.strip().lower()
    for fmt in FORMATS:
        if wanted in (fmt.name, *fmt.aliases, fmt.extension, fmt.extension[1:]):
            return fmt
    raise KeyError(name)


def rdf_format(name: str) -> Format:
    """An RDF (graph) format by name, alias or extension; :raises KeyError: otherwise."""
    for fmt in FORMATS:
        if "graph" in fmt.kinds and name.strip().lower() in (fmt.name, *fmt.aliases, fmt.extension, fmt.extension[1:]):
            return fmt
    raise KeyError(name)


# -- content negotiation (RFC 9110, 12.5.1) ----------------------------------------------------


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return 0 if self.type == "*" else 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type == "*" or (self.type == kind and self.subtype in ("*", sub))


def parse_accept(accept: str | None, *, limit: int = 64) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header (at most ``limit``; malformed ones skipped).

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/*;q=0.5, text/csv;q=0, */*;q=x")]
    [('text', '*', 0.5), ('text', 'csv', 0.0), ('*', '*', 0.0)]
    """
    ranges: list[MediaRange] = []
    for part in (accept or "").split(",")[:limit]:
        fields = [f.strip() for f in part.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """(q, specificity) the most specific matching range gives ``media_type``; (0, -1) if none."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return (best.q, best.specificity) if best else (0.0, -1)


def choose(offers: list[str], accept: str | None, *, aliases: Mapping[str, str] | None = None) -> str | None:
    """The offered media type the client prefers: highest q (q=0 refuses), then the most
    specific range, then the order of ``offers``; None when nothing offered is acceptable.
    No ``Accept`` header means the first offer.

    ``aliases`` maps an offered alias to the media type the answer is labelled with (``text/xml``
    for SPARQL XML results): an alias counts only when the client names it exactly (not through
    ``text/*`` or ``*/*``) and does not refuse the labelled type with q=0.

    >>> choose(["text/html", "text/turtle"], "text/turtle;q=0.9, text/*;q=0.8")
    'text/turtle'
    >>> choose(["text/html", "text/turtle"], "text/*, text/turtle")  # same q: specificity
    'text/turtle'
    >>> choose(["text/csv"], "text/*;q=0.5, text/csv;q=0") is None
    True
    >>> choose(["text/html", "application/xhtml+xml", "text/turtle"], "text/html;q=0, */*;q=0.1",
    ...        aliases={"application/xhtml+xml": "text/html"})
    'text/turtle'
    """
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = parse_accept(accept)
    aliases = aliases or {}
    scored = []
    for index, offer in enumerate(offers):
        q, specificity = quality(ranges, offer)
        if offer in aliases:
            labelled_q, labelled_specificity = quality(ranges, aliases[offer])
            if specificity < 2 or (labelled_q == 0 and labelled_specificity >= 0):
                continue
        if q > 0:
            scored.append((-q, -specificity, index, offer))
    return min(scored)[3] if scored else None


def negotiate(kind: str, *, accept: str | None = None, fmt: str | None = None) -> Format:
    """The format for a ``kind`` of result: ``fmt`` (name, alias or media type) wins over ``Accept``.

    :raises NotAcceptable: when ``fmt`` cannot carry the result or nothing in ``Accept`` fits.
    """
    candidates = [f for f in FORMATS if kind in f.kinds]
    if fmt:
        wanted = fmt.strip().lower()
        for f in candidates:
            if wanted in (f.name, f.media_type, *f.aliases, *f.other_types):
                return f
        names = ", ".join(f.name for f in candidates)
        raise NotAcceptable(f"format={fmt!r} cannot carry a {kind.upper()} result: use one of {names}")
    default = by_name(DEFAULTS[kind])
    ordered = [default] + [f for f in candidates if f is not default]
    offers: list[tuple[str, Format]] = [(f.media_type, f) for f in ordered]
    offers += [(t, f) for f in ordered for t in f.other_types]
    chosen = choose([t for t, _ in offers], accept, aliases={t: f.media_type for f in ordered for t in f.other_types})
    if chosen is None:
        names = ", ".join(f.media_type for f in candidates)
        raise NotAcceptable(f"none of the accepted media types ({accept}) can carry a {kind.upper()} result: accept one of {names}")
    return next(f for t, f in offers if t == chosen)

"""Result formats of the endpoint and content negotiation (``Accept`` header or ``format=``).

>>> negotiate("select", accept="text/csv, */*;q=0.1").name
'csv'
>>> negotiate("graph", accept=None).name
'turtle'
>>> negotiate("graph", fmt="xml").media_type
'application/rdf+xml'
>>> negotiate("ask", accept="application/sparql-results+xml").name
'xml'
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.base.errors import QueryError


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    kinds: tuple[str, ...]  # which results it can carry: "select", "ask", "graph"
    aliases: tuple[str, ...] = ()
    other_types: tuple[str, ...] = ()
    extension: str = ""
    sd_iri: str = ""  # the W3C formats IRI, for the service description

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml", "turtle", "trig", "triples", "quads"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


TABULAR = ("select", "ask")
W3 = "http://www.w3.org/ns/formats/"

FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", TABULAR, ("srj",), ("application/json",), ".srj", W3 + "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", TABULAR, ("srx",), ("application/xml", "text/xml"), ".srx", W3 + "SPARQL_Results_XML"),
    Format("csv", "text/csv", TABULAR, (), (), ".csv", W3 + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", TABULAR, (), (), ".tsv", W3 + "SPARQL_Results_TSV"),
    Format("turtle", "text/turtle", ("graph",), ("ttl",), ("application/x-turtle",), ".ttl", W3 + "Turtle"),
    Format("ntriples", "application/n-triples", ("graph",), ("nt", "n-triples"), ("text/plain",), ".nt", W3 + "N-Triples"),
    Format("jsonld", "application/ld+json", ("graph",), ("json-ld", "json"), ("application/json",), ".jsonld", W3 + "JSON-LD"),
    Format("rdfxml", "application/rdf+xml", ("graph",), ("rdf", "xml", "rdf-xml"), ("application/xml", "text/xml"), ".rdf", W3 + "RDF_XML"),
    Format("trig", "application/trig", ("graph",), (), (), ".trig", W3 + "TriG"),
    Format("nquads", "application/n-quads", ("graph",), ("nq", "n-quads"), (), ".nq", W3 + "N-Quads"),
)

#: Formats a browser download link may ask for, per result kind, in the order shown.
DOWNLOADS = {
    "select": ("json", "xml", "csv", "tsv"),
    "ask": ("json", "xml", "csv", "tsv"),
    "graph": ("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads"),
}

_DEFAULT = {"select": "json", "ask": "json", "graph": "turtle"}


class NotAcceptable(QueryError):
    """No format the client accepts can carry this result (HTTP 406)."""


def by_name(name: str) -> Format:
    for fmt in FORMATS:
        if name == fmt.name:
            return fmt
    raise KeyError(name)


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs, best first; order kept among equals."""
    if not accept:
        return []
    ranges = []
    for index, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(r, q) for r, q, _ in ranges if q > 0]


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
    ranges = parse_accept(accept)
    if not ranges:
        return by_name(_DEFAULT[kind])
    default = by_name(_DEFAULT[kind])
    for media_range, _ in ranges:
        if media_range == "*/*":
            return default
        if media_range.endswith("/*"):
            major = media_range[:-1]
            for f in [default, *candidates]:
                if f.media_type.startswith(major):
                    return f
            continue
        for f in candidates:
            if media_range == f.media_type:
                return f
        for f in candidates:
            if media_range in f.other_types:
                return f
    names = ", ".join(f.media_type for f in candidates)
    raise NotAcceptable(f"none of the accepted media types ({accept}) can carry a {kind.upper()} result: accept one of {names}")

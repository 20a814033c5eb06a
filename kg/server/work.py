"""What the workers do: every request that touches the store, checked, bounded and rendered here.

The event loop only reads the request and hands a :class:`Job` to an executor
(:mod:`kg.server.executor`): on a store folder a worker process (killed at ``--timeout``,
capped at ``--max-memory``, without network where the platform allows), on ``:memory:`` a
thread. Here the text is checked (nesting depth, SERVICE/LOAD by a parser, graph names),
run, and serialized with at most ``max_rows`` rows and about ``max_bytes`` bytes: a result
that would be larger is cut (header ``KG-Truncated``), never built whole. HTML pages are
rendered here too, from Jinja2 templates with autoescape.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES
from kg.sparql.checks import add_using, check_nesting, dataset, is_local_iri, refuse_federation
from kg.sparql.formats import by_name, negotiate
from kg.sparql.results import XSD, _json_term, _plain, _xml_term
from kg.store import generation

TEXT = "text/plain; charset=utf-8"
#: Vocabularies of documents about documents and datasets (VoID, FOAF, the service description).
DOCUMENT_PREFIXES = {"void": "http://rdfs.org/ns/void#", "foaf": "http://xmlns.com/foaf/0.1/",
                     "sd": "http://www.w3.org/ns/sparql-service-description#"}


@dataclass(frozen=True)
class Limits:
    """The server's limits and addresses, as a worker needs them (picklable)."""

    max_rows: int = 10_000
    max_bytes: int = 50_000_000
    max_nesting: int = 100
    base: str = "https://w3id.org/conflict-kg/"  # the dataset's resource IRIs
    public: str = "http://127.0.0.1:8000/"  # where this server is reached (VoID, service description)
    timeout: float = 30.0
    updates: bool = False
    include_restricted: bool = False  # serve graphs not marked redistributable too (kg serve --include-restricted)
    modified: str = ""  # when the store last changed (xsd:dateTime, UTC): documents' dcterms:modified
    publisher: str = ""  # the publisher's IRI (VoID dcterms:publisher)


@dataclass(frozen=True)
class Job:
    """One unit of work (picklable). ``task``: query, update, resource, void, description, ontology, page."""

    sparql: str
    accept: str | None = None
    fmt: str | None = None
    base_iri: str | None = None
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    task: str = "query"
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    view: bool = False
    page: int = 1  # resource documents: the page of incoming links
    negotiated: bool = False  # resource documents: the thing's IRI was asked (no suffix): send Content-Location


@dataclass(frozen=True)
class Answer:
    """A finished response body, or an error (``status`` >= 400, ``body`` = the message)."""

    status: int
    body: bytes
    content_type: str = TEXT
    kind: str = ""
    fmt: str = ""
    truncated: str = ""  # "" or what cut it: "max-rows=N", "max-result-bytes=N"
    seconds: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()  # extra response headers (Content-Location, Link, KG-Withheld...)


class Failed(Exception):
    """A job ends with an HTTP error status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def error(status: int, message: str) -> Answer:
    return Answer(status, (" ".join(message.split()) + "\n").encode("utf-8"))


# -- protocol queries and updates -----------------------------------------------------------


def _check_graph(iri: str, where: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise Failed(400, f"{where}: {iri!r} is not a valid IRI") from None
    if not is_local_iri(iri):
        raise Failed(400, f"{where} <{iri}> refused: graphs are named by http(s) or urn IRIs of this store; "
                          "this endpoint never reads files or fetches remote data")


def prepare_query(store: ox.Store, job: Job) -> tuple[str, dict[str, Any], tuple[tuple[str, str], ...]]:
    """Check a query (nesting, SERVICE, graph names) and the engine options to run it with, over
    the graphs this server publishes (:mod:`kg.server.published`); the headers saying what was left out."""
    from kg.server.published import published

    text = job.sparql
    check_nesting(text, job.limits.max_nesting)
    refuse_federation(text)
    seen = dataset(text, base=job.base_iri)
    pub = published(store, job.limits)
    withheld = {g.graph for g in pub.withheld}
    protocol = job.default_graph is not None or job.named_graphs is not None
    for iri in seen.from_graphs + seen.from_named:
        _check_graph(iri, "FROM")
        if iri in withheld:
            raise Failed(403, f"FROM <{iri}>: this graph is not marked redistributable and this server does not serve it")
        if not protocol and not store.contains_named_graph(ox.NamedNode(iri)):
            raise Failed(400, f"FROM <{iri}> is not a graph of this store and is never fetched: "
                              "name one of the graphs listed at /.well-known/void")
    for iri in (job.default_graph or ()) + (job.named_graphs or ()):
        if iri in withheld:
            raise Failed(403, f"<{iri}>: this graph is not marked redistributable and this server does not serve it")
    options: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": job.base_iri}
    if job.default_graph is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graph]
    elif not (seen.from_graphs or seen.from_named):
        options.update(pub.options)  # the union of the committed graphs served (kg.store.journal, kg.server.published)
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif "named_graphs" in pub.options and not seen.from_named:
        options["named_graphs"] = pub.options["named_graphs"]
    return text, options, pub.headers()


def run_query(store: ox.Store, job: Job) -> Answer:
    text, options, headers = prepare_query(store, job)
    raw = store.query(text, **options)
    limits = job.limits
    if isinstance(raw, ox.QueryBoolean):
        fmt = negotiate("ask", accept=job.accept, fmt=job.fmt)
        body = _ask(fmt.name, bool(raw))
        return Answer(200, body, fmt.content_type, "ask", fmt.name, headers=headers)
    if isinstance(raw, ox.QuerySolutions):
        fmt = negotiate("select", accept=job.accept, fmt=job.fmt)
        names = [v.value for v in raw.variables]
        rows = (tuple(s[v] for v in names) for s in raw)
        body, truncated = capped(TabularWriter(fmt.name, names), rows, limits)
        return Answer(200, body, fmt.content_type, "select", fmt.name, truncated, headers=headers)
    fmt = negotiate("graph", accept=job.accept, fmt=job.fmt)
    body, truncated = graph_bytes(raw, fmt.name, limits)
    return Answer(200, body, fmt.content_type, "graph", fmt.name, truncated, headers=headers)


def run_update(store: ox.Store, job: Job) -> Answer:
    text = job.sparql
    check_nesting(text, job.limits.max_nesting)
    refuse_federation(text, update=True)
    seen = dataset(text, base=job.base_iri)
    for iri in seen.iris + seen.graph_refs:
        _check_graph(iri, "graph")
    if job.using or job.using_named:
        if seen.using or seen.with_graphs:
            raise Failed(400, "using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH in the update")
        text = add_using(text, seen.modify_wheres, list(job.using), list(job.using_named))
    try:
        store.update(text, prefixes=PREFIXES, base_iri=job.base_iri)
        store.update(generation.bump_update())  # the analytic index sees the write (kg.store.generation)
    except SyntaxError as err:
        raise Failed(400, f"SPARQL update syntax error: {err}") from None
    except (OSError, RuntimeError, ValueError) as err:
        raise Failed(400, f"SPARQL update failed (nothing was written): {err}") from None
    return Answer(204, b"")


# -- serialization with a row cap and a byte cap ----------------------------------------------


def capped(writer: TabularWriter, rows: Iterable[tuple[Any, ...]], limits: Limits) -> tuple[bytes, str]:
    """Header, rows and footer; rows stop at ``max_rows`` or before passing ``max_bytes``."""
    out = bytearray(writer.header())
    truncated = ""
    for count, row in enumerate(rows):
        if count >= limits.max_rows:
            truncated = f"max-rows={limits.max_rows}"
            break
        chunk = writer.row(row)
        if len(out) + len(chunk) > limits.max_bytes:
            truncated = f"max-result-bytes={limits.max_bytes}"
            break
        out += chunk
    out += writer.footer()
    return bytes(out), truncated


class TabularWriter:
    """SPARQL results in JSON, XML, CSV or TSV, written one row at a time."""

    def __init__(self, name: str, variables: list[str]) -> None:
        self.name = name
        self.variables = variables
        self.rows = 0

    def header(self) -> bytes:
        if self.name == "json":
            return b'{"head":{"vars":' + json.dumps(self.variables).encode() + b'},"results":{"bindings":[\n'
        if self.name == "xml":
            head = "".join(f"<variable name={quoteattr(v)}/>" for v in self.variables)
            return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    f"<head>{head}</head><results>\n").encode()
        if self.name == "csv":
            return _csv_line(self.variables)
        return ("\t".join(f"?{v}" for v in self.variables) + "\n").encode("utf-8")

    def row(self, row: tuple[Any, ...]) -> bytes:
        self.rows += 1
        pairs = [(v, t) for v, t in zip(self.variables, row) if t is not None]
        if self.name == "json":
            item = json.dumps({v: _json_term(t) for v, t in pairs}, ensure_ascii=False)
            return (("" if self.rows == 1 else ",\n") + item).encode("utf-8")
        if self.name == "xml":
            cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in pairs)
            return f"<result>{cells}</result>\n".encode("utf-8")
        if self.name == "csv":
            return _csv_line(["" if t is None else csv_cell(t) for t in row])
        return ("\t".join("" if t is None else str(t) for t in row) + "\n").encode("utf-8")

    def footer(self) -> bytes:
        if self.name == "json":
            return b"\n]}}\n"
        if self.name == "xml":
            return b"</results></sparql>\n"
        return b""


def _ask(name: str, boolean: bool) -> bytes:
    value = "true" if boolean else "false"
    if name == "json":
        return json.dumps({"head": {}, "boolean": boolean}).encode()
    if name == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{value}</boolean></sparql>\n").encode()
    if name == "csv":
        return f"_askResult\r\n{value}\r\n".encode()
    return f"?_askResult\n{value}\n".encode()


def _csv_line(cells: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue().encode("utf-8")


_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                              "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN")


def csv_cell(term: Any) -> str:
    """A CSV cell; text starting with ``= + - @`` (or tab, CR) gets a leading ``'`` so that a
    spreadsheet shows it instead of evaluating it as a formula (numbers are left as they are).

    >>> csv_cell(ox.Literal("=HYPERLINK(1)")), csv_cell(ox.Literal("-3", datatype=ox.NamedNode(XSD + "integer")))
    ("'=HYPERLINK(1)", '-3')
    """
    value = _plain(term)
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC and _NUMBER.fullmatch(value):
        return value  # a well-formed number (an ill-typed "=1+cmd"^^xsd:integer is text)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def graph_bytes(triples: Iterable[ox.Triple], name: str, limits: Limits) -> tuple[bytes, str]:
    """Triples in an RDF format, at most ``max_rows`` of them and about ``max_bytes`` bytes."""
    fmt = by_name(name)
    state: dict[str, Any] = {"truncated": "", "size": 0}

    def bounded() -> Iterator[Any]:
        for count, triple in enumerate(triples):
            if count >= limits.max_rows:
                state["truncated"] = f"max-rows={limits.max_rows}"
                return
            size = len(str(triple)) + 4
            if state["size"] + size > limits.max_bytes:
                state["truncated"] = f"max-result-bytes={limits.max_bytes}"
                return
            state["size"] += size
            yield ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()) if fmt.keeps_graphs else triple

    prefixes = {**PREFIXES, **DOCUMENT_PREFIXES} if name in ("turtle", "trig", "rdfxml", "jsonld") else None
    body = ox.serialize(bounded(), format=fmt.rdf, prefixes=prefixes) or b""
    if len(body) > limits.max_bytes:  # the estimate was short (RDF/XML, JSON-LD): refuse rather than send it
        raise Failed(503, f"the result is larger than the server sends (--max-result-bytes {limits.max_bytes}): add a LIMIT")
    return body, str(state["truncated"])


def take(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterable[Any], n: int) -> list[Any]:
    """At most ``n`` rows or triples of a query result (an ASK result has none)."""
    if isinstance(result, ox.QueryBoolean):
        return []
    return list(itertools.islice(result, n))

"""A SPARQL 1.1 server as the store: queries and updates over the SPARQL Protocol, bulk
writes over the Graph Store Protocol, results parsed by pyoxigraph into the same
objects an embedded store returns.

URLs: ``--store`` is the query endpoint; the update and Graph Store endpoints are
derived for Oxigraph server (``/query`` -> ``/update`` and ``/store``), or given with
``--update-url``/``KG_UPDATE_URL`` and ``--graph-store-url``/``KG_GRAPH_STORE_URL``.
Credentials come from the environment only: ``KG_STORE_TOKEN`` (bearer) or
``KG_STORE_USER`` + ``KG_STORE_PASSWORD`` (basic).

The server's default graph must be the union of its named graphs, as in the embedded
store: start Oxigraph with ``oxigraph serve --union-default-graph``; Virtuoso does this
by default. The first request checks it (:meth:`RemoteBackend.check`), and that the
server answers SPARQL and accepts the credentials; credentials are sent again after a
redirect only to the configured endpoints' scheme, host and port.

>>> endpoints("http://127.0.0.1:7878/query")
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> endpoints("http://127.0.0.1:8890/sparql")
('http://127.0.0.1:8890/sparql', 'http://127.0.0.1:8890/sparql', 'http://127.0.0.1:8890/sparql-graph-crud')
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from kg.base.errors import QueryError, StoreError
from kg.sparql.lexer import tokens
from kg.sparql.results import Result

#: Triples per Graph Store Protocol request when uploading.
BATCH = 50_000
TIMEOUT = 600
#: Seconds the first request (the check) waits for an answer.
CHECK_TIMEOUT = 30

#: True when a triple of a named graph is visible in the default graph (false: empty, or not a union).
_UNION_SAMPLE = (
    "ASK { { SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) } LIMIT 1 } FILTER EXISTS { ?s ?p ?o } }"
)
_ANY_NAMED = "ASK { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }"
NOT_UNION = (
    "the server's default graph is not the union of its named graphs, so queries would not see "
    "the data: start Oxigraph with 'oxigraph serve --union-default-graph'; in Fuseki set "
    "'tdb2:unionDefaultGraph true' (TDB1: 'tdb:unionDefaultGraph true') on the dataset; in Virtuoso "
    "remove any default graph (DefaultGraph in virtuoso.ini [SPARQL]) so queries without FROM see every graph"
)

#: One Accept per query form: some servers (Virtuoso) answer a mixed list with 406.
_ACCEPT = {
    "SELECT": "application/sparql-results+xml",
    "ASK": "application/sparql-results+xml",
    "CONSTRUCT": "application/n-triples",
    "DESCRIBE": "application/n-triples",
}
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, IRIs and strings.

    >>> query_form("PREFIX ex: <http://x/select> CONSTRUCT WHERE { ?s ?p 'select' }")
    'CONSTRUCT'
    """
    for token in tokens(sparql):
        if token.kind == "name" and token.word in _FORMS:
            return token.word
    return "SELECT"


_FORM = "application/x-www-form-urlencoded"


def endpoints(
    query_url: str, update_url: str | None = None, graph_store_url: str | None = None
) -> tuple[str, str, str]:
    """Query, update and Graph Store URLs, deriving the missing ones from the query URL."""
    update_url = update_url or os.environ.get("KG_UPDATE_URL")
    graph_store_url = graph_store_url or os.environ.get("KG_GRAPH_STORE_URL")
    base, _, last = query_url.rstrip("/").rpartition("/")
    if last == "query":  # Oxigraph server
        return query_url, update_url or f"{base}/update", graph_store_url or f"{base}/store"
    if last == "sparql":  # Virtuoso, Fuseki-style single endpoint
        return query_url, update_url or query_url, graph_store_url or f"{base}/sparql-graph-crud"
    return query_url, update_url or query_url, graph_store_url or f"{base}/store"


class RemoteBackend:
    """The store operations :class:`kg.store.graph.KnowledgeGraph` needs, over HTTP.

    The first request checks the server (:meth:`check`): that it answers SPARQL, accepts the
    credentials, and that its default graph is the union of its named graphs.
    """

    def __init__(self, query_url: str, *, update_url: str | None = None, graph_store_url: str | None = None) -> None:
        self.query_url, self.update_url, self.graph_store_url = endpoints(query_url, update_url, graph_store_url)
        self._auth = _auth_header()
        self._opener = urllib.request.build_opener(
            _CredentialRedirects(
                self._auth, {_origin(u) for u in (self.query_url, self.update_url, self.graph_store_url)}
            )
        )
        self._checked = False
        self._checking = False

    # -- HTTP ---------------------------------------------------------------------------

    def _request(
        self,
        url: str,
        data: bytes | None,
        headers: dict[str, str],
        method: str = "POST",
        *,
        timeout: float | None = None,
        writing: bool = False,
    ) -> tuple[str, bytes]:
        if not self._checked and not self._checking:
            self.check(writing=writing)
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        for name, value in self._auth.items():  # never copied onto a redirect by urllib itself
            request.add_unredirected_header(name, value)
        wait = TIMEOUT if timeout is None else timeout
        endpoint = _shown(url)
        try:
            with self._opener.open(request, timeout=wait) as response:
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as err:
            detail = _error_detail(err)
            if err.code in (400, 422):
                raise QueryError(f"the SPARQL server refused the request ({err.code}): {detail}") from None
            if err.code == 401:
                hint = (
                    "check KG_STORE_TOKEN or KG_STORE_USER/KG_STORE_PASSWORD"
                    if self._auth
                    else ("set KG_STORE_TOKEN, or KG_STORE_USER and KG_STORE_PASSWORD")
                )
                raise StoreError(
                    f"the SPARQL server wants credentials (401 Unauthorized): {hint}", path=endpoint
                ) from None
            if err.code == 403:
                raise StoreError(
                    "the SPARQL server refused access (403 Forbidden): these credentials may not "
                    + ("write" if writing else "read")
                    + " this store",
                    path=endpoint,
                ) from None
            raise StoreError(f"SPARQL server error {err.code} {err.reason}: {detail}", path=endpoint) from None
        except (TimeoutError, socket.timeout):
            raise StoreError(f"the SPARQL server did not answer within {wait:g} s", path=endpoint) from None
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise StoreError(f"the SPARQL server did not answer within {wait:g} s", path=endpoint) from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise StoreError(f"cannot reach the SPARQL server: {text}", path=endpoint) from None
        except (http.client.HTTPException, OSError) as err:
            raise StoreError(f"cannot reach the SPARQL server: {type(err).__name__}: {err}", path=endpoint) from None

    # -- checked before use -------------------------------------------------------------

    def check(self, *, writing: bool = False) -> None:
        """Make sure the server is usable as a store, with one cheap request (three on an empty
        store about to be written): it answers SPARQL, accepts the credentials, and its default
        graph is the union of its named graphs (so queries see the data writes put in graphs).

        Run by the first request; an empty store is checked again on every request until it
        holds a triple (a read of an empty store cannot be wrong), and written only to the
        scratch graph of the probe, dropped at once, when the first write comes.

        :raises StoreError: one line naming the endpoint and the problem, or how to fix the server.
        """
        self._checking = True
        try:
            seen = self._ask(_UNION_SAMPLE)
            if seen:
                self._checked = True
                return
            if self._ask(_ANY_NAMED):
                raise StoreError(NOT_UNION, path=_shown(self.query_url))
            if writing:
                self._probe()
                self._checked = True
        finally:
            self._checking = False

    def _probe(self) -> None:
        probe = f"urn:x-conflict-kg:union-check:{uuid.uuid4().hex}"
        triple = f'<{probe}> <urn:x-conflict-kg:union-check> "probe"'
        self.update(f"INSERT DATA {{ GRAPH <{probe}> {{ {triple} }} }}", prefixes={})
        try:
            visible = self._ask(f"ASK {{ {triple} }}")
        finally:
            self.update(f"DROP SILENT GRAPH <{probe}>", prefixes={})
        if not visible:
            raise StoreError(NOT_UNION, path=_shown(self.query_url))

    def _ask(self, sparql: str) -> bool:
        content_type, body = self._request(
            self.query_url,
            urllib.parse.urlencode({"query": sparql}).encode("ascii"),
            {"Content-Type": _FORM, "Accept": "application/sparql-results+xml, application/sparql-results+json;q=0.9"},
            timeout=CHECK_TIMEOUT,
        )
        kind = content_type.split(";")[0].strip().lower()
        where = _shown(self.query_url)
        formats = {
            "application/sparql-results+xml": ox.QueryResultsFormat.XML,
            "application/sparql-results+json": ox.QueryResultsFormat.JSON,
            "application/json": ox.QueryResultsFormat.JSON,
        }
        if kind not in formats:
            raise StoreError(f"not a SPARQL endpoint: it answered {_describe_body(kind, body)}", path=where)
        try:
            answer = ox.parse_query_results(body, format=formats[kind])
        except (SyntaxError, ValueError, OSError) as err:
            raise StoreError(
                f"not a SPARQL endpoint: its answer is not SPARQL results ({' '.join(str(err).split())[:200]})",
                path=where,
            ) from None
        if not isinstance(answer, ox.QueryBoolean):
            raise StoreError("not a SPARQL endpoint: it answered an ASK query with a table", path=where)
        return bool(answer)

    # -- reading ------------------------------------------------------------------------

    def query(self, sparql: str, *, prefixes: Mapping[str, str]) -> Any:
        text = _prologue(prefixes) + sparql
        # Form-encoded POST: the one request shape every SPARQL 1.1 server accepts (Virtuoso 7.2
        # does not answer a direct application/sparql-query body).
        content_type, body = self._request(
            self.query_url,
            urllib.parse.urlencode({"query": text}).encode("ascii"),
            {"Content-Type": _FORM, "Accept": _ACCEPT[query_form(sparql)]},
        )
        kind = content_type.split(";")[0].strip().lower()
        try:
            return _read_answer(kind, body)
        except (SyntaxError, ValueError, OSError) as err:  # read whole here: a bad answer fails in one place
            raise StoreError(
                f"not a SPARQL endpoint: its answer is not {kind or 'a SPARQL result'} "
                f"({' '.join(str(err).split())[:200]})",
                path=_shown(self.query_url),
            ) from None
        except _NotSparql:
            raise StoreError(
                f"not a SPARQL endpoint: it answered {_describe_body(kind, body)}", path=_shown(self.query_url)
            ) from None

    def _select(self, sparql: str) -> list[dict[str, Any]]:
        """The rows of a SELECT query as dicts of terms."""
        answer = self.query(sparql, prefixes={})
        return [dict(zip(answer.variables, row)) for row in answer.rows] if isinstance(answer, Result) else []

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if graph:
            for row in self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
                yield ox.Quad(row["s"], row["p"], row["o"], ox.NamedNode(graph))
            return
        for row in self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def named_graphs(self) -> list[str]:
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return [row["g"].value for row in rows if isinstance(row.get("g"), ox.NamedNode)]

    def count(self) -> int:
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows else 0

    # -- writing ------------------------------------------------------------------------

    def update(self, sparql: str, *, prefixes: Mapping[str, str]) -> None:
        self._request(
            self.update_url,
            urllib.parse.urlencode({"update": _prologue(prefixes) + sparql}).encode("ascii"),
            {"Content-Type": _FORM},
            writing=True,
        )

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Upload quads in batches, one Graph Store Protocol POST per graph and batch."""
        pending: dict[str, list[ox.Quad]] = defaultdict(list)
        size = 0
        for quad in quads:
            pending[quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""].append(quad)
            size += 1
            if size >= BATCH:
                self._flush(pending)
                pending.clear()
                size = 0
        self._flush(pending)

    def _flush(self, pending: Mapping[str, list[ox.Quad]]) -> None:
        for graph, quads in pending.items():
            if not quads:
                continue
            body = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""
            target = f"{self.graph_store_url}?" + (urllib.parse.urlencode({"graph": graph}) if graph else "default")
            self._request(target, body, {"Content-Type": "application/n-triples"}, writing=True)


class _CredentialRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but send the credentials again only to the configured endpoints'
    origins (scheme, host and port): never to another host, port, or from https to http."""

    def __init__(self, auth: Mapping[str, str], origins: set[tuple[str, str, int]]) -> None:
        self._auth = dict(auth)
        self._origins = origins

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(new.full_url) in self._origins:
            for name, value in self._auth.items():
                new.add_unredirected_header(name, value)
        return new


def _origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _shown(url: str) -> str:
    """The URL for a message: no user info, no query string."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def _text_of(kind: str, body: bytes, limit: int = 200) -> str:
    text = body[:20_000].decode("utf-8", "replace")
    if "html" in kind or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAG.sub(" ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe_body(kind: str, body: bytes) -> str:
    """What came back instead of SPARQL results, in a few words."""
    if not body.strip():
        return f"an empty {kind or 'untyped'} body"
    text = _text_of(kind, body, 80)
    if "html" in kind or body.lstrip()[:1] == b"<" and b"<html" in body[:2000].lower():
        return f"an HTML page ({text!r})"
    return f"{kind or 'untyped content'} ({text!r})"


def _error_detail(err: urllib.error.HTTPError) -> str:
    try:
        body = err.read()
    except (OSError, http.client.HTTPException):
        body = b""
    kind = (err.headers.get("Content-Type", "") if err.headers else "").split(";")[0].strip().lower()
    return _text_of(kind, body, 300) or "(no message)"


def _prologue(prefixes: Mapping[str, str]) -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


def _auth_header() -> dict[str, str]:
    token = os.environ.get("KG_STORE_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user, password = os.environ.get("KG_STORE_USER"), os.environ.get("KG_STORE_PASSWORD")
    if user and password:
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    return {}


class _NotSparql(Exception):
    """The answer's media type is no SPARQL result format."""


#: Virtuoso names blank nodes ``nodeID://b10003`` in its XML results: not a blank node label
#: (``[A-Za-z0-9_]`` and a few more), so a conforming parser refuses the whole answer.
_VIRTUOSO_BNODE = b"<bnode>nodeID://"


def _plain_blank_nodes(body: bytes) -> bytes:
    """SPARQL XML results with Virtuoso's ``<bnode>nodeID://b1</bnode>`` labels made plain (``b1``):
    labels only identify blank nodes within one answer, so dropping the common prefix keeps them apart."""
    return body.replace(_VIRTUOSO_BNODE, b"<bnode>") if _VIRTUOSO_BNODE in body else body


def _read_answer(kind: str, body: bytes) -> Result | list[ox.Triple]:
    """A SPARQL answer of media type ``kind``, parsed and read whole (a parser error surfaces
    here, not later while the caller iterates)."""
    if kind in ("application/sparql-results+json", "application/json", "application/sparql-results+xml"):
        xml = kind.endswith("xml")
        results = ox.QueryResultsFormat.XML if xml else ox.QueryResultsFormat.JSON
        answer = ox.parse_query_results(_plain_blank_nodes(body) if xml else body, format=results)
        if isinstance(answer, ox.QueryBoolean):
            return Result("ask", boolean=bool(answer))
        variables = [v.value for v in answer.variables]
        return Result("select", variables=variables, rows=[tuple(row[v] for v in variables) for row in answer])
    if kind in ("application/n-triples", "text/turtle", "text/plain", "text/rdf+n3"):
        fmt = ox.RdfFormat.TURTLE if kind == "text/turtle" else ox.RdfFormat.N_TRIPLES
        return [q.triple for q in ox.parse(body, format=fmt)]
    raise _NotSparql(kind)

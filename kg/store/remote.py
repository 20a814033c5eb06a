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
by default.

>>> endpoints("http://127.0.0.1:7878/query")
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> endpoints("http://127.0.0.1:8890/sparql")
('http://127.0.0.1:8890/sparql', 'http://127.0.0.1:8890/sparql', 'http://127.0.0.1:8890/sparql-graph-crud')
"""

from __future__ import annotations

import base64
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from kg.base.errors import QueryError, StoreError

#: Triples per Graph Store Protocol request when uploading.
BATCH = 50_000
TIMEOUT = 600

#: One Accept per query form: some servers (Virtuoso) answer a mixed list with 406.
_ACCEPT = {
    "SELECT": "application/sparql-results+xml",
    "ASK": "application/sparql-results+xml",
    "CONSTRUCT": "application/n-triples",
    "DESCRIBE": "application/n-triples",
}
_FORM_WORD = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, IRIs and strings.

    >>> query_form("PREFIX ex: <http://x/select> CONSTRUCT WHERE { ?s ?p 'select' }")
    'CONSTRUCT'
    """
    text = re.sub(r"#[^\n]*|<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'", " ", sparql)
    match = _FORM_WORD.search(text)
    return match.group(1).upper() if match else "SELECT"


_FORM = "application/x-www-form-urlencoded"


def endpoints(query_url: str, update_url: str | None = None, graph_store_url: str | None = None) -> tuple[str, str, str]:
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
    """The store operations :class:`kg.store.graph.KnowledgeGraph` needs, over HTTP."""

    def __init__(self, query_url: str, *, update_url: str | None = None, graph_store_url: str | None = None) -> None:
        self.query_url, self.update_url, self.graph_store_url = endpoints(query_url, update_url, graph_store_url)
        self._auth = _auth_header()

    # -- HTTP ---------------------------------------------------------------------------

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str = "POST") -> tuple[str, bytes]:
        request = urllib.request.Request(url, data=data, method=method, headers={**headers, **self._auth})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - user-chosen endpoint
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as err:
            detail = " ".join(err.read().decode("utf-8", "replace").split())[:300]
            if err.code in (400, 422):
                raise QueryError(f"the SPARQL server refused the request ({err.code}): {detail}") from None
            raise StoreError(f"SPARQL server error {err.code} at {url}: {detail}", path=url) from None
        except (urllib.error.URLError, OSError) as err:
            raise StoreError(f"cannot reach the SPARQL server: {err}", path=url) from None

    # -- reading ------------------------------------------------------------------------

    def query(self, sparql: str, *, prefixes: Mapping[str, str]) -> Any:
        text = _prologue(prefixes) + sparql
        # Form-encoded POST: the one request shape every SPARQL 1.1 server accepts (Virtuoso 7.2
        # does not answer a direct application/sparql-query body).
        content_type, body = self._request(
            self.query_url, urllib.parse.urlencode({"query": text}).encode("ascii"),
            {"Content-Type": _FORM, "Accept": _ACCEPT[query_form(sparql)]},
        )
        kind = content_type.split(";")[0].strip().lower()
        if kind in ("application/sparql-results+json", "application/json"):
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if kind == "application/sparql-results+xml":
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
        if kind in ("application/n-triples", "text/turtle", "text/plain", "text/rdf+n3"):
            fmt = ox.RdfFormat.TURTLE if kind == "text/turtle" else ox.RdfFormat.N_TRIPLES
            return [q.triple for q in ox.parse(body, format=fmt)]
        raise StoreError(f"unexpected result type {content_type!r} from the SPARQL server", path=self.query_url)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if graph:
            query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            for row in self.query(query, prefixes={}):
                yield ox.Quad(row["s"], row["p"], row["o"], ox.NamedNode(graph))
            return
        for row in self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", prefixes={}):
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def named_graphs(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", prefixes={})
        return [row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode)]

    def count(self) -> int:
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", prefixes={}))
        return int(rows[0]["n"].value) if rows else 0

    # -- writing ------------------------------------------------------------------------

    def update(self, sparql: str, *, prefixes: Mapping[str, str]) -> None:
        self._request(
            self.update_url, urllib.parse.urlencode({"update": _prologue(prefixes) + sparql}).encode("ascii"),
            {"Content-Type": _FORM},
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
            self._request(target, body, {"Content-Type": "application/n-triples"})


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

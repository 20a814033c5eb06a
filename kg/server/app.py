"""The web application: SPARQL 1.1 Protocol at ``/sparql``, linked-data pages, query page.

Built by :func:`create_app` from a :class:`~kg.store.graph.KnowledgeGraph` and
:class:`~kg.server.settings.Settings`; no module-level state.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import anyio
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kg.base.namespaces import PREFIXES
from kg.server.executor import Answer, Busy, Job, ProcessExecutor, QueryTimeout, ThreadExecutor
from kg.server.guard import add_using, is_local_iri, scan
from kg.server.settings import Settings
from kg.store.graph import MEMORY, KnowledgeGraph

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


class HTTPError(Exception):
    """An error answered to the client as one line of text."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(" ".join(message.split()) + "\n", status_code=status, headers=headers)


@dataclass
class Server:
    """What the request handlers share: the graph, the settings, the query executor."""

    kg: KnowledgeGraph
    settings: Settings
    executor: Any
    write_lock: anyio.Lock = field(default_factory=anyio.Lock)
    cache: dict[str, Any] = field(default_factory=dict)

    def iri_for_path(self, path: str) -> str:
        return self.settings.base + path.lstrip("/")

    def select(self, sparql: str, **terms: Any) -> Any:
        """Run a trusted, bounded query of the pages (union default graph, our prefixes).

        ``terms`` replace ``?name`` with an RDF term written by the engine (escaped), never raw text.
        """
        for name, term in terms.items():
            sparql = re.sub(rf"\?{name}\b", str(term).replace("\\", "\\\\"), sparql)
        return self.kg.store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)

    def graphs(self) -> set[str]:
        key = f"graphs:{self.executor.generation}"
        if key not in self.cache:
            self.cache[key] = set(self.kg.graphs())
        return self.cache[key]

    async def run(self, job: Job) -> Answer:
        """Run a query job with the timeout; errors become :class:`HTTPError`."""
        timeout = self.settings.timeout
        try:
            return await anyio.to_thread.run_sync(self.executor.run, job, timeout, abandon_on_cancel=True)
        except QueryTimeout:
            raise HTTPError(503, f"query stopped: it ran longer than {timeout:g} s (the server's --timeout)") from None
        except Busy:
            raise HTTPError(503, "too many queries at once: try again shortly", {"Retry-After": "5"}) from None


# -- reading a protocol request ----------------------------------------------------------


@dataclass
class Operation:
    kind: str  # "query" | "update" | "none"
    text: str = ""
    params: list[tuple[str, str]] = field(default_factory=list)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.params if k == name]


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPError(413, f"request body over {limit} bytes (the server's --max-body)")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HTTPError(413, f"request body over {limit} bytes (the server's --max-body)")
    return bytes(body)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, f"{what} is not valid UTF-8 (the protocol requires UTF-8)") from None


async def read_operation(request: Request, max_body: int) -> Operation:
    """The query or update of a protocol request, with its parameters (URL and form)."""
    url_params = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method in ("GET", "HEAD"):
        queries = [v for k, v in url_params if k == "query"]
        if any(k == "update" for k, _ in url_params):
            raise HTTPError(400, "SPARQL Update needs POST (application/sparql-update or a form with update=)")
        if len(queries) > 1:
            raise HTTPError(400, "more than one query= parameter")
        if not queries:
            return Operation("none", params=url_params)
        return Operation("query", queries[0], url_params)
    media, _, rest = request.headers.get("content-type", "").partition(";")
    media = media.strip().lower()
    charset = ""
    for param in rest.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset and charset not in ("utf-8", "utf8"):
        raise HTTPError(415, f"charset={charset} is not supported: send UTF-8")
    body = await read_body(request, max_body)
    if media == FORM:
        form = parse_qsl(_utf8(body, "the form"), keep_blank_values=True)
        params = url_params + form
        queries = [v for k, v in form if k == "query"]
        updates = [v for k, v in form if k == "update"]
        if queries and updates:
            raise HTTPError(400, "a request carries either query= or update=, not both")
        if len(queries) > 1 or len(updates) > 1:
            raise HTTPError(400, "more than one query= or update= parameter")
        if queries:
            return Operation("query", queries[0], params)
        if updates:
            return Operation("update", updates[0], params)
        raise HTTPError(400, "the form has no query= or update= parameter")
    if media == QUERY_TYPE:
        return Operation("query", _utf8(body, "the query"), url_params)
    if media == UPDATE_TYPE:
        return Operation("update", _utf8(body, "the update"), url_params)
    raise HTTPError(
        415,
        f"unsupported content type {media or '(none)'!r}: POST {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}",
    )


def _graph_names(op: Operation, name: str) -> list[str]:
    names = op.all(name)
    for iri in names:
        _check_iri(iri, name)
    return names


def _check_iri(iri: str, where: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise HTTPError(400, f"{where}: {iri!r} is not a valid IRI") from None
    if not is_local_iri(iri):
        raise HTTPError(
            400,
            f"{where} <{iri}> refused: graphs are named by http(s) or urn IRIs of this store; "
            "this endpoint never reads files or fetches remote data",
        )


# -- the endpoint --------------------------------------------------------------------------


def endpoint_url(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


async def sparql_endpoint(server: Server, request: Request) -> Response:
    op = await read_operation(request, server.settings.max_body)
    if op.kind == "none":
        from kg.server.describe import service_description_response

        return service_description_response(server, request)
    if op.kind == "update":
        request.state.update = True
        return await run_update(server, request, op)
    return await run_query(server, request, op)


def build_query_job(server: Server, op: Operation, *, base_iri: str, accept: str | None, view: bool = False) -> Job:
    """Check a query (no SERVICE, local graphs only) and make the job a worker runs."""
    default = _graph_names(op, "default-graph-uri")
    named = _graph_names(op, "named-graph-uri")
    seen = scan(op.text, base=base_iri)
    if seen.service:
        raise HTTPError(400, "SERVICE is refused: this endpoint never sends requests to other servers")
    if seen.load:
        raise HTTPError(400, "LOAD is refused: this endpoint never fetches remote data")
    protocol_dataset = bool(default or named)
    for iri in seen.from_graphs + seen.from_named:
        _check_iri(iri, "FROM")
        if not protocol_dataset and iri not in server.graphs():
            raise HTTPError(
                400,
                f"FROM <{iri}> is not a graph of this store and is never fetched: "
                "name one of the graphs listed at /.well-known/void",
            )
    formats = op.all("format")
    return Job(
        sparql=op.text,
        accept=accept,
        fmt=formats[0] if formats else None,
        base_iri=base_iri,
        union=not (seen.from_graphs or seen.from_named),
        default_graph=tuple(default) if protocol_dataset else None,
        named_graphs=tuple(named) if protocol_dataset else None,
        max_rows=server.settings.max_rows,
        view=view,
    )


async def run_query(server: Server, request: Request, op: Operation) -> Response:
    job = build_query_job(server, op, base_iri=endpoint_url(request), accept=request.headers.get("accept"))
    answer = await server.run(job)
    if answer.status >= 400:
        return Response(answer.body, status_code=answer.status, media_type="text/plain; charset=utf-8")
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["KG-Truncated"] = f"max-rows={server.settings.max_rows}"
    if request.method == "HEAD":
        return Response(b"", status_code=200, headers=headers, media_type=answer.content_type)
    return Response(answer.body, status_code=200, headers=headers, media_type=answer.content_type)


def check_token(server: Server, request: Request) -> None:
    """Updates need ``--update-token`` on the server and ``Authorization: Bearer TOKEN``."""
    token = server.settings.update_token
    if not token:
        raise HTTPError(403, "this endpoint is read-only: start kg serve with --update-token (or KG_UPDATE_TOKEN) to allow updates")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPError(401, "SPARQL Update needs 'Authorization: Bearer TOKEN'", {"WWW-Authenticate": 'Bearer realm="kg"'})


async def run_update(server: Server, request: Request, op: Operation) -> Response:
    check_token(server, request)
    base_iri = endpoint_url(request)
    using = _graph_names(op, "using-graph-uri")
    using_named = _graph_names(op, "using-named-graph-uri")
    seen = scan(op.text, base=base_iri)
    if seen.load:
        raise HTTPError(400, "LOAD is refused: this endpoint never fetches remote data")
    if seen.service:
        raise HTTPError(400, "SERVICE is refused: this endpoint never sends requests to other servers")
    for iri in seen.dataset_iris + seen.graph_refs:
        _check_iri(iri, "graph")
    text = op.text
    if using or using_named:
        if seen.using or seen.with_graphs:
            raise HTTPError(400, "using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH in the update")
        text = add_using(text, seen.modify_wheres, using, using_named)
    store = server.kg.store

    def apply() -> None:
        store.update(text, prefixes=PREFIXES, base_iri=base_iri)
        if server.kg.location != MEMORY:
            store.flush()

    async with server.write_lock:
        try:
            await anyio.to_thread.run_sync(apply)
        except SyntaxError as err:
            raise HTTPError(400, f"SPARQL update syntax error: {err}") from None
        except (OSError, RuntimeError, ValueError) as err:
            raise HTTPError(400, f"SPARQL update failed (nothing was written): {err}") from None
        finally:
            server.executor.stale()
            server.cache.clear()
    return Response(status_code=204)


# -- the application ---------------------------------------------------------------------


def _cors_headers(server: Server, request: Request) -> dict[str, str]:
    allowed = server.settings.cors
    origin = request.headers.get("origin")
    if not allowed or not origin or (allowed != "*" and origin != allowed):
        return {}
    return {"Access-Control-Allow-Origin": allowed if allowed == "*" else origin, "Vary": "Origin"}


def create_app(kg: KnowledgeGraph, settings: Settings | None = None) -> Starlette:
    """The ASGI application serving ``kg`` with ``settings``.

    Queries on a store folder run in worker processes (stopped at the timeout);
    on ``:memory:`` they run in threads (see :mod:`kg.server.executor`).
    """
    from kg.server import describe, pages

    settings = settings or Settings()
    kg.store  # noqa: B018 - raises StoreError for a remote store: serve an embedded one
    if kg.location == MEMORY:
        executor: Any = ThreadExecutor(lambda: kg.store, size=settings.max_concurrent, queue_timeout=settings.timeout)
    else:
        executor = ProcessExecutor(kg.location, size=settings.max_concurrent, queue_timeout=settings.timeout)
    server = Server(kg, settings, executor)

    def handler(func: Callable[[Server, Request], Awaitable[Response]], *, cors: bool = True) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                response = await func(server, request)
            except HTTPError as err:
                response = error_response(err.status, str(err), err.headers)
            except Exception as err:  # one line to the client, the traceback in the log
                log.exception("error serving %s", request.url.path)
                response = error_response(500, f"internal error: {type(err).__name__}: {err}")
            if cors and not getattr(request.state, "update", False):  # never CORS on updates
                response.headers.update(_cors_headers(server, request))
            return response

        return endpoint

    async def preflight(server: Server, request: Request) -> Response:
        headers = _cors_headers(server, request)
        if headers:  # queries only: Authorization (the update token) is never allowed cross-origin
            headers.update({"Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "600"})
            return Response(status_code=204, headers=headers)
        return error_response(405, "method not allowed", {"Allow": "GET, POST"})

    async def guarded_sparql(server: Server, request: Request) -> Response:
        if request.method == "OPTIONS":
            return await preflight(server, request)
        return await sparql_endpoint(server, request)

    sparql = handler(guarded_sparql)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        await anyio.to_thread.run_sync(executor.start)
        try:
            yield
        finally:
            executor.close()

    routes = [
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "OPTIONS"]),
        Route("/sparql/", sparql, methods=["GET", "HEAD", "POST", "OPTIONS"]),
        Route("/", handler(pages.query_page), methods=["GET", "HEAD"]),
        Route("/query", handler(pages.query_page), methods=["GET", "HEAD"]),
        Route("/.well-known/void", handler(describe.void_response), methods=["GET", "HEAD"]),
        Route("/ontology", handler(pages.ontology_page), methods=["GET", "HEAD"]),
        Route("/ontology{suffix:path}", handler(pages.ontology_page), methods=["GET", "HEAD"]),
        Route("/id/{rest:path}", handler(pages.resource_page), methods=["GET", "HEAD"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.server = server
    return app

"""The web application: SPARQL 1.1 Protocol at ``/sparql``, linked-data pages, query page.

Built by :func:`create_app` from a :class:`~kg.store.graph.KnowledgeGraph` and
:class:`~kg.server.settings.Settings`; no module-level state. Nothing imports this module
but :mod:`kg.server` (shared types live in :mod:`kg.server.requests`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.server.describe import service_description_response, void_response
from kg.server.executor import ProcessExecutor, ThreadExecutor
from kg.server.pages import (
    context_document,
    dump_file,
    editor_page,
    graph_page,
    ontology_page,
    query_page,
    resource_page,
    shapes_page,
    static_file,
)
from kg.server.requests import (
    HTTPError,
    Operation,
    Server,
    answer_response,
    endpoint_url,
    error_response,
    read_operation,
)
from kg.server.settings import Settings
from kg.server.work import Job
from kg.store.graph import MEMORY, KnowledgeGraph

log = logging.getLogger(__name__)
audit = logging.getLogger("kg.server.audit")

#: Failed token attempts allowed per client address in :data:`FAILURE_WINDOW` seconds; then 429.
MAX_FAILURES = 5
FAILURE_WINDOW = 60.0

#: Pages allow no script at all and load nothing from elsewhere (the editor at ``/`` allows this
#: server's own scripts: ``kg.server.editor.EDITOR_CSP``).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"


# -- the endpoint --------------------------------------------------------------------------


async def sparql_endpoint(server: Server, request: Request) -> Response:
    op = await read_operation(request, server.settings.max_body, server.settings.header_timeout)
    if op.kind == "none":
        return await service_description_response(server, request)
    if op.kind == "update":
        request.state.update = True
        return await run_update(server, request, op)
    return await run_query(server, request, op)


def _graph_names(op: Operation, name: str) -> tuple[str, ...]:
    return tuple(op.all(name))


def query_job(server: Server, op: Operation, request: Request) -> Job:
    default, named = _graph_names(op, "default-graph-uri"), _graph_names(op, "named-graph-uri")
    protocol = bool(default or named)
    formats = op.all("format")
    return Job(
        op.text,
        accept=request.headers.get("accept"),
        fmt=formats[0] if formats else None,
        base_iri=endpoint_url(request),
        default_graph=default if protocol else None,
        named_graphs=named if protocol else None,
        limits=server.limits(),
    )


async def run_query(server: Server, request: Request, op: Operation) -> Response:
    job = query_job(server, op, request)
    for iri in (job.default_graph or ()) + (job.named_graphs or ()):
        _check_protocol_graph(iri)
    return answer_response(await server.run(job), request, {"Vary": "Accept"})


def _check_protocol_graph(iri: str) -> None:
    from kg.sparql.checks import is_local_iri

    if not is_local_iri(iri) or any(c in iri for c in '<>"{}|^`\\ '):
        raise HTTPError(400, f"graph <{iri}> refused: graphs are named by http(s) or urn IRIs of this store; "
                             "this endpoint never reads files or fetches remote data")


def client_of(request: Request) -> str:
    return request.client.host if request.client else "?"


def check_token(server: Server, request: Request) -> None:
    """Updates need ``--update-token`` on the server and ``Authorization: Bearer TOKEN``;
    after :data:`MAX_FAILURES` wrong tokens in a minute a client address gets 429."""
    token = server.settings.update_token
    if not token:
        raise HTTPError(403, "this endpoint is read-only: start kg serve with KG_UPDATE_TOKEN set to allow updates")
    client = client_of(request)
    now = time.monotonic()
    recent = [t for t in server.failures.get(client, []) if now - t < FAILURE_WINDOW]
    if len(recent) >= MAX_FAILURES:
        server.failures[client] = recent
        raise HTTPError(429, "too many wrong update tokens from this address: wait a minute", {"Retry-After": str(int(FAILURE_WINDOW))})
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        recent.append(now)
        server.failures[client] = recent
        if len(server.failures) > 10_000:
            server.failures.clear()
        audit.warning("update refused: wrong or missing token from %s", client)
        raise HTTPError(401, "SPARQL Update needs 'Authorization: Bearer TOKEN'", {"WWW-Authenticate": 'Bearer realm="kg"'})
    server.failures.pop(client, None)


async def run_update(server: Server, request: Request, op: Operation) -> Response:
    check_token(server, request)
    for name in ("using-graph-uri", "using-named-graph-uri"):
        for iri in op.all(name):
            _check_protocol_graph(iri)
    job = Job(op.text, task="update", base_iri=endpoint_url(request), using=_graph_names(op, "using-graph-uri"),
              using_named=_graph_names(op, "using-named-graph-uri"), limits=server.limits())
    digest = hashlib.sha256(op.text.encode("utf-8")).hexdigest()[:16]
    try:
        answer = await server.run(job)
    except HTTPError as err:
        audit.warning("update from %s: %d bytes sha256:%s -> %d", client_of(request), len(op.text), digest, err.status)
        raise
    finally:
        server.cache.clear()
    audit.warning("update from %s: %d bytes sha256:%s -> %d", client_of(request), len(op.text), digest, answer.status)
    if answer.status >= 400:
        return answer_response(answer, request)
    return Response(status_code=204)


# -- the application ---------------------------------------------------------------------


def _cors_headers(server: Server, request: Request) -> dict[str, str]:
    allowed = server.settings.cors
    origin = request.headers.get("origin")
    if not allowed or not origin or (allowed != "*" and origin != allowed):
        return {}
    return {"Access-Control-Allow-Origin": allowed if allowed == "*" else origin}


def _add_vary(response: Response, value: str) -> None:
    present = [v.strip() for v in response.headers.get("vary", "").split(",") if v.strip()]
    if value.lower() not in (v.lower() for v in present):
        response.headers["Vary"] = ", ".join(present + [value])


class SendTimeout:
    """ASGI middleware: a client that does not read its response within ``seconds`` per
    message is disconnected (its buffered body is released)."""

    def __init__(self, app: Any, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def timed_send(message: Any) -> None:
            with anyio.fail_after(self.seconds):
                await send(message)

        await self.app(scope, receive, timed_send)


def create_app(kg: KnowledgeGraph, settings: Settings | None = None) -> Starlette:
    """The ASGI application serving ``kg`` with ``settings``.

    On a store folder every job runs in worker processes (stopped at the timeout, confined by
    :mod:`kg.server.sandbox`) and this process closes its own handle on the store; updates run
    in one writer process. On ``:memory:`` jobs run in threads (see :mod:`kg.server.executor`).
    """
    settings = settings or Settings()
    kg.store  # noqa: B018 - raises StoreError for a remote store: serve an embedded one
    if kg.location == MEMORY:
        executor: Any = ThreadExecutor(lambda: kg.store, size=settings.max_concurrent, queue_timeout=settings.queue_wait)
    else:
        kg.close()  # the workers open the folder: read-only views, and one writer when updates are allowed
        executor = ProcessExecutor(kg.location, size=settings.max_concurrent, queue_timeout=settings.queue_wait,
                                   writer=settings.updates_enabled, sandbox=settings.sandbox, max_memory=settings.max_memory)
    server = Server(settings, executor, location=kg.location)

    def handler(func: Callable[[Server, Request], Awaitable[Response]], *, cors: bool = True) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                response = await func(server, request)
            except HTTPError as err:
                response = error_response(err.status, str(err), err.headers)
            except Exception as err:  # one line to the client, the traceback in the log
                log.exception("error serving %s", request.url.path)
                response = error_response(500, f"internal error: {type(err).__name__}")
            if cors and not getattr(request.state, "update", False):  # never CORS on updates
                headers = _cors_headers(server, request)
                if headers:
                    response.headers.update(headers)
                if server.settings.cors and server.settings.cors != "*":
                    _add_vary(response, "Origin")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            if response.headers.get("content-type", "").startswith("text/html"):
                response.headers.setdefault("Content-Security-Policy", CSP)
            return response

        return endpoint

    async def preflight(server: Server, request: Request) -> Response:
        headers = _cors_headers(server, request)
        if headers:  # queries only: Authorization (the update token) is never allowed cross-origin
            headers.update({"Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "Accept, Content-Type",
                            "Access-Control-Max-Age": "600"})
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
        Route("/", handler(editor_page), methods=["GET", "HEAD"]),
        Route("/static/{name:path}", handler(static_file), methods=["GET", "HEAD"]),
        Route("/query", handler(query_page), methods=["GET", "HEAD"]),
        Route("/.well-known/void", handler(void_response), methods=["GET", "HEAD"]),
        Route("/ontology", handler(ontology_page), methods=["GET", "HEAD"]),
        Route("/ontology{suffix:path}", handler(ontology_page), methods=["GET", "HEAD"]),
        Route("/shapes", handler(shapes_page), methods=["GET", "HEAD"]),
        Route("/shapes{suffix:path}", handler(shapes_page), methods=["GET", "HEAD"]),
        Route("/context.jsonld", handler(context_document), methods=["GET", "HEAD"]),
        Route("/id/{rest:path}", handler(resource_page), methods=["GET", "HEAD"]),
        Route("/graph/{rest:path}", handler(graph_page), methods=["GET", "HEAD"]),
        Route("/dump/{name}", handler(dump_file), methods=["GET", "HEAD"]),
    ]
    middleware = [
        Middleware(SendTimeout, seconds=settings.header_timeout),
        Middleware(TrustedHostMiddleware, allowed_hosts=[*settings.hosts, "testserver"]),  # testserver: Starlette's TestClient
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.server = server
    return app

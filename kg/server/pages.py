"""Linked-data pages: every resource IRI under the base resolves (HTML, Turtle, JSON-LD,
N-Triples, RDF/XML), and so do graph IRIs (``/graph/...``), the ontology and its version IRI,
the shapes and the JSON-LD context; the query page; dumps. The handlers only choose the format
and hand a job to the workers, where the page is built (:mod:`kg.server.resource`,
:mod:`kg.server.ontology_doc`, :mod:`kg.server.dataset`, :mod:`kg.server.render`).

Dereferencing answers 200 with the negotiated document, never a redirect: a thing's IRI
(``/id/actor/isis``) says which document was sent (``Content-Location: /id/actor/isis.ttl``)
and links every document that describes it (``Link: <...>; rel="describedby"``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from kg.server.requests import HTTPError, Server, answer_response
from kg.server.work import Job
from kg.sparql.formats import FORMATS, choose

SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".rdf": "rdfxml", ".html": "html"}
_PAGE_FORMATS = [f for f in FORMATS if f.name in ("turtle", "jsonld", "ntriples", "rdfxml")]


def choose_page_format(accept: str | None) -> str:
    """'html' or an RDF format name from ``Accept`` (q-values honoured; HTML when nothing is said).

    >>> choose_page_format("text/turtle"), choose_page_format("*/*"), choose_page_format("text/html;q=0, text/turtle;q=0.1")
    ('turtle', 'html', 'turtle')
    """
    offers = ["text/html", "application/xhtml+xml"] + [f.media_type for f in _PAGE_FORMATS]
    offers += [t for f in _PAGE_FORMATS for t in f.other_types]
    aliases = {"application/xhtml+xml": "text/html", **{t: f.media_type for f in _PAGE_FORMATS for t in f.other_types}}
    chosen = choose(offers, accept, aliases=aliases)
    if chosen is None:
        raise HTTPError(406, f"none of the accepted media types ({accept}) is offered: HTML, Turtle, JSON-LD, N-Triples or RDF/XML")
    if chosen in ("text/html", "application/xhtml+xml"):
        return "html"
    return next(f.name for f in _PAGE_FORMATS if chosen == f.media_type or chosen in f.other_types)


def _suffix(path: str) -> tuple[str, str | None]:
    for suffix, name in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], name
    return path, None


#: The highest page of incoming links asked for (``?incoming=N``).
MAX_PAGE = 100_000


def _page(request: Request) -> int:
    given = request.query_params.get("incoming")
    if given is None:
        return 1
    if not given.isdigit() or not 1 <= int(given) <= MAX_PAGE:
        raise HTTPError(400, f"incoming= takes a page number from 1 to {MAX_PAGE}")
    return int(given)


async def _document(server: Server, request: Request, task: str, *, cached: bool = False) -> Response:
    path, name = _suffix(request.url.path)
    negotiated = name is None
    name = name or choose_page_format(request.headers.get("accept"))
    job = Job(path, fmt=name, task=task, limits=server.limits(), page=_page(request) if task == "resource" else 1,
              negotiated=negotiated)
    answer = await (server.cached((task, path, name, negotiated), job) if cached else server.run(job))
    return answer_response(answer, request, {"Vary": "Accept"})


async def resource_page(server: Server, request: Request) -> Response:
    """``/id/...``: a resource's document (``?incoming=N``: its N-th page of incoming links)."""
    return await _document(server, request, "resource")


async def graph_page(server: Server, request: Request) -> Response:
    """``/graph/...``: a named graph's description (licence, title, triples)."""
    return await _document(server, request, "graph")


async def ontology_page(server: Server, request: Request) -> Response:
    """``/ontology``, ``/ontology.ttl``..., and the version IRI ``/ontology/<version>``."""
    return await _document(server, request, "ontology", cached=True)


async def shapes_page(server: Server, request: Request) -> Response:
    """``/shapes``: the SHACL shapes."""
    return await _document(server, request, "shapes", cached=True)


async def context_document(server: Server, request: Request) -> Response:
    """``/context.jsonld``: the JSON-LD context."""
    answer = await server.cached(("context",), Job("", task="context", limits=server.limits()))
    return answer_response(answer, request)


async def dump_file(server: Server, request: Request) -> Response:
    """``/dump/conflict-kg.<ext>``: the published graphs in one file (within the byte limit)."""
    job = Job(request.path_params["name"], task="dump", limits=server.limits())
    return answer_response(await server.run(job), request)


async def editor_page(server: Server, request: Request) -> Response:
    """The SPARQL editor (YASGUI) at ``/``: built once per store generation, with its own CSP."""
    from kg.server.editor import EDITOR_CSP

    answer = await server.cached(("editor",), Job("", task="editor", limits=server.limits()))
    return answer_response(answer, request, {"Content-Security-Policy": EDITOR_CSP})


async def static_file(server: Server, request: Request) -> Response:
    """The editor's scripts and styles (a fixed list of package files, see :data:`kg.server.editor.ASSETS`)."""
    from kg.server.editor import asset

    found = asset(request.path_params["name"])
    if found is None:
        raise HTTPError(404, "no such file")
    body, media, etag = found
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body if request.method != "HEAD" else b"", media_type=media, headers=headers)


async def query_page(server: Server, request: Request) -> Response:
    params = request.query_params
    text = params.get("query") or ""
    saved = params.get("saved")
    if len(text) > server.settings.max_body:
        raise HTTPError(414, f"query over {server.settings.max_body} characters (the server's --max-body)")
    job = Job(text, fmt=saved, task="page", base_iri=str(request.url.replace(path="/sparql", query="", fragment="")),
              limits=server.limits())
    return answer_response(await server.run(job), request, {"Vary": "Accept"})

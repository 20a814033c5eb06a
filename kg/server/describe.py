"""SPARQL 1.1 Service Description (at the endpoint) and VoID (at ``/.well-known/void``).

Both are built in the workers from the configured addresses (``--public-url``, default
``http://HOST:PORT/``), never from the request's ``Host`` header; VoID is cached per store
generation and format.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kg.server.requests import Server, answer_response, endpoint_url
from kg.server.work import Job
from kg.sparql.formats import choose


def wants_html(accept: str | None) -> bool:
    """Whether a browser asks (``text/html`` preferred over every RDF type)."""
    offers = ["text/html", "application/xhtml+xml", "text/turtle", "application/rdf+xml"]
    return bool(accept) and choose(offers, accept, aliases={"application/xhtml+xml": "text/html"}) in (
        "text/html", "application/xhtml+xml")


def _fmt(request: Request) -> str | None:
    formats = [v for k, v in request.query_params.multi_items() if k == "format"]
    return formats[0] if formats else None


async def service_description_response(server: Server, request: Request) -> Response:
    if wants_html(request.headers.get("accept")):
        return RedirectResponse("/query", status_code=303)
    job = Job("", accept=request.headers.get("accept"), fmt=_fmt(request), base_iri=endpoint_url(request),
              task="description", limits=server.limits())
    return answer_response(await server.run(job), request, {"Vary": "Accept"})


async def void_response(server: Server, request: Request) -> Response:
    accept, fmt = request.headers.get("accept"), _fmt(request)
    job = Job("", accept=accept, fmt=fmt, task="void", limits=server.limits())
    answer = await server.cached(("void", accept, fmt), job)
    return answer_response(answer, request, {"Vary": "Accept"})

"""What the request handlers share: errors, the parsed protocol request, the server state.

Nothing here depends on the input's size beyond reading it (the body is capped at
``--max-body`` and must arrive within ``--header-timeout``); every check of SPARQL text and
all work on the store happen in the workers (:mod:`kg.server.work`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kg.server.executor import Busy, QueryTimeout
from kg.server.settings import Settings
from kg.server.work import Answer, Job, Limits

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
    """What the request handlers share: the settings, the executor, a small cache of bodies."""

    settings: Settings
    executor: Any
    cache: dict[tuple[Any, ...], Answer] = field(default_factory=dict)
    failures: dict[str, list[float]] = field(default_factory=dict)
    location: str = ""  # the store folder ("" or ":memory:" for none)
    _modified: tuple[int, str] = (-1, "")

    def modified(self) -> str:
        """When the store last changed (the newest file of its folder; for a memory store, when an
        update last ran or the server started), as an ``xsd:dateTime`` in UTC; once per generation."""
        generation = self.executor.generation
        if self._modified[0] != generation:
            self._modified = (generation, store_modified(self.location))
        return self._modified[1]

    def limits(self) -> Limits:
        s = self.settings
        return Limits(max_rows=s.max_rows, max_bytes=s.max_result_bytes, max_nesting=s.max_nesting, base=s.base,
                      public=s.public, timeout=s.timeout, updates=s.updates_enabled,
                      include_restricted=s.include_restricted, modified=self.modified(), publisher=s.publisher)

    async def run(self, job: Job) -> Answer:
        """Run a job in the executor with the timeout; errors become :class:`HTTPError`."""
        timeout = self.settings.timeout
        try:
            return await anyio.to_thread.run_sync(self.executor.run, job, timeout, abandon_on_cancel=True)
        except QueryTimeout:
            raise HTTPError(503, f"query stopped: it ran longer than {timeout:g} s (the server's --timeout)") from None
        except Busy:
            raise HTTPError(503, "too many queries at once: try again shortly", {"Retry-After": "5"}) from None

    async def cached(self, key: tuple[Any, ...], job: Job) -> Answer:
        """Run ``job`` once per store generation (VoID, the ontology): small bodies, few keys."""
        full = (self.executor.generation, *key)
        if full not in self.cache:
            answer = await self.run(job)
            if answer.status >= 400:
                return answer
            if len(self.cache) > 64:
                self.cache.clear()
            self.cache[full] = answer
        return self.cache[full]


def store_modified(location: str) -> str:
    """The newest modification time of the files in a store folder (now for none), ``xsd:dateTime`` UTC."""
    import datetime as dt
    import os
    import time

    newest = 0.0
    if location and os.path.isdir(location):
        for entry in os.scandir(location):
            try:
                newest = max(newest, entry.stat().st_mtime)
            except OSError:
                continue
    stamp = dt.datetime.fromtimestamp(newest or time.time(), tz=dt.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- reading a protocol request ----------------------------------------------------------


@dataclass
class Operation:
    kind: str  # "query" | "update" | "none"
    text: str = ""
    params: list[tuple[str, str]] = field(default_factory=list)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.params if k == name]


async def read_body(request: Request, limit: int, seconds: float = 10.0) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPError(413, f"request body over {limit} bytes (the server's --max-body)")
    body = bytearray()
    try:
        with anyio.fail_after(seconds):
            async for chunk in request.stream():
                body.extend(chunk)
                if len(body) > limit:
                    raise HTTPError(413, f"request body over {limit} bytes (the server's --max-body)")
    except TimeoutError:
        raise HTTPError(408, f"the request body took longer than {seconds:g} s (the server's --header-timeout)") from None
    return bytes(body)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, f"{what} is not valid UTF-8 (the protocol requires UTF-8)") from None


async def read_operation(request: Request, max_body: int, seconds: float = 10.0) -> Operation:
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
    body = await read_body(request, max_body, seconds)
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


def endpoint_url(request: Request) -> str:
    """The endpoint's URL as requested (the Host is one of --allowed-host by then)."""
    return str(request.url.replace(query="", fragment=""))


def answer_response(answer: Answer, request: Request, headers: dict[str, str] | None = None) -> Response:
    """A worker's answer as a response (errors as one line of text)."""
    sent = dict(headers or {})
    sent.update(answer.headers)
    if answer.status >= 400:
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type)
    if answer.truncated:
        sent["KG-Truncated"] = answer.truncated
    body = answer.body
    if request.method == "HEAD":  # the GET's headers, Content-Length included (not 0), without the body
        sent["Content-Length"] = str(len(body))
        body = b""
    return Response(body, status_code=answer.status, headers=sent, media_type=answer.content_type)

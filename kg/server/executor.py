"""Run SPARQL queries where a runaway one can be stopped: worker processes.

pyoxigraph cannot cancel a query, so an on-disk store is queried by worker
processes, each holding ``pyoxigraph.Store.read_only(path)``. A query that outlives
its timeout gets its worker killed (and a fresh one started on the next request);
the server keeps serving. At most ``size`` queries run at once; more wait in line
for up to ``queue_timeout`` seconds, then get "busy".

An in-memory store cannot be shared with another process: :class:`ThreadExecutor`
runs its queries in threads, answers at the timeout, but the engine keeps working
on the abandoned query (and holds its slot) until it finishes. Serve a store folder
when the endpoint is open to queries you do not trust.
"""

from __future__ import annotations

import itertools
import json
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One query as the worker needs it (picklable)."""

    sparql: str
    accept: str | None = None
    fmt: str | None = None
    base_iri: str | None = None
    union: bool = True
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 10_000
    view: bool = False  # answer JSON for the HTML query page, whatever the result kind


@dataclass(frozen=True)
class Answer:
    """A finished response body, or an error (``status`` >= 400, ``body`` = the message)."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    kind: str = ""
    fmt: str = ""
    truncated: bool = False
    seconds: float = 0.0


class QueryTimeout(Exception):
    """The query ran past its timeout and was stopped."""


class Busy(Exception):
    """Every query slot stayed taken for the whole wait."""


def _error(status: int, message: str) -> Answer:
    return Answer(status, (" ".join(message.split()) + "\n").encode("utf-8"))


def execute(store: ox.Store, job: Job) -> Answer:
    """Run ``job`` on ``store``; serialize in the negotiated format, at most ``max_rows`` rows."""
    from kg.server.formats import NotAcceptable, negotiate
    from kg.sparql.results import Result

    started = time.perf_counter()
    options: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": job.base_iri}
    if job.default_graph is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graph]
    elif job.union:
        options["use_default_graph_as_union"] = True
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        raw = store.query(job.sparql, **options)
        truncated = False
        if isinstance(raw, ox.QueryBoolean):
            result = Result("ask", boolean=bool(raw))
        elif isinstance(raw, ox.QuerySolutions):
            names = [v.value for v in raw.variables]
            rows = [tuple(s[v] for v in names) for s in itertools.islice(raw, job.max_rows + 1)]
            truncated = len(rows) > job.max_rows
            result = Result("select", variables=names, rows=rows[: job.max_rows])
        else:
            triples = list(itertools.islice(raw, job.max_rows + 1))
            truncated = len(triples) > job.max_rows
            result = Result("graph", triples=triples[: job.max_rows])
    except SyntaxError as err:
        return _error(400, f"SPARQL syntax error: {err}")
    except (OSError, RuntimeError, ValueError) as err:
        return _error(500, f"SPARQL query failed: {err}")
    if job.view:
        body = _view(result)
        return Answer(200, body, "application/json", result.kind, "view", truncated, time.perf_counter() - started)
    try:
        fmt = negotiate(result.kind, accept=job.accept, fmt=job.fmt)
    except NotAcceptable as err:
        return _error(406, str(err))
    body = serialize(result, fmt.name)
    return Answer(200, body, fmt.content_type, result.kind, fmt.name, truncated, time.perf_counter() - started)


_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def serialize(result: Any, name: str) -> bytes:
    """A :class:`kg.sparql.query.Result` as bytes in the format called ``name``."""
    if result.kind != "graph":
        return result.to_string(name).encode("utf-8")
    engine = _GRAPH_FORMATS[name]
    items: list[Any] = result.triples
    if name in ("trig", "nquads"):
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in items]
    prefixes = PREFIXES if name in ("turtle", "trig", "rdfxml", "jsonld") else None
    return ox.serialize(items, format=engine, prefixes=prefixes) or b""


def _view(result: Any) -> bytes:
    from kg.sparql.results import _json_term

    if result.kind == "graph":
        rows = [[_json_term(t.subject), _json_term(t.predicate), _json_term(t.object)] for t in result.triples]
        return json.dumps({"head": {"vars": ["subject", "predicate", "object"]}, "rows": rows}).encode()
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}).encode()
    table: list[list[Any]] = [[None if t is None else _json_term(t) for t in row] for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "rows": table}).encode()


# -- worker processes --------------------------------------------------------------------


def _worker_main(conn: Any, path: str) -> None:  # pragma: no cover - runs in the child
    try:
        store = ox.Store.read_only(path)
    except OSError as err:
        conn.send(_error(500, f"cannot open the store read-only: {err}"))
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            answer = execute(store, job)
        except Exception as err:  # never let one query take the worker down silently
            answer = _error(500, f"{type(err).__name__}: {err}")
        conn.send(answer)


class _Worker:
    def __init__(self, path: str, generation: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, path), name="kg-serve-worker", daemon=True)
        self.process.start()
        child.close()
        self.generation = generation
        self._ready = False

    def wait_ready(self, timeout: float = 60.0) -> None:
        if self._ready:
            return
        if not self.conn.poll(timeout):
            raise RuntimeError("a query worker did not start")
        message = self.conn.recv()
        if isinstance(message, Answer):
            raise RuntimeError(message.body.decode().strip())
        self._ready = True

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class ProcessExecutor:
    """Queries in ``size`` killable worker processes over a read-only view of a store folder."""

    def __init__(self, path: str, *, size: int, queue_timeout: float, max_waiting: int = 64) -> None:
        self.path = path
        self.size = size
        self.queue_timeout = queue_timeout
        self.max_waiting = max_waiting
        self.generation = 0
        self.kills = 0
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._waiting = 0
        self._closed = False

    def start(self) -> None:
        """Start every worker now (otherwise they start on first use)."""
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready()
        with self._lock:
            self._idle.extend(workers)

    def _spawn(self) -> _Worker:
        return _Worker(self.path, self.generation)

    def stale(self) -> None:
        """The store changed (an update): workers reopen it before their next query."""
        with self._lock:
            self.generation += 1

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._idle if w.process.pid]

    def run(self, job: Job, timeout: float) -> Answer:
        """Run ``job``; :raises QueryTimeout:, :raises Busy:."""
        with self._lock:
            if self._waiting >= self.max_waiting + self.size:
                raise Busy()
            self._waiting += 1
        try:
            if not self._slots.acquire(timeout=self.queue_timeout):
                raise Busy()
        finally:
            with self._lock:
                self._waiting -= 1
        try:
            return self._run(job, timeout)
        finally:
            self._slots.release()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.generation == self.generation and worker.process.is_alive():
                    return worker
                worker.kill()
        worker = self._spawn()
        worker.wait_ready()
        return worker

    def _run(self, job: Job, timeout: float) -> Answer:
        worker = self._take()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                worker.kill()
                self.kills += 1
                log.warning("query stopped after %.1f s (worker %s killed)", timeout, worker.process.pid)
                threading.Thread(target=self._replace, name="kg-worker-respawn", daemon=True).start()
                raise QueryTimeout()
            answer = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as err:
            worker.kill()
            return _error(500, f"the query worker died ({err or 'no answer'}); it has been restarted")
        with self._lock:
            if self._closed or worker.generation != self.generation:
                worker.kill()
            else:
                self._idle.append(worker)
        return answer

    def _replace(self) -> None:
        """Start a worker in place of a killed one, so the next query does not wait for it."""
        try:
            worker = self._spawn()
            worker.wait_ready()
        except Exception:  # the next request spawns one itself
            log.exception("could not start a replacement query worker")
            return
        with self._lock:
            if self._closed:
                worker.kill()
            else:
                self._idle.append(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._idle = self._idle, []
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
            worker.kill()


class ThreadExecutor:
    """Queries in threads on a store this process holds (``:memory:``); cannot stop a query."""

    def __init__(self, store_getter: Callable[[], ox.Store], *, size: int, queue_timeout: float) -> None:
        self._store = store_getter
        self.size = size
        self.queue_timeout = queue_timeout
        self.generation = 0
        self.kills = 0
        self._slots = threading.BoundedSemaphore(size)
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="kg-query")

    def start(self) -> None:
        pass

    def stale(self) -> None:
        self.generation += 1

    def pids(self) -> list[int]:
        return []

    def run(self, job: Job, timeout: float) -> Answer:
        if not self._slots.acquire(timeout=self.queue_timeout):
            raise Busy()
        future = self._pool.submit(execute, self._store(), job)
        future.add_done_callback(lambda _: self._slots.release())  # the slot is held until the engine stops
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            raise QueryTimeout() from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

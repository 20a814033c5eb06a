"""Run every request's work where a runaway one can be stopped: worker processes.

pyoxigraph cannot cancel a query, so an on-disk store is read by worker processes, each
holding ``pyoxigraph.Store.read_only(path)`` (reopened before a job when the folder changed,
:func:`kg.store.lock.version`: a ``kg import`` from another terminal shows without a restart), and written (SPARQL Update, with the token) by
one writer process holding the store open for writing. A job that outlives its timeout
gets its worker killed (and a fresh one started); a worker that crashes (a stack overflow, a
memory cap) is replaced: the server keeps serving. Workers are confined before they open
the store (:mod:`kg.server.sandbox`: no network, ``--max-memory``). At most ``size`` jobs
run at once; more wait in line for up to ``queue_timeout`` seconds, then get "busy".

An in-memory store cannot be shared with another process: :class:`ThreadExecutor` runs its
jobs in threads, answers at the timeout, but the engine keeps working on the abandoned job
(and holds its slot) until it finishes, without sandbox. Serve a store folder when the
endpoint is open to queries you do not trust.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import pyoxigraph as ox

from kg.server.tasks import execute
from kg.server.work import Answer, Job, error

log = logging.getLogger(__name__)

__all__ = ["Answer", "Busy", "Job", "ProcessExecutor", "QueryTimeout", "ThreadExecutor"]


class QueryTimeout(Exception):
    """The job ran past its timeout and was stopped."""


class Busy(Exception):
    """Every slot stayed taken for the whole wait."""


_error = error


# -- worker processes --------------------------------------------------------------------


def _worker_main(conn: Any, path: str, writer: bool, sandbox: bool, max_memory: int | None) -> None:  # pragma: no cover - child
    from kg.server.sandbox import confine
    from kg.store.lock import version

    confined = confine(network=sandbox, max_memory=max_memory)
    graph = None
    try:
        if writer:
            import kg.store.graph as kg_graph

            graph = kg_graph.open(path)
            store = graph.store
        else:
            seen = version(path)
            store = ox.Store.read_only(path)
    except Exception as err:
        conn.send(_error(500, f"cannot open the store{'' if writer else ' read-only'}: {err}"))
        return
    conn.send(("ready", confined))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        if job is None:
            break
        if not writer and version(path) != seen:  # another process wrote (kg import, the writer): look again
            del store
            seen = version(path)
            store = ox.Store.read_only(path)
        try:
            answer = execute(store, job)
            if writer and answer.status < 300:
                store.flush()
        except Exception as err:  # never let one job take the worker down silently
            answer = _error(500, f"{type(err).__name__}: {err}")
        conn.send(answer)
    if graph is not None:
        graph.close()


class _Worker:
    def __init__(self, path: str, generation: int, *, writer: bool = False, sandbox: bool = True,
                 max_memory: int | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        name = "kg-serve-writer" if writer else "kg-serve-worker"
        self.process = context.Process(target=_worker_main, args=(child, path, writer, sandbox, max_memory), name=name, daemon=True)
        self.process.start()
        child.close()
        self.generation = generation
        self._ready = False
        self.confined: dict[str, str] = {}

    def wait_ready(self, timeout: float = 60.0) -> None:
        if self._ready:
            return
        if not self.conn.poll(timeout):
            raise RuntimeError("a worker did not start")
        message = self.conn.recv()
        if isinstance(message, Answer):
            raise RuntimeError(message.body.decode().strip())
        self.confined = message[1]
        self._ready = True

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class ProcessExecutor:
    """Queries in ``size`` killable worker processes over a read-only view of a store folder."""

    def __init__(self, path: str, *, size: int, queue_timeout: float, max_waiting: int = 64, writer: bool = False,
                 sandbox: bool = True, max_memory: int | None = None) -> None:
        self.path = path
        self.writer = writer
        self.sandbox = sandbox
        self.max_memory = max_memory
        self.confined: dict[str, str] = {}
        self._writer: _Worker | None = None
        self._write_lock = threading.Lock()
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
        self.confined = workers[0].confined if workers else {}
        for what, reason in self.confined.items():
            if reason:
                log.warning("workers run without the %s confinement: %s", what, reason)
        with self._lock:
            self._idle.extend(workers)
        if self.writer:
            with self._write_lock:
                self._writer = self._spawn(writer=True)
                self._writer.wait_ready()

    def _spawn(self, *, writer: bool = False) -> _Worker:
        return _Worker(self.path, self.generation, writer=writer, sandbox=self.sandbox, max_memory=self.max_memory)

    def stale(self) -> None:
        """The store changed (an update): workers reopen it before their next query."""
        with self._lock:
            self.generation += 1

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._idle if w.process.pid]

    def run(self, job: Job, timeout: float) -> Answer:
        """Run ``job``; :raises QueryTimeout:, :raises Busy:."""
        if job.task == "update":
            return self._update(job, timeout)
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
            if self.max_memory and worker.process.exitcode == -signal.SIGABRT:
                # an allocation refused by the RLIMIT_AS cap aborts the engine: the query's limit, not a fault
                return _error(503, f"the query needed more memory than this server allows a query "
                                   f"({self.max_memory // 2**20} MiB, --max-memory) and was stopped; narrow it "
                                   "(a LIMIT, fewer unbound patterns) or ask the server's operator")
            return _error(500, f"the query worker died ({err or 'no answer'}); it has been restarted")
        with self._lock:
            if self._closed or worker.generation != self.generation:
                worker.kill()
            else:
                self._idle.append(worker)
        return answer

    def _update(self, job: Job, timeout: float) -> Answer:
        """Updates run one at a time in the writer process; read workers reopen the store after."""
        if not self.writer:
            return _error(403, "this endpoint is read-only")
        if not self._write_lock.acquire(timeout=self.queue_timeout):
            raise Busy()
        try:
            worker = self._writer
            if worker is None or not worker.process.is_alive():
                if worker is not None:
                    worker.kill()
                worker = self._writer = self._spawn(writer=True)
                worker.wait_ready()
            try:
                worker.conn.send(job)
                if not worker.conn.poll(timeout):
                    worker.kill()
                    self._writer = None
                    self.kills += 1
                    log.warning("update stopped after %.1f s (writer %s killed; nothing was written)", timeout, worker.process.pid)
                    raise QueryTimeout()
                answer: Answer = worker.conn.recv()
            except (EOFError, OSError) as err:
                worker.kill()
                self._writer = None
                return _error(500, f"the update worker died ({err or 'no answer'}); nothing was written; it has been restarted")
            return answer
        finally:
            self.stale()
            self._write_lock.release()

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
        if self._writer is not None:
            workers.append(self._writer)
            self._writer = None
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
        self._write_lock = threading.Lock()
        self.confined = {"network": "not available for :memory: (threads)", "memory": "not available for :memory: (threads)"}

    def start(self) -> None:
        pass

    def stale(self) -> None:
        self.generation += 1

    def pids(self) -> list[int]:
        return []

    def run(self, job: Job, timeout: float) -> Answer:
        if not self._slots.acquire(timeout=self.queue_timeout):
            raise Busy()
        future = self._pool.submit(self._execute, job)
        future.add_done_callback(lambda _: self._slots.release())  # the slot is held until the engine stops
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            raise QueryTimeout() from None

    def _execute(self, job: Job) -> Answer:
        if job.task != "update":
            return execute(self._store(), job)
        with self._write_lock:
            try:
                return execute(self._store(), job)
            finally:
                self.stale()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

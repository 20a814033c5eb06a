"""KnowledgeGraph: the store every command works on (Oxigraph on disk, or in memory).

>>> graph = open(":memory:")
>>> graph.update('INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> a <https://example.org/B> } }')
>>> graph.count_quads()
1
>>> graph.query("ASK { ?s a ?c }").boolean
True
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.base.errors import QueryError, StoreError, UsageError
from kg.base.namespaces import CKG, PREFIXES
from kg.sparql.params import bind_parameters
from kg.sparql.results import Result
from kg.store import generation, journal, lock

if TYPE_CHECKING:
    from kg.store.remote import RemoteBackend

log = logging.getLogger(__name__)

MEMORY = ":memory:"
DEFAULT_STORE = "kg-store"
STORE_ENV = "KG_STORE"


def default_location() -> str:
    """The store named by ``$KG_STORE``, else ``./kg-store``."""
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


def open(  # noqa: A001
    location: str | os.PathLike[str] | None = None,
    *,
    update_url: str | None = None,
    graph_store_url: str | None = None,
    read_only: bool = False,
    wait: float | None = None,
    auto_refresh: bool = False,
) -> KnowledgeGraph:
    """Open the knowledge graph at ``location``: a folder (embedded Oxigraph) or ``:memory:``.

    ``None`` means ``$KG_STORE`` or ``./kg-store``. The folder is created if missing.

    One process writes a folder at a time; any number read it meanwhile:

    - ``read_only=True`` opens a view of the folder as it is now, beside a writer (``kg serve``,
      an import...). It does not see later writes until :meth:`KnowledgeGraph.refresh` (or, with
      ``auto_refresh=True``, before every operation once the store changed); writes through it
      raise :class:`StoreError`.
    - otherwise the store is opened for writing: if another process writes it, this waits up to
      ``wait`` seconds (``None``: ``$KG_WAIT``, default 5) and then fails with one line naming
      that process (see :mod:`kg.store.lock`).

    An ``http(s)://`` URL names a SPARQL 1.1 server's query endpoint (see :mod:`kg.store.remote`;
    ``update_url``/``graph_store_url`` override the derived endpoints); its set-up is checked on
    first use. ``read_only`` refuses writes to it in this process.

    :raises StoreError: if the folder cannot be opened (e.g. another writer kept it past ``wait``).
    :raises UsageError: for a URL that is not http(s), or a ``KG_WAIT`` that is not a number.
    """
    where = str(location) if location is not None else default_location()
    if where == MEMORY:
        return KnowledgeGraph(ox.Store(), location=MEMORY)
    if "://" in where:
        if not where.startswith(("http://", "https://")):
            raise UsageError(f"{where}: a remote store is an http(s):// SPARQL query endpoint")
        from kg.store.remote import RemoteBackend

        backend = RemoteBackend(where, update_url=update_url, graph_store_url=graph_store_url)
        return KnowledgeGraph(backend, location=where, read_only=read_only)
    path = Path(where)
    if path.exists() and not path.is_dir():
        raise StoreError("not a store folder: give a directory path for --store/KG_STORE", path=where)
    if read_only:
        if not (path / "CURRENT").exists():  # no store yet: create an empty one, as a writer would
            open(path, wait=wait).close()
        view = _open_view(path)
        return KnowledgeGraph(view, location=str(path), read_only=True, auto_refresh=auto_refresh)
    writer = lock.WriterLock.acquire(path, wait=wait)
    try:
        store = _open_for_writing(path, wait)
        recovered = _recover(store, path)
    except BaseException:
        writer.release()
        raise
    graph = KnowledgeGraph(store, location=str(path), writer=writer)
    graph.recovered = recovered
    lock.bump(path)  # readers opened before a crashed writer's leftovers reopen once
    return graph


def _recover(store: ox.Store, path: Path) -> str | None:
    """Roll back what a killed writer left half-written (see :mod:`kg.store.journal`), saying so."""
    try:
        message = journal.recover(store, path)
    except OSError as err:
        raise StoreError(
            f"cannot roll back an interrupted write ({_one_line(err)}): queries ignore it meanwhile; "
            "free some disk space and run the command again",
            path=str(path),
        ) from None
    if message:
        log.warning("%s: %s", path, message)
    return message


def _open_view(path: Path) -> ox.Store:
    """A read-only view that has read the journal once: a view opened just before a writer's
    compaction deletes a file it lists fails on its first read (``No such file``), so it is opened
    again, as :func:`_open_read_only` retries the open itself."""
    for attempt in range(20):
        view = _open_read_only(path)
        try:
            _note_leftovers(view, path)
            return view
        except OSError as err:
            del view
            if attempt == 19:
                raise StoreError(f"cannot read the store: {_one_line(err)}", path=str(path)) from None
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _note_leftovers(store: ox.Store, path: Path) -> None:
    """A reader finding a killed writer's staged graphs: hidden from its queries; say who cleans up."""
    entries = journal.pending(store)
    if entries and lock.holder(path) is None:
        what = " and ".join(sorted(set(entries.values())))
        log.warning("%s: an interrupted %s is hidden from queries; the next write to the store rolls it back", path, what)


def _open_for_writing(path: Path, wait: float | None) -> ox.Store:
    """``ox.Store(path)``, retried while something that is not kg holds RocksDB's own lock."""
    deadline = time.monotonic() + lock.wait_seconds(wait)
    while True:
        try:
            return ox.Store(str(path))
        except OSError as err:
            if "lock" not in str(err).lower():
                raise StoreError(f"cannot open the store: {_one_line(err)}", path=str(path)) from None
            if time.monotonic() >= deadline:
                pid = lock.rocksdb_lock_owner(path)
                if pid == os.getpid():
                    who = "this process (a store object still in use after close()?)"
                elif pid:
                    who = f"pid {pid} ({lock.process_command(pid) or 'not a kg command'})"
                else:
                    who = "another program (not kg: e.g. oxigraph serve on this folder)"
                raise StoreError(lock.busy_message(who, lock.wait_seconds(wait)), path=str(path)) from None
            time.sleep(0.1)


def _open_read_only(path: Path) -> ox.Store:
    """``ox.Store.read_only(path)``, retried briefly: opening races a writer's compaction (a file
    listed in the manifest is deleted before it is opened), which RocksDB reports as corruption."""
    for attempt in range(20):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as err:  # pyoxigraph raises RuntimeError("Corruption: ...") for the race
            if attempt == 19:
                raise StoreError(f"cannot open the store read-only: {_one_line(err)}", path=str(path)) from None
            time.sleep(0.05)
    raise AssertionError("unreachable")


class KnowledgeGraph:
    """A conflict knowledge graph backed by a pyoxigraph ``Store``.

    Queries see the union of all named graphs as their default graph, with the
    project's standard prefixes predeclared (``ckg:``, ``prov:``, ``actor:``...).
    """

    def __init__(
        self,
        store: ox.Store | RemoteBackend,
        *,
        location: str,
        read_only: bool = False,
        auto_refresh: bool = False,
        writer: lock.WriterLock | None = None,
    ) -> None:
        self._engine: ox.Store | RemoteBackend | None = store
        self.location = location
        self._subclasses: dict[str, list[str]] = {}  # read from the ontology; forgotten on every write
        self._read_only = read_only
        self._auto_refresh = auto_refresh
        self._writer = writer
        on_disk = isinstance(store, ox.Store) and location != MEMORY
        self._version = lock.version(location) if on_disk and read_only else None
        self._staged: set[str] = set()  # graphs of this handle's staged write: its own queries see them
        self._writes = 0  # writes through this handle: the generation of an in-memory store
        self._in_memory = isinstance(store, ox.Store) and (location == MEMORY or not Path(location).is_dir())
        #: What opening the store rolled back (one line), if a killed writer had left a write half-done.
        self.recovered: str | None = None

    @property
    def read_only(self) -> bool:
        """Whether writes are refused (a view opened with ``kg.open(..., read_only=True)``)."""
        return self._read_only

    @property
    def is_remote(self) -> bool:
        """Whether the store is a SPARQL server reached over HTTP."""
        from kg.store.remote import RemoteBackend

        return isinstance(self._engine, RemoteBackend)

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self.location!r})"

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def store(self) -> ox.Store:
        """The underlying pyoxigraph store of an embedded graph (engine-level work).

        :raises StoreError: for a remote store.
        """
        engine = self._store
        if not isinstance(engine, ox.Store):
            raise StoreError("this needs an embedded store (a folder or :memory:), not a SPARQL server", path=self.location)
        return engine

    @property
    def _store(self) -> Any:
        if self._engine is None:
            raise StoreError("the store is closed: open it again with kg.open()", path=self.location)
        if self._auto_refresh:
            self.refresh()
        return self._engine

    def close(self) -> None:
        """Flush to disk and release the store's lock (safe to call twice)."""
        if isinstance(self._engine, ox.Store) and self.location != MEMORY and not self._read_only:
            try:
                self._engine.flush()
            except OSError as err:  # e.g. a full disk: every commit is in the write-ahead log already
                log.warning("%s: could not flush the store (%s)", self.location, _one_line(err))
            finally:
                lock.bump(self.location)
        if self.location != MEMORY:
            self._engine = None  # dropping the last reference releases RocksDB's lock
        if self._writer is not None:
            self._writer.release()
            self._writer = None

    @property
    def in_memory(self) -> bool:
        """Whether the store lives in this process only (``:memory:``, a snapshot view)."""
        return self._in_memory

    def generation(self) -> str:
        """The store's generation stamp (:mod:`kg.store.generation`): a token every write replaces
        once created (``""``: none yet). An in-memory store counts its writes instead."""
        engine = self._store
        if self._in_memory:
            return f"memory:{id(engine):x}:{self._writes}"
        if isinstance(engine, ox.Store):
            return generation.read(engine)
        rows = self.query(generation.READ_QUERY).records()
        return str(rows[0]["g"]) if rows else ""

    # -- readers beside a writer ----------------------------------------------------------

    def changed(self) -> bool:
        """Whether the folder was written since this read-only view was opened (or refreshed).

        Always ``False`` for a writable, in-memory or remote store (they see every write).
        """
        return self._version is not None and lock.version(self.location) != self._version

    def refresh(self) -> bool:
        """Reopen a read-only view if the store changed since it was opened; ``True`` if it did.

        A read-only view shows the folder as it was when opened (RocksDB read-only mode); call
        this between requests of a long-lived reader such as a server, or open with
        ``auto_refresh=True`` to have it done before every operation.
        """
        if self._engine is None or not self.changed():
            return False
        seen = lock.version(self.location)
        self._engine = _open_read_only(Path(self.location))
        self._version = seen  # taken before reopening: a write in between shows up next time
        self._subclasses.clear()
        return True

    def _check_writable(self) -> None:
        if self._read_only:
            raise StoreError(
                "the store was opened read-only (a reader beside a writer): open it for writing to change it",
                path=self.location,
            )

    def _written(self) -> None:
        """After a write: readers of the folder see a new :func:`kg.store.lock.version`."""
        self._writes += 1
        if self._writer is not None:
            lock.bump(self.location)

    # -- reading --------------------------------------------------------------------------

    def query(self, sparql: str, *, params: Mapping[str, Any] | None = None) -> Result:
        """Run a SPARQL query; ``params`` bind variables to RDF terms (never pasted as text).

        For a bi-temporal view (``as_of``/``known_on``) use :func:`kg.query`.

        :raises QueryError: for a syntax error or a bad parameter.
        """
        raw = self.raw_query(bind_parameters(sparql, params or {}))
        if isinstance(raw, Result):  # a remote store's answer, read whole
            return raw
        if isinstance(raw, (ox.QueryBoolean, bool)):
            return Result("ask", boolean=bool(raw))
        if isinstance(raw, ox.QuerySolutions):
            variables = [v.value for v in raw.variables]
            rows = [tuple(solution[v] for v in variables) for solution in raw]
            return Result("select", variables=variables, rows=rows)
        return Result("graph", triples=list(raw))

    def raw_query(self, sparql: str) -> Any:
        """Run SPARQL on the engine with our prefixes and the union default graph."""
        engine = self._store
        if not isinstance(engine, ox.Store):
            return engine.query(sparql, prefixes=PREFIXES)
        try:
            return engine.query(sparql, prefixes=PREFIXES, **journal.dataset(engine, self._staged))
        except SyntaxError as err:
            raise QueryError(f"SPARQL syntax error: {_one_line(err)}") from None
        except OSError as err:
            raise StoreError(f"cannot read the store: {err}", path=self.location) from None
        except RuntimeError as err:  # evaluation error raised by the engine
            raise QueryError(f"SPARQL query failed: {_one_line(err)}") from None

    def subclasses(self, top: str) -> list[str]:
        """IRIs of ``ckg:<top>`` and every class below it in the store's ontology, sorted; read
        once between writes (see :mod:`kg.contract.classes` for why queries use the list, not a path)."""
        if top not in self._subclasses:
            rows = self.query(f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* <{CKG[top]}> }}").records()
            self._subclasses[top] = sorted({str(row["c"]) for row in rows} | {str(CKG[top])})
        return list(self._subclasses[top])

    def count_quads(self) -> int:
        """How many quads the store holds."""
        engine = self._store
        if not isinstance(engine, ox.Store):
            meta = 1 if self.generation() else 0  # the stamp (kg.store.generation) is bookkeeping, not data
            return engine.count() - meta
        meta = generation.meta_quads(engine)
        if not journal.hidden(engine, self._staged):
            return len(engine) - meta
        named = int(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").scalar())
        return named - meta + sum(1 for _ in engine.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        engine = self._store
        if not isinstance(engine, ox.Store):
            return sorted(g for g in engine.named_graphs() if g != generation.META_GRAPH)
        hide = journal.hidden(engine, self._staged) | {generation.META_GRAPH}
        return sorted(g.value for g in engine.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in hide)

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        """All quads, or those of one named graph (never the generation stamp's, :mod:`kg.store.generation`)."""
        engine = self._store
        if not isinstance(engine, ox.Store):
            if graph:
                return iter(()) if graph == generation.META_GRAPH else engine.quads(graph)
            return (q for q in engine.quads(None) if not generation.is_meta(q.graph_name))
        hide = journal.hidden(engine, self._staged) | {generation.META_GRAPH}
        if graph:
            return iter(()) if graph in hide else engine.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        everything = engine.quads_for_pattern(None, None, None, None)
        return (q for q in everything if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in hide))

    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads: in one transaction, or (``bulk``) streamed for large loads.

        A remote store receives them in batches over the Graph Store Protocol.
        """
        self._check_writable()
        self._subclasses.clear()
        engine = self._store
        try:
            if not isinstance(engine, ox.Store):
                engine.extend(quads)
            elif bulk:
                engine.bulk_extend(quads)
            else:
                engine.extend(quads)
            if not self._staged:  # a staged write bumps the stamp when it publishes
                engine.update(generation.bump_update(), prefixes={})
        except OSError as err:
            raise StoreError(f"cannot write the store: {err}", path=self.location) from None
        finally:
            self._written()

    # -- writing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def staged(self, what: str, graphs: Iterable[str]) -> Iterator[Stage]:
        """Write ``graphs`` (any size, e.g. with ``add_quads(bulk=True)``) so that no query sees
        them until :meth:`Stage.publish` commits them in one transaction with a final update.

        Until then other processes' queries ignore them (this handle's own queries see them);
        an exception inside the block drops them (the store is as before), and a killed process
        leaves them to the next writable open, which drops them and says so in one line (see
        :mod:`kg.store.journal`). ``what`` names the write in that line ("import of icews-x").
        Leaving the block without publishing rolls back too.

        A remote store gets no journal: the graphs are dropped on an error, as before.

        :raises StoreError: if a staged write is already open on this handle, or the store
            cannot be written.
        """
        self._check_writable()
        if self._staged:
            raise StoreError("a staged write is already in progress on this store handle", path=self.location)
        names = [str(g) for g in graphs]
        engine = self._store
        journaled = isinstance(engine, ox.Store)
        if journaled:
            try:
                journal.begin(engine, what, names)
            except OSError as err:
                raise StoreError(f"cannot write the store: {_one_line(err)}", path=self.location) from None
        self._staged = set(names)
        stage = Stage(self, names, journaled)
        try:
            yield stage
        except BaseException:
            self._staged = set()
            stage.rollback()
            raise
        self._staged = set()
        if not stage.published:
            stage.rollback()

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction (all or nothing).

        :raises QueryError: for a syntax error; :raises StoreError: if the write fails.
        """
        self._run_update(sparql, bump=True)

    def _run_update(self, sparql: str, *, bump: bool) -> None:
        """:meth:`update`; without ``bump`` the generation stamp stays (for an update that leaves
        what queries see as it was: a staged write rolled back)."""
        self._check_writable()
        self._subclasses.clear()
        engine = self._store
        run = _update_and_bump if bump else _update_only
        if not isinstance(engine, ox.Store):
            run(engine, sparql)
            self._written()
            return
        try:
            run(engine, sparql)
            self._written()
        except SyntaxError as err:
            raise QueryError(f"SPARQL update syntax error: {_one_line(err)}") from None
        except OSError as err:
            raise StoreError(f"cannot write the store: {err}", path=self.location) from None
        except RuntimeError as err:  # the engine refused an operation; nothing was written
            raise QueryError(f"SPARQL update failed: {_one_line(err)}") from None


class Stage:
    """A staged write in progress (:meth:`KnowledgeGraph.staged`)."""

    def __init__(self, graph: KnowledgeGraph, graphs: list[str], journaled: bool) -> None:
        self._graph = graph
        self.graphs = graphs
        self._journaled = journaled
        self.published = False

    def publish(self, update: str = "") -> None:
        """Run ``update`` (e.g. ``MOVE`` a staging graph to its place) and make the staged graphs
        visible, in one transaction: after a crash the store holds all of it or none of it."""
        text = journal.publish_update(update) if self._journaled else update
        if text.strip():
            self._graph.update(text)
        self.published = True
        if self._journaled:
            with contextlib.suppress(OSError):  # durable now; a lost flush can only lose it whole
                self._graph.store.flush()

    def rollback(self) -> None:
        """Drop the staged graphs (and the journal) in one transaction. If that fails too (a
        full disk), the journal keeps them hidden and the next writable open drops them."""
        if self.published:
            return
        self.published = True  # never twice
        if self._journaled:
            text = journal.rollback_update(self.graphs)
        else:
            text = " ; ".join(f"DROP SILENT GRAPH <{g}>" for g in self.graphs)
        # journaled, no other query saw the staged graphs: the stamp stays, and any index with it; a
        # remote store's queries may have seen them (an index built meanwhile), so its stamp moves
        try:
            self._graph._run_update(text, bump=not self._journaled)  # noqa: SLF001 - the store's own staged write
        except (StoreError, QueryError) as err:
            log.warning("%s: the staged write is not rolled back yet (%s); the next write to the store will", self._graph.location, err)


def _update_only(engine: Any, sparql: str) -> None:
    engine.update(sparql, prefixes=PREFIXES)


def _update_and_bump(engine: Any, sparql: str) -> None:
    """Run ``sparql`` and replace the generation stamp, in one transaction (one update request).

    An update that is valid alone but not followed by another (one ending in ``;``) runs alone,
    then the stamp is replaced by a second update; a syntax error is the update's own.
    """
    try:
        engine.update(generation.with_bump(sparql), prefixes=PREFIXES)
        return
    except (SyntaxError, QueryError):  # QueryError: a remote server refusing the combined text
        pass
    engine.update(sparql, prefixes=PREFIXES)
    engine.update(generation.bump_update(), prefixes={})


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())

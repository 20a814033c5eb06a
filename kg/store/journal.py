"""Crash-safe writes: a write either completes or leaves the store exactly as it was.

A single SPARQL update or ``add_quads`` without ``bulk`` is one Oxigraph transaction: a killed
process, a full disk or a power cut leaves all of it or none of it. A large load cannot be one
transaction (the bulk loader commits batch by batch), so it is *staged*
(:meth:`kg.store.graph.KnowledgeGraph.staged`):

1. **begin**: one small transaction records the graphs about to be written in the journal graph
   ``<urn:x-conflict-kg:journal>`` of the store itself (``<graph> journal:pending "import of x"``),
   and the store is flushed to disk, so the record is durable before the first staged quad;
2. **load**: the quads go into those graphs, in as many batches as needed. Queries never see a
   graph the journal names (:func:`dataset`), in this process or any reader of the folder,
   because the record and the data are read from the same snapshot of the store;
3. **publish**: one transaction makes the write visible: the caller's update (a ``MOVE`` of a
   staging graph, the derived edges...) and the removal of the journal graph, together.

On an error the staged graphs and the journal record are dropped in one transaction. If the
process dies instead (SIGKILL, OOM, power cut) or the rollback itself fails (disk full), the
journal stays: queries still ignore the half-written graphs, and the next writable open rolls
them back before anything else (:func:`recover`) and logs one line,
``rolled back an interrupted import of icews-train (248,510 quads)``.

Without a journal graph (every store between writes) a query costs one key lookup more
than before (:func:`hidden`); with one, queries name the committed graphs explicitly.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> dataset(store)
{'use_default_graph_as_union': True}
>>> begin(store, "import of x", ["https://example.org/g"])
>>> store.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"), ox.Literal("1"), ox.NamedNode("https://example.org/g")))
>>> bool(store.query("ASK { ?s ?p ?o }", **dataset(store)))
False
>>> recover(store)
'rolled back an interrupted import of x (1 quad)'
>>> len(store), dataset(store)
(0, {'use_default_graph_as_union': True})
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

log = logging.getLogger(__name__)

#: The graph recording writes in progress; it exists only while one is (or a crash left one).
JOURNAL_GRAPH = "urn:x-conflict-kg:journal"
#: ``<graph> <PENDING> "what is being written"``: the graph is staged, not yet published.
PENDING = "urn:x-conflict-kg:journal#pending"

_JOURNAL = ox.NamedNode(JOURNAL_GRAPH)
_PENDING = ox.NamedNode(PENDING)


def pending(store: ox.Store) -> dict[str, str]:
    """The staged graphs the journal names, each with what was writing it (empty: none)."""
    if not store.contains_named_graph(_JOURNAL):
        return {}
    return {
        quad.subject.value: quad.object.value
        for quad in store.quads_for_pattern(None, _PENDING, None, _JOURNAL)
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal)
    }


def hidden(store: ox.Store, own: Collection[str] = ()) -> set[str]:
    """Graphs queries must not see: the journal and the graphs it names, except ``own`` (the
    staged graphs of this process's write in progress, which it reads back: then the journal is
    its own bookkeeping, and its queries keep the fast union). Usually empty, for the price of
    one key lookup."""
    if not store.contains_named_graph(_JOURNAL):
        return set()
    staged = set(pending(store))
    if own and staged <= set(own):
        return set()
    return ({JOURNAL_GRAPH} | staged) - set(own)


def dataset(store: ox.Store, own: Collection[str] = ()) -> dict[str, Any]:
    """Keyword arguments for ``Store.query``: the union of every graph as the default graph, or,
    while staged graphs exist, of the committed ones only (and only those for ``GRAPH ?g``)."""
    hide = hidden(store, own)
    if not hide:
        return {"use_default_graph_as_union": True}
    named = [g for g in store.named_graphs() if not (isinstance(g, ox.NamedNode) and g.value in hide)]
    return {"default_graph": [ox.DefaultGraph(), *named], "named_graphs": named}


def begin(store: ox.Store, what: str, graphs: Iterable[str]) -> None:
    """Record ``graphs`` as staged by ``what`` ("import of x"), durably, before they are written."""
    store.extend(ox.Quad(ox.NamedNode(g), _PENDING, ox.Literal(what), _JOURNAL) for g in graphs)
    store.flush()  # the record reaches the disk before any batch of the bulk loader does


def publish_update(update: str) -> str:
    """``update`` followed by the removal of the journal: run as one transaction, it publishes."""
    drop = f"DROP SILENT GRAPH <{JOURNAL_GRAPH}>"
    return f"{update.strip()} ;\n{drop}" if update.strip() else drop


def rollback_update(graphs: Iterable[str]) -> str:
    """The one update dropping staged ``graphs`` and the journal."""
    return " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in [*graphs, JOURNAL_GRAPH])


def recover(store: ox.Store, folder: str | os.PathLike[str] | None = None) -> str | None:
    """Roll back what an interrupted write left (writers only, before anything is read): drop the
    graphs the journal names and the journal, in one transaction; remove the bulk loader's files
    that were never ingested. Returns the one line saying what was rolled back, or ``None``.

    :raises OSError: if the rollback cannot be written (the journal stays: queries still ignore
        the staged graphs, and the next writable open tries again).
    """
    entries = pending(store)
    if not entries and not store.contains_named_graph(_JOURNAL):
        return None
    count = 0
    for graph in entries:
        rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        if isinstance(rows, ox.QuerySolutions):
            count += sum(int(row["n"].value) for row in rows)  # type: ignore[union-attr]
    store.update(rollback_update(entries))
    store.flush()
    if folder is not None:
        _remove_unused_bulk_files(Path(folder))
    what = " and ".join(sorted(set(entries.values()))) or "write"
    return f"rolled back an interrupted {what} ({count:,} quad{'' if count == 1 else 's'})"


def _remove_unused_bulk_files(folder: Path) -> None:
    """The bulk loader writes ``bulk-*.sst`` files and moves them into the store when it ingests
    them; one left behind was never ingested (its writer died first): disk space only."""
    for path in folder.glob("bulk-*.sst"):
        with contextlib.suppress(OSError):
            path.unlink()
            log.debug("removed %s, left by an interrupted bulk load", path)

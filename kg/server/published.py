"""What a server publishes: the named graphs marked redistributable, unless told otherwise.

Every named graph says inside itself whether it may be passed on (``<G> ckg:redistributable
true|false``) and under which licence (``<G> dcterms:license <IRI>``), read through
:mod:`kg.read.licences`. ``kg serve`` answers every query, page, VoID and dump from the graphs
marked redistributable only; a graph marked ``false`` or not marked at all is *withheld*
(left out of the query dataset, so neither the default graph nor ``GRAPH ?g`` nor ``FROM``
reaches it) unless the server runs with ``--include-restricted``. Statements in the store's own
default graph (outside every named graph, so under no licence) are withheld the same way. Responses say how many graphs
were withheld (header ``KG-Withheld``), VoID lists them with their licences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox

from kg.store import journal

#: The response header naming what was left out.
WITHHELD_HEADER = "KG-Withheld"


@dataclass(frozen=True)
class GraphInfo:
    """One named graph as published: its licence IRI, whether it may be redistributed, its title."""

    graph: str
    licence: str | None
    redistributable: bool
    title: str | None


@dataclass(frozen=True)
class Published:
    """The graphs a server serves and those it withholds, and the query options that enforce it."""

    served: tuple[GraphInfo, ...]
    withheld: tuple[GraphInfo, ...]
    options: dict[str, Any] = field(default_factory=dict)

    def licence_of(self, graph: str) -> str | None:
        return next((g.licence for g in self.served + self.withheld if g.graph == graph), None)

    def info(self, graph: str) -> GraphInfo | None:
        return next((g for g in self.served + self.withheld if g.graph == graph), None)

    def headers(self) -> tuple[tuple[str, str], ...]:
        """``KG-Withheld: N graphs not marked redistributable ...`` when any were left out."""
        if not self.withheld:
            return ()
        n = len(self.withheld)
        return ((WITHHELD_HEADER, f"{n} graph{'s' if n != 1 else ''} not marked redistributable left out "
                                  "(listed at /.well-known/void; kg serve --include-restricted serves them)"),)

    def note(self) -> str:
        """The same, for the foot of an HTML page."""
        if not self.withheld:
            return ""
        n = len(self.withheld)
        return (f"{n} named graph{'s' if n != 1 else ''} not marked redistributable "
                f"{'are' if n != 1 else 'is'} left out of everything this server answers (see VoID).")


def graph_infos(store: ox.Store) -> list[GraphInfo]:
    """Every committed named graph of ``store`` with its licence data (:mod:`kg.read.licences`)."""
    from kg.read.licences import graph_licences
    from kg.store.graph import MEMORY, KnowledgeGraph

    hidden = journal.hidden(store)
    view = KnowledgeGraph(store, location=MEMORY, read_only=True)
    return [GraphInfo(g.graph, g.licence, g.redistributable, g.title)
            for g in graph_licences(view) if g.graph not in hidden]


def _default_graph_used(store: ox.Store) -> bool:
    """Whether the store has statements outside any named graph (no graph, so no licence: withheld)."""
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


class _Limits(Protocol):  # kg.server.work.Limits, named structurally: work imports this module
    @property
    def include_restricted(self) -> bool: ...


def published(store: ox.Store, limits: _Limits) -> Published:
    """The graphs served under ``limits`` (all with ``include_restricted``), and the query options
    (``default_graph``/``named_graphs`` or the union) that keep the others out."""
    infos = graph_infos(store)
    if limits.include_restricted:
        return Published(tuple(infos), (), journal.dataset(store))
    served = tuple(g for g in infos if g.redistributable)
    withheld = tuple(g for g in infos if not g.redistributable)
    if not withheld and not _default_graph_used(store):
        return Published(served, (), journal.dataset(store))
    named = [ox.NamedNode(g.graph) for g in served]
    return Published(served, withheld, {"default_graph": list(named), "named_graphs": named})

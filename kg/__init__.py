"""conflict-kg: a temporal knowledge graph of armed-conflict actors and events.

The researcher's API is this module: typed functions that take the graph first, re-exported
from the layer that owns them and imported on first use (so ``import kg`` stays cheap).
:class:`KnowledgeGraph` methods are the storage primitives only (``query``, ``update``,
``add_quads``, ``quads``, ``graphs``, ``count_quads``, ``close``); everything a researcher asks
of the data is a function here. See ``docs/architecture.md``.

>>> import kg, datetime as dt
>>> graph = kg.open(":memory:")
>>> report = kg.build(graph)
>>> [e["label"] for e in kg.events(graph, actor="isis", type="Withdrawal").records()]
['ISIS continued withdrawal from Southern and Central Syria towards Eastern Syria']
>>> kg.query(graph, "ASK { ?m a ckg:Membership }", as_of=dt.date(2017, 5, 24)).boolean
False
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> the module that owns it
_EXPORTS = {
    # storage
    "open": "kg.store.graph",
    "KnowledgeGraph": "kg.store.graph",
    # errors
    "KGError": "kg.base.errors",
    "DataError": "kg.base.errors",
    "QueryError": "kg.base.errors",
    "StoreError": "kg.base.errors",
    "UsageError": "kg.base.errors",
    "ValidationError": "kg.base.errors",
    # results and saved queries
    "Result": "kg.sparql.results",
    "saved_query": "kg.sparql.saved",
    "saved_queries": "kg.sparql.saved",
    "table": "kg.base.tables",
    # writing: curated data and datasets
    "build": "kg.curated.build",
    "import_dataset": "kg.ingest",
    "propose_links": "kg.ingest.reconcile",
    # reading
    "query": "kg.read.timeview",
    "snapshot": "kg.read.timeview",
    "events": "kg.index.events",
    "actors": "kg.index.actors",
    "timeline": "kg.index.events",
    "network_diff": "kg.index.diff",
    "summary": "kg.read.summary",
    # analysis
    "actor_graph": "kg.analysis.projection",
    "windows": "kg.analysis.span",
    "centrality": "kg.analysis.centrality",
    "centrality_series": "kg.analysis.centrality",
    "events_frame": "kg.index.frame",
    "write_events": "kg.index.frame",
    "balance_series": "kg.analysis.balance",
    "factions_of": "kg.analysis.balance",
    "escalation_of": "kg.analysis.escalation",
    "paths_of": "kg.analysis.paths",
    "ego_network": "kg.analysis.ego",
    # forecasting
    "forecasts": "kg.forecast.store",
    # export
    "export_rdf": "kg.export.rdf",
    "write_rdf": "kg.export.rdf",
    "export_network": "kg.export.network",
    "write_network": "kg.export.network",
}
_RENAMED = {"propose_links": "propose", "table": "Rows"}

__all__ = [
    "DataError",
    "KGError",
    "KnowledgeGraph",
    "QueryError",
    "Result",
    "StoreError",
    "UsageError",
    "ValidationError",
    "__version__",
    "actor_graph",
    "actors",
    "balance_series",
    "build",
    "centrality",
    "centrality_series",
    "ego_network",
    "escalation_of",
    "events",
    "events_frame",
    "export_network",
    "export_rdf",
    "factions_of",
    "forecasts",
    "import_dataset",
    "network_diff",
    "open",
    "paths_of",
    "propose_links",
    "query",
    "saved_queries",
    "saved_query",
    "snapshot",
    "summary",
    "table",
    "timeline",
    "windows",
    "write_events",
    "write_network",
    "write_rdf",
]

if TYPE_CHECKING:  # what IDEs and mypy see; at run time each name is imported on first use
    from kg.analysis.balance import balance_series, factions_of
    from kg.analysis.centrality import centrality, centrality_series
    from kg.analysis.ego import ego_network
    from kg.analysis.escalation import escalation_of
    from kg.analysis.paths import paths_of
    from kg.analysis.projection import actor_graph
    from kg.analysis.span import windows
    from kg.base.errors import DataError, KGError, QueryError, StoreError, UsageError, ValidationError
    from kg.base.tables import Rows as table
    from kg.curated.build import build
    from kg.export.network import export_network, write_network
    from kg.export.rdf import export_rdf, write_rdf
    from kg.forecast.store import forecasts
    from kg.index.actors import actors
    from kg.index.diff import network_diff
    from kg.index.events import events, timeline
    from kg.index.frame import events_frame, write_events
    from kg.ingest import import_dataset
    from kg.ingest.reconcile import propose as propose_links
    from kg.read.summary import summary
    from kg.read.timeview import query, snapshot
    from kg.sparql.results import Result
    from kg.sparql.saved import saved_queries, saved_query
    from kg.store.graph import KnowledgeGraph, open


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

"""The licence of every named graph, as the graph states it about itself.

Each graph the project writes holds ``<G> dcterms:license <L>`` and ``<G> ckg:redistributable
true|false`` inside ``G`` (:mod:`kg.contract.licences`). This module reads them back for the
publishers of the data (``kg export``, ``kg serve``, VoID). It fails closed: a graph without a
statement (written by another tool, or by an older version) has no licence and is not
redistributable.

>>> import kg
>>> graph = kg.open(":memory:")
>>> _ = kg.build(graph)
>>> rows = {row.graph.rsplit("/", 1)[-1]: row for row in graph_licences(graph)}
>>> rows["ontology"].licence, rows["ontology"].redistributable
('https://creativecommons.org/licenses/by/4.0/', True)
>>> rows["text"].redistributable
False
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.base.namespaces import CKG, DCTERMS
from kg.store.graph import KnowledgeGraph

__all__ = ["GraphLicence", "graph_licences", "redistributable_graphs"]


@dataclass(frozen=True)
class GraphLicence:
    """What one named graph says about its licence."""

    graph: str  #: the graph's IRI
    licence: str | None  #: its ``dcterms:license`` IRI (else its ``dcterms:rights`` IRI); None when it states neither
    redistributable: bool  #: its ``ckg:redistributable``; False when absent, unreadable or contradictory
    title: str | None  #: its ``dcterms:title``


_QUERY = """
SELECT ?g ?p ?o WHERE {
  VALUES ?p { dcterms:license dcterms:rights ckg:redistributable dcterms:title }
  GRAPH ?g { ?g ?p ?o }
}
"""
_LICENSE, _RIGHTS = str(DCTERMS.license), str(DCTERMS.rights)
_REDISTRIBUTABLE, _TITLE = str(CKG.redistributable), str(DCTERMS.title)


def graph_licences(kg: KnowledgeGraph) -> list[GraphLicence]:
    """One row per named graph of ``kg`` (sorted by IRI), with what the graph states about its licence.

    A graph with no statement gets ``licence=None, redistributable=False`` (fail closed), as does
    one whose ``ckg:redistributable`` values are not all ``true``. A ``dcterms:rights`` IRI (a
    rights statement such as "In Copyright") stands for the licence when there is no
    ``dcterms:license``.
    """
    stated: dict[str, dict[str, list[object]]] = {}
    for row in kg.query(_QUERY).records():
        stated.setdefault(row["g"], {}).setdefault(row["p"], []).append(row["o"])
    out = []
    for graph in kg.graphs():
        values = stated.get(graph, {})
        licences = sorted(str(v) for v in values.get(_LICENSE, []) if _is_iri(v))
        rights = sorted(str(v) for v in values.get(_RIGHTS, []) if _is_iri(v))
        flags = values.get(_REDISTRIBUTABLE, [])
        titles = sorted(str(v) for v in values.get(_TITLE, []))
        out.append(GraphLicence(
            graph=graph,
            licence=(licences or rights)[0] if (licences or rights) else None,
            redistributable=bool(flags) and all(flag is True for flag in flags),
            title=titles[0] if titles else None,
        ))
    return out


def _is_iri(value: object) -> bool:
    return isinstance(value, str) and "://" in value


def redistributable_graphs(kg: KnowledgeGraph) -> list[str]:
    """The IRIs of the named graphs that state they may be republished (sorted)."""
    return [row.graph for row in graph_licences(kg) if row.redistributable]

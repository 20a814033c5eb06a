"""Shortcut edges (``?agent ckg:attacked ?target`` ...): the one derivation, in SPARQL.

The ontology declares each shortcut (``ckg:shortcutOf`` the event class, ``ckg:shortcutObject``
the event property giving its object); :func:`derive_shortcuts_update` is the only code that
turns events into edges. Each derived graph states its licence about itself
(:mod:`kg.contract.licences`: project data, CC BY 4.0, with the graph it was derived from). A curated build (:data:`DERIVE_SHORTCUTS`, every source graph into
``graph/derived``), every import, first or not (one import graph into its own
``graph/derived/<source-id>``) and a snapshot all run it, so the same facts give the same edges
whichever path wrote them (``tests/test_shortcuts.py``). Retracted events
(``prov:invalidatedAtTime`` in any graph) give none.
"""

from __future__ import annotations

from kg.base.namespaces import DERIVED_GRAPH, ONTOLOGY_GRAPH, SOURCE_GRAPH_PREFIX, graph_iri, graph_prefix, slug_of
from kg.contract.licences import PROJECT, graph_statements_sparql
from kg.store.graph import KnowledgeGraph

_TEMPLATE = """
DROP SILENT GRAPH <{derived}> ;
INSERT DATA {{ GRAPH <{derived}> {{ {statements} }} }} ;
INSERT {{ GRAPH <{derived}> {{ ?agent ?shortcut ?object }} }}
WHERE {{
  GRAPH <{ontology}> {{ ?shortcut ckg:shortcutOf ?class ; ckg:shortcutObject ?property . }}
  GRAPH {graph} {{ ?event a ?class ; ckg:agent ?agent ; ?property ?object . }}{graph_filter}
  FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?event prov:invalidatedAtTime ?retracted }} }}
}}
"""


def derive_shortcuts_update(source_graph: str | None, derived_graph: str) -> str:
    """The update regenerating the shortcut edges of the events in ``source_graph`` (every curated
    source graph when None) into ``derived_graph``, replacing what it held."""
    if source_graph is None:
        graph, graph_filter = "?g", f'\n  FILTER(STRSTARTS(STR(?g), "{SOURCE_GRAPH_PREFIX}"))'
    else:
        graph, graph_filter = f"<{source_graph}>", ""
    terms = PROJECT.with_source(source_graph)
    title = f"Shortcut edges derived from {source_graph or 'the curated sources'}"
    return _TEMPLATE.format(
        derived=derived_graph, ontology=ONTOLOGY_GRAPH, graph=graph, graph_filter=graph_filter,
        statements=graph_statements_sparql(derived_graph, terms, title=title),
    )


#: Regenerates the shortcut edges of every curated source graph into ``graph/derived``.
DERIVE_SHORTCUTS = derive_shortcuts_update(None, str(DERIVED_GRAPH))


def derive_all(kg: KnowledgeGraph) -> None:
    """Regenerate every shortcut edge in ``kg``, in one update: the curated sources' into
    ``graph/derived`` and each import graph's into its own ``graph/derived/<source-id>``
    (e.g. after copying a store without some facts, as a snapshot does)."""
    imports = [g for g in kg.graphs() if g.startswith(graph_prefix("import"))]
    updates = [DERIVE_SHORTCUTS] + [derive_shortcuts_update(g, str(graph_iri("derived", slug_of(g)))) for g in imports]
    kg.update(" ;\n".join(update.strip() for update in updates))

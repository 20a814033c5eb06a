"""Shortcut edges (``?agent ckg:attacked ?target`` ...) derived from events, driven by the
ontology's ``ckg:shortcutOf`` / ``ckg:shortcutObject`` declarations."""

from __future__ import annotations

from kg.base.namespaces import DERIVED_GRAPH, ONTOLOGY_GRAPH, SOURCE_GRAPH_PREFIX

#: Regenerates every shortcut edge (``?agent ckg:attacked ?target`` ...) from the events,
#: driven by the ontology's ``ckg:shortcutOf`` / ``ckg:shortcutObject`` declarations.
DERIVE_SHORTCUTS = f"""
DROP SILENT GRAPH <{DERIVED_GRAPH}> ;
INSERT {{ GRAPH <{DERIVED_GRAPH}> {{ ?agent ?shortcut ?object }} }}
WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?shortcut ckg:shortcutOf ?class ; ckg:shortcutObject ?property . }}
  GRAPH ?g {{ ?event a ?class ; ckg:agent ?agent ; ?property ?object . }}
  FILTER(STRSTARTS(STR(?g), "{SOURCE_GRAPH_PREFIX}"))
  FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?event prov:invalidatedAtTime ?retracted }} }}
}}
"""


def derive_shortcuts_update(source_graph: str, derived_graph: str) -> str:
    """The update regenerating the shortcut edges of one (imported) graph into its own derived graph."""
    return f"""
DROP SILENT GRAPH <{derived_graph}> ;
INSERT {{ GRAPH <{derived_graph}> {{ ?agent ?shortcut ?object }} }}
WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?shortcut ckg:shortcutOf ?class ; ckg:shortcutObject ?property . }}
  GRAPH <{source_graph}> {{ ?event a ?class ; ckg:agent ?agent ; ?property ?object . }}
  FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?event prov:invalidatedAtTime ?retracted }} }}
}}
"""

"""The store's generation stamp: a token in the store itself that every write replaces.

Anything derived from the store and kept beside it (the analytic event index, :mod:`kg.index`)
records the stamp it was built from; when the store's stamp differs, the derived copy is stale.
The stamp is one triple in the metadata graph ``<urn:x-conflict-kg:meta>``. It is created when
something starts depending on it (``kg index``: :func:`create_update`), and from then on every
write primitive replaces it (:meth:`kg.store.graph.KnowledgeGraph.update`, ``add_quads``, a staged
write's publish, ``kg serve``'s SPARQL Update: :func:`bump_update`), in the same transaction as
the write where the write is an update, right after it otherwise. A store nothing depends on
never gets one, so its data are exactly what was written. Being in the store, the stamp travels
with a remote SPARQL server's data: a local cache of a remote store checks it with one query.

The metadata graph is storage bookkeeping, like the journal (:mod:`kg.store.journal`):
``quads()``, ``graphs()`` and ``count_quads()`` leave it out, and exports never see it. A SPARQL
query over everything (``?s ?p ?o``) does see its one triple. Removing it (``DROP ALL``) is safe:
a store without a stamp never matches the stamp an index recorded, so the index is rebuilt.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.update(bump_update()); read(store)  # no stamp yet: writes do not create one
''
>>> store.update(create_update())
>>> token = read(store); len(token)
32
>>> store.update(bump_update()); read(store) != token
True
"""

from __future__ import annotations

import uuid
from typing import Any

import pyoxigraph as ox

#: The graph holding the stamp.
META_GRAPH = "urn:x-conflict-kg:meta"
#: ``<META_GRAPH> <GENERATION> "token"``: the store's current generation.
GENERATION = "urn:x-conflict-kg:meta#generation"

_META = ox.NamedNode(META_GRAPH)
_GENERATION = ox.NamedNode(GENERATION)

#: One SELECT reading the stamp (for remote stores).
READ_QUERY = f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{GENERATION}> ?g }} }}"


def create_update() -> str:
    """The SPARQL update setting the stamp to a new random token, whether or not there was one."""
    return (
        f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{GENERATION}> ?old }} }} ;\n"
        f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{GENERATION}> "{uuid.uuid4().hex}" }} }}'
    )


def bump_update() -> str:
    """The SPARQL update replacing an existing stamp by a new random token (run it with, or right
    after, a write); nothing when the store has no stamp."""
    stamp = f"GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{GENERATION}> ?old }}"
    new = f'GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{GENERATION}> "{uuid.uuid4().hex}" }}'
    return f"DELETE {{ {stamp} }} INSERT {{ {new} }} WHERE {{ {stamp} }}"


def with_bump(update: str) -> str:
    """``update`` followed by the bump, to run as one transaction."""
    return f"{update}\n;\n{bump_update()}"


def read(store: ox.Store) -> str:
    """The stamp of an embedded store (``""``: never written since stamps exist)."""
    for quad in store.quads_for_pattern(_META, _GENERATION, None, _META):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    return ""


def is_meta(graph_name: Any) -> bool:
    """Whether a quad's graph is the metadata graph."""
    return isinstance(graph_name, ox.NamedNode) and graph_name.value == META_GRAPH


def meta_quads(store: ox.Store) -> int:
    """How many quads the metadata graph holds (0 or 1)."""
    return sum(1 for _ in store.quads_for_pattern(None, None, None, _META))

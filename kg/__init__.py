"""conflict-kg: a temporal knowledge graph of armed-conflict actors and events.

>>> import kg
>>> graph = kg.open(":memory:")
>>> graph.count_quads()
0
"""

from __future__ import annotations

from kg.errors import DataError, KGError, QueryError, StoreError, ValidationError
from kg.store import KnowledgeGraph, open

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "KGError",
    "KnowledgeGraph",
    "QueryError",
    "StoreError",
    "ValidationError",
    "__version__",
    "open",
]

"""``kg serve``: a SPARQL 1.1 Protocol endpoint and linked-data pages over a knowledge graph.

>>> import kg
>>> from kg.server import Settings, create_app
>>> app = create_app(kg.open(":memory:"), Settings(timeout=5))
>>> [p for p in sorted(r.path for r in app.routes) if p.startswith(("/id", "/graph", "/.well"))]
['/.well-known/void', '/graph/{rest:path}', '/id/{rest:path}']
"""

from __future__ import annotations

from kg.server.app import create_app
from kg.server.settings import Settings

__all__ = ["Settings", "create_app"]

"""Class membership in the library's queries, without property paths.

"?x is an event" reads ``?x a ?c . ?c rdfs:subClassOf* ckg:Event`` in SPARQL, and every
engine answers that pattern on its own. Joined with the rest of a lookup, though, Virtuoso
7.2 evaluates the path wrongly (it found 1 of the seed's 19 events) and Oxigraph may plan
it as a scan of every typed resource. So the library asks the store's ontology once per
query for the classes below ``ckg:Event`` (or ``State``, ``Actor``;
:meth:`kg.store.graph.KnowledgeGraph.subclasses`, remembered between writes) and writes
``?x a ?c . FILTER(?c IN (...))``: the same answer, on every engine.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> [c.rsplit("#", 1)[1] for c in graph.subclasses("State")]
['Alliance', 'Hostility', 'Membership', 'State', 'TerritorialControl']
>>> is_a(graph, "?s", "Event", cls="?c")[:70]
'?s a ?c . FILTER(?c IN (<https://w3id.org/conflict-kg/ontology#Assessm'
"""

from __future__ import annotations

from kg.store.graph import KnowledgeGraph


def one_of(var: str, iris: list[str]) -> str:
    """``FILTER(var IN (<a>, <b>))``: a test on a variable already bound."""
    return f"FILTER({var} IN ({', '.join(f'<{iri}>' for iri in iris)}))"


def iri_values(iris: list[str]) -> str:
    """``<a> <b>``: the IRIs for a ``VALUES`` block."""
    return " ".join(f"<{iri}>" for iri in iris)


def is_a(kg: KnowledgeGraph, thing: str, top: str, *, cls: str = "?_class") -> str:
    """SPARQL saying that ``thing`` is an instance of ``ckg:<top>`` or a class below it,
    binding its class to ``cls``."""
    return f"{thing} a {cls} . {one_of(cls, kg.subclasses(top))}"

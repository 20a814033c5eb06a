"""Bounded lookups of one resource: its own statements, its sub-nodes' and a page of incoming links.

A lookup never scans the store: the resource's own statements (one index lookup), those of its
known sub-nodes (``<iri>#…`` IRIs it points to or that point to it, e.g. a place's ``#geometry``),
and at most :data:`PAGE` incoming links per page. :mod:`kg.server.resource` makes documents of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES
from kg.server.published import Published
from kg.server.work import Limits
from kg.sparql.params import substitutions

#: Incoming links (and events listed on a page) per page.
PAGE = 50
#: Sub-nodes (``<iri>#…``) described with a resource, at most.
MAX_PARTS = 50

def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@dataclass
class Description:
    """What a document says about one resource: triples, the graphs they come from, paging."""

    iri: ox.NamedNode
    own: list[ox.Triple]  # the resource's own statements and those of its sub-nodes
    incoming: list[ox.Triple]  # this page of incoming links
    graphs: set[str]  # the named graphs these statements come from
    page: int
    more: bool  # more incoming links after this page
    truncated: bool  # own statements cut at max_rows

    @property
    def triples(self) -> list[ox.Triple]:
        return sorted(set(self.own) | set(self.incoming), key=str)


def bounded_rows(store: ox.Store, sparql: str, options: dict[str, Any], limit: int, **bound: Any) -> list[Any]:
    """The first ``limit`` rows of ``sparql`` with ``bound`` variables substituted (never more)."""
    import itertools

    result = store.query(sparql, prefixes=PREFIXES, substitutions=substitutions(bound), **options)
    return list(itertools.islice(result, limit))  # type: ignore[arg-type]


_OWN = "SELECT ?this ?p ?o ?g WHERE { ?this ?p ?o OPTIONAL { GRAPH ?g { ?this ?p ?o } } }"
_INCOMING = "SELECT DISTINCT ?this ?s ?p WHERE { ?s ?p ?this }"
_INCOMING_GRAPHS = "SELECT DISTINCT ?this ?s ?p ?g WHERE { VALUES (?s ?p) { %s } GRAPH ?g { ?s ?p ?this } }"


def describe(store: ox.Store, iri: ox.NamedNode, limits: Limits, pub: Published, page: int = 1) -> Description:
    """The resource's statements, its sub-nodes' and one page of incoming links: direct lookups only."""
    options = pub.options
    graphs: set[str] = set()
    rows = bounded_rows(store, _OWN, options, limits.max_rows + 1, this=iri)
    truncated = len(rows) > limits.max_rows
    own: list[ox.Triple] = []
    for r in rows[: limits.max_rows]:
        own.append(ox.Triple(iri, r["p"], r["o"]))
        if r["g"] is not None:  # None: a statement of the store's default graph (served only in the union)
            graphs.add(r["g"].value)
    offset = (page - 1) * PAGE
    text = _INCOMING + f" LIMIT {PAGE + 1} OFFSET {offset}"
    found = bounded_rows(store, text, options, PAGE + 1, this=iri)
    more = len(found) > PAGE
    incoming = [ox.Triple(r["s"], r["p"], iri) for r in found[:PAGE]]
    if incoming:
        values = " ".join(f"({t.subject} {t.predicate})" for t in incoming if isinstance(t.subject, ox.NamedNode))
        if values:
            for r in bounded_rows(store, _INCOMING_GRAPHS % values, options, PAGE * 4, this=iri):
                graphs.add(r["g"].value)
    prefix = iri.value + "#"
    parts = sorted({t.object.value for t in own if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(prefix)}
                   | {t.subject.value for t in incoming if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefix)})
    for part in parts[:MAX_PARTS]:
        node = _n(part)
        for r in bounded_rows(store, _OWN, options, limits.max_rows, this=node):
            own.append(ox.Triple(node, r["p"], r["o"]))
            if r["g"] is not None:
                graphs.add(r["g"].value)
    return Description(iri, list(dict.fromkeys(own)), incoming, graphs, page, more, truncated)

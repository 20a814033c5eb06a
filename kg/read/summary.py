"""A short description of what a store holds: counts by type, the date range, the sources.

``kg.summary(graph)`` is what a notebook shows first (an HTML table through ``_repr_html_``)
and what ``print`` shows in a console.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> s = summary(graph)
>>> s.first, s.last, s.types["Attack"] > 0, len(s.sources) > 0
(datetime.date(2016, 3, 1), datetime.date(2017, 5, 31), True, True)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kg.base.namespaces import CKG
from kg.base.tables import format_rows, html_table, rows_html
from kg.store.graph import KnowledgeGraph

_TYPES = """
SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(STRSTARTS(STR(?c), STR(?ns))) } GROUP BY ?c ORDER BY DESC(?n) ?c
"""
_DATES = "SELECT (MIN(?d) AS ?first) (MAX(COALESCE(?e, ?d)) AS ?last) WHERE { ?x ckg:startDate ?d OPTIONAL { ?x ckg:endDate ?e } }"
_SOURCES = """
SELECT ?source (SAMPLE(?t) AS ?title) (COUNT(DISTINCT ?x) AS ?facts) WHERE {
  ?source a ckg:Source . OPTIONAL { ?source dcterms:title ?t } OPTIONAL { ?x prov:wasDerivedFrom ?source }
} GROUP BY ?source ORDER BY DESC(?facts) ?source
"""


@dataclass(frozen=True)
class Summary:
    """Counts of the store: quads, named graphs, resources per ontology class, dates, sources."""

    quads: int
    graphs: int
    types: dict[str, int] = field(default_factory=dict)  #: ontology class (local name) -> resources
    first: dt.date | None = None  #: earliest start date of an event or state
    last: dt.date | None = None  #: latest end (else start) date
    sources: list[dict[str, Any]] = field(default_factory=list)  #: ``source`` IRI, ``title``, ``facts`` derived from it

    def headline(self) -> str:
        span = f"{self.first} – {self.last}" if self.first else "no dated facts"
        n = len(self.sources)
        return f"{self.quads:,} quads in {self.graphs} graphs · {span} · {n} source{'' if n == 1 else 's'}"

    def __str__(self) -> str:
        types = format_rows([{"type": k, "resources": v} for k, v in self.types.items()], "table")
        sources = format_rows(self.sources, "table", columns=["source", "title", "facts"])
        return f"{self.headline()}\n\n{types}\n\n{sources}"

    def __repr__(self) -> str:
        return f"<Summary {self.headline()}>"

    def _repr_html_(self) -> str:
        from html import escape

        types = html_table(["type", "resources"], list(self.types.items()))
        sources = rows_html(self.sources, columns=["source", "title", "facts"])
        return (f"<div class=\"kg-summary\"><p><b>{escape(self.headline())}</b></p>"
                f"<details open><summary>Resources by type</summary>{types}</details>"
                f"<details><summary>Sources</summary>{sources}</details></div>")


def summary(kg: KnowledgeGraph) -> Summary:
    """What ``kg`` holds: counts by ontology class, the date range of its facts, its sources.

    Four aggregate queries; on a store of millions of quads they read every type and date once.
    """
    ns = str(CKG._NS)
    types = {r["c"][len(ns):]: int(r["n"]) for r in kg.query(_TYPES, params={"ns": ns}).records()}
    dates = kg.query(_DATES).records()
    first = dates[0].get("first") if dates else None
    last = dates[0].get("last") if dates else None
    sources = [{"source": r["source"], "title": r.get("title"), "facts": int(r["facts"])}
               for r in kg.query(_SOURCES).records()]
    return Summary(quads=kg.count_quads(), graphs=len(kg.graphs()), types=types,
                   first=first if isinstance(first, dt.date) else None,
                   last=last if isinstance(last, dt.date) else None, sources=sources)

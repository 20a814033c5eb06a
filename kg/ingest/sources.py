"""Sources as first-class objects: what is in the store, duplicates refused, one source removed.

A store holds three kinds of source, each in its own named graph:

- ``curated``: a report of the curated data (``graph/source/<id>``), written by ``kg build``;
- ``import``: a dataset file (``graph/import/<id>``, its shortcut edges in ``graph/derived/<id>``),
  with its file name, SHA-256 checksum, row count and import time (:func:`kg.ingest.base.import_file`);
- ``mapping``: the actor mapping file (``graph/derived/identity``, :mod:`kg.ingest.identity`).

:func:`sources` lists them with the date range of their events. :func:`remove_source` drops one
import (its graph, its derived graph, its provenance, the reconciliation links that pointed at
events no other source holds) in one update; the descriptions of actors and places that another
import still uses are first copied into that import's graph, so removing never leaves a label
behind. :func:`duplicates_of` finds the sources that already hold a file's content (same checksum)
or its records (same event IRIs, i.e. the dataset's own event ids), which
:func:`kg.ingest.base.import_file` refuses unless told to ``replace`` them or keep both (``as_new``).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import asdict, dataclass
from typing import Any

from kg.base.errors import DataError, UsageError
from kg.base.namespaces import graph_iri, graph_prefix, resource_prefix, slug_of
from kg.store.graph import KnowledgeGraph

#: Graph of the actor mapping file (owl:sameAs links and the file's provenance).
IDENTITY_GRAPH = graph_iri("derived", "identity")
#: Graph of ``kg reconcile``'s links (kept in step with :mod:`kg.ingest.reconcile`).
RECONCILIATION_GRAPH = graph_iri("derived", "reconciliation")
#: Source ids an import may not take: their derived graphs are the mapping's and reconciliation's.
RESERVED_IDS = ("identity", "reconciliation")
#: The id ``kg sources`` and ``kg remove`` give the actor mapping file.
MAPPING_ID = "actor-identity"

COLUMNS = ["source", "kind", "dataset", "file", "checksum", "rows", "events", "first", "last", "imported"]


@dataclass(frozen=True)
class SourceInfo:
    """One source of the store, as ``kg sources`` lists it."""

    source: str  #: its id (``acled-2022``), what ``kg remove`` takes
    kind: str  #: curated, import or mapping
    dataset: str  #: publisher (ACLED, UCDP GED...) or the curated report's title
    file: str | None
    checksum: str | None
    rows: int | None  #: rows imported (imports), links (mapping)
    events: int  #: events in its graph
    first: dt.date | None  #: earliest event start
    last: dt.date | None  #: latest event end
    imported: str | None  #: when it was imported or applied (UTC), or the report's date
    graph: str

    def as_dict(self) -> dict[str, Any]:
        row = asdict(self)
        del row["graph"]
        return row


_SOURCES = """
SELECT ?g ?s (SAMPLE(?t) AS ?title) (GROUP_CONCAT(DISTINCT STR(?pub0); SEPARATOR=", ") AS ?pub) (SAMPLE(?f) AS ?file)
       (SAMPLE(?c) AS ?checksum) (SAMPLE(?r) AS ?rows) (SAMPLE(?when0) AS ?when) WHERE {
  GRAPH ?g { ?s a ckg:Source . OPTIONAL { ?s dcterms:title ?t } OPTIONAL { ?s dcterms:source ?f }
             OPTIONAL { ?s ckg:checksum ?c } OPTIONAL { ?s ckg:rowCount ?r }
             OPTIONAL { ?s prov:generatedAtTime ?gen } OPTIONAL { ?s dcterms:issued ?iss }
             OPTIONAL { ?s dcterms:publisher ?p0 } }
  FILTER(STRSTARTS(STR(?g), STR(?importPrefix)) || STRSTARTS(STR(?g), STR(?sourcePrefix)) || ?g = ?identity)
  BIND(COALESCE(?gen, ?iss) AS ?when0)
  BIND(IF(isIRI(?p0), ?p0, <urn:kg:none>) AS ?p)
  OPTIONAL { ?p rdfs:label ?pl }
  BIND(COALESCE(?pl, ?p0) AS ?pub0)
} GROUP BY ?g ?s
"""

_SPANS = """
SELECT ?g (COUNT(DISTINCT ?e) AS ?n) (MIN(?start) AS ?first) (MAX(COALESCE(?end, ?start)) AS ?last) WHERE {
  GRAPH ?g { ?e ckg:eventType ?type ; ckg:startDate ?start OPTIONAL { ?e ckg:endDate ?end } }
  FILTER(STRSTARTS(STR(?g), STR(?importPrefix)) || STRSTARTS(STR(?g), STR(?sourcePrefix)))
} GROUP BY ?g
"""


def _prefixes() -> dict[str, Any]:
    return {"importPrefix": graph_prefix("import"), "sourcePrefix": graph_prefix("source"), "identity": IDENTITY_GRAPH}


def sources(kg: KnowledgeGraph) -> list[SourceInfo]:
    """Every source in ``kg`` (curated reports, imported files, the actor mapping), by kind and id."""
    spans = {r["g"]: r for r in kg.query(_SPANS, params=_prefixes()).records()}
    out = []
    for row in kg.query(_SOURCES, params=_prefixes()).records():
        graph = row["g"]
        if graph == str(IDENTITY_GRAPH):
            kind, ident = "mapping", slug_of(row["s"])
        elif graph.startswith(graph_prefix("import")):
            kind, ident = "import", graph[len(graph_prefix("import")):]
        else:
            kind, ident = "curated", graph[len(graph_prefix("source")):]
        span = spans.get(graph, {})
        when = row.get("when")
        out.append(SourceInfo(
            source=ident, kind=kind, dataset=str(row.get("pub") or row.get("title") or ""),
            file=row.get("file"), checksum=row.get("checksum"),
            rows=int(row["rows"]) if row.get("rows") is not None else None,
            events=int(span.get("n", 0)), first=span.get("first"), last=span.get("last"),
            imported=when.isoformat().replace("+00:00", "Z") if isinstance(when, (dt.date, dt.datetime)) else when,
            graph=graph,
        ))
    order = {"curated": 0, "import": 1, "mapping": 2}
    return sorted(out, key=lambda s: (order[s.kind], s.source))


@dataclass(frozen=True)
class Duplicate:
    """Another source that already holds (part of) what is being imported."""

    source: str
    reason: str  #: "checksum" or "event ids"
    shared: int  #: events in common (0 when only the checksum was compared)
    example: str | None = None  #: one shared dataset event id

    def describe(self) -> str:
        if self.reason == "checksum":
            return f"the same file (same SHA-256 checksum) is already in the store as source {self.source}"
        return (f"{self.shared} of its events (e.g. {self.example}) are already in the store as source {self.source} "
                f"(same dataset event ids)")


def checksum_duplicates(kg: KnowledgeGraph, checksum: str, *, target: str) -> list[Duplicate]:
    """Imports other than ``target`` whose file had this checksum."""
    rows = kg.query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ckg:Source ; ckg:checksum ?c } "
        "FILTER(?g != ?target && STRSTARTS(STR(?g), STR(?importPrefix))) } ORDER BY ?g",
        params={"c": checksum, "target": target, "importPrefix": graph_prefix("import")},
    ).records()
    return [Duplicate(r["g"][len(graph_prefix("import")):], "checksum", 0) for r in rows]


def event_duplicates(kg: KnowledgeGraph, loaded: str, *, target: str) -> list[Duplicate]:
    """Imports other than ``target`` that hold events of graph ``loaded`` (same IRI, i.e. the
    same dataset and event id), with how many are shared."""
    rows = kg.query(
        "SELECT ?g (COUNT(DISTINCT ?e) AS ?n) (MIN(?id) AS ?example) WHERE { "
        "  GRAPH ?loaded { ?e ckg:sourceId ?id } GRAPH ?g { ?e ckg:sourceId ?id2 } "
        "  FILTER(?g != ?loaded && ?g != ?target && STRSTARTS(STR(?g), STR(?importPrefix))) "
        "} GROUP BY ?g ORDER BY ?g",
        params={"loaded": loaded, "target": target, "importPrefix": graph_prefix("import")},
    ).records()
    return [Duplicate(r["g"][len(graph_prefix("import")):], "event ids", int(r["n"]), r.get("example")) for r in rows]


def refuse_duplicates(found: list[Duplicate], *, path: str, replace: bool, as_new: bool) -> list[str]:
    """The sources to replace; raises :class:`DataError` naming the first duplicate when the
    caller said neither ``replace`` nor ``as_new``."""
    if not found or as_new:
        return []
    if not replace:
        raise DataError(
            f"{found[0].describe()}; use --replace to replace that source, or --as-new to keep both",
            path=path,
        )
    return sorted({d.source for d in found})


@dataclass(frozen=True)
class RemoveReport:
    source: str
    kind: str
    quads: int  #: quads removed from the source's own graph
    links: int  #: reconciliation links dropped with it

    def summary(self) -> str:
        text = f"removed {self.kind} source {self.source} ({self.quads} quads)"
        return text + (f"; {self.links} reconciliation link(s) to its events dropped" if self.links else "")


#: Resources an import describes once and other imports may use (see ``_already_described`` in base).
_SHARED_KINDS = ("actor", "place", "concept", "time")


def _carry_over_update(graph: str) -> str:
    """Copy the descriptions of shared resources that only ``graph`` describes into each other
    import graph that uses them (directly or up its place, geometry and time chains)."""
    kinds = " || ".join(f'STRSTARTS(STR(?x), "{resource_prefix(k)}")' for k in _SHARED_KINDS)
    return f"""
      INSERT {{ GRAPH ?g {{ ?x ?p ?o }} }}
      WHERE {{
        {{ SELECT DISTINCT ?x ?g WHERE {{
            GRAPH <{graph}> {{ ?x a ?class }}
            FILTER({kinds})
            FILTER NOT EXISTS {{ GRAPH ?other {{ ?x a ?class2 }} FILTER(?other != <{graph}>) }}
            GRAPH <{graph}> {{ ?ref (ckg:within|geo:hasGeometry|time:hasBeginning|time:hasEnd|time:hasDateTimeDescription|skos:inScheme)* ?x }}
            GRAPH ?g {{ ?s ?role ?ref }}
            FILTER(?g != <{graph}> && STRSTARTS(STR(?g), "{graph_prefix("import")}"))
        }} }}
        GRAPH <{graph}> {{ ?x ?p ?o }}
      }}"""


def _drop_links_update() -> str:
    """Reconciliation links and matches whose events no longer exist in any graph."""
    r = RECONCILIATION_GRAPH
    return f"""
      DELETE {{ GRAPH <{r}> {{ ?m ?p ?o }} }}
      WHERE {{ GRAPH <{r}> {{ ?m dcterms:references ?e . ?m ?p ?o }} FILTER NOT EXISTS {{ ?e ckg:eventType ?t }} }} ;
      DELETE {{ GRAPH <{r}> {{ ?a ckg:sameEventAs ?b }} }}
      WHERE {{ GRAPH <{r}> {{ ?a ckg:sameEventAs ?b }}
               FILTER(NOT EXISTS {{ ?a ckg:eventType ?t }} || NOT EXISTS {{ ?b ckg:eventType ?t2 }}) }}"""


def _find(kg: KnowledgeGraph, source_id: str) -> SourceInfo:
    known = {s.source: s for s in sources(kg)}
    info = known.get(source_id)
    if info is None:
        close = difflib.get_close_matches(source_id, list(known), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `kg sources` lists them"
        raise DataError(f"no source {source_id!r} in the store{hint}")
    if info.kind == "curated":
        raise UsageError(
            f"{source_id} is a curated source: remove its file from the data folder and run `kg build` again"
        )
    return info


def remove_updates(kg: KnowledgeGraph, source_id: str) -> list[str]:
    """The SPARQL updates that remove one import or the mapping, to run in one request (so
    :func:`kg.ingest.base.import_file` can replace a source in the transaction that publishes
    the new one).

    :raises DataError: no such source (with the closest ids).
    :raises UsageError: a curated source (rebuild instead).
    """
    info = _find(kg, source_id)
    if info.kind == "mapping":
        return [f"DROP SILENT GRAPH <{IDENTITY_GRAPH}>"]
    return [
        _carry_over_update(info.graph).strip(),
        f"DROP SILENT GRAPH <{info.graph}>",
        f"DROP SILENT GRAPH <{graph_iri('derived', source_id)}>",
        f"DROP SILENT GRAPH <{graph_iri('staging', source_id)}>",
        _drop_links_update().strip(),
    ]


def remove_source(kg: KnowledgeGraph, source_id: str) -> RemoveReport:
    """Remove one imported file (or the actor mapping) from ``kg`` in one update.

    :raises DataError: no such source (with the closest ids).
    :raises UsageError: a curated source (rebuild instead).
    """
    info = _find(kg, source_id)
    size = int(kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{info.graph}> {{ ?s ?p ?o }} }}").scalar())
    links_before = _links(kg)
    kg.update(" ;\n".join(remove_updates(kg, source_id)))
    return RemoveReport(source_id, info.kind, size, links_before - _links(kg))


def _links(kg: KnowledgeGraph) -> int:
    return int(kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{RECONCILIATION_GRAPH}> {{ ?m a ckg:Match }} }}").scalar())

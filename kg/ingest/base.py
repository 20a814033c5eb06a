"""Streaming, all-or-nothing import of one dataset file into its own named graph.

Every format (``kg.ingest.icews``, ``acled``, ``ucdp``, ``gdelt``) provides a
:class:`Format`: how to read rows with their line numbers, and how to map one row
to quads through :class:`kg.contract.emit.RowQuads`. This module does the rest,
the same way for all of them:

- rows stream from disk into a staged graph that no query sees (memory stays flat,
  :meth:`kg.store.graph.KnowledgeGraph.staged`), then one transaction publishes it as
  ``graph/import/<source-id>``: a bad row stops the import with ``file:line: column: problem``
  and the store is left as it was, as it is after a killed process or a full disk;
- ``skip_bad_rows`` writes bad rows with their reason to a reject file instead;
- importing an identical file again changes nothing (SHA-256 checksum);
- a file already in the store under another source id (same checksum, or events with the same
  dataset event ids) is refused with one line naming that source, unless ``replace`` (that source
  is removed once the new import is in) or ``as_new`` (both kept, knowingly); see :mod:`kg.ingest.sources`;
- re-importing a newer export of the same source replaces changed rows and keeps
  vanished ones, marked with ``prov:invalidatedAtTime`` (record time, never deletion);
- the graph holds the file's provenance: name, checksum, import time, row count, licence; and it
  states its own licence and whether it may be republished (``dcterms:license``,
  ``ckg:redistributable``: the dataset's terms in :data:`kg.contract.licences.DATASET_TERMS`);
- shortcut edges (``ckg:attacked``...) of its events go to ``graph/derived/<source-id>``,
  derived by :mod:`kg.contract.shortcuts` after every import (first or not), as a build does.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

import kg.ingest.identity as identity
import kg.ingest.sources as sources
from kg.base import geo
from kg.base.errors import DataError, UsageError, printable
from kg.base.namespaces import REGISTRY_GRAPH, geometry_iri, graph_iri, is_slug, resource_iri, resource_prefix
from kg.contract.emit import NameIndex, RowQuads, node, slugify
from kg.contract.licences import DATASET_TERMS, UNKNOWN, graph_statements
from kg.contract.shortcuts import derive_shortcuts_update
from kg.contract.writer import Writer
from kg.store.graph import KnowledgeGraph

log = logging.getLogger(__name__)

Row = Mapping[str, str]


class RowError(Exception):
    """Raised by a format's mapper: which column of the row is wrong and why."""

    def __init__(self, column: str, problem: str) -> None:
        self.column = column
        self.problem = problem
        super().__init__(f"{column}: {problem}")


def row_point(row: Row, lat_column: str, lon_column: str) -> tuple[float | None, float | None]:
    """A row's coordinates (both or neither) read by :func:`kg.base.geo.point`; a bad one is a bad row."""
    try:
        found = geo.point(row.get(lat_column), row.get(lon_column), lat_field=lat_column, lon_field=lon_column)
    except DataError as err:
        raise RowError(err.field or lat_column, err.message) from None
    return found if found is not None else (None, None)


class ImportError_(DataError):  # noqa: N801 - "ImportError" is a builtin
    """A row of an imported file is malformed; names ``file:line: column: problem``."""


class Format(Protocol):
    """What a dataset format provides to :func:`import_file`."""

    name: str  #: CLI name, e.g. "acled"
    title: str  #: dataset name for provenance, e.g. "ACLED"
    licence: str  #: the dataset's licence / terms note

    def rows(self, path: Path) -> Iterator[tuple[int, Row]]:
        """Rows with the 1-based line number where each starts."""
        ...

    def map_row(self, row: Row, out: RowQuads, source: ox.NamedNode) -> None:
        """Add one row's quads to ``out``; raise :class:`RowError` for a bad value."""
        ...


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    source_id: str
    graph: str
    path: Path
    rows: int
    imported: int
    rejected: int
    invalidated: int
    quads: int
    unchanged: bool
    seconds: float
    reject_path: Path | None = None
    replaced: tuple[str, ...] = ()  #: sources removed because this import replaces them
    duplicates: tuple[str, ...] = ()  #: sources kept beside this one (``as_new``) although they overlap

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.path}: unchanged since the last import of {self.source_id}; nothing to do"
        text = f"{self.path}: imported {self.imported} of {self.rows} rows into {self.graph} ({self.quads} quads, {self.seconds:.1f} s)"
        if self.rejected:
            text += f"; {self.rejected} bad rows written to {self.reject_path}"
        if self.invalidated:
            text += f"; {self.invalidated} records no longer in the file marked invalidated"
        if self.replaced:
            text += f"; replaced source {', '.join(self.replaced)}"
        if self.duplicates:
            text += f"; kept beside overlapping source {', '.join(self.duplicates)} (--as-new)"
        return text


#: Quads per bulk-load batch: the engine's bulk loader holds a batch in memory.
CHUNK = 250_000


def _chunks(items: Iterator[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    batch: list[ox.Quad] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class LayeredSet:
    """A set seen through a per-row layer: additions stay in the layer until :meth:`commit`."""

    def __init__(self, base: set[str]) -> None:
        self.base = base
        self.layer: set[str] = set()

    def __contains__(self, item: object) -> bool:
        return item in self.layer or item in self.base

    def add(self, item: str) -> None:
        self.layer.add(item)

    def commit(self) -> None:
        self.base |= self.layer
        self.layer = set()


def read_csv_rows(path: Path, *, delimiter: str = ",", fieldnames: list[str] | None = None) -> Iterator[tuple[int, Row]]:
    """CSV/TSV rows with their starting line numbers (quoted fields may span lines)."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as err:
        raise DataError(f"cannot read file: {err}", path=str(path)) from None
    with handle:
        reader = csv.DictReader(handle, delimiter=delimiter, fieldnames=fieldnames)
        try:
            if fieldnames is None:
                _ = reader.fieldnames  # reads the header row, so line_num points past it
            line = reader.line_num + 1
            for row in reader:
                yield line, row
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as err:
            raise ImportError_(f"unreadable row: {err}", path=str(path), line=reader.line_num) from None


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    kg: KnowledgeGraph,
    fmt: Format,
    path: Path,
    *,
    source_id: str | None = None,
    skip_bad_rows: bool = False,
    reject_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
    now: dt.datetime | None = None,
    replace: bool = False,
    as_new: bool = False,
    validate: bool = True,
) -> ImportReport:
    """Import ``path`` in format ``fmt`` into ``kg``, all or nothing.

    Before it is published the import graph is validated against the core SHACL profile
    (:func:`kg.contract.validation.check_store`, about 0.1 s per 1,000 rows); ``validate=False``
    skips that.

    A file whose checksum, or any of whose dataset event ids, is already in the store under
    another source id is refused unless ``replace`` (the other sources are removed after this
    import succeeds) or ``as_new`` (both are kept).

    :raises ImportError_: a malformed row (unless ``skip_bad_rows``); the store is unchanged.
    :raises DataError: the content is already in the store as another source (neither ``replace``
        nor ``as_new``); the store is unchanged.
    :raises UsageError: an invalid ``source_id``, or both ``replace`` and ``as_new``.
    :raises DataError: the mapped records violate the core shapes (an importer's bug); the store is unchanged.
    """
    started = time.perf_counter()
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", path=str(path))
    if not path.is_file():  # a pipe (`<(zcat ...)`) or a folder: the file is read twice (checksum, rows)
        raise DataError("not a regular file: save the data to a file and import that", path=str(path))
    source_id = source_id or f"{fmt.name}-{slugify(path.stem)}"
    if not is_slug(source_id):
        raise UsageError(f"invalid --source-id {source_id!r}: use lowercase letters, digits and '-'")
    if source_id in sources.RESERVED_IDS:
        raise UsageError(f"--source-id {source_id!r} is reserved (graph/derived/{source_id}): choose another id")
    if replace and as_new:
        raise UsageError("--replace and --as-new exclude each other: replace the old source, or keep both")
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    target = node(graph_iri("import", source_id))
    staging = node(graph_iri("staging", source_id))
    source = node(resource_iri("source", source_id))
    checksum = file_checksum(path)

    previous = _previous_checksum(kg, target, source)
    if previous == checksum:
        return ImportReport(source_id, target.value, path, 0, 0, 0, 0, 0, True, time.perf_counter() - started)
    same_file = sources.checksum_duplicates(kg, checksum, target=target.value)
    replaced = sources.refuse_duplicates(same_file, path=str(path), replace=replace, as_new=as_new)

    # A first import streams straight into its graph (dropped again on failure); a re-import
    # goes through a staging graph so the previous version stays whole until the swap.
    loading = staging if previous else target
    derived = node(graph_iri("derived", source_id))
    if kg.query(f"ASK {{ GRAPH <{staging.value}> {{ ?s ?p ?o }} }}").boolean:  # an old run's leftover
        kg.update(f"DROP SILENT GRAPH <{staging.value}>")
    names = NameIndex(_curated_names(kg))
    described = _already_described(kg, target)
    counts = {"rows": 0, "imported": 0, "rejected": 0}
    reject_path = reject_path or path.with_name(path.name + ".rejects.tsv")
    rejects: list[str] = []

    def quads() -> Iterator[ox.Quad]:
        for line, row in fmt.rows(path):
            counts["rows"] += 1
            seen = LayeredSet(described)  # a rejected row must not mark its actors as described
            out = RowQuads(loading, names, seen)  # type: ignore[arg-type]
            try:
                fmt.map_row(row, out, source)
            except RowError as err:
                if not skip_bad_rows:
                    raise ImportError_(err.problem, path=str(path), line=line, field=err.column) from None
                counts["rejected"] += 1
                rejects.append(f"{line}\t{err.column}\t{printable(err.problem)}")  # one line per reject
                continue
            counts["imported"] += 1
            seen.commit()
            yield from out.quads
            if progress is not None:
                progress(1)

    invalidated = 0
    # Staged (kg.store.journal): no query sees the loading graph until one transaction publishes
    # it; an error, a killed process or a full disk leaves the store as it was.
    with kg.staged(f"import of {source_id}", [loading.value]) as stage:
        # One batch at a time: overlapping the mapping of the next batch with the engine's load
        # was slower on two cores (90 s against 78 s for ICEWS18): the bulk loader is threaded.
        for chunk in _chunks(quads(), CHUNK):  # bounded batches keep the bulk loader's memory flat
            kg.add_quads(chunk, bulk=True)
        overlap = sources.event_duplicates(kg, loading.value, target=target.value)
        replaced = sorted({*replaced, *sources.refuse_duplicates(overlap, path=str(path), replace=replace, as_new=as_new)})
        kg.add_quads(_provenance(fmt, path, source, loading, target, checksum, now, counts["imported"]))
        if validate:  # a re-import: the previous version's values are being replaced, not added to
            _validate(kg, loading.value, path, exclude=target.value if previous else None)
        publish = [derive_shortcuts_update(target.value, derived.value)]
        if previous:
            invalidated = _carry_over_vanished(kg, target, staging, now)
            publish.insert(0, f"MOVE <{staging.value}> TO <{target.value}>")
        publish += [u for old in replaced for u in sources.remove_updates(kg, old)]  # --replace: in the same transaction
        stage.publish(" ;\n".join(update.strip() for update in publish))
    identity.reapply(kg)  # the mapping file may name actors this import brought
    if rejects:
        reject_path.write_text("line\tcolumn\tproblem\n" + "\n".join(rejects) + "\n", encoding="utf-8")
    quad_count = kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target.value}> {{ ?s ?p ?o }} }}").scalar()
    return ImportReport(
        source_id, target.value, path, counts["rows"], counts["imported"], counts["rejected"], invalidated,
        int(quad_count), False, time.perf_counter() - started, reject_path if rejects else None,
        tuple(replaced), tuple(sorted({d.source for d in same_file + overlap})) if as_new else (),
    )


def _validate(kg: KnowledgeGraph, graph: str, path: Path, *, exclude: str | None) -> None:
    """Refuse an import whose records violate the core SHACL profile (one line: the first kind, and how many)."""
    from kg.contract.validation import ValidationReport, check_store

    found = check_store(kg, profile="core", graph=graph, exclude=exclude)
    if found:
        lines = ValidationReport(tuple(found)).summary()
        more = f" (and {len(lines) - 1} other kinds)" if len(lines) > 1 else ""
        raise DataError(f"the imported records violate the core shapes: {lines[0]}{more}", path=str(path))


def _previous_checksum(kg: KnowledgeGraph, target: ox.NamedNode, source: ox.NamedNode) -> str | None:
    rows = kg.query(
        f"SELECT ?c WHERE {{ GRAPH <{target.value}> {{ <{source.value}> ckg:checksum ?c }} }}"
    ).records()
    return rows[0]["c"] if rows else None


def _curated_names(kg: KnowledgeGraph) -> dict[str, str]:
    rows = kg.query(
        f"SELECT ?a ?name WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?a rdfs:label|skos:altLabel ?name }} "
        f"FILTER(STRSTARTS(STR(?a), '{resource_prefix('actor')}')) }}"
    ).records()
    return {str(r["name"]).lower(): r["a"] for r in rows}


def _already_described(kg: KnowledgeGraph, target: ox.NamedNode) -> set[str]:
    """Actors and places described in other graphs: not described again (no duplicate labels)."""
    rows = kg.query(
        "SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x rdfs:label ?l } FILTER(?g != ?target) "
        f"FILTER(STRSTARTS(STR(?x), '{resource_prefix('actor')}') || STRSTARTS(STR(?x), '{resource_prefix('place')}')) }}",
        params={"target": target},
    ).records()
    described = {r["x"] for r in rows}
    geometries = kg.query(
        "SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x geo:hasGeometry ?geo } FILTER(?g != ?target) }",
        params={"target": target},
    ).records()
    described |= {str(geometry_iri(r["x"])) for r in geometries}
    return described


def _provenance(
    fmt: Format, path: Path, source: ox.NamedNode, graph: ox.NamedNode, final: ox.NamedNode, checksum: str,
    now: dt.datetime, rows: int,
) -> list[ox.Quad]:
    """The file's provenance, written into ``graph`` (maybe staging), about the ``final`` import graph."""
    writer = Writer(graph)
    terms = DATASET_TERMS.get(fmt.title, UNKNOWN)  # a dataset of unknown terms is not redistributable
    publisher = (terms.rights_holder, terms.source) if terms.rights_holder else None
    writer.dataset_file(
        source, final, dataset=fmt.title, file_name=path.name, licence=fmt.licence,
        checksum=checksum, rows=rows, now=now, publisher=publisher,
    )
    title = f"{fmt.title} records imported from {path.name}"
    return writer.quads + graph_statements(final.value, terms, title=title, into=graph.value)


#: Resources shared by the records of an import graph, described once in it.
_SHARED_KINDS = ("actor", "place", "concept", "time")


def _carry_over_vanished(kg: KnowledgeGraph, target: ox.NamedNode, staging: ox.NamedNode, now: dt.datetime) -> int:
    """Keep records that vanished from the newer file, marked invalidated now; keep first-seen record times.

    The operations run in order in one transaction: mark the vanished records first (while
    "vanished" still means "not in staging"), then the descriptions of the actors, places (with
    their admin chain and geometry), concepts and OWL-Time entities (with their instants) they
    use that the newer file no longer describes, then the records themselves.
    """
    stamp = f'"{now.strftime("%Y-%m-%dT%H:%M:%SZ")}"^^xsd:dateTime'
    vanished = f"""
      GRAPH <{target.value}> {{ ?e ckg:sourceId ?id }}
      FILTER NOT EXISTS {{ GRAPH <{staging.value}> {{ ?e ckg:sourceId ?id2 }} }}
    """
    count = kg.query(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {vanished} }}").scalar()
    kg.update(f"""
      INSERT {{ GRAPH <{staging.value}> {{ ?e prov:invalidatedAtTime {stamp} }} }}
      WHERE {{ {vanished} FILTER NOT EXISTS {{ GRAPH <{target.value}> {{ ?e prov:invalidatedAtTime ?t }} }} }} ;
      INSERT {{ GRAPH <{staging.value}> {{ ?x ?p ?o }} }}
      WHERE {{
        {vanished}
        GRAPH <{target.value}> {{ ?e ?role ?ref . ?ref (ckg:within|geo:hasGeometry|time:hasBeginning|time:hasEnd|time:hasDateTimeDescription)* ?x . ?x ?p ?o }}
        FILTER({" || ".join(f'STRSTARTS(STR(?ref), "{resource_prefix(kind)}")' for kind in _SHARED_KINDS)})
        FILTER NOT EXISTS {{ GRAPH <{staging.value}> {{ ?x ?anyP ?anyO }} }}
      }} ;
      INSERT {{ GRAPH <{staging.value}> {{ ?s ?p ?o }} }}
      WHERE {{
        {{ SELECT DISTINCT ?e WHERE {{ {vanished} }} }}
        {{ GRAPH <{target.value}> {{ ?s ?p ?o }} FILTER(isIRI(?s)) BIND(IRI(STRBEFORE(CONCAT(STR(?s), "#"), "#")) AS ?e) }}
      }} ;
      DELETE {{ GRAPH <{staging.value}> {{ ?src dcterms:issued ?new }} }}
      INSERT {{ GRAPH <{staging.value}> {{ ?src dcterms:issued ?old }} }}
      WHERE {{ GRAPH <{target.value}> {{ ?src a ckg:Source ; dcterms:issued ?old }}
               GRAPH <{staging.value}> {{ ?src dcterms:issued ?new }} }} ;
      INSERT {{ GRAPH <{staging.value}> {{ ?e prov:generatedAtTime {stamp} }} }}
      WHERE {{ GRAPH <{staging.value}> {{ ?e ckg:sourceId ?id }}
               FILTER NOT EXISTS {{ GRAPH <{target.value}> {{ ?e ckg:sourceId ?old }} }} }} ;
      INSERT {{ GRAPH <{staging.value}> {{ ?e prov:generatedAtTime ?t }} }}
      WHERE {{ GRAPH <{target.value}> {{ ?e ckg:sourceId ?id ; prov:generatedAtTime ?t }}
               GRAPH <{staging.value}> {{ ?e ckg:sourceId ?id2 }} }}
    """)
    return int(count)

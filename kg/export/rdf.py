"""The whole dataset in an RDF format: quads (N-Quads, TriG, JSON-LD) or the union as triples.

Triple formats (Turtle, N-Triples, RDF/XML) hold the union of every graph, each
triple once; dataset formats keep the named graphs. JSON-LD is compacted with the
project's own context (``ontology/context.jsonld``, embedded, never fetched).

>>> import kg
>>> graph = kg.open(":memory:")
>>> _ = graph.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/p> 1 } }")
>>> print(export_rdf(graph, "ntriples").decode().strip())
<https://example.org/a> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.base.errors import UsageError
from kg.base.namespaces import PREFIXES
from kg.base.progress import Tick
from kg.base.resources import ontology_dir
from kg.sparql.formats import rdf_format
from kg.store.graph import KnowledgeGraph


class RdfExportFormat(enum.Enum):
    """RDF serializations of ``kg export``: media types, extensions and engine formats come from
    the one format table (:mod:`kg.sparql.formats`, built on pyoxigraph's ``RdfFormat``)."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    RDFXML = "rdfxml"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "jsonld"

    @property
    def label(self) -> str:
        return str(self.value)

    @property
    def extension(self) -> str:
        return rdf_format(self.value).extension

    @property
    def engine(self) -> ox.RdfFormat:
        return rdf_format(self.value).engine  # type: ignore[return-value]

    @property
    def keeps_graphs(self) -> bool:
        return rdf_format(self.value).keeps_graphs

    @classmethod
    def parse(cls, name: str | RdfExportFormat) -> RdfExportFormat:
        """By name (``turtle``) or file extension (``.ttl``)."""
        if isinstance(name, RdfExportFormat):
            return name
        for fmt in cls:
            if name in (fmt.label, fmt.extension, fmt.extension.lstrip(".")):
                return fmt
        choices = ", ".join(f.label for f in cls)
        raise UsageError(f"unknown RDF format {name!r}: use one of {choices}")

    @classmethod
    def from_extension(cls, path: str | Path) -> RdfExportFormat:
        """The format a file name implies, e.g. ``out.nq`` -> N-Quads."""
        return cls.parse(Path(path).suffix.lower())


def export_rdf(kg: KnowledgeGraph, fmt: str | RdfExportFormat, *, progress: Tick | None = None) -> bytes:
    """Serialize the whole dataset as ``fmt``; ``progress`` is called with the quads read."""
    fmt = RdfExportFormat.parse(fmt)
    if fmt is RdfExportFormat.JSONLD:
        return _jsonld(kg, progress)
    if fmt.keeps_graphs:
        data = ox.serialize(sorted(_read(kg, progress), key=str), format=fmt.engine, prefixes=PREFIXES)
    else:
        data = ox.serialize(union_triples(kg, progress), format=fmt.engine, prefixes=PREFIXES)
    return data or b""


def write_rdf(
    kg: KnowledgeGraph, path: str | Path, fmt: str | RdfExportFormat | None = None, *, progress: Tick | None = None
) -> Path:
    """Write the dataset to ``path`` (format from the extension unless given); return the path."""
    target = Path(path)
    chosen = RdfExportFormat.parse(fmt) if fmt else RdfExportFormat.from_extension(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(export_rdf(kg, chosen, progress=progress))
    return target


def union_triples(kg: KnowledgeGraph, progress: Tick | None = None) -> list[ox.Triple]:
    """Every distinct triple of every graph, sorted for a stable output."""
    seen = {ox.Triple(q.subject, q.predicate, q.object) for q in _read(kg, progress)}
    return sorted(seen, key=str)


def _read(kg: KnowledgeGraph, progress: Tick | None, every: int = 10_000) -> Iterator[ox.Quad]:
    """Every quad of the store, ticking ``progress`` every ``every`` quads."""
    count = 0
    for count, quad in enumerate(kg.quads(), start=1):
        if progress is not None and count % every == 0:
            progress(every)
        yield quad
    if progress is not None:
        progress(count % every)


def load_context() -> dict[str, object]:
    """The project's JSON-LD ``@context`` object."""
    document = json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    return document["@context"]


def _jsonld(kg: KnowledgeGraph, progress: Tick | None = None) -> bytes:
    """Compacted JSON-LD of the dataset: one ``@graph`` entry per named graph."""
    from rdflib import Dataset

    nquads = ox.serialize(sorted(_read(kg, progress), key=str), format=ox.RdfFormat.N_QUADS) or b""
    dataset = Dataset()
    dataset.parse(data=nquads.decode("utf-8"), format="nquads")
    text = dataset.serialize(format="json-ld", context=load_context(), indent=2, auto_compact=True)
    return text.encode("utf-8")

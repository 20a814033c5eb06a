"""The whole dataset in an RDF format: quads (N-Quads, TriG, JSON-LD) or the union as triples.

Triple formats (Turtle, N-Triples, RDF/XML) hold the union of the graphs exported, each
triple once; dataset formats keep the named graphs. JSON-LD is compacted with the
project's own context (``ontology/context.jsonld``), embedded by default so that the file
expands offline; ``context=CONTEXT_IRI`` refers to it by IRI instead, and
:func:`document_loader` lets pyld resolve that IRI from the packaged file, without network.

Only named graphs that say they may be redistributed (``<G> ckg:redistributable true`` inside
``G``, :mod:`kg.read.licences`) are exported unless ``include_restricted=True``:
:func:`withheld_graphs` names the others (``kg export`` says so in one line on stderr).

>>> import kg
>>> graph = kg.open(":memory:")
>>> _ = graph.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/p> 1 } }")
>>> export_rdf(graph, "ntriples"), [g.graph for g in withheld_graphs(graph)]
(b'', ['https://example.org/g'])
>>> print(export_rdf(graph, "ntriples", include_restricted=True).decode().strip())
<https://example.org/a> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.base.errors import UsageError
from kg.base.namespaces import PREFIXES
from kg.base.progress import Tick
from kg.base.resources import ontology_dir
from kg.read.licences import GraphLicence, graph_licences
from kg.sparql.formats import rdf_format
from kg.store.graph import KnowledgeGraph

#: The IRI the JSON-LD context is published at (``kg serve`` also serves it at ``/context.jsonld``).
CONTEXT_IRI = "https://w3id.org/conflict-kg/context.jsonld"


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


def withheld_graphs(kg: KnowledgeGraph) -> list[GraphLicence]:
    """The named graphs an export leaves out unless asked: those not marked redistributable."""
    return [g for g in graph_licences(kg) if not g.redistributable]


def exported_graphs(kg: KnowledgeGraph, *, include_restricted: bool = False) -> list[str]:
    """The IRIs of the named graphs an export holds (all of them with ``include_restricted``)."""
    return [g.graph for g in graph_licences(kg) if include_restricted or g.redistributable]


def export_rdf(kg: KnowledgeGraph, fmt: str | RdfExportFormat, *, include_restricted: bool = False,
               context: str | None = None, progress: Tick | None = None) -> bytes:
    """Serialize the dataset as ``fmt``: the graphs marked redistributable, or every graph with
    ``include_restricted``. JSON-LD embeds the context unless ``context`` gives its IRI
    (e.g. :data:`CONTEXT_IRI`). ``progress`` is called with the quads read."""
    fmt = RdfExportFormat.parse(fmt)
    graphs = None if include_restricted else set(exported_graphs(kg))
    if fmt is RdfExportFormat.JSONLD:
        return _jsonld(kg, graphs, context, progress)
    if fmt.keeps_graphs:
        data = ox.serialize(sorted(_read(kg, progress, graphs), key=str), format=fmt.engine, prefixes=PREFIXES)
    else:
        data = ox.serialize(_union(_read(kg, progress, graphs)), format=fmt.engine, prefixes=PREFIXES)
    return data or b""


def write_rdf(
    kg: KnowledgeGraph, path: str | Path, fmt: str | RdfExportFormat | None = None, *, include_restricted: bool = False,
    context: str | None = None, progress: Tick | None = None,
) -> Path:
    """Write the dataset to ``path`` (format from the extension unless given); return the path."""
    target = Path(path)
    chosen = RdfExportFormat.parse(fmt) if fmt else RdfExportFormat.from_extension(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(export_rdf(kg, chosen, include_restricted=include_restricted, context=context, progress=progress))
    return target


def union_triples(kg: KnowledgeGraph, progress: Tick | None = None, *, include_restricted: bool = False) -> list[ox.Triple]:
    """Every distinct triple of the graphs (all, or the redistributable ones), sorted for a stable output."""
    graphs = None if include_restricted else set(exported_graphs(kg))
    return _union(_read(kg, progress, graphs))


def _union(quads: Iterator[ox.Quad]) -> list[ox.Triple]:
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)


def _read(kg: KnowledgeGraph, progress: Tick | None, graphs: set[str] | None = None, every: int = 10_000) -> Iterator[ox.Quad]:
    """Every quad of the store (of ``graphs`` only when given), ticking ``progress`` every ``every`` quads."""
    count = 0
    for count, quad in enumerate(kg.quads(), start=1):
        if progress is not None and count % every == 0:
            progress(every)
        if graphs is None or (isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in graphs):
            yield quad
    if progress is not None:
        progress(count % every)


def load_context() -> dict[str, object]:
    """The project's JSON-LD ``@context`` object."""
    document = json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    return document["@context"]


def _jsonld(kg: KnowledgeGraph, graphs: set[str] | None, context: str | None, progress: Tick | None = None) -> bytes:
    """Compacted JSON-LD of the dataset: one ``@graph`` entry per named graph."""
    return compact_jsonld(sorted(_read(kg, progress, graphs), key=str), context=context)


def compact_jsonld(statements: list[ox.Quad] | list[ox.Triple], *, context: str | None = None) -> bytes:
    """Triples or quads as JSON-LD compacted with the project context: embedded (``context=None``)
    or referred to by the IRI ``context`` (the terms are the same; only the ``@context`` differs)."""
    from rdflib import Dataset

    quads = [s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object, ox.DefaultGraph()) for s in statements]
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    dataset = Dataset()
    dataset.parse(data=nquads.decode("utf-8"), format="nquads")
    text = dataset.serialize(format="json-ld", context=load_context(), indent=2, auto_compact=True)
    if context is None:
        return text.encode("utf-8")
    document = json.loads(text)
    if isinstance(document, dict):
        document["@context"] = context
    else:  # nothing to compact: an empty list
        document = {"@context": context, "@graph": document}
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def document_loader(iri: str = CONTEXT_IRI) -> Any:
    """A pyld document loader that answers the context's IRI from the packaged file and refuses
    every other IRI: JSON-LD that refers to the context expands offline.

    >>> from pyld import jsonld
    >>> doc = {"@context": CONTEXT_IRI, "@id": "actor:isis", "label": "ISIS"}
    >>> jsonld.expand(doc, {"documentLoader": document_loader()})[0]["@id"]
    'https://w3id.org/conflict-kg/id/actor/isis'
    """
    document = {"@context": load_context()}

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url != iri:
            raise UsageError(f"{url} is not the conflict-kg context: this loader fetches nothing")
        return {"contextUrl": None, "documentUrl": url, "document": document, "contentType": "application/ld+json"}

    return load

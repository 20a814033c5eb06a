"""SHACL validation of data against the profiles of ``ontology/shapes.ttl``.

Two profiles (each node shape names its own with ``dcterms:isPartOf``):

- ``core`` (``ckgsh:CoreProfile``): types, dates, precision, roles, places, geometry, sources and
  Wikidata links. Every fact satisfies it, curated or imported.
- ``curated`` (core plus ``ckgsh:CuratedEvidenceProfile``): a verbatim quote at the right offsets on
  every fact, the report's full text, an agent or participant on every event.

:func:`load_profile` gives the shapes of a profile (the others deactivated with ``sh:deactivated``);
:func:`violations` runs pyshacl; :func:`check_store` runs the core profile as SPARQL queries in the
store (the same results, 15 times faster); :func:`validate_store` checks a whole store: the core
profile over every graph, the curated profile over the curated graphs (registry and reports).
``kg validate`` prints its summary; :func:`kg.ingest.base.import_file` validates each import against
the core profile before publishing it.

>>> shapes = load_profile("core")
>>> from rdflib import URIRef
>>> SH_DEACTIVATED in set(shapes.predicates(URIRef("https://w3id.org/conflict-kg/shapes#QuotedEventShape")))
True
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from kg.base.errors import UsageError
from kg.base.namespaces import BASE, ONTOLOGY_GRAPH, REGISTRY_GRAPH, SOURCE_GRAPH_PREFIX
from kg.contract.ontology import load_ontology, load_shapes, skolemize
from kg.store.graph import KnowledgeGraph

log = logging.getLogger(__name__)

__all__ = [
    "PROFILES", "Check", "Classes", "ValidationReport", "Violation", "check_store", "class_lists", "compile_checks", "load_profile", "union_of",
    "validate_store", "violations",
]

SHAPES = BASE + "shapes#"
SH = "http://www.w3.org/ns/shacl#"
SH_DEACTIVATED = URIRef(SH + "deactivated")
#: profile name -> the ``ckgsh:`` profiles whose shapes are active
PROFILES: dict[str, tuple[str, ...]] = {
    "core": ("CoreProfile",),
    "curated": ("CoreProfile", "CuratedEvidenceProfile"),
}


def load_profile(profile: str, directory: Path | None = None) -> Graph:
    """The shapes of ``shapes.ttl`` with every node shape outside ``profile`` deactivated.

    :raises UsageError: an unknown profile.
    """
    if profile not in PROFILES:
        raise UsageError(f"unknown SHACL profile {profile!r}: use one of {', '.join(PROFILES)}")
    shapes = load_shapes(directory)
    active = {URIRef(SHAPES + name) for name in PROFILES[profile]}
    for shape, part in list(shapes.subject_objects(DCTERMS.isPartOf)):
        if part not in active:
            shapes.add((shape, SH_DEACTIVATED, Literal(True)))
    return shapes


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node, the property path (None for a node-level constraint), the message."""

    focus: str
    path: str | None
    message: str
    shape: str  #: the named node shape it comes from (``ckgsh:EventShape``...), or the property shape's id


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate_store` found."""

    violations: tuple[Violation, ...]
    checked: dict[str, int] = field(default_factory=dict)  #: triples validated, by profile
    seconds: float = 0.0

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> list[str]:
        """One line per kind of violation (same shape, path and message), most frequent first."""
        counts: Counter[tuple[str, str | None, str]] = Counter()
        example: dict[tuple[str, str | None, str], str] = {}
        for v in self.violations:
            key = (v.shape, v.path, v.message)
            counts[key] += 1
            example.setdefault(key, v.focus)
        lines = []
        for (shape, path, message), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or "", kv[0][2])):
            where = f"{_short(shape)} {_short(path)}" if path else _short(shape)
            lines.append(f"{n} x {where}: {' '.join(message.split())} (e.g. {example[(shape, path, message)]})")
        return lines


def _short(iri: str | None) -> str:
    text = str(iri or "")
    for prefix, name in ((SHAPES, "ckgsh:"), (BASE + "ontology#", "ckg:")):
        if text.startswith(prefix):
            return name + text[len(prefix):]
    return f"<{text}>" if "://" in text else text


def violations(data: Graph, shapes: Graph, ontology: Graph) -> list[Violation]:
    """Validate ``data`` (with the ontology's classes and concepts added, as in a store) against ``shapes``."""
    import pyshacl

    union = Graph()
    union += data
    union += skolemize(ontology) if any(isinstance(t, BNode) for triple in ontology for t in triple) else ontology
    conforms, results, _ = pyshacl.validate(union, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    from pyshacl.consts import SH as SHNS

    found = []
    for result in results.subjects(RDF.type, SHNS.ValidationResult):
        source = results.value(result, SHNS.sourceShape)
        path = results.value(result, SHNS.resultPath)
        found.append(Violation(
            focus=str(results.value(result, SHNS.focusNode)),
            path=str(path) if isinstance(path, URIRef) else None,
            message=str(results.value(result, SHNS.resultMessage) or "violates a SHACL shape"),
            shape=_node_shape(shapes, source),
        ))
    return sorted(found, key=lambda v: (v.focus, v.path or "", v.message))


def _node_shape(shapes: Graph, source: Node | None) -> str:
    """The named node shape a result's source shape belongs to (a property shape is a blank node)."""
    if isinstance(source, URIRef):
        return str(source)
    owner = shapes.value(None, URIRef(SH + "property"), source)
    return str(owner) if owner is not None else str(source)


# -- the core profile in SPARQL, run by the store itself ---------------------------------------------
#
# pyshacl takes about 35 s for the 270,000 quads of ACLED's 9,000-row sample (as long as ten imports of
# it); the core profile uses only constraints that translate to one SPARQL query each, which the store
# answers in about a second. compile_checks() translates them (and refuses any other constraint, so a
# shape added to the core profile cannot be skipped silently); tests/test_validate.py checks that both
# engines report the same violations.

SH_NS = SH


@dataclass(frozen=True)
class Check:
    """One constraint of a shape, as a SPARQL query selecting ``?this`` (the focus node) for each violation."""

    shape: str
    path: str | None
    message: str
    query: str

    def run(self, kg: KnowledgeGraph, *, limit: int | None = None) -> list[Violation]:
        text = self.query + (f" LIMIT {limit}" if limit else "")
        rows = kg.query(text).records()
        return [Violation(str(r["this"]), self.path, self.message, self.shape) for r in rows]


def _sh(name: str) -> URIRef:
    return URIRef(SH_NS + name)


def _term(node: Node) -> str:
    return node.n3()


def _list(shapes: Graph, head: Node | None) -> list[Node]:
    items: list[Node] = []
    while head is not None and head != RDF.nil:
        item = shapes.value(head, RDF.first)
        if item is not None:
            items.append(item)
        head = shapes.value(head, RDF.rest)
    return items


#: A class's IRI -> the IRIs of it and every class below it (see :func:`class_lists`).
Classes = Callable[[str], list[str]]


def _in_class(var: str, klass: Node, classes: Classes) -> str:
    """``var`` is an instance of ``klass`` or a subclass: a list of classes, not an
    ``rdfs:subClassOf*`` path, which Virtuoso 7.2 evaluates wrongly once ``var``'s class is bound
    (every ``sh:class`` value was a violation); the list is also faster on Oxigraph."""
    return f"VALUES {var}c_ {{ {' '.join(f'<{c}>' for c in classes(str(klass)))} }}"


def class_lists(kg: KnowledgeGraph) -> Classes:
    """The subclass lists of ``kg``'s ontology, one query per class asked, remembered."""
    known: dict[str, list[str]] = {}

    def classes(klass: str) -> list[str]:
        if klass not in known:
            rows = kg.query(f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* <{klass}> }}").records()
            known[klass] = sorted({str(r["c"]) for r in rows} | {klass})
        return known[klass]
    return classes


def _targets(shapes: Graph, shape: Node, graph: str | None, classes: Classes) -> str:
    """``?this`` bound to each focus node of ``shape`` (only those described in ``graph`` when given)."""
    def scoped(pattern: str) -> str:
        return f"GRAPH <{graph}> {{ {pattern} }}" if graph else pattern

    parts = [f"{{ {scoped('?this a ?tc_')} {_in_class('?t', c, classes)} }}" for c in shapes.objects(shape, _sh("targetClass"))]
    parts += [f"{{ {scoped(f'?this {_term(p)} ?o_')} }}" for p in shapes.objects(shape, _sh("targetSubjectsOf"))]
    parts += [f"{{ {scoped(f'?s_ {_term(p)} ?this')} }}" for p in shapes.objects(shape, _sh("targetObjectsOf"))]
    if not parts:
        raise ValueError(f"shape {shape} has no target the SPARQL engine knows")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _path(shapes: Graph, path: Node | None) -> str:
    if isinstance(path, URIRef):
        return _term(path)
    inverse = shapes.value(path, _sh("inversePath"))
    if isinstance(inverse, URIRef):
        return "^" + _term(inverse)
    raise ValueError(f"unsupported sh:path {path}")


_VALUE_FILTERS = {
    "datatype": lambda shapes, v: f"FILTER(!isLiteral(?v) || DATATYPE(?v) != {_term(v)})",
    "in": lambda shapes, v: f"FILTER(?v NOT IN ({', '.join(_term(x) for x in _list(shapes, v))}))",
    "nodeKind": lambda shapes, v: {
        "IRI": "FILTER(!isIRI(?v))", "Literal": "FILTER(!isLiteral(?v))", "BlankNodeOrIRI": "FILTER(isLiteral(?v))",
    }[str(v)[len(SH_NS):]],
    "minLength": lambda shapes, v: f"FILTER(isBlank(?v) || STRLEN(STR(?v)) < {int(str(v))})",
    "pattern": lambda shapes, v: f"FILTER(isBlank(?v) || !REGEX(STR(?v), {Literal(str(v)).n3()}))",
    "minInclusive": lambda shapes, v: f"FILTER(!COALESCE(?v >= {_term(v)}, false))",
    "maxInclusive": lambda shapes, v: f"FILTER(!COALESCE(?v <= {_term(v)}, false))",
}
#: constraint parameters that are not constraints of their own
_IGNORED = {"path", "message", "name", "description", "order", "group", "severity", "deactivated"}


def compile_checks(
    shapes: Graph, classes: Classes, *, graph: str | None = None, exclude: str | None = None,
) -> list[Check]:
    """The active node shapes of ``shapes`` as SPARQL checks (focus nodes described in ``graph`` only,
    when given; their property values read from every graph but ``exclude``: the previous version of
    a graph being re-imported, whose values the new version replaces). ``classes`` gives the
    subclass lists of the store's ontology (:func:`class_lists`).

    :raises ValueError: a constraint the translation does not know (use pyshacl for that profile).
    """
    checks: list[Check] = []
    for shape in sorted(set(shapes.subjects(RDF.type, _sh("NodeShape"))), key=str):
        if (shape, SH_DEACTIVATED, Literal(True)) in shapes:
            continue
        focus = _targets(shapes, shape, graph, classes)
        node_message = str(shapes.value(shape, _sh("message")) or "violates a SHACL shape")
        for p, o in shapes.predicate_objects(shape):
            name = str(p)[len(SH_NS):] if str(p).startswith(SH_NS) else None
            if name == "sparql":
                checks.append(_sparql_check(shapes, shape, o, focus, node_message))
            elif name == "or":
                raise ValueError(f"sh:or in {shape}: not translated to SPARQL")
        for prop in shapes.objects(shape, _sh("property")):
            checks += _property_checks(shapes, shape, prop, focus, node_message, exclude, classes)
    return checks


def _property_checks(
    shapes: Graph, shape: Node, prop: Node, focus: str, default: str, exclude: str | None, classes: Classes,
) -> list[Check]:
    path = shapes.value(prop, _sh("path"))
    step = _path(shapes, path)

    def values(subject: str, obj: str, var: str = "?g1_") -> str:
        if exclude is None:
            return f"{subject} {step} {obj} ."
        return f"GRAPH {var} {{ {subject} {step} {obj} }} FILTER({var} != <{exclude}>)"

    message = str(shapes.value(prop, _sh("message")) or default)
    name = str(path) if isinstance(path, URIRef) else None
    out = []

    def check(where: str, *, group: str = "") -> None:
        out.append(Check(str(shape), name, message, f"SELECT DISTINCT ?this WHERE {{ {focus} {where} }}{group}"))

    for p, value in shapes.predicate_objects(prop):
        key = str(p)[len(SH_NS):] if str(p).startswith(SH_NS) else None
        if key is None or key in _IGNORED:
            continue
        if key == "minCount":
            if _int(value) == 1:
                check(f"FILTER NOT EXISTS {{ {values('?this', '?v')} }}")
            else:
                check(f"OPTIONAL {{ {values('?this', '?v')} }}", group=f" GROUP BY ?this HAVING(COUNT(DISTINCT ?v) < {_int(value)})")
        elif key == "maxCount":
            check(values("?this", "?v"), group=f" GROUP BY ?this HAVING(COUNT(DISTINCT ?v) > {_int(value)})")
        elif key == "lessThanOrEquals":
            other = values("?this", "?w_", "?g2_").replace(step, _term(value), 1)
            check(f"{values('?this', '?v')} {other} FILTER(!COALESCE(?v <= ?w_, false))")
        elif key == "hasValue":
            check(f"FILTER NOT EXISTS {{ {values('?this', _term(value))} }}")
        elif key == "class":
            check(f"{values('?this', '?v')} FILTER NOT EXISTS {{ ?v a ?vc_ {_in_class('?v', value, classes)} }}")
        elif key in _VALUE_FILTERS:
            check(f"{values('?this', '?v')} {_VALUE_FILTERS[key](shapes, value)}")
        else:
            raise ValueError(f"sh:{key} in {shape}: not translated to SPARQL")
    return out


def _int(value: Node) -> int:
    return int(str(value))


def _sparql_check(shapes: Graph, shape: Node, constraint: Node, focus: str, default: str) -> Check:
    select = str(shapes.value(constraint, _sh("select")))
    body = select[select.index("{", select.upper().index("WHERE")) + 1: select.rindex("}")]
    message = str(shapes.value(constraint, _sh("message")) or default)
    message = message.replace("{?value}", "a value")
    query = f"SELECT DISTINCT ?this WHERE {{ {focus} {{ {body.replace('$this', '?this')} }} }}"
    return Check(str(shape), None, message, query)


def check_store(
    kg: KnowledgeGraph, *, profile: str = "core", graph: str | None = None, exclude: str | None = None,
    limit: int | None = None,
) -> list[Violation]:
    """Run the SPARQL checks of ``profile`` on ``kg`` (focus nodes described in ``graph`` only, when
    given; values and classes come from the whole store, the ontology graph included, but values
    in ``exclude``, the version a re-import replaces)."""
    found: list[Violation] = []
    for check in compile_checks(load_profile(profile), class_lists(kg), graph=graph, exclude=exclude):
        found += check.run(kg, limit=limit)
    return sorted(set(found), key=lambda v: (v.focus, v.path or "", v.message))


def union_of(kg: KnowledgeGraph, graphs: Iterable[str] | None = None) -> Graph:
    """The triples of ``graphs`` (every named graph when None) of ``kg`` as one rdflib graph."""
    import pyoxigraph as ox

    from kg.contract.rdfmap import to_rdflib

    out = Graph()
    names = list(graphs) if graphs is not None else kg.graphs()
    for name in names:
        if name == str(ONTOLOGY_GRAPH):
            continue  # added by violations(), with stable ids for its blank nodes
        for q in kg.quads(name):
            s = BNode(q.subject.value) if isinstance(q.subject, ox.BlankNode) else URIRef(str(q.subject.value))  # type: ignore[union-attr]
            o = BNode(q.object.value) if isinstance(q.object, ox.BlankNode) else to_rdflib(q.object)  # type: ignore[arg-type]
            out.add((s, URIRef(str(q.predicate.value)), o))
    return out


def validate_store(kg: KnowledgeGraph) -> ValidationReport:
    """Validate a whole store: every graph against the core profile (SPARQL checks run by the store,
    :func:`check_store`), and the curated graphs (registry, reports and their texts) against the
    curated profile too (pyshacl: they are small, and the profile has constraints SPARQL checks do
    not translate)."""
    started = time.perf_counter()
    found = check_store(kg, profile="core")
    curated_graphs = [g for g in kg.graphs() if g == str(REGISTRY_GRAPH) or g.startswith(SOURCE_GRAPH_PREFIX)]
    curated = union_of(kg, curated_graphs)
    seen = {(v.focus, v.path, v.shape) for v in found}
    evidence = [
        v for v in violations(curated, load_profile("curated"), load_ontology()) if (v.focus, v.path, v.shape) not in seen
    ] if len(curated) else []
    seconds = time.perf_counter() - started
    core = kg.count_quads()
    log.info("validated %d quads (core) and %d curated triples in %.1f s", core, len(curated), seconds)
    return ValidationReport(tuple(found + evidence), {"core": core, "curated": len(curated)}, seconds)

"""kg.export.rdf and ``kg export``: every RDF format round-trips to the same graphs.

Each export is read back by an independent parser (rdflib; rapper for the triple
formats; pyld for JSON-LD; pyoxigraph for the dataset formats) and compared with the
store using ``rdflib.compare.isomorphic`` (blank nodes may be renamed by a parser).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDFS, XSD

import kg
from kg.base.errors import UsageError
from kg.base.namespaces import CKG
from kg.base.resources import ontology_dir
from kg.cli import main
from kg.curated.build import build
from kg.export.rdf import RdfExportFormat, export_rdf, exported_graphs, load_context, union_triples, write_rdf
from kg.store.graph import KnowledgeGraph

#: rdflib parser name of each export format.
RDFLIB_FORMAT = {
    RdfExportFormat.TURTLE: "turtle",
    RdfExportFormat.NTRIPLES: "nt",
    RdfExportFormat.RDFXML: "xml",
    RdfExportFormat.NQUADS: "nquads",
    RdfExportFormat.TRIG: "trig",
    RdfExportFormat.JSONLD: "json-ld",
}
#: rapper's parser name of each triple format.
RAPPER_SYNTAX = {
    RdfExportFormat.TURTLE: "turtle",
    RdfExportFormat.NTRIPLES: "ntriples",
    RdfExportFormat.RDFXML: "rdfxml",
}
TRIPLE_FORMATS = [f for f in RdfExportFormat if not f.keeps_graphs]
DATASET_FORMATS = [f for f in RdfExportFormat if f.keeps_graphs]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# -- helpers: the store as rdflib graphs ------------------------------------------------------


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    """A pyoxigraph term as the rdflib term a parser of the same data would produce."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))


def graph_of(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def store_graphs(store: KnowledgeGraph, every: bool = False) -> dict[str, Graph]:
    """Each named graph an export holds (``every``: of the store) as an rdflib Graph."""
    return {name: graph_of(store.quads(name)) for name in exported_graphs(store, include_restricted=every)}


def exported_quads(store: KnowledgeGraph, every: bool = False) -> list[ox.Quad]:
    """The quads an export holds: those of the graphs marked redistributable (``every``: all)."""
    return [q for name in exported_graphs(store, include_restricted=every) for q in store.quads(name)]


def store_union(store: KnowledgeGraph, every: bool = False) -> Graph:
    return graph_of(exported_quads(store, every))


def dataset_graphs(dataset: Dataset) -> dict[str, Graph]:
    """The non-default graphs of a parsed rdflib Dataset (the default graph must be empty)."""
    default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    assert len(default) == 0, f"unexpected triples in the default graph: {list(default)[:3]}"
    return {str(g.identifier): g for g in dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)}


def assert_same_graphs(parsed: dict[str, Graph], expected: dict[str, Graph]) -> None:
    assert sorted(parsed) == sorted(expected)
    for name, graph in expected.items():
        assert len(parsed[name]) == len(graph), name
        assert isomorphic(parsed[name], graph), f"graph {name} differs after the round trip"


def distinct_triples(store: KnowledgeGraph) -> int:
    return len({(q.subject, q.predicate, q.object) for q in exported_quads(store)})


def ground_quads(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """The quads without blank nodes (their identity survives any parser)."""
    return {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def rapper_count(path: Path, syntax: str) -> int:
    done = subprocess.run(["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = re.search(r"Parsing returned (\d+) triples?", done.stderr)
    assert found, done.stderr
    return int(found.group(1))


# -- the seed store is a meaningful fixture ---------------------------------------------------


def test_seed_has_named_graphs(seed_kg: KnowledgeGraph) -> None:
    """The round trips below are only meaningful if the seed has several named graphs."""
    names = seed_kg.graphs()
    assert len(names) >= 3
    assert "https://w3id.org/conflict-kg/graph/ontology" in names
    assert any(name.startswith("https://w3id.org/conflict-kg/graph/source/") for name in names)
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in seed_kg.quads())


# -- every format, parsed by rdflib ------------------------------------------------------------


@pytest.mark.parametrize("fmt", TRIPLE_FORMATS, ids=lambda f: f.label)
def test_triple_format_round_trips_to_the_union(seed_kg: KnowledgeGraph, fmt: RdfExportFormat) -> None:
    data = export_rdf(seed_kg, fmt)
    parsed = Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
    expected = store_union(seed_kg)
    assert len(parsed) == distinct_triples(seed_kg) == len(expected)
    assert isomorphic(parsed, expected)


@pytest.mark.parametrize("fmt", DATASET_FORMATS, ids=lambda f: f.label)
def test_dataset_format_round_trips_graph_by_graph(seed_kg: KnowledgeGraph, fmt: RdfExportFormat) -> None:
    data = export_rdf(seed_kg, fmt)
    parsed = Dataset()
    parsed.parse(data=data, format=RDFLIB_FORMAT[fmt])
    assert_same_graphs(dataset_graphs(parsed), store_graphs(seed_kg))


def test_triple_formats_hold_no_graph_names(seed_kg: KnowledgeGraph) -> None:
    """N-Triples is the union: a strict N-Triples parser accepts it, each triple once."""
    data = export_rdf(seed_kg, "ntriples")
    parsed = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in parsed)
    assert len(parsed) == len(set(parsed)) == distinct_triples(seed_kg)
    with pytest.raises(SyntaxError):  # and the N-Quads export is not N-Triples
        list(ox.parse(export_rdf(seed_kg, "nquads"), format=ox.RdfFormat.N_TRIPLES))


BLANK_NODE_DATA = """
INSERT DATA {
  GRAPH <https://example.org/g1> {
    <https://example.org/a> <https://example.org/p> "x"@en , "y" , 2 , "2017-05-23"^^<http://www.w3.org/2001/XMLSchema#date> .
    <https://example.org/a> <https://example.org/geom> _:g .
    _:g <https://example.org/wkt> "POINT(1 2)"^^<http://www.opengis.net/ont/geosparql#wktLiteral> .
  }
  GRAPH <https://example.org/g2> {
    <https://example.org/a> <https://example.org/p> "x"@en .
    _:g <https://example.org/seenIn> <https://example.org/g2> .
    <https://example.org/b> <https://example.org/q> _:h .
    _:h <https://example.org/q> _:i .
    _:i <https://example.org/r> 0.8 .
  }
}
"""


@pytest.mark.parametrize("fmt", list(RdfExportFormat), ids=lambda f: f.label)
def test_blank_nodes_and_literals_round_trip(empty_kg: KnowledgeGraph, fmt: RdfExportFormat) -> None:
    """Blank nodes (also one shared by two graphs), language tags and datatypes survive every format."""
    empty_kg.update(BLANK_NODE_DATA)
    assert empty_kg.count_quads() == 11
    data = export_rdf(empty_kg, fmt, include_restricted=True)  # the graphs say nothing about their licence
    if fmt.keeps_graphs:
        parsed = Dataset()
        parsed.parse(data=data, format=RDFLIB_FORMAT[fmt])
        assert_same_graphs(dataset_graphs(parsed), store_graphs(empty_kg, every=True))
        shared = {q[2] for q in parsed.quads((URIRef("https://example.org/a"), URIRef("https://example.org/geom"), None, None))}
        seen_in = {q[0] for q in parsed.quads((None, URIRef("https://example.org/seenIn"), URIRef("https://example.org/g2"), None))}
        assert len(shared) == 1 and shared == seen_in, "the blank node shared by g1 and g2 was split"
    else:
        parsed_graph = Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
        assert len(parsed_graph) == 10  # the triple in both graphs once
        assert isomorphic(parsed_graph, store_union(empty_kg, every=True))
        assert not isomorphic(parsed_graph, store_graphs(empty_kg, every=True)["https://example.org/g1"])


@pytest.mark.parametrize("fmt", [RdfExportFormat.NQUADS, RdfExportFormat.TRIG], ids=lambda f: f.label)
def test_dataset_format_loads_back_into_oxigraph(seed_kg: KnowledgeGraph, fmt: RdfExportFormat) -> None:
    fresh = kg.open(":memory:")
    fresh.store.load(export_rdf(seed_kg, fmt), format=fmt.engine)
    assert fresh.count_quads() == len(exported_quads(seed_kg))
    assert fresh.graphs() == exported_graphs(seed_kg)
    assert ground_quads(fresh.quads()) == ground_quads(exported_quads(seed_kg))
    assert_same_graphs(store_graphs(fresh), store_graphs(seed_kg))


def test_export_is_deterministic(seed_kg: KnowledgeGraph) -> None:
    for fmt in (RdfExportFormat.TURTLE, RdfExportFormat.NQUADS, RdfExportFormat.TRIG):
        assert export_rdf(seed_kg, fmt) == export_rdf(seed_kg, fmt)


# -- an independent parser: rapper (raptor2) ---------------------------------------------------


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (Debian package raptor2-utils) is not installed")
@pytest.mark.parametrize("fmt", TRIPLE_FORMATS, ids=lambda f: f.label)
def test_rapper_parses_triple_formats(seed_kg: KnowledgeGraph, fmt: RdfExportFormat, tmp_path: Path) -> None:
    path = write_rdf(seed_kg, tmp_path / f"seed{fmt.extension}")
    assert path.stat().st_size > 0
    assert rapper_count(path, RAPPER_SYNTAX[fmt]) == distinct_triples(seed_kg)


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (Debian package raptor2-utils) is not installed")
def test_rapper_counts_a_broken_file(tmp_path: Path) -> None:
    """The rapper helper can fail: a truncated Turtle file is rejected."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/p> ", encoding="utf-8")
    with pytest.raises(AssertionError):
        rapper_count(bad, "turtle")


# -- JSON-LD: inline context, compacted terms, readable by pyld without a network ---------------


class RemoteContextRequested(Exception):
    pass


def no_network_loader(url: str, options: object = None) -> object:
    raise RemoteContextRequested(f"the JSON-LD export asked to fetch {url}")


def expand_iri(value: str, context: dict[str, object]) -> str:
    """Expand a compact IRI (``ckg:agent``) or term with the prefixes of ``context``."""
    if ":" in value:
        prefix, _, rest = value.partition(":")
        base = context.get(prefix)
        if isinstance(base, dict):
            base = base.get("@id")
        if isinstance(base, str) and not rest.startswith("//"):
            return base + rest
        return value
    entry = context.get(value)
    if isinstance(entry, dict):
        entry = entry.get("@id")
    return expand_iri(entry, context) if isinstance(entry, str) and entry != value else value


def term_for(iri: str, context: dict[str, object]) -> str | None:
    """The context's short term (no colon) for ``iri``, if it defines one."""
    for term, entry in context.items():
        if term.startswith("@") or ":" in term:
            continue
        target = entry.get("@id", term) if isinstance(entry, dict) else entry
        if isinstance(target, str) and expand_iri(target, context) == iri:
            return term
    return None


def all_keys(node: object) -> set[str]:
    if isinstance(node, dict):
        keys = set(node)
        for value in node.values():
            keys |= all_keys(value)
        return keys
    if isinstance(node, list):
        return set().union(*(all_keys(v) for v in node)) if node else set()
    return set()


@pytest.fixture(scope="module")
def jsonld_doc(seed_kg: KnowledgeGraph) -> dict[str, object]:
    return json.loads(export_rdf(seed_kg, "jsonld").decode("utf-8"))


def test_jsonld_context_is_inline_and_the_projects(jsonld_doc: dict[str, object]) -> None:
    context = jsonld_doc["@context"]
    assert isinstance(context, dict), f"@context should be an inline object, not {context!r}"
    assert context == load_context()
    on_disk = json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    assert context == on_disk["@context"]
    assert "https://w3id.org/conflict-kg/ontology#" in json.dumps(context)


def test_jsonld_uses_the_short_terms_of_the_context(jsonld_doc: dict[str, object]) -> None:
    context = jsonld_doc["@context"]
    assert isinstance(context, dict)
    keys = all_keys({k: v for k, v in jsonld_doc.items() if k != "@context"})
    for iri in (str(RDFS.label), str(CKG.agent), str(CKG.startDate)):
        term = term_for(iri, context)
        assert term is not None, f"ontology/context.jsonld defines no term for {iri}"
        assert term in keys, f"{iri} is not compacted to {term!r}"
        assert iri not in keys


def keyword_aliases(keyword: str, context: dict[str, object]) -> set[str]:
    """``keyword`` and the terms the context defines as aliases of it (``"id": "@id"``)."""
    return {keyword} | {term for term, entry in context.items() if entry == keyword}


def test_jsonld_keeps_named_graphs(jsonld_doc: dict[str, object], seed_kg: KnowledgeGraph) -> None:
    context = jsonld_doc["@context"]
    assert isinstance(context, dict)
    id_keys, graph_keys = keyword_aliases("@id", context), keyword_aliases("@graph", context)
    top = [jsonld_doc[k] for k in graph_keys if k in jsonld_doc]
    assert len(top) == 1 and isinstance(top[0], list)
    named = [node for node in top[0] if isinstance(node, dict) and graph_keys & set(node)]
    ids = {expand_iri(str(node[k]), context) for node in named for k in id_keys & set(node)}
    assert ids == set(exported_graphs(seed_kg))
    assert len(named) == len(ids)


def test_jsonld_to_rdf_with_pyld_needs_no_remote_context(jsonld_doc: dict[str, object], seed_kg: KnowledgeGraph) -> None:
    from pyld import jsonld

    nquads = jsonld.to_rdf(jsonld_doc, {"format": "application/n-quads", "documentLoader": no_network_loader})
    parsed = Dataset()
    parsed.parse(data=nquads, format="nquads")
    assert_same_graphs(dataset_graphs(parsed), store_graphs(seed_kg))


def test_pyld_loader_guard_can_fail() -> None:
    """The loader used above really raises when pyld needs a remote context."""
    from pyld import jsonld

    doc = {"@context": "https://example.org/context.jsonld", "@id": "https://example.org/a", "p": 1}
    with pytest.raises(Exception) as err:
        jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": no_network_loader})
    causes, cause = [], err.value
    while cause is not None:
        causes.append(cause)
        cause = getattr(cause, "cause", None) or cause.__cause__
    assert any(isinstance(c, RemoteContextRequested) for c in causes)


# -- formats: names, extensions, errors --------------------------------------------------------


@pytest.mark.parametrize("fmt", list(RdfExportFormat), ids=lambda f: f.label)
def test_format_parse_by_name_and_extension(fmt: RdfExportFormat) -> None:
    assert RdfExportFormat.parse(fmt.label) is fmt
    assert RdfExportFormat.parse(fmt.extension) is fmt
    assert RdfExportFormat.parse(fmt) is fmt
    assert RdfExportFormat.from_extension(f"dir/out{fmt.extension.upper()}") is fmt
    assert fmt.keeps_graphs == (fmt in (RdfExportFormat.NQUADS, RdfExportFormat.TRIG, RdfExportFormat.JSONLD))


@pytest.mark.parametrize("name", ["n3", "ttl2", "", "TURTLE-ish"])
def test_unknown_format_is_a_usage_error(name: str, seed_kg: KnowledgeGraph) -> None:
    with pytest.raises(UsageError, match="unknown RDF format") as err:
        export_rdf(seed_kg, name)
    assert err.value.exit_code == 2
    assert "turtle" in str(err.value) and "nquads" in str(err.value)


def test_write_rdf_without_known_extension_is_a_usage_error(seed_kg: KnowledgeGraph, tmp_path: Path) -> None:
    target = tmp_path / "out.xyz"
    with pytest.raises(UsageError, match=r"\.xyz"):
        write_rdf(seed_kg, target)
    assert not target.exists()


def test_write_rdf_explicit_format_wins_over_extension(seed_kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = write_rdf(seed_kg, tmp_path / "sub" / "out.txt", "nquads")
    assert path == tmp_path / "sub" / "out.txt"
    assert path.read_bytes() == export_rdf(seed_kg, "nquads")


def test_union_triples_is_distinct_and_sorted(seed_kg: KnowledgeGraph) -> None:
    triples = union_triples(seed_kg)
    assert len(triples) == len(set(triples)) == distinct_triples(seed_kg)
    assert [str(t) for t in triples] == sorted(str(t) for t in triples)


@pytest.mark.parametrize("fmt", list(RdfExportFormat), ids=lambda f: f.label)
def test_export_of_an_empty_store_is_valid(empty_kg: KnowledgeGraph, fmt: RdfExportFormat) -> None:
    data = export_rdf(empty_kg, fmt)
    if fmt.keeps_graphs:
        parsed = Dataset()
        parsed.parse(data=data, format=RDFLIB_FORMAT[fmt])
        assert len(parsed) == 0 and dataset_graphs(parsed) == {}
    else:
        assert len(Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])) == 0


def test_export_reflects_store_content(empty_kg: KnowledgeGraph) -> None:
    """The exporter reads the store it is given (a small store exports exactly its quads)."""
    empty_kg.update(
        'INSERT DATA { GRAPH <https://example.org/g1> { <https://example.org/a> <https://example.org/p> "x"@en } '
        'GRAPH <https://example.org/g2> { <https://example.org/a> <https://example.org/p> "x"@en . '
        "<https://example.org/a> <https://example.org/q> [ <https://example.org/r> 2 ] } }"
    )
    parsed = Dataset()
    parsed.parse(data=export_rdf(empty_kg, "nquads", include_restricted=True), format="nquads")
    graphs = dataset_graphs(parsed)
    assert sorted(graphs) == ["https://example.org/g1", "https://example.org/g2"]
    assert len(graphs["https://example.org/g1"]) == 1 and len(graphs["https://example.org/g2"]) == 3
    union = Graph().parse(data=export_rdf(empty_kg, "ntriples", include_restricted=True), format="nt")
    assert len(union) == 3  # the shared triple once
    assert (URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x", lang="en")) in union
    assert any(o == Literal(2, datatype=XSD.integer) for o in union.objects())


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store with the seed built into it (closed again, so the CLI can open it)."""
    location = tmp_path_factory.mktemp("export-cli") / "store"
    graph = kg.open(location)
    build(graph)
    graph.close()
    del graph
    return location


def library_export(store: Path, fmt: RdfExportFormat) -> bytes:
    """``export_rdf`` of the same store folder (another build of the seed names its blank nodes differently)."""
    graph = kg.open(store, read_only=True)
    try:
        return export_rdf(graph, fmt)
    finally:
        graph.close()


def invoke(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt", list(RdfExportFormat), ids=lambda f: f.label)
def test_cli_export_format_to_file(runner, built_store: Path, tmp_path: Path, seed_kg: KnowledgeGraph, fmt: RdfExportFormat) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "export.data"  # the extension says nothing: --format decides
    result = invoke(runner, "--store", str(built_store), "export", "--format", fmt.label, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.stat().st_size > 0
    assert str(out) in result.stderr
    assert result.stdout == ""
    if fmt.keeps_graphs:
        parsed = Dataset()
        parsed.parse(out, format=RDFLIB_FORMAT[fmt])
        assert_same_graphs(dataset_graphs(parsed), store_graphs(seed_kg))
    else:
        parsed_graph = Graph().parse(out, format=RDFLIB_FORMAT[fmt])
        assert isomorphic(parsed_graph, store_union(seed_kg))


@pytest.mark.parametrize("fmt", list(RdfExportFormat), ids=lambda f: f.label)
def test_cli_export_picks_format_from_extension(runner, built_store: Path, tmp_path: Path, seed_kg: KnowledgeGraph, fmt: RdfExportFormat) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"out{fmt.extension}"
    result = invoke(runner, "--store", str(built_store), "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    if fmt is not RdfExportFormat.JSONLD:  # rdflib's JSON-LD writer names blank nodes afresh
        assert out.read_bytes() == library_export(built_store, fmt)
    if fmt.keeps_graphs:
        parsed = Dataset()
        parsed.parse(out, format=RDFLIB_FORMAT[fmt])
        assert_same_graphs(dataset_graphs(parsed), store_graphs(seed_kg))
    else:
        assert isomorphic(Graph().parse(out, format=RDFLIB_FORMAT[fmt]), store_union(seed_kg))


def test_cli_export_nq_extension_is_nquads(runner, built_store: Path, tmp_path: Path, seed_kg: KnowledgeGraph) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.nq"
    result = invoke(runner, "--store", str(built_store), "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(exported_quads(seed_kg))
    assert all(line.endswith("> .") and "<https://w3id.org/conflict-kg/graph/" in line for line in lines)
    fresh = kg.open(":memory:")
    fresh.store.load(path=str(out), format=ox.RdfFormat.N_QUADS)
    assert ground_quads(fresh.quads()) == ground_quads(exported_quads(seed_kg))


def test_cli_export_to_stdout_defaults_to_turtle(runner, built_store: Path, seed_kg: KnowledgeGraph) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--store", str(built_store), "export")
    assert result.exit_code == 0, result.output
    assert result.stdout.encode("utf-8") == library_export(built_store, RdfExportFormat.TURTLE)
    assert isomorphic(Graph().parse(data=result.stdout, format="turtle"), store_union(seed_kg))


def test_cli_export_to_stdout_nquads(runner, built_store: Path, seed_kg: KnowledgeGraph) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--store", str(built_store), "export", "--format", "nquads")
    assert result.exit_code == 0, result.output
    parsed = Dataset()
    parsed.parse(data=result.stdout, format="nquads")
    assert_same_graphs(dataset_graphs(parsed), store_graphs(seed_kg))


def test_cli_unknown_format_is_a_usage_error(runner, built_store: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.ttl"
    result = runner.invoke(main, ["--store", str(built_store), "export", "--format", "n3", "-o", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and "n3" in errors[0] and "turtle" in errors[0]
    assert not out.exists()


def test_cli_unknown_extension_is_a_one_line_usage_error(runner, built_store: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.xyz"
    result = runner.invoke(main, ["--store", str(built_store), "export", "-o", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and ".xyz" in lines[0]
    assert result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize("fmt", list(RdfExportFormat), ids=lambda f: f.label)
def test_cli_export_of_an_empty_store(runner, tmp_path: Path, fmt: RdfExportFormat) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"empty{fmt.extension}"
    kg.open(str(tmp_path / "store")).close()  # an empty store (a missing one is refused: tests/test_analysis_cli.py)
    result = invoke(runner, "--store", str(tmp_path / "store"), "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file()
    if fmt.keeps_graphs:
        parsed = Dataset()
        parsed.parse(out, format=RDFLIB_FORMAT[fmt])
        assert len(parsed) == 0 and dataset_graphs(parsed) == {}
    else:
        assert len(Graph().parse(out, format=RDFLIB_FORMAT[fmt])) == 0
    if fmt in RAPPER_SYNTAX and shutil.which("rapper"):
        assert rapper_count(out, RAPPER_SYNTAX[fmt]) == 0

"""Shapes for all data (issue 20): the core and curated-evidence profiles, the SPARQL checks that
run the core profile inside the store (compared with pyshacl), import validation and ``kg validate``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from test_shacl import CASES, valid_graph

import kg
from kg.base.errors import DataError
from kg.base.namespaces import BASE
from kg.cli import main
from kg.contract.emit import RowQuads
from kg.contract.ontology import ensure_ontology, load_ontology
from kg.contract.validation import (
    ValidationReport,
    check_store,
    compile_checks,
    load_profile,
    union_of,
    validate_store,
    violations,
)
from kg.contract.writer import C, lit
from kg.ingest.base import Row, import_file

from conftest import SHARED, dump

DATA = Path(__file__).parent / "data"
SAMPLES = [
    ("acled", SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv", DATA / "acled" / "acled-sample-30.csv"),
    ("ucdp", SHARED / "datasets" / "ucdp-ged-sample" / "ucdpged.csv", DATA / "ucdp" / "ucdp-ged-25.csv"),
    ("gdelt", SHARED / "datasets" / "gdelt-sample" / "events2samp_gdelt2_from_pickle.csv", DATA / "gdelt" / "gdelt2-raw.export.CSV"),
    ("gdelt", SHARED / "datasets" / "gdelt-sample" / "events1samp_gdelt1_from_pickle.csv", DATA / "gdelt" / "gdelt1-raw.export.CSV"),
    ("icews", SHARED / "datasets" / "icews14" / "tlogic-named" / "valid.txt", DATA / "icews" / "icews14-valid-head40.txt"),
]
#: the broken cases of tests/test_shacl.py that the curated-evidence profile alone catches
EVIDENCE_CASES = {"event-without-quote", "event-without-agent-or-participant"}


def _store_of(graph: Graph) -> kg.KnowledgeGraph:
    """A memory store holding ``graph`` in one named graph and the ontology, as a build leaves it."""
    store = kg.open(":memory:")
    ensure_ontology(store)
    target = ox.NamedNode(BASE + "graph/source/test-report")
    from kg.contract.ontology import _ox

    store.add_quads(ox.Quad(_ox(s), _ox(p), _ox(o), target) for s, p, o in graph)
    return store


# -- the profiles --------------------------------------------------------------------------------


def test_every_node_shape_is_in_one_profile() -> None:
    from rdflib.namespace import DCTERMS, RDF, SH

    shapes = load_profile("curated")
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert node_shapes and all(len(list(shapes.objects(s, DCTERMS.isPartOf))) == 1 for s in node_shapes)
    core = load_profile("core")
    deactivated = {s for s in node_shapes if (s, SH.deactivated, None) in core}
    assert {str(s).rsplit("#", 1)[1] for s in deactivated} == {
        "QuotedEventShape", "EventRoleShape", "QuoteOffsetShape", "SourceTextShape"}


def test_the_core_profile_compiles_to_sparql_entirely() -> None:
    checks = compile_checks(load_profile("core"), lambda klass: [klass])
    shapes = {c.shape.rsplit("#", 1)[1] for c in checks}
    assert {"EventShape", "SideFatalitiesShape", "WikidataLinkShape", "GeometryShape", "SourceShape"} <= shapes
    with pytest.raises(ValueError, match="sh:or"):
        compile_checks(load_profile("curated"), lambda klass: [klass])  # the curated profile stays with pyshacl


@pytest.mark.parametrize("name", sorted(set(CASES) - EVIDENCE_CASES))
def test_sparql_checks_find_what_pyshacl_finds(name: str) -> None:
    """Each broken graph of tests/test_shacl.py: the store's SPARQL checks of the core profile report
    the same focus node and property as pyshacl with the same shapes."""
    graph = valid_graph()
    assert check_store(_store_of(graph)) == []
    CASES[name].edit(graph)
    shacl = violations(graph, load_profile("core"), load_ontology())
    sparql = check_store(_store_of(graph))
    assert shacl, "pyshacl must see the break in the core profile"
    assert {(v.focus, v.path) for v in sparql} == {(v.focus, v.path) for v in shacl}
    assert {v.shape for v in sparql} == {v.shape for v in shacl}


@pytest.mark.parametrize("name", sorted(EVIDENCE_CASES))
def test_evidence_breaks_are_curated_only(name: str) -> None:
    graph = valid_graph()
    CASES[name].edit(graph)
    assert violations(graph, load_profile("core"), load_ontology()) == []
    assert violations(graph, load_profile("curated"), load_ontology()) != []


# -- seed and samples ------------------------------------------------------------------------------


def _sample(sample: Path, fixture: Path, tmp: Path, rows: int | None) -> Path:
    source = sample if sample.is_file() else fixture
    if rows is None:
        return source
    head = tmp / source.name
    head.write_text("".join(source.read_text(encoding="utf-8").splitlines(keepends=True)[: rows + 1]), encoding="utf-8")
    return head


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> kg.KnowledgeGraph:
    """The seed and every dataset sample, whole (the fixtures when the samples are absent)."""
    folder = tmp_path_factory.mktemp("samples")
    store = kg.open(str(folder / "store"))
    kg.build(store)
    for fmt, sample, fixture in SAMPLES:
        kg.import_dataset(store, fmt, _sample(sample, fixture, folder, None), skip_bad_rows=True, validate=False)
    return store


@pytest.mark.slow
def test_seed_and_every_sample_satisfy_the_core_profile(everything: kg.KnowledgeGraph) -> None:
    events = everything.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:eventType ?t }").scalar()
    assert int(events) > 1000 or not SAMPLES[0][1].is_file()
    assert check_store(everything) == []
    report = validate_store(everything)
    assert report.conforms, report.summary()
    assert report.checked["core"] == everything.count_quads() and report.checked["curated"] > 500


@pytest.mark.slow
def test_pyshacl_finds_no_core_violation_in_the_seed_and_sample_slices(tmp_path: Path) -> None:
    """pyshacl itself (the reference engine) over the seed and the first 300 rows of every sample:
    no core violation; and the curated profile over the seed alone, none either."""
    store = kg.open(":memory:")
    kg.build(store)
    seed = union_of(store)
    for fmt, sample, fixture in SAMPLES:
        kg.import_dataset(store, fmt, _sample(sample, fixture, tmp_path, 300), skip_bad_rows=True, validate=False)
    ontology = load_ontology()
    found = violations(union_of(store), load_profile("core"), ontology)
    assert found == [], ValidationReport(tuple(found)).summary()
    assert violations(seed, load_profile("curated"), ontology) == []
    # and the quotes really are required of curated data: the samples fail the curated profile
    assert any(v.path and v.path.endswith("#quote") for v in violations(union_of(store), load_profile("curated"), ontology))


# -- imports are validated ---------------------------------------------------------------------------


class TwoStartDates:
    """A broken importer: every event gets a second ckg:startDate (a bug the core shapes catch)."""

    name = "broken"
    title = "Broken"
    licence = "test"

    def rows(self, path: Path) -> Iterator[tuple[int, Row]]:
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield line, {"id": text.strip()}

    def map_row(self, row: Row, out: RowQuads, source: ox.NamedNode) -> None:
        actor = out.actor("Somebody")
        event = out.event(f"broken-{row['id']}", cls="Attack", concept="attack", source=source,
                          start=dt.date(2020, 1, 1), label="x", source_id=row["id"], agents=[actor])
        if row["id"] == "2":
            out.add(event, C["startDate"], lit("2020-01-02", "date"))


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_an_import_violating_the_core_shapes_is_refused(kind: str, tmp_path: Path) -> None:
    store = kg.open(":memory:" if kind == "memory" else str(tmp_path / "store"))
    kg.build(store)
    before = dump(store)
    rows = tmp_path / "rows.txt"
    rows.write_text("1\n2\n3\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        import_file(store, TwoStartDates(), rows)
    message = str(err.value)
    assert "\n" not in message and "violate the core shapes" in message
    assert "ckg:startDate" in message and "event/broken-2" in message
    assert dump(store) == before  # all or nothing
    report = import_file(store, TwoStartDates(), rows, validate=False)  # knowingly
    assert report.imported == 3
    assert [v.focus for v in check_store(store)] == [BASE + "id/event/broken-2"]


def test_kg_import_no_validate_skips_the_check(tmp_path: Path, runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``kg import`` refuses records that break the core shapes in one line; ``--no-validate`` imports them."""
    import kg.cli.import_cmd as import_cmd

    monkeypatch.setattr(import_cmd, "get_format", lambda name, **options: TwoStartDates())
    path = str(tmp_path / "store")
    rows = tmp_path / "rows.txt"
    rows.write_text("1\n2\n3\n", encoding="utf-8")
    refused = runner.invoke(main, ["--store", path, "import", "icews", "--quiet", str(rows)])
    assert refused.exit_code == 1 and "violate the core shapes" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    taken = runner.invoke(main, ["--store", path, "import", "icews", "--quiet", "--no-validate", str(rows)])
    assert taken.exit_code == 0, taken.output
    assert "3" in taken.output
    assert runner.invoke(main, ["--store", path, "validate"]).exit_code == 1


# -- kg validate ----------------------------------------------------------------------------------


def test_kg_validate_conforms_and_fails_with_one_line_per_kind(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", path, "build"]).exit_code == 0
    assert runner.invoke(main, ["--store", path, "import", "ucdp", str(DATA / "ucdp" / "ucdp-ged-25.csv")]).exit_code == 0
    result = runner.invoke(main, ["--store", path, "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("conforms: ") and result.output.count("\n") == 1
    store = kg.open(path)
    store.update("""DELETE { GRAPH ?g { ?e ckg:datePrecision ?p } } WHERE { GRAPH ?g { ?e ckg:sourceId ?id ; ckg:datePrecision ?p } } ;
                    DELETE { GRAPH ?g { ?e ckg:quote ?q } } WHERE { GRAPH ?g { ?e ckg:quote ?q FILTER(CONTAINS(STR(?e), "vbied")) } }""")
    store.close()
    result = runner.invoke(main, ["--store", path, "validate"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("Error: the store does not conform: ")
    assert len(lines) == 3  # one line per kind: the imported events' precision, the curated event's quote
    assert lines[0].startswith("25 x ckgsh:EventShape ckg:datePrecision: ")
    assert "ckgsh:QuotedEventShape ckg:quote" in lines[1] and "isis-vbied" in lines[1]

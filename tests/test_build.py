"""kg build: counts, idempotence, and every kind of bad input failing cleanly with the store untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.base.errors import DataError, ValidationError
from kg.base.namespaces import DERIVED_GRAPH, ONTOLOGY_GRAPH, REGISTRY_GRAPH, graph_iri
from kg.cli import main
from kg.curated.build import build

from conftest import dump

EVENTS = "events/isw-syria-sitrep-2017-05-31.yaml"


def test_build_writes_graphs_and_counts(empty_kg_both):
    report = build(empty_kg_both)
    assert report.events >= 16 and report.states >= 1 and report.actors >= 12 and report.places >= 15
    assert set(empty_kg_both.graphs()) == {
        str(ONTOLOGY_GRAPH), str(REGISTRY_GRAPH), str(DERIVED_GRAPH),
        str(graph_iri("source", "isw-syria-sitrep-2017-05-31")),
        str(graph_iri("source", "isw-syria-sitrep-2017-05-31/text")),  # the report's text, in copyright
    }
    assert report.quads == empty_kg_both.count_quads()
    assert report.derived > 0


def test_build_twice_gives_same_store(empty_kg_both):
    build(empty_kg_both)
    first = dump(empty_kg_both)
    build(empty_kg_both)
    assert dump(empty_kg_both) == first


def test_build_removes_a_deleted_source(empty_kg_both, data_copy):
    build(empty_kg_both, data_copy)
    extra = data_copy / "sources" / "second-report.txt"
    extra.write_text("---\nid: second-report\ntitle: Second\npublishers: [isw]\nissued: 2017-06-01\n---\nText.", encoding="utf-8")
    build(empty_kg_both, data_copy)
    assert str(graph_iri("source", "second-report")) in empty_kg_both.graphs()
    extra.unlink()
    build(empty_kg_both, data_copy)
    assert str(graph_iri("source", "second-report")) not in empty_kg_both.graphs()


def test_shortcuts_are_derived_from_events(seed_kg):
    rows = seed_kg.query("""
        SELECT ?a ?b WHERE { GRAPH <https://w3id.org/conflict-kg/graph/derived> { ?a ckg:attacked ?b } }
    """).records()
    pairs = {(r["a"].rsplit("/", 1)[1], r["b"].rsplit("/", 1)[1]) for r in rows}
    assert ("isis", "ahrar-al-sham") in pairs and ("isis", "alawite-community") in pairs
    # every shortcut edge is backed by an event with that agent and target
    unsupported = seed_kg.query("""
        ASK { GRAPH <https://w3id.org/conflict-kg/graph/derived> { ?a ckg:attacked ?b }
              FILTER NOT EXISTS { ?e a ckg:Attack ; ckg:agent ?a ; ckg:target ?b } }
    """).boolean
    assert unsupported is False
    assert seed_kg.query("ASK { actor:pro-regime-forces ckg:intercepted ?x }").boolean
    assert seed_kg.query("ASK { actor:nato ckg:joined actor:anti-isis-coalition }").boolean


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in a file; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old):], encoding="utf-8")
    return text[:index].count("\n") + 1


BAD_INPUTS = {
    "yaml-syntax": (EVENTS, "    agents: [isis]\n", "    agents: [isis\n", "YAML syntax error", None),
    "unknown-actor": (EVENTS, "agents: [isis]", "agents: [isis-typo]", "unknown actor id 'isis-typo'", "agents"),
    "impossible-date": (EVENTS, "date: 2017-05-23", "date: 2017-02-30", "impossible date '2017-02-30'", "date"),
    "quote-not-found": (EVENTS, "quote: \"ISIS detonated one VBIED", "quote: \"ISIS detonated two VBIED", "quote not found verbatim", "quote"),
    "unknown-event-type": (EVENTS, "type: vehicle-bomb-attack", "type: car-bomb", "unknown event type 'car-bomb'", "type"),
    "unknown-place": ("places.yaml", "within: homs-city", "within: homs-town", "unknown place id 'homs-town'", "within"),
    "bad-precision": (EVENTS, "precision: day", "precision: weekly", "unknown date precision 'weekly'", "precision"),
    "latitude": ("places.yaml", "lat: 35.0", "lat: 135.0", "135.0 is not a latitude: write decimal degrees from -90 to 90", "lat"),
    "shacl-wikidata": ("actors.yaml", "wikidata: Q7184", "wikidata: \"12345\"", "", "wikidata"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_with_location_and_leaves_store(case, empty_kg_both, data_copy):
    build(empty_kg_both, data_copy)
    before = dump(empty_kg_both)
    file, old, new, message, field = BAD_INPUTS[case]
    line = _edit(data_copy / file, old, new)
    with pytest.raises(DataError) as info:
        build(empty_kg_both, data_copy)
    err = info.value
    assert err.path and err.path.endswith(file)
    assert message in err.message
    if field:
        assert err.field == field
        assert err.line == line
    else:
        assert err.line in (line, line + 1)
    if case.startswith("shacl"):
        assert isinstance(err, ValidationError)
    assert dump(empty_kg_both) == before


def test_duplicate_event_id(data_copy, empty_kg_both):
    path = data_copy / EVENTS
    text = path.read_text(encoding="utf-8")
    text = text.replace("id: isis-vbied-homs-zahraa-2017-05-23", "id: isis-ground-attack-eastern-hama-ismaili-towns-2017-05-18")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="duplicate id"):
        build(empty_kg_both, data_copy)
    assert empty_kg_both.count_quads() == 0


def test_missing_data_folder(empty_kg_both, tmp_path):
    with pytest.raises(DataError, match="data folder not found"):
        build(empty_kg_both, tmp_path / "nope")


def test_cli_bad_input_one_line_exit_1(runner, data_copy, tmp_path):
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build", str(data_copy)]).exit_code == 0
    line = _edit(data_copy / EVENTS, "date: 2017-05-23", "date: 2017-02-30")
    result = runner.invoke(main, ["--store", store, "build", str(data_copy)])
    assert result.exit_code == 1
    out = result.output.strip()
    assert out.count("\n") == 0 and "Traceback" not in out
    assert out == f"Error: {data_copy / EVENTS}:{line}: date: impossible date '2017-02-30': day is out of range for month"


def test_cli_debug_shows_traceback(runner, data_copy, tmp_path):
    _edit(data_copy / EVENTS, "date: 2017-05-23", "date: 2017-02-30")
    result = runner.invoke(main, ["--debug", "--store", ":memory:", "build", str(data_copy)])
    assert result.exit_code != 0
    assert isinstance(result.exception, DataError)

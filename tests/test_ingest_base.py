"""The import framework, through the ICEWS format: all-or-nothing, idempotent, re-imports in record time."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import kg
from kg.base.errors import DataError, UsageError
from kg.cli import main
from kg.contract.ontology import ensure_ontology
from kg.curated.build import build
from kg.ingest import get_format
from kg.ingest.base import import_file
from kg.ingest.icews import IcewsFormat

from conftest import dump

DATA = Path(__file__).parent / "data" / "icews"
NAMED = DATA / "icews14-valid-head40.txt"
T0 = dt.datetime(2020, 1, 1, 12, tzinfo=dt.timezone.utc)
T1 = dt.datetime(2020, 6, 1, 12, tzinfo=dt.timezone.utc)


@pytest.fixture
def graph(empty_kg_both):
    ensure_ontology(empty_kg_both)
    return empty_kg_both


def rows(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_named_file_field_by_field(graph):
    report = import_file(graph, IcewsFormat(), NAMED, now=T0)
    assert (report.rows, report.imported, report.rejected) == (40, 40, 0)
    subject, relation, obj, day = rows(NAMED)[0]
    found = graph.query("""
        SELECT ?e ?cls ?concept ?source ?date ?prec WHERE {
          ?e ckg:agent ?a ; ckg:target ?t ; ckg:sourceId ?id ; a ?cls ; ckg:eventType ?concept ;
             ckg:sourceEventType ?source ; ckg:startDate ?date ; ckg:endDate ?date ; ckg:datePrecision ?prec .
          ?a rdfs:label ?aName . ?t rdfs:label ?tName . ?source skos:prefLabel ?rel
          FILTER(STR(?aName) = ?subject && STR(?tName) = ?object && STR(?rel) = ?relation)
        }""", params={"subject": subject.replace("_", " "), "object": obj.replace("_", " "), "relation": relation.replace("_", " ")}).records()
    assert len(found) == 1
    assert found[0]["date"] == dt.date.fromisoformat(day) and found[0]["prec"].endswith("#Day")
    assert found[0]["concept"].startswith("https://w3id.org/conflict-kg/id/concept/")
    # every row became exactly one event in the import graph, with provenance
    assert graph.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH <https://w3id.org/conflict-kg/graph/import/icews-icews14-valid-head40> { ?e ckg:sourceId ?id } }").scalar() == 40
    prov = graph.query("""
        SELECT ?name ?sum ?n ?t ?issued WHERE { ?s dcterms:source ?name ; ckg:checksum ?sum ; ckg:rowCount ?n ;
            prov:generatedAtTime ?t ; dcterms:issued ?issued ; dcterms:rights ?licence }""").records()
    import hashlib

    assert prov == [{"name": NAMED.name, "sum": hashlib.sha256(NAMED.read_bytes()).hexdigest(), "n": 40,
                     "t": "2020-01-01T12:00:00Z", "issued": dt.date(2020, 1, 1)}]


def test_actor_names_are_normalised(graph):
    import_file(graph, IcewsFormat(), NAMED, now=T0)
    label = graph.query("SELECT ?l WHERE { actor:citizen-nigeria rdfs:label ?l }").records()
    assert label == [{"l": "Citizen (Nigeria)"}]
    assert graph.query("ASK { actor:citizen-nigeria a ckg:Community }").boolean
    assert graph.query("ASK { ?e ckg:agent actor:citizen-nigeria ; ckg:place place:nigeria }").boolean or graph.query(
        "ASK { ?e ckg:target actor:citizen-nigeria }").boolean


def test_curated_actor_reused_by_alias(graph, tmp_path):
    build(graph)
    file = tmp_path / "isis.txt"
    file.write_text("ISIL\tUse_conventional_military_force\tCitizen_(Syria)\t2017-05-20\n", encoding="utf-8")
    import_file(graph, IcewsFormat(), file, now=T0)
    assert graph.query("ASK { ?e ckg:agent actor:isis ; ckg:sourceId ?id }").boolean
    # the curated actor is not described again by the import
    assert graph.query("SELECT (COUNT(*) AS ?n) WHERE { actor:isis rdfs:label ?l }").scalar() == 1
    assert graph.query("ASK { actor:isis ckg:attacked actor:citizen-syria }").boolean


def test_id_files_with_hours(graph):
    fmt = IcewsFormat(epoch="2014-01-01", time_unit="hours")
    report = import_file(graph, fmt, DATA / "ids" / "valid.txt", now=T0)
    assert report.imported == 30
    first = rows(DATA / "ids" / "valid.txt")[0]
    names = {line.split("\t")[1].strip(): line.split("\t")[0] for line in (DATA / "ids" / "entity2id.txt").read_text().splitlines()}
    day = dt.date(2014, 1, 1) + dt.timedelta(days=int(first[3]) // 24)
    agent = names[first[0]]
    got = graph.query("SELECT ?d WHERE { ?e ckg:agent ?a ; ckg:startDate ?d . ?a rdfs:label ?n FILTER(STR(?n) = ?name) }", params={"name": agent}).records()
    assert {r["d"] for r in got} == {day}


def test_bad_row_stops_everything(graph, tmp_path):
    build(graph)
    before = dump(graph)
    bad = tmp_path / "bad.txt"
    lines = NAMED.read_text(encoding="utf-8").splitlines()
    lines[24] = lines[24].rsplit("\t", 1)[0] + "\t2014-02-30"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        import_file(graph, IcewsFormat(), bad, now=T0)
    assert str(info.value) == f"{bad}:25: time: '2014-02-30' is not a date (YYYY-MM-DD); for id files give --time-unit and --epoch"
    assert dump(graph) == before


def test_skip_bad_rows_writes_rejects(graph, tmp_path):
    bad = tmp_path / "bad.txt"
    lines = NAMED.read_text(encoding="utf-8").splitlines()
    lines[2] = "only\ttwo"
    lines[5] = lines[5].rsplit("\t", 1)[0] + "\tnever"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(graph, IcewsFormat(), bad, skip_bad_rows=True, now=T0)
    assert (report.rows, report.imported, report.rejected) == (40, 38, 2)
    rejects = report.reject_path.read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "line\tcolumn\tproblem"
    assert rejects[1].startswith("3\tobject\t") and rejects[2].startswith("6\ttime\t")


def test_id_file_errors(graph, tmp_path):
    with pytest.raises(UsageError, match="need --epoch"):
        IcewsFormat(time_unit="hours")
    lonely = tmp_path / "valid.txt"
    shutil.copy(DATA / "ids" / "valid.txt", lonely)
    with pytest.raises(DataError, match="missing entity2id.txt"):
        import_file(graph, IcewsFormat(epoch="2014-01-01", time_unit="hours"), lonely, now=T0)
    odd = tmp_path / "ids"
    shutil.copytree(DATA / "ids", odd)
    (odd / "valid.txt").write_text("1\t0\t970\t25\t-1\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a whole day"):
        import_file(graph, IcewsFormat(epoch="2014-01-01", time_unit="hours"), odd / "valid.txt", now=T0)


def test_same_file_twice_changes_nothing(graph):
    import_file(graph, IcewsFormat(), NAMED, now=T0)
    first = dump(graph)
    report = import_file(graph, IcewsFormat(), NAMED, now=T1)
    assert report.unchanged and dump(graph) == first


def test_reimport_newer_export(graph, tmp_path):
    old = tmp_path / "export.txt"
    lines = NAMED.read_text(encoding="utf-8").splitlines()
    old.write_text("\n".join(lines[:30]) + "\n", encoding="utf-8")
    import_file(graph, IcewsFormat(), old, source_id="icews-feed", now=T0)
    # the newer export drops rows 0 and 1 and adds rows 30..39
    old.write_text("\n".join(lines[2:]) + "\n", encoding="utf-8")
    report = import_file(graph, IcewsFormat(), old, source_id="icews-feed", now=T1)
    assert report.invalidated == 2 and report.imported == 38
    def count(**options):
        return len(kg.events(graph, **options))

    assert count() == 40  # nothing deleted
    assert count(known_on=dt.date(2020, 3, 1)) == 30  # what we knew between the imports: the first export
    assert count(known_on=dt.date(2020, 7, 1)) == 38  # after: vanished rows retracted, new rows known
    assert count(known_on=dt.date(2019, 12, 31)) == 0
    # re-importing the newer export again is a no-op
    snapshot = dump(graph)
    assert import_file(graph, IcewsFormat(), old, source_id="icews-feed", now=T1).unchanged
    assert dump(graph) == snapshot


def test_failed_reimport_keeps_previous_version(graph, tmp_path):
    file = tmp_path / "export.txt"
    lines = NAMED.read_text(encoding="utf-8").splitlines()
    file.write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    import_file(graph, IcewsFormat(), file, source_id="feed", now=T0)
    before = dump(graph)
    file.write_text("\n".join(lines[:10]) + "\nbroken\n", encoding="utf-8")
    with pytest.raises(DataError, match=":11: relation: empty"):
        import_file(graph, IcewsFormat(), file, source_id="feed", now=T1)
    assert dump(graph) == before


def test_formats_registry():
    assert isinstance(get_format("icews"), IcewsFormat)
    with pytest.raises(UsageError, match="unknown import format"):
        get_format("csv")


def test_cli_import(runner, tmp_path):
    store = str(tmp_path / "store")
    result = runner.invoke(main, ["--store", store, "import", "icews", str(NAMED)])
    assert result.exit_code == 0 and "imported 40 of 40 rows" in result.output
    again = runner.invoke(main, ["--store", store, "import", "icews", str(NAMED)])
    assert "unchanged" in again.output
    events = runner.invoke(main, ["--store", store, "events", "--actor", "citizen-nigeria", "--format", "csv"])
    assert events.exit_code == 0 and "Citizen (Nigeria)" in events.output
    bad = tmp_path / "bad.txt"
    bad.write_text("a\tb\tc\tnot-a-date\n", encoding="utf-8")
    result = runner.invoke(main, ["--store", store, "import", "icews", str(bad)])
    assert result.exit_code == 1 and result.output.strip() == f"Error: {bad}:1: time: 'not-a-date' is not a date (YYYY-MM-DD); for id files give --time-unit and --epoch"
    result = runner.invoke(main, ["--store", store, "import", "icews", str(NAMED), str(bad), "--source-id", "x"])
    assert result.exit_code == 2 and "one file" in result.output
    result = runner.invoke(main, ["--store", store, "import", "acled", str(NAMED), "--epoch", "2014-01-01"])
    assert result.exit_code == 2 and "ICEWS files only" in result.output


@pytest.mark.slow
def test_full_icews14_valid_split(tmp_path):
    """The whole ICEWS14 validation split (13,823 facts) from ../shared."""
    from conftest import SHARED

    path = SHARED / "datasets" / "icews14" / "tlogic-named" / "valid.txt"
    if not path.exists():
        pytest.skip(f"{path} not available")
    graph = kg.open(str(tmp_path / "store"))
    ensure_ontology(graph)
    report = import_file(graph, IcewsFormat(), path)
    assert report.rows == report.imported == 13823
    # duplicate facts in the file are one event (same row, same IRI)
    distinct = len({line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})
    assert graph.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:sourceId ?id }").scalar() == distinct
    dates = graph.query("SELECT (MIN(?d) AS ?a) (MAX(?d) AS ?b) WHERE { ?e ckg:sourceId ?id ; ckg:startDate ?d }").records()
    assert dates == [{"a": dt.date(2014, 9, 20), "b": dt.date(2014, 11, 10)}]

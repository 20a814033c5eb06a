"""GDELT importer: raw 1.0/2.0 layouts and header files, row by row against the graph, bad rows, record time, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.base.errors import DataError
from kg.base.namespaces import resource_iri
from kg.cli import main
from kg.contract.ontology import ensure_ontology
from kg.ingest import get_format
from kg.ingest.base import ImportError_, import_file
from kg.ingest.gdelt import COLUMNS_V1, COLUMNS_V2, GdeltFormat, actor_label

from conftest import SHARED, dump

DATA = Path(__file__).parent / "data" / "gdelt"
RAW1 = DATA / "gdelt1-raw.export.CSV"  # 10 rows, 58 columns
RAW2 = DATA / "gdelt2-raw.export.CSV"  # 10 rows, 61 columns
RAW57 = DATA / "gdelt1-backfile-57.export.CSV"  # 3 rows, 57 columns (no SOURCEURL)
SAMPLE1 = DATA / "events1samp_gdelt1_from_pickle.csv"  # 50 rows, header, comma-separated
SAMPLE2 = DATA / "events2samp_gdelt2_from_pickle.csv"
SHARED_SAMPLES = SHARED / "datasets" / "gdelt-sample"

CKG = "https://w3id.org/conflict-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
CREATED = "http://purl.org/dc/terms/created"
INVALIDATED = "http://www.w3.org/ns/prov#invalidatedAtTime"
XSD = "http://www.w3.org/2001/XMLSchema#"


def event(ident: str) -> str:
    return str(resource_iri("event", f"gdelt-{ident}"))


def actor(slug: str) -> str:
    return str(resource_iri("actor", slug))


def place(slug: str) -> str:
    return str(resource_iri("place", slug))


def facts(graph: kg.KnowledgeGraph, iri: str) -> dict[str, set[str]]:
    """Every (predicate -> object values) of ``iri`` across all graphs."""
    out: dict[str, set[str]] = {}
    for quad in graph.store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
        out.setdefault(quad.predicate.value, set()).add(quad.object.value)
    return out


def literal(graph: kg.KnowledgeGraph, iri: str, prop: str) -> ox.Literal:
    [quad] = list(graph.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(prop), None, None))
    assert isinstance(quad.object, ox.Literal)
    return quad.object


def raw_rows(path: Path) -> list[dict[str, str]]:
    """The fixture's rows read independently of the importer (the layout from the column count)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        values = line.split("\t")
        names = {57: COLUMNS_V1[:-1], 58: COLUMNS_V1, 61: COLUMNS_V2}[len(values)]
        rows.append(dict(zip(names, values)))
    return rows


def header_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def imported(graph: kg.KnowledgeGraph, path: Path, **options) -> kg.KnowledgeGraph:
    ensure_ontology(graph)
    import_file(graph, GdeltFormat(), path, **options)
    return graph


@pytest.fixture(scope="module")
def raw_kg() -> kg.KnowledgeGraph:
    """The three raw-layout fixtures imported into one in-memory store (read-only)."""
    graph = kg.open(":memory:")
    for path in (RAW1, RAW2, RAW57):
        imported(graph, path)
    return graph


# -- layout ---------------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_SAMPLES.is_dir(), reason="../shared/datasets/gdelt-sample not available")
def test_column_lists_are_gdelts_official_headers():
    schema = SHARED_SAMPLES / "schema"
    v1 = [line.strip() for line in (schema / "GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv").open()][1:]
    with (schema / "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv").open(newline="") as handle:
        v2 = [row["tableId"] for row in csv.DictReader(handle)]
    assert list(COLUMNS_V1) == v1 and len(v1) == 58
    assert list(COLUMNS_V2) == v2 and len(v2) == 61


def test_format_is_registered_with_its_terms():
    fmt = get_format("gdelt")
    assert isinstance(fmt, GdeltFormat) and (fmt.name, fmt.title) == ("gdelt", "GDELT")
    assert "100% free and open" in fmt.licence and "Leetaru" in fmt.licence and "Schrodt" in fmt.licence


def test_rows_detect_layout_and_line_numbers():
    fmt = GdeltFormat()
    rows = list(fmt.rows(RAW2))
    assert [line for line, _ in rows] == list(range(1, 11))
    assert rows[0][1]["ActionGeo_ADM2Code"] == "" and rows[0][1]["DATEADDED"] == "20170701234500"
    assert "SOURCEURL" not in next(iter(fmt.rows(RAW57)))[1]
    line, first = next(iter(fmt.rows(SAMPLE1)))
    assert line == 2 and first["GLOBALEVENTID"] == "635942246" and first["EventCode"] == "1124"


# -- the graph says what the rows say ----------------------------------------------------------


def check_row(graph: kg.KnowledgeGraph, row: dict[str, str], table) -> None:
    """One row against its event, field by field."""
    ident = row["GLOBALEVENTID"]
    got = facts(graph, event(ident))
    assert got, f"no event for {ident}"
    assert got[CKG + "sourceId"] == {ident}
    day = row["SQLDATE"].replace("-", "")
    iso = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    assert got[CKG + "startDate"] == got[CKG + "endDate"] == {iso}
    assert got[CKG + "datePrecision"] == {CKG + "Day"}
    code = row["EventCode"]
    assert got[CKG + "sourceEventType"] == {str(resource_iri("concept", f"cameo/{code}"))}
    assert got[CKG + "eventType"] == {str(resource_iri("concept", table.project_concept(code)))}
    assert got[RDF_TYPE] == {CKG + table.event_class(code)}
    assert got[CKG + "quadClass"] == {row["QuadClass"]}
    assert float(next(iter(got[CKG + "goldsteinScale"]))) == float(row["GoldsteinScale"])
    # direction: Actor1 acted upon Actor2
    for column, role in (("Actor1", "agent"), ("Actor2", "target")):
        name = row[f"{column}Name"] or row[f"{column}Code"]
        if not name:
            assert CKG + role not in got
            continue
        [who] = got[CKG + role]
        assert facts(graph, who)[LABEL] == {actor_label(name)}
        if row[f"{column}Code"]:
            assert f"CAMEO:{row[f'{column}Code']}" in facts(graph, who)[CKG + "sourceCode"]
    assert CKG + "participant" not in got
    # place: the innermost level of the FullName, with GDELT's coordinates
    if row["ActionGeo_Type"] in ("", "0"):
        assert CKG + "place" not in got
    else:
        [where] = got[CKG + "place"]
        here = facts(graph, where)
        innermost = row["ActionGeo_FullName"] if row["ActionGeo_Type"] == "1" else row["ActionGeo_FullName"].split(",")[0]
        assert here[LABEL] == {innermost.strip()}
        assert here[CKG + "rawGeoPrecision"] == {row["ActionGeo_Type"]}
        [geometry] = here["http://www.opengis.net/ont/geosparql#hasGeometry"]
        [wkt] = facts(graph, geometry)["http://www.opengis.net/ont/geosparql#asWKT"]
        lon, lat = (float(v) for v in wkt.removeprefix("POINT(").removesuffix(")").split())
        assert (lat, lon) == pytest.approx((float(row["ActionGeo_Lat"]), float(row["ActionGeo_Long"])))
    if row.get("SOURCEURL"):
        assert got[SEE_ALSO] == {row["SOURCEURL"]}
    else:
        assert SEE_ALSO not in got


@pytest.mark.parametrize("path", [RAW1, RAW2, RAW57], ids=lambda p: p.name)
def test_raw_files_field_by_field(raw_kg, path):
    table = GdeltFormat().cameo
    rows = raw_rows(path)
    for row in rows:
        check_row(raw_kg, row, table)


@pytest.mark.parametrize("path", [SAMPLE1, SAMPLE2], ids=lambda p: p.name)
def test_header_samples_field_by_field(path):
    graph = imported(kg.open(":memory:"), path)
    table = GdeltFormat().cameo
    rows = header_rows(path)
    assert len(rows) == 50
    for row in rows:
        check_row(graph, row, table)
    assert graph.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:sourceId ?id }").scalar() == 50


def test_attack_in_damascus(raw_kg):
    """1.0 row 635942259: Shiite (MOSSHI) used conventional military force against Damascus (SYR)."""
    e = event("635942259")
    got = facts(raw_kg, e)
    assert got[LABEL] == {"GDELT 190 Use conventional military force: Shiite -> Damascus, 2016-03-12"}
    assert got[CKG + "agent"] == {actor("shiite")} and got[CKG + "target"] == {actor("damascus")}
    assert literal(raw_kg, e, CKG + "goldsteinScale").datatype.value == XSD + "decimal"
    assert literal(raw_kg, e, CKG + "quadClass").datatype.value == XSD + "integer"
    created = literal(raw_kg, e, CREATED)
    assert (created.value, created.datatype.value) == ("2017-03-12", XSD + "date")
    assert raw_kg.query(
        "SELECT ?sign WHERE { ?e ckg:eventType/ckg:sign ?sign }", params={"e": ox.NamedNode(e)}
    ).scalar() == -1
    assert raw_kg.query("ASK { actor:shiite ckg:attacked actor:damascus }").boolean  # derived shortcut
    assert not raw_kg.query("ASK { actor:damascus ckg:attacked actor:shiite }").boolean
    chain = raw_kg.query(
        "SELECT ?city ?region ?country ?wkt WHERE { ?e ckg:place ?city . ?city a ckg:City ; ckg:within ?region ; "
        "geo:hasGeometry/geo:asWKT ?wkt . ?region a ckg:AdminRegion ; ckg:within ?country . ?country a ckg:Country }",
        params={"e": ox.NamedNode(e)},
    ).records()
    assert chain == [{
        "city": place("syria-dimashq-damascus"), "region": place("syria-dimashq"), "country": place("syria"),
        "wkt": "POINT(36.3 33.5)",
    }]
    assert facts(raw_kg, place("syria"))[CKG + "sourceCode"] == {"FIPS10-4:SY"}
    assert facts(raw_kg, place("syria-dimashq"))[CKG + "sourceCode"] == {"FIPS10-4:SY13"}
    assert facts(raw_kg, place("syria-dimashq-damascus"))[CKG + "sourceCode"] == {"GNS:-2541260"}


def test_signs_and_classes_follow_cameo_roots(raw_kg):
    rows = raw_kg.query(
        "SELECT ?id ?class ?concept ?sign WHERE { ?e ckg:sourceId ?id ; a ?class ; ckg:eventType ?c . "
        "?c ckg:sign ?sign BIND(STRAFTER(STR(?c), '/concept/') AS ?concept) "
        "FILTER(?id IN ('635942259', '669666380', '635942286', '635942294', '635942248', '669666363')) } ORDER BY ?id"
    ).records()
    got = {r["id"]: (r["class"].rsplit("#", 1)[1], r["concept"], r["sign"]) for r in rows}
    assert got == {
        "635942248": ("Event", "coercion", -1),  # 173 arrest
        "635942259": ("Attack", "armed-clash", -1),  # 190
        "635942286": ("Event", "support", 1),  # 050 diplomatic cooperation
        "635942294": ("Statement", "statement", 0),  # 012 pessimistic comment
        "669666363": ("Event", "support", 1),  # 051 praise
        "669666380": ("Attack", "armed-clash", -1),  # 190 Mali -> Chad
    }


def test_actor_kinds_and_codes(raw_kg):
    kinds = {r["a"]: r["k"].rsplit("#", 1)[1] for r in raw_kg.query(
        "SELECT ?a ?k WHERE { ?a a ?k FILTER(STRSTARTS(STR(?a), STR(actor:))) }").records()}
    assert kinds[actor("police")] == "StateForce"  # COP
    assert kinds[actor("foreign-minist")] == "StateForce"  # GOV
    assert kinds[actor("navy")] == "StateForce"  # MIL
    assert kinds[actor("valeant-pharmaceuticals")] == "Organization"  # MNC
    assert kinds[actor("asylum-seeker")] == "Community"  # REF
    assert kinds[actor("extremist")] == "Actor"  # RAD: no class of its own
    assert kinds[actor("shiite")] == "Actor"  # religion code only
    assert facts(raw_kg, actor("asylum-seeker"))[CKG + "isCollective"] == {"true"}
    assert CKG + "isCollective" not in facts(raw_kg, actor("police"))
    assert facts(raw_kg, actor("valeant-pharmaceuticals"))[CKG + "sourceCode"] == {"CAMEO:MNCUSAHLH"}
    assert facts(raw_kg, actor("united-states"))[LABEL] == {"United States"}


def test_rows_without_actor1_have_a_target_only(raw_kg):
    got = facts(raw_kg, event("635942246"))  # Ontario (CAN) accused of war crimes by someone unnamed
    assert CKG + "agent" not in got and got[CKG + "target"] == {actor("ontario")}
    assert got[LABEL] == {"GDELT 1124 Accuse of war crimes: (unknown) -> Ontario, 2016-03-12"}
    got = facts(raw_kg, event("635942294"))  # police made a pessimistic comment, no Actor2
    assert got[CKG + "agent"] == {actor("police")} and CKG + "target" not in got
    assert got[LABEL] == {"GDELT 012 Make pessimistic comment: Police, 2017-03-05"}


def test_gdelt2_times_places_and_notes(raw_kg):
    e = event("669666350")  # ActionGeo_Type 0: no place
    assert CKG + "place" not in facts(raw_kg, e)
    created = literal(raw_kg, e, CREATED)
    assert (created.value, created.datatype.value) == ("2017-07-01T23:45:00Z", XSD + "dateTime")
    got = facts(raw_kg, event("669666395"))  # USSTATE: California within the United States
    [state] = got[CKG + "place"]
    assert state == place("united-states-california")
    assert facts(raw_kg, state)[RDF_TYPE] == {CKG + "AdminRegion"}
    assert facts(raw_kg, state)[CKG + "within"] == {place("united-states")}
    assert facts(raw_kg, state)[CKG + "sourceCode"] == {"FIPS10-4:USCA"}
    [note] = facts(raw_kg, event("669666380"))["http://purl.org/dc/terms/description"]
    assert note.startswith("GDELT: QuadClass 4 (material conflict); ") and "mentions" in note and "average tone" in note
    assert facts(raw_kg, place("hong-kong"))[RDF_TYPE] == {CKG + "Country"}  # type 1 = whole FullName
    got = facts(raw_kg, event("669666363"))  # the chancellor praised asylum seekers, in Syria
    assert got[CKG + "agent"] == {actor("chancellor")} and got[CKG + "target"] == {actor("asylum-seeker")}


def test_backfile_without_sourceurl(raw_kg):
    for row in raw_rows(RAW57):
        assert SEE_ALSO not in facts(raw_kg, event(row["GLOBALEVENTID"]))


def test_code_missing_from_gdelts_table_is_typed_by_its_root(raw_kg):
    got = facts(raw_kg, event("635942291"))  # 129: in GDELT data, not in its code table
    assert got[CKG + "sourceEventType"] == {str(resource_iri("concept", "cameo/129"))}
    concept = facts(raw_kg, str(resource_iri("concept", "cameo/129")))
    assert concept["http://www.w3.org/2004/02/skos/core#broader"] == {str(resource_iri("concept", "cameo/12"))}
    assert got[LABEL] == {"GDELT 129 Reject: China -> Syria, 2017-03-05"}


def test_lost_leading_zeros_restored(tmp_path):
    """A converted file whose codes became integers (043 -> 43, 010 -> 10, 0211 -> 211)."""
    rows = header_rows(SAMPLE1)[:3]
    for row, (code, base, root) in zip(rows, (("43", "43", "4"), ("10", "10", "1"), ("211", "21", "2"))):
        row.update(EventCode=code, EventBaseCode=base, EventRootCode=root)
    path = tmp_path / "ints.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    graph = imported(kg.open(":memory:"), path)
    codes = [next(iter(facts(graph, event(r["GLOBALEVENTID"]))[CKG + "sourceEventType"])).rsplit("/", 1)[1] for r in rows]
    assert codes == ["043", "010", "0211"]


# -- bad rows ---------------------------------------------------------------------------------


def _break(lines: list[str], number: int, column: str, value: str | None) -> None:
    """Set ``column`` of 1-based line ``number`` (58-column layout) to ``value``; None drops the last column."""
    values = lines[number - 1].split("\t")
    if value is None:
        values.pop()
    else:
        values[COLUMNS_V1.index(column)] = value
    lines[number - 1] = "\t".join(values)


BAD_ROWS = [
    # (line, column to change, new value, error column, problem)
    (4, "SOURCEURL", None, "row", "57 columns, but this GDELT 1.0 file's rows have 58"),
    (3, "SQLDATE", "20161312", "SQLDATE", "'20161312' is not a date (YYYYMMDD)"),
    (5, "EventCode", "999", "EventCode", "999 is not a CAMEO event code"),
    (6, "QuadClass", "7", "QuadClass", "'7' is not a CAMEO quad class (1-4)"),
]


def bad_file(tmp_path: Path, *cases: tuple) -> Path:
    lines = RAW1.read_text(encoding="utf-8").splitlines()
    for line, column, value, *_ in cases:
        _break(lines, line, column, value)
        if column == "EventCode":
            _break(lines, line, "EventBaseCode", "999")
            _break(lines, line, "EventRootCode", "99")
    path = tmp_path / "bad.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("case", BAD_ROWS, ids=[c[3] for c in BAD_ROWS])
def test_bad_row_stops_import_and_leaves_store_unchanged(empty_kg, tmp_path, case):
    line, _, _, column, problem = case
    ensure_ontology(empty_kg)
    import_file(empty_kg, GdeltFormat(), RAW2)
    before = dump(empty_kg)
    path = bad_file(tmp_path, case)
    with pytest.raises(ImportError_) as err:
        import_file(empty_kg, GdeltFormat(), path)
    assert str(err.value).startswith(f"{path}:{line}: {column}: {problem}")
    assert dump(empty_kg) == before
    # a bad newer version of an already imported source leaves the old version whole
    good = tmp_path / "good" / path.name
    good.parent.mkdir()
    shutil.copy(RAW1, good)
    import_file(empty_kg, GdeltFormat(), good, source_id="gdelt-bad-export")
    before = dump(empty_kg)
    with pytest.raises(ImportError_, match=f":{line}: {column}: "):
        import_file(empty_kg, GdeltFormat(), path, source_id="gdelt-bad-export")
    assert dump(empty_kg) == before


def test_unreadable_first_row_names_its_column_count(tmp_path):
    path = tmp_path / "commas.csv"
    path.write_text("1,2,3\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"commas.csv:1: row: 1 column: GDELT 1.0 rows have 57 or 58"):
        imported(kg.open(":memory:"), path)


def test_header_file_row_with_wrong_column_count(tmp_path):
    lines = SAMPLE2.read_text(encoding="utf-8").splitlines()
    lines[3] += ",extra"
    path = tmp_path / "extra.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"extra.csv:4: row: 63 columns, the header row has 62"):
        imported(kg.open(":memory:"), path)


def test_skip_bad_rows_writes_reject_file(tmp_path):
    path = bad_file(tmp_path, *BAD_ROWS)
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    report = import_file(graph, GdeltFormat(), path, skip_bad_rows=True)
    assert (report.rows, report.imported, report.rejected) == (10, 6, 4)
    lines = report.reject_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line\tcolumn\tproblem"
    assert [tuple(line.split("\t")[:2]) for line in lines[1:]] == [("3", "SQLDATE"), ("4", "row"), ("5", "EventCode"), ("6", "QuadClass")]
    assert graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?e ckg:sourceId ?id }").scalar() == 6
    # a rejected row did not take an actor's description with it
    assert facts(graph, actor("police"))[LABEL] == {"Police"}


# -- record time ------------------------------------------------------------------------------


def test_same_file_twice_is_the_same_store(empty_kg):
    imported(empty_kg, RAW1)
    before = dump(empty_kg)
    report = import_file(empty_kg, GdeltFormat(), RAW1)
    assert report.unchanged and dump(empty_kg) == before


def test_reimport_keeps_vanished_row_invalidated(empty_kg, tmp_path):
    first, second = dt.datetime(2024, 1, 10, 9, tzinfo=dt.timezone.utc), dt.datetime(2024, 2, 1, 9, tzinfo=dt.timezone.utc)
    ensure_ontology(empty_kg)
    import_file(empty_kg, GdeltFormat(), RAW1, source_id="gdelt-daily", now=first)
    newer = tmp_path / "newer.export.CSV"
    lines = RAW1.read_text(encoding="utf-8").splitlines()
    gone = lines.pop(3).split("\t")[0]  # 635942259, the attack in Damascus
    newer.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(empty_kg, GdeltFormat(), newer, source_id="gdelt-daily", now=second)
    assert report.invalidated == 1 and report.imported == 9
    got = facts(empty_kg, event(gone))
    assert got[INVALIDATED] == {"2024-02-01T09:00:00Z"}
    assert got[CKG + "agent"] == {actor("shiite")}  # kept whole, never deleted
    assert all(INVALIDATED not in facts(empty_kg, event(line.split("\t")[0])) for line in lines)
    known_before = {e["event"] for e in kg.events(empty_kg, known_on=dt.date(2024, 1, 31))}
    known_after = {e["event"] for e in kg.events(empty_kg, known_on=dt.date(2024, 2, 1))}
    assert event(gone) in known_before and event(gone) not in known_after
    assert len(known_before) == 10 and len(known_after) == 9


# -- command line -----------------------------------------------------------------------------


def test_cli_import(runner, tmp_path):
    store = str(tmp_path / "store")
    result = runner.invoke(main, ["--store", store, "import", "gdelt", str(RAW2)])
    assert result.exit_code == 0, result.output
    assert "imported 10 of 10 rows into https://w3id.org/conflict-kg/graph/import/gdelt-gdelt2-raw-export" in result.output
    again = runner.invoke(main, ["--store", store, "import", "gdelt", str(RAW2)])
    assert again.exit_code == 0 and "unchanged" in again.output


def test_cli_bad_file_is_one_line_error(runner, tmp_path):
    path = bad_file(tmp_path, BAD_ROWS[1])
    result = runner.invoke(main, ["--store", str(tmp_path / "store"), "import", "gdelt", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {path}:3: SQLDATE: '20161312' is not a date (YYYYMMDD)"]
    assert "Traceback" not in result.output


# -- the full samples -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_SAMPLES.is_dir(), reason="../shared/datasets/gdelt-sample not available")
def test_full_samples(tmp_path):
    graph = kg.open(str(tmp_path / "store"))
    ensure_ontology(graph)
    reports = [import_file(graph, GdeltFormat(), SHARED_SAMPLES / name) for name in (
        "events1samp_gdelt1_from_pickle.csv", "events2samp_gdelt2_from_pickle.csv")]
    assert [(r.rows, r.imported, r.rejected) for r in reports] == [(50, 50, 0), (50, 50, 0)]
    count = lambda q: graph.query(q).scalar()  # noqa: E731
    assert count("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:sourceId ?id }") == 100
    assert count("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ckg:Attack }") == 6  # 190 x5, 192 x1 (roots 18-20)
    assert count("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:quadClass 4 }") == 18
    assert count("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:target ?t FILTER NOT EXISTS { ?e ckg:agent ?a } }") == 16
    assert count("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:sourceId ?id FILTER NOT EXISTS { ?e ckg:place ?p } }") == 4
    assert count("SELECT (COUNT(*) AS ?n) WHERE { ?a ckg:attacked ?b }") == 3  # Shiite->Damascus, Prison->Calgary, Mali->Chad
    graph.close()


def test_source_text_that_is_not_a_url_and_bad_coordinates(tmp_path):
    lines = RAW1.read_text(encoding="utf-8").splitlines()
    _break(lines, 1, "SOURCEURL", "BBC Monitoring")
    path = tmp_path / "bbc.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    graph = imported(kg.open(":memory:"), path)
    got = facts(graph, event(lines[0].split("\t")[0]))
    assert SEE_ALSO not in got and got["http://purl.org/dc/terms/source"] == {"BBC Monitoring"}
    _break(lines, 2, "ActionGeo_Lat", "95.5")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"bbc.export.CSV:2: ActionGeo_Lat: '95.5' is not a latitude: write decimal degrees from -90 to 90"):
        imported(kg.open(":memory:"), path)


def test_header_file_without_gdelt_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("GLOBALEVENTID,Day\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"other.csv:1: the header row lacks SQLDATE, EventCode, QuadClass"):
        imported(kg.open(":memory:"), path)

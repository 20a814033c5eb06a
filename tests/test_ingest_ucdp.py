"""The UCDP GED importer: real rows in, the data contract out (kg.ingest.ucdp)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.base.errors import DataError
from kg.base.temporal import Precision
from kg.cli import main
from kg.contract.ontology import ensure_ontology
from kg.ingest import get_format
from kg.ingest.base import ImportError_, RowError, import_file
from kg.ingest.ucdp import REQUIRED, UcdpFormat, span
from kg.store.graph import KnowledgeGraph

from conftest import SHARED, dump

DATA = Path(__file__).parent / "data" / "ucdp"
FIXTURE = DATA / "ucdp-ged-25.csv"
FULL = SHARED / "datasets" / "ucdp-ged-sample" / "ucdpged.csv"
GRAPH = "https://w3id.org/conflict-kg/graph/import/ucdp-ucdp-ged-25"
EVENT = "https://w3id.org/conflict-kg/id/event/"
ACTOR = "https://w3id.org/conflict-kg/id/actor/"
PLACE = "https://w3id.org/conflict-kg/id/place/"
CONCEPT = "https://w3id.org/conflict-kg/id/concept/"
CKG = "https://w3id.org/conflict-kg/ontology#"
FIRST_IMPORT = dt.datetime(2024, 1, 10, 12, 0, tzinfo=dt.timezone.utc)
RE_IMPORT = dt.datetime(2024, 6, 1, 9, 30, tzinfo=dt.timezone.utc)


# -- helpers -----------------------------------------------------------------------------


@pytest.fixture
def graph(empty_kg: KnowledgeGraph) -> KnowledgeGraph:
    """An empty store (memory and on disk) with the ontology, as `kg import` prepares it."""
    ensure_ontology(empty_kg)
    return empty_kg


@pytest.fixture(scope="module")
def imported() -> KnowledgeGraph:
    """The 25-row fixture imported once (read-only for the tests that use it)."""
    store = kg.open(":memory:")
    ensure_ontology(store)
    import_file(store, UcdpFormat(), FIXTURE, now=FIRST_IMPORT)
    return store


def fixture_rows() -> dict[str, dict[str, str]]:
    with FIXTURE.open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def values(store: KnowledgeGraph, subject: str, prop: str) -> list[str]:
    """Every object of ``subject prop`` (full IRIs or literal lexical forms), sorted."""
    rows = store.query(f"SELECT ?o WHERE {{ <{subject}> <{prop}> ?o }}").records()
    return sorted(str(r["o"]) for r in rows)


def one(store: KnowledgeGraph, subject: str, prop: str) -> str:
    found = values(store, subject, prop)
    assert len(found) == 1, (subject, prop, found)
    return found[0]


def ev(ident: str) -> str:
    return f"{EVENT}ucdp-ged-{ident}"


def rewrite(tmp_path: Path, name: str, change: dict[str, dict[str, str]] | None = None, drop: frozenset[str] | set[str] = frozenset()) -> Path:
    """The fixture with some rows' fields changed or rows dropped, rewritten with the csv module."""
    with FIXTURE.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = [row for row in reader if row["id"] not in drop]
    for row in rows:
        row.update((change or {}).get(row["id"], {}))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def replace_in_line(tmp_path: Path, name: str, line: int, old: str, new: str) -> Path:
    """The fixture file with one physical line edited (line numbers stay those of the real file)."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1], (line, lines[line - 1][:60])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


# -- the graph says what the rows say ----------------------------------------------------


def test_fixture_rows_are_real_sample_rows() -> None:
    """Each fixture row is a verbatim record of the shared sample (when it is there)."""
    rows = fixture_rows()
    assert len(rows) == 25
    assert sum(r["country"] == "Syria" for r in rows.values()) == 17
    assert {r["type_of_violence"] for r in rows.values() if r["country"] == "Syria"} == {"1", "2", "3"}
    if FULL.exists():
        with FULL.open(newline="", encoding="utf-8") as handle:
            full = {row["id"]: row for row in csv.DictReader(handle)}
        for ident, row in rows.items():
            assert full[ident] == row


def test_every_row_becomes_one_event(imported: KnowledgeGraph) -> None:
    events = kg.events(imported).records()
    assert len(events) == 25
    assert sorted(e["event"].rsplit("-", 1)[1] for e in events) == sorted(fixture_rows())
    ids = imported.query(f"SELECT ?e ?id WHERE {{ GRAPH <{GRAPH}> {{ ?e ckg:sourceId ?id }} }}").records()
    assert {r["e"]: r["id"] for r in ids} == {ev(i): i for i in fixture_rows()}


@pytest.mark.parametrize("ident", sorted(fixture_rows()))
def test_event_fields_match_the_row(imported: KnowledgeGraph, ident: str) -> None:
    row = fixture_rows()[ident]
    e = ev(ident)
    assert one(imported, e, CKG + "sourceId") == ident
    assert one(imported, e, "http://purl.org/dc/terms/identifier") == row["relid"]
    assert one(imported, e, CKG + "startDate") == row["date_start"][:10]
    assert one(imported, e, CKG + "endDate") == row["date_end"][:10]
    assert one(imported, e, CKG + "rawDatePrecision") == row["date_prec"]
    for column, prop in (("best", "fatalities"), ("low", "fatalitiesLow"), ("high", "fatalitiesHigh")):
        assert one(imported, e, CKG + prop) == row[column]
    assert values(imported, e, CKG + "sourceCode") == sorted(
        [f"UCDP-conflict:{row['conflict_new_id']}", f"UCDP-dyad:{row['dyad_new_id']}"]
    )
    description = one(imported, e, "http://purl.org/dc/terms/description")
    assert row["conflict_name"] in description and row["dyad_name"] in description
    assert one(imported, e, "http://www.w3.org/ns/prov#wasDerivedFrom").endswith("/source/ucdp-ucdp-ged-25")
    # deaths by side: one record per GED column, summing to best
    parts = values(imported, e, "http://purl.org/dc/terms/hasPart")
    assert parts == sorted(f"{e}#deaths-{s}" for s in ("a", "b", "civilians", "unknown"))
    deaths = {p.rsplit("#", 1)[1]: int(one(imported, p, CKG + "deaths")) for p in parts}
    assert deaths == {
        "deaths-a": int(row["deaths_a"]), "deaths-b": int(row["deaths_b"]),
        "deaths-civilians": int(row["deaths_civilians"]), "deaths-unknown": int(row["deaths_unknown"]),
    }
    assert sum(deaths.values()) == int(row["best"])
    assert values(imported, f"{e}#deaths-unknown", CKG + "deathsOf") == []
    civilians = ACTOR + re.sub(r"[^a-z0-9]+", "-", f"civilians {row['country']}".lower()).strip("-")
    assert values(imported, f"{e}#deaths-civilians", CKG + "deathsOf") == [civilians]  # scoped by country
    # the records are not events: their own class, not listed
    assert values(imported, f"{e}#deaths-a", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [CKG + "SideFatalities"]


def test_state_based_event_field_by_field(imported: KnowledgeGraph) -> None:
    """Row 300380: Government of Syria vs Syrian insurgents, Rami village (Idlib), 3 January 2013."""
    e = ev("300380")
    assert one(imported, e, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == CKG + "Attack"
    assert one(imported, e, "http://www.w3.org/2000/01/rdf-schema#label") == (
        "UCDP state-based: Government of Syria - Syrian insurgents, Rami village, 2013-01-03"
    )
    assert one(imported, e, CKG + "eventType") == CONCEPT + "armed-clash"
    assert one(imported, e, CKG + "sourceEventType") == CONCEPT + "ucdp/state-based"
    assert one(imported, e, CKG + "datePrecision") == CKG + "Day"
    # two sides in mutual hostility (the sides are participants too)
    assert values(imported, e, CKG + "sideA") == [ACTOR + "government-of-syria"]
    assert values(imported, e, CKG + "sideB") == [ACTOR + "syrian-insurgents"]
    assert values(imported, e, CKG + "participant") == [ACTOR + "government-of-syria", ACTOR + "syrian-insurgents"]
    assert values(imported, e, CKG + "agent") == [] and values(imported, e, CKG + "target") == []
    assert one(imported, e, CKG + "fatalities") == "2"
    # place chain with coordinates and raw precision
    village = PLACE + "syria-idlib-governorate-ariha-district-rami-village"
    assert one(imported, e, CKG + "place") == village
    assert one(imported, village, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == CKG + "City"
    assert one(imported, village, CKG + "rawGeoPrecision") == "1"
    chain = imported.query(
        "SELECT ?p ?label ?cls WHERE { ?v ckg:within* ?p . ?p rdfs:label ?label ; a ?cls }", params={"v": kg_iri(village)}
    ).records()
    assert {(r["label"], r["cls"].rsplit("#", 1)[1]) for r in chain} == {
        ("Rami village", "City"), ("Ariha district", "AdminRegion"), ("Idlib governorate", "AdminRegion"), ("Syria", "Country"),
    }
    assert one(imported, village + "#geometry", "http://www.opengis.net/ont/geosparql#asWKT") == "POINT(36.558974 35.763369)"
    # the side records say whose deaths they are
    assert one(imported, e + "#deaths-b", CKG + "deathsOf") == ACTOR + "syrian-insurgents"
    assert one(imported, e + "#deaths-b", "http://www.w3.org/2000/01/rdf-schema#label") == (
        "deaths of side B (Syrian insurgents) in UCDP GED event 300380"
    )
    assert one(imported, e + "#deaths-a", CKG + "deathsOf") == ACTOR + "government-of-syria"


def kg_iri(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def test_one_sided_violence_has_agent_and_civilian_target(imported: KnowledgeGraph) -> None:
    """Row 320214: Government of Syria killed 12 civilians at Tabarah as-Sakhana (Hama), 9 August 2013."""
    e = ev("320214")
    assert one(imported, e, CKG + "eventType") == CONCEPT + "attack"
    assert one(imported, e, CKG + "sourceEventType") == CONCEPT + "ucdp/one-sided"
    assert values(imported, e, CKG + "agent") == [ACTOR + "government-of-syria"]
    assert values(imported, e, CKG + "target") == [ACTOR + "civilians-syria"]
    assert values(imported, e, CKG + "participant") == [] and values(imported, e, CKG + "sideA") == []
    assert one(imported, e + "#deaths-civilians", CKG + "deaths") == "12"
    # the shortcut edge of an attack is derived
    assert imported.query(
        "ASK { GRAPH <https://w3id.org/conflict-kg/graph/derived/ucdp-ucdp-ged-25> { actor:government-of-syria ckg:attacked actor:civilians-syria } }"
    ).boolean
    # the armed clashes give no attacked edge (no agent)
    assert not imported.query("ASK { actor:government-of-syria ckg:attacked actor:syrian-insurgents }").boolean


def test_non_state_event_and_coalition_side(imported: KnowledgeGraph) -> None:
    e = ev("317217")  # IS vs Jaysh al-Islam, 2016-04-05
    assert one(imported, e, CKG + "sourceEventType") == CONCEPT + "ucdp/non-state"
    assert one(imported, e, CKG + "eventType") == CONCEPT + "armed-clash"
    assert values(imported, e, CKG + "sideA") == [ACTOR + "is"]
    assert values(imported, e, CKG + "sideB") == [ACTOR + "jaysh-al-islam"]
    sides = values(imported, ev("301611"), CKG + "participant")
    assert ACTOR + "pyd" in sides
    (group,) = [s for s in sides if s != ACTOR + "pyd"]
    assert one(imported, group, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == CKG + "Coalition"
    assert one(imported, group, CKG + "isCollective") == "True"  # xsd:boolean, as Python
    assert one(imported, group, CKG + "sourceCode") == "UCDP:7672"
    assert one(imported, group, "http://www.w3.org/2000/01/rdf-schema#label").startswith("Ahfad al Rasoul Brigade, Ahrar al-Sham")


def test_actor_kinds_and_ucdp_codes(imported: KnowledgeGraph) -> None:
    expect = {
        "government-of-syria": ("StateForce", ["UCDP:118"], None),
        "syrian-insurgents": ("ArmedGroup", ["UCDP:4456"], None),
        "is": ("ArmedGroup", ["UCDP:234"], None),
        "civilians-syria": ("Community", ["UCDP:1"], "True"),
        "government-of-rwanda": ("StateForce", ["UCDP:94"], None),
    }
    rows = fixture_rows()
    ids = {r[f"side_{s}"]: r[f"side_{s}_new_id"] for r in rows.values() for s in "ab"}
    assert ids["Government of Syria"] == "118" and ids["Civilians"] == "1" and ids["IS"] == "234"
    for slug, (cls, codes, collective) in expect.items():
        actor = ACTOR + slug
        assert one(imported, actor, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == CKG + cls
        assert values(imported, actor, CKG + "sourceCode") == codes
        assert values(imported, actor, CKG + "isCollective") == ([collective] if collective else [])


def test_ucdp_concepts_come_from_the_ontology_and_map_to_signed_project_concepts(imported: KnowledgeGraph) -> None:
    rows = imported.query("""
        SELECT ?c ?label ?n ?project ?sign ?rule ?source WHERE {
          GRAPH <https://w3id.org/conflict-kg/graph/ontology> {
            ?c a skos:Concept ; skos:prefLabel ?label ; skos:notation ?n ; skos:inScheme concept:ucdp ;
               ckg:projectType ?project ; ckg:directionRule ?rule ; dcterms:source ?source }
          ?project ckg:sign ?sign } ORDER BY ?n""").records()
    assert [(r["c"].rsplit("/", 1)[1], r["label"], r["n"], r["project"].rsplit("/", 1)[1], int(r["sign"]),
             r["rule"].rsplit("/", 1)[1]) for r in rows] == [
        ("state-based", "state-based conflict", "1", "armed-clash", -1, "sides"),
        ("non-state", "non-state conflict", "2", "armed-clash", -1, "sides"),
        ("one-sided", "one-sided violence", "3", "attack", -1, "agent-target"),
    ]
    assert all("UCDP GED Codebook" in r["source"] for r in rows)
    # the import graph does not describe them again
    assert not imported.query(f"ASK {{ GRAPH <{GRAPH}> {{ ?c skos:inScheme concept:ucdp }} }}").boolean
    # every event's type has a sign through ckg:eventType
    signs = imported.query("SELECT ?e ?sign WHERE { ?e ckg:sourceId ?id ; ckg:eventType/ckg:sign ?sign }").records()
    assert len(signs) == 25 and {int(r["sign"]) for r in signs} == {-1}


@pytest.mark.parametrize(
    ("ident", "start", "end", "precision"),
    [
        ("300380", "2013-01-03", "2013-01-03", "Day"),  # date_prec 1
        ("248414", "2017-09-11", "2017-09-12", "Approximate"),  # date_prec 2, two days
        ("21300", "1989-05-10", "1989-05-16", "Approximate"),  # date_prec 3, a week
        ("224092", "2016-06-03", "2016-06-10", "Approximate"),  # date_prec 4, Syria
        ("38197", "1994-07-01", "1994-07-31", "Month"),  # date_prec 4, exactly July 1994
        ("197491", "1995-01-01", "1995-01-31", "Month"),
        ("23919", "1999-06-01", "1999-12-31", "Approximate"),  # date_prec 5, seven months
        ("247964", "2017-06-05", "2017-10-10", "Approximate"),  # date_prec 5, Syria
    ],
)
def test_date_ranges_and_precision(imported: KnowledgeGraph, ident: str, start: str, end: str, precision: str) -> None:
    e = ev(ident)
    assert (one(imported, e, CKG + "startDate"), one(imported, e, CKG + "endDate")) == (start, end)
    assert one(imported, e, CKG + "datePrecision") == CKG + precision
    assert one(imported, e, CKG + "rawDatePrecision") == fixture_rows()[ident]["date_prec"]
    label = one(imported, e, "http://www.w3.org/2000/01/rdf-schema#label")
    assert label.endswith(start if start == end else f"{start}..{end}")


def test_span_rules() -> None:
    assert span("2019-01-01 00:00:00.000", "2019-12-31 00:00:00.000", "5") == (dt.date(2019, 1, 1), dt.date(2019, 12, 31), Precision.YEAR)
    assert span("2020-02-01", "2020-02-29", "4")[2] is Precision.MONTH
    assert span("2020-02-01", "2020-02-28", "4")[2] is Precision.APPROXIMATE
    assert span("2020-02-01", "2020-02-02", "1")[2] is Precision.APPROXIMATE
    assert span("2020-02-01T00:00:00Z", "2020-02-01", "3")[2] is Precision.DAY
    for args, column in ((("2020-02-30", "2020-03-01", "1"), "date_start"), (("2020-02-02", "2020-02-01", "1"), "date_end"),
                         (("2020-02-01", "2020-02-01", "6"), "date_prec"), (("1/2/2020", "2020-02-01", "1"), "date_start")):
        with pytest.raises(RowError) as err:
            span(*args)
        assert err.value.column == column


def test_places_skip_repeated_levels_and_keep_raw_precision(imported: KnowledgeGraph) -> None:
    # where_prec 4: the coded location is the province itself
    province = PLACE + "angola-lunda-sul-province"
    assert one(imported, ev("21300"), CKG + "place") == province
    assert one(imported, province, CKG + "within") == PLACE + "angola"
    assert one(imported, province, CKG + "rawGeoPrecision") == "4"
    assert one(imported, province + "#geometry", "http://www.opengis.net/ont/geosparql#asWKT") == "POINT(20.4 -9.65)"
    # where_prec 6: the country
    assert one(imported, ev("322134"), CKG + "place") == PLACE + "syria"
    assert one(imported, PLACE + "syria", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == CKG + "Country"
    # where_prec 7: a lake is a site
    lake = one(imported, ev("23893"), CKG + "place")
    assert lake == PLACE + "dr-congo-zaire-orientale-province-irumu-territory-lake-albert-off-irumu"
    assert one(imported, lake, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == CKG + "Site"
    assert one(imported, lake, CKG + "rawGeoPrecision") == "7"
    # every event in Syria is within Syria
    in_syria = imported.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:sourceId ?id ; ckg:place/ckg:within* place:syria }")
    assert int(in_syria.scalar()) == 17


def test_provenance_and_licence(imported: KnowledgeGraph) -> None:
    src = "https://w3id.org/conflict-kg/id/source/ucdp-ucdp-ged-25"
    publisher = one(imported, src, "http://purl.org/dc/terms/publisher")
    assert publisher == "https://w3id.org/conflict-kg/id/publisher/ucdp-ged"  # an agent, as DCMI expects
    assert one(imported, publisher, "http://www.w3.org/2000/01/rdf-schema#label") == "UCDP GED"
    assert one(imported, src, CKG + "rowCount") == "25"
    rights = one(imported, src, "http://purl.org/dc/terms/rights")
    assert "Sundberg" in rights and "Melander" in rights and "Davies" in rights
    assert get_format("ucdp").name == "ucdp"


# -- bad rows ----------------------------------------------------------------------------

# Physical lines of the fixture: the header is line 1, row 216596 spans lines 9-10 (a quoted
# line break), so the row of 317217 starts on line 11 and the row of 320214 on line 16.
BAD = [
    ("bad-date.csv", 11, "2016-04-05 00:00:00,2016-04-05", "2016-04-31 00:00:00,2016-04-05", "date_start", "impossible date"),
    ("end-before-start.csv", 16, "2013-08-09 00:00:00,2013-08-09 00:00:00", "2013-08-09 00:00:00,2013-08-01 00:00:00", "date_end", "before date_start"),
    ("bad-best.csv", 11, ",0,7,7,7,", ",0,seven,7,7,", "best", "'seven' is not a whole number"),
    ("bad-type.csv", 16, "SYR-2013-3-1178-14,2013,1,Clear,3,", "SYR-2013-3-1178-14,2013,1,Clear,4,", "type_of_violence", "'4' is not a UCDP type of violence"),
]


@pytest.mark.parametrize(("name", "line", "old", "new", "column", "problem"), BAD)
def test_bad_row_stops_the_import_and_leaves_the_store_unchanged(
    graph: KnowledgeGraph, tmp_path: Path, name: str, line: int, old: str, new: str, column: str, problem: str
) -> None:
    import_file(graph, UcdpFormat(), FIXTURE, source_id="ucdp-other", now=FIRST_IMPORT)
    before = dump(graph)
    bad = replace_in_line(tmp_path, name, line, old, new)
    with pytest.raises(ImportError_) as err:
        import_file(graph, UcdpFormat(), bad, now=RE_IMPORT)
    assert str(err.value).startswith(f"{bad}:{line}: {column}: ")
    assert problem in str(err.value)
    assert dump(graph) == before
    # a re-import of an already imported source stays whole too (the same file kept as a second source)
    good = tmp_path / name.replace(".csv", "-good.csv")
    good.write_bytes(FIXTURE.read_bytes())
    import_file(graph, UcdpFormat(), good, source_id="ucdp-again", now=FIRST_IMPORT, as_new=True)
    before = dump(graph)
    with pytest.raises(ImportError_):
        import_file(graph, UcdpFormat(), bad, source_id="ucdp-again", now=RE_IMPORT)
    assert dump(graph) == before


def test_skip_bad_rows_imports_the_rest_and_writes_the_rejects(graph: KnowledgeGraph, tmp_path: Path) -> None:
    bad = replace_in_line(tmp_path, "two-bad.csv", 11, ",0,7,7,7,", ",0,7.5,7,7,")
    lines = bad.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[15] = lines[15].replace("2013-08-09 00:00:00,2013-08-09 00:00:00", "2013-08-09 00:00:00,2013-08-01 00:00:00")
    bad.write_text("".join(lines), encoding="utf-8")
    report = import_file(graph, UcdpFormat(), bad, skip_bad_rows=True, now=FIRST_IMPORT)
    assert (report.rows, report.imported, report.rejected) == (25, 23, 2)
    assert report.reject_path == tmp_path / "two-bad.csv.rejects.tsv"
    assert report.reject_path.read_text(encoding="utf-8").splitlines() == [
        "line\tcolumn\tproblem",
        "11\tbest\t'7.5' is not a whole number of deaths",
        "16\tdate_end\t2013-08-01 is before date_start 2013-08-09",
    ]
    listed = {e["event"] for e in kg.events(graph).records()}
    assert len(listed) == 23 and ev("317217") not in listed and ev("320214") not in listed
    assert "2 bad rows written to" in report.summary()


def test_missing_required_column_is_reported_before_any_row(graph: KnowledgeGraph, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    broken = tmp_path / "no-best.csv"
    broken.write_text(header.replace(",best,", ",best_estimate,") + "\n" + rest, encoding="utf-8")
    before = dump(graph)
    with pytest.raises(DataError) as err:
        import_file(graph, UcdpFormat(), broken)
    message = str(err.value)
    assert message.startswith(f"{broken}:1: missing column 'best': a UCDP GED CSV needs a header")
    assert dump(graph) == before
    assert "best" in REQUIRED


def test_headerless_export_and_bom(graph: KnowledgeGraph, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    headerless = tmp_path / "headerless.csv"
    headerless.write_text(text.split("\n", 1)[1], encoding="utf-8")
    report = import_file(graph, UcdpFormat(), headerless)
    assert report.imported == 25
    bom = tmp_path / "bom.csv"
    bom.write_text("\ufeff" + text, encoding="utf-8")
    # the same events again: refused as a duplicate unless kept as a second source
    with pytest.raises(DataError, match="already in the store"):
        import_file(graph, UcdpFormat(), bom)
    assert import_file(graph, UcdpFormat(), bom, as_new=True).imported == 25


def test_duplicate_id_and_short_row(graph: KnowledgeGraph, tmp_path: Path) -> None:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    dup = tmp_path / "dup.csv"
    dup.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(ImportError_, match=r"dup.csv:28: id: duplicate event id 300380"):
        import_file(graph, UcdpFormat(), dup)
    short = tmp_path / "short.csv"
    short.write_text("".join(lines[:2]) + "12345,XYZ-1\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"short.csv:3: type_of_violence: missing: the row has fewer fields than the 49 columns"):
        import_file(graph, UcdpFormat(), short)


# -- idempotence and re-import -----------------------------------------------------------


def test_same_file_twice_is_the_same_store(graph: KnowledgeGraph) -> None:
    first = import_file(graph, UcdpFormat(), FIXTURE, now=FIRST_IMPORT)
    before = dump(graph)
    again = import_file(graph, UcdpFormat(), FIXTURE, now=RE_IMPORT)
    assert again.unchanged and not first.unchanged
    assert dump(graph) == before


def test_reimport_of_a_newer_export(graph: KnowledgeGraph, tmp_path: Path) -> None:
    old = tmp_path / "ged.csv"
    old.write_bytes(FIXTURE.read_bytes())
    import_file(graph, UcdpFormat(), old, source_id="ucdp-ged", now=FIRST_IMPORT)
    newer = rewrite(tmp_path, "ged-newer.csv", change={"300380": {"best": "3", "high": "4", "deaths_unknown": "1"}}, drop={"320214"})
    report = import_file(graph, UcdpFormat(), newer, source_id="ucdp-ged", now=RE_IMPORT)
    assert (report.imported, report.invalidated) == (24, 1)
    # the changed value is replaced, not duplicated
    assert one(graph, ev("300380"), CKG + "fatalities") == "3"
    assert one(graph, ev("300380"), CKG + "fatalitiesHigh") == "4"
    assert one(graph, ev("300380") + "#deaths-unknown", CKG + "deaths") == "1"
    # the vanished row is kept (with its deaths records), marked invalidated at the re-import
    vanished = ev("320214")
    assert one(graph, vanished, "http://www.w3.org/ns/prov#invalidatedAtTime") == "2024-06-01T09:30:00Z"
    assert one(graph, vanished + "#deaths-civilians", CKG + "deaths") == "12"
    assert one(graph, vanished, CKG + "startDate") == "2013-08-09"
    # what we knew the day before the re-import still lists it; today it is gone
    before = {e["event"] for e in kg.events(graph, known_on=dt.date(2024, 5, 31))}
    today = {e["event"] for e in kg.events(graph, known_on=dt.date(2024, 6, 1))}
    assert vanished in before and vanished not in today
    assert len(before) == 25 and len(today) == 24
    # the source keeps the day it was first known (record time), so known_on still works
    assert one(graph, "https://w3id.org/conflict-kg/id/source/ucdp-ged", "http://purl.org/dc/terms/issued") == "2024-01-10"


# -- the CLI -----------------------------------------------------------------------------


def test_cli_import(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    result = runner.invoke(main, ["--store", store, "import", "ucdp", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert f"{FIXTURE}: imported 25 of 25 rows into {GRAPH}" in result.output
    again = runner.invoke(main, ["--store", store, "import", "ucdp", str(FIXTURE)])
    assert again.exit_code == 0 and "unchanged since the last import of ucdp-ucdp-ged-25" in again.output


def test_cli_bad_file_is_one_line(tmp_path: Path) -> None:
    bad = replace_in_line(tmp_path, "bad.csv", 11, ",0,7,7,7,", ",0,seven,7,7,")
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "import", "ucdp", str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"Error: {bad}:11: best: 'seven' is not a whole number of deaths"]
    assert "Traceback" not in result.output


# -- the full sample ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not FULL.exists(), reason="the shared UCDP GED sample is not there")
def test_full_sample(tmp_path: Path) -> None:
    store = kg.open(":memory:")
    ensure_ontology(store)
    started = time.perf_counter()
    report = import_file(store, UcdpFormat(), FULL, now=FIRST_IMPORT)
    seconds = time.perf_counter() - started
    assert (report.rows, report.imported, report.rejected) == (1000, 1000, 0)
    assert seconds < 30
    assert len(kg.events(store).records()) == 1000
    syria = store.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:sourceId ?id ; ckg:place/ckg:within* place:syria }")
    assert int(syria.scalar()) == 265
    kinds = store.query(
        "SELECT ?k (COUNT(?e) AS ?n) WHERE { ?e ckg:sourceEventType ?k } GROUP BY ?k ORDER BY ?k"
    ).records()
    assert {r["k"].rsplit("/", 1)[1]: int(r["n"]) for r in kinds} == {"state-based": 707, "non-state": 133, "one-sided": 160}
    # one known row, field by field: 21300, Government of Angola vs UNITA, Lunda Sul, 10-16 May 1989
    e = ev("21300")
    assert one(store, e, CKG + "sourceId") == "21300"
    assert one(store, e, "http://purl.org/dc/terms/identifier") == "ANG-1989-1-7-62.3"
    assert one(store, e, "http://www.w3.org/2000/01/rdf-schema#label") == (
        "UCDP state-based: Government of Angola - UNITA, Lunda Sul province, 1989-05-10..1989-05-16"
    )
    assert (one(store, e, CKG + "startDate"), one(store, e, CKG + "endDate")) == ("1989-05-10", "1989-05-16")
    assert one(store, e, CKG + "datePrecision") == CKG + "Approximate"
    assert one(store, e, CKG + "rawDatePrecision") == "3"
    assert values(store, e, CKG + "sideA") == [ACTOR + "government-of-angola"]
    assert values(store, e, CKG + "sideB") == [ACTOR + "unita"]
    assert values(store, ACTOR + "unita", CKG + "sourceCode") == ["UCDP:567"]
    assert values(store, ACTOR + "government-of-angola", CKG + "sourceCode") == ["UCDP:99"]
    assert one(store, e, CKG + "place") == PLACE + "angola-lunda-sul-province"
    assert [one(store, e, CKG + p) for p in ("fatalities", "fatalitiesLow", "fatalitiesHigh")] == ["14", "14", "14"]
    assert one(store, e + "#deaths-b", CKG + "deaths") == "14"
    assert values(store, e, CKG + "sourceCode") == ["UCDP-conflict:327", "UCDP-dyad:714"]
    # totals: the deaths records add up to best over the whole sample
    best = store.query("SELECT (SUM(?n) AS ?total) WHERE { ?e ckg:sourceId ?id ; ckg:fatalities ?n }").scalar()
    parts = store.query("SELECT (SUM(?n) AS ?total) WHERE { ?e ckg:sourceId ?id ; dcterms:hasPart/ckg:deaths ?n }").scalar()
    assert int(best) == int(parts) == 3914 + 3752 + 1895
    print(f"full UCDP sample: {report.summary()} ({seconds:.2f} s)")

"""The ACLED importer on real ACLED rows: what the graph says is what the rows say.

The fixture ``data/acled/acled-sample-30.csv`` holds 34 rows cut unchanged from the
acledR sample (``../shared/datasets/acled-sample``): 18 Syria rows of 12 sub-event types,
10 rows elsewhere for the other sub-event types and directions, 6 Argentina rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.base.errors import DataError
from kg.cli import main
from kg.contract.ontology import ensure_ontology
from kg.ingest import get_format
from kg.ingest.acled import AcledFormat, parse_date
from kg.ingest.base import RowError, import_file

from conftest import SHARED, dump

SAMPLE = Path(__file__).parent / "data" / "acled" / "acled-sample-30.csv"
FULL = SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"
T0 = dt.datetime(2022, 7, 1, 12, tzinfo=dt.timezone.utc)
T1 = dt.datetime(2022, 9, 1, 12, tzinfo=dt.timezone.utc)

BASE = "https://w3id.org/conflict-kg/"
CKG = BASE + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
WKT = "http://www.opengis.net/ont/geosparql#asWKT"
GEOMETRY = "http://www.opengis.net/ont/geosparql#hasGeometry"

# What each sub-event type of the fixture should become, by the ACLED codebook (written out here,
# not read from the ontology or the module): project concept, class, and the roles.
# "sides": actor1 (+ assoc_actor_1) is side A, actor2 (+ assoc_actor_2) side B, mutual;
# "riot": agent -> target when actor2 is civilians (inter2 7), otherwise sides.
EXPECTED = {
    "Armed clash": ("armed-clash", "Attack", "sides"),
    "Government regains territory": ("armed-clash", "Attack", "sides"),
    "Shelling/artillery/missile attack": ("attack", "Attack", "actor1 -> actor2"),
    "Remote explosive/landmine/IED": ("attack", "Attack", "actor1 -> actor2"),
    "Air/drone strike": ("attack", "Attack", "actor1 -> actor2"),
    "Suicide bomb": ("suicide-bombing", "Attack", "actor1 -> actor2"),
    "Attack": ("attack", "Attack", "actor1 -> actor2"),
    "Abduction/forced disappearance": ("attack", "Attack", "actor1 -> actor2"),
    "Sexual violence": ("attack", "Attack", "actor1 -> actor2"),
    "Mob violence": ("riot", "Attack", "riot"),
    "Excessive force against protesters": ("attack", "Attack", "actor2 -> actor1"),
    "Peaceful protest": ("demonstration", "Event", "actor1 leads"),
    "Protest with intervention": ("coercion", "Event", "actor2 -> actor1"),
    "Violent demonstration": ("riot", "Event", "riot"),
    "Disrupted weapons use": ("interception", "Interception", "actor1 -> actor2"),
    "Arrests": ("coercion", "Event", "actor1 -> actor2"),
    "Looting/property destruction": ("coercion", "Event", "actor1 -> actor2"),
    "Agreement": ("agreement", "Event", "sides"),
    "Non-violent transfer of territory": ("territorial-change", "Event", "actor1 leads"),
    "Change to group/activity": ("other", "Event", "actor1 leads"),
    "Other": ("other", "Event", "actor1 leads"),
}
SIGNS = {
    "armed-clash": -1,
    "attack": -1,
    "suicide-bombing": -1,
    "demonstration": 0,
    "riot": -1,
    "interception": -1,
    "coercion": -1,
    "agreement": 1,
    "territorial-change": 0,
    "other": 0,
}
INTER = {
    "1": "StateForce",
    "2": "ArmedGroup",
    "3": "ArmedGroup",
    "4": "ArmedGroup",
    "5": "Community",
    "6": "Community",
    "7": "Community",
    "8": "Organization",
}


@pytest.fixture
def graph(empty_kg):
    """An empty store (memory and on disk) with the ontology, as ``kg import`` prepares it."""
    ensure_ontology(empty_kg)
    return empty_kg


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def facts(graph: kg.KnowledgeGraph) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]:
    """subject IRI -> predicate IRI -> objects, over the whole store."""
    table: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for quad in graph.quads():
        table[quad.subject.value][quad.predicate.value].append(quad.object)
    return table


def values(node: dict[str, list], prop: str) -> set[str]:
    return {term.value for term in node.get(prop, [])}


def one(node: dict[str, list], prop: str) -> ox.NamedNode | ox.Literal:
    found = node.get(prop, [])
    assert len(found) == 1, (prop, found)
    return found[0]


def event_iri(ident: str) -> str:
    return f"{BASE}id/event/acled-{ident.lower()}"


def names(row: dict[str, str], column: str) -> list[str]:
    return [n for n in row[column].split("; ") if n]


def test_fixture_is_what_it_claims():
    rows = read_rows(SAMPLE)
    assert len(rows) == 34
    syria = [r for r in rows if r["country"] == "Syria"]
    assert len(syria) == 18 and len({r["sub_event_type"] for r in syria}) == 12
    assert sum(r["country"] == "Argentina" for r in rows) == 6
    assert {r["time_precision"] for r in rows} == {"1", "2", "3"}
    assert {r["sub_event_type"] for r in rows} <= set(EXPECTED)


def test_every_row_field_by_field(graph):
    report = import_file(graph, AcledFormat(), SAMPLE, now=T0)
    assert (report.rows, report.imported, report.rejected) == (34, 34, 0)
    store = facts(graph)
    for row in read_rows(SAMPLE):
        ident = row["event_id_cnty"]
        event = store[event_iri(ident)]
        concept, cls, roles = EXPECTED[row["sub_event_type"]]
        where = f"{ident} ({row['sub_event_type']})"
        # identity, types and the sign through the project concept
        assert one(event, CKG + "sourceId") == ox.Literal(ident), where
        assert values(event, RDF_TYPE) == {CKG + cls}, where
        assert values(event, CKG + "eventType") == {f"{BASE}id/concept/{concept}"}, where
        source_concept = one(event, CKG + "sourceEventType").value
        assert source_concept == BASE + "id/concept/acled/" + re.sub(r"[^a-z0-9]+", "-", row["sub_event_type"].lower())
        # ACLED's own scheme is in the ontology, with ACLED's labels
        assert one(store[source_concept], SKOS + "prefLabel").value == row["sub_event_type"]
        sign = store[f"{BASE}id/concept/{concept}"][CKG + "sign"]
        assert [int(s.value) for s in sign] == [SIGNS[concept]], where
        # valid time: ACLED's own date, and the range it possibly stands for
        day = dt.date.fromisoformat(row["event_date"])
        spread = {"1": 0, "2": 3}.get(row["time_precision"])
        if spread is not None:
            early, late = day - dt.timedelta(days=spread), day + dt.timedelta(days=spread)
        else:  # only SYR99478: "Around 5 March 2022 (as reported)", precision 3
            early, late = dt.date(2022, 2, 18), dt.date(2022, 3, 31)
        assert one(event, CKG + "startDate") == ox.Literal(
            day.isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
        )
        assert one(event, CKG + "endDate").value == day.isoformat(), where
        if spread == 0:
            assert CKG + "earliestDate" not in event and CKG + "latestDate" not in event, where
        else:
            assert (one(event, CKG + "earliestDate").value, one(event, CKG + "latestDate").value) == (
                early.isoformat(), late.isoformat()), where
        assert one(event, CKG + "datePrecision").value == CKG + (
            "Day" if row["time_precision"] == "1" else "Approximate"
        )
        assert one(event, CKG + "rawDatePrecision").value == row["time_precision"]
        # evidence and numbers
        assert one(event, CKG + "fatalities") == ox.Literal(
            row["fatalities"], datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        )
        assert one(event, DCT + "description").value == row["notes"]
        assert values(event, DCT + "source") == set(row["source"].split("; "))
        modified = dt.datetime.fromtimestamp(int(row["timestamp"]), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert one(event, DCT + "modified") == ox.Literal(
            modified, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
        )
        assert one(event, CKG + "rawGeoPrecision").value == row["geo_precision"]
        assert values(event, PROV + "wasDerivedFrom") == {BASE + "id/source/acled-acled-sample-30"}
        assert PROV + "generatedAtTime" not in event  # record time is the framework's, not the row's
        # roles
        props = ("agent", "target", "participant", "sideA", "sideB")
        label = {iri: one(store[iri], LABEL).value for prop in props for iri in values(event, CKG + prop)}
        got = {prop: {label[iri] for iri in values(event, CKG + prop)} for prop in props}
        actor1, actor2 = row["actor1"], row["actor2"]
        assoc1, assoc2 = set(names(row, "assoc_actor_1")), set(names(row, "assoc_actor_2"))
        assoc = assoc1 | assoc2
        if roles == "riot":
            roles = "actor1 -> actor2" if row["inter2"] == "7" else "sides"
        if roles == "actor1 -> actor2":
            assert (got["agent"], got["target"]) == ({actor1}, {actor2} - {""}), where
        elif roles == "actor2 -> actor1":
            assert (got["agent"], got["target"]) == ({actor2}, {actor1}), where
        elif roles == "actor1 leads":
            assert (got["agent"], got["target"]) == ({actor1}, set()), where
            assert got["participant"] - assoc == {actor2} - {""}, where
        else:  # two sides, no direction; the sides are participants too
            side_a = {actor1} | assoc1
            assert (got["agent"], got["target"]) == (set(), set()), where
            assert (got["sideA"], got["sideB"]) == (side_a, ({actor2} | assoc2) - {""} - side_a), where
            assert got["sideA"] | got["sideB"] <= got["participant"], where
        if roles != "sides":
            assert got["sideA"] == got["sideB"] == set(), where
        assert assoc <= got["participant"] | got["agent"] | got["target"], where
        # the label says what happened, between whom, where and when
        assert one(event, LABEL).value.startswith(row["sub_event_type"] + ": "), where
        assert one(event, LABEL).value.endswith(f" in {row['location']}, {row['event_date']}"), where
        # actor kinds from inter1/inter2, the raw code kept on the actor
        for name, code in ((actor1, row["inter1"]), (actor2, row["inter2"])):
            if not name:
                continue
            actor = store[f"{BASE}id/actor/" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")]
            kind = "StateForce" if re.match(r"(Military|Police) Forces of ", name) else INTER[code]
            assert CKG + kind in values(actor, RDF_TYPE), (where, name)
            assert f"ACLED-inter:{code}" in values(actor, CKG + "sourceCode"), (where, name)
            assert (values(actor, CKG + "isCollective") == {"true"}) == (kind == "Community"), (where, name)
        # the place: location within admin3 within admin2 within admin1 within the country
        chain, place = [], one(event, CKG + "place").value
        geometry = one(store[place], GEOMETRY).value
        point = one(store[geometry], WKT).value
        lon, lat = map(float, re.fullmatch(r"POINT\((\S+) (\S+)\)", point).groups())
        assert (lat, lon) == (float(row["latitude"]), float(row["longitude"])), where
        while place:
            chain.append(one(store[place], LABEL).value)
            up = values(store[place], CKG + "within")
            assert len(up) <= 1
            last, place = place, next(iter(up), None)
        assert values(store[last], RDF_TYPE) == {CKG + "Country"}
        assert chain == [
            n for n in (row["location"], row["admin3"], row["admin2"], row["admin1"], row["country"]) if n
        ], where


def test_known_rows_say_what_acled_says(graph):
    """A few rows spelled out: direction, kinds, places, shortcut edges."""
    import_file(graph, AcledFormat(), SAMPLE, now=T0)

    def ask(query: str) -> bool:
        return graph.query(query).boolean

    # Battles: no direction, two sides in mutual hostility (sign -1)
    assert ask("""ASK { event:acled-syr100672 a ckg:Attack ; ckg:sideA actor:islamic-state-syria ; ckg:sideB actor:military-forces-of-syria-2000 ;
                   ckg:eventType/ckg:sign -1 ; ckg:startDate "2022-04-26"^^xsd:date ; ckg:endDate "2022-04-26"^^xsd:date ;
                   ckg:datePrecision ckg:Day ; rdfs:label "Armed clash: Islamic State (Syria) / Military Forces of Syria (2000-) in Tadmor, 2022-04-26"@en
                   FILTER NOT EXISTS { event:acled-syr100672 ckg:agent|ckg:target ?x } }""")
    # Violence against civilians: the armed group attacked the civilians (a shortcut edge in the derived graph)
    assert ask("""ASK { event:acled-syr97749 ckg:agent actor:unidentified-armed-group-syria ; ckg:target actor:civilians-syria ;
                   ckg:fatalities 2 ; ckg:sourceEventType <https://w3id.org/conflict-kg/id/concept/acled/attack> .
                   actor:civilians-syria a ckg:Community ; ckg:isCollective true ; ckg:sourceCode "ACLED-inter:7" .
                   GRAPH <https://w3id.org/conflict-kg/graph/derived/acled-acled-sample-30> {
                     actor:unidentified-armed-group-syria ckg:attacked actor:civilians-syria } }""")
    # a peaceful protest without actor2: the protesters are the agent, nobody is the target, and it is not hostile
    assert ask("""ASK { event:acled-syr100339 ckg:agent actor:protesters-syria ; ckg:eventType concept:demonstration ;
                   ckg:eventType/ckg:sign 0 ;
                   ckg:place ?p . ?p a ckg:District ; rdfs:label "Aleppo - Sheikh Maqsoud" ; ckg:within/rdfs:label "Jebel Saman"
                   FILTER NOT EXISTS { event:acled-syr100339 ckg:target|ckg:participant ?x } }""")
    # excessive force: ACLED codes the protesters as actor1, the police (the agent) as actor2
    assert ask("""ASK { event:acled-sud16231 ckg:agent actor:police-forces-of-sudan-2019 ; ckg:target actor:protesters-sudan ;
                   ckg:participant actor:resistance-committees-sudan , actor:military-forces-of-sudan-2019-rapid-support-forces }""")
    # an interception: Ukraine shot down a Russian drone
    assert ask("""ASK { event:acled-ukr55743 a ckg:Interception ; ckg:agent actor:military-forces-of-ukraine-2019 ;
                   ckg:target actor:military-forces-of-russia-2000 .
                   actor:military-forces-of-ukraine-2019 ckg:intercepted actor:military-forces-of-russia-2000 }""")
    # rioters against rioters: two sides (Turkish and Kurdish groups fought each other), no direction
    assert ask("""ASK { event:acled-fra15626 ckg:sideA actor:rioters-france , actor:turkish-group-france ;
                   ckg:sideB actor:kurdish-ethnic-group-france ; ckg:eventType concept:riot
                   FILTER NOT EXISTS { event:acled-fra15626 ckg:agent ?x } }""")
    # associated actors participate; coalition, foreign state forces and rebels get their classes
    assert ask("""ASK { event:acled-syr101592 ckg:eventType concept:coercion ; ckg:agent actor:global-coalition-against-daesh ;
                   ckg:target actor:civilians-syria ;
                   ckg:participant actor:qsd-syrian-democratic-forces , actor:military-forces-of-france-2017 , actor:islamic-state-syria .
                   actor:global-coalition-against-daesh a ckg:Organization ; ckg:sourceCode "ACLED-inter:8" .
                   actor:military-forces-of-russia-2000 a ckg:StateForce ; ckg:sourceCode "ACLED-inter:8" .
                   actor:qsd-syrian-democratic-forces a ckg:ArmedGroup ; ckg:sourceCode "ACLED-inter:2" .
                   actor:military-forces-of-france-2017 a ckg:StateForce }""")
    # an associated actor only ever named as such stays a plain actor
    assert graph.query("SELECT ?c WHERE { actor:women-syria a ?c }").records() == [{"c": CKG + "Actor"}]
    # week-precise (2) and month-precise (3) dates keep ACLED's date, with the possible range beside it
    rows = graph.query("""SELECT ?e ?s ?t ?early ?late ?raw WHERE { VALUES ?e { event:acled-syr102644 event:acled-syr99478 }
                          ?e ckg:startDate ?s ; ckg:endDate ?t ; ckg:earliestDate ?early ; ckg:latestDate ?late ;
                             ckg:rawDatePrecision ?raw ; ckg:datePrecision ckg:Approximate }
                          ORDER BY ?e""").records()
    assert [(r["s"], r["t"], r["early"], r["late"], r["raw"]) for r in rows] == [
        (dt.date(2022, 6, 27), dt.date(2022, 6, 27), dt.date(2022, 6, 24), dt.date(2022, 6, 30), "2"),
        (dt.date(2022, 3, 5), dt.date(2022, 3, 5), dt.date(2022, 2, 18), dt.date(2022, 3, 31), "3"),
    ]
    # the prison is a site; two Argentina rows share Comodoro Rivadavia (one place, one geometry)
    assert ask("""ASK { event:acled-syr99478 ckg:place ?p . ?p a ckg:Site ; rdfs:label "Sidnaya Military Prison" }""")
    assert (
        graph.query("""SELECT (COUNT(DISTINCT ?p) AS ?n) (COUNT(DISTINCT ?w) AS ?g) WHERE {
        VALUES ?e { event:acled-arg10607 event:acled-arg10573 } ?e ckg:place ?p . ?p geo:hasGeometry/geo:asWKT ?w }""").records()
        == [{"n": 1, "g": 1}]
    )
    # Buenos Aires city has no admin2: the chain skips it
    assert ask("""ASK { event:acled-arg10519 ckg:place ?p . ?p rdfs:label "Buenos Aires" ;
                   ckg:within ?a . ?a rdfs:label "Ciudad Autonoma de Buenos Aires" ; ckg:within place:argentina }""")
    # agreements are cooperative, "other" neutral
    assert ask("ASK { event:acled-drc24468 ckg:eventType/ckg:sign 1 . event:acled-syr99481 ckg:eventType/ckg:sign 0 }")
    # the source carries ACLED's terms
    rights = graph.query("SELECT ?r WHERE { ?s a ckg:Source ; dcterms:rights ?r }").scalar()
    assert "attribution required" in rights and "redistribution" in rights


def test_events_lookup_lists_imported_events(graph):
    import_file(graph, AcledFormat(), SAMPLE, now=T0)
    attacks = kg.events(graph, actor="civilians-syria", type="Attack")
    assert {e["event"].rsplit("/", 1)[1] for e in attacks} == {
        "acled-syr99814",
        "acled-syr101035",
        "acled-syr97749",
        "acled-syr99478",
        "acled-syr102644",
        "acled-syr102010",
    }


def test_actor_class_does_not_depend_on_row_order(graph, tmp_path):
    """An actor named first as an associated actor (no code), then as actor2 (code 2), is an armed group."""
    file = tmp_path / "order.csv"
    file.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,inter2,country\n"
        "SYR1,2022-01-02,Protests,Peaceful protest,Protesters (Syria),QSD: Syrian Democratic Forces,6,,0,Syria\n"
        "SYR2,2022-01-03,Battles,Armed clash,Islamic State (Syria),,2,QSD: Syrian Democratic Forces,2,Syria\n",
        encoding="utf-8",
    )
    import_file(graph, AcledFormat(), file, now=T0)
    assert graph.query("SELECT ?c WHERE { actor:qsd-syrian-democratic-forces a ?c }").records() == [
        {"c": CKG + "ArmedGroup"}
    ]
    assert graph.query("SELECT ?c WHERE { actor:qsd-syrian-democratic-forces ckg:sourceCode ?c }").records() == [
        {"c": "ACLED-inter:2"}
    ]
    # every actor of the fixture has exactly one class
    import_file(graph, AcledFormat(), SAMPLE, now=T0)
    assert (
        graph.query("""SELECT ?a WHERE { ?a a ?c FILTER(STRSTARTS(STR(?a), STR(actor:))) }
                          GROUP BY ?a HAVING (COUNT(?c) > 1)""").records()
        == []
    )


# -- bad input ----------------------------------------------------------------------------

BAD_VALUES = [
    ("event_date", "2022-02-30", "'2022-02-30' is not a date: day is out of range for month"),
    ("event_date", "yesterday", "'yesterday' is not a date: use YYYY-MM-DD, DD-MM-YYYY or '16 May 2025'"),
    ("latitude", "north", "'north' is not a latitude: write decimal degrees from -90 to 90 (WGS84, e.g. 34.73)"),
    ("latitude", "95.5", "'95.5' is not a latitude: write decimal degrees from -90 to 90 (WGS84, e.g. 34.73)"),
    ("sub_event_type", "Cyber attack", "'Cyber attack' is not an ACLED sub-event type (see the codebook's 25)"),
    ("event_type", "Battles", "'Battles' does not fit sub-event type 'Attack' (which is 'Violence against civilians')"),
    ("fatalities", "several", "'several' is not a whole number of deaths"),
    ("time_precision", "4", "'4' is not an ACLED time precision (1, 2 or 3)"),
    ("inter1", "9", "'9' is not an ACLED actor type (1-8 or a label such as 'State forces')"),
    ("timestamp", "last week", "'last week' is not a Unix time or ISO date-time"),
    ("event_id_cnty", "SYR100672", "SYR100672 is already on line 2"),
]


@pytest.mark.parametrize(("column", "value", "problem"), BAD_VALUES, ids=[f"{c}={v}" for c, v, _ in BAD_VALUES])
def test_bad_value_stops_the_import_and_names_file_line_column(graph, tmp_path, column, value, problem):
    import_file(graph, AcledFormat(), SAMPLE, source_id="acled-earlier", now=T0)  # the store is not empty
    before = dump(graph)
    rows = read_rows(SAMPLE)
    assert rows[8]["event_id_cnty"] == "SYR97749" and rows[8]["sub_event_type"] == "Attack"
    rows[8][column] = value  # file line 10: the header is line 1
    bad = write_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(DataError) as info:
        import_file(graph, AcledFormat(), bad, now=T1)
    assert str(info.value) == f"{bad}:10: {column}: {problem}"
    assert dump(graph) == before


def test_first_row_is_line_2(graph, tmp_path):
    rows = read_rows(SAMPLE)
    rows[0]["longitude"] = "east"
    bad = write_rows(tmp_path / "first.csv", rows)
    with pytest.raises(DataError) as info:
        import_file(graph, AcledFormat(), bad, now=T0)
    assert str(info.value) == f"{bad}:2: longitude: 'east' is not a longitude: write decimal degrees from -180 to 180 (WGS84, e.g. 36.72)"


def test_line_numbers_count_notes_that_span_lines(graph, tmp_path):
    before = dump(graph)
    rows = read_rows(SAMPLE)
    rows[2]["notes"] = rows[2]["notes"] + "\nSecond line of the notes.\nThird line."  # row 3 takes lines 4-6
    rows[5]["latitude"] = "33,5"
    bad = write_rows(tmp_path / "multiline.csv", rows)
    with pytest.raises(DataError) as info:
        import_file(graph, AcledFormat(), bad, now=T0)
    assert str(info.value) == f"{bad}:9: latitude: '33,5' is not a latitude: write decimal degrees from -90 to 90 (WGS84, e.g. 34.73)"  # not 7: two extra lines above
    assert dump(graph) == before
    # the multi-line notes themselves import whole
    rows[5]["latitude"] = read_rows(SAMPLE)[5]["latitude"]
    good = write_rows(tmp_path / "multiline-good.csv", rows)
    import_file(graph, AcledFormat(), good, now=T0)
    notes = graph.query("SELECT ?n WHERE { event:acled-syr101631 dcterms:description ?n }").scalar()
    assert notes.endswith("notes.\nThird line.")


def test_skip_bad_rows_imports_the_rest_and_lists_the_rejects(graph, tmp_path):
    rows = read_rows(SAMPLE)
    rows[0]["fatalities"] = "-1"  # the first row naming Islamic State (Syria) and the Syrian army
    rows[3]["event_date"] = "31-04-2022"
    rows[20]["sub_event_type"] = "Riot"
    rows[30]["longitude"] = ""
    bad = write_rows(tmp_path / "bad.csv", rows)
    report = import_file(graph, AcledFormat(), bad, skip_bad_rows=True, now=T0)
    assert (report.rows, report.imported, report.rejected) == (34, 30, 4)
    assert report.reject_path == tmp_path / "bad.csv.rejects.tsv"
    assert report.reject_path.read_text(encoding="utf-8").splitlines() == [
        "line\tcolumn\tproblem",
        "2\tfatalities\t'-1' is not a whole number of deaths",
        "5\tevent_date\t'31-04-2022' is not a date: day is out of range for month",
        "22\tsub_event_type\t'Riot' is not an ACLED sub-event type (see the codebook's 25)",
        "32\tlongitude\tempty while latitude is given: give both coordinates or neither",
    ]
    assert graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?e ckg:sourceId ?id }").scalar() == 30
    assert not graph.query(f"ASK {{ <{event_iri(rows[3]['event_id_cnty'])}> ?p ?o }}").boolean
    # actors first named by a rejected row are still described by the rows that import (here
    # Islamic State (Syria) is left only as an associated actor: it keeps the class of its coding)
    assert graph.query("""ASK { actor:islamic-state-syria a ckg:ArmedGroup ; rdfs:label "Islamic State (Syria)" .
                          actor:military-forces-of-syria-2000 a ckg:StateForce ; rdfs:label ?l }""").boolean


def test_missing_required_column_is_named_before_any_row(graph, tmp_path):
    before = dump(graph)
    text = SAMPLE.read_text(encoding="utf-8").replace("sub_event_type,", "subtype,", 1)
    bad = tmp_path / "renamed.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        import_file(graph, AcledFormat(), bad, now=T0)
    assert str(info.value).startswith(
        f"{bad}:1: missing column sub_event_type: an ACLED export needs "
        "event_id_cnty, event_date, event_type, sub_event_type, actor1, country (header: event_id_cnty,"
    )
    assert dump(graph) == before
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="missing columns event_id_cnty, event_date, .*header: empty"):
        import_file(graph, AcledFormat(), empty, now=T0)


def test_other_date_forms_headers_and_optional_columns(graph, tmp_path):
    """dd-mm-yyyy and '16 May 2025' dates, upper-case headers with a BOM, only the required columns."""
    assert parse_date("01-03-2022") == parse_date("1 March 2022") == parse_date("1 Mar 2022") == dt.date(2022, 3, 1)
    with pytest.raises(RowError, match="event_date"):
        parse_date("03/2022")
    rows = read_rows(SAMPLE)
    rows[0]["event_date"] = "26-04-2022"
    rows[1]["event_date"] = "26 January 2022"
    text = write_rows(tmp_path / "x.csv", rows).read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    odd = tmp_path / "upper.csv"
    odd.write_text("\ufeff" + header.upper() + "\n" + rest, encoding="utf-8")
    import_file(graph, AcledFormat(), odd, now=T0)
    dates = graph.query("""SELECT ?e ?d WHERE { VALUES ?e { event:acled-syr100672 event:acled-syr98420 } ?e ckg:startDate ?d }
                           ORDER BY ?d""").records()
    assert [r["d"] for r in dates] == [dt.date(2022, 1, 26), dt.date(2022, 4, 26)]  # ACLED's dates, precise or not
    assert graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?e ckg:sourceId ?id }").scalar() == 34
    # a minimal file: just the required columns (no coordinates, codes or notes)
    minimal = tmp_path / "minimal.csv"
    minimal.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,actor1,country\n"
        "SYR1,2022-01-02,Battles,Armed clash,Islamic State (Syria),Syria\n",
        encoding="utf-8",
    )
    import_file(graph, AcledFormat(), minimal, now=T0)
    assert graph.query("""ASK { event:acled-syr1 ckg:participant actor:islamic-state-syria ; ckg:place place:syria ;
                          ckg:datePrecision ckg:Day FILTER NOT EXISTS { event:acled-syr1 ckg:fatalities ?f } }""").boolean


# -- record time ----------------------------------------------------------------------------


def test_same_file_twice_changes_nothing(graph):
    import_file(graph, AcledFormat(), SAMPLE, now=T0)
    first = dump(graph)
    report = import_file(graph, AcledFormat(), SAMPLE, now=T1)
    assert report.unchanged and dump(graph) == first


def newer_export(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture, and a newer export of it: two rows gone, one row corrected."""
    rows = read_rows(SAMPLE)
    old = write_rows(tmp_path / "acled-feed.csv", rows)
    newer = [dict(r) for r in rows if r["event_id_cnty"] not in ("SYR99814", "SYR101035")]
    changed = next(r for r in newer if r["event_id_cnty"] == "SYR97749")
    changed.update(fatalities="3", notes=changed["notes"] + " A third man died of his wounds.", timestamp="1657000000")
    return old, write_rows(tmp_path / "acled-feed-newer.csv", newer)


def test_reimport_of_a_newer_export(graph, tmp_path):
    old, newer = newer_export(tmp_path)
    import_file(graph, AcledFormat(), old, source_id="acled-feed", now=T0)
    report = import_file(graph, AcledFormat(), newer, source_id="acled-feed", now=T1)
    assert (report.imported, report.invalidated) == (32, 2)
    # the corrected row replaced the old one
    changed = graph.query("""SELECT ?f ?m ?n WHERE { event:acled-syr97749 ckg:fatalities ?f ; dcterms:modified ?m ;
                             dcterms:description ?n }""").records()
    assert len(changed) == 1 and changed[0]["f"] == 3 and changed[0]["m"] == "2022-07-05T05:46:40Z"
    assert changed[0]["n"].endswith("A third man died of his wounds.")
    # the vanished rows are kept, marked invalidated at the re-import
    gone = graph.query("""SELECT ?e ?t WHERE { ?e prov:invalidatedAtTime ?t } ORDER BY ?e""").records()
    assert [(g["e"].rsplit("/", 1)[1], g["t"]) for g in gone] == [
        ("acled-syr101035", "2022-09-01T12:00:00Z"),
        ("acled-syr99814", "2022-09-01T12:00:00Z"),
    ]
    assert graph.query(
        "ASK { event:acled-syr99814 ckg:agent actor:military-forces-of-turkey-2016 ; ckg:fatalities 0 }"
    ).boolean

    def listed(**options) -> set[str]:
        return {e["event"].rsplit("/", 1)[1] for e in kg.events(graph, **options)}

    assert len(listed()) == 34
    between = listed(known_on=dt.date(2022, 8, 1))  # what we knew before the newer export
    assert len(between) == 34 and {"acled-syr99814", "acled-syr101035"} <= between
    after = listed(known_on=dt.date(2022, 9, 2))
    assert len(after) == 32 and not {"acled-syr99814", "acled-syr101035"} & after
    assert listed(known_on=dt.date(2022, 6, 30)) == set()
    # the same newer export again: nothing to do
    snapshot = dump(graph)
    assert import_file(graph, AcledFormat(), newer, source_id="acled-feed", now=T1).unchanged
    assert dump(graph) == snapshot


def test_vanished_rows_keep_their_actors_and_places(graph, tmp_path):
    old, newer = newer_export(tmp_path)
    import_file(graph, AcledFormat(), old, source_id="acled-feed", now=T0)
    import_file(graph, AcledFormat(), newer, source_id="acled-feed", now=T1)
    # SYR101035 (Russian air strike on Mantaf, Idleb) is the only row naming Mantaf
    assert graph.query(
        """ASK { event:acled-syr101035 ckg:place ?p . ?p rdfs:label "Mantaf" ; geo:hasGeometry ?g }"""
    ).boolean


# -- command line -------------------------------------------------------------------------------


def test_cli_import(runner, tmp_path):
    store = str(tmp_path / "store")
    result = runner.invoke(main, ["--store", store, "import", "acled", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert (
        f"{SAMPLE}: imported 34 of 34 rows into https://w3id.org/conflict-kg/graph/import/acled-acled-sample-30"
        in result.output
    )
    again = runner.invoke(main, ["--store", store, "import", "acled", str(SAMPLE)])
    assert again.exit_code == 0 and "unchanged" in again.output
    events = runner.invoke(
        main, ["--store", store, "events", "--actor", "civilians-syria", "--type", "Attack", "--format", "csv"]
    )
    assert events.exit_code == 0 and "Sidnaya Military Prison" in events.output
    rows = read_rows(SAMPLE)
    rows[11]["event_date"] = "2022-13-01"
    bad = write_rows(tmp_path / "bad.csv", rows)
    result = runner.invoke(main, ["--store", store, "import", "acled", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {bad}:13: event_date: '2022-13-01' is not a date: month must be in 1..12"
    assert "Traceback" not in result.output
    assert isinstance(get_format("acled"), AcledFormat)


# -- the whole sample -------------------------------------------------------------------------


@pytest.mark.slow
def test_full_acled_2022_sample(tmp_path):
    """All 9,000 rows of the acledR 2022-H1 sample into an on-disk store (about 5 s)."""
    if not FULL.exists():
        pytest.skip(f"{FULL} not available")
    graph = kg.open(str(tmp_path / "store"))
    ensure_ontology(graph)
    started = time.perf_counter()
    report = import_file(graph, AcledFormat(), FULL, now=T0)
    seconds = time.perf_counter() - started
    assert report.rows == report.imported == 9000 and report.rejected == 0
    assert graph.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:sourceId ?id }").scalar() == 9000
    syria = graph.query("""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e ckg:sourceId ?id ; ckg:place/ckg:within* ?country . ?country a ckg:Country ; rdfs:label "Syria" }""").scalar()
    assert syria == 307
    per_type = graph.query("""SELECT ?type (COUNT(?e) AS ?n) WHERE {
        ?e ckg:sourceEventType/skos:prefLabel ?type ; ckg:place/ckg:within* ?c . ?c a ckg:Country ; rdfs:label "Syria" }
        GROUP BY ?type ORDER BY DESC(?n) ?type""").records()
    assert [(str(r["type"]), r["n"]) for r in per_type][:3] == [
        ("Shelling/artillery/missile attack", 121),
        ("Armed clash", 39),
        ("Attack", 29),
    ]
    # one known row, field by field: UKR55743, Ukraine shot down a Russian drone near Kharkiv
    row = next(r for r in read_rows(FULL) if r["event_id_cnty"] == "UKR55743")
    got = graph.query("""SELECT ?cls ?type ?agent ?target ?start ?end ?prec ?f ?place ?admin1 ?country ?wkt ?geo ?modified WHERE {
        event:acled-ukr55743 a ?cls ; ckg:eventType ?type ; ckg:agent/rdfs:label ?agent ; ckg:target/rdfs:label ?target ;
          ckg:startDate ?start ; ckg:endDate ?end ; ckg:datePrecision ?prec ; ckg:fatalities ?f ; ckg:rawGeoPrecision ?geo ;
          dcterms:modified ?modified ; ckg:place ?p .
        ?p rdfs:label ?place ; geo:hasGeometry/geo:asWKT ?wkt ; ckg:within+ ?a1 . ?a1 a ckg:AdminRegion ; rdfs:label ?admin1 ;
          ckg:within ?c . ?c a ckg:Country ; rdfs:label ?country }""").records()
    assert got == [
        {
            "cls": CKG + "Interception",
            "type": BASE + "id/concept/interception",
            "agent": row["actor1"],
            "target": row["actor2"],
            "start": dt.date.fromisoformat(row["event_date"]),
            "end": dt.date.fromisoformat(row["event_date"]),
            "prec": CKG + "Day",
            "f": int(row["fatalities"]),
            "place": row["location"],
            "admin1": row["admin1"],
            "country": row["country"],
            "wkt": f"POINT({float(row['longitude'])} {float(row['latitude'])})",
            "geo": row["geo_precision"],
            "modified": dt.datetime.fromtimestamp(int(row["timestamp"]), dt.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
        }
    ]
    assert seconds < 60, f"the 9,000-row import took {seconds:.1f} s"


def test_control_characters_in_a_header_are_named_in_one_line(tmp_path) -> None:  # noqa: ANN001
    """Found by the import fuzzer: a header starting with NUL and a vertical tab was echoed raw,
    and a vertical tab breaks the line (str.splitlines)."""
    from click.testing import CliRunner

    from kg.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x0bevent_id_cnty,event_date\nX1,2022-01-01\n")
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "import", "acled", str(bad)])
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 1, result.output
    assert "missing column" in result.output and "<U+0000><U+000B>event_id_cnty" in result.output

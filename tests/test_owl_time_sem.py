"""OWL-Time and SEM on every fact, from the one writer (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def store() -> kg.KnowledgeGraph:
    graph = kg.open(":memory:")
    kg.build(graph)
    kg.import_dataset(graph, "ucdp", DATA / "ucdp" / "ucdp-ged-25.csv")
    kg.import_dataset(graph, "acled", DATA / "acled" / "acled-sample-30.csv")
    return graph


def _n(store: kg.KnowledgeGraph, where: str) -> int:
    return int(store.query(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}").scalar())


def test_every_fact_has_an_owl_time_interval_never_an_instant(store: kg.KnowledgeGraph) -> None:
    facts = "?e ckg:startDate ?d ."
    assert _n(store, facts) > 60
    assert _n(store, facts + " ?e time:hasTime ?t . ?t a time:Interval ; time:hasBeginning/time:inXSDDate ?d") == _n(store, facts)
    assert _n(store, "?e ckg:startDate ?d ; time:hasTime ?t . ?t a time:Instant") == 0
    # the end instant is the last day, when there is one
    assert _n(store, "?e ckg:endDate ?d ; time:hasTime/time:hasEnd/time:inXSDDate ?x FILTER(?x != ?d)") == 0


def test_calendar_units_are_described(store: kg.KnowledgeGraph) -> None:
    day = store.query("""SELECT ?unit ?y ?m ?d WHERE { event:isis-vbied-homs-zahraa-2017-05-23 time:hasTime/time:hasDateTimeDescription ?x .
        ?x time:unitType ?unit ; time:year ?y ; time:month ?m ; time:day ?d }""").records()
    assert [(r["unit"].rsplit("#", 1)[1], str(r["y"]), str(r["m"]), str(r["d"])) for r in day] == [("unitDay", "2017", "--05", "---23")]
    # a fact dated to a month (UCDP date_prec 4) spans the month: its interval is described as one
    months = store.query("""SELECT DISTINCT ?unit WHERE { ?e ckg:datePrecision ckg:Month ; time:hasTime/time:hasDateTimeDescription/time:unitType ?unit }""").records()
    assert {r["unit"].rsplit("#", 1)[1] for r in months} <= {"unitMonth"}
    assert _n(store, "?e ckg:datePrecision ckg:Month") == _n(store, "?e ckg:datePrecision ckg:Month ; time:hasTime/time:hasDateTimeDescription/time:unitType time:unitMonth")


def test_sem_properties(store: kg.KnowledgeGraph) -> None:
    facts = "?e ckg:startDate ?d ; prov:wasDerivedFrom ?s ."
    assert _n(store, facts) == _n(store, facts + " ?e sem:accordingTo ?s")
    imprecise = "?e ckg:datePrecision ?p FILTER(?p != ckg:Day)"
    assert _n(store, imprecise) > 0
    assert _n(store, imprecise) == _n(store, imprecise + " ?e sem:hasEarliestBeginTimeStamp ?a ; sem:hasLatestEndTimeStamp ?b FILTER(?a <= ?b)")
    # sem:eventType is ckg:eventType's super-property, not a second quad per event
    assert store.query("ASK { ckg:eventType rdfs:subPropertyOf sem:eventType }").boolean
    assert _n(store, "?e sem:eventType ?t") == 0


def test_head_of_is_qualified_with_time(store: kg.KnowledgeGraph) -> None:
    rows = store.query("""SELECT ?m ?valid WHERE { ?m a org:Membership ; org:member actor:donald-trump ;
        org:organization actor:united-states ; org:role <https://w3id.org/conflict-kg/id/concept/role/head> ; dcterms:valid ?valid }""").records()
    assert [(r["m"].rsplit("#", 1)[1], str(r["valid"])) for r in rows] == [("head-of-united-states", "2017-05")]
    assert store.query("ASK { actor:donald-trump org:headOf actor:united-states }").boolean


def test_head_of_as_of_must_be_a_date() -> None:
    from kg.base.errors import DataError
    from kg.contract.model import Actor

    with pytest.raises(DataError, match="not a date"):
        Actor(slug="x", kind="Person", label="X", head_of="y", head_of_as_of="May 2017")
    with pytest.raises(DataError, match="needs head_of"):
        Actor(slug="x", kind="Person", label="X", head_of_as_of="2017-05")

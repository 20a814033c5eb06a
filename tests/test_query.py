"""SPARQL execution, result formats, parameters bound as terms, saved queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph

from kg.base.errors import QueryError
from kg.sparql.params import bind_parameters
from kg.sparql.saved import parse_saved_query, saved_queries, saved_query
from kg.sparql.terms import to_term

SELECT = "SELECT ?label ?date WHERE { ?e a ckg:Joining ; rdfs:label ?label ; ckg:startDate ?date }"


def test_select_records(seed_kg):
    rows = seed_kg.query(SELECT).records()
    assert rows == [{"label": "NATO leaders agree to formally join the Anti-ISIS Coalition", "date": dt.date(2017, 5, 25)}]


def test_json_format_is_sparql_results_json(seed_kg):
    doc = json.loads(seed_kg.query(SELECT).to_string("json"))
    assert doc["head"]["vars"] == ["label", "date"]
    binding = doc["results"]["bindings"][0]
    assert binding["date"] == {"type": "literal", "value": "2017-05-25", "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    assert binding["label"]["xml:lang"] == "en"


def test_xml_csv_tsv_formats(seed_kg):
    result = seed_kg.query(SELECT)
    root = ET.fromstring(result.to_string("xml"))
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["label", "date"]
    assert root.find("s:results/s:result/s:binding[@name='date']/s:literal", ns).text == "2017-05-25"
    rows = list(csv.reader(io.StringIO(result.to_string("csv"))))
    assert rows == [["label", "date"], ["NATO leaders agree to formally join the Anti-ISIS Coalition", "2017-05-25"]]
    tsv = result.to_string("tsv").splitlines()
    assert tsv[0] == "?label\t?date"
    assert tsv[1] == '"NATO leaders agree to formally join the Anti-ISIS Coalition"@en\t"2017-05-25"^^<http://www.w3.org/2001/XMLSchema#date>'


def test_ask(seed_kg):
    result = seed_kg.query("ASK { actor:isis ckg:attacked actor:ahrar-al-sham }")
    assert result.boolean is True
    assert json.loads(result.to_string("json")) == {"head": {}, "boolean": True}
    assert seed_kg.query("ASK { actor:nato ckg:attacked ?x }").to_string("table") == "no"


@pytest.mark.parametrize("fmt,rdflib_format", [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_construct_formats_parse(seed_kg, fmt, rdflib_format):
    result = seed_kg.query("CONSTRUCT { ?a ckg:attacked ?b } WHERE { ?a ckg:attacked ?b }")
    graph = Graph().parse(data=result.to_string(fmt), format=rdflib_format)
    assert len(graph) == len(result) >= 4


def test_describe(seed_kg):
    result = seed_kg.query("DESCRIBE actor:isis")
    assert result.kind == "graph" and len(result) > 3


def test_wrong_format_for_kind(seed_kg):
    with pytest.raises(QueryError, match="cannot be written as turtle"):
        seed_kg.query(SELECT).to_string("turtle")
    with pytest.raises(QueryError, match="cannot be written as csv"):
        seed_kg.query("CONSTRUCT WHERE { ?s a ckg:Joining }").to_string("csv")


def test_params_are_terms_not_text(seed_kg):
    # an injection attempt stays a string literal: no match, no syntax error, nothing dropped
    evil = 'x" } } ; DROP ALL ; SELECT * WHERE { "'
    before = seed_kg.count_quads()
    result = seed_kg.query("SELECT ?e WHERE { ?e rdfs:label ?l FILTER(STR(?l) = ?name) }", params={"name": evil})
    assert result.records() == [] and seed_kg.count_quads() == before
    # the same query finds a real label
    found = seed_kg.query("SELECT ?e WHERE { ?e rdfs:label ?l FILTER(STR(?l) = ?name) }", params={"name": "Ahrar al-Sham"})
    assert [r["e"] for r in found.records()] == ["https://w3id.org/conflict-kg/id/actor/ahrar-al-sham"]


def test_param_binding_reaches_filters_in_group_by_queries(seed_kg):
    text = "SELECT ?a (COUNT(*) AS ?n) WHERE { ?e ckg:agent ?a ; ckg:startDate ?d FILTER(?d >= ?from) } GROUP BY ?a"
    late = seed_kg.query(text, params={"from": "2017-05-31"}).records()
    assert {r["a"].rsplit("/", 1)[1] for r in late} == {"isw"}


def test_to_term_conversions():
    assert str(to_term("actor:isis")) == "<https://w3id.org/conflict-kg/id/actor/isis>"
    assert str(to_term("2017-05-23")).endswith("XMLSchema#date>")
    assert str(to_term(3)).endswith("XMLSchema#integer>")
    assert str(to_term("hello")) == '"hello"'
    with pytest.raises(QueryError, match="impossible date"):
        to_term("2017-02-30")


def test_bind_parameters_positions():
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert bind_parameters(construct, {"s": "actor:isis"}).startswith("CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s)")
    with_brace_in_string = 'SELECT * WHERE { ?s ?p "{" }'
    assert bind_parameters(with_brace_in_string, {"p": 1}).startswith("SELECT * WHERE { VALUES")
    commented = "# not here: WHERE {\nPREFIX ex: <http://x/where> SELECT * { ?s ?p ?o }"
    assert bind_parameters(commented, {"o": 1}).startswith("# not here: WHERE {\nPREFIX ex: <http://x/where> SELECT * { VALUES")
    with pytest.raises(QueryError, match="invalid parameter name"):
        bind_parameters("SELECT * {}", {"bad name": 1})
    with pytest.raises(QueryError, match="WHERE"):
        bind_parameters("DESCRIBE <http://x>", {"a": 1})


def test_syntax_error(seed_kg):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        seed_kg.query("SELECT ?x WHERE { ?x ckg:nope ")


def test_saved_queries_have_headers_and_run(seed_kg):
    queries = saved_queries()
    assert {"who-attacked-whom", "memberships-on-date", "events-with-sources"} <= set(queries)
    for query in queries.values():
        assert query.title and query.example.startswith("kg query --saved " + query.name)
        result = seed_kg.query(query.text, params=query.bind())
        assert len(result) > 0, query.name


def test_who_attacked_whom_window(seed_kg):
    query = saved_query("who-attacked-whom")
    rows = seed_kg.query(query.text, params=query.bind({"start": "2017-05-22", "end": "2017-05-22"})).records()
    assert [(r["attacker"], r["target"]) for r in rows] == [("Islamic State of Iraq and Syria", "Ahrar al-Sham")]
    assert rows[0]["quote"].startswith("ISIS also conducted a double SVEST - IED attack")


def test_memberships_on_date(seed_kg):
    query = saved_query("memberships-on-date")
    assert seed_kg.query(query.text, params=query.bind({"date": "2017-05-24"})).records() == []
    after = seed_kg.query(query.text, params=query.bind({"date": "2017-06-30"})).records()
    assert [(r["member"], r["organization"]) for r in after] == [("North Atlantic Treaty Organization", "Anti-ISIS Coalition")]


def test_saved_query_errors(tmp_path):
    with pytest.raises(QueryError, match="no saved query named 'nope'; available: "):
        saved_query("nope")
    with pytest.raises(QueryError, match="has no parameter 'x'"):
        saved_query("who-attacked-whom").bind({"x": "1"})
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * {}\n")
    with pytest.raises(QueryError, match="title"):
        parse_saved_query(bad)


def test_to_pandas_or_clear_error(seed_kg):
    result = seed_kg.query(SELECT)
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(QueryError, match="pip install pandas"):
            result.to_pandas()
    else:
        assert list(result.to_pandas().columns) == ["label", "date"]

"""Linked data: every resource IRI resolves (HTML, Turtle, JSON-LD, N-Triples, RDF/XML), the
ontology, the query page; the base is configurable."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

import kg
from kg.server import Settings, create_app
from kg.store.graph import KnowledgeGraph

ISIS = "https://w3id.org/conflict-kg/id/actor/isis"


@pytest.fixture
def client(seed_kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(seed_kg, Settings())) as test_client:
        yield test_client


def _first(seed_kg: KnowledgeGraph, cls: str) -> str:
    return seed_kg.query(f"SELECT ?x WHERE {{ ?x a {cls} }} ORDER BY ?x LIMIT 1").rows[0][0].value


@pytest.mark.parametrize("cls", ["ckg:ArmedGroup", "ckg:Attack", "ckg:Place", "ckg:Source", "ckg:Membership", "skos:Concept"])
def test_every_kind_of_resource_resolves(client: TestClient, seed_kg: KnowledgeGraph, cls: str) -> None:
    if cls == "ckg:Place":
        iri = seed_kg.query("SELECT ?x WHERE { ?e ckg:place ?x } ORDER BY ?x LIMIT 1").rows[0][0].value
    else:
        iri = _first(seed_kg, cls)
    path = iri.removeprefix("https://w3id.org/conflict-kg")
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = about_the_resource(Graph().parse(data=turtle.text, format="turtle"))
    assert (URIRef(iri), None, None) in graph
    for suffix, fmt in ((".ttl", "turtle"), (".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld")):
        reply = client.get(path + suffix)
        assert reply.status_code == 200, suffix
        text = reply.text
        if fmt == "json-ld":  # the context is referred to by IRI: give the one this server publishes, fetch nothing
            document = reply.json()
            assert document["@context"] == "http://127.0.0.1:8000/context.jsonld"
            document["@context"] = client.get("/context.jsonld").json()["@context"]
            text = json.dumps(document)
        assert isomorphic(about_the_resource(Graph().parse(data=text, format=fmt)), graph), suffix


def about_the_resource(graph: Graph) -> Graph:
    """The statements of a resource document without those of the document about itself
    (each format's document has its own IRI: ``isis.ttl``, ``isis.nt``...)."""
    topic = URIRef("http://xmlns.com/foaf/0.1/primaryTopic")
    documents = set(graph.subjects(topic, None))
    assert len(documents) == 1
    out = Graph()
    for triple in graph:
        if triple[0] not in documents:
            out.add(triple)
    return out


def test_conneg_on_resources(client: TestClient) -> None:
    for accept, media in (("application/ld+json", "application/ld+json"), ("application/n-triples", "application/n-triples"),
                          ("application/rdf+xml", "application/rdf+xml"), ("text/html,*/*;q=0.8", "text/html"), ("*/*", "text/html")):
        reply = client.get("/id/actor/isis", headers={"Accept": accept})
        assert reply.headers["content-type"].split(";")[0] == media
        assert reply.headers["vary"] == "Accept"


def test_conneg_aliases_do_not_undo_a_refusal(client: TestClient) -> None:
    """An alias (application/xhtml+xml for HTML, text/plain for N-Triples) counts only when the
    client names it, and never when it refuses the type the answer is labelled with (q=0)."""
    for accept, media in (("text/html;q=0, */*;q=0.1", "text/turtle"),
                          ("application/*;q=0.5, application/ld+json;q=0", "application/n-triples"),
                          ("application/xhtml+xml", "text/html")):
        reply = client.get("/id/actor/isis", headers={"Accept": accept})
        assert reply.status_code == 200 and reply.headers["content-type"].split(";")[0] == media, (accept, reply.headers)


def test_conneg_on_the_endpoint_refuses_what_q0_refuses(client: TestClient) -> None:
    select = "SELECT ?a WHERE { ?a ckg:attacked ?b }"
    refused = client.get("/sparql", params={"query": select},
                         headers={"Accept": "text/*;q=0.5, text/csv;q=0, text/tab-separated-values;q=0"})
    assert refused.status_code == 406, refused.headers
    named = client.get("/sparql", params={"query": select}, headers={"Accept": "text/xml"})
    assert named.status_code == 200 and named.headers["content-type"].startswith("application/sparql-results+xml")
    construct = "CONSTRUCT { ?a ckg:attacked ?b } WHERE { ?a ckg:attacked ?b }"
    reply = client.get("/sparql", params={"query": construct}, headers={"Accept": "text/*;q=0.5, text/turtle;q=0"})
    assert reply.status_code == 406, reply.headers


def test_jsonld_refers_to_the_project_context_by_iri(client: TestClient) -> None:
    document = client.get("/id/actor/isis.jsonld").json()
    assert document["@context"] == "http://127.0.0.1:8000/context.jsonld"  # --public-url + context.jsonld
    context = client.get("/context.jsonld")
    assert context.headers["content-type"] == "application/ld+json"
    assert json.loads(context.text)["@context"]["ckg"] == "https://w3id.org/conflict-kg/ontology#"


def test_unknown_resources_are_404(client: TestClient) -> None:
    assert client.get("/id/actor/no-such-actor").status_code == 404
    assert client.get("/id/actor/no-such-actor.ttl").status_code == 404
    assert client.get("/id/nothing").status_code == 404


def test_actor_page(client: TestClient, seed_kg: KnowledgeGraph) -> None:
    html = client.get("/id/actor/isis").text
    assert "Islamic State of Iraq and Syria" in html and "Daesh" in html
    assert 'href="https://www.wikidata.org/wiki/Q2429253"' in html
    assert "ArmedGroup" in html
    dates = re.findall(r"<td>(\d{4}-\d{2}-\d{2})</td><td>(?:agent|target|participant)</td>", html)
    assert dates and dates == sorted(dates)
    assert "<blockquote>" in html and "Syria SITREP Map: May 31, 2017" in html
    assert "<svg" in html and 'href="/id/actor/ahrar-al-sham"' in html
    nato = client.get("/id/actor/nato").text
    assert "Memberships" in nato and 'href="/id/actor/anti-isis-coalition"' in nato


def test_event_and_source_pages(client: TestClient, seed_kg: KnowledgeGraph) -> None:
    html = client.get("/id/event/isis-vbied-homs-zahraa-2017-05-23").text
    assert "<blockquote>" in html and "2017-05-23" in html and 'href="/id/actor/isis"' in html
    source = client.get("/id/source/isw-syria-sitrep-2017-05-31").text
    assert "Events and states from this source" in source and "ISW Syria Team" in source


def test_ontology(client: TestClient) -> None:
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "Attack" in html.text and "Classes" in html.text
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef("https://w3id.org/conflict-kg/ontology#Attack"), None, None) in graph
    assert client.get("/ontology.ttl").text == turtle.text
    assert isomorphic(Graph().parse(data=client.get("/ontology.nt").text, format="nt"), graph)


def test_query_page_offline_with_examples_table_and_downloads(client: TestClient) -> None:
    page = client.get("/query", params={"saved": "who-attacked-whom"})
    html = page.text
    assert page.status_code == 200
    assert "<textarea" in html and "who-attacked-whom" in html
    assert "<h2>Results</h2>" in html and "Zahraa" in html  # the example ran
    html = client.get("/query", params={"query": "SELECT ?a ?b WHERE { ?a ckg:attacked ?b }"}).text
    assert 'href="/id/actor/isis"' in html  # clickable IRIs in the result table
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in html
    assert "<script" not in html and not re.search(r'(src|href)="(https?:)?//', html.replace('href="https://www.wikidata', ""))
    assert "<link rel=\"stylesheet\"" not in html
    assert client.get("/").status_code == 200
    download = client.get(re.search(r'href="(/sparql\?[^"]*format=csv)"', html).group(1).replace("&amp;", "&"))
    assert download.headers["content-type"].startswith("text/csv") and "isis" in download.text


def test_query_page_shows_errors(client: TestClient) -> None:
    reply = client.get("/query", params={"query": "SELECT ?x WHERE {"})
    assert reply.status_code == 400 and "SPARQL syntax error" in reply.text


def test_configured_base_serves_its_own_iris() -> None:
    graph = kg.open(":memory:")
    graph.update("INSERT DATA { GRAPH <https://conflict.example.org/graph/x> { "
                 "<https://conflict.example.org/id/actor/x> a <https://w3id.org/conflict-kg/ontology#ArmedGroup> ; "
                 "<http://www.w3.org/2000/01/rdf-schema#label> \"Group X\" . "
                 "<https://conflict.example.org/graph/x> <https://w3id.org/conflict-kg/ontology#redistributable> true } }")
    with TestClient(create_app(graph, Settings(base="https://conflict.example.org"))) as client:
        page = client.get("/id/actor/x")
        assert page.status_code == 200 and "Group X" in page.text
        assert "https://conflict.example.org/id/actor/x" in client.get("/id/actor/x.nt").text
        assert client.get("/id/actor/isis").status_code == 404

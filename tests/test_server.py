"""``kg serve`` in-process: the SPARQL protocol, formats, service description, VoID, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from rdflib import Graph, URIRef
from starlette.testclient import TestClient

import kg
from kg.curated.build import build
from kg.read.licences import redistributable_graphs
from kg.server import Settings, create_app
from kg.store.graph import KnowledgeGraph

ATTACKS = "SELECT ?a ?b WHERE { ?a ckg:attacked ?b } ORDER BY ?a ?b"
NATO = "CONSTRUCT WHERE { actor:nato ?p ?o }"


@pytest.fixture
def client(seed_kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(seed_kg, Settings())) as test_client:
        yield test_client


def test_select_with_predeclared_prefixes_over_the_union(client: TestClient, seed_kg: KnowledgeGraph) -> None:
    reply = client.get("/sparql", params={"query": ATTACKS})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/sparql-results+json")
    rows = reply.json()["results"]["bindings"]
    assert len(rows) == len(seed_kg.query(ATTACKS).rows) > 0
    assert {"type": "uri", "value": "https://w3id.org/conflict-kg/id/actor/isis"} in [r["a"] for r in rows]


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("application/sparql-results+json", None, "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("*/*", "csv", "text/csv"),
        ("text/csv", "xml", "application/sparql-results+xml"),
    ],
)
def test_select_formats(client: TestClient, accept: str, fmt: str | None, media: str) -> None:
    params = {"query": ATTACKS} | ({"format": fmt} if fmt else {})
    reply = client.get("/sparql", params=params, headers={"Accept": accept})
    assert reply.status_code == 200
    assert reply.headers["content-type"].split(";")[0] == media
    assert "ahrar-al-sham" in reply.text


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/trig", "application/trig", "trig"),
        ("application/n-quads", "application/n-quads", "nquads"),
    ],
)
def test_construct_formats_round_trip(client: TestClient, accept: str, media: str, rdflib_format: str) -> None:
    reference = Graph().parse(data=client.get("/sparql", params={"query": NATO, "format": "nt"}).text, format="nt")
    reply = client.get("/sparql", params={"query": NATO}, headers={"Accept": accept})
    assert reply.status_code == 200
    assert reply.headers["content-type"].split(";")[0] == media
    parsed = Graph()
    if rdflib_format in ("trig", "nquads"):
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(data=reply.text, format=rdflib_format)
        for s, p, o, _ in dataset.quads():
            parsed.add((s, p, o))
    else:
        parsed.parse(data=reply.text, format=rdflib_format)
    assert len(parsed) == len(reference) > 3
    assert set(parsed) == set(reference)


def test_ask_post_direct_and_form(client: TestClient) -> None:
    direct = client.post("/sparql", content=b"ASK { actor:isis ckg:attacked actor:ahrar-al-sham }",
                         headers={"Content-Type": "application/sparql-query"})
    assert direct.json() == {"head": {}, "boolean": True}
    form = client.post("/sparql", data={"query": "ASK { actor:nato ckg:attacked actor:isis }"})
    assert form.json()["boolean"] is False


def test_default_graph_uri_restricts_the_default_graph(client: TestClient) -> None:
    derived = "https://w3id.org/conflict-kg/graph/derived"
    query = "ASK { actor:isis rdfs:label ?l }"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True
    assert client.get("/sparql", params={"query": query, "default-graph-uri": derived}).json()["boolean"] is False
    shortcut = "ASK { actor:isis ckg:attacked ?x }"
    assert client.get("/sparql", params={"query": shortcut, "default-graph-uri": derived}).json()["boolean"] is True


def test_from_a_local_graph_is_honoured(client: TestClient) -> None:
    query = "ASK FROM <https://w3id.org/conflict-kg/graph/derived> { actor:isis rdfs:label ?l }"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is False


def test_unacceptable_and_bad_formats(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": ATTACKS}, headers={"Accept": "image/png"}).status_code == 406
    reply = client.get("/sparql", params={"query": ATTACKS, "format": "turtle"})
    assert reply.status_code == 406 and "json" in reply.text


def test_syntax_error_is_one_line_400(client: TestClient) -> None:
    reply = client.get("/sparql", params={"query": "SELECT ?x WHERE {"})
    assert reply.status_code == 400
    assert reply.text.startswith("SPARQL syntax error") and reply.text.count("\n") == 1


def test_max_rows_cuts_and_says_so(seed_kg: KnowledgeGraph) -> None:
    with TestClient(create_app(seed_kg, Settings(max_rows=3))) as small:
        reply = small.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert len(reply.json()["results"]["bindings"]) == 3
        assert reply.headers["KG-Truncated"] == "max-rows=3"
        triples = small.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
        assert len(triples.text.strip().splitlines()) == 3


def test_service_description(client: TestClient, seed_kg: KnowledgeGraph) -> None:
    reply = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=reply.text, format="turtle")
    rows = list(graph.query(
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "SELECT ?e ?lang WHERE { ?s a sd:Service ; sd:endpoint ?e ; sd:supportedLanguage ?lang }"))
    assert [(str(e), str(lang).rsplit("#")[-1]) for e, lang in rows] == [("http://testserver/sparql", "SPARQL11Query")]
    names = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#name"))}
    assert names == set(redistributable_graphs(seed_kg)) and names < set(seed_kg.graphs())


def test_browser_on_the_endpoint_goes_to_the_query_page(client: TestClient) -> None:
    reply = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/query"


def test_void_counts(client: TestClient, seed_kg: KnowledgeGraph) -> None:
    reply = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert reply.status_code == 200
    graph = Graph().parse(data=reply.text, format="turtle")
    void = "http://rdfs.org/ns/void#"
    facts = {str(p).removeprefix(void): o.toPython() for s, p, o in graph
             if str(s).endswith("#dataset") and str(p).startswith(void) and p.endswith(("triples", "entities", "classes"))}
    assert facts["triples"] == sum(1 for g in redistributable_graphs(seed_kg) for _ in seed_kg.quads(g))
    assert facts["entities"] > 50 and facts["classes"] > 10
    assert "https://opensource.org/licenses/MIT" not in reply.text  # no licence over the union
    source = URIRef("https://w3id.org/conflict-kg/id/source/isw-syria-sitrep-2017-05-31")
    assert (None, URIRef("http://purl.org/dc/terms/source"), source) in graph
    subsets = {str(o) for o in graph.objects(None, URIRef(void + "subset"))}
    assert set(seed_kg.graphs()) <= subsets  # every graph, served or withheld, is a subset


def test_head_and_other_methods(client: TestClient) -> None:
    assert client.head("/sparql", params={"query": "ASK {}"}).status_code == 200
    assert client.put("/sparql", params={"query": "ASK {}"}).status_code == 405
    assert client.delete("/sparql").status_code == 405


def test_query_cannot_be_an_update(client: TestClient, seed_kg: KnowledgeGraph) -> None:
    before = seed_kg.count_quads()
    assert client.get("/sparql", params={"query": "DROP ALL"}).status_code == 400
    reply = client.post("/sparql", content=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", headers={"Content-Type": "application/sparql-query"})
    assert reply.status_code == 400
    assert seed_kg.count_quads() == before


def test_cli_serve_help_and_warning(runner, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from kg.cli import main

    reply = runner.invoke(main, ["serve", "--help"])
    assert reply.exit_code == 0 and "Example: kg serve" in reply.output
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append(kw))
    result = runner.invoke(main, ["--store", ":memory:", "serve", "--host", "0.0.0.0", "--port", "9999"])
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    assert {k: calls[0][k] for k in ("host", "port", "log_level", "server_header", "limit_concurrency")} == {
        "host": "0.0.0.0", "port": 9999, "log_level": "warning", "server_header": False, "limit_concurrency": 64}
    assert "accepts connections from other machines" in result.output
    default = runner.invoke(main, ["--store", ":memory:", "serve"])
    assert calls[-1]["host"] == "127.0.0.1" and "other machines" not in default.output


def test_cli_token_from_env(runner, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from kg.cli import main

    seen = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: seen.append(app.state.server.settings))
    secret = "s3cret-s3cret-s3cret"
    result = runner.invoke(main, ["--store", ":memory:", "serve"], env={"KG_UPDATE_TOKEN": secret})
    assert result.exit_code == 0, result.output
    assert seen[0].update_token == secret and "updates allowed" in result.output
    assert secret not in result.output and "visible to other users" not in result.output
    short = runner.invoke(main, ["--store", ":memory:", "serve"], env={"KG_UPDATE_TOKEN": "s3cret"})
    assert short.exit_code == 2 and "at least 16 characters" in short.output


def test_cli_serve_a_missing_store_only_with_updates(runner, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    """A read-only server on a folder without a store is a mistyped --store (one line, exit 1, nothing
    created); with an update token it starts on a new, empty store to be loaded through SPARQL Update."""
    from kg.cli import main

    monkeypatch.setattr("uvicorn.run", lambda app, **kw: None)
    missing = tmp_path / "new-store"
    refused = runner.invoke(main, ["--store", str(missing), "serve"])
    assert refused.exit_code == 1 and "does not exist" in refused.output and len(refused.output.strip().splitlines()) == 1
    assert not missing.exists()
    started = runner.invoke(main, ["--store", str(missing), "serve"], env={"KG_UPDATE_TOKEN": "s3cret-s3cret-s3cret"})
    assert started.exit_code == 0, started.output
    assert (missing / "CURRENT").exists()


def test_app_without_lifespan_still_answers() -> None:
    graph = kg.open(":memory:")
    build(graph)
    app = create_app(graph, Settings())
    assert json.loads(TestClient(app).get("/sparql", params={"query": "ASK {}"}).text)["boolean"] is True

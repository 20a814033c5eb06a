"""Publishing the data as linked data (issue 20): licences and redistribution in exports, VoID and
``kg serve``; dereferencing ("Cool URIs"); bounded resource pages; the ontology page and JSON-LD.

The stores are real: the seed built and the ACLED fixture imported (its raw rows are not
redistributable, nor is the ISW report's full text). Servers are the Starlette app in-process (as
the other server tests) or a real ``kg serve`` process where headers on the wire matter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID
from starlette.testclient import TestClient

import kg
from kg.cli import main
from kg.curated.build import build
from kg.read.licences import graph_licences, redistributable_graphs
from kg.server import Settings, create_app
from kg.store.graph import KnowledgeGraph
from tests.server_live import live_server, request

ACLED_FIXTURE = Path(__file__).parent / "data" / "acled" / "acled-sample-30.csv"
BASE = "https://w3id.org/conflict-kg/"
ISW = BASE + "id/source/isw-syria-sitrep-2017-05-31"
TEXT_GRAPH = BASE + "graph/source/isw-syria-sitrep-2017-05-31/text"
ACLED_GRAPH = BASE + "graph/import/acled-acled-sample-30"
FULL_TEXT = BASE + "ontology#fullText"
REDISTRIBUTABLE = URIRef(BASE + "ontology#redistributable")


def _populate(graph: KnowledgeGraph) -> KnowledgeGraph:
    build(graph)
    kg.import_dataset(graph, "acled", ACLED_FIXTURE)
    return graph


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed and the ACLED fixture in an on-disk store (closed: the CLI and servers open it)."""
    folder = tmp_path_factory.mktemp("publishing") / "store"
    graph = _populate(kg.open(folder))
    graph.close()
    return folder


@pytest.fixture(scope="module")
def mixed_kg() -> KnowledgeGraph:
    """The same data in memory (shared: do not write to it)."""
    return _populate(kg.open(":memory:"))


@pytest.fixture(scope="module")
def client(mixed_kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(mixed_kg, Settings())) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def open_client(mixed_kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(mixed_kg, Settings(include_restricted=True))) as test_client:
        yield test_client


def test_the_fixture_has_graphs_that_may_not_be_redistributed(mixed_kg: KnowledgeGraph) -> None:
    rows = {g.graph: g for g in graph_licences(mixed_kg)}
    assert not rows[TEXT_GRAPH].redistributable and not rows[ACLED_GRAPH].redistributable
    assert rows[BASE + "graph/registry"].redistributable
    assert any(q.predicate.value == FULL_TEXT for q in mixed_kg.quads(TEXT_GRAPH))


# -- 1. redistribution: exports --------------------------------------------------------------------


def _export(runner, folder: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, ["--store", str(folder), "export", *args], catch_exceptions=False)


def _graph_names(nquads: str) -> set[str]:
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    return {str(g.identifier) for g in dataset.graphs() if len(g)}


def _uses(nquads: str, predicate: str) -> bool:
    """Whether some statement of the N-Quads has ``predicate`` (the ontology merely declares it)."""
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    return any(True for _ in dataset.quads((None, URIRef(predicate), None, None)))


def test_export_leaves_out_what_may_not_be_redistributed_and_says_so_in_one_line(runner, store_folder: Path) -> None:  # type: ignore[no-untyped-def]
    result = _export(runner, store_folder, "--format", "nquads", "-q")
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Left out 2 graphs not marked redistributable")
    assert TEXT_GRAPH in lines[0] and ACLED_GRAPH in lines[0] and "--include-restricted" in lines[0]
    names = _graph_names(result.stdout)
    assert TEXT_GRAPH not in names and ACLED_GRAPH not in names and BASE + "graph/registry" in names
    assert not _uses(result.stdout, FULL_TEXT)  # no ISW report text
    acled_rows = [line for line in result.stdout.splitlines() if line.endswith(f"<{ACLED_GRAPH}> .")]
    assert acled_rows == []


def test_export_with_include_restricted_holds_everything(runner, store_folder: Path, mixed_kg: KnowledgeGraph) -> None:  # type: ignore[no-untyped-def]
    result = _export(runner, store_folder, "--format", "nquads", "--include-restricted", "-q")
    assert result.exit_code == 0 and result.stderr == ""
    assert _graph_names(result.stdout) == set(mixed_kg.graphs())
    assert _uses(result.stdout, FULL_TEXT)
    assert sum(1 for line in result.stdout.splitlines() if line.endswith(f"<{ACLED_GRAPH}> .")) == len(list(mixed_kg.quads(ACLED_GRAPH)))


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (Debian package raptor2-utils) is not installed")
@pytest.mark.parametrize("flag", [(), ("--include-restricted",)], ids=["default", "include-restricted"])
def test_exports_parse_with_rapper_and_rdflib(runner, store_folder: Path, tmp_path: Path, flag: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    for ext, rapper, rdflib_format in ((".ttl", "turtle", "turtle"), (".rdf", "rdfxml", "xml"), (".nq", "nquads", "nquads")):
        out = tmp_path / f"export{ext}"
        assert _export(runner, store_folder, "-o", str(out), "-q", *flag).exit_code == 0
        done = subprocess.run(["rapper", "-i", rapper, "-c", str(out)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        parsed = Dataset() if ext == ".nq" else Graph()
        parsed.parse(out, format=rdflib_format)
        has_text = any(p == URIRef(FULL_TEXT) for _, p, _ in parsed.triples((None, None, None))) if ext != ".nq" else \
            any(p == URIRef(FULL_TEXT) for _, p, _, _ in parsed.quads((None, None, None, None)))
        assert has_text == bool(flag), (ext, flag)


# -- 1. redistribution: kg serve ---------------------------------------------------------------------


def _void(client: TestClient) -> Graph:
    reply = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert reply.status_code == 200
    return Graph().parse(data=reply.text, format="turtle")


def test_void_gives_each_graph_its_own_licence_and_the_union_none(client: TestClient, mixed_kg: KnowledgeGraph) -> None:
    void = _void(client)
    dataset = URIRef("http://127.0.0.1:8000/.well-known/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert void.value(dataset, DCTERMS.license) is None  # never one licence over the union
    subsets = set(void.objects(dataset, VOID.subset))
    for row in graph_licences(mixed_kg):
        g = URIRef(row.graph)
        assert g in subsets, row.graph
        assert (g, RDF.type, VOID.Dataset) in void
        assert str(void.value(g, DCTERMS.license)) == row.licence, row.graph
        assert str(void.value(g, DCTERMS.title)) == row.title
        assert void.value(g, REDISTRIBUTABLE).toPython() is row.redistributable
        triples = void.value(g, VOID.triples)
        if row.redistributable:
            assert triples is not None and triples.toPython() == len(list(mixed_kg.quads(row.graph)))
        else:  # withheld: listed with its licence, not counted, said so
            assert triples is None and void.value(g, DCTERMS.accessRights) is not None
    served = sum(len(list(mixed_kg.quads(r.graph))) for r in graph_licences(mixed_kg) if r.redistributable)
    assert void.value(dataset, VOID.triples).toPython() == served


def _excerpt(graph: KnowledgeGraph) -> str:
    """A piece of the ISW report's full text, as an HTML page prints it."""
    import html

    text = next(q.object.value for q in graph.quads(TEXT_GRAPH) if q.predicate.value == FULL_TEXT)
    return html.escape(" ".join(text.split())[300:360], quote=False)


def test_serve_leaves_out_withheld_graphs_from_queries_pages_and_dumps(client: TestClient, mixed_kg: KnowledgeGraph) -> None:
    text = "SELECT ?t WHERE { ?s ckg:fullText ?t }"
    reply = client.get("/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert reply.status_code == 200 and reply.json()["results"]["bindings"] == []
    assert reply.headers["kg-withheld"].startswith("2 graphs not marked redistributable left out")
    graphs = client.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    names = {row["g"]["value"] for row in graphs}
    assert names and TEXT_GRAPH not in names and ACLED_GRAPH not in names
    refused = client.get("/sparql", params={"query": f"SELECT * FROM <{TEXT_GRAPH}> WHERE {{ ?s ?p ?o }}"})
    assert refused.status_code == 403 and "not marked redistributable" in refused.text
    protocol = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": ACLED_GRAPH})
    assert protocol.status_code == 403
    page = client.get("/id/source/isw-syria-sitrep-2017-05-31")
    assert page.status_code == 200 and _excerpt(mixed_kg) not in page.text and "not marked redistributable" in page.text
    dump = client.get("/dump/conflict-kg.nq")
    assert dump.status_code == 200 and not _uses(dump.text, FULL_TEXT) and ACLED_GRAPH + "> ." not in dump.text
    assert dump.headers["kg-withheld"]
    assert client.get("/graph/import/acled-acled-sample-30").status_code == 200  # its description: licence, withheld
    form = client.get("/query", params={"query": text})
    assert form.status_code == 200 and form.headers["kg-withheld"]
    assert "Over the graphs this server redistributes: 2 graphs not marked redistributable left out" in form.text


def test_serve_include_restricted_serves_everything(open_client: TestClient, mixed_kg: KnowledgeGraph) -> None:
    text = "SELECT ?t WHERE { ?s ckg:fullText ?t }"
    reply = open_client.get("/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert len(reply.json()["results"]["bindings"]) == 1 and "kg-withheld" not in reply.headers
    assert _excerpt(mixed_kg) in " ".join(open_client.get("/id/source/isw-syria-sitrep-2017-05-31").text.split())
    void = _void(open_client)
    assert void.value(URIRef(TEXT_GRAPH), VOID.triples).toPython() == len(list(mixed_kg.quads(TEXT_GRAPH)))
    dump = open_client.get("/dump/conflict-kg.nq")
    assert _uses(dump.text, FULL_TEXT) and f"<{ACLED_GRAPH}> ." in dump.text


def _stderr_so_far(process) -> str:  # type: ignore[no-untyped-def]
    """What a running process has written to its stderr pipe so far (without waiting for its end)."""
    import os
    import select

    out = b""
    while select.select([process.stderr], [], [], 0.5)[0]:
        chunk = os.read(process.stderr.fileno(), 65536)
        if not chunk:
            break
        out += chunk
    return out.decode("utf-8", "replace")


def test_a_real_server_says_what_it_withholds(store_folder: Path) -> None:
    with live_server(store_folder, "--max-concurrent", "1") as live:
        reply = request(live, "GET", "/sparql?query=ASK%7B%3Fs%20ckg%3AfullText%20%3Ft%7D", headers={"Accept": "application/sparql-results+json"})
        assert reply.status == 200 and json.loads(reply.body)["boolean"] is False
        assert reply.headers["kg-withheld"].startswith("2 graphs")
        assert "Withholding 2 graphs not marked redistributable" in _stderr_so_far(live.process)
    with live_server(store_folder, "--max-concurrent", "1", "--include-restricted") as live:
        reply = request(live, "GET", "/sparql?query=ASK%7B%3Fs%20ckg%3AfullText%20%3Ft%7D", headers={"Accept": "application/sparql-results+json"})
        assert json.loads(reply.body)["boolean"] is True and "kg-withheld" not in reply.headers


# -- 2. dereferencing ("Cool URIs": 200 with Content-Location and Link rel=describedby) -------------------

FOAF_TOPIC = URIRef("http://xmlns.com/foaf/0.1/primaryTopic")
FORMATS = {".html": "text/html", ".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples",
           ".rdf": "application/rdf+xml"}


def _links(header: str) -> dict[str, str]:
    """``Link`` header -> {target: rel}."""
    out = {}
    for part in header.split(", <"):
        target, _, params = part.lstrip("<").partition(">")
        out[target] = params.split('rel="', 1)[1].split('"', 1)[0]
    return out


def test_a_thing_iri_answers_200_naming_its_document(client: TestClient) -> None:
    for accept, ext in (("text/turtle", ".ttl"), ("text/html", ".html"), ("application/ld+json", ".jsonld")):
        reply = client.get("/id/actor/isis", headers={"Accept": accept}, follow_redirects=False)
        assert reply.status_code == 200
        assert reply.headers["content-location"] == "/id/actor/isis" + ext
        links = _links(reply.headers["link"])
        assert {t: r for t, r in links.items() if r == "describedby"} == {f"/id/actor/isis{e}": "describedby" for e in FORMATS}
        assert reply.headers["vary"] == "Accept" and reply.headers["last-modified"].endswith("GMT")
    document = client.get("/id/actor/isis.ttl")
    assert document.status_code == 200 and "content-location" not in document.headers


def test_every_document_describes_itself(client: TestClient, mixed_kg: KnowledgeGraph) -> None:
    licences = {g.graph: g.licence for g in graph_licences(mixed_kg)}
    for path in ("/id/actor/isis", "/id/event/isis-vbied-homs-zahraa-2017-05-23", "/id/place/homs-zahraa-district", ISW.removeprefix(BASE[:-1])):
        graph = Graph().parse(data=client.get(path + ".ttl").text, format="turtle")
        doc = URIRef(BASE + path.lstrip("/") + ".ttl")
        assert graph.value(doc, FOAF_TOPIC) == URIRef(BASE + path.lstrip("/")), path
        assert (doc, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Document")) in graph
        datasets = {str(g) for g in graph.objects(doc, VOID.inDataset)}
        assert datasets and datasets <= set(licences), path
        assert {str(x) for x in graph.objects(doc, DCTERMS.license)} == {licences[g] for g in datasets}, path
        assert graph.value(doc, DCTERMS.modified).datatype == URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
    html = client.get("/id/actor/isis").text
    assert "About this document" in html and "https://creativecommons.org/licenses/by/4.0/" in html


def test_graphs_ontology_version_shapes_and_context_resolve(client: TestClient, mixed_kg: KnowledgeGraph) -> None:
    from kg.server.ontology_doc import version_path

    registry = client.get("/graph/registry", headers={"Accept": "text/turtle"})
    assert registry.status_code == 200 and registry.headers["content-type"].startswith("text/turtle")
    assert registry.headers["content-location"] == "/graph/registry.ttl"
    graph = Graph().parse(data=registry.text, format="turtle")
    g = URIRef(BASE + "graph/registry")
    assert (g, RDF.type, VOID.Dataset) in graph and graph.value(g, DCTERMS.license) is not None
    assert graph.value(g, VOID.triples).toPython() == len(list(mixed_kg.quads(BASE + "graph/registry")))
    assert client.get("/graph/registry").headers["content-type"].startswith("text/html")
    assert client.get("/graph/no-such-graph").status_code == 404
    version = version_path()
    assert version.startswith("/ontology/")
    for path in ("/ontology", version):
        turtle = client.get(path, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle"), path
        assert turtle.headers["content-location"] == path + ".ttl"
    assert client.get(version + ".nt").headers["content-type"].startswith("application/n-triples")
    assert client.get("/ontology/0.0.1").status_code == 404
    shapes = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert shapes.status_code == 200 and shapes.headers["content-type"].startswith("text/turtle")
    assert (URIRef(BASE + "shapes"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in Graph().parse(data=shapes.text)
    assert client.get("/shapes.jsonld").headers["content-type"].startswith("application/ld+json")
    context = client.get("/context.jsonld")
    assert context.status_code == 200 and context.headers["content-type"] == "application/ld+json"
    assert "@version" not in context.json()["@context"]


def test_every_document_a_link_header_names_exists_in_its_type(client: TestClient) -> None:
    """Each Link rel="describedby" target answers 200 in the type the link says (the shapes have no
    HTML form, so no link offers one and /shapes.html is not Turtle under an .html name)."""
    for path in ("/id/actor/isis", "/graph/registry", "/ontology", "/shapes"):
        for accept in ("text/turtle", "text/html"):
            links = client.get(path, headers={"Accept": accept}).headers["link"]
            for part in links.split(", "):
                target, media = part.split(">")[0].lstrip("<"), part.split('type="')[1].split('"')[0]
                got = client.get(target)
                assert got.status_code == 200 and got.headers["content-type"].split(";")[0] == media, (path, target)
    assert client.get("/shapes.html").status_code == 404
    assert client.get("/shapes", headers={"Accept": "text/html"}).headers["content-type"].startswith("text/turtle")


def test_vocabulary_files_are_readable_by_browser_processors(client: TestClient) -> None:
    """A JSON-LD processor in a web page (the JSON-LD playground) must fetch the context cross-origin,
    and ontology viewers the ontology: the packaged files carry Access-Control-Allow-Origin: *
    without --cors (they hold no store data), while data pages and queries stay without it."""
    origin = {"Origin": "https://json-ld.org"}
    for path in ("/context.jsonld", "/ontology.ttl", "/shapes", "/shapes.jsonld"):
        reply = client.get(path, headers=origin)
        assert reply.status_code == 200 and reply.headers.get("access-control-allow-origin") == "*", path
    assert client.get("/ontology", headers={"Accept": "text/turtle", **origin}).headers.get("access-control-allow-origin") == "*"
    for path in ("/id/actor/isis.ttl", "/graph/registry.ttl", "/sparql?query=ASK%7B%7D"):
        assert "access-control-allow-origin" not in client.get(path, headers=origin).headers, path


def test_head_answers_the_length_of_the_get(client: TestClient) -> None:
    """Link checkers and crawlers HEAD the IRIs: the same headers as GET, Content-Length included."""
    for path, accept in (("/id/actor/isis", "text/turtle"), ("/id/actor/isis", "text/html"), ("/graph/registry.ttl", "*/*"),
                         ("/ontology.ttl", "*/*"), ("/context.jsonld", "*/*")):
        got, head = (client.request(m, path, headers={"Accept": accept}) for m in ("GET", "HEAD"))
        assert head.status_code == got.status_code == 200 and head.content == b"", path
        assert head.headers["content-length"] == str(len(got.content)) != "0", path
        assert head.headers.get("content-location") == got.headers.get("content-location"), path


def test_void_is_complete(client: TestClient, mixed_kg: KnowledgeGraph) -> None:
    void = _void(client)
    public = "http://127.0.0.1:8000/"
    dataset = URIRef(public + ".well-known/void#dataset")
    dumps = {str(d) for d in void.objects(dataset, VOID.dataDump)}
    assert {d.rsplit(".", 1)[-1] for d in dumps} == {"nq", "trig", "jsonld", "ttl", "nt", "rdf"}
    for dump in dumps:  # each is served, in its format
        reply = client.get(dump.removeprefix(public[:-1]))
        assert reply.status_code == 200, dump
    assert isinstance(void.value(dataset, DCTERMS.publisher), URIRef)
    assert void.value(dataset, DCTERMS.created) is not None and void.value(dataset, DCTERMS.modified) is not None
    vocabularies = {str(v) for v in void.objects(dataset, VOID.vocabulary)}
    for ns in ("https://w3id.org/conflict-kg/ontology#", "http://www.w3.org/ns/prov#", "http://www.w3.org/2006/time#",
               "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/org#", "http://www.opengis.net/ont/geosparql#",
               "http://purl.org/dc/terms/", "http://www.w3.org/2000/01/rdf-schema#"):
        assert ns in vocabularies, ns
    served = " ".join(f"<{g}>" for g in redistributable_graphs(mixed_kg))  # VoID describes what is published
    predicates = {r[0].value for r in mixed_kg.query(f"SELECT DISTINCT ?p WHERE {{ VALUES ?g {{ {served} }} GRAPH ?g {{ ?s ?p ?o }} }}").rows}
    assert all(any(p.startswith(v) for v in vocabularies) for p in predicates if not p.startswith(BASE + "id/"))
    linksets = [s for s in void.subjects(RDF.type, VOID.Linkset)]
    assert linksets
    wikidata = {str(void.value(ls, VOID.linkPredicate)): void.value(ls, VOID.triples).toPython() for ls in linksets}
    for predicate, count in wikidata.items():
        found = mixed_kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} "
                               "FILTER(STRSTARTS(STR(?o), 'http://www.wikidata.org/entity/')) "
                               f"FILTER(?g IN ({', '.join(f'<{g}>' for g in redistributable(mixed_kg))})) }}").rows[0][0]
        assert count == int(found.value) > 0, predicate
    example = void.value(dataset, VOID.exampleResource)
    assert example is not None and client.get(str(example).removeprefix(BASE[:-1])).status_code == 200


def redistributable(graph: KnowledgeGraph) -> list[str]:
    return [g.graph for g in graph_licences(graph) if g.redistributable]


OTHER = "https://conflict.example.org/"


@pytest.fixture(scope="module")
def deployment() -> Iterator[TestClient]:
    """A deployment serving its own IRIs: data under https://conflict.example.org/, reached there too."""
    graph = kg.open(":memory:")
    graph.update(f"""INSERT DATA {{ GRAPH <{OTHER}graph/x> {{
        <{OTHER}id/actor/x> a <{BASE}ontology#ArmedGroup> ; <http://www.w3.org/2000/01/rdf-schema#label> "Group X" ;
            <{BASE}ontology#attacked> <{OTHER}id/actor/y> .
        <{OTHER}id/actor/y> a <{BASE}ontology#ArmedGroup> ; <http://www.w3.org/2000/01/rdf-schema#label> "Group Y" .
        <{OTHER}id/place/p> <http://www.opengis.net/ont/geosparql#hasGeometry> <{OTHER}id/place/p#geometry> .
        <{OTHER}id/place/p#geometry> <http://www.opengis.net/ont/geosparql#asWKT> "POINT(1 2)" .
        <{OTHER}graph/x> <http://purl.org/dc/terms/license> <https://creativecommons.org/licenses/by/4.0/> ;
            <{BASE}ontology#redistributable> true ; <http://purl.org/dc/terms/title> "Graph X" }} }}""")
    settings = Settings(base=OTHER, public_url=OTHER, publisher=OTHER + "about")
    with TestClient(create_app(graph, settings)) as test_client:
        yield test_client


def test_a_deployment_base_is_served_end_to_end(deployment: TestClient) -> None:
    page = deployment.get("/id/actor/x")
    assert page.status_code == 200 and "Group X" in page.text and 'href="/id/actor/y"' in page.text
    assert page.headers["content-location"] == "/id/actor/x.html"
    graph = Graph().parse(data=deployment.get("/id/actor/x.ttl").text, format="turtle")
    doc = URIRef(OTHER + "id/actor/x.ttl")
    assert graph.value(doc, FOAF_TOPIC) == URIRef(OTHER + "id/actor/x")
    assert str(graph.value(doc, VOID.inDataset)) == OTHER + "graph/x"
    assert str(graph.value(doc, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    place = Graph().parse(data=deployment.get("/id/place/p.ttl").text, format="turtle")  # the #geometry part comes along
    assert (URIRef(OTHER + "id/place/p#geometry"), None, None) in place
    assert deployment.get("/graph/x").status_code == 200 and "Graph X" in deployment.get("/graph/x").text
    assert deployment.get("/id/actor/isis").status_code == 404
    void = Graph().parse(data=deployment.get("/.well-known/void", headers={"Accept": "text/turtle"}).text, format="turtle")
    dataset = URIRef(OTHER + ".well-known/void#dataset")
    assert str(void.value(dataset, VOID.uriSpace)) == OTHER + "id/"
    assert str(void.value(dataset, DCTERMS.publisher)) == OTHER + "about"
    assert str(void.value(dataset, VOID.exampleResource)).startswith(OTHER + "id/")
    assert all(str(d).startswith(OTHER + "dump/") for d in void.objects(dataset, VOID.dataDump))
    assert str(void.value(dataset, VOID.sparqlEndpoint)) == OTHER + "sparql"
    assert URIRef(BASE + "ontology#") in set(void.objects(dataset, VOID.vocabulary))  # the real ckg: namespace
    assert deployment.get("/id/actor/x.jsonld").json()["@context"] == OTHER + "context.jsonld"
    assert deployment.get("/context.jsonld").status_code == 200 and deployment.get("/ontology").status_code == 200


def test_a_real_server_sends_the_dereferencing_headers(store_folder: Path) -> None:
    with live_server(store_folder, "--max-concurrent", "1") as live:
        reply = request(live, "GET", "/id/actor/isis", headers={"Accept": "text/turtle"})
        assert reply.status == 200 and reply.content_type == "text/turtle"
        assert reply.headers["content-location"] == "/id/actor/isis.ttl"
        assert '</id/actor/isis.rdf>; rel="describedby"; type="application/rdf+xml"' in reply.headers["link"]
        for path, media in (("/context.jsonld", "application/ld+json"), ("/shapes", "text/turtle"),
                            ("/graph/registry.nt", "application/n-triples"), ("/ontology.rdf", "application/rdf+xml")):
            got = request(live, "GET", path)
            assert got.status == 200 and got.content_type == media, path


# -- 3. bounded pages: direct lookups, incoming links capped with a way to the rest ------------------

MANY = 130


@pytest.fixture(scope="module")
def crowded() -> Iterator[TestClient]:
    """A source that 130 events derive from (each also at one place): more than a page of incoming links."""
    graph = kg.open(":memory:")
    events = " ".join(
        f'<{BASE}id/event/e{i:03d}> a <{BASE}ontology#Attack> ; <http://www.w3.org/2000/01/rdf-schema#label> "Event {i:03d}" ; '
        f'<http://www.w3.org/ns/prov#wasDerivedFrom> <{BASE}id/source/many> ; <{BASE}ontology#place> <{BASE}id/place/town> ; '
        f'<{BASE}ontology#startDate> "2017-01-{1 + i % 28:02d}"^^<http://www.w3.org/2001/XMLSchema#date> .'
        for i in range(MANY))
    graph.update(f"""INSERT DATA {{ GRAPH <{BASE}graph/source/many> {{
        <{BASE}graph/source/many> <{BASE}ontology#redistributable> true ;
            <http://purl.org/dc/terms/license> <https://creativecommons.org/licenses/by/4.0/> .
        <{BASE}id/source/many> a <{BASE}ontology#Source> ; <http://www.w3.org/2000/01/rdf-schema#label> "Many" .
        <{BASE}id/place/town> a <{BASE}ontology#City> ; <http://www.w3.org/2000/01/rdf-schema#label> "Town" .
        {events} }} }}""")
    with TestClient(create_app(graph, Settings())) as test_client:
        yield test_client


def test_incoming_links_come_fifty_a_page(crowded: TestClient) -> None:
    from kg.server.lookup import PAGE

    assert PAGE == 50
    seen: set[str] = set()
    for page, expected in ((1, 50), (2, 50), (3, MANY - 100)):
        path = "/id/source/many.ttl" + (f"?incoming={page}" if page > 1 else "")
        reply = crowded.get(path)
        assert reply.status_code == 200, path
        graph = Graph().parse(data=reply.text, format="turtle")
        incoming = {str(s) for s in graph.subjects(URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), URIRef(BASE + "id/source/many"))}
        assert len(incoming) == expected and not incoming & seen, page
        seen |= incoming
        links = _links(reply.headers["link"])
        assert (f"/id/source/many.ttl?incoming={page + 1}" in links) == (page < 3)
        rels = {rel.split('rel="')[1].split('"')[0]: rel.split(">")[0].lstrip(" <")
                for rel in reply.headers["link"].split(", ") if 'type="text/turtle"' in rel}
        if page > 1:  # and back: prev and first
            assert rels["prev"] == "/id/source/many.ttl" + (f"?incoming={page - 1}" if page > 2 else "")
            assert rels["first"] == "/id/source/many.ttl"
        else:
            assert "prev" not in rels and "first" not in rels
    assert len(seen) == MANY
    assert crowded.get("/id/source/many?incoming=0").status_code == 400
    assert crowded.get("/id/source/many?incoming=x").status_code == 400


def test_pages_stay_the_same_size_however_many_links(crowded: TestClient) -> None:
    html = crowded.get("/id/source/many").text
    assert html.count('href="/id/event/e') <= 2 * 50  # the capped list of events and the capped incoming links
    assert 'href="/id/source/many?incoming=2"' in html and "all of them in SPARQL" in html
    link = html.split('all of them in SPARQL')[0].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    full = crowded.get(link)  # the full list, as the query page shows it
    assert full.status_code == 200 and full.text.count('href="/id/event/e') == MANY
    place = crowded.get("/id/place/town").text
    assert "Events here (the first 50" in place
    assert len(html) < 60_000 and len(crowded.get("/id/source/many.ttl").content) < 15_000


# -- 4. the ontology page and JSON-LD -----------------------------------------------------------------


def test_the_ontology_page_documents_terms_like_pylode(client: TestClient) -> None:
    import re

    from rdflib import Graph as RdfGraph

    from kg.base.namespaces import CKG
    from kg.base.resources import ontology_dir

    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "anchors collide"
    ontology = RdfGraph().parse(ontology_dir() / "conflict.ttl")
    for term in ontology.subjects(RDF.type, None):
        if isinstance(term, URIRef) and str(term).startswith(str(CKG._NS)) and (term, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in ontology:
            assert f'id="{str(term).removeprefix(str(CKG._NS))}"' in html, term  # ckg:Attack at ontology#Attack
    assert 'id="sem:Event"' in html and 'id="Event"' in html  # external terms by CURIE, never a bare name
    for heading in ("Classes", "Object properties", "Datatype properties", "Concept schemes"):
        assert heading in html
    target = html.split('id="target"', 1)[1].split("</section>", 1)[0]
    assert "<th>domain</th>" in target and "<th>range</th>" in target
    assert 'href="#Actor"' in target and " or " in target and 'href="#Place"' in target  # a union range spelled out
    for label in ("Version IRI", "Licence", "Creators", "https://creativecommons.org/licenses/by/4.0/"):
        assert label in html
    version = str(ontology.value(URIRef("https://w3id.org/conflict-kg/ontology"), URIRef("http://www.w3.org/2002/07/owl#versionInfo")))
    assert version in html
    assert 'id="concept:event-types"' in html and "Top concepts:" in html and ("exactMatch" in html or "closeMatch" in html)


def _pyld_loader(allowed: dict[str, object]):  # type: ignore[no-untyped-def]
    """A pyld document loader that answers the given IRIs and fetches nothing else."""
    def load(url: str, options: object = None) -> dict[str, object]:
        if url not in allowed:
            raise AssertionError(f"pyld tried to fetch {url}")
        return {"contextUrl": None, "documentUrl": url, "document": allowed[url], "contentType": "application/ld+json"}
    return load


def test_jsonld_responses_refer_to_the_published_context_and_expand_offline(client: TestClient) -> None:
    from pyld import jsonld

    reply = client.get("/id/actor/isis.jsonld")
    document = reply.json()
    context_iri = "http://127.0.0.1:8000/context.jsonld"
    assert document["@context"] == context_iri
    published = client.get("/context.jsonld")
    assert len(reply.content) < 3 * len(published.content)  # the 7 kB context is not inlined
    loader = _pyld_loader({context_iri: published.json()})
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    from_jsonld = Graph().parse(data=nquads, format="nquads")
    from_turtle = Graph().parse(data=client.get("/id/actor/isis.ttl").text, format="turtle")
    resource = URIRef(BASE + "id/actor/isis")
    assert set(from_jsonld.triples((resource, None, None))) == set(from_turtle.triples((resource, None, None)))
    with pytest.raises(jsonld.JsonLdError):  # the loader really refuses what it was not given
        jsonld.expand(document, {"documentLoader": _pyld_loader({})})


def test_exports_expand_offline_inline_or_by_iri(mixed_kg: KnowledgeGraph) -> None:
    from pyld import jsonld

    from kg.export.rdf import CONTEXT_IRI, document_loader, export_rdf

    inline = json.loads(export_rdf(mixed_kg, "jsonld"))
    assert isinstance(inline["@context"], dict)
    by_iri = json.loads(export_rdf(mixed_kg, "jsonld", context=CONTEXT_IRI))
    assert by_iri["@context"] == CONTEXT_IRI
    offline = _pyld_loader({})
    a = jsonld.to_rdf(inline, {"format": "application/n-quads", "documentLoader": offline})
    b = jsonld.to_rdf(by_iri, {"format": "application/n-quads", "documentLoader": document_loader()})
    assert len(a.splitlines()) == len(b.splitlines()) > 1000
    assert sorted(x for x in a.splitlines() if "_:" not in x) == sorted(x for x in b.splitlines() if "_:" not in x)
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(data=a, format="nquads"), Graph().parse(data=b, format="nquads"))


def test_jsonld_is_accepted_by_a_json_ld_1_0_processor(client: TestClient, mixed_kg: KnowledgeGraph) -> None:
    from pyld import jsonld

    from kg.export.rdf import export_rdf, load_context

    options = {"processingMode": "json-ld-1.0", "documentLoader": _pyld_loader({})}
    assert "@version" not in load_context()
    expanded = jsonld.expand(json.loads(export_rdf(mixed_kg, "jsonld")), options)
    assert expanded
    page = client.get("/id/actor/isis.jsonld").json()
    page["@context"] = load_context()
    assert jsonld.expand(page, options)
    with pytest.raises(jsonld.JsonLdError, match="json-ld-1.0"):  # what a 1.0 processor did with the old context
        jsonld.expand({"@context": {"@version": 1.1, **load_context()}, "@id": "actor:isis"}, options)


def test_statements_outside_every_named_graph_are_withheld_too(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    graph = kg.open(":memory:")
    graph.update(f'INSERT DATA {{ <{BASE}id/actor/d> <http://www.w3.org/2000/01/rdf-schema#label> "D" }}')
    for include, status in ((False, 404), (True, 200)):
        with TestClient(create_app(graph, Settings(include_restricted=include))) as test_client:
            assert test_client.get("/id/actor/d.ttl").status_code == status
    from kg.export.rdf import export_rdf

    assert export_rdf(graph, "nquads") == b"" and b'"D"' in export_rdf(graph, "nquads", include_restricted=True)


def test_dumps_obey_the_byte_limit(mixed_kg: KnowledgeGraph) -> None:
    with TestClient(create_app(mixed_kg, Settings(max_result_bytes=100_000))) as small:
        reply = small.get("/dump/conflict-kg.nq")
        assert reply.status_code == 503 and "write it with kg export" in reply.text
        assert small.get("/dump/conflict-kg.exe").status_code == 404

"""Replays the W3C SPARQL 1.1 Protocol and Service Description manifests against a live endpoint.

Reads ``../shared/w3c/*/manifest.ttl`` with rdflib. Each protocol test is a list of
HTTP requests with an expected status class, result format and (for ASK) boolean.
Before each test the scratch store is reset through the endpoint itself (a token-
authorised update): ``DROP ALL`` and, for a test with ``ut:graphData``, its files
loaded as named graphs (``data1.nt`` as ``<http://kasei.us/.../data1.rdf>``...).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from server_live import Live, Reply, request

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"}


@dataclass
class Expected:
    statuses: set[int]  # status classes: 2, 3, 4...
    format: str | None = None
    boolean: bool | None = None


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass
class ProtocolTest:
    name: str
    title: str
    graphs: list[tuple[Path, str]] = field(default_factory=list)  # (file, graph IRI)
    requests: list[HttpRequest] = field(default_factory=list)


def _list(graph: Graph, head: object) -> list[object]:
    return list(Collection(graph, head))  # type: ignore[arg-type]


def load_protocol_tests(manifest: Path, endpoint_path: str = "/sparql") -> list[ProtocolTest]:
    """The tests of a protocol manifest, in the manifest's order."""
    graph = Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    root = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in _list(graph, graph.value(root, MF.entries)):
        test = ProtocolTest(name=str(entry).rsplit("#", 1)[-1], title=str(graph.value(entry, MF.name)))
        for data in graph.objects(entry, UT.graphData):
            file = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
            test.graphs.append((file, str(graph.value(data, RDFS.label))))
        action = graph.value(entry, MF.action)
        for node in _list(graph, graph.value(action, HT.requests)):
            path = str(graph.value(node, HT.absolutePath))
            path = endpoint_path + path[len("/sparql/"):] if path.startswith("/sparql/") else path
            headers = {}
            for header in _list(graph, graph.value(node, HT.headers)) if graph.value(node, HT.headers) else []:
                headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body = None
            content = graph.value(node, HT.body)
            if content is not None:
                encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(content, CNT.chars)).encode(encoding.lower())
            resp = graph.value(node, HT.resp)
            statuses = {int(re.search(r"StatusCode(\d)xx", str(s)).group(1)) for s in graph.objects(resp, MF.expectedStatus)}  # type: ignore[union-attr]
            fmt = graph.value(resp, MF.expectedFormat)
            boolean = graph.value(resp, MF.expectedBoolean)
            expected = Expected(statuses, str(fmt) if fmt is not None else None,
                                boolean.toPython() if isinstance(boolean, Literal) else None)
            test.requests.append(HttpRequest(str(graph.value(node, HT.methodName)), path, headers, body, expected))
        tests.append(test)
    return tests


def parse_boolean(reply: Reply) -> bool:
    if reply.content_type == "application/sparql-results+json":
        return bool(json.loads(reply.body)["boolean"])
    root = ET.fromstring(reply.body)
    node = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None, "no <boolean> in the XML result"
    return node.text == "true"


def reset_store(live: Live, token: str, graphs: list[tuple[Path, str]]) -> None:
    """Empty the scratch store, then load each N-Triples file as the named graph it stands for."""
    parts = ["DROP ALL"]
    for file, name in graphs:
        parts.append(f"INSERT DATA {{ GRAPH <{name}> {{ {file.read_text(encoding='utf-8')} }} }}")
    reply = request(live, "POST", "/sparql", body=" ;\n".join(parts).encode(),
                    headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"})
    assert reply.status // 100 == 2, f"reset failed: {reply.status} {reply.text}"


def check(reply: Reply, expected: Expected) -> list[str]:
    """What is wrong with ``reply`` (empty when it meets the expectation)."""
    problems = []
    if reply.status // 100 not in expected.statuses:
        problems.append(f"status {reply.status}, expected {sorted(f'{s}xx' for s in expected.statuses)}: {reply.text[:200]}")
        return problems
    allowed = {"boolean": BOOLEAN_TYPES, "tabular": TABULAR_TYPES, "RDF": RDF_TYPES}.get(expected.format or "")
    if allowed is not None and reply.content_type not in allowed:
        problems.append(f"content type {reply.content_type!r}, expected one of {sorted(allowed)}")
    if expected.boolean is not None and not problems:
        got = parse_boolean(reply)
        if got != expected.boolean:
            problems.append(f"ASK answered {got}, expected {expected.boolean}")
    return problems


def run_protocol_test(live: Live, test: ProtocolTest, token: str) -> list[str]:
    reset_store(live, token, test.graphs)
    problems = []
    for index, req in enumerate(test.requests):
        headers = {**req.headers, "Authorization": f"Bearer {token}"}  # updates are enabled by the token
        reply = request(live, req.method, req.path, body=req.body, headers=headers)
        problems += [f"request {index + 1}: {p}" for p in check(reply, req.expected)]
    return problems


# -- service description --------------------------------------------------------------------

SD_TESTS = ("has-endpoint-triple", "returns-rdf", "conforms-to-schema")
SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}


def load_service_description_tests(manifest: Path) -> list[str]:
    graph = Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    root = next(graph.subjects(RDF.type, MF.Manifest))
    return [str(e).rsplit("#", 1)[-1] for e in _list(graph, graph.value(root, MF.entries))]


def fetch_service_description(live: Live, endpoint_path: str = "/sparql") -> tuple[Reply, Graph | None]:
    reply = request(live, "GET", endpoint_path, headers={"Accept": "text/turtle, application/rdf+xml;q=0.9"})
    graph = None
    if reply.status == 200 and reply.content_type in RDF_TYPES:
        graph = Graph()
        fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt", "application/ld+json": "json-ld"}[reply.content_type]
        graph.parse(data=reply.body, format=fmt)
    return reply, graph


def run_service_description_test(live: Live, name: str, endpoint_path: str = "/sparql") -> list[str]:
    reply, graph = fetch_service_description(live, endpoint_path)
    if name == "returns-rdf":
        return [] if graph is not None else [f"GET {endpoint_path} gave {reply.status} {reply.content_type}, not RDF"]
    if graph is None:
        return ["no service description"]
    endpoint = URIRef(live.url + endpoint_path)
    if name == "has-endpoint-triple":
        return [] if (None, SD.endpoint, endpoint) in graph else [f"no ?service sd:endpoint <{endpoint}>"]
    if name == "conforms-to-schema":
        return schema_problems(graph)
    return [f"unknown service-description test {name}"]


def schema_problems(graph: Graph) -> list[str]:
    """The SPARQL 1.1 Service Description vocabulary's domain/range constraints, as checks."""
    problems = []
    services = list(graph.subjects(RDF.type, SD.Service))
    if len(services) != 1:
        return [f"{len(services)} sd:Service resources, expected 1"]
    service = services[0]
    for prop in (SD.endpoint, SD.resultFormat, SD.supportedLanguage, SD.feature):
        for value in graph.objects(service, prop):
            if not isinstance(value, URIRef):
                problems.append(f"sd:{prop.split('#')[1]} {value!r} is not an IRI")
    languages = set(graph.objects(service, SD.supportedLanguage))
    if not languages or not languages <= SD_LANGUAGES:
        problems.append(f"sd:supportedLanguage {sorted(languages)} not within {sorted(SD_LANGUAGES)}")
    if not list(graph.objects(service, SD.endpoint)):
        problems.append("no sd:endpoint")
    for dataset in graph.objects(service, SD.defaultDataset):
        if (dataset, RDF.type, SD.Dataset) not in graph:
            problems.append("sd:defaultDataset is not an sd:Dataset")
        for default in graph.objects(dataset, SD.defaultGraph):
            if (default, RDF.type, SD.Graph) not in graph:
                problems.append("sd:defaultGraph is not an sd:Graph")
        for named in graph.objects(dataset, SD.namedGraph):
            if (named, RDF.type, SD.NamedGraph) not in graph:
                problems.append("sd:namedGraph is not an sd:NamedGraph")
            names = list(graph.objects(named, SD.name))
            if len(names) != 1 or not isinstance(names[0], URIRef):
                problems.append(f"sd:NamedGraph {named} needs exactly one IRI sd:name")
    return problems

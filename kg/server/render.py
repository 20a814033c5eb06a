"""Pages, VoID and the service description, built in the workers (never on the event loop).

HTML comes from the Jinja2 templates beside this module, with autoescape on; every printed
value loses zero-width and bidirectional control characters first (a label cannot reorder
or hide text on the page), and long values are cut. Parameters are bound with
:func:`kg.sparql.params.bind_parameters` (RDF terms, never pasted text).
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES
from kg.server.work import Answer, Failed, Job, Limits, graph_bytes, prepare_query, take
from kg.sparql.formats import DOWNLOADS, FORMATS, by_name, negotiate, rdf_format
from kg.sparql.params import bind_parameters, substitutions
from kg.store import journal

HTML = "text/html; charset=utf-8"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PROJECT_LICENSE = "https://opensource.org/licenses/MIT"
MAX_CELL = 2_000

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
header{background:#243447;color:#fff;padding:.6em 1.2em}header a{color:#fff;margin-right:1.2em;text-decoration:none}
main{max-width:1100px;margin:0 auto;padding:1em 1.2em}
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%;font-size:.92em;background:#fff}
td,th{border:1px solid #dde;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#eef}
.iri{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
.muted{color:#667}.pill{background:#e4e8f0;border-radius:9px;padding:0 .5em;margin-right:.3em;font-size:.85em}
blockquote{margin:.3em 0 .3em 0;padding:.2em .8em;border-left:3px solid #8aa;background:#f1f4f4}
textarea{width:100%;font-family:ui-monospace,monospace;font-size:.92em}
.error{background:#fee;border:1px solid #c66;padding:.5em}
svg a text{fill:#1b1f24}svg .edge{stroke:#99a;stroke-width:1.2}
"""

#: Zero-width characters and bidirectional controls, removed from everything a page prints.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(value: Any) -> Any:
    """Printed values without zero-width or bidi control characters.

    >>> clean("IS\\u200bIS \\u202eevil")
    'ISIS evil'
    """
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, Markup):  # already escaped output of a macro
        return Markup(INVISIBLE.sub("", str(value)))
    return INVISIBLE.sub("", value) if isinstance(value, str) else value


def _cut(value: Any, limit: int = MAX_CELL) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=1)
def environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("kg.server", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        finalize=clean,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cut"] = _cut
    return env


def render(template: str, limits: Limits, **context: Any) -> bytes:
    context.setdefault("alternates", [])
    body = environment().get_template(template).render(style=STYLE, **context).encode("utf-8")
    if len(body) > limits.max_bytes:
        raise Failed(503, f"the page is larger than the server sends (--max-result-bytes {limits.max_bytes})")
    return body


# -- terms as template values ----------------------------------------------------------------


def short(iri: str) -> str:
    """A prefixed name when a standard prefix fits."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def href_for(iri: str, base: str) -> str | None:
    """A local path for IRIs under the dataset's base, the IRI itself for http(s), else none."""
    if iri.startswith(base):
        return "/" + iri[len(base):]
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def iri_view(iri: str, base: str, label: str | None = None) -> dict[str, Any]:
    href = href_for(iri, base)
    return {"href": href, "external": bool(href and not href.startswith("/")), "iri": True,
            "text": label if label is not None else short(iri)}


def term_view(term: Any, base: str, label: str | None = None) -> dict[str, Any] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return iri_view(term.value, base, label)
    if isinstance(term, ox.Literal):
        return {"text": term.value, "lang": term.language or ""}
    return {"text": str(term), "muted": True}


def text_view(text: str) -> dict[str, Any]:
    return {"text": text}


# -- bounded queries of the pages ---------------------------------------------------------------


def select(store: ox.Store, sparql: str, limits: Limits, **params: Any) -> list[Any]:
    """A page's query, parameters bound as RDF terms; at most ``max_rows`` rows."""
    text = bind_parameters(sparql, params) if params else sparql
    return take(store.query(text, prefixes=PREFIXES, **journal.dataset(store)), limits.max_rows)


SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".rdf": "rdfxml", ".html": "html"}


def describe_triples(store: ox.Store, iri: ox.NamedNode, limits: Limits) -> tuple[list[ox.Triple], bool]:
    """Outgoing triples of the resource and its ``#`` parts, and incoming links (at most max_rows)."""
    text = """CONSTRUCT { ?s ?p ?o . ?x ?q ?this } WHERE {
                { ?s ?p ?o FILTER(?s = ?this || STRSTARTS(STR(?s), CONCAT(STR(?this), "#"))) }
                UNION { ?x ?q ?this }
              }"""
    raw = store.query(text, prefixes=PREFIXES, substitutions=substitutions({"this": iri}), **journal.dataset(store))
    found = take(raw, limits.max_rows + 1)
    return sorted(set(found[: limits.max_rows]), key=str), len(found) > limits.max_rows


def rdf_body(triples: list[ox.Triple], name: str, limits: Limits) -> bytes:
    """Serialize; JSON-LD is compacted with the project context, inline (never fetched)."""
    if name != "jsonld":
        return graph_bytes(triples, name, limits)[0]
    from rdflib import Graph

    from kg.base.resources import ontology_dir

    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = Graph()
    graph.parse(data=nt.decode("utf-8"), format="nt")
    context = json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    body = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=2).encode("utf-8")
    if len(body) > limits.max_bytes:
        raise Failed(503, f"the document is larger than the server sends (--max-result-bytes {limits.max_bytes})")
    return body


def resource(store: ox.Store, job: Job) -> Answer:
    limits = job.limits
    path, name = job.sparql, job.fmt or "html"
    try:
        iri = ox.NamedNode(limits.base + path.lstrip("/"))
    except ValueError:
        raise Failed(404, "no such resource") from None
    triples, truncated = describe_triples(store, iri, limits)
    if not any(t.subject == iri for t in triples):
        raise Failed(404, f"no resource <{iri.value}> in this dataset")
    if name != "html":
        fmt = rdf_format(name)
        return Answer(200, rdf_body(triples, fmt.name, limits), fmt.content_type, "graph", fmt.name,
                      f"max-rows={limits.max_rows}" if truncated else "")
    return Answer(200, render("resource.html", limits, **resource_context(store, iri, triples, truncated, limits)), HTML)


def _labels(store: ox.Store, triples: list[ox.Triple], limits: Limits) -> dict[str, str]:
    iris = sorted({t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
                  | {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)})
    labels: dict[str, str] = {}
    for start in range(0, len(iris), 500):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start:start + 500])
        for r in select(store, f"SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }} GROUP BY ?x", limits):
            labels[r["x"].value] = r["label"].value
    return labels


def resource_context(store: ox.Store, iri: ox.NamedNode, triples: list[ox.Triple], truncated: bool, limits: Limits) -> dict[str, Any]:
    base = limits.base
    labels = _labels(store, triples, limits)
    own = [t for t in triples if t.subject == iri]
    title = labels.get(iri.value) or short(iri.value)
    kind = iri.value[len(base):].split("/")[1] if iri.value.startswith(base + "id/") else ""
    path = "/" + iri.value[len(base):] if iri.value.startswith(base) else None

    def label_of(term: Any) -> str | None:
        return labels.get(str(getattr(term, "value", "")))

    context: dict[str, Any] = {
        "title": title, "iri": iri.value, "path": path, "truncated": truncated, "max_rows": limits.max_rows,
        "types": [iri_view(t.object.value, base) for t in own if t.predicate.value.endswith("#type") and isinstance(t.object, ox.NamedNode)],
        "downloads": [(".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".nt", "N-Triples"), (".rdf", "RDF/XML")],
        "statements": [[iri_view(t.predicate.value, base), term_view(t.object, base, label_of(t.object))]
                       for t in own if not t.predicate.value.endswith("fullText")],
        "incoming": [[term_view(t.subject, base, label_of(t.subject)), iri_view(t.predicate.value, base)]
                     for t in triples if t.object == iri][:500],
        "full_text": next((str(getattr(t.object, "value", "")) for t in own if t.predicate.value.endswith("fullText")), ""),
        "alternates": [("text/turtle", path + ".ttl"), ("application/ld+json", path + ".jsonld")] if path else [],
        "evidence": None, "actor": None, "network": None, "events": None, "events_heading": "",
    }
    if kind == "actor":
        context["actor"] = actor_context(store, iri, limits)
        context["network"] = network(store, iri, limits)
    elif kind in ("event", "state"):
        context["evidence"] = evidence(own, base, labels)
    elif kind in ("place", "source"):
        pattern = "?e ckg:place ?this" if kind == "place" else "?e prov:wasDerivedFrom ?this"
        context["events_heading"] = "Events here" if kind == "place" else "Events and states from this source"
        rows = select(store, f"SELECT DISTINCT ?e ?label ?date WHERE {{ {pattern} . ?e rdfs:label ?label "
                             "OPTIONAL { ?e ckg:startDate ?date } } ORDER BY ?date ?e", limits, this=iri)
        context["events"] = [[text_view(r["date"].value if r["date"] is not None else ""),
                              iri_view(r["e"].value, base, r["label"].value)] for r in rows]
    return context


def evidence(own: list[ox.Triple], base: str, labels: dict[str, str]) -> dict[str, Any]:
    def get(name: str) -> list[Any]:
        return [t.object for t in own if t.predicate.value.endswith(name)]

    when = ""
    dates = get("#startDate")
    if dates:
        end = get("#endDate")
        when = dates[0].value + (f" – {end[0].value}" if end and end[0].value != dates[0].value else "")
    roles = [(role, [term_view(v, base, labels.get(getattr(v, "value", ""))) for v in get("#" + role)])
             for role in ("agent", "target", "participant", "place") if get("#" + role)]
    return {"when": when, "roles": roles, "quotes": [q.value for q in get("#quote")],
            "sources": [term_view(s, base, labels.get(getattr(s, "value", ""))) for s in get("wasDerivedFrom")]}


_ACTOR_EVENTS = """
SELECT ?e ?label ?date ?role ?quote ?source ?sourceTitle WHERE {
  ?e ?rp ?this ; rdfs:label ?label .
  VALUES (?rp ?role) { (ckg:agent "agent") (ckg:target "target") (ckg:participant "participant") }
  OPTIONAL { ?e ckg:startDate ?date }
  OPTIONAL { ?e ckg:quote ?quote }
  OPTIONAL { ?e prov:wasDerivedFrom ?source OPTIONAL { ?source dcterms:title ?sourceTitle } }
} ORDER BY ?date ?e
"""

_MEMBERSHIPS = """
SELECT ?m ?label ?org ?orgLabel ?member ?memberLabel ?start ?end WHERE {
  ?m a ckg:Membership . { ?m org:member ?this } UNION { ?m org:organization ?this }
  OPTIONAL { ?m rdfs:label ?label } OPTIONAL { ?m org:organization ?org OPTIONAL { ?org rdfs:label ?orgLabel } }
  OPTIONAL { ?m org:member ?member OPTIONAL { ?member rdfs:label ?memberLabel } }
  OPTIONAL { ?m ckg:startDate ?start } OPTIONAL { ?m ckg:endDate ?end }
} ORDER BY ?start
"""


def _value(row: Any, name: str) -> str | None:
    return row[name].value if row[name] is not None else None


def actor_context(store: ox.Store, iri: ox.NamedNode, limits: Limits) -> dict[str, Any]:
    base = limits.base
    aliases = [r["alias"].value for r in select(store, "SELECT ?alias WHERE { ?this skos:altLabel ?alias } ORDER BY ?alias", limits, this=iri)]
    wikidata = [iri_view("https://www.wikidata.org/wiki/" + r["q"].value, base, r["q"].value)
                for r in select(store, "SELECT ?q WHERE { ?this ckg:wikidataId ?q }", limits, this=iri)]
    description = select(store, "SELECT ?d WHERE { ?this dcterms:description ?d } LIMIT 1", limits, this=iri)
    events, seen = [], set()
    for r in select(store, _ACTOR_EVENTS, limits, this=iri):
        key = (r["e"].value, r["role"].value)
        if key in seen:
            continue
        seen.add(key)
        events.append({"date": _value(r, "date") or "", "role": r["role"].value, "quote": _value(r, "quote"),
                       "event": iri_view(r["e"].value, base, r["label"].value),
                       "source": term_view(r["source"], base, _value(r, "sourceTitle"))})
    memberships = [[iri_view(r["m"].value, base, _value(r, "label")), term_view(r["member"], base, _value(r, "memberLabel")),
                    term_view(r["org"], base, _value(r, "orgLabel")), text_view(_value(r, "start") or ""),
                    text_view(_value(r, "end") or "holding")]
                   for r in select(store, _MEMBERSHIPS, limits, this=iri)]
    return {"aliases": aliases, "wikidata": wikidata, "description": description[0]["d"].value if description else "",
            "events": events, "memberships": memberships}


_NEIGHBOURS = """
SELECT DISTINCT ?p ?other ?label ?out WHERE {
  { ?this ?p ?other BIND(true AS ?out) } UNION { ?other ?p ?this BIND(false AS ?out) }
  ?p ckg:shortcutOf ?cls . ?other rdfs:label ?label .
} ORDER BY ?label LIMIT 24
"""


def network(store: ox.Store, iri: ox.NamedNode, limits: Limits) -> dict[str, Any] | None:
    """The actor and its direct neighbours by shortcut edges (attacked, joined...), as SVG data."""
    base = limits.base
    rows = select(store, _NEIGHBOURS, limits, this=iri)
    if not rows:
        return None
    others: dict[str, str] = {}
    for r in rows:
        others.setdefault(r["other"].value, r["label"].value)
    width, height, radius = 720, 420, 160
    cx, cy = width / 2, height / 2
    spots = {o: (cx + radius * 1.5 * math.cos(2 * math.pi * i / len(others)), cy + radius * math.sin(2 * math.pi * i / len(others)))
             for i, o in enumerate(sorted(others))}
    edges = []
    for r in rows:
        x, y = spots[r["other"].value]
        (x1, y1), (x2, y2) = ((cx, cy), (x, y)) if r["out"].value == "true" else ((x, y), (cx, cy))
        edges.append({"x1": f"{x1:.0f}", "y1": f"{y1:.0f}", "x2": f"{x2:.0f}", "y2": f"{y2:.0f}",
                      "mx": f"{(x1 + x2) / 2:.0f}", "my": f"{(y1 + y2) / 2:.0f}", "label": short(r["p"].value).split(":")[-1]})
    nodes = [{"x": f"{x:.0f}", "y": f"{y:.0f}", "ty": f"{y - 11:.0f}", "label": others[o][:40],
              "href": "/" + o[len(base):] if o.startswith(base) else None} for o, (x, y) in spots.items()]
    return {"width": width, "height": height, "cx": f"{cx:.0f}", "cy": f"{cy:.0f}", "edges": edges, "nodes": nodes}


# -- /ontology ---------------------------------------------------------------------------------


def ontology(store: ox.Store, job: Job) -> Answer:
    from kg.base.resources import ontology_dir

    limits = job.limits
    data = (ontology_dir() / "conflict.ttl").read_bytes()
    name = job.fmt or "html"
    if name == "turtle":
        return Answer(200, data, "text/turtle; charset=utf-8")
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    if name != "html":
        fmt = rdf_format(name)
        return Answer(200, rdf_body(triples, fmt.name, Limits(max_rows=10**7, max_bytes=limits.max_bytes)), fmt.content_type)
    base = limits.base
    by_subject: dict[str, dict[str, list[Any]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            key = t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            by_subject.setdefault(t.subject.value, {}).setdefault(key, []).append(t.object)
    sections: dict[str, list[dict[str, Any]]] = {"Class": [], "ObjectProperty": [], "DatatypeProperty": [], "Other": []}
    for subject, props in sorted(by_subject.items()):
        if "#" not in subject:
            continue
        kinds = [o.value.rsplit("#", 1)[-1] for o in props.get("type", []) if isinstance(o, ox.NamedNode)]
        kind = next((k for k in ("Class", "ObjectProperty", "DatatypeProperty") if k in kinds), "Other")
        name = subject.rsplit("#", 1)[-1]
        sections[kind].append({
            "name": name, "label": props.get("label", [ox.Literal(name)])[0].value,
            "comment": " ".join(o.value for o in props.get("comment", []) + props.get("definition", [])),
            "supers": [term_view(o, base) for o in props.get("subClassOf", []) + props.get("subPropertyOf", []) if isinstance(o, ox.NamedNode)],
        })
    titles = {"Class": "Classes", "ObjectProperty": "Object properties", "DatatypeProperty": "Datatype properties", "Other": "Other terms"}
    body = render("ontology.html", limits, title="Ontology", base=base,
                  sections=[(titles[k], rows) for k, rows in sections.items() if rows])
    return Answer(200, body, HTML)


# -- the query page ------------------------------------------------------------------------------

DEFAULT_QUERY = "SELECT ?attacker ?target WHERE { ?attacker ckg:attacked ?target }"


def example_text(name: str) -> str | None:
    from kg.sparql.saved import saved_queries

    query = saved_queries().get(name)
    if query is None:
        return None
    values = query.bind({})
    return bind_parameters(query.text, values) if values else query.text


def query_page(store: ox.Store, job: Job) -> Answer:
    """The query form, and the results of ``job.sparql`` (or of the saved query ``job.fmt``)."""
    from kg.sparql.saved import saved_queries

    limits = job.limits
    text = job.sparql or (example_text(job.fmt) if job.fmt else None) or ""
    context: dict[str, Any] = {"title": "Query", "text": text or DEFAULT_QUERY, "error": "", "result": None,
                               "examples": list(saved_queries().values())}
    status = 200
    if text:
        try:
            context["result"] = _results(store, job, text)
        except Failed as err:
            context["error"], status = str(err), err.status
        except SyntaxError as err:
            context["error"], status = f"SPARQL syntax error: {err}", 400
        except (OSError, RuntimeError, ValueError) as err:
            context["error"], status = f"SPARQL query failed: {err}", 500
        except Exception as err:
            from kg.sparql.checks import Refused

            if not isinstance(err, Refused):
                raise
            context["error"], status = str(err), 400
    return Answer(status, render("query.html", limits, **context), HTML)


def _results(store: ox.Store, job: Job, text: str) -> dict[str, Any]:
    import time

    limits = job.limits
    started = time.perf_counter()
    checked, options = prepare_query(store, Job(text, base_iri=job.base_iri, limits=limits))
    raw = store.query(checked, **options)
    downloads = []
    base = limits.base
    result: dict[str, Any] = {"truncated": ""}
    if isinstance(raw, ox.QueryBoolean):
        result.update(kind="ask", boolean=bool(raw))
    elif isinstance(raw, ox.QuerySolutions):
        names = [v.value for v in raw.variables]
        rows = take(raw, limits.max_rows + 1)
        result.update(kind="select", vars=names, rows=[[term_view(s[v], base) for v in names] for s in rows[: limits.max_rows]])
        if len(rows) > limits.max_rows:
            result["truncated"] = f"--max-rows {limits.max_rows}"
    else:
        triples = take(raw, limits.max_rows + 1)
        result.update(kind="graph", vars=["subject", "predicate", "object"],
                      rows=[[term_view(t.subject, base), term_view(t.predicate, base), term_view(t.object, base)]
                            for t in triples[: limits.max_rows]])
        if len(triples) > limits.max_rows:
            result["truncated"] = f"--max-rows {limits.max_rows}"
    for name in DOWNLOADS[result["kind"]]:
        downloads.append((by_name(name).name, "/sparql?" + urlencode({"query": text, "format": name})))
    result.update(downloads=downloads, ms=f"{(time.perf_counter() - started) * 1000:.0f}")
    return result


# -- VoID and the service description --------------------------------------------------------------


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def _graphs(store: ox.Store) -> list[str]:
    hidden = journal.hidden(store)  # a write in progress: not a graph of the store yet
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in hidden)


def service_description(store: ox.Store, job: Job) -> Answer:
    """The SPARQL 1.1 Service Description of this endpoint (``job.base_iri`` is the endpoint)."""
    limits = job.limits
    service = ox.BlankNode("service")
    data = _n(limits.public + ".well-known/void#dataset")
    default_graph = ox.BlankNode("defaultGraph")
    out = [
        ox.Triple(service, RDF_TYPE, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), _n(job.base_iri or limits.public + "sparql")),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(service, _n(DCT + "description"), ox.Literal(
            "conflict-kg SPARQL endpoint: the default graph is the union of all named graphs; "
            "SERVICE, LOAD and remote or file: graphs are refused; "
            f"queries stop after {limits.timeout:g} s and return at most {limits.max_rows} rows.")),
        ox.Triple(service, _n(SD + "defaultDataset"), data),
        ox.Triple(data, RDF_TYPE, _n(SD + "Dataset")),
        ox.Triple(data, _n(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _n(SD + "Graph")),
    ]
    if limits.updates:
        out.append(ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Update")))
    for fmt in FORMATS:
        out.append(ox.Triple(service, _n(SD + "resultFormat"), _n(fmt.sd_iri)))
    for index, graph in enumerate(take(_graphs(store), limits.max_rows)):
        node = ox.BlankNode(f"g{index}")
        out += [ox.Triple(data, _n(SD + "namedGraph"), node), ox.Triple(node, RDF_TYPE, _n(SD + "NamedGraph")),
                ox.Triple(node, _n(SD + "name"), _n(graph))]
    return _rdf_answer(out, job)


def _rdf_answer(triples: list[ox.Triple], job: Job) -> Answer:
    fmt = negotiate("graph", accept=job.accept, fmt=job.fmt)
    body, truncated = graph_bytes(triples, fmt.name, job.limits)
    return Answer(200, body, fmt.content_type, "graph", fmt.name, truncated)


_COUNTS = "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?entities) WHERE { GRAPH ?g { ?s ?p ?o } }"


def void(store: ox.Store, job: Job) -> Answer:
    """VoID from the configured addresses (never the request's Host): counts, classes, graphs, sources."""
    limits = job.limits
    data = _n(limits.public + ".well-known/void#dataset")
    out = [
        ox.Triple(data, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Triple(data, _n(DCT + "title"), ox.Literal("conflict-kg", language="en")),
        ox.Triple(data, _n(DCT + "description"), ox.Literal(
            "A temporal knowledge graph of armed-conflict actors and events, with the quote and source of every fact.",
            language="en")),
        ox.Triple(data, _n(DCT + "license"), _n(PROJECT_LICENSE)),
        ox.Triple(data, _n(DCT + "rights"), ox.Literal(
            "Project data under the project's licence; quoted source text remains the copyright of its holders "
            "(see each source's dcterms:rights).", language="en")),
        ox.Triple(data, _n(VOID + "sparqlEndpoint"), _n(limits.public + "sparql")),
        ox.Triple(data, _n(VOID + "uriSpace"), ox.Literal(limits.base + "id/")),
        ox.Triple(data, _n(VOID + "vocabulary"), _n(limits.base + "ontology#")),
        ox.Triple(data, _n(VOID + "exampleResource"), _n(limits.base + "id/actor/isis")),
    ]
    for name in ("Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        out.append(ox.Triple(data, _n(VOID + "feature"), _n("http://www.w3.org/ns/formats/" + name)))
    for row in select(store, _COUNTS, limits):
        out.append(ox.Triple(data, _n(VOID + "triples"), row["triples"]))
        out.append(ox.Triple(data, _n(VOID + "entities"), row["entities"]))
    classes = select(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c", limits)
    out.append(ox.Triple(data, _n(VOID + "classes"), _int(len(classes))))
    for row in classes:
        part = ox.BlankNode()
        out += [ox.Triple(data, _n(VOID + "classPartition"), part), ox.Triple(part, _n(VOID + "class"), row["c"]),
                ox.Triple(part, _n(VOID + "entities"), row["n"])]
    properties = select(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }", limits)
    out.append(ox.Triple(data, _n(VOID + "properties"), properties[0]["n"]))
    for row in select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", limits):
        part = ox.BlankNode()
        out += [ox.Triple(data, _n(VOID + "subset"), part), ox.Triple(part, RDF_TYPE, _n(VOID + "Dataset")),
                ox.Triple(part, _n(SD + "name"), row["g"]), ox.Triple(part, _n(VOID + "triples"), row["n"])]
    for row in select(store, "SELECT DISTINCT ?src ?title ?rights WHERE { ?src a ckg:Source . "
                             "OPTIONAL { ?src dcterms:title ?title } OPTIONAL { ?src dcterms:rights ?rights } } ORDER BY ?src", limits):
        out.append(ox.Triple(data, _n(DCT + "source"), row["src"]))
        if row["title"] is not None:
            out.append(ox.Triple(row["src"], _n(DCT + "title"), row["title"]))
        if row["rights"] is not None:
            out.append(ox.Triple(row["src"], _n(DCT + "rights"), row["rights"]))
    return _rdf_answer(out, job)


TASKS = {"resource": resource, "ontology": ontology, "page": query_page, "void": void, "description": service_description}
